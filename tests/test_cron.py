"""Running from cron: quiet output, a log file, stale locks, and `scrapy crawl news`.

Cron mails whatever a job prints, stdout and stderr: the one-line summary, then one
line per failing site naming it and the reason, and never a traceback.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

import pytest

from redline.newsroom import Newsroom
from tests.crawling import ROOT, redline, write_config
from tests.hostile import HostileServer

UNREACHABLE = """
[[sites]]
name = "refused"
feeds = ["http://127.0.0.1:{closed}/rss.xml"]
start_urls = ["http://127.0.0.1:{closed}/"]
article_pattern = "^http://127\\\\.0\\\\.0\\\\.1:{closed}/\\\\d{{4}}/"

[[sites]]
name = "nowhere"
feeds = ["http://news.invalid/rss.xml"]
sitemaps = ["http://news.invalid/sitemap.xml"]
article_pattern = "^http://news\\\\.invalid/\\\\d{{4}}/"
"""


@pytest.fixture
def closed_port():
    """A port bound but never listening for the whole test: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def room():
    with Newsroom(articles=3, seed=8) as newsroom:
        yield newsroom


def test_quiet_one_line_summary_and_a_log_file(tmp_path, room):
    config = write_config(tmp_path, room.base_url, extra="")
    text = config.read_text().replace(
        'database = "redline.db"', 'database = "redline.db"\nlog_file = "redline.log"'
    )
    config.write_text(text)
    result = redline(config, "crawl")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("fetched ") and "3 new articles" in result.stdout
    assert len(result.stdout.splitlines()) == 1, "one line for cron's mail"
    assert result.stderr == "", "nothing but the summary when not on a terminal"
    log = (tmp_path / "redline.log").read_text()
    assert "Spider opened" in log and "Spider closed (finished)" in log


def test_a_stale_lock_from_a_killed_run_is_recovered(tmp_path, room):
    config = write_config(tmp_path, room.base_url)
    (tmp_path / "redline.db.lock").write_text("pid 999999 on a-host-long-gone\n")
    result = redline(config, "crawl", "--json")
    assert result.returncode == 0, result.stderr


def test_scrapy_crawl_news_works_from_the_repository_root(tmp_path, room):
    config = write_config(tmp_path, room.base_url)
    env = dict(os.environ, REDLINE_CONFIG=str(config), PYTHONWARNINGS="ignore")
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert list((tmp_path / "archive").glob("redline-*.warc.gz"))
    assert (tmp_path / "redline.db").exists()


MOVED = """
[[sites]]
name = "moved"
feeds = ["{base}/old-feed.xml"]
article_pattern = "^{base}/\\\\d{{4}}/"
"""
HOSTILE = """
[[sites]]
name = "hostile"
feeds = ["{a}/feed.xml"]
sitemaps = ["{a}/sitemap.xml"]
start_urls = ["{b}/", "{a}/section", "{a}/empty"]
article_pattern = "^http://127\\\\.0\\\\.0\\\\.2:\\\\d+/\\\\d{{4}}/"
"""
WARNING = re.compile(
    r"^warning: site (\w+) is failing: every feed, sitemap and front page"
    r" failed \((\S+): ([^()]+(?:\([^()]*\))?)\)$"
)


def test_unreachable_and_hostile_sites_are_a_line_each_never_a_traceback(
    tmp_path, room, closed_port
):
    """Refused, no such host, resets, garbage status lines, endless redirects, huge headers,
    and a feed that is gone (404)."""
    with HostileServer("127.0.0.2") as a, HostileServer("127.0.0.3") as b:
        extra = (
            UNREACHABLE.format(closed=closed_port)
            + HOSTILE.format(a=a, b=b)
            + MOVED.format(base=room.base_url)
        )
        config = write_config(tmp_path, room.base_url, extra=extra)
        result = redline(config, "crawl")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "Scrapy's own log stays out of cron's mail"
    summary, *warnings = result.stdout.splitlines()
    assert summary.startswith("fetched ") and "3 new articles" in summary
    matches = [WARNING.match(line) for line in warnings]
    assert all(matches), warnings
    by_site = {m.group(1): m.group(2, 3) for m in matches}
    assert by_site["refused"] == (f"http://127.0.0.1:{closed_port}/rss.xml", "connection refused")
    assert by_site["nowhere"] == ("http://news.invalid/rss.xml", "host name not found (DNS)")
    assert by_site["hostile"][0].startswith(("http://127.0.0.2:", "http://127.0.0.3:"))
    assert by_site["moved"] == (f"{room.base_url}/old-feed.xml", "HTTP 404")
    assert len(warnings) == 4, "one line per failing site, nothing else"
