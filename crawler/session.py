"""What one crawl shares among the capture extension, the middleware and the pipeline."""

from __future__ import annotations

import os
import socket
from dataclasses import asdict
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from archive.index import insert_capture, last_full_capture, open_index
from archive.warc_writer import WarcWriter
from diffing.extract_pool import ExtractionPool, default_workers
from redline import __version__
from redline.config import Config
from redline.reread import Rereader
from redline.tracker import Tracker


class CrawlSession:
    """The config, the WARC writer and (unless REDLINE_INDEX is off, as in a cluster
    worker, which may run on another machine) the open index and tracker of one crawl."""

    def __init__(self, config: Config, settings):
        self.config = config
        self.fatal: str | None = None
        indexed = settings.getbool("REDLINE_INDEX", True)
        self.db = open_index(config.database) if indexed else None
        self.tracker = (
            Tracker(self.db, config.intervals, Rereader(self.db, config)) if indexed else None
        )
        self.writer = open_writer(config, settings, settings.get("REDLINE_SOFTWARE", "Scrapy"))
        self.closed: list[str] = []
        self.pool: ExtractionPool | None = None
        self.pool_size = default_workers()

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlSession:
        """The crawl's one session, on the Config its spider was given (never re-read)."""
        session = getattr(crawler, "_redline_session", None)
        if session is None:
            session = cls(crawler.spider.config, crawler.settings)
            crawler._redline_session = session
        return session

    def prior(self, request, url: str) -> dict | None:
        """The URL's last full capture, for a revisit: from the index, or, without one,
        as `redline enqueue` sent it along with the request."""
        if self.db is None:
            return request.meta.get("redline_prior")
        prior = last_full_capture(self.db, url)
        return asdict(prior) if prior else None

    def record(self, row) -> int | None:
        """Index a capture row (its id); without an index, `redline ingest` will."""
        if self.db is None:
            return None
        with self.db.atomic():
            return insert_capture(self.db, row)

    def extraction_pool(self) -> ExtractionPool | None:
        """The crawl's extraction workers, started on the first article page; None when
        REDLINE_EXTRACT_WORKERS is 0 (extraction then runs on the reactor thread). Workers
        that cannot be started are the pool's to handle: it extracts in-process then."""
        if self.pool is None and self.pool_size > 0:
            self.pool = ExtractionPool(self.pool_size)
        return self.pool

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
        if self.pool is not None:
            self.pool.close()
        try:
            self.writer.close()
        except OSError as exc:
            self.fatal = self.fatal or f"cannot write the archive or index: {exc}"
        finally:
            if self.db is not None:
                self.db.conn.close()
        if self.fatal and current is not None:
            _reopen(current)
        self.closed = list(self.writer.closed_files)
        return self.closed

    def rotate(self) -> None:
        """Close the current WARC file so ingest can take it; the next record opens another."""
        self.closed = self.writer.rotate()

    def known_article(self, url: str) -> dict | None:
        if self.db is None:
            return None  # a worker: enqueue seeded the pass's duplicate set with them all
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
