"""Per-site figures over a window (`redline stats`): what the captures and changes of a
site's articles add up to. Nothing here writes; every query takes `since` (an ISO UTC
bound, or None for all time) and groups by the article's site."""

from __future__ import annotations

from dataclasses import dataclass

from .index_queries import fetch_all

_TEXT_KIND = (
    "exists (select 1 from json_each(c.kinds) where value in ('headline', 'byline', 'body'))"
)


@dataclass(frozen=True)
class CaptureCounts:
    site: str
    articles: int  # articles with a capture in the window
    captures: int
    extraction_failures: int
    redated: int  # the page's date moved with no text change


@dataclass(frozen=True)
class ChangeCounts:
    site: str
    changes: int
    substantive: int  # substantive and with a text kind
    silent: int  # of those, nothing on the page acknowledged
    notes: int  # notes that appeared or changed


@dataclass(frozen=True)
class FirstEdit:
    site: str
    first_seen: str  # the article's first capture
    first_edit: str  # its first change with a text kind


def _window(column: str, since: str | None) -> tuple[str, list]:
    return (f"{column} >= ?", [since]) if since else ("1 = 1", [])


def capture_counts(db, since: str | None = None) -> list[CaptureCounts]:
    """Per site: every fetch of its articles in the window (a confirming refetch too; not
    a capture that is no part of the article's history), by what it was."""
    where, params = _window("c.fetched_at", since)
    sql = (
        "select a.site, count(distinct c.article_id), count(*),"
        " coalesce(sum(c.verdict = 'error'), 0), coalesce(sum(c.redated = 1), 0)"
        " from captures c join articles a on a.id = c.article_id"
        f" where {where} and a.site is not null and c.verdict is not null"
        " and c.verdict != 'skipped' group by a.site order by a.site"
    )
    return fetch_all(db, CaptureCounts, sql, params)


def unowned_failures(db, since: str | None = None) -> list[str]:
    """URLs of captures whose extraction failed before any article was tracked there."""
    where, params = _window("fetched_at", since)
    sql = f"select url from captures where {where} and verdict = 'error' and article_id is null"
    return [url for (url,) in db.execute(sql, params).fetchall()]


def change_counts(db, since: str | None = None) -> list[ChangeCounts]:
    """Per site: changes recorded in the window, substantive text edits, silent ones, notes."""
    where, params = _window("c.to_captured_at", since)
    substantive = f"c.significance = 'substantive' and {_TEXT_KIND}"
    sql = (
        f"select a.site, count(*), coalesce(sum({substantive}), 0),"
        f" coalesce(sum({substantive} and c.silent = 1), 0),"
        " coalesce(sum(case when json_valid(c.notes) then json_array_length(c.notes) end), 0)"
        " from changes c join articles a on a.id = c.article_id"
        f" where {where} and a.site is not null group by a.site order by a.site"
    )
    return fetch_all(db, ChangeCounts, sql, params)


def first_edits(db, since: str | None = None) -> list[FirstEdit]:
    """Each article whose first text edit falls in the window: when it was first captured
    and when that edit was."""
    having, params = _window("min(c.to_captured_at)", since)
    sql = (
        "select a.site, a.first_seen, min(c.to_captured_at)"
        " from changes c join articles a on a.id = c.article_id"
        f" where {_TEXT_KIND} and a.site is not null and a.first_seen is not null"
        f" group by c.article_id having {having} order by c.article_id"
    )
    return fetch_all(db, FirstEdit, sql, params)


def article_hosts(db) -> list[tuple[str, str]]:
    """(site, host) pairs: the hosts each site's tracked articles live on."""
    sql = (
        "select distinct site, lower(substr(rest, 1, instr(rest || '/', '/') - 1)) from"
        " (select site, substr(url, instr(url, '://') + 3) as rest from articles"
        "  where site is not null) order by site"
    )
    return db.execute(sql).fetchall()
