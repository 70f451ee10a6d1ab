"""What leaves the index: small frozen rows, and the verdicts and change kinds (defined
once, in archive/index_kinds.py, and re-exported here).

Reading commands print JSON and need no rows: archive/index_reading.py answers them with
plain tuples from the same SQL, so `redline history` does not pay for building these
dataclasses at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from .index_kinds import ChangeKind, Status, Verdict

__all__ = [
    "ChangeKind", "Status", "Verdict", "CaptureRow", "PriorCapture", "ArticleRow",
    "RevisionRow", "RevisionAt", "ChangeRow", "SearchHit", "ArticleSummary", "columns",
]  # fmt: skip


@dataclass(frozen=True)
class CaptureRow:
    """One fetch's records, as written to the captures table (before tracking)."""

    record_id: str
    record_type: str  # response | revisit
    url: str
    warc_file: str
    warc_offset: int
    warc_length: int
    http_status: int | None
    payload_digest: str | None
    refers_to: str | None
    fetched_at: str
    location: str | None = None  # Location header of a redirect


@dataclass(frozen=True)
class PriorCapture:
    """A URL's latest full response: what a revisit may refer to."""

    record_id: str
    url: str
    fetched_at: str
    payload_digest: str | None


@dataclass(frozen=True)
class ArticleRow:
    id: int
    url: str
    canonical_url: str | None
    site: str | None
    first_seen: str | None
    last_checked: str | None
    last_changed: str | None
    next_check: str | None
    status: str | None
    etag: str | None
    last_modified: str | None
    moved_from: str | None
    page_modified: str | None  # the page's dates as of its last capture with an article
    page_updated: str | None


@dataclass(frozen=True)
class RevisionRow:
    id: int
    article_id: int
    number: int
    captured_at: str
    headline: str | None
    byline: str | None
    body: str | None
    body_sha1: str | None
    fingerprint: str | None
    published: str | None
    updated: str | None
    language: str | None
    capture_id: int | None
    repeats: int | None
    headlines: str | None  # JSON {form: text}; null before forms were recorded
    extractor: int | None  # null: before versions were recorded (version 1)
    modified: str | None
    visible_updated: str | None
    notes: str | None  # JSON list; null before notes were recorded


@dataclass(frozen=True)
class RevisionAt:
    """A revision with where its capture is archived (history, the site's timelines)."""

    number: int
    captured_at: str
    headline: str | None
    byline: str | None
    body_sha1: str | None
    repeats: int | None
    warc_file: str | None
    warc_offset: int | None
    warc_length: int | None
    record_id: str | None
    headlines: str | None
    modified: str | None
    notes: str | None


@dataclass(frozen=True)
class ChangeRow:
    """A change with its article's URL and site; `kinds` and `diff` as stored (JSON text)."""

    id: int
    article_id: int
    from_revision: int | None
    to_revision: int | None
    from_captured_at: str | None
    to_captured_at: str | None
    kinds: str
    significance: str | None
    headline_before: str | None
    headline_after: str | None
    diff: str | None
    added_words: int | None
    removed_words: int | None
    headline_forms: str | None  # JSON list; null before forms were recorded
    headlines_before: str | None  # JSON {form: text}
    headlines_after: str | None
    silent: int | None  # 1, 0, or null (no text kind, or recorded before it was known)
    disclosure: str | None  # JSON list
    notes: str | None  # JSON list
    url: str  # the last two: joined from articles (index_queries._CHANGE)
    site: str | None


@dataclass(frozen=True)
class SearchHit:
    url: str
    site: str | None
    number: int
    captured_at: str
    headline: str | None
    snippet: str


@dataclass(frozen=True)
class ArticleSummary(ArticleRow):
    """An article for the site's pages: its row, its revision count and latest headline."""

    revisions: int
    headline: str | None


def columns(row_type) -> str:
    """The select list of a row type, in field order (rows are built positionally)."""
    return ", ".join(row_type.__dataclass_fields__)
