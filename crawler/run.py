"""Run one crawl pass in this process and summarise it (the contract's crawl summary)."""

from __future__ import annotations

import logging
import sqlite3
import tempfile
import time
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler import settings as default_settings
from redline.config import Config
from redline.schedule import iso, utc_now

from .health import failing_sites, site_reports
from .spiders.news import NewsSpider

logger = logging.getLogger(__name__)


def crawl_settings(
    config: Config, *, sites=(), recheck="due", limit=0, track=True, progress=False, quiet=True
) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.update(
        {
            "REDLINE_SITES": list(sites),
            "REDLINE_RECHECK": recheck,
            "REDLINE_LIMIT": limit,
            "REDLINE_TRACK": track,
            "REDLINE_PROGRESS": progress,
            "USER_AGENT": config.user_agent,
            "REDLINE_MAX_DECODED_BYTES": config.max_page_bytes,
        },
        priority="cmdline",
    )
    # Cron mails whatever a job prints, and the contract gives it the summary and one line
    # per failing site: Scrapy's own log goes to the log file if one is configured, and
    # nowhere otherwise (errors are still counted, and the count is reported). A worker
    # daemon (quiet=False) keeps its warnings on stderr, for its service manager's journal.
    if config.log_file:
        settings.set("LOG_FILE", str(config.log_file), priority="cmdline")
    else:
        settings.set("LOG_ENABLED", not quiet, priority="cmdline")
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    return settings


def run_pass(config: Config, **options) -> dict:
    """Crawl once; returns the summary of the contract's `redline crawl --json`.

    Each crawled site's health (state, reason, what each source gave) is kept in the
    index for `redline sites`, and a failing site is logged as a warning, every pass.
    """
    started, began = time.monotonic(), iso(utc_now())
    unwritable = _index_step(config, _begin_notifying) if config.notify else None
    settings = crawl_settings(config, **options)
    # Requests wait on disk, not in memory: a sitemap of 20,000 new articles is 20,000
    # Request objects at once (~1.5 KB each), which made a crawl's peak grow with its size.
    # The folder holds only this pass's queue; an interrupted pass starts afresh.
    with tempfile.TemporaryDirectory(prefix="redline-queue-") as queue:
        settings.set("JOBDIR", queue, priority="cmdline")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(NewsSpider)
        process.crawl(crawler, config=config)  # the spider's, and through it every component's
        process.start()
    stats = dict(crawler.stats.get_stats())
    session = getattr(crawler, "_redline_session", None)
    if session is not None and session.fatal:  # also when closing the last file failed
        stats.setdefault("redline/fatal", session.fatal)
    crawled = _crawled_sites(config, options.get("sites", ()))
    reports = site_reports(stats, crawled)
    for report in reports:
        if report["state"] == "failing":
            logger.warning("site %s is failing: %s", report["site"], report["reason"])
    if unwritable:
        stats.setdefault("redline/fatal", unwritable)
    if not stats.get("redline/fatal"):
        _keep_site_passes(config, reports, began, stats)
    notified = _publish_and_notify(config, stats)
    return summarise(
        stats, config, time.monotonic() - started, sites=options.get("sites", ()), notified=notified
    )


def _crawled_sites(config: Config, sites) -> list:
    return [s for s in config.sites if not sites or s.name in sites]


def _keep_site_passes(config: Config, reports: list[dict], began: str, stats: dict) -> None:
    """What `redline sites` shows; a failure to write it ends the pass as any index write."""
    from archive.index import open_index
    from archive.index_sites import record_site_pass

    ended = iso(utc_now())
    try:
        db = open_index(config.database)
        try:
            with db.atomic():
                for report in reports:
                    record_site_pass(db, report, began, ended)
        finally:
            db.conn.close()
    except (OSError, sqlite3.Error) as exc:
        stats["redline/fatal"] = f"cannot write the archive or index: {exc}"


def _publish_and_notify(config: Config, stats: dict) -> dict:
    """The end of a pass that wrote everything: the site republished ([publish] dir), so
    the links in the notifications work when they arrive, then the notifications."""
    notified = {"sent": 0, "failed_targets": []}
    if not stats.get("redline/fatal") and config.publish_dir:
        problem = _index_step(config, _republish)
        if problem:
            stats["redline/fatal"] = problem
    if not stats.get("redline/fatal") and config.notify:
        problem = _index_step(config, lambda db, c: notified.update(_notify(db, c)))
        if problem:
            stats["redline/fatal"] = problem
    return notified


def _index_step(config: Config, step) -> str | None:
    """Run `step(db, config)` on the index; what made it fail, when it could not write."""
    from archive.index import open_index

    try:
        db = open_index(config.database)
        try:
            step(db, config)
        finally:
            db.conn.close()
    except (OSError, sqlite3.Error) as exc:
        return f"cannot write the archive, index or site: {exc}"
    return None


def _begin_notifying(db, config: Config) -> None:
    from redline.notify import begin_pass

    begin_pass(db, config)


def _republish(db, config: Config) -> None:
    from redline.publish.site import publish_site

    assert config.publish_dir is not None
    publish_site(db, config.publish_dir, config.base_url)


def _notify(db, config: Config) -> dict:
    from redline.notify import finish_pass

    return finish_pass(db, config)


def summarise(stats: dict, config: Config, seconds: float, sites=(), notified=None) -> dict:
    def count(key: str) -> int:
        return int(stats.get(f"redline/{key}", 0))

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
        "sites_failing": failing_sites(stats, _crawled_sites(config, sites)),
        "warc_files": [str(Path(f)) for f in files],
        "notified": notified or {"sent": 0, "failed_targets": []},
        "seconds": round(seconds, 3),
        "fatal": stats.get("redline/fatal"),
        "unexpected_errors": unexpected_errors(stats),
    }


def unexpected_errors(stats: dict) -> int:
    """Errors Scrapy logged that no fetch failure explains: a bug, never a site's fault.

    A request that failed after its retries is logged as an error by the retry
    middleware; it is counted in `failed` and judged per site instead.
    """
    logged = int(stats.get("log_count/ERROR", 0)) + int(stats.get("log_count/CRITICAL", 0))
    return max(0, logged - int(stats.get("retry/max_reached", 0)))
