"""Run one crawl pass in this process and summarise it (the contract's crawl summary)."""

from __future__ import annotations

import time
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler import settings as default_settings
from redline.config import Config

from .spiders.news import NewsSpider


def crawl_settings(
    config: Config, *, sites=(), recheck="due", limit=0, track=True, progress=False
) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.update(
        {
            "REDLINE_CONFIG": str(config.path),
            "REDLINE_SITES": list(sites),
            "REDLINE_RECHECK": recheck,
            "REDLINE_LIMIT": limit,
            "REDLINE_TRACK": track,
            "REDLINE_PROGRESS": progress,
            "USER_AGENT": config.user_agent,
            "REDLINE_MAX_DECODED_BYTES": max(100_000_000, 5 * config.max_page_bytes),
        },
        priority="cmdline",
    )
    # Cron mails whatever a job prints: Scrapy's own chatter goes to the log file if one
    # is configured, and only warnings reach the terminal otherwise.
    if config.log_file:
        settings.set("LOG_FILE", str(config.log_file), priority="cmdline")
    else:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    return settings


def run_pass(config: Config, **options) -> dict:
    """Crawl once; returns the summary of the contract's `redline crawl --json`."""
    started = time.monotonic()
    settings = crawl_settings(config, **options)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler)
    process.start()
    return summarise(crawler.stats.get_stats(), config, time.monotonic() - started)


def summarise(stats: dict, config: Config, seconds: float) -> dict:
    def count(key: str) -> int:
        return int(stats.get(f"redline/{key}", 0))

    failing = sorted(
        site.name for site in config.sites
        if count(f"site/{site.name}/error") and not count(f"site/{site.name}/ok")
    )
    files = stats.get("redline/warc_files") or []
    return {
        "fetched": count("fetched"),
        "new_articles": count("new_articles"),
        "rechecked": count("rechecked"),
        "unchanged": count("unchanged"),
        "changed": count("changed"),
        "removed": count("removed"),
        "failed": count("failed"),
        "extraction_failed": count("extraction_failed"),
        "sites_failing": failing,
        "warc_files": [str(Path(f)) for f in files],
        "seconds": round(seconds, 3),
        "fatal": stats.get("redline/fatal"),
    }
