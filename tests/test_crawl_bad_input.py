"""A crawl meets broken servers and files: it goes on, says what went wrong, keeps captures."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys

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
    config = write_config(
        tmp_path,
        room.base_url,
        max_page_bytes=1_000_000,
        extra=BAD_SITE.format(base=room.base_url, pattern=pattern),
    )
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
        config.write_text(
            config.read_text().replace(
                'archive_dir = "archive"', 'archive_dir = "not-a-dir/archive"'
            )
        )
    else:
        (tmp_path / "archive").mkdir()
        (tmp_path / "archive").chmod(0o500)
        config = write_config(tmp_path, room.base_url)
    result = redline(config, "crawl")
    assert result.returncode == 73, result.stderr
    assert "cannot write to" in result.stderr and "Traceback" not in result.stderr


def _crawl_run(config, limit_bytes: int | None = None) -> subprocess.CompletedProcess:
    """`redline crawl`; with a limit, no file it writes may grow past that many bytes."""

    def file_size_limit() -> None:  # runs in the child: its writes past the limit fail (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run(
        [sys.executable, "-m", "redline", "-c", str(config), "crawl"],
        capture_output=True, text=True, timeout=120, cwd=config.parent,
        env=dict(os.environ, PYTHONWARNINGS="ignore"),
        preexec_fn=file_size_limit if limit_bytes else None,
    )  # fmt: skip


def _response_ids(archive) -> set[str]:
    """Every complete response record in the archive, unfinished `.open` files included."""
    files = [*archive.glob("*.warc.gz"), *archive.glob("*.warc.gz.open")]
    return {r.record_id for p in files for r in iter_records(p, []) if r.warc_type == "response"}


def _indexed_ids(database) -> set[str]:
    with sqlite3.connect(database) as db:
        return {row[0] for row in db.execute("select record_id from captures")}


def _articles(database) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("select count(*) from articles").fetchone()[0]


BIG_PAGES = """
[[sites]]
name = "big"
start_urls = ["{base}/bad/gzip-bomb?1", "{base}/bad/gzip-bomb?2", "{base}/bad/gzip-bomb?3"]
article_pattern = "^{base}/never/"
"""


def _full_then_recovered(tmp_path, fill, make_room, articles=12, big_pages=False) -> None:
    """A pass stopped by a full disk: exit 73 in one line; the next pass keeps everything."""
    with Newsroom(articles=articles, seed=3) as room:
        extra = BIG_PAGES.format(base=room.base_url) if big_pages else ""
        config = write_config(tmp_path, room.base_url, extra=extra)
        full = fill(config)
        assert full.returncode == 73, full.stderr
        assert full.stdout == "" and "Traceback" not in full.stderr
        assert len(full.stderr.splitlines()) == 1, full.stderr
        assert full.stderr.startswith("Error: cannot write the archive or index:")
        flushed = _response_ids(tmp_path / "archive")
        assert flushed, "the pass archived pages before the disk filled"
        make_room()
        after = _crawl_run(config)
    assert after.returncode == 0, after.stderr
    assert "Traceback" not in after.stderr
    assert "recovered after a crash" in after.stderr, "the stopped pass's last file is healed"
    assert flushed <= _indexed_ids(tmp_path / "redline.db"), "every flushed capture is indexed"
    assert _articles(tmp_path / "redline.db") == articles, "and every article tracked"


def test_a_full_file_size_limit_is_one_line_exit_73_and_nothing_is_lost(tmp_path):
    """RLIMIT_FSIZE makes writes fail for real (EFBIG), as a full disk does, without root.

    Three pages of 100 kB of incompressible gzip fill the WARC file past the limit
    before the index reaches it.
    """
    _full_then_recovered(
        tmp_path,
        lambda config: _crawl_run(config, 200_000),
        lambda: None,
        articles=3,
        big_pages=True,
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tiny tmpfs needs root")
def test_a_full_archive_disk_is_one_line_exit_73_and_nothing_is_lost(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=40k", "tmpfs", str(archive)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        grow = ["mount", "-o", "remount,size=10m", str(archive)]  # keeps the files
        _full_then_recovered(tmp_path, _crawl_run, lambda: subprocess.run(grow, check=True))
    finally:
        subprocess.run(["umount", str(archive)], check=False)
