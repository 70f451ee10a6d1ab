"""The index's schema, its migrations and the one way to open it.

Writers open it read-write: created, migrated, WAL. Readers open it with `mode=ro`: they
never write, never migrate, never change a pragma and never wait for a crawl's lock; on
an index of an older schema they stop with one line (IndexOutdated) saying what to run.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import sqlite_utils
from sqlite_utils import Migrations

EX_CANTCREAT = 73  # as redline.errors.IndexUnreadable: the index cannot be used as it is

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


class IndexOutdated(sqlite3.DatabaseError):
    """A reader met an index of an older schema (a plain exception carrying its exit status;
    a DatabaseError, so the CLI's one handler for unreadable indexes catches it too)."""

    exit_code = EX_CANTCREAT

    def __init__(self, path: Path, pending: list[str]):
        self.message = (f"the index {path} has an older schema (missing {', '.join(pending)}):"
                        " run `redline crawl`, `redline ingest` or `redline reindex` to upgrade it")
        super().__init__(self.message)


def open_index(path: Path, *, readonly: bool = False) -> sqlite_utils.Database:
    """The index at `path`: read-write (created and migrated as needed) or read-only."""
    if readonly:
        return _open_readonly(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(sqlite3.connect(str(path), timeout=30))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    migrations.apply(db)
    return db


def _open_readonly(path: Path) -> sqlite_utils.Database:
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=30)
    db = sqlite_utils.Database(conn)
    try:
        pending = [m.name for m in migrations.pending(db)]
    except sqlite3.Error:
        conn.close()
        raise
    if pending:
        conn.close()
        raise IndexOutdated(path, pending)
    return db
