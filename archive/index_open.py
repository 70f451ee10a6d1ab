"""The one way to open the index, light enough for a reading command's start-up.

Writers get it created, migrated and in WAL mode (index_schema's migrations, imported only
then). Readers open it with `mode=ro`: they never write, never migrate, never change a
pragma and never wait for a crawl's lock, and they check the schema with two plain
queries, so `redline history` does not pay for importing sqlite-utils.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    import sqlite_utils

EX_CANTCREAT = 73  # as redline.errors.IndexUnreadable: the index cannot be used as it is
MIGRATION_SET = "redline"
# index_schema's migrations by name, in order (tests/test_index_owner.py pins the two).
MIGRATIONS = (
    "m001_initial",
    "m002_site_health",
    "m003_headline_forms",
    "m004_volatile_texts",
    "m005_disclosure",
    "m006_notifications",
)
BASE_TABLES = ("articles", "captures", "revisions", "changes")


class IndexOutdated(sqlite3.DatabaseError):
    """A reader met an index of an older schema (a plain exception carrying its exit status;
    a DatabaseError, so the CLI's one handler for unreadable indexes catches it too)."""

    exit_code = EX_CANTCREAT

    def __init__(self, path: Path, pending: list[str]):
        self.message = (
            f"the index {path} has an older schema (missing {', '.join(pending)}):"
            " run `redline crawl`, `redline ingest` or `redline reindex` to upgrade it"
        )
        super().__init__(self.message)


class NotAnIndex(sqlite3.DatabaseError):
    """A readable SQLite file that is some other database."""


def open_index(path: Path, *, readonly: bool = False) -> sqlite_utils.Database:
    """The index at `path`: read-write (created and migrated as needed) or read-only."""
    import sqlite_utils

    if readonly:
        return sqlite_utils.Database(connect_readonly(path))
    from archive.index_schema import migrations

    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(sqlite3.connect(str(path), timeout=30))
    if migrations.pending(db):
        # Schema changes rewrite most pages: in WAL mode each migration's commit appends
        # them all again (a new index's WAL grew past 250 kB); fold them in at once.
        migrations.apply(db)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A plain read-only connection to a current index; NotAnIndex or IndexOutdated else."""
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=30)
    try:
        _check_schema(conn, path)
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _check_schema(conn: sqlite3.Connection, path: Path) -> None:
    tables = {name for (name,) in conn.execute("select name from sqlite_master")}
    if "_sqlite_migrations" not in tables:
        # An index of any age has its migrations table; without it and ours, a file with
        # tables is some other SQLite database (an empty one is an index not made yet).
        missing = [t for t in BASE_TABLES if t not in tables]
        if missing and tables:
            raise NotAnIndex(f"it has no {missing[0]} table, so it is no redline index")
        raise IndexOutdated(path, list(MIGRATIONS))
    applied = {
        name
        for (name,) in conn.execute(
            "select name from _sqlite_migrations where migration_set = ?", [MIGRATION_SET]
        )
    }
    pending = [name for name in MIGRATIONS if name not in applied]
    if pending:
        raise IndexOutdated(path, pending)
