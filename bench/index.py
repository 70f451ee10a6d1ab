"""Query speed on a large index, and the reindex rate.

Builds (once, cached in bench/.cache/) a synthetic index of one million revisions of
about 500 bytes each, then times, as commands with their start-up included:
`redline history URL --json`, `redline changes --since 1d --json`, `redline --help`.
Then writes WARCs with N synthetic captures (+ metadata records) and times `redline
reindex` (captures per second) on two archives: a crawl's (10 passes over the articles:
most rechecks 304 or identical-payload revisits, some new bytes around the same article,
one in ten an edit fetched again at once to confirm it, pages of ~30 KB) and the earlier
figure's (every capture an edit of a 500-byte text, so diffing dominates). Baseline:
`python -c pass`, timed in the same run.

    .venv/bin/python bench/index.py [--revisions 1000000] [--captures 3000] [--reindex-only]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.index import open_index  # noqa: E402
from archive.warc_build import RevisitOf  # noqa: E402
from archive.warc_writer import HttpExchange, WarcWriter  # noqa: E402
from redline.schedule import iso  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
WORDS = (
    "council budget river housing plan minister report police storm vote school "
    "hospital court trial market energy water transport election climate"
).split()
NOW = datetime.now(timezone.utc)


def body(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(70))[:500]


def build_index(path: Path, revisions: int) -> None:
    db = open_index(path)
    rng = random.Random(1)
    articles = revisions // 5
    db.execute("insert into sites (name) values ('bench')")
    db.conn.executemany(
        "insert into articles (id, url, site, first_seen, status) values (?, ?, 'bench', ?, 'live')",
        (
            (a, f"https://news.example/2026/{a}", iso(NOW - timedelta(days=365)))
            for a in range(1, articles + 1)
        ),
    )
    rows, changes = [], []
    for n in range(revisions):
        article, number = n // 5 + 1, n % 5 + 1
        when = iso(NOW - timedelta(seconds=rng.randrange(365 * 86400)))
        rows.append(
            (
                article,
                number,
                when,
                f"Headline {n}",
                "By A. Writer",
                body(rng),
                f"{n:040x}",
                f"{n:040x}",
            )
        )
        if number > 1:
            changes.append(
                (
                    article,
                    number - 1,
                    number,
                    when,
                    when,
                    '["body"]',
                    "substantive",
                    f"Headline {n - 1}",
                    f"Headline {n}",
                    '{"version": 1, "headline": null, "byline": null, "body": []}',
                    3,
                    2,
                )
            )
        if len(rows) >= 50_000:
            flush(db, rows, changes)
    flush(db, rows, changes)
    db.conn.close()


def flush(db, rows: list, changes: list) -> None:
    with db.conn:
        db.conn.executemany(
            "insert into revisions (article_id, number, captured_at, headline, byline, body,"
            " body_sha1, fingerprint) values (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.conn.executemany(
            "insert into changes (article_id, from_revision, to_revision, from_captured_at,"
            " to_captured_at, kinds, significance, headline_before, headline_after, diff,"
            " added_words, removed_words) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            changes,
        )
    rows.clear(), changes.clear()


def timed(args: list[str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def write_captures(archive: Path, n: int) -> None:
    """n captures of n/3 articles, each recapture a realistic small edit of the last."""
    from diffing.article import Article

    urls = n // 3 + 1
    with WarcWriter(archive) as writer:
        for i in range(n):
            u, k = i % urls, i // urls
            url = f"https://news.example/2026/{u}"
            words = body(random.Random(u)).split()
            words[k * 7 % len(words)] = "revised"
            sentences = [" ".join(words[j : j + 12]) + "." for j in range(0, len(words), 12)]
            html = f"<html><h1>Headline {u}</h1><p>{' '.join(sentences)}</p></html>".encode()
            loc = writer.write_exchange(
                HttpExchange(
                    url=url,
                    method="GET",
                    request_headers=[("User-Agent", "bench")],
                    status=200,
                    reason=None,
                    response_headers=[("Content-Type", "text/html")],
                    body=html,
                    date=NOW - timedelta(minutes=n - i),
                )
            )
            article = Article(
                url=url,
                headline=f"Headline {u}" + " (updated)" * (k % 2),
                byline="By A. Writer",
                paragraphs=tuple(sentences[:3]) + (" ".join(sentences[3:]),),
            )
            writer.write_metadata(
                refers_to=loc.record_id,
                target_uri="urn:redline:article:" + url,
                date=loc.date,
                payload=json.dumps({"article": article.to_dict()}).encode(),
            )


CHROME = " ".join(
    f"<li><a href='/section/{i}'>Section {i} {w}</a></li>" for i, w in enumerate(WORDS * 20)
)


def write_crawl(archive: Path, n: int) -> None:
    """n captures of a crawl: 10 passes over n/10 articles of 40 sentences. Of the
    rechecks, 55% are 304s, 20% identical payloads (both revisits, no metadata record),
    15% new bytes (a counter in the page's chrome) around the same article, 10% an edit,
    fetched again at once (the refetch's metadata record names the first fetch)."""
    from diffing.article import Article

    rng = random.Random(2)
    articles = max(1, n // 11)  # an edit's refetch is a capture too
    last: dict[int, tuple] = {}  # article -> (record id, date, digest, sentences, html)
    when = NOW - timedelta(days=10)
    written = 0
    with WarcWriter(archive) as writer:
        while written < n:
            for u in range(articles):
                if written >= n:
                    break
                when += timedelta(seconds=7)
                url = f"https://news.example/2026/{u}"
                roll = rng.random()
                if u in last and roll < 0.75:
                    record_id, date, digest, _, html = last[u]
                    status = 304 if roll < 0.55 else 200
                    profile = "server-not-modified" if status == 304 else "identical-payload-digest"
                    writer.write_exchange(
                        _exchange(url, status, b"" if status == 304 else html, when),
                        RevisitOf(record_id, url, date, digest, profile),
                    )
                    written += 1
                    continue
                if u not in last or roll < 0.9:
                    sentences = last[u][3] if u in last else _sentences(rng)
                else:
                    sentences = list(last[u][3])
                    sentences[rng.randrange(len(sentences))] = _sentences(rng)[0]
                article = Article(url=url, headline=f"Headline {u}", byline="By A. Writer",
                                  paragraphs=tuple(sentences))  # fmt: skip
                refetch_of = None
                for _ in range(2 if u in last and roll >= 0.9 else 1):
                    html = _page(u, sentences, counter=written)
                    loc = writer.write_exchange(_exchange(url, 200, html, when))
                    data = {"article": article.to_dict(), "extractor": "redline-extract/3"}
                    if refetch_of:
                        data["refetch_of"] = refetch_of
                    writer.write_metadata(
                        refers_to=loc.record_id,
                        target_uri="urn:redline:article:" + url,
                        date=loc.date,
                        payload=json.dumps(data, sort_keys=True).encode(),
                    )
                    refetch_of = loc.record_id
                    last[u] = (loc.record_id, loc.date, loc.payload_digest, sentences, html)
                    written += 1


def _sentences(rng: random.Random) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "." for _ in range(40)]


def _page(u: int, sentences: list[str], counter: int) -> bytes:
    paragraphs = "".join(f"<p>{s}</p>" for s in sentences)
    return (
        f"<html><head><title>Headline {u}</title></head><body><nav><ul>{CHROME}</ul></nav>"
        f"<article><h1>Headline {u}</h1>{paragraphs}</article>"
        f"<footer>{counter} readers</footer></body></html>"
    ).encode()


def _exchange(url: str, status: int, body: bytes, when: datetime) -> HttpExchange:
    return HttpExchange(
        url=url,
        method="GET",
        request_headers=[("User-Agent", "bench")],
        status=status,
        reason=None,
        response_headers=[("Content-Type", "text/html"), ("ETag", f'"{len(body)}"')],
        body=body,
        date=when,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=1_000_000)
    parser.add_argument("--captures", type=int, default=3000)
    parser.add_argument("--reindex-only", action="store_true", help="skip the query timings")
    args = parser.parse_args()
    if not args.reindex_only:
        time_queries(args.revisions)
    print("reindex (start-up included)")
    for label, write in [("crawl mix", write_crawl), ("every capture an edit", write_captures)]:
        seconds = reindex_seconds(write, args.captures)
        print(
            f"  {label}: {args.captures} captures in {seconds:.1f}s ="
            f" {args.captures / seconds:.0f} captures/s"
        )


def time_queries(revisions: int) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    db_path = CACHE / f"index-{revisions}.db"
    if not db_path.exists():
        started = time.perf_counter()
        build_index(db_path.with_suffix(".tmp"), revisions)
        db_path.with_suffix(".tmp").rename(db_path)
        print(f"built {db_path.name} in {time.perf_counter() - started:.0f}s")
    config = CACHE / "redline.toml"
    config.write_text(
        f'database = "{db_path.name}"\n[[sites]]\nname = "bench"\n'
        'feeds = ["https://news.example/rss.xml"]\n'
    )
    redline = [sys.executable, "-m", "redline", "-c", str(config)]
    base = timed([sys.executable, "-c", "pass"])
    url = f"https://news.example/2026/{revisions // 10}"
    print(f"index of {revisions:,} revisions; medians of 5 runs, start-up included")
    print(f"  python -c pass (baseline)       {base * 1000:7.0f} ms")
    for label, cmd in [
        ("redline --help", ["--help"]),
        ("redline history URL --json", ["history", url, "--json"]),
        ("redline changes --since 1d --json", ["changes", "--since", "1d", "--json"]),
    ]:
        t = timed(redline + cmd)
        print(f"  {label:<32}{t * 1000:7.0f} ms  ({t / base:.1f}x baseline)")


def reindex_seconds(write, captures: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write(tmp / "archive", captures)
        (tmp / "redline.toml").write_text(
            '[[sites]]\nname = "bench"\nfeeds = ["https://news.example/rss.xml"]\n'
            'article_pattern = "^https://news\\\\.example/2026/"\n'
        )
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "redline", "-c", str(tmp / "redline.toml"), "reindex"],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started


if __name__ == "__main__":
    main()
