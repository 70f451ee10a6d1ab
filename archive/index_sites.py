"""Site health in the index: each pass's verdict per site and what each of its discovery
sources gave (`redline sites`).

The crawl writes these rows at the end of a pass; no WARC record holds them, so they are
outside what `reindex` rebuilds: `kept_rows` reads them from the old index before the
rebuild and `restore_rows` puts them into the new one, ids and all.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .index_queries import fetch_all, has_table, table_columns
from .index_rows import columns

# Tables of operational state that a rebuild carries over instead of rebuilding.
KEPT_TABLES = ("site_passes", "site_sources", "notify_targets", "notifications", "notify_state")


@dataclass(frozen=True)
class SitePassRow:
    id: int
    site: str
    started_at: str
    finished_at: str
    state: str  # ok | failing
    reason: str | None
    articles: int  # article URLs its sources listed
    captures: int  # article captures tracked in the pass
    extraction_failures: int


@dataclass(frozen=True)
class SourceRow:
    url: str
    kind: str  # feed | sitemap | page
    articles: int
    error: str | None


def record_site_pass(db, report: dict, started_at: str, finished_at: str) -> int:
    """One site's pass (crawler.health.site_reports' shape) and its sources; the caller
    owns the transaction."""
    cursor = db.execute(
        "insert into site_passes (site, started_at, finished_at, state, reason, articles,"
        " captures, extraction_failures) values (?, ?, ?, ?, ?, ?, ?, ?)",
        [report["site"], started_at, finished_at, report["state"], report["reason"],
         report["articles"], report["captures"], report["extraction_failures"]],
    )  # fmt: skip
    pass_id = cursor.lastrowid
    for source in report["sources"]:
        db.execute(
            "insert into site_sources (pass_id, url, kind, articles, error) values (?, ?, ?, ?, ?)",
            [pass_id, source["url"], source["kind"], source["articles"], source["error"]],
        )
    return pass_id


def last_site_passes(db) -> dict[str, SitePassRow]:
    """Each site's latest pass, by site name."""
    sql = (
        f"select {columns(SitePassRow)} from site_passes"
        " where id in (select max(id) from site_passes group by site)"
    )
    return {row.site: row for row in fetch_all(db, SitePassRow, sql)}


def sources_of_pass(db, pass_id: int) -> list[SourceRow]:
    sql = f"select {columns(SourceRow)} from site_sources where pass_id = ? order by id"
    return fetch_all(db, SourceRow, sql, [pass_id])


def volatile_count(db, site: str) -> int:
    """How many texts `site` has learned as per-request noise (0 before that table exists)."""
    if not has_table(db, "volatile_texts") or "site" not in table_columns(db, "volatile_texts"):
        return 0
    sql = "select count(*) from volatile_texts where site = ? and occasions >= 2"  # learned
    return db.execute(sql, [site]).fetchone()[0]


def kept_rows(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """{table: (columns, rows)} of the KEPT_TABLES in the index at `path`, before a rebuild
    replaces it. Nothing when there is no readable index: a rebuild is how a damaged one
    is repaired, so it never fails for want of these rows."""
    if not path.exists():
        return {}
    kept = {}
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=30)
        try:
            for table in KEPT_TABLES:
                if has_table(conn, table):
                    names = table_columns(conn, table)
                    rows = conn.execute(f"select * from [{table}] order by rowid").fetchall()
                    kept[table] = (names, rows)
        finally:
            conn.close()
    except sqlite3.Error:
        return {}
    return kept


def restore_rows(db, kept: dict[str, tuple[list[str], list[tuple]]]) -> None:
    """Put `kept_rows`' rows into a fresh index (the columns both schemas have)."""
    with db.atomic():
        for table, (names, rows) in kept.items():
            present = set(table_columns(db, table))
            wanted = [i for i, name in enumerate(names) if name in present]
            if not wanted or not rows:
                continue
            listed = ", ".join(f"[{names[i]}]" for i in wanted)
            marks = ", ".join("?" for _ in wanted)
            db.conn.executemany(
                f"insert into [{table}] ({listed}) values ({marks})",
                [[row[i] for i in wanted] for row in rows],
            )
