"""Read-only questions to the index: changes, history, search, diff. No Scrapy here."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from archive import index_reading
from archive.urls import canonical_article_url

from .config import parse_duration
from .errors import RedlineError
from .schedule import iso, utc_now

if TYPE_CHECKING:  # imported where used: `history` and `changes` need none of them (their
    # dataclasses cost more start-up than the commands' queries)
    from archive.index_rows import RevisionRow
    from diffing.article import Article

HEADLINE_FORMS = ("visible", "title", "social", "structured")
_PARSED: dict[str, list | dict] = {}  # short JSON column texts, parsed once (see _json)


class QueryError(RedlineError, ValueError):
    """A question the index cannot answer as asked (exit 1, with what to ask instead)."""


def parse_since(text: str, now: datetime | None = None) -> str:
    """'24h', '7d' or an ISO date/time -> an ISO UTC bound."""
    try:
        return iso((now or utc_now()) - parse_duration(text))
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(
            f"--since {text!r}: give a duration like 24h or 7d, or an ISO date"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return iso(when)


def find_article(db, url: str) -> dict:
    """The tracked article at `url` (its current, former or canonical URL), as a dict: the
    command layer reads it by key."""
    clean = canonical_article_url(url)
    for column in ("url", "moved_from", "canonical_url"):
        for candidate in dict.fromkeys((url, clean)):
            found = index_reading.article_where(db, column, candidate)
            if found:
                return found
    raise QueryError(f"no tracked article at {url}")


def change_json(row) -> dict:
    """The ``changes --json`` shape of a ChangeRow (or a dict with the same keys)."""
    r = row if isinstance(row, dict) else vars(row)  # plain lookups: a change log is long
    silent = r["silent"]
    return {
        "url": r["url"],
        "site": r["site"],
        "article_id": r["article_id"],
        "from_revision": r["from_revision"],
        "to_revision": r["to_revision"],
        "from_captured_at": r["from_captured_at"],
        "to_captured_at": r["to_captured_at"],
        "kinds": _json(r["kinds"], []),
        "significance": r["significance"],
        "headline_before": r["headline_before"],
        "headline_after": r["headline_after"],
        "headline_forms": _json(r["headline_forms"], []),
        "headlines_before": _json(r["headlines_before"], {}),
        "headlines_after": _json(r["headlines_after"], {}),
        "silent": None if silent is None else bool(silent),
        "disclosure": _json(r["disclosure"], []),
        "notes": _json(r["notes"], []),
        "added_words": r["added_words"],
        "removed_words": r["removed_words"],
    }


def list_changes(
    db, *, since=None, site=None, url=None, kind=None, silent=None, limit=None
) -> list[dict]:
    """Detected edits in the ``changes --json`` shape, newest first; `silent` True: only
    those nothing acknowledged, False: only acknowledged ones (changes whose `silent` is
    null are in neither)."""
    found = index_reading.change_records(
        db, since=parse_since(since) if since else None, site=site or None,
        article_id=find_article(db, url)["id"] if url else None, kind=kind or None,
        silent=None if silent is None else int(silent), limit=limit, with_diff=False,
    )  # fmt: skip
    fields = index_reading.CHANGE_FIELDS
    return [change_json(dict(zip(fields, r))) for r in found]


def history(db, url: str) -> list[dict]:
    """Every revision of one article, oldest first."""
    article = find_article(db, url)
    return [
        {
            "revision": number,
            "captured_at": captured_at,
            "headline": headline,
            "byline": byline,
            "body_sha1": body_sha1,
            "headlines": _all_forms(_json(headlines, {})),
            "modified": modified,
            "notes": _json(notes, []),
            "warc": {"file": warc_file, "offset": warc_offset, "length": warc_length},
            "record_id": record_id,
            "repeats": repeats,
        }
        for (number, captured_at, headline, byline, body_sha1, repeats, warc_file, warc_offset,
             warc_length, record_id, headlines, modified, notes)
        in index_reading.timeline(db, article["id"])
    ]  # fmt: skip


def search(db, query: str, *, limit: int = 50) -> list[dict]:
    """Full-text search over every revision, text later removed included."""
    from archive import index_queries

    terms = " ".join(f'"{t}"' for t in re.findall(r"\w+", query))
    if not terms:
        raise QueryError("give some words to search for")
    return [
        {
            "url": r.url,
            "site": r.site,
            "revision": r.number,
            "captured_at": r.captured_at,
            "headline": r.headline,
            "snippet": r.snippet,
        }
        for r in index_queries.search_revisions(db, terms, limit)
    ]


def revision_pair(db, url: str, from_n: int | None, to_n: int | None) -> tuple[dict, dict, dict]:
    """(article, old revision, new revision) as dicts; default: the last two."""
    from archive import index_queries

    article = find_article(db, url)
    found = {r.number: asdict(r) for r in index_queries.revisions_of(db, article["id"])}
    if len(found) < 2 and (from_n is None or to_n is None):
        raise QueryError(f"{url} has only {len(found)} revision(s): nothing to compare")
    to_n = to_n or max(found)
    from_n = from_n or max((n for n in found if n < to_n), default=None)
    for n in (from_n, to_n):
        if n not in found:
            raise QueryError(f"{url} has no revision {n} (it has 1 to {max(found)})")
    return article, found[from_n], found[to_n]


def stored_change(db, article_id: int, from_n: int, to_n: int) -> dict | None:
    """The change recorded between two revisions: its kinds, significance and stored diff."""
    from archive import index_queries

    row = index_queries.change_between(db, article_id, from_n, to_n)
    if row is None:
        return None
    return {
        "kinds": json.loads(row.kinds),
        "significance": row.significance,
        "diff": json.loads(row.diff) if row.diff else None,
    }


def article_of_revision(revision: RevisionRow | dict) -> Article:
    """A revision (a RevisionRow, or revision_pair's dict) as the Article it recorded (what
    diffs are computed between)."""
    from archive.index_rows import RevisionRow
    from diffing.article import Article

    if isinstance(revision, dict):
        revision = RevisionRow(**revision)
    return Article(
        url="",
        headline=revision.headline or "",
        byline=revision.byline or "",
        paragraphs=tuple(p for p in (revision.body or "").split("\n\n") if p),
        headlines=_json(revision.headlines, {}),
        extractor=revision.extractor or 1,
        modified=revision.modified,
        visible_updated=revision.visible_updated,
        notes=tuple(_json(revision.notes, [])),
    )


def _all_forms(forms: dict) -> dict:
    """Every headline form, null where the page gave none (or before forms were kept)."""
    return {form: forms.get(form) for form in HEADLINE_FORMS}


def _json(text: str | None, empty):
    """A JSON column (a flat list or object of strings); `empty` for a row from before the
    column existed. Short texts ('[]', '["body"]') repeat down a change log: each is parsed
    once and copied (a copy is all a flat value needs, and costs a tenth of a parse)."""
    if not text:
        return empty
    if len(text) > 64:
        return json.loads(text)
    parsed = _PARSED.get(text)
    if parsed is None:
        parsed = json.loads(text)
        if len(_PARSED) < 4096:
            _PARSED[text] = parsed
    return parsed.copy()
