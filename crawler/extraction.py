"""Article pages extracted in worker processes, tracked in the order they were archived.

The reactor thread only hands a page to the crawl's ExtractionPool and goes on fetching;
each item waits in `InOrder` until its extraction is back and every item before it has
been tracked. Tracking in arrival order keeps the crawl's index what `reindex` rebuilds
from the archive (the same captures in the same order through the same tracker), even
though pages finish extracting out of order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future

from twisted.internet import reactor
from twisted.internet.defer import Deferred

from diffing.extract_pool import extract_data
from redline.extractions import selectors_for

from .session import CrawlSession

FUTURE = "redline_extraction"  # response meta: the Future of the page's extraction


def start(item, session: CrawlSession) -> Future | None:
    """Send the item's page to the pool if it is one that gets extracted (a full 200
    response); the Future also rides in its meta."""
    response = item.get("response")
    captures = response.meta.get("redline_captures") if response is not None else None
    if not captures:
        return None
    capture = captures[-1][1]
    if capture.record_type != "response" or capture.http_status != 200:
        return None  # a revisit, a redirect left unfollowed, an error page: not extracted
    pool = session.extraction_pool()
    if pool is None:
        return None
    site = session.config.site(item["site"])
    future = pool.submit(response.body, capture.url, selectors_for(site))
    response.meta[FUTURE] = future
    return future


def extracted(response, url: str, site) -> dict:
    """The page's extraction: from the pool when it went there, else done here."""
    future = response.meta.pop(FUTURE, None)
    if future is not None:
        return future.result()
    return extract_data(response.body, url, selectors_for(site))


class InOrder:
    """Items handled one at a time, in the order they came, each once its Future is done.
    `put` returns a Deferred that fires with `handle`'s result (Scrapy waits on it)."""

    def __init__(self, handle: Callable) -> None:
        self.handle = handle
        self.waiting: deque[tuple[object, Future | None, Deferred]] = deque()
        self.draining = False

    def put(self, item, future: Future | None) -> Deferred:
        done: Deferred = Deferred()
        self.waiting.append((item, future, done))
        if future is not None and not future.done():
            future.add_done_callback(lambda _: reactor.callFromThread(self.drain))
        self.drain()
        return done

    def drain(self) -> None:
        if self.draining:  # re-entered from a handler: the running loop goes on
            return
        self.draining = True
        try:
            while self.waiting:
                item, future, done = self.waiting[0]
                if future is not None and not future.done():
                    return
                self.waiting.popleft()
                try:
                    result = self.handle(item)
                except Exception:  # noqa: BLE001 - Scrapy logs it as the item's error
                    done.errback()
                else:
                    done.callback(result)
        finally:
            self.draining = False
