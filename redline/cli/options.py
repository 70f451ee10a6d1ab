"""Options more than one command takes, each declared once here.

`-c/--config` is accepted before the sub-command (`redline -c FILE crawl`) and after it
(`redline crawl -c FILE`): either way it lands in ctx.obj["config"], the later one winning.
"""

from __future__ import annotations

import click

RECHECK = ("due", "all", "none")


def _keep_config(ctx: click.Context, _param, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(dict)["config"] = value


config_option = click.option(
    "-c", "--config", type=click.Path(dir_okay=False), expose_value=False,
    callback=_keep_config,
    help="redline.toml to use (default: $REDLINE_CONFIG or ./redline.toml).",
)  # fmt: skip


def json_option(what: str = "the result"):
    """`--json`, passed to the command as `as_json`."""
    return click.option("--json", "as_json", is_flag=True, help=f"Print {what} as JSON.")


since_option = click.option("--since", help="24h, 7d or an ISO date.")
site_option = click.option("--site", help="Only this site.")
url_option = click.option("--url", help="Only this article.")
sites_option = click.option("--site", "sites", multiple=True,
                            help="Only this site (repeatable).")  # fmt: skip
recheck_option = click.option(
    "--recheck",
    type=click.Choice(RECHECK),
    default="due",
    show_default=True,
    help="Which tracked articles to recapture.",
)
limit_option = click.option("--limit", type=click.IntRange(min=0), default=0,
                            help="At most N article fetches.")  # fmt: skip
redis_option = click.option("--redis", "redis_url",
                            help="Redis URL (default: [cluster] redis_url).")  # fmt: skip
