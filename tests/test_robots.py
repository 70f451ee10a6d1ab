"""robots.txt: fetched once per host and pass, archived once, obeyed, read for sitemaps."""

from __future__ import annotations

import json

from archive.warc_reader import iter_records
from redline.newsroom import Newsroom
from tests.crawling import redline, write_config

PRIVATE = """
[[sites]]
name = "private"
start_urls = ["{base}/private/secret", "{base}/private/secret?2", "{base}/private/secret?3"]
article_pattern = "^{pattern}/private/\\\\d{{4}}/"
"""


def test_robots_txt_is_fetched_and_archived_once_and_obeyed(tmp_path):
    with Newsroom(articles=3, seed=4) as room:
        pattern = room.base_url.replace(".", "\\\\.")
        config = write_config(
            tmp_path, room.base_url, extra=PRIVATE.format(base=room.base_url, pattern=pattern)
        )
        result = redline(config, "crawl", "--json")
        paths = [path for _, path, _ in room.requests]
    assert result.returncode == 0, result.stderr
    assert paths.count("/robots.txt") == 1, "one fetch serves the rules and the sitemaps"
    assert "/sitemap-index.xml" in paths, "the sitemap robots.txt announces is read"
    assert not [p for p in paths if p.startswith("/private/")], (
        "no page robots.txt disallows is fetched, however many waited for its rules"
    )
    records = [r for p in (tmp_path / "archive").glob("*.warc.gz") for r in iter_records(p, [])]
    robots = [r for r in records if r.target_uri == f"{room.base_url}/robots.txt"]
    assert sorted(r.warc_type for r in robots) == ["request", "response"], "archived once"
    summary = json.loads(result.stdout)
    assert summary["new_articles"] == 3
    (failing,) = summary["sites_failing"]
    assert failing["site"] == "private"
    assert failing["reason"].startswith(
        f"every feed, sitemap and front page failed ({room.base_url}/private/secret"
    )
    assert failing["reason"].endswith(": Forbidden by robots.txt)")
