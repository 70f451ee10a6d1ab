"""The WARC capture extension: every fetch, as received, into the archive.

Archives in `response_downloaded`, where the body is still content-encoded and
de-chunked (HttpCompressionMiddleware has not run yet), for every fetch: robots.txt,
feeds, sitemaps, each redirect hop, error pages. A payload identical to the URL's last
capture becomes a revisit; a 304 becomes a server-not-modified revisit.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timezone

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured, StopDownload

from archive.digest import sha1_base32
from archive.http_message import reason_phrase
from archive.index_rows import CaptureRow
from archive.warc_writer import HttpExchange, RevisitOf

from redline.capture_rules import REDIRECTS, ArticleCaptures

from .session import CrawlSession

logger = logging.getLogger(__name__)


class WarcCapture:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.session = CrawlSession.of(crawler)
        self.track = crawler.settings.getbool("REDLINE_TRACK", True)
        self.max_page_bytes = self.session.config.max_page_bytes
        self.received: dict[int, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCapture:
        if not crawler.settings.getbool("REDLINE_ARCHIVE_ENABLED", True):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def bytes_received(self, data: bytes, request, spider=None) -> None:
        """Stop a download past max_page_bytes; the part received is archived, cut short."""
        total = self.received.get(id(request), 0) + len(data)
        self.received[id(request)] = total
        if total > self.max_page_bytes:
            request.meta["redline_truncated"] = "length"
            raise StopDownload(fail=False)

    def response_downloaded(self, response, request, spider=None) -> None:
        self.received.pop(id(request), None)
        if self.session.fatal:
            return
        try:
            self._archive(response, request)
        except (OSError, sqlite3.Error) as exc:
            self.session.fail(self.crawler, f"cannot write the archive or index: {exc}")

    def _archive(self, response, request) -> None:
        exchange = exchange_of(request, response, self.max_page_bytes)
        revisit = revisit_of(self.session.prior(request, exchange.url), exchange)
        article = "recheck" in request.meta  # an article fetch (crawler.plans.article_request)
        # An article page's metadata record (its extraction) follows it into its file.
        derived = article and exchange.status == 200 and revisit is None
        row = self.write(exchange, revisit, response, derived=derived)
        capture_id = self.session.record(row)  # None in a worker: ingest indexes it
        request.meta.setdefault("redline_captures", []).append((capture_id, row))
        if self.track and article and row.http_status in REDIRECTS:
            self._hop(request, capture_id, row)

    def _hop(self, request, capture_id: int, row: CaptureRow) -> None:
        """An article fetch's redirect is tracked as archived, as reindex replays it: the
        URL's own recheck, fetched alongside, then finds the move (capture_rules)."""
        site = self.session.config.site(request.meta["site"])
        outcome = article_captures(self.session).feed(capture_id, row, site, no_payload)
        if outcome is not None:  # gone, or walled off: counted with the article's item
            request.meta.setdefault("redline_outcomes", []).append(outcome)

    def write(
        self, exchange: HttpExchange, revisit: RevisitOf | None, response, derived: bool = False
    ) -> CaptureRow:
        """Write the records of one fetch; the capture row describing where they went."""
        location = self.session.writer.write_exchange(exchange, revisit, derived=derived)
        self.crawler.stats.inc_value("redline/fetched")
        if revisit:
            self.crawler.stats.inc_value(f"redline/revisit/{revisit.profile}")
        return CaptureRow(
            record_id=location.record_id,
            record_type="revisit" if revisit else "response",
            url=exchange.url,
            warc_file=location.file,
            warc_offset=location.offset,
            warc_length=location.length,
            http_status=exchange.status,
            payload_digest=location.payload_digest,
            refers_to=revisit.record_id if revisit else None,
            fetched_at=location.date,
            location=_header(response, b"Location"),
        )

    def spider_closed(self, spider=None, reason=None) -> None:
        closed = self.session.close()
        self.crawler.stats.set_value("redline/warc_files", closed)


def article_captures(session: CrawlSession) -> ArticleCaptures:
    """The pass's one ArticleCaptures, shared by this extension and the pipeline."""
    captures = getattr(session, "article_captures", None)
    if captures is None:
        captures = session.article_captures = ArticleCaptures(session.db, session.tracker)
    return captures


def no_payload():
    return None, False  # a redirect hop has no page to extract


def exchange_of(request, response, max_page_bytes: int) -> HttpExchange:
    body = response.body
    truncated = request.meta.get("redline_truncated")
    if len(body) > max_page_bytes:
        body, truncated = body[:max_page_bytes], "length"
    elif "dataloss" in response.flags:
        truncated = "disconnect"
    date = request.meta.get("redline_fetch_date") or datetime.now(timezone.utc)
    return HttpExchange(
        url=response.url,
        method=request.method,
        request_headers=header_pairs(request.headers),
        request_body=request.body or b"",
        status=response.status,
        reason=reason_phrase(response.status),
        response_headers=header_pairs(response.headers),
        body=body,
        date=date,
        ip_address=str(response.ip_address) if response.ip_address else None,
        protocol=response.protocol,
        truncated=truncated,
    )


def revisit_of(prior: dict | None, exchange: HttpExchange) -> RevisitOf | None:
    """The record this fetch revisits, given the URL's last full capture (`record_id`,
    `url`, `fetched_at`, `payload_digest`), if its payload is already archived."""
    if not prior or prior["url"] != exchange.url or exchange.truncated:
        return None
    if exchange.status == 304:
        profile = "server-not-modified"
    elif exchange.status == 200 and prior["payload_digest"] == sha1_base32(exchange.body):
        profile = "identical-payload-digest"
    else:
        return None
    return RevisitOf(
        record_id=prior["record_id"],
        target_uri=prior["url"],
        date=prior["fetched_at"],
        payload_digest=prior["payload_digest"],
        profile=profile,
    )


def header_pairs(headers) -> list[tuple[str, str]]:
    """One (name, value) per value: repeated headers stay repeated."""
    pairs = []
    for name, values in headers.items():
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
