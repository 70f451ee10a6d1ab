"""The `redline` command: a thin click layer over library calls.

One module per command family; options shared between commands live in `options`. The
library raises redline.errors exceptions carrying their exit status and never prints;
`_Commands` below is the one place they become a line on stderr and that status.
Imports stay lazy: a command's family module is imported only when that command runs
(or when help lists them all), and every module here imports only click and
redline.errors at the top, so query commands start fast and never import Scrapy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import MutableMapping
from importlib import import_module

import click

from redline.errors import RedlineError

from .context import unreadable
from .options import config_option

# Which family module defines each command (tests/test_cli_lazy.py checks it against
# every module's COMMANDS).
FAMILIES = {
    "setup": ("init", "demo", "extract"),
    "crawl": ("crawl",),
    "query": ("changes", "history", "diff", "search"),
    "stats": ("stats",),
    "sites": ("sites",),
    "archive": ("ingest", "reindex", "verify", "export"),
    "publish": ("feed", "publish", "export-changes", "datasette-metadata"),
    "notify": ("notify", "card"),
    "cluster": ("enqueue", "worker"),
}


class _LazyCommands(MutableMapping):
    """The group's commands by name, each family module imported on first use: `redline
    history` pays for the query module only, not for the crawl's or publishing's."""

    def __init__(self) -> None:
        self._family = {name: family for family, names in FAMILIES.items() for name in names}
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded and name in self._family:
            module = import_module(f"{__name__}.{self._family[name]}")
            self._loaded.update((c.name, c) for c in module.COMMANDS)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self._family and name not in self._loaded:
            raise KeyError(name)
        self._family.pop(name, None)
        self._loaded.pop(name, None)

    def __iter__(self):
        return iter(dict.fromkeys([*self._family, *self._loaded]))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Commands(click.Group):
    """Where the library's errors become one line on stderr and their exit status.

    A damaged index can surface in any query a reading command makes, so sqlite3's
    errors are caught here too, once the command has said which index it reads.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RedlineError as exc:
            raise _exit(exc) from None
        except sqlite3.DatabaseError as exc:
            index = (ctx.obj or {}).get("reading")
            if index is None:
                raise
            raise _exit(unreadable(index, exc)) from None


def _exit(error: RedlineError) -> click.ClickException:
    failure = click.ClickException(error.message)
    failure.exit_code = error.exit_code
    return failure


@click.group(cls=_Commands, commands=_LazyCommands())
@config_option
@click.version_option(package_name="redline")
@click.pass_context
def main(ctx: click.Context) -> None:
    """redline: archive news sites as WARC and track every edit to their articles."""
    ctx.ensure_object(dict).setdefault("config", None)


__all__ = ["main"]
