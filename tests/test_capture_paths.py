"""One meaning per capture, whichever path it takes into the index.

The same newsroom, over the same rounds, captured three ways: (a) `redline crawl`, which
tracks as it fetches; (b) a cluster worker, which writes WARCs only, then
`redline ingest --follow --once`; (c) `redline ingest` of the crawl's own WARC files into
a fresh index. All three hand each capture to `redline.capture_rules` and the tracker, so
the index rows must mean the same, including a tracked article whose page later fails
extraction (a paywall): verdict `error`, counted in extraction_failed, no revision.

Ids and times cannot be compared between (a) and (b): the two fetched the pages
separately, so their WARC record ids, fetch times and capture numbering differ. What must
be equal is compared instead: per article URL its status, its revisions' headlines,
bylines and bodies, the kinds of its changes, and the verdict of each capture in order.
(c) replays the very records (a) wrote, so there every table must be equal, ids included.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from redline.newsroom import Newsroom
from tests.crawling import crawl, redline, write_config
from tests.index_tables import dump_tables, table_differences
from tests.test_cluster import cluster_config, cluster_pass, redis_url  # noqa: F401 (fixture)

PAYWALL = ["Subscribe to continue reading this article."]


def meaning(directory: Path) -> dict[str, dict]:
    """Per article URL, what its captures meant (no ids, no times)."""
    with sqlite3.connect(directory / "redline.db") as db:
        articles = {}
        for article_id, url, status in db.execute("select id, url, status from articles"):
            articles[url] = {
                "status": status,
                "revisions": db.execute(
                    "select number, headline, byline, body_sha1 from revisions"
                    " where article_id = ? order by number", [article_id]).fetchall(),
                "changes": db.execute(
                    "select from_revision, to_revision, kinds from changes"
                    " where article_id = ? order by to_revision", [article_id]).fetchall(),
                "verdicts": [v for (v,) in db.execute(
                    "select verdict from captures where article_id = ?"
                    " order by fetched_at, id", [article_id])],
            }  # fmt: skip
    return articles


def extraction_failed(articles: dict[str, dict]) -> int:
    return sum(a["verdicts"].count("error") for a in articles.values())


def ingest_follow(config: Path) -> None:
    result = redline(config, "ingest", "--follow", "--once", "--json")
    assert result.returncode == 0, result.stderr[-3000:]


def test_crawl_worker_and_ingest_give_the_same_rows(tmp_path, redis_url):  # noqa: F811
    with Newsroom(articles=3, seed=11, noise=True) as room:
        crawled = write_config(_directory(tmp_path / "crawl"), room.base_url)
        worker = cluster_config(tmp_path / "worker", room, redis_url, "paths")
        slugs = sorted(room.articles)
        failed_by_crawl = 0
        for round_ in range(2):
            if round_:
                room.edit(slugs[0], headline=room.articles[slugs[0]].headline + " as storm nears")
                room.edit(slugs[1], paragraphs=PAYWALL)  # tracked, now fails extraction
            failed_by_crawl += crawl(crawled)["extraction_failed"]
            cluster_pass(worker, 1, "--recheck", "all")
            ingest_follow(worker)
        paywalled = room.article_url(slugs[1])
    warcs = sorted(str(p) for p in (tmp_path / "crawl" / "archive").glob("*.warc.gz"))
    rebuilt = write_config(_directory(tmp_path / "rebuilt"), room.base_url)
    result = redline(rebuilt, "ingest", "--json", *warcs)
    assert result.returncode == 0, result.stderr[-3000:]

    by_crawl = meaning(tmp_path / "crawl")
    assert by_crawl[paywalled]["verdicts"] == ["new", "error"]
    assert len(by_crawl[paywalled]["revisions"]) == 1, "a failed extraction makes no revision"
    assert failed_by_crawl == extraction_failed(by_crawl) == 1
    assert len(by_crawl) == 3 and sum(len(a["changes"]) for a in by_crawl.values()) == 1
    assert meaning(tmp_path / "worker") == by_crawl
    assert meaning(tmp_path / "rebuilt") == by_crawl
    same_records = table_differences(
        dump_tables(tmp_path / "crawl" / "redline.db"),
        _unimported(dump_tables(tmp_path / "rebuilt" / "redline.db")),
    )
    assert same_records == []


def _unimported(tables: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Ingest keeps what it imports under archive/imported/: the crawl's own file names."""

    def name(value):
        return value.removeprefix("imported/") if isinstance(value, str) else value

    return {t: sorted(tuple(name(v) for v in row) for row in rows) for t, rows in tables.items()}


def _directory(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
