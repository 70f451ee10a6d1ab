"""Notification state in the index: the [[notify]] targets, which changes each was given
and which it accepted, and where an unfinished notifying pass began (redline/notify.py).

No WARC record holds these rows, so `reindex` carries them over (index_sites.KEPT_TABLES).
A change is named by its (from_captured_at, to_captured_at): capture times survive a
rebuild even where a late capture renumbers revisions and changes.
"""

from __future__ import annotations

from .index_queries import _CHANGE, fetch_all
from .index_rows import ChangeRow

_PASS_FROM = "pass_from"


def last_change_id(db) -> int:
    return db.execute("select coalesce(max(id), 0) from changes").fetchone()[0]


def open_pass(db) -> int:
    """Where the notifying pass begins: the last change id before it. A pass that was
    killed before it queued its changes left its start here; the next pass goes on from it."""
    found = db.execute("select value from notify_state where name = ?", [_PASS_FROM]).fetchone()
    if found:
        return found[0]
    start = last_change_id(db)
    db.execute("insert into notify_state (name, value) values (?, ?)", [_PASS_FROM, start])
    return start


def pass_start(db) -> int | None:
    found = db.execute("select value from notify_state where name = ?", [_PASS_FROM]).fetchone()
    return found[0] if found else None


def close_pass(db) -> None:
    db.execute("delete from notify_state where name = ?", [_PASS_FROM])


def changes_after(db, change_id: int) -> list[ChangeRow]:
    """Changes recorded after `change_id`, oldest first."""
    sql = f"{_CHANGE} from changes c join articles a on a.id = c.article_id where c.id > ?"
    return fetch_all(db, ChangeRow, sql + " order by c.id", [change_id])


def change_keys(db) -> set[tuple[str, str]]:
    """(from_captured_at, to_captured_at) of every change: what an ingest sweep adds is
    what is not here before it (a sweep may rebuild, renumbering the changes)."""
    return set(db.execute("select from_captured_at, to_captured_at from changes").fetchall())


def changes_not_in(db, keys: set[tuple[str, str]]) -> list[ChangeRow]:
    """Changes whose key is not in `keys`, oldest first."""
    sql = f"{_CHANGE} from changes c join articles a on a.id = c.article_id order by c.id"
    return [
        row
        for row in fetch_all(db, ChangeRow, sql)
        if (row.from_captured_at, row.to_captured_at) not in keys
    ]


def target_id(db, target: str, label: str, now: str) -> int:
    """The target's row id; a target seen for the first time is added (`now`)."""
    found = db.execute("select id from notify_targets where target = ?", [target]).fetchone()
    if found:
        db.execute("update notify_targets set label = ? where id = ?", [label, found[0]])
        return found[0]
    cursor = db.execute(
        "insert into notify_targets (target, label, added_at) values (?, ?, ?)",
        [target, label, now],
    )
    return cursor.lastrowid


def queue(db, target: int, change: ChangeRow, now: str) -> None:
    """Give `change` to `target` (once: a change given before stays as it is)."""
    db.execute(
        "insert or ignore into notifications (target_id, from_captured_at, to_captured_at,"
        " queued_at) values (?, ?, ?, ?)",
        [target, change.from_captured_at, change.to_captured_at, now],
    )


def pending(db, target: int, limit: int) -> list[tuple[int, ChangeRow]]:
    """(notification id, change) of what `target` has not accepted yet, oldest first."""
    sql = (
        f"select n.id, {_CHANGE.removeprefix('select ')} from notifications n"
        " join changes c on c.from_captured_at = n.from_captured_at"
        " and c.to_captured_at = n.to_captured_at"
        " join articles a on a.id = c.article_id"
        " where n.target_id = ? and n.sent_at is null order by n.id limit ?"
    )
    rows = db.execute(sql, [target, limit]).fetchall()
    return [(row[0], ChangeRow(*row[1:])) for row in rows]


def mark_sent(db, notification: int, now: str) -> None:
    db.execute("update notifications set sent_at = ? where id = ?", [now, notification])


def sent_count(db, target: int) -> int:
    sql = "select count(*) from notifications where target_id = ? and sent_at is not null"
    return db.execute(sql, [target]).fetchone()[0]
