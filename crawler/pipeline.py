"""The pipeline that hands each archived article page to extraction, diffing and the index."""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import replace

from scrapy.crawler import Crawler

from diffing.extract import ExtractionError, Selectors, extract_article

from .session import CrawlSession

logger = logging.getLogger(__name__)
EXTRACTOR = "redline-extract/1"
ARTICLE_URN = "urn:redline:article:"


class TrackPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.track = crawler.settings.getbool("REDLINE_TRACK", True)
        self.session = CrawlSession.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrackPipeline:
        return cls(crawler)

    def process_item(self, item, spider=None):
        if self.session.fatal:
            return None
        try:
            return self._process(item)
        except (OSError, sqlite3.Error) as exc:
            self.session.fail(self.crawler, f"cannot write the archive or index: {exc}")
            return None

    def _article_page(self, item):
        """(response, site, captures of its fetch and redirect hops); counts the fetch."""
        response = item["response"]
        captures = response.meta.get("redline_captures") or []
        if captures:
            self.stats.inc_value(
                "redline/rechecked" if response.meta.get("recheck") else "redline/fetched_articles"
            )
        return response, self.session.config.site(item["site"]), captures

    def _process(self, item):
        response, site, captures = self._article_page(item)
        if not captures or not self.track:
            return
        capture_id, capture = captures[-1]
        moved_from = None
        first_id, first = captures[0]
        if first.url != capture.url:
            if site.is_article(capture.url):
                moved_from = first.url
            else:  # redirected to a non-article (home page, section): the article is gone
                capture_id, capture = first_id, replace(first, http_status=410)
        article = self._article(response, capture, site)
        outcome = self.session.tracker.track(
            capture_id, capture, article, site=site.name, ignore=site.ignore, moved_from=moved_from
        )
        self._count(outcome, site.name)
        self._remember_validators(outcome.article_id, response)
        return

    def _article(self, response, capture, site):
        if capture.record_type == "revisit" or capture.http_status != 200:
            return None
        selectors = Selectors(headline=site.headline, byline=site.byline, body=site.body)
        try:
            article = extract_article(response.body, capture.url, selectors)
            data = {"article": article.to_dict(), "extractor": EXTRACTOR}
        except ExtractionError as exc:
            article, data = None, {"error": str(exc), "extractor": EXTRACTOR}
            logger.warning("extraction failed for %s: %s", capture.url, exc)
        # A synthetic URI: under the page's own URI, replay tools would serve this JSON
        # in place of the page captured in the same second. WARC-Refers-To links them.
        self.session.writer.write_metadata(
            refers_to=capture.record_id,
            target_uri=ARTICLE_URN + capture.url,
            date=capture.fetched_at,
            payload=json.dumps(data, ensure_ascii=False, sort_keys=True).encode(),
        )
        return article

    def _count(self, outcome, site: str) -> None:
        verdict = outcome.verdict
        if outcome.absorbed_new:  # counted as new when its new URL was found first
            self.stats.inc_value("redline/new_articles", -1)
        if verdict in ("changed", "restored") and outcome.change_id is None:
            verdict = "unchanged"  # a version seen before (A/B test): a revision, no change
        key = {
            "new": "new_articles",
            "changed": "changed",
            "unchanged": "unchanged",
            "error": "extraction_failed",
            "removed": "removed",
            "restored": "changed",
        }
        if verdict in key:
            self.stats.inc_value(f"redline/{key[verdict]}")
        self.stats.inc_value(f"redline/site/{site}/{'error' if verdict == 'error' else 'ok'}")

    def _remember_validators(self, article_id, response) -> None:
        if not article_id or response.status != 200:
            return
        values = {
            "etag": _header(response, b"ETag"),
            "last_modified": _header(response, b"Last-Modified"),
        }
        self.session.db["articles"].update(article_id, values)


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
