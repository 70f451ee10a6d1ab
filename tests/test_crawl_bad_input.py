"""A crawl meets broken servers and files: it goes on, says what went wrong, keeps captures."""

from __future__ import annotations

import os

import pytest

from archive.warc_reader import iter_records
from redline.newsroom import Newsroom
from tests.crawling import crawl, redline, write_config

BAD_SITE = """
[[sites]]
name = "bad"
feeds = ["{base}/bad/feed.xml"]
sitemaps = ["{base}/bad/sitemap.xml"]
start_urls = ["{base}/bad/huge", "{base}/bad/gzip-bomb", "{base}/bad/reset",
              "{base}/bad/short", "{base}/bad/broken.html"]
article_pattern = "^{pattern}/never/"
"""


@pytest.fixture
def room():
    with Newsroom(articles=3, seed=5, noise=True) as newsroom:
        yield newsroom


def test_broken_pages_do_not_stop_the_pass(tmp_path, room):
    pattern = room.base_url.replace(".", "\\\\.")
    config = write_config(tmp_path, room.base_url, max_page_bytes=1_000_000,
                          extra=BAD_SITE.format(base=room.base_url, pattern=pattern))
    summary = crawl(config)
    assert summary["new_articles"] == 3, "the good site is crawled in full"
    assert summary["failed"] >= 1, "the reset connection is counted"
    faults: list = []
    records = [r for p in (tmp_path / "archive").glob("*.warc.gz") for r in iter_records(p, faults)]
    assert faults == []
    by_url = {r.target_uri: r for r in records if r.warc_type == "response"}
    huge = by_url[f"{room.base_url}/bad/huge"]
    assert huge.truncated == "length", "a page over max_page_bytes is archived cut short"
    assert 900_000 < len(huge.payload) <= 1_000_000
    short = by_url[f"{room.base_url}/bad/short"]
    assert short.truncated == "disconnect", "a server lying about its length is recorded as such"
    assert f"{room.base_url}/bad/gzip-bomb" in by_url, "the bomb is archived, not inflated"
    assert f"{room.base_url}/bad/feed.xml" in by_url


def test_unwritable_archive_is_exit_73(tmp_path, room):
    if os.geteuid() == 0:
        target = tmp_path / "not-a-dir"
        target.write_text("a file where the archive directory should be")
        extra = ""
        config = write_config(tmp_path, room.base_url, extra=extra)
        config.write_text(config.read_text().replace('archive_dir = "archive"',
                                                     'archive_dir = "not-a-dir/archive"'))
    else:
        (tmp_path / "archive").mkdir()
        (tmp_path / "archive").chmod(0o500)
        config = write_config(tmp_path, room.base_url)
    result = redline(config, "crawl")
    assert result.returncode == 73, result.stderr
    assert "cannot write to" in result.stderr and "Traceback" not in result.stderr
