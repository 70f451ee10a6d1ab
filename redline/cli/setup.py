"""Getting started: `redline init`, `redline demo`, and `redline extract` (what redline
sees in one page, from a file or a URL)."""

from __future__ import annotations

from pathlib import Path

import click

from redline.errors import RedlineError

from .context import load_config
from .options import config_option, json_option
from .output import echo_json

MAX_BYTES = 50_000_000


@click.command()
@config_option  # accepted like everywhere (the contract), though init reads no config
@click.argument("directory", default=".", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Write a commented example redline.toml.

    Example: redline init newsroom-watch
    """
    from redline.example_config import EXAMPLE

    target = Path(directory) / "redline.toml"
    if target.exists():
        raise RedlineError(f"{target} exists already; not overwriting it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(EXAMPLE, encoding="utf-8")
    click.echo(f"wrote {target}: edit the [[sites]] entries, then run `redline crawl`")


@click.command()
@config_option  # accepted like everywhere; the demo writes its own config
@click.option("--rounds", type=click.IntRange(min=1), default=5, show_default=True)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    default="redline-demo",
    show_default=True,
    help="Where the demo's archive and index go.",
)
def demo(rounds, directory) -> None:
    """The whole job against a bundled local newsroom that edits its articles (offline).

    Example: redline demo --rounds 3
    """
    from redline.demo import run_demo

    for line in run_demo(Path(directory), rounds):
        click.echo(line)


@click.command()
@config_option
@click.argument("source")
@click.option("--site", help="Use this site's CSS overrides.")
@json_option()
@click.pass_context
def extract(ctx, source, site, as_json) -> None:
    """What redline sees in one page (a file or a URL); archives nothing.

    Example: redline extract saved-page.html --json
    """
    result = extract_source(ctx, source, site)
    if as_json:
        echo_json(result)
        return
    click.echo(
        f"headline:  {result['headline']}\nbyline:    {result['byline']}\n"
        f"published: {result['published']}\nupdated:   {result['updated']}\n"
        f"language:  {result['language']}\n\n{result['body']}"
    )


def _read(source: str, user_agent: str) -> tuple[bytes, str]:
    import urllib.request

    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": user_agent})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.read(MAX_BYTES), response.geturl()
        except OSError as exc:
            raise RedlineError(f"could not fetch {source}: {exc}") from None
    path = Path(source)
    if not path.is_file():
        raise RedlineError(f"{source}: no such file (give a saved page or an http(s) URL)")
    return path.read_bytes(), path.resolve().as_uri()


def extract_source(ctx, source: str, site_name: str | None) -> dict:
    from diffing.extract import ExtractionError, Selectors, extract_article

    selectors, user_agent = None, "redline"
    if site_name or ctx.obj.get("config"):
        config = load_config(ctx)
        user_agent = config.user_agent
        if site_name:
            site = config.site(site_name)  # a ConfigError: exit 2 naming the file
            selectors = Selectors(site.headline, site.byline, site.body)
    body, url = _read(source, user_agent)
    try:
        article = extract_article(body, url, selectors)
    except ExtractionError as exc:
        raise RedlineError(f"{source}: {exc}") from None
    return {
        "url": article.url,
        "headline": article.headline,
        "byline": article.byline,
        "published": article.published,
        "updated": article.updated,
        "body": article.body,
        "language": article.language,
    }


COMMANDS = (init, demo, extract)
