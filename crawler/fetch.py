"""Downloader middleware: the bookkeeping each fetch needs before and after the wire."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from archive.index import CaptureRow
from redline.capture_rules import REDIRECTS, hop_of

from .session import CrawlSession

logger = logging.getLogger(__name__)


# The sitemap protocol allows 50 MB uncompressed: a sitemap may inflate that far even
# when pages are held to less.
SITEMAP_BYTES = 50 * 1024 * 1024


class FetchBookkeeping:
    """Stamps the request start (the capture's WARC-Date) and bounds decompression.

    Sits at 595, next to the downloader: its process_request runs after every header
    is set, and its process_response runs before HttpCompressionMiddleware (590)
    decodes the body, so a gzip bomb is refused instead of inflated. An article page
    never inflates past max_page_bytes; a feed or sitemap up to the sitemap protocol's cap.
    """

    def __init__(self, max_decoded_bytes: int):
        self.max_decoded_bytes = max_decoded_bytes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchBookkeeping:
        limit = crawler.settings.getint("REDLINE_MAX_DECODED_BYTES", 20_000_000)
        return cls(limit)

    def process_request(self, request, spider=None):
        request.meta["redline_fetch_date"] = datetime.now(timezone.utc)

    def process_response(self, request, response, spider=None):
        article = "recheck" in request.meta
        limit = self.max_decoded_bytes if article else max(self.max_decoded_bytes, SITEMAP_BYTES)
        request.meta.setdefault("download_maxsize", limit)
        return response


class SiteRedirects:
    """A redirect off the site's hosts (or to a non-http target) is archived, not followed.

    Sits at 605, before RedirectMiddleware (600) sees the response. An article fetch gets
    the 3xx itself, so capture_rules can call it an `error` (a consent wall, a syndication
    partner), as reindex does from the same record; any other fetch just stops there.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteRedirects:
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        name = request.meta.get("site")
        if name is None or response.status not in REDIRECTS:
            return response
        site = CrawlSession.of(self.crawler).config.site(name)
        hop = hop_of(site, _capture_of(response))
        if hop is None or hop.kind != "offsite":
            return response
        logger.info("not following %s off %s: %s", response.url, site.name, hop.target)
        if "recheck" not in request.meta:  # not an article fetch (a feed, a sitemap)
            raise IgnoreRequest(f"redirected off the site to {hop.target}")
        allowed = request.meta.get("handle_httpstatus_list", ())
        request.meta["handle_httpstatus_list"] = [*allowed, response.status]
        return response


def _capture_of(response) -> CaptureRow:
    """Enough of a capture row for capture_rules to read the hop."""
    location = response.headers.get(b"Location")
    return CaptureRow(
        record_id="", record_type="response", url=response.url, warc_file="", warc_offset=0,
        warc_length=0, http_status=response.status, payload_digest=None, refers_to=None,
        fetched_at="", location=location.decode("latin-1") if location else None,
    )  # fmt: skip
