"""Values of the local newsroom: an article as the site holds it, and one HTTP reply."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class NewsArticle:
    """One story on the local site; mutable so a test can edit, remove or move it."""

    slug: str
    section: str
    headline: str
    byline: str
    paragraphs: list[str]
    published: datetime
    updated: datetime | None = None
    status: int = 200  # 404/410 when removed
    redirect_to: str | None = None  # slug it 301-redirects to
    canonical_slug: str | None = None  # overrides the canonical link
    title: str | None = None  # the document <title> when it is not the headline
    # og:title / twitter:title; several: an A/B test, one per request in turn
    social: list[str] = field(default_factory=list)
    promo: bool = False  # an in-body "subscribe" box whose offer changes on every request
    served: int = 0  # requests answered with the page (the A/B rotation)
    # Acknowledgements (DESIGN `silent`). `updated` is the CMS's dateModified; these are
    # what an editor shows readers, each settable on its own:
    note: str | None = None  # a correction or editor's note...
    note_box: bool = False  # ...in its own element after the body, not its last paragraph
    stamp: datetime | None = None  # a visible absolute "Updated <date>, <time>" line
    ago: bool = False  # a relative "Updated N minutes ago" line: new N on every request
    lang: str = "en"  # the page's <html lang>

    def social_headline(self) -> str:
        """The social headline of the page served now (rotating through an A/B test)."""
        return self.social[self.served % len(self.social)] if self.social else self.headline

    @property
    def live(self) -> bool:
        return self.status == 200 and self.redirect_to is None

    def fingerprint(self, canonical_url: str) -> str:
        """What the ETag is made of: the story, never the page noise."""
        parts = [self.headline, self.byline, *self.paragraphs, canonical_url]
        parts += [self.title or "", self.social_headline()]
        parts += [self.published.isoformat(), self.updated.isoformat() if self.updated else ""]
        parts += [self.note or "", str(self.note_box), self.stamp.isoformat() if self.stamp else ""]
        parts += [str(self.ago), self.lang]  # the "N minutes" is noise, never in the ETag
        return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Reply:
    """What the handler sends; `chunked` asks for chunked transfer-encoding."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    etag: str | None = None
    last_modified: datetime | None = None
    chunked: bool = False
    compressible: bool = True


def html_reply(status: int, text: str, **kwargs) -> Reply:
    return Reply(status, text.encode("utf-8"), **kwargs)
