"""Running from cron: quiet output, a log file, stale locks, and `scrapy crawl news`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from redline.newsroom import Newsroom
from tests.crawling import ROOT, redline, write_config


@pytest.fixture
def room():
    with Newsroom(articles=3, seed=8) as newsroom:
        yield newsroom


def test_quiet_one_line_summary_and_a_log_file(tmp_path, room):
    config = write_config(tmp_path, room.base_url, extra="")
    text = config.read_text().replace('database = "redline.db"',
                                      'database = "redline.db"\nlog_file = "redline.log"')
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
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-s",
                             "LOG_LEVEL=WARNING"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert list((tmp_path / "archive").glob("redline-*.warc.gz"))
    assert (tmp_path / "redline.db").exists()
