"""The `redline` command: a thin click layer over library calls.

One module per command family; options shared between commands live in `options`. The
library raises redline.errors exceptions carrying their exit status and never prints;
`_Commands` below is the one place they become a line on stderr and that status.
Imports stay lazy: every module here imports only click and redline.errors at the top,
so query commands start fast and never import Scrapy.
"""

from __future__ import annotations

import sqlite3

import click

from redline.errors import RedlineError

from . import archive, cluster, crawl, notify, publish, query, setup, sites, stats
from .context import unreadable
from .options import config_option


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


@click.group(cls=_Commands)
@config_option
@click.version_option(package_name="redline")
@click.pass_context
def main(ctx: click.Context) -> None:
    """redline: archive news sites as WARC and track every edit to their articles."""
    ctx.ensure_object(dict).setdefault("config", None)


for _family in (setup, crawl, query, stats, sites, archive, publish, notify, cluster):
    for _command in _family.COMMANDS:
        main.add_command(_command)

__all__ = ["main"]
