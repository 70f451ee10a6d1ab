"""What a command gets from its click context: the loaded config, a read-only index.

Errors here are redline.errors exceptions; redline.cli turns them into exit statuses.
"""

from __future__ import annotations

import atexit
import gc
import sqlite3
from pathlib import Path

import click

from redline.errors import IndexUnreadable, RedlineError


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
    """(config, plain read-only connection) for a reading command: never writes, never
    migrates, never waits for a crawl, and starts fast (no sqlite-utils import); a
    damaged, foreign or older index is exit 73 naming the file."""
    from archive.index_open import connect_readonly

    _skip_the_collection_at_exit()
    return _opened(ctx, connect_readonly)


def _skip_the_collection_at_exit() -> None:
    """A reading command ends its process: the garbage collection Python makes at exit
    walks every object alive (modules, click's commands, the answer just printed) and
    frees nothing refcounting would not, for a command that holds only a read-only
    connection and stdout (flushed at exit all the same). Freezing them first skips that
    walk: a tenth of `redline history`'s start-up. Registered once (tests run many)."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def reader(ctx: click.Context) -> tuple:
    """(config, read-only sqlite-utils Database) for the commands that want one."""
    from archive.index_open import open_index

    return _opened(ctx, lambda path: open_index(path, readonly=True))


def _opened(ctx: click.Context, opener) -> tuple:
    from archive.index_open import IndexOutdated

    config = load_config(ctx)
    path = config.database
    if not path.exists() and not path.is_symlink():
        raise RedlineError(f"no index at {path} yet: run `redline crawl` first")
    ctx.obj["reading"] = path  # so a later sqlite3 error names this file
    try:
        return config, opener(path)
    except IndexOutdated as exc:
        raise IndexUnreadable(exc.message) from None
    except sqlite3.Error as exc:
        raise unreadable(path, exc) from None


def query_db(ctx: click.Context):
    """A plain read-only connection, for commands that need no config beyond the index."""
    return reading(ctx)[1]
