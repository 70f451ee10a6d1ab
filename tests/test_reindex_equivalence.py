"""`reindex`, and `ingest` into a fresh index, rebuild the very index the crawl wrote."""

from __future__ import annotations

import pytest

from tests.equivalence import differences, ingested, play_crawls, reindexed, tables


@pytest.mark.parametrize("seed, articles, rounds, noise", [(1, 24, 6, False), (2, 24, 6, True)])
def test_reindex_and_ingest_rebuild_every_table_of_the_crawl(tmp_path, seed, articles, rounds,
                                                             noise):
    config, summaries, log = play_crawls(tmp_path / "crawl", articles=articles, rounds=rounds,
                                         seed=seed, noise=noise)
    crawled = tables(config.parent / "redline.db")
    assert crawled["changes"], "the script made changes"
    assert differences(crawled, reindexed(config)) == {}, log
    assert differences(crawled, ingested(config, tmp_path / "fresh")) == {}, log
