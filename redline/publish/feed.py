"""Atom and RSS 2.0 change-log feeds whose entries carry the rendered stored diffs.

A feed's bytes depend only on the index (its date is the newest change's, never "now"),
so publishing twice writes the same file and the incremental publisher skips it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from markupsafe import escape

from . import (
    change_slug,
    disclosure_html,
    entry_title,
    render_change,
    summarise_change,
    web_href,
)

FORMATS = ("atom", "rss")
FEED_LIMIT = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class FeedSpec:
    """What a feed covers and where its links point.

    `root` is the site root the links are made from: the absolute ``[publish] base_url``,
    or a relative prefix such as ``""`` or ``"../"`` when there is none.
    """

    feed_id: str
    title: str
    root: str
    self_path: str  # the feed's own path under the site root
    home_path: str = "index.html"  # the HTML page that this feed follows


def diff_page_path(change: dict) -> str:
    return f"diffs/{change_slug(change)}.html"


def parse_time(text: str | None) -> datetime:
    if not text:
        return _EPOCH
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def entry_html(change: dict, root: str) -> str:
    """The entry content: a summary line, links to the article and the diff page, whether
    the page acknowledged the edit (and its notes), the diff."""
    page = escape(root + diff_page_path(change))
    url = escape(web_href(change["url"]))
    summary = escape(summarise_change(change))
    head = (
        f"<p>{summary} ({escape(change['significance'] or '')}) &#8212; "
        f'<a href="{url}">article</a> &#183; <a href="{page}">diff page</a></p>\n'
    )
    return head + disclosure_html(change) + render_change(change)


def build_feed(changes: list[dict], spec: FeedSpec, fmt: str = "atom") -> bytes:
    """A feed of `changes` (newest first), one entry per change."""
    from feedgen.feed import FeedGenerator

    if fmt not in FORMATS:
        raise ValueError(f"feed format {fmt!r}: choose one of {', '.join(FORMATS)}")
    fg = FeedGenerator()
    fg.id(spec.feed_id)
    fg.title(spec.title)
    fg.description(spec.title)
    fg.link(href=spec.root + spec.home_path, rel="alternate")
    fg.link(href=spec.root + spec.self_path, rel="self")
    newest = parse_time(changes[0]["to_captured_at"]) if changes else _EPOCH
    fg.updated(newest)
    fg.lastBuildDate(newest)
    fg.generator("redline")
    for change in changes[:FEED_LIMIT]:
        _add_entry(fg, change, spec.root)
    return fg.atom_str(pretty=True) if fmt == "atom" else fg.rss_str(pretty=True)


def _add_entry(fg, change: dict, root: str) -> None:
    # One <link> only: feedgen 1.0 drops rel="related" in Atom, which would make the
    # article a second rel="alternate"; the article link is in the content instead.
    entry = fg.add_entry(order="append")
    entry.id(change["change_id"])
    entry.guid(change["change_id"], permalink=False)
    entry.title(entry_title(change))
    when = parse_time(change["to_captured_at"])
    entry.updated(when)
    entry.published(when)
    entry.link(href=root + diff_page_path(change), rel="alternate", type="text/html")
    entry.content(entry_html(change, root), type="html")
    entry.category(term=change["significance"] or "unknown")
    if change.get("silent"):
        entry.category(term="silent")
