"""What a pass fetches: the spider asks its plan, and settings choose the plan.

`LocalPlan` (one machine, `redline crawl`): tracked articles whose recheck is due come
from the index first; a discovered link joins the pass once, within the site's and the
pass's budget, and never when the article is tracked already (it is rechecked on its
own schedule, not on every sighting).

`FrontierPlan` (`redline worker`, REDLINE_PLAN in its settings): `redline enqueue` fills
the shared queue, so the plan starts nothing; a discovered link joins the pass through
the frontier's atomic claim (new to the pass and within budget, whichever worker saw it
first); and a request leaves the worker's in-flight hash only once its children have
reached Redis, so a worker killed between the two loses nothing.

Both build article fetches with `article_request`, the one place that says what an
article fetch is (rechecks first, conditional when we hold validators).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from collections.abc import Iterable, Iterator, Mapping
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import NotConfigured

from archive.index_rows import Status
from archive.urls import canonical_article_url
from redline.config import Site
from redline.planner import due_articles

# Article answers the spider reads itself instead of dropping them as errors.
ARTICLE_STATUSES = [304, 404, 410]


def article_request(spider, site: str, url: str, known: Mapping | None = None,
                    meta: Mapping | None = None) -> Request:  # fmt: skip
    """An article fetch. `known`: the tracked article's row (as a mapping), if any.

    A tracked article is fetched before new ones, so a moved article's redirect is
    usually seen before its new URL turns up in a feed (the tracker would merge the two
    histories otherwise), and conditionally when the last answer gave validators - except
    a removed article, whose whole page we want back.

    One validator: the ETag when there is one, else Last-Modified. A server ignores
    If-Modified-Since beside If-None-Match (RFC 9110 13.1.3), so sending both only adds
    bytes to every recheck's request record.
    """
    headers = {}
    if known and known.get("status") != Status.REMOVED:
        if known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        elif known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
    return Request(
        url,
        spider.parse_article,
        headers=headers,
        errback=spider.failed,
        dont_filter=True,
        priority=10 if known else 0,
        meta={
            "site": site,
            "handle_httpstatus_list": ARTICLE_STATUSES,
            "recheck": bool(known),
            **(meta or {}),
        },
    )


def discovery_requests(spider, site: Site, meta: Mapping | None = None) -> Iterator[Request]:
    """robots.txt of every host the site's sources live on, then feeds, sitemaps, pages."""
    meta = {"site": site.name, **(meta or {})}
    sources = (*site.feeds, *site.sitemaps, *site.start_urls)
    hosts = {urlsplit(u).scheme + "://" + urlsplit(u).netloc for u in sources}
    for host in sorted(hosts):
        yield Request(
            host + "/robots.txt", spider.parse_robots, meta=meta, dont_filter=True,
            errback=spider.failed,
        )  # fmt: skip
    for urls, callback in (
        (site.feeds, spider.parse_feed),
        (site.sitemaps, spider.parse_sitemap),
        (site.start_urls, spider.parse_page),
    ):
        for url in urls:
            yield Request(url, callback, meta=dict(meta), errback=spider.failed)


class LocalPlan:
    """One machine: the index says what is due; budgets and 'seen' are the spider's own."""

    def __init__(self, settings):
        self.recheck = settings.get("REDLINE_RECHECK", "due")
        self.limit = settings.getint("REDLINE_LIMIT") or None
        self.planned: Counter[str] = Counter()
        self.total_planned = 0
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler) -> LocalPlan:
        return cls(crawler.settings)

    def start_requests(self, spider) -> Iterator[Request]:
        for site in spider.sites:
            rows = due_articles(spider.session.db, site.name, self.recheck, limit=site.max_per_pass)
            for row in rows:
                request = self._admit(spider, site, row.url, asdict(row))
                if request is not None:
                    yield request
        for site in spider.sites:
            yield from discovery_requests(spider, site)

    def admit(self, spider, site: Site, link: str, response) -> Request | None:
        """A link a discovery source gave: an article fetch, or None."""
        return self._admit(spider, site, link, None)

    def _admit(self, spider, site: Site, link: str, recheck: dict | None) -> Request | None:
        url = canonical_article_url(link)
        if url in self.seen or not site.is_article(url):
            return None
        if self.planned[site.name] >= site.max_per_pass:
            return None
        if self.limit is not None and self.total_planned >= self.limit:
            return None
        known = recheck or spider.session.known_article(url)
        if known and recheck is None:
            return None  # tracked: rechecked on its own schedule, not on every sighting
        self.seen.add(url)
        self.planned[site.name] += 1
        self.total_planned += 1
        return article_request(spider, site.name, url, known)

    def finish(self, response, results: Iterable | None) -> Iterator:
        yield from results or ()

    def failed(self, request) -> None:
        pass


class FrontierPlan:
    """A cluster worker: the shared frontier decides; every request is acknowledged."""

    def __init__(self, crawler, frontier):
        self.crawler = crawler
        self.frontier = frontier

    @classmethod
    def from_crawler(cls, crawler) -> FrontierPlan:
        from .cluster import Frontier  # redis: only workers pay for it

        config = crawler.spider.config if crawler.spider else None
        if config is None or config.cluster is None:
            raise NotConfigured("a cluster worker needs [cluster] in its config")
        return cls(crawler, Frontier(config.cluster))

    def start_requests(self, spider) -> Iterator[Request]:
        return iter(())  # `redline enqueue` feeds the queue

    def admit(self, spider, site: Site, link: str, response) -> Request | None:
        from .cluster import fingerprint_of

        url = canonical_article_url(link)
        if not site.is_article(url):
            return None
        pass_id = response.meta.get("redline_pass", 0)
        request = article_request(spider, site.name, url, meta={"redline_pass": pass_id})
        if self.frontier.claim(pass_id, site.name, fingerprint_of(request)):
            return request
        return None

    def finish(self, response, results: Iterable | None) -> Iterator:
        """Children reach Redis before the parent leaves the in-flight hash."""
        pass_id = response.meta.get("redline_pass", 0)
        for result in results or ():
            if isinstance(result, Request):
                result.meta.setdefault("redline_pass", pass_id)
            yield result
        self._ack(response.request)

    def failed(self, request) -> None:
        self._ack(request)

    def _ack(self, request) -> None:
        slot = self.crawler.engine._slot
        queue = getattr(slot.scheduler, "queue", None) if slot else None
        if queue is not None and request is not None:
            queue.ack(request)
