"""`redline demo`: the whole job against a bundled local newsroom that edits its articles.

Each round the newsroom makes edits of one or more kinds among its usual page noise, and
redline crawls it (each pass in its own process, as cron would run it), then the change
log is printed. Needs no network: the newsroom listens on 127.0.0.1. `run_demo` yields
what to print; the command prints it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from .errors import RedlineError
from .newsroom import Newsroom

CONFIG = """\
archive_dir = "archive"
database = "redline.db"
user_agent = "redline-demo (+https://github.com/redline-news/redline)"

[publish]
base_url = "https://changes.example.org/"

[[sites]]
name = "newsroom"
feeds = ["{base}/rss.xml"]
sitemaps = ["{base}/news-sitemap.xml"]
start_urls = ["{base}/"]
article_pattern = "^{pattern}/\\\\d{{4}}/\\\\d{{2}}/"
ignore = ["^Updated \\\\d+ minutes? ago$"]
"""


def edits_for_round(room: Newsroom, round_no: int) -> list[str]:
    """The newsroom's edits before crawl `round_no` (2, 3, ...); what each did, for people."""
    slugs = sorted(room.articles)
    done: list[str] = []
    if round_no == 2:
        a = room.articles[slugs[0]]
        room.edit(a.slug, headline=a.headline + ", officials say")
        done.append(f"headline rewritten: {slugs[0]}")
        b = room.articles[slugs[1]]
        paragraphs = [_bump_number(p) for p in b.paragraphs[:1]] + b.paragraphs[1:]
        room.edit(b.slug, paragraphs=paragraphs, silent=True)  # no note, no new date
        done.append(f"number corrected in the first paragraph, silently: {slugs[1]}")
    elif round_no == 3:
        c = room.articles[slugs[2]]
        statement = "This article has been updated with a statement from the city council."
        room.edit(c.slug, paragraphs=[*c.paragraphs, statement])
        done.append(f"paragraph added: {slugs[2]}")
        room.edit(slugs[3], byline="By Dana Whitfield and Omar Haddad")
        done.append(f"byline changed: {slugs[3]}")
    elif round_no == 4:
        room.remove(slugs[4])
        done.append(f"article removed (404): {slugs[4]}")
        new = room.move(slugs[5], slugs[5] + "-updated")
        done.append(f"URL changed after a rewrite: {slugs[5]} -> {new}")
    elif round_no == 5:
        room.restore(slugs[4])
        done.append(f"removed article back online: {slugs[4]}")
    return done


def _bump_number(text: str) -> str:
    import re

    match = re.search(r"\d+", text)
    if not match:
        return text + " At least 12 people were affected."
    return text[: match.start()] + str(int(match.group()) + 1) + text[match.end() :]


def _crawl(directory: Path) -> dict:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "redline",
            "-c",
            str(directory / "redline.toml"),
            "crawl",
            "--recheck",
            "all",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RedlineError(f"the demo crawl failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def run_demo(directory: Path, rounds: int) -> Iterator[str]:
    directory.mkdir(parents=True, exist_ok=True)
    with Newsroom(articles=10, seed=7, noise=True) as room:
        base = room.base_url
        pattern = base.replace(".", "\\\\.")
        (directory / "redline.toml").write_text(CONFIG.format(base=base, pattern=pattern))
        yield f"redline demo: a local newsroom at {base}, archive in {directory}/\n"
        for round_no in range(1, rounds + 1):
            for line in edits_for_round(room, round_no):
                yield f"  newsroom: {line}"
            summary = _crawl(directory)
            yield (
                f"round {round_no}: fetched {summary['fetched']} pages, "
                f"{summary['new_articles']} new articles, {summary['changed']} changed, "
                f"{summary['removed']} removed, {summary['unchanged']} unchanged"
            )
    config = directory / "redline.toml"
    yield "\nThe change log (redline changes):\n"
    yield _redline(config, "changes")
    latest = json.loads(_redline(config, "changes", "--json"))
    for change in latest:
        if {"headline", "body"} & set(change["kinds"]):
            yield f"What changed in {change['url']} (redline diff):\n"
            yield _redline(config, "diff", change["url"])
            break
    yield "Silent edits and the outlet's record (redline stats):\n"
    yield _redline(config, "stats")
    site = directory / "site"
    yield _redline(config, "publish", str(site))
    yield f"The change log as a website: {(site / 'index.html').resolve().as_uri()}"
    yield f"Try: redline -c {config} history URL   (any URL above)"


def _redline(config: Path, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "redline", "-c", str(config), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout + (out.stderr if out.returncode else "")
