"""Dates for people on the published pages: "2 Dec 2026, 14:05 UTC" in a ``<time>`` element
whose ``datetime`` is the stored UTC ISO string, so programs keep the exact instant.

Month names are written out here, not taken from the locale: a page must not change
with the machine that published it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from markupsafe import Markup, escape

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def human_date(iso: str | None) -> str | None:
    """ "2 Dec 2026, 14:05 UTC", or None when `iso` is not an ISO 8601 time.

    >>> human_date("2026-12-02T14:05:09.123456Z")
    '2 Dec 2026, 14:05 UTC'
    >>> human_date("2026-12-02T15:05:00+01:00")
    '2 Dec 2026, 14:05 UTC'
    """
    try:
        when = datetime.fromisoformat((iso or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    when = when.astimezone(timezone.utc) if when.tzinfo else when
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}, {when:%H:%M} UTC"


def time_element(iso: str | None, missing: str = "unknown") -> Markup:
    """`iso` as ``<time datetime="ISO">2 Dec 2026, 14:05 UTC</time>``; text that is no date
    (an index built from someone else's WARCs) is shown as it is, escaped.

    >>> time_element("2026-12-02T14:05:09.123456Z")
    Markup('<time datetime="2026-12-02T14:05:09.123456Z">2 Dec 2026, 14:05 UTC</time>')
    """
    if not iso:
        return Markup(escape(missing))
    shown = human_date(iso)
    if shown is None:
        return Markup(escape(iso))
    return Markup('<time datetime="{}">{}</time>').format(iso, shown)
