"""A crawl's extraction workers: a page that hangs the extractor costs one extraction
failure, not the pass; a crawl killed while the workers are busy loses no capture and
leaves no worker behind; the index of a crawl through the pool is what reindex rebuilds."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from archive.warc_reader import iter_records
from redline.newsroom import Newsroom
from tests.crawling import crawl, redline, start_crawl, write_config
from tests.equivalence import differences, reindexed, tables
from tests.processes import alive, descendants, status_kb
from tests.test_crash import capture_records, wait_for_open_warc


def bad_page_site(room: Newsroom, name: str, page: str) -> str:
    """A site whose one article is the newsroom's /bad/<page>, linked from /bad/links.html."""
    pattern = room.base_url.replace(".", "\\\\.")
    return f"""
[[sites]]
name = "{name}"
start_urls = ["{room.base_url}/bad/links.html"]
article_pattern = "^{pattern}/bad/{page}$"
"""


def test_a_page_that_hangs_extraction_costs_one_failure_not_the_pass(tmp_path):
    with Newsroom(articles=5, seed=8, noise=False) as room:
        config = write_config(tmp_path, room.base_url, extra=bad_page_site(room, "tables", "table"))
        started = time.monotonic()
        result = redline(config, "crawl", "--json", env={"REDLINE_EXTRACT_TIME_LIMIT": "1"})
        took = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    summary = json.loads(result.stdout)
    assert summary["new_articles"] == 5 and summary["extraction_failed"] == 1, summary
    assert took < 60, "the 5 MB table was cut off at its time limit"
    metadata = [
        json.loads(r.payload)
        for path in (tmp_path / "archive").glob("*.warc.gz")
        for r in iter_records(path, [])
        if r.warc_type == "metadata" and (r.target_uri or "").endswith("/bad/table")
    ]
    assert metadata and metadata[0]["error"] == "extraction took longer than 1 s"


def test_an_article_page_never_inflates_past_max_page_bytes(tmp_path):
    """100 kB of gzip that inflates to 110 MB, on an article URL, with max_page_bytes 1 MB:
    archived as sent, decoded no further than the limit (the crawl's peak memory says so)."""
    with Newsroom(articles=3, seed=8, noise=False) as room:
        config = write_config(tmp_path, room.base_url, max_page_bytes=1_000_000,
                              extra=bad_page_site(room, "bombs", "gzip-bomb"))  # fmt: skip
        with open(tmp_path / "out", "w") as out, open(tmp_path / "err", "w") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "redline", "-c", str(config), "crawl", "--json"],
                cwd=tmp_path, stdout=out, stderr=err,
                env=dict(os.environ, PYTHONWARNINGS="ignore", REDLINE_EXTRACT_WORKERS="0"),
            )  # fmt: skip
            peak_kb = 0
            while process.poll() is None:  # VmHWM: the crawl's own peak (ru_maxrss would
                peak_kb = max(peak_kb, status_kb(process.pid, "VmHWM"))  # count ours pre-exec)
                time.sleep(0.01)
    assert process.returncode == 0, (tmp_path / "err").read_text()[-3000:]
    summary = json.loads((tmp_path / "out").read_text())
    assert summary["new_articles"] == 3, "the rest of the pass went on"
    bombs = [r for p in (tmp_path / "archive").glob("*.warc.gz")
             for r in iter_records(p, [], max_record_bytes=2_000_000)
             if r.warc_type == "response" and r.target_uri.endswith("/bad/gzip-bomb")]  # fmt: skip
    assert len(bombs) == 1 and bombs[0].length < 100_000, "archived as sent, gzip-encoded"
    peak_mb = peak_kb / 1024
    assert peak_mb < 140, f"the crawl inflated the bomb: peak {peak_mb:.0f} MB"  # ~95 MB


def test_a_crawl_killed_while_its_workers_extract_loses_nothing_and_leaves_none(tmp_path):
    archive = tmp_path / "archive"
    with Newsroom(articles=80, seed=9, noise=True) as room:
        config = write_config(tmp_path, room.base_url)
        process = start_crawl(config, env={"REDLINE_EXTRACT_WORKERS": "2"})
        wait_for_open_warc(archive, process)
        deadline = time.monotonic() + 30
        while len(descendants(process.pid)) < 3:  # the fork server and two workers
            assert process.poll() is None, "the crawl ended before its workers started"
            assert time.monotonic() < deadline, "no extraction workers within 30 s"
            time.sleep(0.02)
        workers = descendants(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(alive(p) for p in workers):
            assert time.monotonic() < deadline, "extraction workers outlived their crawl"
            time.sleep(0.05)
        assert list(archive.glob("*.open")), "the kill landed mid-pass"
        crawl(config)  # heals the killed pass, then crawls
    db = sqlite3.connect(tmp_path / "redline.db")
    rows = [r for (r,) in db.execute("select record_id from captures")]
    articles = db.execute("select count(*) from articles").fetchone()[0]
    db.close()
    assert sorted(rows) == sorted(capture_records(archive)), "a capture lost or indexed twice"
    assert articles == 80
    assert redline(config, "verify").returncode == 0


def test_the_index_a_crawl_writes_through_the_pool_is_what_reindex_rebuilds(tmp_path):
    with Newsroom(articles=40, seed=10, noise=True) as room:
        config = write_config(tmp_path, room.base_url)
        crawl(config)
        for slug in list(room.articles)[:15]:
            room.edit(slug, headline=f"Revised: {room.articles[slug].headline}")
        crawl(config)
    crawled = tables(tmp_path / "redline.db")
    assert len(crawled["changes"]) >= 15
    assert differences(crawled, reindexed(config)) == {}
