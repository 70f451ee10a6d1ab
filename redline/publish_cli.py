"""The publishing commands: feed, publish, export-changes, datasette-metadata.

Kept light at import time (no jinja2 or feedgen here): `redline --help` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import click


def _open_output(path: str):
    from .errors import CannotWrite

    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CannotWrite(f"cannot create {target.parent}: {exc.strerror}") from None
    return target


def _write_bytes(path: str, data: bytes) -> None:
    from .errors import CannotWrite

    target = _open_output(path)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise CannotWrite(f"cannot write {target}: {exc.strerror}") from None


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@click.option("--site", help="Only this site.")
@click.option("--url", help="Only this article.")
@click.option(
    "--format", "fmt", type=click.Choice(["atom", "rss"]), default="atom", show_default=True
)
@click.pass_context
def feed(ctx, output, site, url, fmt) -> None:
    """A change-log feed whose entries contain the diffs.

    Example: redline feed --site example -o example.atom
    """
    from .cli import _query, _reader
    from .publish import load_changes
    from .publish.feed import FEED_LIMIT, build_feed
    from .queries import find_article

    config, db = _reader(ctx)
    if not config.base_url:
        click.echo(
            "warning: no [publish] base_url in the config; the feed's links are "
            "relative to where `redline publish` puts the site",
            err=True,
        )
    article = _query(find_article, db, url) if url else None
    changes = load_changes(db, site=site, article_id=article and article["id"], limit=FEED_LIMIT)
    spec = _feed_spec(config.base_url, site, article, fmt)
    data = build_feed(changes, spec, fmt)
    if output:
        _write_bytes(output, data)
    else:
        click.echo(data.decode("utf-8"), nl=False)


def _feed_spec(base_url: str, site: str | None, article: dict | None, fmt: str):
    from .publish.feed import FeedSpec
    from .publish.site import site_file

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
@click.argument("outdir", type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@click.pass_context
def publish(ctx, outdir, as_json) -> None:
    """A static change-log website (relative links; works from file://).

    Example: redline publish public/
    """
    from .cli import _reader
    from .errors import CannotWrite
    from .publish.site import publish_site

    config, db = _reader(ctx)
    try:
        report = publish_site(db, Path(outdir), config.base_url)
    except OSError as exc:
        raise CannotWrite(f"cannot write the site into {outdir}: {exc}") from None
    if as_json:
        click.echo(
            json.dumps(
                {
                    "outdir": str(report.outdir),
                    "written": list(report.written),
                    "unchanged": report.unchanged,
                    "changes": report.changes,
                },
                indent=2,
            )
        )
        return
    click.echo(
        f"{outdir}: {len(report.written)} files written, {report.unchanged} unchanged "
        f"({report.changes} changes)"
    )


@click.command("export-changes")
@click.argument("out", type=click.Path(dir_okay=False))
@click.pass_context
def export_changes(ctx, out) -> None:
    """Every change with its stored diff as NDJSON, one object a line (oldest first).

    Example: redline export-changes changes.ndjson
    """
    from .cli import _reader
    from .errors import CannotWrite
    from .publish.export import write_ndjson

    _, db = _reader(ctx)
    try:
        count = write_ndjson(db, _open_output(out))
    except OSError as exc:
        raise CannotWrite(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"wrote {count} changes to {out}", err=True)


@click.command("datasette-metadata")
@click.argument("out", type=click.Path(dir_okay=False))
@click.pass_context
def datasette_metadata(ctx, out) -> None:
    """A datasette metadata file describing the index's tables and columns.

    Example: redline datasette-metadata metadata.json && datasette redline.db -m metadata.json
    """
    from .cli import _reader
    from .publish.export import datasette_metadata as build_metadata

    config, db = _reader(ctx)
    data = build_metadata(db, config.database.stem)
    _write_bytes(out, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
