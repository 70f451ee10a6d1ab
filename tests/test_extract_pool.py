"""Extraction in worker processes (diffing.extract_pool): the same results as in-process,
and a page that hangs or kills its worker costs that page alone."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from diffing.extract_pool import ExtractionPool, extract_data
from redline.newsroom import Newsroom
from redline.newsroom.bad import _table_bytes

URL = "https://news.example/2026/11/a-story"


def newsroom_pages() -> list[bytes]:
    with Newsroom(articles=12, seed=3, noise=True) as room:
        return [room.route(room.article_url(a.slug).removeprefix(room.base_url)).body
                for a in room.live_articles()]  # fmt: skip


def test_the_pool_gives_exactly_what_extraction_in_process_gives(corpus: Path):
    pages = newsroom_pages()
    pages += [p.read_bytes() for p in sorted(corpus.rglob("*.html"))[:150]]
    pages += [b"", b"\x00\x01binary", b"<html><body><p>too short</p></body></html>"]
    expected = [extract_data(page, URL, None) for page in pages]
    with ExtractionPool(workers=2) as pool:
        futures = [pool.submit(page, URL) for page in pages]
        got = [f.result(timeout=120) for f in futures]
    assert got == expected
    assert sum("article" in r for r in got) >= 100, "the pages were real articles"
    assert sum("error" in r for r in got) >= 2, "and the junk failed, as in-process"


def test_a_page_past_the_time_limit_is_one_extraction_failure(corpus: Path):
    story = newsroom_pages()[0]
    with ExtractionPool(workers=1, time_limit=1.0) as pool:
        started = time.monotonic()
        slow = pool.submit(_table_bytes(), URL)
        after = pool.submit(story, URL)  # queued behind it on the only worker
        assert slow.result(timeout=60) == {"error": "extraction took longer than 1 s"}
        assert time.monotonic() - started < 20, "the page was stopped, not waited for"
        assert after.result(timeout=60) == extract_data(story, URL, None)


def test_a_worker_that_dies_costs_its_page_and_is_replaced():
    story = newsroom_pages()[0]
    with ExtractionPool(workers=1, time_limit=60) as pool:
        (first_pid,) = pool.worker_pids()
        busy = pool.submit(_table_bytes(), URL)
        time.sleep(1.0)  # it is parsing the table
        os.kill(first_pid, signal.SIGKILL)
        result = busy.result(timeout=60)
        assert result["error"].startswith("the extractor crashed on this page (exit code -9")
        assert pool.submit(story, URL).result(timeout=60) == extract_data(story, URL, None)
        assert pool.worker_pids() != [first_pid]


def test_closing_waits_for_the_pages_submitted():
    pages = newsroom_pages()
    pool = ExtractionPool(workers=2)
    futures = [pool.submit(page, URL) for page in pages]
    pool.close()
    assert all(f.done() and "article" in f.result() for f in futures)
    assert all(not os.path.exists(f"/proc/{pid}") or _zombie(pid) for pid in pool.worker_pids())


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


def test_when_no_worker_can_start_again_the_pages_are_extracted_here(caplog):
    """A fork that fails (no memory, no process slots) after a worker died: the pool falls
    back to extracting in this process; no page is lost and nothing waits forever."""
    pages = newsroom_pages()
    with ExtractionPool(workers=1, time_limit=60) as pool:
        (pid,) = pool.worker_pids()
        busy = pool.submit(_table_bytes(), URL)
        queued = [pool.submit(page, URL) for page in pages[:3]]

        def cannot_fork():
            raise OSError(11, "Resource temporarily unavailable")

        pool._start = cannot_fork  # type: ignore[method-assign]  # the next fork fails
        time.sleep(0.5)
        os.kill(pid, signal.SIGKILL)
        assert busy.result(timeout=60)["error"].startswith("the extractor crashed")
        assert [f.result(timeout=120) for f in queued] == [
            extract_data(page, URL, None) for page in pages[:3]
        ]
        later = pool.submit(pages[3], URL)
        assert later.done() and later.result() == extract_data(pages[3], URL, None)
    assert "extracting in-process" in caplog.text
