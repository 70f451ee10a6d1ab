"""Benchmark `publish` + feed on an index of 10,000 changes, then one more change.

Rows are synthesised straight into a fresh index with realistic stored diffs from
diffing.compare.compare_articles. Prints the full and incremental times and their ratio.

    .venv/bin/python bench/publish.py [--changes 10000]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from archive.index import insert_change, open_index
from diffing.article import Article
from diffing.compare import compare_articles
from redline.publish import load_changes
from redline.publish.feed import FeedSpec, build_feed
from redline.publish.site import publish_site

_VOCABULARY = "council vote budget storm river police minister report families says after new city school hospital court ruling officials confirmed figure later"
WORDS = tuple(_VOCABULARY.split())
PER_ARTICLE = 5


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."


def edit(rng: random.Random, article: Article) -> Article:
    paragraphs = list(article.paragraphs)
    n = rng.randrange(len(paragraphs))
    paragraphs[n] = paragraphs[n] + " " + sentence(rng)
    headline = article.headline + (" update" if rng.random() < 0.3 else "")
    return Article(
        url=article.url, headline=headline, byline=article.byline, paragraphs=tuple(paragraphs)
    )


def add_article(db, rng: random.Random, article_id: int, stamp: int) -> int:
    url = f"https://news.example/2026/11/story-{article_id}"
    db["articles"].insert(
        {
            "id": article_id,
            "url": url,
            "site": f"site{article_id % 5}",
            "first_seen": _iso(stamp),
            "status": "live",
        }
    )
    article = Article(
        url=url,
        headline=sentence(rng)[:60],
        byline="By A. Writer",
        paragraphs=tuple(" ".join(sentence(rng) for _ in range(3)) for _ in range(8)),
    )
    previous = article
    for number in range(1, PER_ARTICLE + 2):
        _revision(db, article_id, number, stamp, article)
        if number > 1:
            _change(db, article_id, number, stamp, previous, article)
        previous, article, stamp = article, edit(rng, article), stamp + 60
    return stamp


def _revision(db, article_id: int, number: int, stamp: int, article: Article) -> None:
    db["revisions"].insert(
        {
            "article_id": article_id,
            "number": number,
            "captured_at": _iso(stamp),
            "headline": article.headline,
            "byline": article.byline,
            "body": article.body,
        }
    )


def _change(db, article_id: int, number: int, stamp: int, old: Article, new: Article) -> None:
    change = compare_articles(old, new)
    insert_change(
        db,
        {
            "article_id": article_id,
            "from_revision": number - 1,
            "to_revision": number,
            "from_captured_at": _iso(stamp - 60),
            "to_captured_at": _iso(stamp),
            "kinds": change.kinds,
            "significance": change.significance,
            "diff": change.diff,
            "headline_before": old.headline,
            "headline_after": new.headline,
            "added_words": change.added_words,
            "removed_words": change.removed_words,
        },
    )


def _iso(stamp: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1_790_000_000 + stamp)) + ".000000Z"


def timed_publish(db, outdir: Path) -> tuple[float, int]:
    start = time.perf_counter()
    report = publish_site(db, outdir, "https://changes.example.org/")
    spec = FeedSpec("urn:redline:feed:all", "all", "https://changes.example.org/", "feed.atom")
    (outdir / "cli.atom").write_bytes(build_feed(load_changes(db, limit=100), spec))
    return time.perf_counter() - start, len(report.written)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_index(Path(tmp) / "redline.db")
        start, stamp = time.perf_counter(), 0
        with db.conn:
            for article_id in range(1, args.changes // PER_ARTICLE + 1):
                stamp = add_article(db, rng, article_id, stamp)
        print(f"built {db['changes'].count} changes in {time.perf_counter() - start:.1f}s")
        full, written = timed_publish(db, Path(tmp) / "public")
        print(f"full publish + feed: {full:.2f}s, {written} files written")
        with db.conn:
            stamp = add_article(db, rng, 10**6, stamp)
        again, rewritten = timed_publish(db, Path(tmp) / "public")
        print(
            f"re-publish after {PER_ARTICLE} new changes: {again:.2f}s, {rewritten} files written"
        )
        print(f"ratio incremental/full: {again / full:.3f}")
        print(json.dumps({"full_s": round(full, 3), "incremental_s": round(again, 3)}))


if __name__ == "__main__":
    main()
