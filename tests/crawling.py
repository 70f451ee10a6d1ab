"""Helpers for tests that crawl the local newsroom: a config, and a crawl in a subprocess
(Scrapy runs one Twisted reactor per process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from archive.warc_writer import HttpExchange

ROOT = Path(__file__).resolve().parent.parent

SITE = """\
archive_dir = "archive"
database = "redline.db"
user_agent = "redline-test (+https://example.org/bot)"
max_page_bytes = {max_page_bytes}
warc_max_bytes = {warc_max_bytes}

[[sites]]
name = "newsroom"
feeds = ["{base}/rss.xml", "{base}/atom.xml"]
sitemaps = ["{base}/news-sitemap.xml"]
start_urls = ["{base}/"]
article_pattern = "^{pattern}/\\\\d{{4}}/\\\\d{{2}}/"
ignore = ["^Updated \\\\d+ minutes? ago$"]
"""


def write_config(
    directory: Path,
    base_url: str,
    *,
    max_page_bytes=20_000_000,
    warc_max_bytes=1_000_000_000,
    extra: str = "",
) -> Path:
    path = directory / "redline.toml"
    pattern = base_url.replace(".", "\\\\.")
    path.write_text(
        SITE.format(
            base=base_url,
            pattern=pattern,
            max_page_bytes=max_page_bytes,
            warc_max_bytes=warc_max_bytes,
        )
        + extra
    )
    return path


def redline(
    config: Path, *args: str, timeout: float = 120, env: dict | None = None
) -> subprocess.CompletedProcess:
    """`redline -c CONFIG ARGS` in a subprocess; `env`: variables set on top of ours."""
    env = dict(os.environ, PYTHONWARNINGS="ignore", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "redline", "-c", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=config.parent,
        env=env,
    )


def crawl(config: Path, *args: str) -> dict:
    result = redline(config, "crawl", "--recheck", "all", "--json", *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def changes(config: Path, *args: str) -> list[dict]:
    result = redline(config, "changes", "--json", *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def start_crawl(config: Path, recheck: str = "all", env: dict | None = None) -> subprocess.Popen:
    """A crawl in the background, quiet, for tests that kill it or look on meanwhile."""
    return subprocess.Popen(
        [sys.executable, "-m", "redline", "-c", str(config), "crawl", "--recheck", recheck],
        cwd=config.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONWARNINGS="ignore", **(env or {})),
    )


def story_exchange(n: int, body: bytes, content_type: str = "text/html") -> HttpExchange:
    """Fetch number `n` of a story page, for tests that write WARCs without crawling."""
    return HttpExchange(
        url=f"http://127.0.0.1:8000/2026/11/story-{n}",
        method="GET",
        request_headers=[("Host", "127.0.0.1:8000"), ("User-Agent", "redline-test")],
        status=200,
        reason="OK",
        response_headers=[("Content-Type", content_type), ("Content-Length", str(len(body)))],
        body=body,
        date=datetime(2026, 11, 28, 12, n % 60, tzinfo=timezone.utc),
    )
