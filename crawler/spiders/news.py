"""NewsSpider: one pass over the configured sites.

Discovers article URLs from feeds, sitemaps (and those robots.txt announces) and front
or section pages, and rechecks tracked articles whose time has come (most overdue
first), within the per-site and per-pass budgets.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from urllib.parse import urljoin, urlsplit

import scrapy

from archive.urls import canonical_article_url
from crawler.discovery import parse_feed, parse_sitemap, sitemaps_from_robots
from crawler.health import note_failure, note_found
from crawler.session import CrawlSession
from redline.config import Config, Site, find_config, load_config
from redline.planner import due_articles

ARTICLE_STATUSES = [304, 404, 410]


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, *args, config: Config | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.config = config

    @classmethod
    def from_crawler(cls, crawler, *args, config: Config | None = None, **kwargs):
        """The command passes its loaded Config; plain `scrapy crawl news` has none, so
        the config is loaded here, once ($REDLINE_CONFIG, -s REDLINE_CONFIG=, ./redline.toml)."""
        if config is None:
            config = load_config(find_config(crawler.settings.get("REDLINE_CONFIG")))
        return super().from_crawler(crawler, *args, config=config, **kwargs)

    async def start(self):
        self.session = CrawlSession.of(self.crawler)
        settings = self.crawler.settings
        wanted = set(settings.getlist("REDLINE_SITES"))
        self.sites = [s for s in self.session.config.sites if not wanted or s.name in wanted]
        self.limit = settings.getint("REDLINE_LIMIT") or None
        self.planned: Counter[str] = Counter()
        self.total_planned = 0
        self.seen: set[str] = set()
        recheck = settings.get("REDLINE_RECHECK", "due")
        for site in self.sites:
            for row in due_articles(self.session.db, site.name, recheck, limit=site.max_per_pass):
                request = self._article_request(site, row.url, recheck=asdict(row))
                if request is not None:
                    yield request
        for site in self.sites:
            for request in self._discovery_requests(site):
                yield request

    def _discovery_requests(self, site: Site):
        meta = {"site": site.name}
        hosts = {
            urlsplit(u).scheme + "://" + urlsplit(u).netloc
            for u in (*site.feeds, *site.sitemaps, *site.start_urls)
        }
        for host in sorted(hosts):
            yield scrapy.Request(
                host + "/robots.txt",
                self.parse_robots,
                meta=meta,
                dont_filter=True,
                errback=self.failed,
            )
        for url in site.feeds:
            yield scrapy.Request(url, self.parse_feed, meta=meta, errback=self.failed)
        for url in site.sitemaps:
            yield scrapy.Request(url, self.parse_sitemap, meta=meta, errback=self.failed)
        for url in site.start_urls:
            yield scrapy.Request(url, self.parse_page, meta=meta, errback=self.failed)

    def site_of(self, response) -> Site:
        return next(s for s in self.sites if s.name == response.meta["site"])

    def parse_robots(self, response):
        for url in sitemaps_from_robots(response.text, response.url):
            yield scrapy.Request(
                url, self.parse_sitemap, meta={"site": response.meta["site"]}, errback=self.failed
            )

    def parse_feed(self, response):
        found = parse_feed(response.body, response.url)
        yield from self._follow(response, found.links, found.warnings)

    def parse_sitemap(self, response):
        found = parse_sitemap(response.body, response.url)
        for url in found.sitemaps:
            yield scrapy.Request(
                url, self.parse_sitemap, meta={"site": response.meta["site"]}, errback=self.failed
            )
        yield from self._follow(response, found.links, found.warnings)

    def parse_page(self, response):
        if not hasattr(response, "css"):
            return
        links = [urljoin(response.url, h) for h in response.css("a::attr(href)").getall()]
        yield from self._follow(response, links, ())

    def _follow(self, response, links, warnings):
        for warning in warnings:
            self.logger.warning(warning)
            self.crawler.stats.inc_value("redline/discovery_warnings")
        site = self.site_of(response)
        note_found(self.crawler, site, links, response)
        for link in links:
            request = self._article_request(site, link)
            if request is not None:
                yield request

    def _article_request(self, site: Site, url: str, recheck: dict | None = None):
        url = canonical_article_url(url)
        if url in self.seen or not site.is_article(url):
            return None
        if self.planned[site.name] >= site.max_per_pass:
            return None
        if self.limit is not None and self.total_planned >= self.limit:
            return None
        known = recheck or self.session.known_article(url)
        if known and recheck is None:
            return None  # tracked: rechecked on its own schedule, not on every sighting
        self.seen.add(url)
        self.planned[site.name] += 1
        self.total_planned += 1
        headers = {}
        if known and known.get("status") == "removed":
            known = dict(known, etag=None, last_modified=None)  # want the whole page back
        if known and known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known and known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        # Rechecks go first, so a moved article's redirect is usually seen before its new
        # URL turns up in a feed (the tracker merges the two histories otherwise).
        return scrapy.Request(
            url,
            self.parse_article,
            headers=headers,
            errback=self.failed,
            dont_filter=True,
            priority=10 if known else 0,
            meta={
                "site": site.name,
                "handle_httpstatus_list": ARTICLE_STATUSES,
                "recheck": bool(known),
            },
        )

    def parse_article(self, response):
        yield {"response": response, "site": response.meta["site"]}

    def failed(self, failure):
        request = failure.request
        self.logger.warning(
            "could not fetch %s: %s", request.url, note_failure(self.crawler, failure)
        )
        self.crawler.stats.inc_value("redline/failed")
