"""Downloader middleware: the bookkeeping each fetch needs before and after the wire."""

from __future__ import annotations

from datetime import datetime, timezone

from scrapy.crawler import Crawler


class FetchBookkeeping:
    """Stamps the request start (the capture's WARC-Date) and bounds decompression.

    Sits at 595, next to the downloader: its process_request runs after every header
    is set, and its process_response runs before HttpCompressionMiddleware (590)
    decodes the body, so a gzip bomb is refused instead of inflated.
    """

    def __init__(self, max_decoded_bytes: int):
        self.max_decoded_bytes = max_decoded_bytes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchBookkeeping:
        limit = crawler.settings.getint("REDLINE_MAX_DECODED_BYTES", 100_000_000)
        return cls(limit)

    def process_request(self, request, spider=None):
        request.meta["redline_fetch_date"] = datetime.now(timezone.utc)

    def process_response(self, request, response, spider=None):
        request.meta.setdefault("download_maxsize", self.max_decoded_bytes)
        return response
