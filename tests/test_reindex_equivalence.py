"""`reindex`, and `ingest` into a fresh index, rebuild the very index the crawl wrote:
every table, ids included, after seeded random rounds of newsroom events."""

from __future__ import annotations

import sqlite3

import pytest

from tests.crawling import crawl, redline, write_config
from tests.equivalence import (
    Stage,
    differences,
    ingested,
    play_crawls,
    reindexed,
    tables,
    verdicts_seen,
)

EXERCISED = {  # (record type, HTTP status, verdict) the rounds must have met
    ("response", 200, "new"), ("response", 200, "changed"), ("revisit", 304, "unchanged"),
    ("response", 200, "error"), ("response", 302, "error"), ("response", 301, "moved"),
    ("response", 404, "removed"), ("response", 410, "removed"), ("response", 200, "restored"),
    ("response", 200, "refetched"),
}  # fmt: skip


@pytest.mark.parametrize("seed, articles, rounds, noise", [(1, 24, 6, False), (2, 24, 6, True)])
def test_reindex_and_ingest_rebuild_every_table_of_the_crawl(tmp_path, seed, articles, rounds,
                                                             noise):  # fmt: skip
    config, _, log = play_crawls(tmp_path / "crawl", articles=articles, rounds=rounds,
                                 seed=seed, noise=noise)  # fmt: skip
    crawled = tables(config.parent / "redline.db")
    assert EXERCISED <= verdicts_seen(crawled), sorted(verdicts_seen(crawled))
    if not noise:  # byte-identical pages without validators come back as revisits
        assert ("revisit", 200, "unchanged") in verdicts_seen(crawled)
    assert differences(crawled, reindexed(config)) == {}, log
    assert differences(crawled, ingested(config, tmp_path / "fresh")) == {}, log


@pytest.mark.soak
def test_a_few_hundred_articles_rebuild_the_same(tmp_path):
    """Several minutes on 2 cores: `pytest -m soak tests/test_reindex_equivalence.py`."""
    config, _, log = play_crawls(tmp_path / "crawl", articles=300, rounds=6, seed=7, noise=True)
    crawled = tables(config.parent / "redline.db")
    assert differences(crawled, reindexed(config)) == {}, log
    assert differences(crawled, ingested(config, tmp_path / "fresh")) == {}, log


def test_a_page_that_fails_extraction_is_an_error_never_unchanged(tmp_path):
    with Stage(articles=3, seed=3, noise=True) as room:
        config = write_config(tmp_path, room.base_url)
        crawl(config)
        slug = sorted(room.articles)[0]
        room.broken.add(slug)
        summary = crawl(config)
        url = room.article_url(slug)
    assert (summary["extraction_failed"], summary["unchanged"]) == (1, 2), summary
    with sqlite3.connect(config.parent / "redline.db") as db:
        last = db.execute("select http_status, verdict from captures where url = ?"
                          " order by id desc limit 1", [url]).fetchone()  # fmt: skip
    assert last == (200, "error")
    before = tables(config.parent / "redline.db")
    assert redline(config, "reindex").returncode == 0
    assert tables(config.parent / "redline.db") == before
