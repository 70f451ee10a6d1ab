"""From a capture to a verdict: the revision history and change log of each article.

Both the live crawl and `redline reindex`/`ingest` call `Tracker.track` with the same
inputs (a capture row and the extracted article), so both build the same index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from archive import index
from archive.index_rows import ArticleRow, CaptureRow, RevisionRow, Status
from archive.index_rows import ChangeKind as Kind
from archive.index_rows import Verdict as V
from archive.urls import canonical_article_url
from diffing.article import Article
from diffing.compare import compare_articles
from diffing.disclosure import is_later
from diffing.noise import volatile_between
from diffing.normalise import body_sha1, fingerprint, normalise_paragraphs

from .queries import article_of_revision
from .schedule import Intervals, next_check, parse_iso

# Under this share of the latest revision's words, a capture is an extraction failure
# (paywall, consent wall, error page, redesign), never a "body deleted" edit.
MIN_WORD_SHARE = 0.4
GONE = (404, 410)


@dataclass(frozen=True)
class Outcome:
    # any Verdict but MOVED, which capture_rules sets on a redirect hop to the new URL
    verdict: V
    article_id: int | None = None
    revision: int | None = None
    change_id: int | None = None
    absorbed: int | None = None  # the id of a "new" article found to be this one, moved


# Reads a revision again, from its archived response, with today's extractor
# (redline.reread.Rereader); None when it cannot.
Reread = Callable[[RevisionRow, "str | None"], "Article | None"]


class Tracker:
    def __init__(self, db, intervals: Intervals, reread: Reread | None = None):
        self.db = db
        self.intervals = intervals
        self.reread = reread
        self._absorbed: int | None = None
        self._reread: tuple[int, Article | None] | None = None  # (revision id, article)

    def track(
        self,
        capture_id: int,
        capture: CaptureRow,
        article: Article | None,
        *,
        site: str | None,
        ignore: tuple[str, ...] = (),
        moved_from: str | None = None,
        failed: bool = False,
        validators: dict | None = None,
        first: Article | None = None,
    ) -> Outcome:
        """Record one capture of an article URL; the caller has indexed the capture row.

        `article` None is a payload already seen (a revisit, a 304), unless `failed`:
        then the page could not be read (extraction failed, a consent wall). `first`: the
        article of the fetch this one confirms (made at once because it differed): body
        text that differs between the two is noise in this pass, and learned as the
        site's noise on its second occasion.
        """
        self._absorbed = None
        with self.db.atomic():
            ignore = tuple(ignore) + index.learned_noise(self.db, site)
            if first is not None and article is not None:
                ignore += self._noise_between(first, article, site, ignore, capture.fetched_at)
            outcome = self._track(capture_id, capture, article, site, ignore, moved_from, failed)
            if article is not None and outcome.article_id:  # "the capture just before"
                dates = {"page_modified": article.modified, "page_updated": article.visible_updated}
                index.update_article(self.db, outcome.article_id, dates)
            outcome = replace(outcome, absorbed=self._absorbed)
            index.set_capture_verdict(self.db, capture_id, outcome.article_id, outcome.verdict)
            if validators is not None and outcome.article_id:  # in the same transaction,
                index.update_article(self.db, outcome.article_id, validators)  # kill-safe
        return outcome

    def differs(self, url: str, article: Article, site: str | None, ignore=()) -> bool:
        """Whether `article` is another version of the live article tracked at `url`:
        the crawl's cue to fetch the page again at once before believing it."""
        found = self._live_latest(url)
        if found is None:
            return False
        row, latest = found
        ignore = tuple(ignore) + index.learned_noise(self.db, site)
        new_print = fingerprint(article, ignore)
        if new_print == latest.fingerprint:
            return False
        previous = self._previous(row, latest, article)
        # A paywall or an error page is an extraction failure, not a version to confirm.
        return _enough_words(article, previous, ignore) and new_print != fingerprint(
            previous, ignore
        )

    def _live_latest(self, url: str) -> tuple[ArticleRow, RevisionRow] | None:
        """The live article tracked at `url` and its latest revision, if it has both."""
        row = index.article_by_url(self.db, url)
        if row is None or row.status != Status.LIVE:
            return None
        latest = index.latest_revision(self.db, row.id)
        return (row, latest) if latest is not None else None

    def _noise_between(self, first: Article, second: Article, site, ignore, seen_at: str):
        """What differs between two fetches made at once; each shape's occasion noted."""
        seen = normalise_paragraphs(second.paragraphs, ignore)
        volatile = volatile_between(normalise_paragraphs(first.paragraphs, ignore), seen)
        for shape in volatile.shapes:  # shapes are of normalised text: find one like it there
            example = next((p for p in seen if re.fullmatch(shape, p)), shape)
            index.note_noise(self.db, site, shape, example, seen_at)
        return volatile.ignore

    def _track(self, capture_id, capture, article, site, ignore, moved_from, failed) -> Outcome:
        row = index.article_by_url(self.db, capture.url)
        if moved_from and moved_from != capture.url:
            row = self._follow_move(moved_from, capture.url) or row
        if capture.http_status in GONE:
            return self._removed(row, capture) if row else Outcome(V.SKIPPED)
        if failed:
            return self._failed(row, capture)
        if row is None:
            return self._first(capture, article, site, ignore) if article else Outcome(V.SKIPPED)
        if article is None and row.status in (Status.REMOVED, Status.MOVED):
            # Back, or at its new URL, as it was: the restore or move is still recorded.
            latest = index.latest_revision(self.db, row.id)
            article = article_of_revision(latest) if latest else None
        if article is None:  # a revisit or 304: the payload is the one already seen
            self._checked(row, capture.fetched_at, changed=False)
            return Outcome(V.UNCHANGED, row.id)
        return self._recapture(row, capture_id, capture, article, ignore)

    def _failed(self, row, capture) -> Outcome:
        """No article in this capture: never an edit, never a removal (kept as `error`)."""
        if row is None:
            return Outcome(V.ERROR)
        self._checked(row, capture.fetched_at, changed=False)
        return Outcome(V.ERROR, row.id)

    def _first(self, capture, article, site, ignore) -> Outcome:
        if not _has_text(article, ignore):
            return Outcome(V.ERROR)
        index.ensure_site(self.db, site)
        article_id = index.insert_article(
            self.db,
            {
                "url": capture.url,
                "canonical_url": article.canonical_url,
                "site": site,
                "first_seen": capture.fetched_at,
                "status": str(Status.LIVE),
            },
        )
        row = index.article_by_id(self.db, article_id)
        self._revision(row, 1, capture, article, fingerprint(article, ignore), repeats=None)
        self._checked(row, capture.fetched_at, changed=True)
        return Outcome(V.NEW, article_id, 1)

    def _recapture(self, row, capture_id, capture, article, ignore) -> Outcome:
        latest = index.latest_revision(self.db, row.id)
        restored = row.status == Status.REMOVED
        moved = (bool(row.moved_from) and row.status == Status.MOVED) or _canonical_moved(
            row.canonical_url, article.canonical_url
        )
        if latest is None:
            return self._first_revision_later(row, capture, article, ignore)
        previous = self._previous(row, latest, article)
        # The page's dates in the capture just before this one (the contract's disclosure).
        before = (
            row.page_modified or previous.modified,
            row.page_updated or previous.visible_updated,
        )
        if not _enough_words(article, previous, ignore):
            self._checked(row, capture.fetched_at, changed=False)
            return Outcome(V.ERROR, row.id)
        new_print = fingerprint(article, ignore)
        # `previous` is fingerprinted only when the latest revision's print does not match.
        same = new_print == latest.fingerprint or new_print == fingerprint(previous, ignore)
        if same and not (restored or moved):
            if new_print != latest.fingerprint and article.extractor > (latest.extractor or 1):
                # The same article read by a newer extractor: kept as the new baseline
                # (later captures compare with it), never a change.
                self._revision(row, latest.number + 1, capture, article, new_print, repeats=None)
            if _acknowledged(before, article):  # a new date on the same text: fake freshness
                index.mark_redated(self.db, capture_id)
            self._checked(row, capture.fetched_at, changed=False)
            return Outcome(V.UNCHANGED, row.id)
        earlier = index.revision_with_fingerprint(self.db, row.id, new_print)
        number = latest.number + 1
        self._revision(row, number, capture, article, new_print, repeats=earlier and earlier.number)
        kinds: list[str] = [Kind.RESTORED] if restored else ([Kind.MOVED] if moved else [])
        # A version seen before is reported once; but a correction note taken down is
        # always reported, even when the text goes back to how it was before the note.
        notes_gone = bool(set(previous.notes) - set(article.notes))
        change = None if earlier and not notes_gone else compare_articles(previous, article, ignore)
        index.update_article(self.db, row.id, {"status": str(Status.LIVE)})
        if change is None and not kinds:  # a repeat, or only a form the previous lacked
            self._checked(row, capture.fetched_at, changed=False)
            return Outcome(V.CHANGED if earlier else V.UNCHANGED, row.id, number)
        change_id = index.insert_change(
            self.db,
            {
                "article_id": row.id,
                "from_revision": latest.number,
                "to_revision": number,
                "from_captured_at": latest.captured_at,
                "to_captured_at": capture.fetched_at,
                "kinds": kinds + list(change.kinds if change else ()),
                "significance": change.significance if change else "substantive",
                "headline_before": latest.headline,
                "headline_after": article.headline,
                "diff": change.diff if change else None,
                "added_words": change.added_words if change else 0,
                "removed_words": change.removed_words if change else 0,
                "headline_forms": list(change.headline_forms) if change else [],
                "headlines_before": change.headlines_before if change else {},
                "headlines_after": change.headlines_after if change else {},
                **_disclosure(change, previous, article, before),
            },
        )
        self._checked(row, capture.fetched_at, changed=True)
        return Outcome(V.RESTORED if restored else V.CHANGED, row.id, number, change_id)

    def _previous(self, row: ArticleRow, latest: RevisionRow, article: Article) -> Article:
        """The latest revision as the article to compare with: read again from its
        archived response when a newer extractor made `article` (the upgrade rule)."""
        previous = article_of_revision(latest)
        if article.extractor <= previous.extractor or self.reread is None:
            return previous
        # `differs` and the tracking of the same capture ask in turn: read the WARC once.
        if self._reread is None or self._reread[0] != latest.id:
            self._reread = (latest.id, self.reread(latest, row.site))
        return self._reread[1] or previous

    def _first_revision_later(self, row, capture, article, ignore) -> Outcome:
        if not _has_text(article, ignore):
            return Outcome(V.ERROR, row.id)
        self._revision(row, 1, capture, article, fingerprint(article, ignore), repeats=None)
        self._checked(row, capture.fetched_at, changed=True)
        return Outcome(V.NEW, row.id, 1)

    def _removed(self, row, capture) -> Outcome:
        if row.status == Status.REMOVED:
            self._checked(row, capture.fetched_at, changed=False)
            return Outcome(V.UNCHANGED, row.id)
        latest = index.latest_revision(self.db, row.id)
        if latest is None:
            return Outcome(V.SKIPPED, row.id)
        change_id = index.insert_change(
            self.db,
            {
                "article_id": row.id,
                "from_revision": latest.number,
                "to_revision": None,
                "from_captured_at": latest.captured_at,
                "to_captured_at": capture.fetched_at,
                "kinds": [Kind.REMOVED],
                "significance": "substantive",
                "headline_before": latest.headline,
                "headline_after": None,
                "diff": None,
                "added_words": 0,
                "removed_words": 0,
                "headline_forms": [],
                "headlines_before": {},
                "headlines_after": {},
            },
        )
        index.update_article(self.db, row.id, {"status": str(Status.REMOVED)})
        self._checked(row, capture.fetched_at, changed=True)
        return Outcome(V.REMOVED, row.id, None, change_id)

    def _follow_move(self, old_url: str, new_url: str) -> ArticleRow | None:
        """The article at `old_url` now lives at `new_url`: one history, kind `moved`."""
        row = index.article_by_url(self.db, old_url)
        if row is None:
            return None
        twin = index.article_by_url(self.db, new_url)
        if twin is not None and not self._absorb(row, twin):
            return None
        index.update_article(
            self.db, row.id, {"url": new_url, "moved_from": old_url, "status": str(Status.MOVED)}
        )
        return index.article_by_id(self.db, row.id)

    def _absorb(self, row: ArticleRow, twin: ArticleRow) -> bool:
        """The new URL was found (in a feed, say) before the old one's redirect was seen.

        If that twin is no more than a first sighting, it is the same article: its
        captures join the old history and the twin goes, so one article keeps one history.
        """
        numbers = index.revision_numbers(self.db, twin.id)
        if numbers not in ([], [1]) or twin.first_seen < (row.first_seen or ""):
            return False
        index.merge_article(self.db, twin.id, into_id=row.id)
        self._absorbed = twin.id
        return True

    def _revision(self, row, number, capture, article, print_: str, repeats) -> None:
        """A new revision; `print_` is the article's fingerprint (with the capture's ignore)."""
        index.insert_revision(
            self.db,
            {
                "article_id": row.id,
                "number": number,
                "captured_at": capture.fetched_at,
                "headline": article.headline,
                "byline": article.byline,
                "body": "\n\n".join(article.paragraphs),
                "body_sha1": body_sha1(article.paragraphs),
                "fingerprint": print_,
                "published": article.published,
                "updated": article.updated,
                "language": article.language,
                "capture_id": index.capture_id_of_record(self.db, capture.record_id),
                "repeats": repeats,
                "headlines": article.headlines,
                "extractor": article.extractor,
                "modified": article.modified,
                "visible_updated": article.visible_updated,
                "notes": list(article.notes),
            },
        )
        if article.canonical_url:
            index.update_article(self.db, row.id, {"canonical_url": article.canonical_url})

    def _checked(self, row, fetched_at: str, *, changed: bool) -> None:
        last_change = fetched_at if changed else (row.last_changed or row.first_seen)
        when = next_check(parse_iso(last_change), parse_iso(fetched_at), self.intervals)
        index.update_article(
            self.db,
            row.id,
            {
                "last_checked": fetched_at,
                "last_changed": last_change,
                "next_check": when and when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            },
        )

    def expected(self, url: str, site: str | None, ignore=(), extractor: int = 1):
        """(fingerprint, learned noise, words) by which a worker without the index tells whether
        a recapture of `url` differs (as `differs`): the live latest revision as `extractor`
        reads it, fingerprinted with `ignore` and the site's learned noise, which it needs
        too. None when no live article is tracked at `url`."""
        found = self._live_latest(url)
        if found is None:
            return None
        row, latest = found
        learned = index.learned_noise(self.db, site)
        reader = replace(article_of_revision(latest), extractor=extractor)  # the upgrade rule
        previous = self._previous(row, latest, reader)
        return fingerprint(previous, tuple(ignore) + learned), learned, len(previous.body.split())


TEXT_KINDS = frozenset((Kind.HEADLINE, Kind.BYLINE, Kind.BODY))


def _acknowledged(before: tuple[str | None, str | None], article: Article) -> list[str]:
    """Which of the page's dates are later than in the capture just before."""
    found = []
    if is_later(before[0], article.modified):
        found.append("modified_date")
    if is_later(before[1], article.visible_updated):
        found.append("visible_date")
    return found


def _disclosure(change, previous: Article, article: Article, before) -> dict:
    """Was the edit acknowledged (the contract's `silent`, `disclosure`, `notes`)? Unknown
    (null) for a change with no text kind, or when the previous version predates notes
    (an index from before disclosure was read, and no archived response to read again)."""
    if change is None or not TEXT_KINDS & set(change.kinds) or previous.extractor < 2:
        return {"silent": None, "disclosure": [], "notes": []}
    notes = [note for note in article.notes if note not in previous.notes]
    disclosure = (["note"] if notes else []) + _acknowledged(before, article)
    return {"silent": int(not disclosure), "disclosure": disclosure, "notes": notes}


def _canonical_moved(before: str | None, after: str | None) -> bool:
    """The page now names another canonical URL (scheme and trailing slash aside)."""
    if not before or not after:
        return False

    def key(url: str) -> str:
        return canonical_article_url(url).split("://", 1)[-1].rstrip("/")

    return key(before) != key(after)


def _words(paragraphs, ignore) -> int:
    return sum(len(p.split()) for p in normalise_paragraphs(paragraphs, ignore))


def _has_text(article: Article, ignore) -> bool:
    return bool(article.headline.strip()) and _words(article.paragraphs, ignore) > 0


def _enough_words(article: Article, latest: Article, ignore) -> bool:
    return enough_words(article, len(latest.body.split()), ignore)


def enough_words(article: Article, words_before: int, ignore) -> bool:
    """Not an extraction failure next to a version of `words_before` words (the 40% rule)."""
    if not article.headline.strip():
        return False
    words = _words(article.paragraphs, ignore)  # as _has_text, normalising once
    return words > 0 and words >= MIN_WORD_SHARE * words_before
