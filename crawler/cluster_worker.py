"""`redline worker`: a Scrapy process fed from the shared Redis frontier.

A worker never opens the SQLite index (it may run on another machine): it archives every
fetch into its own WARC files, writes the extracted-article metadata records beside them,
and leaves diffing and indexing to `redline ingest`. What a revisit needs from the index
(the URL's last payload digest and record) travels with each request from `enqueue`.

A worker is the crawl's own components, switched by settings: REDLINE_INDEX off (the
session opens no index, WarcCapture takes revisits from the request and indexes nothing,
ArticleRecords replaces TrackPipeline), the Redis scheduler and queue, and WorkerLoop
(heartbeat, reaping, close_after rotation), which is off in every other crawl, and
FrontierPlan (crawler/plans.py) in place of LocalPlan: what to fetch comes from Redis.
"""

from __future__ import annotations

import logging
import os
import time
import warnings

from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.settings import Settings

from archive.warc_writer import safe_hostname
from crawler import settings as default_settings
from crawler.run import crawl_settings
from crawler.spiders.news import NewsSpider
from redline.config import Config

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
            "REDLINE_PLAN": "crawler.plans.FrontierPlan",
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
    crawler = process.create_crawler(NewsSpider)
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
