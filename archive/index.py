"""The SQLite index (sqlite-utils): schema, migrations and the writes the tracker makes.

The index is derived data: `redline reindex` rebuilds it from the WARCs. Every row that
comes from a WARC record is keyed by its WARC-Record-ID, so indexing twice adds nothing.
Times are stored as ISO 8601 UTC strings with microseconds, which sort as text.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("redline")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db["sites"].create({"name": str}, pk="name")
    db["articles"].create(
        {
            "id": int,
            "url": str,
            "canonical_url": str,
            "site": str,
            "first_seen": str,
            "last_checked": str,
            "last_changed": str,
            "next_check": str,
            "status": str,
            "etag": str,
            "last_modified": str,
            "moved_from": str,
        },
        pk="id",
    )
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["next_check"])
    db["captures"].create(
        {
            "id": int,
            "record_id": str,
            "record_type": str,
            "url": str,
            "article_id": int,
            "warc_file": str,
            "warc_offset": int,
            "warc_length": int,
            "http_status": int,
            "payload_digest": str,
            "refers_to": str,
            "fetched_at": str,
            "verdict": str,
            "location": str,
        },
        pk="id",
    )
    db["captures"].create_index(["record_id"], unique=True)
    db["captures"].create_index(["url", "fetched_at"])
    db["captures"].create_index(["article_id"])
    db["revisions"].create(
        {
            "id": int,
            "article_id": int,
            "number": int,
            "captured_at": str,
            "headline": str,
            "byline": str,
            "body": str,
            "body_sha1": str,
            "fingerprint": str,
            "published": str,
            "updated": str,
            "language": str,
            "capture_id": int,
            "repeats": int,
        },
        pk="id",
    )
    db["revisions"].create_index(["article_id", "number"], unique=True)
    db["revisions"].create_index(["article_id", "fingerprint"])
    db["changes"].create(
        {
            "id": int,
            "article_id": int,
            "from_revision": int,
            "to_revision": int,
            "from_captured_at": str,
            "to_captured_at": str,
            "kinds": str,
            "significance": str,
            "headline_before": str,
            "headline_after": str,
            "diff": str,
            "added_words": int,
            "removed_words": int,
        },
        pk="id",
    )
    db["changes"].create_index(["to_captured_at"])
    db["changes"].create_index(["article_id", "to_revision"])
    db["revisions"].enable_fts(["headline", "byline", "body"], create_triggers=True)


def open_index(path: Path) -> sqlite_utils.Database:
    """Open (creating and migrating as needed) the index at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    migrations.apply(db)
    return db


def open_index_readonly(path: Path) -> sqlite_utils.Database:
    """Readers never write, never migrate and never wait for a crawl's lock."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    return sqlite_utils.Database(conn)


@dataclass(frozen=True)
class CaptureRow:
    record_id: str
    record_type: str  # response | revisit
    url: str
    warc_file: str
    warc_offset: int
    warc_length: int
    http_status: int | None
    payload_digest: str | None
    refers_to: str | None
    fetched_at: str
    location: str | None = None  # Location header of a redirect


@dataclass(frozen=True)
class PriorCapture:
    record_id: str
    url: str
    fetched_at: str
    payload_digest: str | None


# The tracker's hot path uses plain SQL: sqlite-utils' table helpers introspect the schema
# and commit on every call, which made a reindex spend most of its time in bookkeeping.
# The caller owns the transaction (Tracker.track commits once per capture).


def one(db, sql: str, params=()) -> dict | None:
    cursor = db.execute(sql, list(params))
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row)) if row else None


def insert_row(db, table: str, values: dict) -> int:
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    return db.execute(f"insert into {table} ({names}) values ({marks})", list(values.values())).lastrowid


def update_row(db, table: str, row_id: int, values: dict) -> None:
    assignments = ", ".join(f"{name} = ?" for name in values)
    db.execute(f"update {table} set {assignments} where id = ?", [*values.values(), row_id])


def insert_capture(db, row: CaptureRow) -> int | None:
    """Insert one capture; None when its record was indexed before."""
    if db.execute("select 1 from captures where record_id = ?", [row.record_id]).fetchone():
        return None
    return insert_row(db, "captures", asdict(row))


def last_full_capture(db, url: str) -> PriorCapture | None:
    """The URL's latest response record with a payload: what a revisit may refer to."""
    row = db.execute(
        "select record_id, url, fetched_at, payload_digest from captures"
        " where url = ? and record_type = 'response' and http_status = 200"
        " order by fetched_at desc limit 1",
        [url],
    ).fetchone()
    return PriorCapture(*row) if row else None


def capture_of_record(db, record_id: str) -> dict | None:
    return one(db, "select * from captures where record_id = ?", [record_id])


def set_capture_verdict(db, capture_id: int, article_id: int | None, verdict: str) -> None:
    update_row(db, "captures", capture_id, {"article_id": article_id, "verdict": verdict})


def article_by_url(db, url: str) -> dict | None:
    return one(db, "select * from articles where url = ?", [url])


def article_by_id(db, article_id: int) -> dict | None:
    return one(db, "select * from articles where id = ?", [article_id])


def latest_revision(db, article_id: int) -> dict | None:
    return one(db, "select * from revisions where article_id = ? order by number desc limit 1",
               [article_id])


def revision_with_fingerprint(db, article_id: int, fingerprint: str) -> dict | None:
    return one(db, "select * from revisions where article_id = ? and fingerprint = ?"
               " order by number limit 1", [article_id, fingerprint])


def insert_change(db, change: dict) -> int:
    row = dict(change)
    row["kinds"] = json.dumps(list(row["kinds"]))
    if not isinstance(row.get("diff"), (str, type(None))):
        row["diff"] = json.dumps(row["diff"], ensure_ascii=False, sort_keys=True)
    return insert_row(db, "changes", row)


def ensure_site(db, name: str | None) -> None:
    if name:
        db.execute("insert or ignore into sites (name) values (?)", [name])
