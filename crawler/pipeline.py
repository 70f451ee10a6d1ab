"""The pipeline that hands each archived article page to extraction, diffing and the index."""

from __future__ import annotations

import json
import logging
import sqlite3

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.index_rows import Verdict
from diffing.extract import ExtractionError, Selectors, extract_article
from redline.capture_rules import REDIRECTS

from .capture import article_captures, header_pairs
from .session import CrawlSession

logger = logging.getLogger(__name__)
EXTRACTOR = "redline-extract/1"
ARTICLE_URN = "urn:redline:article:"


def article_page(item, session: CrawlSession, stats):
    """(response, site, captures of its fetch and redirect hops); counts the fetch."""
    response = item["response"]
    captures = response.meta.get("redline_captures") or []
    if captures:
        stats.inc_value(
            "redline/rechecked" if response.meta.get("recheck") else "redline/fetched_articles"
        )
    return response, session.config.site(item["site"]), captures


def article_record(session: CrawlSession, response, capture, site):
    """(article, extraction failed) for capture_rules; writes the metadata record."""
    if capture.record_type == "revisit" or capture.http_status != 200:
        return None, False
    selectors = Selectors(headline=site.headline, byline=site.byline, body=site.body)
    try:
        article = extract_article(response.body, capture.url, selectors)
        data = {"article": article.to_dict(), "extractor": EXTRACTOR}
    except ExtractionError as exc:
        article, data = None, {"error": str(exc), "extractor": EXTRACTOR}
        logger.warning("extraction failed for %s: %s", capture.url, exc)
    # A synthetic URI: under the page's own URI, replay tools would serve this JSON
    # in place of the page captured in the same second. WARC-Refers-To links them.
    session.writer.write_metadata(
        refers_to=capture.record_id,
        target_uri=ARTICLE_URN + capture.url,
        date=capture.fetched_at,
        payload=json.dumps(data, ensure_ascii=False, sort_keys=True).encode(),
    )
    return article, article is None


class TrackPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.track = crawler.settings.getbool("REDLINE_TRACK", True)
        self.session = CrawlSession.of(crawler)
        self.new_this_pass: set[int] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrackPipeline:
        if not crawler.settings.getbool("REDLINE_INDEX", True):
            raise NotConfigured("no index (a cluster worker): crawler.records.ArticleRecords")
        return cls(crawler)

    def process_item(self, item, spider=None):
        if self.session.fatal:
            return None
        try:
            return self._process(item)
        except (OSError, sqlite3.Error) as exc:
            self.session.fail(self.crawler, f"cannot write the archive or index: {exc}")
            return None

    def _process(self, item):
        response, site, captures = article_page(item, self.session, self.stats)
        if not captures or not self.track:
            return
        for outcome in response.meta.get("redline_outcomes", ()):  # of redirects, as archived
            self._counted(outcome, site)
        final_id, final = captures[-1]
        if final.http_status in REDIRECTS:
            return  # not followed (off the site): tracked as archived, by WarcCapture
        outcome = article_captures(self.session).feed(
            final_id, final, site, lambda: article_record(self.session, response, final, site),
            headers=header_pairs(response.headers),
        )  # fmt: skip
        self._counted(outcome, site)

    def _counted(self, outcome, site) -> None:
        if outcome is None:
            return
        if outcome.verdict == Verdict.NEW:
            self.new_this_pass.add(outcome.article_id)
        if (
            outcome.absorbed in self.new_this_pass
        ):  # counted as new when its new URL was found first
            self.new_this_pass.discard(outcome.absorbed)
            self.stats.inc_value("redline/new_articles", -1)
        self._count(outcome, site.name)

    def _count(self, outcome, site: str) -> None:
        verdict = outcome.verdict
        if verdict in (Verdict.CHANGED, Verdict.RESTORED) and outcome.change_id is None:
            verdict = Verdict.UNCHANGED  # a version seen before (A/B test): a revision, no change
        if verdict in _STAT:
            self.stats.inc_value(f"redline/{_STAT[verdict]}")
        self.stats.inc_value(f"redline/site/{site}/{'error' if verdict == Verdict.ERROR else 'ok'}")


# The crawl's counter of each verdict (moved and skipped have none of their own).
_STAT = {
    Verdict.NEW: "new_articles",
    Verdict.CHANGED: "changed",
    Verdict.UNCHANGED: "unchanged",
    Verdict.ERROR: "extraction_failed",
    Verdict.REMOVED: "removed",
    Verdict.RESTORED: "changed",
}
