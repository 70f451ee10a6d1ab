"""What one crawl shares among the capture extension, the middleware and the pipeline."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from archive.index import open_index
from archive.warc_writer import WarcWriter
from redline import __version__
from redline.config import Config, find_config, load_config
from redline.tracker import Tracker


class CrawlSession:
    """The open index, the WARC writer and the tracker for one crawl process."""

    def __init__(self, config: Config, settings):
        self.config = config
        self.fatal: str | None = None
        self.db = open_index(config.database)
        self.tracker = Tracker(self.db, config.intervals)
        self.writer = open_writer(config, settings, "Scrapy")

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlSession:
        session = getattr(crawler, "_redline_session", None)
        if session is None:
            path = find_config(crawler.settings.get("REDLINE_CONFIG"))
            session = cls(load_config(path), crawler.settings)
            crawler._redline_session = session
        return session

    def fail(self, crawler: Crawler, message: str) -> None:
        """The archive or index cannot be written: stop the pass rather than lose pages."""
        if self.fatal:
            return
        self.fatal = message
        crawler.stats.set_value("redline/fatal", message)
        deferred_from_coro(crawler.engine.close_spider_async(reason="archive_unwritable"))

    def close(self) -> list[str]:
        """Close the WARC file and the index; a full disk here stops the pass, quietly.

        After a pass stopped because it could not write, its last file is left `.open`,
        as a crash would leave it: every record flushed into it is kept, and the next
        run cuts any torn tail and indexes what the index missed (a record whose row
        could not be written), which a closed file would never be read again for.
        """
        current = self.writer.current_file
        try:
            self.writer.close()
        except OSError as exc:
            self.fatal = self.fatal or f"cannot write the archive or index: {exc}"
        finally:
            self.db.conn.close()
        if self.fatal and current is not None:
            _reopen(current)
        return list(self.writer.closed_files)

    def known_article(self, url: str) -> dict | None:
        from dataclasses import asdict

        from archive.index import article_by_url

        row = article_by_url(self.db, url)
        return asdict(row) if row else None  # the spider's request meta: a plain dict


def _reopen(open_path: Path) -> None:
    """Give a closed file back its `.open` name, for the next run's recovery."""
    closed = open_path.with_name(open_path.name.removesuffix(".open"))
    try:
        if closed.exists() and not open_path.exists():
            os.replace(closed, open_path)
    except OSError:
        pass  # then it stays closed: `redline reindex` still finds every record in it


def open_writer(config: Config, settings, software: str) -> WarcWriter:
    """The WARC writer of one crawl process, its warcinfo saying who wrote what, and how."""
    return WarcWriter(
        config.archive_dir,
        prefix="redline",
        max_bytes=config.warc_max_bytes,
        warcinfo={
            "software": f"redline/{__version__} ({software})",
            "isPartOf": "redline",
            "operator": "redline user",
            "http-header-user-agent": settings.get("USER_AGENT"),
            "robots": "obey",
            "hostname": socket.gethostname(),
        },
    )
