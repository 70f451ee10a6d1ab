"""`redline stats`: per site, how many edits its stories got and how many went unacknowledged
(the contract's `stats --json` shape). Reads the index only; no Scrapy here."""

from __future__ import annotations

import statistics
from collections import Counter
from urllib.parse import urlsplit

from archive import index_queries, index_stats

from .queries import QueryError, parse_since
from .schedule import parse_iso

FIELDS = (
    "site",
    "articles",
    "captures",
    "changes",
    "substantive",
    "silent",
    "silent_share",
    "notes",
    "redated",
    "median_hours_to_first_edit",
    "extraction_failures",
)


def site_stats(db, *, since: str | None = None, site: str | None = None, sites=()) -> list[dict]:
    """One record per site (by name) over the window from `since` (24h, 7d, an ISO date;
    None: all time). `sites`: the configured sites (redline.config.Site), listed even
    before their first capture and used to place failures of pages no article has yet."""
    bound = parse_since(since) if since else None
    captures = {r.site: r for r in index_stats.capture_counts(db, bound)}
    changes = {r.site: r for r in index_stats.change_counts(db, bound)}
    names = set(index_queries.site_names(db)) | {s.name for s in sites}
    names |= captures.keys() | changes.keys()
    if site is not None:
        if site not in names:
            known = ", ".join(sorted(names)) or "none yet"
            raise QueryError(f"no site named {site!r} (sites: {known})")
        names = {site}
    unowned = _unowned_failures(db, bound, sites)
    hours: dict[str, list[float]] = {}
    for edit in index_stats.first_edits(db, bound):
        waited = parse_iso(edit.first_edit) - parse_iso(edit.first_seen)
        hours.setdefault(edit.site, []).append(waited.total_seconds() / 3600)
    return [
        _record(name, captures.get(name), changes.get(name), hours.get(name, []), unowned[name])
        for name in sorted(names)
    ]


def _record(name, captured, changed, hours: list[float], unowned: int) -> dict:
    substantive = changed.substantive if changed else 0
    silent = changed.silent if changed else 0
    return {
        "site": name,
        "articles": captured.articles if captured else 0,
        "captures": captured.captures if captured else 0,
        "changes": changed.changes if changed else 0,
        "substantive": substantive,
        "silent": silent,
        "silent_share": round(silent / substantive, 4) if substantive else None,
        "notes": changed.notes if changed else 0,
        "redated": captured.redated if captured else 0,
        "median_hours_to_first_edit": round(statistics.median(hours), 2) if hours else None,
        "extraction_failures": (captured.extraction_failures if captured else 0) + unowned,
    }


def _unowned_failures(db, since: str | None, sites) -> Counter:
    """Failed captures of pages no article was tracked at yet, by site: the configured
    site whose articles the URL matches, else the site whose articles share its host."""
    urls = index_stats.unowned_failures(db, since)
    if not urls:
        return Counter()
    by_host: dict[str, str] = {}
    for name, host in index_stats.article_hosts(db):
        by_host.setdefault(host, name)
    found: Counter = Counter()
    for url in urls:
        owner = next((s.name for s in sites if s.is_article(url)), None)
        owner = owner or by_host.get(urlsplit(url).netloc.lower())
        if owner:
            found[owner] += 1
    return found


def describe(record: dict) -> str:
    """A site's record for people: the figure a researcher quotes first, then the rest."""
    substantive, silent = record["substantive"], record["silent"]
    if substantive:
        share = round(100 * silent / substantive)
        headline = f"of {substantive:,} substantive edits, {share}% were silent ({silent:,})"
    else:
        headline = "no substantive edits"
    median = record["median_hours_to_first_edit"]
    waited = (
        f"first edit a median {median:g} hours after first capture" if median is not None else ""
    )
    return "\n".join(
        [
            f"{record['site']}: {headline}",
            f"  {record['articles']:,} articles, {record['captures']:,} captures,"
            f" {record['changes']:,} changes, {record['notes']:,} notes seen",
            f"  {record['redated']:,} re-dated captures (date moved, text unchanged),"
            f" {record['extraction_failures']:,} extraction failures"
            + (f"; {waited}" if waited else ""),
        ]
    )
