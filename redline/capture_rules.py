"""What one capture means for its article: the one rule set of the crawl and of reindex.

The live crawl feeds each redirect hop of an article fetch to `ArticleCaptures.feed` as
it is archived, and the final response when the pipeline gets it; `reindex` and `ingest`
feed every capture of the archive, in the order it was archived. Both go through the
same code below, so both build the same index.

A capture is one of:
- a redirect hop (301/302/303/307/308 with a Location elsewhere): to an article of the
  site, the article moves there (kind `moved` when the target is captured); to another
  page of the site, the article is gone; off the site's hosts or to a non-http target
  (a consent wall, a syndication partner), the capture is an `error`, never a removal;
- 404/410: the article is removed;
- a page (200, an identical-payload revisit, a 304): extracted, diffed and tracked;
  a 200 whose extraction fails is an `error`;
- anything else (a 304-less 3xx, 5xx, 403...): nothing the article's history records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

from archive import index
from archive.index_rows import CaptureRow, Verdict
from archive.urls import canonical_article_url
from diffing.article import Article

from .config import Site
from .tracker import GONE, Outcome, Tracker

REDIRECTS = (301, 302, 303, 307, 308)
PAGE = (200, 304)

# What a page capture's payload gives: (article, extraction failed). A revisit or a 304
# gives (None, False): the payload is the one already seen.
Extract = Callable[[], "tuple[Article | None, bool]"]


@dataclass(frozen=True)
class Hop:
    kind: str  # moved | gone | offsite
    target: str


def redirect_target(capture: CaptureRow) -> str | None:
    """Where a capture redirects to; None for a 304, a 3xx without Location, or a
    redirect back to the very same URL (none of them is a move)."""
    if capture.http_status not in REDIRECTS or not (capture.location or "").strip():
        return None
    target = urljoin(capture.url, capture.location.strip())
    if urlsplit(target).scheme.lower() in ("http", "https"):
        target = canonical_article_url(target)
        if target == canonical_article_url(capture.url):
            return None
    return target


def hop_of(site: Site | None, capture: CaptureRow) -> Hop | None:
    target = redirect_target(capture)
    if target is None:
        return None
    if not _owns(site, capture.url, target):
        return Hop("offsite", target)
    if site is None or site.is_article(target):
        return Hop("moved", target)
    return Hop("gone", target)


def _owns(site: Site | None, url: str, target: str) -> bool:
    """Redirects stay on the site's hosts (on the page's own host, for a foreign WARC)."""
    if site is not None:
        return site.owns(target)
    parts, here = urlsplit(target), urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == here.netloc.lower()


def validators(headers: list[tuple[str, str]]) -> dict:
    """The ETag and Last-Modified a recheck sends back (None: an unconditional fetch)."""
    found = {k.lower(): v for k, v in headers}  # the last of a repeated header, as Scrapy
    return {"etag": found.get("etag"), "last_modified": found.get("last-modified")}


class ArticleCaptures:
    """Feeds captures to the Tracker, remembering redirects until their target is captured."""

    def __init__(self, db, tracker: Tracker):
        self.db = db
        self.tracker = tracker
        # redirect target -> (the URL the article had before, the redirect's capture id)
        self.moves: dict[str, tuple[str, int]] = {}

    def concerns(self, site: Site | None, capture: CaptureRow, html: bool) -> bool:
        """Whether a capture is of an article page (tracked, a redirect's target, or one
        the site's pattern names; any HTML page for a WARC of no configured site)."""
        url = capture.url
        if url in self.moves or index.article_by_url(self.db, url) is not None:
            return True
        if site is None:
            return html and capture.http_status == 200
        return site.is_article(url)

    def feed(self, capture_id: int, capture: CaptureRow, site: Site | None, extract: Extract,
             *, headers: list[tuple[str, str]] = (), html: bool = True,
             first: Article | None = None) -> Outcome | None:  # fmt: skip
        """Track one capture; None when it is no part of an article's history (yet).
        `first`: the article of the fetch this capture confirms (see `refetched`)."""
        if not self.concerns(site, capture, html):
            return None
        hop = hop_of(site, capture)
        if hop is not None:
            return self._hop(capture_id, capture, site, hop)
        if capture.http_status in GONE:
            return self._track(capture_id, capture, site, None)
        if capture.http_status not in PAGE:
            return None
        article, failed = extract()
        if article is None and not failed and capture.refers_to:
            # The payload seen before: if reading it failed then, it fails again now (a
            # paywall that stays is an extraction failure in every pass, never "unchanged").
            failed = index.verdict_of_record(self.db, capture.refers_to) == Verdict.ERROR
        kept = validators(headers) if capture.http_status == 200 else None
        return self._track(
            capture_id, capture, site, article, failed=failed, validators=kept, first=first
        )

    def differs(self, capture: CaptureRow, site: Site | None, article: Article | None) -> bool:
        """Whether a page capture's article is another version of the tracked article: a
        live crawl fetches it again at once before believing it (DESIGN's noise principle)."""
        if article is None or capture.http_status != 200 or hop_of(site, capture) is not None:
            return False
        return self.tracker.differs(
            capture.url, article, site.name if site else None, site.ignore if site else ()
        )

    def refetched(self, capture_id: int, capture: CaptureRow) -> None:
        """The capture was fetched again at once; the refetch (whose metadata record names
        this one) is what gets tracked, with this capture's article beside it."""
        known = index.article_by_url(self.db, capture.url)
        with self.db.atomic():
            index.set_capture_verdict(self.db, capture_id, known and known.id, Verdict.REFETCHED)

    def _hop(self, capture_id, capture, site, hop: Hop) -> Outcome | None:
        origin = self._moved_from(capture_id, capture.url) or capture.url
        if hop.kind == "moved":
            self.moves[hop.target] = (origin, capture_id)
            known = index.article_by_url(self.db, origin)
            with self.db.atomic():  # the hop's own verdict; the move waits for its target
                index.set_capture_verdict(self.db, capture_id, known and known.id, Verdict.MOVED)
            return None
        # The article the redirect chain started from is the one gone or walled off.
        at_origin = replace(capture, url=origin)
        if hop.kind == "gone":
            return self._track(capture_id, replace(at_origin, http_status=410), site, None)
        return self._track(capture_id, at_origin, site, None, failed=True)

    def _track(self, capture_id, capture, site, article, *, failed=False, validators=None,
               first=None):  # fmt: skip
        return self.tracker.track(
            capture_id, capture, article, site=site.name if site else None,
            ignore=site.ignore if site else (),
            moved_from=self._moved_from(capture_id, capture.url), failed=failed,
            validators=validators, first=first,
        )  # fmt: skip

    def _moved_from(self, capture_id: int, url: str) -> str | None:
        """Where the article at `url` was, if a redirect archived before this capture led
        here. By archive order (capture ids), not by when the crawl's pipeline gets to a
        capture: a page archived just before the redirect is not the redirect's target."""
        origin, hop_id = self.moves.get(url, (None, 0))
        if origin is None or capture_id < hop_id:
            return None
        del self.moves[url]
        return origin
