"""Feeds and data export, from an index built by real crawls of the local newsroom."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
import sqlite_utils

from redline.newsroom import Newsroom
from tests.crawling import changes, crawl, redline, write_config

HOSTILE = '<script>window.pwned=1</script> Storm nears <img src=x onerror="window.pwned=1">'
# A correction note is page text like any other: hostile text must stay text.
HOSTILE_NOTE = (
    "Correction: An earlier version of this article misstated the storm's path"
    ' <script>window.pwned=2</script><img src=x onerror="window.pwned=2">.'
)


def build_archive(directory: Path, base_url: str = "") -> Path:
    """Crawl the newsroom twice with edits between: a hostile headline with a hostile
    correction note (acknowledged), and a body edit nothing acknowledges (silent)."""
    with Newsroom(articles=4, seed=5, noise=False) as room:
        extra = f'\n[publish]\nbase_url = "{base_url}"\n' if base_url else ""
        config = write_config(directory, room.base_url, extra=extra)
        crawl(config)
        slugs = sorted(room.articles)
        room.articles[slugs[0]].note = HOSTILE_NOTE
        room.edit(slugs[0], headline=HOSTILE)
        body = list(room.articles[slugs[1]].paragraphs)
        body[0] = body[0] + " Officials later confirmed the figure."
        room.edit(slugs[1], paragraphs=body, silent=True)
        crawl(config)
    return config


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return build_archive(tmp_path_factory.mktemp("feed"), "https://changes.example.org/")


def feed_of(config: Path, *args: str) -> tuple[bytes, feedparser.FeedParserDict]:
    result = redline(config, "feed", *args)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.encode(), feedparser.parse(result.stdout.encode())


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_feed_entries_match_changes(archive, fmt):
    raw, parsed = feed_of(archive, "--format", fmt)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    listed = changes(archive)
    assert len(listed) == 2
    assert len(parsed.entries) == len(listed)
    for entry, change in zip(parsed.entries, listed):
        headline = change["headline_after"]
        silent = " · silent edit" if change["silent"] else ""
        assert entry.title == f"{headline} ({', '.join(change['kinds'])}){silent}"
        to = change["to_revision"]
        slug = f"{change['article_id']}-{change['from_revision']}-{to}"
        assert entry.id == f"urn:redline:change:{change['article_id']}:{slug.split('-', 1)[1]}"
        assert entry.link == f"https://changes.example.org/diffs/{slug}.html"
        content = entry.content[0].value if fmt == "atom" else entry.description
        assert change["url"] in content
        assert "<ins>" in content
    assert b"<script>window" not in raw and b"<img src" not in raw


def test_feed_dates_follow_the_format(archive):
    atom, _ = feed_of(archive)
    rss, _ = feed_of(archive, "--format", "rss")
    newest = changes(archive)[0]["to_captured_at"][:19]
    assert f"<updated>{newest}".encode() in atom
    assert b"<pubDate>" in rss and b"+0000</pubDate>" in rss


def test_feed_ids_and_bytes_are_stable_across_runs(archive, tmp_path):
    first = tmp_path / "a.atom"
    second = tmp_path / "b.atom"
    assert redline(archive, "feed", "-o", str(first)).returncode == 0
    assert redline(archive, "feed", "-o", str(second)).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    ids = [e.id for e in feedparser.parse(first.read_bytes()).entries]
    assert len(set(ids)) == 2 and all(i.startswith("urn:redline:change:") for i in ids)


def test_entries_mark_silent_edits_and_show_the_notes(archive):
    _, parsed = feed_of(archive)
    by_kinds = {tuple(c["kinds"]): c for c in changes(archive)}
    silent, acknowledged = by_kinds[("body",)], by_kinds[("headline", "body")]
    assert (silent["silent"], acknowledged["silent"]) == (True, False)
    assert acknowledged["disclosure"] == ["note", "modified_date"]
    assert acknowledged["notes"] == [HOSTILE_NOTE]
    entries = {e.id.split(":")[3]: e for e in parsed.entries}  # urn:redline:change:ID:1-2
    quiet = entries[str(silent["article_id"])]
    assert quiet.title.endswith("(body) · silent edit")
    assert "silent" in [t.term for t in quiet.tags]
    content = quiet.content[0].value
    assert '<p class="silent-mark"><strong>Silent edit</strong>' in content
    assert content.index("silent-mark") < content.index("<ins>"), "the mark comes first"
    loud = entries[str(acknowledged["article_id"])]
    assert "silent" not in loud.title and "silent" not in [t.term for t in loud.tags]
    content = loud.content[0].value
    assert "Acknowledged by a correction or editor's note, a later modification date" in content
    quoted = content.split('<blockquote class="note">')[1].split("</blockquote>")[0]
    assert quoted.startswith("Correction: An earlier version") and "&lt;script&gt;" in quoted
    assert "<script" not in content and "<img" not in content


def test_hostile_headline_is_escaped_text(archive):
    _, parsed = feed_of(archive, "--format", "atom")
    hostile = [e for e in parsed.entries if "headline" in e.title]
    assert len(hostile) == 1
    assert hostile[0].title.startswith(HOSTILE)
    content = hostile[0].content[0].value
    assert "&lt;script&gt;" in content and "<script" not in content
    assert "<del>" in content and "<ins>" in content


def test_feed_for_one_site_and_one_article(archive):
    listed = changes(archive)
    _, by_site = feed_of(archive, "--site", "newsroom")
    assert len(by_site.entries) == 2
    _, none = feed_of(archive, "--site", "elsewhere")
    assert none.bozo == 0 and none.entries == []
    _, one = feed_of(archive, "--url", listed[1]["url"], "--format", "rss")
    assert one.bozo == 0 and len(one.entries) == 1
    assert str(listed[1]["article_id"]) in one.entries[0].id


def test_feed_of_unknown_article_is_a_clear_error(archive):
    result = redline(archive, "feed", "--url", "http://nowhere.example/x")
    assert result.returncode == 1
    assert "no tracked article" in result.stderr and "Traceback" not in result.stderr


def test_feed_without_base_url_warns_and_links_relatively(archive):
    config = archive.with_name("no-base-url.toml")
    config.write_text(archive.read_text().split("[publish]")[0])
    result = redline(config, "feed")
    assert result.returncode == 0
    assert "base_url" in result.stderr
    parsed = feedparser.parse(result.stdout.encode())
    assert parsed.bozo == 0
    assert all(e.link.startswith("diffs/") for e in parsed.entries)


def test_export_changes_ndjson_is_changes_json_plus_diff(archive, tmp_path):
    out = tmp_path / "changes.ndjson"
    result = redline(archive, "export-changes", str(out))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    listed = changes(archive)
    assert [{k: v for k, v in r.items() if k not in ("diff", "change_id")} for r in rows] == list(
        reversed(listed)
    )
    assert {(r["silent"], len(r["notes"])) for r in rows} == {(True, 0), (False, 1)}
    for row in rows:
        assert {"silent", "disclosure", "notes"} <= set(row)
        assert row["diff"]["version"] == 1
        assert row["change_id"].startswith(f"urn:redline:change:{row['article_id']}:")


def test_datasette_metadata_matches_the_schema(archive, tmp_path):
    out = tmp_path / "metadata.json"
    result = redline(archive, "datasette-metadata", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    tables = data["databases"]["redline"]["tables"]
    assert set(tables) == {
        "sites",
        "articles",
        "captures",
        "revisions",
        "changes",
        "volatile_texts",
    }
    db = sqlite_utils.Database(archive.parent / "redline.db")
    for name, table in tables.items():
        assert list(table["columns"]) == [c.name for c in db[name].columns]
        assert table["description"]
        assert "(not described)" not in table["columns"].values(), name
