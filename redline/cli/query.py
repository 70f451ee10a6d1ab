"""The reading commands: changes, history, diff, search.

They open the index read-only, never wait for a crawl and never import Scrapy.
"""

from __future__ import annotations

import json
import sys

import click

from .context import query_db
from .options import config_option, json_option, since_option, site_option, url_option
from .output import echo_json

KINDS = ("headline", "byline", "body", "removed", "restored", "moved")


@click.command()
@config_option
@since_option
@site_option
@url_option
@click.option("--kind", type=click.Choice(KINDS))
@click.option("--silent", is_flag=True, help="Only edits nothing on the page acknowledged.")
@json_option()
@click.pass_context
def changes(ctx, since, site, url, kind, silent, as_json) -> None:
    """Detected edits, newest first; silent ones marked [silent].

    Example: redline changes --since 24h --kind headline --silent
    """
    from redline.queries import list_changes

    rows = list_changes(
        query_db(ctx), since=since, site=site, url=url, kind=kind, silent=silent or None
    )
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(describe_change(r))
    if not rows:
        click.echo("no silent changes" if silent else "no changes")


def describe_change(r: dict) -> str:
    """Two lines (three with notes): when, kinds, significance, revisions, headline, whether
    the page acknowledged it, the URL."""
    title = r["headline_after"] or r["headline_before"]
    mark = {True: "[silent] ", False: f"[acknowledged: {', '.join(r['disclosure'])}] "}
    notes = "".join(f"\n    note: {n}" for n in r["notes"])
    return (
        f"{r['to_captured_at']}  {','.join(r['kinds']):<16} {r['significance']:<11}"
        f" r{r['from_revision']}->r{r['to_revision'] or '-'}  {mark.get(r['silent'], '')}{title}"
        f"\n    {r['url']}{notes}"
    )


@click.command()
@config_option
@click.argument("url")
@json_option()
@click.pass_context
def history(ctx, url, as_json) -> None:
    """Every revision of one article, oldest first.

    Example: redline history https://news.example/2026/11/story
    """
    from redline.queries import history as load_history

    rows = load_history(query_db(ctx), url)
    if as_json:
        echo_json(
            [
                {
                    k: r[k]
                    for k in (
                        "revision",
                        "captured_at",
                        "headline",
                        "byline",
                        "body_sha1",
                        "headlines",
                        "modified",
                        "notes",
                        "warc",
                    )  # fmt: skip
                }
                for r in rows
            ]
        )
        return
    for r in rows:
        again = f" (same as r{r['repeats']})" if r["repeats"] else ""
        click.echo(f"r{r['revision']}  {r['captured_at']}  {r['headline']}{again}")
        click.echo(
            f"     {r['byline']}  body sha1 {r['body_sha1'][:12]}  "
            f"{r['warc']['file']}@{r['warc']['offset']}"
        )


@click.command()
@config_option
@click.argument("url")
@click.option("--from", "from_n", type=int, help="Older revision (default: the one before --to).")
@click.option("--to", "to_n", type=int, help="Newer revision (default: the latest).")
@click.option("--format", "fmt", type=click.Choice(["text", "html", "json"]), default="text")
@click.pass_context
def diff(ctx, url, from_n, to_n, fmt) -> None:
    """The diff between two revisions of an article (default: the last two).

    Example: redline diff https://news.example/2026/11/story --format html
    """
    result = diff_between(query_db(ctx), url, from_n, to_n)
    click.echo(show_diff(result, fmt, color=sys.stdout.isatty()))


def diff_between(db, url: str, from_n: int | None, to_n: int | None) -> dict:
    from diffing.compare import compare_articles
    from redline.queries import article_of_revision, revision_pair, stored_change

    article, old, new = revision_pair(db, url, from_n, to_n)
    recorded = stored_change(db, article["id"], old["number"], new["number"])
    if recorded is None:  # a pair with no recorded change (not adjacent): computed, not stored
        change = compare_articles(article_of_revision(old), article_of_revision(new))
        recorded = (
            {"kinds": list(change.kinds), "significance": change.significance, "diff": change.diff}
            if change
            else {"kinds": [], "significance": None, "diff": None}
        )
    return {
        "url": article["url"],
        "from_revision": old["number"],
        "to_revision": new["number"],
        "from_captured_at": old["captured_at"],
        "to_captured_at": new["captured_at"],
        "headline_before": old["headline"],
        "headline_after": new["headline"],
        **recorded,
    }


def show_diff(result: dict, fmt: str, *, color: bool) -> str:
    from diffing.render import render_html, render_text

    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=2)
    if result["diff"] is None:
        return f"r{result['from_revision']} and r{result['to_revision']} are the same"
    if fmt == "html":
        return render_html(result["diff"])
    head = (
        f"{result['url']}\nr{result['from_revision']} {result['from_captured_at']} -> "
        f"r{result['to_revision']} {result['to_captured_at']}  "
        f"[{', '.join(result['kinds'])}; {result['significance']}]\n"
    )
    return head + render_text(result["diff"], color=color)


@click.command()
@config_option
@click.argument("query")
@json_option()
@click.pass_context
def search(ctx, query, as_json) -> None:
    """Full-text search over every revision, removed text included.

    Example: redline search "ceasefire"
    """
    from redline.queries import search as run_search

    rows = run_search(query_db(ctx), query)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(
            f"r{r['revision']} {r['captured_at']} {r['headline']}\n    {r['url']}\n"
            f"    {r['snippet']}"
        )
    if not rows:
        click.echo("nothing found")


COMMANDS = (changes, history, diff, search)
