"""What a command gets from its click context: the loaded config, a read-only index.

Errors here are redline.errors exceptions; redline.cli turns them into exit statuses.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import click

from redline.errors import IndexUnreadable, RedlineError

# What a reading command needs in the index; a file without them is not a redline index.
INDEX_TABLES = ("articles", "captures", "revisions", "changes")


def load_config(ctx: click.Context, *, crawling: bool = False):
    """The loaded config; `crawling`: the command crawls, so it needs a site."""
    from redline.config import find_config, load_config as load

    config = load(find_config(ctx.ensure_object(dict).get("config")))
    if crawling:
        config.require_sites()
    return config


def unreadable(index: Path, problem) -> IndexUnreadable:
    return IndexUnreadable(f"cannot read the index {index}: {problem}. Run `redline reindex`"
                           " to rebuild it from the WARC files")  # fmt: skip


def reading(ctx: click.Context) -> tuple:
    """(config, read-only connection) for a reading command: never writes, never migrates,
    never waits for a crawl; a damaged or foreign index is exit 73 naming the file."""
    config = load_config(ctx)
    path = config.database
    if not path.exists() and not path.is_symlink():
        raise RedlineError(f"no index at {path} yet: run `redline crawl` first")
    ctx.obj["reading"] = path  # so a later sqlite3 error names this file
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=30)
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
    except sqlite3.Error as exc:
        raise unreadable(path, exc) from None
    missing = [t for t in INDEX_TABLES if t not in tables]
    if missing:
        raise unreadable(path, f"it has no {missing[0]} table, so it is no redline index")
    return config, conn


def reader(ctx: click.Context):
    """(config, sqlite-utils Database) for the reading commands that want one."""
    import sqlite_utils

    config, conn = reading(ctx)
    return config, sqlite_utils.Database(conn)


def query_db(ctx: click.Context):
    """A plain read-only connection: queries start fast and never wait for a crawl."""
    return reading(ctx)[1]
