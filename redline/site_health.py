"""`redline sites`: is each configured site working? What its last pass found.

The crawl keeps each pass's verdict per site and what each discovery source gave
(archive/index_sites.py); a cluster's `ingest --follow` keeps none (workers have no
index), so there a site shows the last `redline crawl` that covered it.
"""

from __future__ import annotations

from archive import index_sites

from .config import Config


def site_health(db, config: Config) -> list[dict]:
    """Per configured site, in config order, the contract's `redline sites --json` shape.

    `db` is a read-only connection, or None before the first crawl made an index."""
    passes = index_sites.last_site_passes(db) if db is not None else {}
    return [_health(db, site.name, passes.get(site.name)) for site in config.sites]


def _health(db, name: str, last: index_sites.SitePassRow | None) -> dict:
    if last is None:
        return {"site": name, "state": "ok", "reason": "not crawled yet", "last_pass": None,
                "sources": [], "captures": 0, "extraction_failures": 0,
                "volatile": index_sites.volatile_count(db, name) if db is not None else 0}  # fmt: skip
    sources = [
        {"url": s.url, "kind": s.kind, "articles": s.articles, "error": s.error}
        for s in index_sites.sources_of_pass(db, last.id)
    ]
    return {
        "site": name,
        "state": last.state,
        "reason": last.reason,
        "last_pass": last.finished_at,
        "sources": sources,
        "captures": last.captures,
        "extraction_failures": last.extraction_failures,
        "volatile": index_sites.volatile_count(db, name),
    }


def describe(report: dict) -> str:
    """One site's health as a person reads it: a heading line, then one line per source."""
    state = "ok" if report["state"] == "ok" else f"FAILING: {report['reason']}"
    if report["last_pass"] is None:
        return f"{report['site']}: not crawled yet"
    lines = [
        f"{report['site']}: {state}",
        f"  last pass {report['last_pass']}: {report['captures']} article captures,"
        f" {report['extraction_failures']} extraction failures,"
        f" {report['volatile']} texts learned as noise",
    ]
    for source in report["sources"]:
        found = f"error: {source['error']}" if source["error"] else f"{source['articles']} articles"
        lines.append(f"  {source['kind']:<8} {found:<24} {source['url']}")
    return "\n".join(lines)
