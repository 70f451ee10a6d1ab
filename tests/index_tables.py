"""Every table of an index as rows, to compare two indexes: a crawl's, a `reindex`'s, an
`ingest`'s. DESIGN.md: `reindex` rebuilds the same rows with the same ids, so ids are
compared too.

    from tests.index_tables import dump_tables, table_differences
    assert table_differences(dump_tables(a), dump_tables(b)) == []
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Tables outside what `reindex` rebuilds, each with the reason. Whoever adds one (DESIGN.md:
# a notification target's accepted changes are kept "outside what reindex rebuilds") names
# it here.
SKIPPED = {
    "_sqlite_migrations": "when each migration was applied to this database file",
    "site_passes": "each pass's site health, kept by the crawl; reindex carries it over",
    "site_sources": "what each discovery source gave in a pass; reindex carries it over",
    "notify_targets": "each [[notify]] target and when it was added; reindex carries it over",
    "notifications": "which changes each target was sent; reindex carries it over",
    "notify_state": "where an unfinished notifying pass began; reindex carries it over",
}
# An FTS5 table's shadow tables hold its b-tree segments, whose layout depends on how the
# inserts were batched; the FTS table itself is dumped (and fts_problems checks the index).
FTS_SHADOWS = ("_data", "_idx", "_docsize", "_config", "_content")


def table_names(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("select name, sql from sqlite_master where type = 'table' order by name")
    names = [name for name, _ in rows if not name.startswith("sqlite_")]
    fts = [n for n in names if _is_fts(db, n)]
    shadows = {f + suffix for f in fts for suffix in FTS_SHADOWS}
    return [n for n in names if n not in SKIPPED and n not in shadows]


def _is_fts(db: sqlite3.Connection, name: str) -> bool:
    sql = db.execute("select sql from sqlite_master where name = ?", [name]).fetchone()[0] or ""
    return "virtual table" in sql.lower() and "using fts" in sql.lower()


def dump_tables(db_path: Path, *, captures_by_record: bool = False) -> dict[str, list[tuple]]:
    """{table: its rows, ids included, sorted by every column} for every table compared.

    `captures_by_record`: a capture's id (in `captures` and `revisions.capture_id`) is
    replaced by its record id. After a kill, the records a crawl archived but had not yet
    indexed are indexed by recovery, after the ones that followed them, so their row ids
    differ from a rebuild's; every other id (articles, revisions, changes: what permalinks
    use) still has to be equal.
    """
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        dump = {}
        for name in table_names(db):
            width = len(db.execute(f'select * from "{name}" limit 0').description)
            order = ", ".join(str(i) for i in range(1, width + 1))
            rowid = "rowid, " if _is_fts(db, name) else ""
            dump[name] = db.execute(f'select {rowid}* from "{name}" order by {order}').fetchall()
        if captures_by_record:
            _captures_by_record(db, dump)
        return dump
    finally:
        db.close()


def _captures_by_record(db: sqlite3.Connection, dump: dict[str, list[tuple]]) -> None:
    records = dict(db.execute("select id, record_id from captures"))
    dump["captures"] = sorted((row[1], *row[1:]) for row in dump["captures"])
    columns = [d[0] for d in db.execute("select * from revisions limit 0").description]
    at = columns.index("capture_id")
    dump["revisions"] = [
        (*row[:at], records.get(row[at]), *row[at + 1 :]) for row in dump["revisions"]
    ]


def fts_problems(db_path: Path) -> list[str]:
    """What FTS5's integrity-check says of each full-text index (empty when consistent)."""
    db = sqlite3.connect(db_path)
    problems = []
    try:
        for name in [n for n in table_names(db) if _is_fts(db, n)]:
            try:
                db.execute(f'insert into "{name}"("{name}") values (\'integrity-check\')')
            except sqlite3.DatabaseError as error:
                problems.append(f"{name}: {error}")
    finally:
        db.close()
    return problems


def table_differences(a: dict, b: dict, limit: int = 3) -> list[str]:
    """A few lines naming where two dumps differ: per table, the first rows (by their first
    column, the id) that differ and in which columns (a 20,000-row assert message helps no one)."""
    out = [
        f"table {t} only in the {'first' if t in a else 'second'}" for t in sorted(set(a) ^ set(b))
    ]
    for table in sorted(set(a) & set(b)):
        if a[table] == b[table]:
            continue
        left, right = _by_key(a[table]), _by_key(b[table])
        keys = sorted(
            (k for k in left.keys() | right.keys() if left.get(k) != right.get(k)), key=repr
        )
        shown = [_row_difference(k, left.get(k), right.get(k)) for k in keys[:limit]]
        out.append(f"{table}: {len(a[table])} vs {len(b[table])} rows, {len(keys)} differ: "
                   + "; ".join(shown))  # fmt: skip
    return out


def _by_key(rows: list[tuple]) -> dict:
    return {row[0]: row for row in rows}


def _row_difference(key, left: tuple | None, right: tuple | None) -> str:
    if left is None or right is None:
        return f"id {key!r} only in the {'second' if left is None else 'first'}"
    columns = [f"column {i}: {_short(x)} vs {_short(y)}"
               for i, (x, y) in enumerate(zip(left, right)) if x != y]  # fmt: skip
    return f"id {key!r}: " + ", ".join(columns)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def articles_without_revision(db_path: Path) -> list[str]:
    """Articles with no revision: on a site whose pages all extract, a capture the crawl
    indexed but never tracked (killed mid-tracking, and not healed)."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [url for (url,) in db.execute(
            "select url from articles a where not exists"
            " (select 1 from revisions r where r.article_id = a.id)")]  # fmt: skip
    finally:
        db.close()
