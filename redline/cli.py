"""The `redline` command: a thin click layer over library calls.

Imports stay lazy: query commands must start fast and never import Scrapy.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from urllib.parse import quote

import click

from .errors import CannotWrite, IndexUnreadable, RedlineError

# What a reading command needs in the index; a file without them is not a redline index.
INDEX_TABLES = ("articles", "captures", "revisions", "changes")


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
            raise _exit(_unreadable(index, exc)) from None


def _exit(error: RedlineError) -> click.ClickException:
    failure = click.ClickException(error.message)
    failure.exit_code = error.exit_code
    return failure


def _unreadable(index: Path, problem) -> IndexUnreadable:
    return IndexUnreadable(f"cannot read the index {index}: {problem}. Run `redline reindex`"
                           " to rebuild it from the WARC files")  # fmt: skip


def _config(ctx: click.Context, *, crawling: bool = False):
    """The loaded config; `crawling`: the command crawls, so it needs a site."""
    from .config import find_config, load_config

    config = load_config(find_config(ctx.obj["config"]))
    if crawling:
        config.require_sites()
    return config


def _reading(ctx: click.Context) -> tuple:
    """(config, read-only connection) for a reading command: never writes, never migrates,
    never waits for a crawl; a damaged or foreign index is exit 73 naming the file."""
    config = _config(ctx)
    path = config.database
    if not path.exists() and not path.is_symlink():
        raise RedlineError(f"no index at {path} yet: run `redline crawl` first")
    ctx.obj["reading"] = path
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=30)
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
    except sqlite3.Error as exc:
        raise _unreadable(path, exc) from None
    missing = [t for t in INDEX_TABLES if t not in tables]
    if missing:
        raise _unreadable(path, f"it has no {missing[0]} table, so it is no redline index")
    return config, conn


def _reader(ctx: click.Context):
    """(config, sqlite-utils Database) for the reading commands that want one."""
    import sqlite_utils

    config, conn = _reading(ctx)
    return config, sqlite_utils.Database(conn)


def _query_db(ctx: click.Context):
    """A plain read-only connection: queries start fast and never wait for a crawl."""
    return _reading(ctx)[1]


def _echo_json(data) -> None:
    """Lists print one object per line: readable, and json's fast C encoder does the work
    (indent= falls back to the pure-Python encoder, 10x slower on a big change log)."""
    if isinstance(data, list):
        lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in data)
        click.echo(f"[\n{lines}\n]" if data else "[]")
    else:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _query(fn, *args, **kwargs):
    from .queries import QueryError

    try:
        return fn(*args, **kwargs)
    except QueryError as exc:
        raise RedlineError(str(exc)) from None


@click.group(cls=_Commands)
@click.option("-c", "--config", "config", type=click.Path(dir_okay=False),
              help="redline.toml to use (default: $REDLINE_CONFIG or ./redline.toml).")
@click.version_option(package_name="redline")
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """redline: archive news sites as WARC and track every edit to their articles."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Write a commented example redline.toml.

    Example: redline init newsroom-watch
    """
    from .example_config import EXAMPLE

    target = Path(directory) / "redline.toml"
    if target.exists():
        raise RedlineError(f"{target} exists already; not overwriting it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(EXAMPLE, encoding="utf-8")
    click.echo(f"wrote {target}: edit the [[sites]] entries, then run `redline crawl`")


@main.command()
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable).")
@click.option("--recheck", type=click.Choice(["due", "all", "none"]), default="due",
              show_default=True, help="Which tracked articles to recapture.")
@click.option("--limit", type=click.IntRange(min=0), default=0, help="At most N article fetches.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def crawl(ctx, sites, recheck, limit, as_json) -> None:
    """One pass: discover, recapture what is due, archive, extract, diff, index.

    Example: redline crawl --site example --limit 100
    """
    from .crawl_command import run_crawl

    config = _config(ctx, crawling=True)
    for name in sites:
        config.site(name)
    summary = run_crawl(config, sites=sites, recheck=recheck, limit=limit)
    if as_json:
        _echo_json(summary)
    else:
        from .summary import describe_summary

        click.echo(describe_summary(summary))


def _config_site(config, name):
    return config.site(name)  # a ConfigError: exit 2 naming the file


@main.command()
@click.option("--since", help="24h, 7d or an ISO date.")
@click.option("--site", help="Only this site.")
@click.option("--url", help="Only this article.")
@click.option("--kind", type=click.Choice(["headline", "byline", "body", "removed", "restored",
                                           "moved"]))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def changes(ctx, since, site, url, kind, as_json) -> None:
    """Detected edits, newest first.

    Example: redline changes --since 24h --kind headline
    """
    from .queries import list_changes

    db = _query_db(ctx)
    rows = _query(list_changes, db, since=since, site=site, url=url, kind=kind)
    if as_json:
        _echo_json([{k: v for k, v in r.items() if k != "id"} for r in rows])
        return
    for r in rows:
        title = r["headline_after"] or r["headline_before"]
        click.echo(f"{r['to_captured_at']}  {','.join(r['kinds']):<16} {r['significance']:<11}"
                   f" r{r['from_revision']}->r{r['to_revision'] or '-'}  {title}\n    {r['url']}")
    if not rows:
        click.echo("no changes")


@main.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def history(ctx, url, as_json) -> None:
    """Every revision of one article, oldest first.

    Example: redline history https://news.example/2026/11/story
    """
    from .queries import history as load_history

    db = _query_db(ctx)
    rows = _query(load_history, db, url)
    if as_json:
        _echo_json([{k: r[k] for k in ("revision", "captured_at", "headline", "byline",
                                         "body_sha1", "warc")} for r in rows])
        return
    for r in rows:
        again = f" (same as r{r['repeats']})" if r["repeats"] else ""
        click.echo(f"r{r['revision']}  {r['captured_at']}  {r['headline']}{again}")
        click.echo(f"     {r['byline']}  body sha1 {r['body_sha1'][:12]}  "
                   f"{r['warc']['file']}@{r['warc']['offset']}")


@main.command()
@click.argument("url")
@click.option("--from", "from_n", type=int, help="Older revision (default: the one before --to).")
@click.option("--to", "to_n", type=int, help="Newer revision (default: the latest).")
@click.option("--format", "fmt", type=click.Choice(["text", "html", "json"]), default="text")
@click.pass_context
def diff(ctx, url, from_n, to_n, fmt) -> None:
    """The diff between two revisions of an article (default: the last two).

    Example: redline diff https://news.example/2026/11/story --format html
    """
    from .diff_command import show_diff

    db = _query_db(ctx)
    click.echo(_query(show_diff, db, url, from_n, to_n, fmt, color=sys.stdout.isatty()))


@main.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search(ctx, query, as_json) -> None:
    """Full-text search over every revision, removed text included.

    Example: redline search "ceasefire"
    """
    from .queries import search as run_search

    db = _query_db(ctx)
    rows = _query(run_search, db, query)
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        click.echo(f"r{r['revision']} {r['captured_at']} {r['headline']}\n    {r['url']}\n"
                   f"    {r['snippet']}")
    if not rows:
        click.echo("nothing found")


@main.command()
@click.argument("source")
@click.option("--site", help="Use this site's CSS overrides.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def extract(ctx, source, site, as_json) -> None:
    """What redline sees in one page (a file or a URL); archives nothing.

    Example: redline extract saved-page.html --json
    """
    from .extract_command import extract_source

    result = extract_source(ctx, source, site)
    if as_json:
        _echo_json(result)
        return
    click.echo(f"headline:  {result['headline']}\nbyline:    {result['byline']}\n"
               f"published: {result['published']}\nupdated:   {result['updated']}\n"
               f"language:  {result['language']}\n\n{result['body']}")


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def reindex(ctx, as_json) -> None:
    """Rebuild the index from the WARC files in archive_dir.

    Example: redline reindex
    """
    from .ingest import reindex_archive

    report = reindex_archive(_config(ctx))
    _report(report, as_json)


def _report(report: dict, as_json: bool) -> None:
    if as_json:
        _echo_json(report)
        return
    click.echo(f"{report['records']} records read from {report['files']} files; "
               f"{report['captures']} new captures, {report['revisions']} revisions, "
               f"{report['changes']} changes")
    for fault in report["faults"]:
        click.echo(f"problem: {fault}", err=True)


@main.command()
@click.option("--rounds", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--dir", "directory", type=click.Path(file_okay=False), default="redline-demo",
              show_default=True, help="Where the demo's archive and index go.")
def demo(rounds, directory) -> None:
    """The whole job against a bundled local newsroom that edits its articles (offline).

    Example: redline demo --rounds 3
    """
    from .demo import run_demo

    run_demo(Path(directory), rounds)


__all__ = ["CannotWrite", "main"]

from .archive_cli import export, ingest, verify  # noqa: E402

main.add_command(ingest)
main.add_command(verify)
main.add_command(export)

from .publish_cli import datasette_metadata, export_changes, feed, publish  # noqa: E402

for _command in (feed, publish, export_changes, datasette_metadata):
    main.add_command(_command)

from .cluster_cli import enqueue, worker  # noqa: E402

main.add_command(enqueue)
main.add_command(worker)
