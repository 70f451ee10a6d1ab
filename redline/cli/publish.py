"""The publishing commands: feed, publish, export-changes, datasette-metadata.

Kept light at import time (no jinja2 or feedgen here): `redline --help` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from redline.errors import CannotWrite

from .context import reader
from .options import config_option, json_option, site_option, url_option
from .output import echo_json


def _open_output(path: str):
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CannotWrite(f"cannot create {target.parent}: {exc.strerror}") from None
    return target


def _write_bytes(path: str, data: bytes) -> None:
    target = _open_output(path)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise CannotWrite(f"cannot write {target}: {exc.strerror}") from None


@click.command()
@config_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@site_option
@url_option
@click.option(
    "--format", "fmt", type=click.Choice(["atom", "rss"]), default="atom", show_default=True
)
@click.pass_context
def feed(ctx, output, site, url, fmt) -> None:
    """A change-log feed whose entries contain the diffs.

    Example: redline feed --site example -o example.atom
    """
    from redline.publish import load_changes
    from redline.publish.feed import FEED_LIMIT, build_feed
    from redline.queries import find_article

    config, db = reader(ctx)
    if not config.base_url:
        click.echo(
            "warning: no [publish] base_url in the config; the feed's links are "
            "relative to where `redline publish` puts the site",
            err=True,
        )
    article = find_article(db, url) if url else None
    changes = load_changes(db, site=site, article_id=article and article["id"], limit=FEED_LIMIT)
    spec = _feed_spec(config.base_url, site, article, fmt)
    data = build_feed(changes, spec, fmt)
    if output:
        _write_bytes(output, data)
    else:
        click.echo(data.decode("utf-8"), nl=False)


def _feed_spec(base_url: str, site: str | None, article: dict | None, fmt: str):
    from redline.publish.feed import FeedSpec
    from redline.publish.site import site_file

    root = base_url.rstrip("/") + "/" if base_url else ""
    if article:
        return FeedSpec(
            f"urn:redline:feed:article:{article['id']}",
            f"Changes to {article['url']}",
            root,
            f"articles/{article['id']}.{fmt}",
            f"articles/{article['id']}.html",
        )
    if site:
        return FeedSpec(
            f"urn:redline:feed:site:{site}",
            f"Changes on {site}",
            root,
            f"sites/{site_file(site)}.{fmt}",
            f"sites/{site_file(site)}.html",
        )
    return FeedSpec("urn:redline:feed:all", "redline: all changes", root, f"feed.{fmt}")


@click.command()
@config_option
@click.argument("outdir", type=click.Path(file_okay=False))
@json_option("what was written")
@click.pass_context
def publish(ctx, outdir, as_json) -> None:
    """A static change-log website (relative links; works from file://).

    Example: redline publish public/
    """
    from redline.publish.site import publish_site

    config, db = reader(ctx)
    try:
        report = publish_site(db, Path(outdir), config.base_url)
    except OSError as exc:
        raise CannotWrite(f"cannot write the site into {outdir}: {exc}") from None
    if as_json:
        echo_json(
            {
                "outdir": str(report.outdir),
                "written": list(report.written),
                "unchanged": report.unchanged,
                "changes": report.changes,
            }
        )
        return
    click.echo(
        f"{outdir}: {len(report.written)} files written, {report.unchanged} unchanged "
        f"({report.changes} changes)"
    )


@click.command("export-changes")
@config_option
@click.argument("out", type=click.Path(dir_okay=False))
@click.pass_context
def export_changes(ctx, out) -> None:
    """Every change with its stored diff as NDJSON, one object a line (oldest first).

    Example: redline export-changes changes.ndjson
    """
    from redline.publish.export import write_ndjson

    _, db = reader(ctx)
    try:
        count = write_ndjson(db, _open_output(out))
    except OSError as exc:
        raise CannotWrite(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"wrote {count} changes to {out}", err=True)


@click.command("datasette-metadata")
@config_option
@click.argument("out", type=click.Path(dir_okay=False))
@click.pass_context
def datasette_metadata(ctx, out) -> None:
    """A datasette metadata file describing the index's tables and columns.

    Example: redline datasette-metadata metadata.json && datasette redline.db -m metadata.json
    """
    from redline.publish.export import datasette_metadata as build_metadata

    config, db = reader(ctx)
    data = build_metadata(db, config.database.stem)
    _write_bytes(out, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


COMMANDS = (feed, publish, export_changes, datasette_metadata)
