"""The verdicts, change kinds and article states the index stores, defined once.

StrEnums: stored in the index, in JSON and in Scrapy's stats as their plain text ("new",
"moved"), and equal to that text, so older rows compare alike. diffing/compare.py names
the text kinds (headline, byline, body) itself, since diffing imports nothing of
archive's; tests/test_index_owner.py checks the two agree. Apart from the rows
(archive/index_rows.py re-exports them), so loading the config builds none of the rows.
"""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """What one capture meant for its article (captures.verdict)."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"  # no article in the capture: never an edit, never a removal
    REMOVED = "removed"
    RESTORED = "restored"
    MOVED = "moved"  # a redirect hop to the article's new URL
    SKIPPED = "skipped"  # no part of any article's history
    REFETCHED = "refetched"  # differed, so fetched again at once: the refetch is tracked


class ChangeKind(StrEnum):
    """What a change touched (changes.kinds): text kinds first, then lifecycle kinds."""

    HEADLINE = "headline"
    BYLINE = "byline"
    BODY = "body"
    REMOVED = "removed"
    RESTORED = "restored"
    MOVED = "moved"


class Status(StrEnum):
    """An article's state (articles.status)."""

    LIVE = "live"
    REMOVED = "removed"
    MOVED = "moved"
