"""The pipeline of a crawl without an index (a cluster worker): WARCs only.

Each article page gets its extraction written as a metadata record beside it; diffing
and indexing wait for `redline ingest`, which replays the capture through the same
`capture_rules` and tracker as a crawl does. Switched on by REDLINE_INDEX = False;
TrackPipeline is off then, and this one is off whenever the crawl keeps an index.
"""

from __future__ import annotations


from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from .pipeline import article_page, article_record
from .session import CrawlSession


class ArticleRecords:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.session = CrawlSession.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticleRecords:
        if crawler.settings.getbool("REDLINE_INDEX", True):
            raise NotConfigured("the crawl keeps an index: crawler.pipeline.TrackPipeline")
        return cls(crawler)

    def process_item(self, item, spider=None):
        if self.session.fatal:
            return None
        try:
            self._record(item)
        except OSError as exc:
            self.session.fail(self.crawler, f"cannot write the archive: {exc}")
        return None

    def _record(self, item) -> None:
        if "refetch_failed" in item:
            return  # the first fetch's record names no refetch: ingest tracks it alone
        response, site, captures = article_page(item, self.session, self.crawler.stats)
        if not captures:
            return
        _, capture = captures[-1]
        if captures[0][1].url != capture.url and not site.is_article(capture.url):
            return  # redirected off the site's articles: ingest reads it as gone
        article_record(self.session, response, capture, site)
