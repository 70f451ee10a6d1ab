"""`redline worker`: a Scrapy process fed from the shared Redis frontier.

A worker never opens the SQLite index (it may run on another machine): it archives every
fetch into its own WARC files, writes the extracted-article metadata records beside them,
and leaves diffing and indexing to `redline ingest`. What a revisit needs from the index
(the URL's last payload digest and record) travels with each request from `enqueue`.

A worker is the crawl's own components, switched by settings: REDLINE_INDEX off (the
session opens no index, WarcCapture takes revisits from the request and indexes nothing,
ArticleRecords replaces TrackPipeline), the Redis scheduler and queue, and WorkerLoop
(heartbeat, reaping, close_after rotation), which is off in every other crawl.
"""

from __future__ import annotations

import logging
import os
import time
import warnings

from scrapy import Request
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.settings import Settings

from archive.index_rows import ArticleRow, Status
from archive.urls import canonical_article_url
from archive.warc_writer import safe_hostname
from crawler import settings as default_settings
from crawler.run import crawl_settings
from crawler.spiders.news import ARTICLE_STATUSES, NewsSpider
from redline.config import Config

from .cluster import Frontier, fingerprint_of

logger = logging.getLogger(__name__)


def worker_id(config: Config) -> str:
    name = (config.cluster.worker_name if config.cluster else "") or safe_hostname()
    return f"{name}-{os.getpid()}"


def worker_settings(config: Config, *, exit_when_idle: bool = False) -> Settings:
    cluster = config.cluster
    assert cluster is not None, "the caller checks [cluster] is configured"
    settings = crawl_settings(config, track=False, quiet=False)
    extensions = dict(default_settings.EXTENSIONS, **{"crawler.cluster.WorkerLoop": 300})
    settings.update(
        {
            "SCHEDULER": "crawler.cluster.ClusterScheduler",
            "SCHEDULER_PERSIST": True,
            "SCHEDULER_QUEUE_CLASS": "crawler.cluster.AckedQueue",
            "SCHEDULER_QUEUE_KEY": f"{cluster.key_prefix}:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"{cluster.key_prefix}:seen",
            "DUPEFILTER_CLASS": "crawler.cluster.PassDupeFilter",
            "REDIS_URL": cluster.redis_url,
            "EXTENSIONS": extensions,
            "REDLINE_INDEX": False,
            "REDLINE_SOFTWARE": "Scrapy, scrapy-redis worker",
            "REDLINE_WORKER_ID": worker_id(config),
            "REDLINE_EXIT_WHEN_IDLE": exit_when_idle,
        },
        priority="cmdline",
    )
    return settings


def run_worker(config: Config, *, exit_when_idle: bool = False) -> dict:
    """Fetch from the shared frontier until SIGTERM (or, if asked, until the pass is done)."""
    started = time.monotonic()
    # scrapy-redis 0.9.1 still uses APIs Scrapy 2.13+ deprecates; its warnings are not ours.
    warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module="scrapy_redis")
    settings = worker_settings(config, exit_when_idle=exit_when_idle)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ClusterSpider)
    process.crawl(crawler, config=config)
    process.start()
    stats = crawler.stats.get_stats()
    return {
        "worker": settings.get("REDLINE_WORKER_ID"),
        "fetched": int(stats.get("redline/fetched", 0)),
        "articles": int(stats.get("redline/fetched_articles", 0))
        + int(stats.get("redline/rechecked", 0)),
        "warc_files": [str(config.archive_dir / f) for f in crawler._redline_session.closed],
        "seconds": round(time.monotonic() - started, 3),
        "reason": stats.get("finish_reason"),
        "fatal": stats.get("redline/fatal"),
    }


class ClusterSpider(NewsSpider):
    """NewsSpider whose requests come from Redis and whose article claims are shared."""

    async def start(self):
        self.sites = list(self.config.sites)
        self.frontier = Frontier(self.config.cluster)
        return
        yield  # an async generator that yields nothing: enqueue feeds the queue

    def parse_robots(self, response):
        return self._acked(response, super().parse_robots(response))

    def parse_feed(self, response):
        return self._acked(response, super().parse_feed(response))

    def parse_sitemap(self, response):
        return self._acked(response, super().parse_sitemap(response))

    def parse_page(self, response):
        return self._acked(response, super().parse_page(response))

    def parse_article(self, response):
        return self._acked(response, super().parse_article(response))

    def failed(self, failure):
        super().failed(failure)
        self.ack(failure.request)

    def _acked(self, response, results):
        """Children reach Redis before the parent leaves the in-flight hash."""
        pass_id = response.meta.get("redline_pass", 0)
        for result in results or ():
            if isinstance(result, Request):
                result.meta.setdefault("redline_pass", pass_id)
            yield result
        self.ack(response.request)

    def ack(self, request) -> None:
        scheduler = self.crawler.engine._slot.scheduler if self.crawler.engine._slot else None
        queue = getattr(scheduler, "queue", None)
        if queue is not None and request is not None:
            queue.ack(request)

    def _follow(self, response, links, warnings):
        for warning in warnings:
            self.logger.warning(warning)
            self.crawler.stats.inc_value("redline/discovery_warnings")
        site = self.site_of(response)
        pass_id = response.meta.get("redline_pass", 0)
        for link in links:
            url = canonical_article_url(link)
            if not site.is_article(url):
                continue
            request = article_request(self, site.name, url, pass_id)
            if self.frontier.claim(pass_id, site.name, fingerprint_of(request)):
                yield request


def article_request(spider, site: str, url: str, pass_id: int, known: ArticleRow | None = None,
                    prior: dict | None = None) -> Request:  # fmt: skip
    """An article fetch, as NewsSpider makes it (rechecks first, conditional when we can)."""
    headers = {}
    if known and known.status != Status.REMOVED:
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
    meta = {"site": site, "handle_httpstatus_list": ARTICLE_STATUSES, "recheck": bool(known),
            "redline_pass": pass_id}  # fmt: skip
    if prior:
        meta["redline_prior"] = prior
    return Request(url, spider.parse_article, headers=headers, errback=spider.failed,
                   dont_filter=True, priority=10 if known else 0, meta=meta)  # fmt: skip
