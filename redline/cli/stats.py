"""`redline stats`: per site, edits and how many were silent (reads the index, never waits)."""

from __future__ import annotations

import click

from .context import reading
from .options import config_option, json_option, since_option, site_option
from .output import echo_json


@click.command()
@config_option
@since_option
@site_option
@json_option()
@click.pass_context
def stats(ctx, since, site, as_json) -> None:
    """Per site: articles, captures, changes, the silent share of substantive edits, notes,
    re-dated captures, median hours to the first edit, extraction failures.

    Example: redline stats --since 30d --site example
    """
    from redline.stats import describe, site_stats

    config, db = reading(ctx)
    records = site_stats(db, since=since, site=site, sites=config.sites)
    if as_json:
        echo_json(records)
        return
    for record in records:
        click.echo(describe(record))
    if not records:
        click.echo("no sites yet")


COMMANDS = (stats,)
