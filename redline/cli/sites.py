"""`redline sites`: is each configured site working? (reads the index, never waits)."""

from __future__ import annotations

import click

from .context import load_config, reading
from .options import config_option, json_option
from .output import echo_json


@click.command()
@config_option
@json_option()
@click.pass_context
def sites(ctx, as_json) -> None:
    """Per configured site: ok or failing (and why), and what each source gave last pass.

    Example: redline sites --json
    """
    from redline.site_health import describe, site_health

    config = load_config(ctx)
    if config.database.exists() or config.database.is_symlink():
        config, db = reading(ctx)
    else:
        db = None  # no pass yet: every site is listed as not crawled yet
    reports = site_health(db, config)
    if as_json:
        echo_json(reports)
        return
    for report in reports:
        click.echo(describe(report))
    if not reports:
        click.echo("no sites configured")


COMMANDS = (sites,)
