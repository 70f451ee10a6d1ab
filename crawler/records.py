"""The pipeline of a crawl without an index (a cluster worker): WARCs only.

Each article page gets its extraction written as a metadata record beside it; diffing
and indexing wait for `redline ingest`, which replays the capture through the same
`capture_rules` and tracker as a crawl does. Switched on by REDLINE_INDEX = False;
TrackPipeline is off then, and this one is off whenever the crawl keeps an index.
"""

from __future__ import annotations

from dataclasses import asdict

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.index_rows import PriorCapture
from diffing.normalise import fingerprint
from redline.capture_rules import REDIRECTS
from redline.tracker import enough_words

from .extraction import InOrder, start
from .pipeline import article_page, article_record, refetch, settle
from .session import CrawlSession


class ArticleRecords:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.session = CrawlSession.of(crawler)
        self.in_order = InOrder(self._handle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticleRecords:
        if crawler.settings.getbool("REDLINE_INDEX", True):
            raise NotConfigured("the crawl keeps an index: crawler.pipeline.TrackPipeline")
        return cls(crawler)

    def process_item(self, item, spider=None):
        """Extracted in the pool, recorded in arrival order (crawler.extraction)."""
        if self.session.fatal:
            return None
        return self.in_order.put(item, start(item, self.session))

    def _handle(self, item):
        if self.session.fatal:
            return None
        try:
            self._record(item)
        except OSError as exc:
            self.session.fail(self.crawler, f"cannot write the archive: {exc}")
        finally:
            settle(self.session, item)
        return None

    def _record(self, item) -> None:
        if "refetch_failed" in item:
            return  # the first fetch's record names no refetch: ingest tracks it alone
        response, site, captures = article_page(item, self.session, self.crawler.stats)
        if not captures:
            return
        _, capture = captures[-1]
        first = response.meta.get("redline_first")
        if first is not None:  # confirms an earlier fetch: its record names it, as the crawl's
            if capture.http_status not in REDIRECTS:  # (a redirect not followed: none)
                article_record(self.session, response, capture, site, first["record_id"])
            return
        if captures[0][1].url != capture.url and not site.is_article(capture.url):
            return  # redirected off the site's articles: ingest reads it as gone
        article, _ = article_record(self.session, response, capture, site)
        expect = response.meta.get("redline_expect")
        if expect and len(captures) == 1 and _differs(article, capture, site, expect):
            # As TrackPipeline: fetched again at once; ingest pairs the two. The first is
            # the URL's latest full capture now, so an identical refetch is a revisit of it.
            prior = asdict(PriorCapture(capture.record_id, capture.url, capture.fetched_at,
                                        capture.payload_digest))  # fmt: skip
            refetch(self.crawler, response, site, capture.url, {"record_id": capture.record_id},
                    prior)  # fmt: skip


def _differs(article, capture, site, expect: dict) -> bool:
    """Whether a recheck's article is another version of the latest revision, told by the
    fingerprint `redline enqueue` sent (Tracker.expected): the worker has no index."""
    if article is None or capture.record_type != "response" or capture.http_status != 200:
        return False
    ignore = tuple(site.ignore) + tuple(expect["learned"])
    if not enough_words(article, expect.get("words", 0), ignore):
        return False  # an extraction failure (a paywall), not a version to confirm
    return fingerprint(article, ignore) != expect["fingerprint"]
