"""NewsSpider: one pass over the configured sites.

Discovers article URLs from feeds, sitemaps (and those robots.txt announces) and front
or section pages, and rechecks tracked articles whose time has come (most overdue
first), within the per-site and per-pass budgets.
"""

from __future__ import annotations

from urllib.parse import urljoin

import scrapy
from scrapy.utils.misc import build_from_crawler, load_object

from crawler.discovery import parse_feed, parse_sitemap, sitemaps_from_robots
from crawler.health import note_failure, note_found
from crawler.session import CrawlSession
from redline.config import Config, Site, find_config, load_config


class NewsSpider(scrapy.Spider):
    """Callbacks for every kind of page; what to fetch is the plan's (REDLINE_PLAN)."""

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
        self.plan = build_from_crawler(load_object(settings["REDLINE_PLAN"]), self.crawler)
        wanted = set(settings.getlist("REDLINE_SITES"))
        self.sites = [s for s in self.session.config.sites if not wanted or s.name in wanted]
        for request in self.plan.start_requests(self):
            yield request

    def site_of(self, response) -> Site:
        return next(s for s in self.sites if s.name == response.meta["site"])

    def parse_robots(self, response):
        return self.plan.finish(response, self._robots(response))

    def _robots(self, response):
        for url in sitemaps_from_robots(response.text, response.url):
            yield scrapy.Request(
                url, self.parse_sitemap, meta={"site": response.meta["site"]}, errback=self.failed
            )

    def parse_feed(self, response):
        found = parse_feed(response.body, response.url)
        return self.plan.finish(response, self._follow(response, found.links, found.warnings))

    def parse_sitemap(self, response):
        return self.plan.finish(response, self._sitemap(response))

    def _sitemap(self, response):
        found = parse_sitemap(response.body, response.url)
        for url in found.sitemaps:
            yield scrapy.Request(
                url, self.parse_sitemap, meta={"site": response.meta["site"]}, errback=self.failed
            )
        yield from self._follow(response, found.links, found.warnings)

    def parse_page(self, response):
        links = []
        if hasattr(response, "css"):
            links = [urljoin(response.url, h) for h in response.css("a::attr(href)").getall()]
        return self.plan.finish(response, self._follow(response, links, ()))

    def _follow(self, response, links, warnings):
        for warning in warnings:
            self.logger.warning(warning)
            self.crawler.stats.inc_value("redline/discovery_warnings")
        site = self.site_of(response)
        note_found(self.crawler, site, links, response)
        for link in links:
            request = self.plan.admit(self, site, link, response)
            if request is not None:
                yield request

    def parse_article(self, response):
        return self.plan.finish(response, [{"response": response, "site": response.meta["site"]}])

    def failed(self, failure):
        request = failure.request
        self.logger.warning(
            "could not fetch %s: %s", request.url, note_failure(self.crawler, failure)
        )
        self.crawler.stats.inc_value("redline/failed")
        self.plan.failed(request)
        first = request.meta.get("redline_first")
        if first is not None:  # a confirming fetch failed: the pipeline tracks the first
            return [{"refetch_failed": first, "site": request.meta["site"]}]
        return None
