"""Publishing the change log: Atom/RSS feeds, a static website, NDJSON and datasette metadata.

Everything here reads the diffs stored when the revisions were recorded (``changes.diff``)
and renders them with diffing.render; nothing recomputes a diff.
"""

from __future__ import annotations

import hashlib
import json

from archive import index_queries
from archive.index_rows import ChangeRow
from redline.queries import change_json


def web_href(url: str | None) -> str:
    """`url` when it is http(s), else "#": an index built from untrusted WARCs (or before
    ingest refused them) may hold `javascript:` and other URIs that must never be links."""
    from urllib.parse import urlsplit

    scheme = urlsplit((url or "").strip()).scheme.lower()
    return url if url and scheme in ("http", "https") else "#"


def change_slug(change: dict) -> str:
    """``<article_id>-<from>-<to>`` (``-removed`` when the article went away): a file name."""
    to = change["to_revision"] if change["to_revision"] is not None else "removed"
    return f"{change['article_id']}-{change['from_revision']}-{to}"


def change_id(change: dict) -> str:
    """A URI that names one change and stays the same on every run."""
    return f"urn:redline:change:{change_slug(change).replace('-', ':', 1)}"


def parse_stored_diff(text: str | None) -> tuple[dict | None, str | None]:
    """(diff, problem): a stored diff that is not JSON is reported, never fatal."""
    if not text:
        return None, None
    try:
        return json.loads(text), None
    except ValueError as exc:
        return None, f"stored diff is not valid JSON ({exc})"


def load_changes(
    db, *, site: str | None = None, article_id: int | None = None, limit: int | None = None
) -> list[dict]:
    """Changes newest first, in the ``changes --json`` shape plus ``diff`` and ``change_id``."""
    found = index_queries.changes(db, site=site or None, article_id=article_id, limit=limit)
    return [_full_change(row) for row in found]


def _full_change(row: ChangeRow) -> dict:
    out = change_json(row)
    diff, problem = parse_stored_diff(row.diff)
    out["diff"] = diff
    # What the stored diff is, cheaply: publishing compares it, not the parsed diff.
    out["diff_sha1"] = hashlib.sha1((row.diff or "").encode("utf-8")).hexdigest()
    out["change_id"] = change_id(out)
    out["id"] = row.id
    if problem:
        out["diff_problem"] = problem
    return out


# What load_changes adds for publishing's own use; never part of the export shape.
_INTERNAL = ("id", "diff_problem", "diff_sha1", "slug", "summary")


def public_change(change: dict) -> dict:
    """The export shape: the ``changes --json`` keys plus ``change_id`` and ``diff``."""
    return {k: v for k, v in change.items() if k not in _INTERNAL}


def render_change(change: dict, *, side_by_side: bool = False) -> str:
    """The stored diff as an HTML fragment; a note when there is none or it is unreadable."""
    from markupsafe import escape

    from diffing.render import render_html

    if change.get("diff_problem"):
        return f'<p class="problem">{escape(change["diff_problem"])}</p>\n'
    if change["diff"] is None:
        kinds = ", ".join(change["kinds"])
        return f'<p class="no-diff">No text diff for this change ({escape(kinds)}).</p>\n'
    try:
        return render_html(change["diff"], side_by_side=side_by_side)
    except (ValueError, KeyError, TypeError) as exc:
        return f'<p class="problem">{escape(str(exc))}</p>\n'


# A diff page's views together stay under this many characters: past it (a whole article
# rewritten) the side-by-side view, the same text again, is left out.
VIEWS_LIMIT = 240_000


def diff_views(change: dict) -> dict:
    """The diff page's ``inline`` and ``side_by_side`` views (``side_by_side`` None when
    the two would make the page too big to read on a phone)."""
    from markupsafe import Markup

    inline = render_change(change)
    side = render_change(change, side_by_side=True)
    if len(inline) + len(side) > VIEWS_LIMIT:
        return {"inline": Markup(inline), "side_by_side": None}
    return {"inline": Markup(inline), "side_by_side": Markup(side)}


def summarise_change(change: dict) -> str:
    """One line: "headline changed; 2 paragraphs edited" or the kinds when there is no diff."""
    from diffing.render import render_plain_summary

    try:
        return render_plain_summary(change["diff"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return ", ".join(change["kinds"])


def entry_title(change: dict) -> str:
    """The article's headline and the kinds, e.g. "Storm nears (headline, body)", and
    " · silent edit" when nothing on the page acknowledged it."""
    headline = change["headline_after"] or change["headline_before"] or change["url"]
    silent = " · silent edit" if change.get("silent") else ""
    return f"{headline} ({', '.join(change['kinds'])}){silent}"


# What acknowledged an edit (the contract's `disclosure` values), for people.
DISCLOSURE_LABELS = {
    "note": "a correction or editor's note",
    "modified_date": "a later modification date",
    "visible_date": "a later \u201cUpdated\u201d date on the page",
}


def acknowledged_by(change: dict) -> list[str]:
    """The change's `disclosure` in words (an unknown value as it is)."""
    return [DISCLOSURE_LABELS.get(d, d) for d in change.get("disclosure") or []]


def disclosure_html(change: dict) -> str:
    """A feed entry's mark: "silent edit", or what acknowledged the edit and its notes;
    nothing when that is not known (a change with no text kind, or an older index)."""
    from markupsafe import escape

    if change.get("silent") is None:
        return ""
    if change["silent"]:
        mark = (
            '<p class="silent-mark"><strong>Silent edit</strong>: no correction note and no'
            " new \u201cupdated\u201d date on the page acknowledged it.</p>\n"
        )
    else:
        by = escape(", ".join(acknowledged_by(change)))
        mark = f'<p class="acknowledged">Acknowledged by {by}.</p>\n'
    notes = "".join(
        f'<blockquote class="note">{escape(note)}</blockquote>\n' for note in change["notes"]
    )
    return mark + notes
