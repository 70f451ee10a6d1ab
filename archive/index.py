"""The SQLite index (sqlite-utils): the one owner of its SQL.

The index is derived data: `redline reindex` rebuilds it from the WARCs. Every row that
comes from a WARC record is keyed by its WARC-Record-ID, so indexing twice adds nothing.
Times are stored as ISO 8601 UTC strings with microseconds, which sort as text.

Here: the writes the crawl, ingest and recovery make, and the reads of their hot path.
The schema and `open_index` are in index_schema, the rows and verdicts in index_rows,
the reading commands' questions in index_queries; all are importable from here.
"""

from __future__ import annotations

import json
from .index_queries import fetch_one
from .index_rows import (  # noqa: F401 (re-exported)
    ArticleRow,
    CaptureRow,
    ChangeKind,
    ChangeRow,
    PriorCapture,
    RevisionRow,
    Status,
    Verdict,
    columns,
)
from .index_schema import IndexOutdated, NotAnIndex, migrations, open_index  # noqa: F401 (re-exported)

# The tracker's hot path uses plain SQL: sqlite-utils' table helpers introspect the schema
# and commit on every call, which made a reindex spend most of its time in bookkeeping.
# The caller owns the transaction, opened with `db.atomic()` (Tracker.track once per
# capture, ingest once per file): nothing here commits. Not `with db.conn:`: that opens
# no transaction, and sqlite-utils' execute() commits every write made outside one.

_ARTICLE = f"select {columns(ArticleRow)} from articles"
_REVISION = f"select {columns(RevisionRow)} from revisions"


def start_bulk_build(db) -> None:
    """For an index built from scratch in a side file that is renamed into place when
    complete (reindex): a crash loses only the side file, so no journal sync is needed."""
    db.execute("PRAGMA journal_mode=MEMORY")
    db.execute("PRAGMA synchronous=OFF")


def end_bulk_build(db) -> None:
    """WAL again, as open_index leaves an index (the mode is kept in the file)."""
    db.execute("PRAGMA journal_mode=WAL")


def _insert(db, table: str, values: dict) -> int:
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    sql = f"insert into {table} ({names}) values ({marks})"
    return db.execute(sql, list(values.values())).lastrowid


def update_row(db, table: str, row_id: int, values: dict) -> None:
    assignments = ", ".join(f"{name} = ?" for name in values)
    db.execute(f"update {table} set {assignments} where id = ?", [*values.values(), row_id])


_INSERT_CAPTURE = (
    f"insert into captures ({columns(CaptureRow)}) values"
    f" ({', '.join('?' for _ in CaptureRow.__dataclass_fields__)})"
    " on conflict (record_id) do nothing"
)


def insert_capture(db, row: CaptureRow) -> int | None:
    """Insert one capture; None when its record was indexed before (one statement: the
    unique index on record_id decides)."""
    values = [getattr(row, name) for name in CaptureRow.__dataclass_fields__]
    cursor = db.execute(_INSERT_CAPTURE, values)
    return cursor.lastrowid if cursor.rowcount else None


def last_full_capture(db, url: str) -> PriorCapture | None:
    """The URL's latest response record with a payload: what a revisit may refer to."""
    return fetch_one(
        db, PriorCapture,
        f"select {columns(PriorCapture)} from captures"
        " where url = ? and record_type = 'response' and http_status = 200"
        " order by fetched_at desc limit 1", [url],
    )  # fmt: skip


def has_captures(db) -> bool:
    return db.execute("select exists (select 1 from captures)").fetchone()[0] == 1


def capture_by_record(db, record_id: str) -> CaptureRow | None:
    sql = f"select {columns(CaptureRow)} from captures where record_id = ?"
    return fetch_one(db, CaptureRow, sql, [record_id])


def mark_redated(db, capture_id: int) -> None:
    db.execute("update captures set redated = 1 where id = ?", [capture_id])


def capture_by_id(db, capture_id: int) -> CaptureRow | None:
    sql = f"select {columns(CaptureRow)} from captures where id = ?"
    return fetch_one(db, CaptureRow, sql, [capture_id])


def capture_id_of_record(db, record_id: str) -> int | None:
    found = db.execute("select id from captures where record_id = ?", [record_id]).fetchone()
    return found[0] if found else None


def verdict_of_record(db, record_id: str) -> str | None:
    found = db.execute("select verdict from captures where record_id = ?", [record_id]).fetchone()
    return found[0] if found else None


def set_capture_verdict(db, capture_id: int, article_id: int | None, verdict: Verdict) -> None:
    update_row(db, "captures", capture_id, {"article_id": article_id, "verdict": str(verdict)})


def delete_captures(db, capture_ids: list[int]) -> None:
    db.conn.executemany("delete from captures where id = ?", [(i,) for i in capture_ids])


def article_by_url(db, url: str) -> ArticleRow | None:
    return fetch_one(db, ArticleRow, f"{_ARTICLE} where url = ?", [url])


def article_by_id(db, article_id: int) -> ArticleRow | None:
    return fetch_one(db, ArticleRow, f"{_ARTICLE} where id = ?", [article_id])


def insert_article(db, values: dict) -> int:
    return _insert(db, "articles", values)


def update_article(db, article_id: int, values: dict) -> None:
    update_row(db, "articles", article_id, values)


def latest_revision(db, article_id: int) -> RevisionRow | None:
    return fetch_one(db, RevisionRow, f"{_REVISION} where article_id = ? order by number desc"
                     " limit 1", [article_id])  # fmt: skip


def revision_with_fingerprint(db, article_id: int, fingerprint: str) -> RevisionRow | None:
    return fetch_one(db, RevisionRow, f"{_REVISION} where article_id = ? and fingerprint = ?"
                     " order by number limit 1", [article_id, fingerprint])  # fmt: skip


def revision_numbers(db, article_id: int) -> list[int]:
    sql = "select number from revisions where article_id = ? order by number"
    return [n for (n,) in db.execute(sql, [article_id])]


def insert_revision(db, values: dict) -> int:
    row = dict(values)
    for key in ("headlines", "notes"):
        if row.get(key) is not None and not isinstance(row[key], str):
            row[key] = json.dumps(row[key], ensure_ascii=False, sort_keys=True)
    return _insert(db, "revisions", row)


def merge_article(db, twin_id: int, into_id: int) -> None:
    """The twin's captures join `into_id`'s history; its revisions and its row go."""
    db.execute("delete from revisions where article_id = ?", [twin_id])
    db.execute("update captures set article_id = ? where article_id = ?", [into_id, twin_id])
    db.execute("delete from articles where id = ?", [twin_id])


def insert_change(db, change: dict) -> int:
    row = dict(change)
    row["kinds"] = json.dumps([str(k) for k in row["kinds"]])
    for key in ("headline_forms", "headlines_before", "headlines_after", "disclosure", "notes"):
        if row.get(key) is not None and not isinstance(row[key], str):
            row[key] = json.dumps(row[key], ensure_ascii=False, sort_keys=True)
    if not isinstance(row.get("diff"), (str, type(None))):
        row["diff"] = json.dumps(row["diff"], ensure_ascii=False, sort_keys=True)
    return _insert(db, "changes", row)


# Occasions (pairs of fetches) on which a shape must differ before it is learned as noise.
LEARNED_AT = 2


def learned_noise(db, site: str | None) -> tuple[str, ...]:
    """The shapes of text the site has learned as per-request noise, oldest first."""
    sql = "select pattern from volatile_texts where site is ? and occasions >= ? order by id"
    return tuple(p for (p,) in db.execute(sql, [site, LEARNED_AT]))


def note_noise(db, site: str | None, pattern: str, example: str, seen_at: str) -> None:
    """One more occasion on which text of this shape differed between two fetches."""
    db.execute(
        "insert into volatile_texts (site, pattern, example, occasions, first_seen, last_seen)"
        " values (?, ?, ?, 1, ?, ?) on conflict (site, pattern) do update set"
        " occasions = occasions + 1, last_seen = excluded.last_seen",
        [site, pattern, example, seen_at, seen_at],
    )


def ensure_site(db, name: str | None) -> None:
    if name:
        db.execute("insert or ignore into sites (name) values (?)", [name])
