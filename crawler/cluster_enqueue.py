"""`redline enqueue`: start a pass on the shared frontier from what the index knows.

Pushes the due rechecks (with what a revisit needs: the URL's last full capture, its
validators; and what a worker needs to fetch a differing article again at once: the
latest revision's fingerprint) and the sites' discovery requests (robots.txt, feeds,
sitemaps, front pages); workers parse those and claim each new article against the
pass's duplicate set and budget. Tracked articles are put in that set first, so a sighting in a feed never
refetches them: they come back on their own schedule, as in a single-machine crawl.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from scrapy import Request
from scrapy_redis import picklecompat

from archive import index, index_queries
from diffing.extractor_version import EXTRACTOR_VERSION
from redline.config import Config, Site
from redline.errors import RedlineError
from redline.planner import due_articles
from redline.reread import Rereader
from redline.tracker import Tracker

from .cluster import Frontier, fingerprint_of
from .plans import article_request, discovery_requests
from .spiders.news import NewsSpider


class EnqueueBusy(Exception):
    """Another enqueue holds the lock."""


@dataclass(frozen=True)
class Enqueued:
    pass_id: int
    rechecks: int
    discovery: int
    pending: int  # requests of an unfinished pass: nothing new was pushed
    reaped: int

    def to_dict(self) -> dict:
        return asdict(self)


def enqueue_pass(config: Config, *, sites=(), recheck: str = "due", limit: int = 0) -> Enqueued:
    frontier = Frontier(config.cluster)
    frontier.check()
    lock = frontier.lock()
    if not lock.acquire():
        raise EnqueueBusy("another `redline enqueue` is running; this one pushed nothing")
    try:
        reaped = frontier.reap()
        state = frontier.state()
        if state.queued or state.in_flight:
            return Enqueued(state.pass_id, 0, 0, state.queued + state.in_flight, reaped)
        chosen = [s for s in config.sites if not sites or s.name in sites]
        return _push_pass(frontier, config, chosen, recheck, limit, reaped)
    finally:
        lock.release()


def _push_pass(frontier: Frontier, config: Config, sites: list[Site], recheck: str, limit: int,
               reaped: int) -> Enqueued:  # fmt: skip
    spider = NewsSpider()
    db = _reader(config)
    try:
        pass_id = frontier.new_pass()
        requests, budget = _rechecks(db, spider, config, sites, recheck, limit, pass_id)
        rechecks = len(requests)
        for site in sites:
            requests += _discovery(db, spider, site, pass_id)
        found = [fingerprint_of(r) for r in requests[rechecks:] if not r.dont_filter]
        frontier.seed(pass_id, _tracked_fingerprints(db) + found, budget)
    finally:
        if db is not None:
            db.conn.close()
    _push(frontier, spider, requests)
    return Enqueued(pass_id, rechecks, len(requests) - rechecks, 0, reaped)


def _reader(config: Config):
    """The index read-only (enqueue never writes it); None before the first crawl."""
    if not config.database.exists():
        return None
    try:
        return index.open_index(config.database, readonly=True)
    except index.IndexOutdated as exc:
        raise RedlineError(exc.message, exc.exit_code) from None


def _rechecks(db, spider, config: Config, sites, recheck: str, limit: int, pass_id: int):
    requests: list[Request] = []
    budget: dict[str, int] = {}
    left = limit or None
    tracker = Tracker(db, config.intervals, Rereader(db, config)) if db else None
    for site in sites:
        rows = due_articles(db, site.name, recheck, limit=site.max_per_pass) if db else []
        rows = rows[:left] if left is not None else rows
        for row in rows:
            meta: dict = {"redline_pass": pass_id}
            prior = _prior(db, row.url)
            if prior:
                meta["redline_prior"] = prior
            # What the worker needs to tell "differs" and fetch again at once, as a crawl
            # does (DESIGN's noise principle): the latest revision's fingerprint.
            expected = tracker.expected(row.url, site.name, site.ignore, EXTRACTOR_VERSION)
            if expected:
                fingerprint, learned, words = expected
                meta["redline_expect"] = {"fingerprint": fingerprint, "learned": learned,
                                          "words": words}  # fmt: skip
            requests.append(article_request(spider, site.name, row.url, asdict(row), meta))
        budget[site.name] = site.max_per_pass - len(rows)
        if left is not None:
            left -= len(rows)
    if left is not None:
        budget["*"] = left
    return requests, budget


def _tracked_fingerprints(db) -> list[str]:
    if db is None:
        return []
    urls = index_queries.tracked_urls(db)
    return [fingerprint_of(Request(u)) for u in sorted(urls)]


def _discovery(db, spider: NewsSpider, site: Site, pass_id: int) -> list[Request]:
    requests = list(discovery_requests(spider, site, {"redline_pass": pass_id}))
    for request in requests:
        prior = _prior(db, request.url)
        if prior:
            request.meta["redline_prior"] = prior
    return requests


def _prior(db, url: str) -> dict | None:
    if db is None or not index_queries.has_table(db, "captures"):
        return None
    prior = index.last_full_capture(db, url)
    return asdict(prior) if prior else None


def _push(frontier: Frontier, spider: NewsSpider, requests: list[Request]) -> None:
    """Into scrapy-redis's queue, encoded as its PriorityQueue encodes them."""
    key, pipe = frontier.key("requests"), frontier.server.pipeline()
    for request in requests:
        data = picklecompat.dumps(request.to_dict(spider=spider))
        pipe.execute_command("ZADD", key, -request.priority, data)
    pipe.execute()
