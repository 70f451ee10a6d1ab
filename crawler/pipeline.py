"""The pipeline that hands each archived article page to extraction, diffing and the index."""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import asdict

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.index_rows import CaptureRow, Verdict
from diffing.article import Article
from diffing.extractor_version import EXTRACTOR_VERSION
from redline.capture_rules import REDIRECTS

from .capture import article_captures, header_pairs
from .extraction import InOrder, extracted, start
from .session import CrawlSession

logger = logging.getLogger(__name__)
EXTRACTOR = f"redline-extract/{EXTRACTOR_VERSION}"
ARTICLE_URN = "urn:redline:article:"


def article_page(item, session: CrawlSession, stats):
    """(response, site, captures of its fetch and redirect hops); counts the fetch."""
    response = item["response"]
    captures = response.meta.get("redline_captures") or []
    if captures and not response.meta.get("redline_first"):  # a refetch is no new fetch
        stats.inc_value(
            "redline/rechecked" if response.meta.get("recheck") else "redline/fetched_articles"
        )
    return response, session.config.site(item["site"]), captures


def article_record(session: CrawlSession, response, capture, site, refetch_of: str | None = None):
    """(article, extraction failed) for capture_rules; writes the metadata record. On a
    refetch the record names the fetch it confirms (`refetch_of`), whatever it answered:
    `reindex` then holds that fetch back for it, as the crawl did."""
    data: dict = {"extractor": EXTRACTOR}
    if refetch_of:
        data["refetch_of"] = refetch_of
    article = None
    if capture.record_type == "revisit" or capture.http_status != 200:
        if refetch_of:
            _write_metadata(session, capture, data)
        return None, False
    data.update(extracted(response, capture.url, site))
    if "article" in data:
        article = Article.from_dict(data["article"])
    else:
        logger.warning("extraction failed for %s: %s", capture.url, data["error"])
    _write_metadata(session, capture, data)
    return article, article is None


def _write_metadata(session: CrawlSession, capture, data: dict) -> None:
    # A synthetic URI: under the page's own URI, replay tools would serve this JSON
    # in place of the page captured in the same second. WARC-Refers-To links them.
    session.writer.write_metadata(
        refers_to=capture.record_id,
        target_uri=ARTICLE_URN + capture.url,
        date=capture.fetched_at,
        payload=json.dumps(data, ensure_ascii=False, sort_keys=True).encode(),
    )


def settle(session: CrawlSession, item) -> None:
    """The item's fetches get no more metadata records: their WARC file may close."""
    response = item.get("response")
    captures = response.meta.get("redline_captures") if response is not None else None
    if captures:
        session.writer.settle(row.record_id for _, row in captures)


def refetch(crawler: Crawler, response, site, url: str, first: dict, prior=None) -> None:
    """Fetch an article page that differs again at once, ahead of everything queued
    (DESIGN's noise principle). `first` rides along as meta `redline_first` (its
    `record_id` at least: the refetch's metadata record names it); so do the pass (the
    frontier's acknowledgement) and the prior capture (revisits), which `prior` replaces."""
    from crawler.plans import article_request

    crawler.stats.inc_value("redline/refetched")
    meta = {"redline_first": first, "recheck": True}
    for key in ("redline_pass", "redline_prior"):
        if key in response.meta:
            meta[key] = response.meta[key]
    if prior is not None:
        meta["redline_prior"] = prior
    request = article_request(crawler.spider, site.name, url, meta=meta)
    crawler.engine.crawl(request.replace(priority=20))


class TrackPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.track = crawler.settings.getbool("REDLINE_TRACK", True)
        self.session = CrawlSession.of(crawler)
        self.new_this_pass: set[int] = set()
        self.in_order = InOrder(self._handle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrackPipeline:
        if not crawler.settings.getbool("REDLINE_INDEX", True):
            raise NotConfigured("no index (a cluster worker): crawler.records.ArticleRecords")
        return cls(crawler)

    def process_item(self, item, spider=None):
        """Extraction starts now, in the pool; tracking waits for it and for the items
        before this one (crawler.extraction). Scrapy waits on the Deferred."""
        if self.session.fatal:
            return None
        return self.in_order.put(item, start(item, self.session) if self.track else None)

    def _handle(self, item):
        if self.session.fatal:
            return None
        try:
            return self._process(item)
        except (OSError, sqlite3.Error) as exc:
            self.session.fail(self.crawler, f"cannot write the archive or index: {exc}")
            return None
        finally:
            settle(self.session, item)

    def _process(self, item):
        if "refetch_failed" in item:  # the confirming fetch failed: the first stands
            first = item["refetch_failed"]
            return self._first_stands(first, self.session.config.site(item["site"]))
        response, site, captures = article_page(item, self.session, self.stats)
        if not captures or not self.track:
            return
        for outcome in response.meta.get("redline_outcomes", ()):  # of redirects, as archived
            self._counted(outcome, site)
        final_id, final = captures[-1]
        if final.http_status in REDIRECTS:  # not followed (off the site): tracked as archived
            if response.meta.get("redline_first"):  # a refetch led off the site: the first
                self._first_stands(response.meta["redline_first"], site)  # fetch stands
            return
        rules, headers = article_captures(self.session), header_pairs(response.headers)
        first = response.meta.get("redline_first")
        if first is not None:  # this fetch confirms an earlier one
            extracted = article_record(self.session, response, final, site, first["record_id"])
            if extracted[0] is None:
                self._first_stands(first, site)  # no article to confirm it with
                first = None
            else:  # left untracked until now: a crash meanwhile heals as if never refetched
                rules.refetched(first["capture_id"], CaptureRow(**first["capture"]))
            extract = lambda: extracted  # noqa: E731
        elif response.meta.get("recheck") and len(captures) == 1:
            extracted = article_record(self.session, response, final, site)
            if rules.differs(final, site, extracted[0]):
                return self._refetch(rules, response, final_id, final, extracted[0], headers, site)
            extract = lambda: extracted  # noqa: E731
        else:
            extract = lambda: article_record(self.session, response, final, site)  # noqa: E731
        outcome = rules.feed(
            final_id, final, site, extract, headers=headers,
            first=Article.from_dict(first["article"]) if first else None,
        )  # fmt: skip
        self._counted(outcome, site)

    def _refetch(self, rules, response, capture_id, capture, article, headers, site) -> None:
        """The article differs: fetch the page again at once before believing it (DESIGN's
        noise principle). Both fetches are archived; the second is tracked."""
        first = {"record_id": capture.record_id, "capture_id": capture_id,
                 "capture": asdict(capture), "article": article.to_dict(), "headers": headers}  # fmt: skip
        refetch(self.crawler, response, site, capture.url, first)

    def _first_stands(self, first: dict, site) -> None:
        article = Article.from_dict(first["article"])
        outcome = article_captures(self.session).feed(
            first["capture_id"], CaptureRow(**first["capture"]), site, lambda: (article, False),
            headers=first["headers"],
        )  # fmt: skip
        self._counted(outcome, site)

    def _counted(self, outcome, site) -> None:
        if outcome is None:
            return
        if outcome.verdict == Verdict.NEW:
            self.new_this_pass.add(outcome.article_id)
        if outcome.absorbed in self.new_this_pass:  # counted as new when its URL was found first
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
