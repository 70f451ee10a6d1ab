"""Redirects and not-modified answers, in the crawl and in `reindex`: a 304 is never a
move, a moved article keeps one history with a `moved` change, and a redirect off the
site's hosts (or to a non-http target) is archived but never followed nor a removal."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from archive.index import CaptureRow
from redline.capture_rules import hop_of
from redline.config import Site
from redline.newsroom.model import html_reply
from tests.crawling import changes, crawl, redline, write_config
from tests.equivalence import Stage, tables


def verdicts(config, url: str) -> list[tuple]:
    with sqlite3.connect(config.parent / "redline.db") as db:
        return db.execute(
            "select http_status, verdict from captures where url = ? order by id", [url]
        ).fetchall()


def reindex(config) -> None:
    result = redline(config, "reindex", "--json")
    assert result.returncode == 0, result.stderr[-3000:]


def test_an_article_answered_304_keeps_its_history_through_reindex(tmp_path):
    with Stage(articles=3, seed=4, noise=False) as room:
        config = write_config(tmp_path, room.base_url)
        crawl(config)
        assert crawl(config)["unchanged"] == 3
        slug = sorted(room.articles)[0]
        room.edit(slug, headline="A new headline after a quiet night")
        crawl(config)
        url = room.article_url(slug)
    assert (304, "unchanged") in verdicts(config, url)
    before = tables(config.parent / "redline.db")
    reindex(config)
    after = tables(config.parent / "redline.db")
    assert len(after["articles"]) == 3 and len(after["changes"]) == 1
    assert after == before


def test_a_move_found_late_is_one_history_with_a_moved_change(tmp_path):
    with Stage(articles=3, seed=6, noise=False) as room:
        config = write_config(tmp_path, room.base_url)
        crawl(config)
        slug = sorted(room.articles)[0]
        new_url = room.move(slug, slug + "-renamed")
        found = crawl(config, "--recheck", "none")  # the new URL, from the feed, first
        moved = crawl(config)  # then the old URL's redirect to it
    assert found["new_articles"] == 1
    assert moved["new_articles"] == 0, "the article found first was this one, not a -1"
    [change] = changes(config)
    assert (change["url"], change["kinds"], change["to_revision"]) == (new_url, ["moved"], 2)
    before = tables(config.parent / "redline.db")
    reindex(config)
    assert tables(config.parent / "redline.db") == before


class Walled(Stage):
    """Articles in `offsite` go to a consent host; in `scripted`, to a javascript: URL."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scripted: set[str] = set()

    def _article(self, slug, path):
        if slug in self.scripted:
            reply = html_reply(302, "<p>Moved</p>", headers=(("Location", "javascript:alert(1)"),))
            return replace(reply, status=302)
        return super()._article(slug, path)


def test_redirects_off_the_site_are_errors_never_followed_nor_removals(tmp_path):
    with Walled(articles=4, seed=9, noise=True) as room:
        config = write_config(tmp_path, room.base_url)
        crawl(config)
        walled, scripted = sorted(room.articles)[:2]
        room.offsite.add(walled)
        room.scripted.add(scripted)
        since = len(room.requests)
        summary = crawl(config)
        hosts = {headers.get("Host", "") for _, _, headers in room.requests[since:]}
        urls = room.article_url(walled), room.article_url(scripted)
    assert not any(h.startswith("localhost") for h in hosts), "the consent host is not fetched"
    assert (summary["removed"], summary["extraction_failed"]) == (0, 2), summary
    assert [verdicts(config, u)[-1] for u in urls] == [(302, "error"), (302, "error")]
    assert changes(config) == []
    before = tables(config.parent / "redline.db")
    reindex(config)
    assert tables(config.parent / "redline.db") == before


SITE = Site(name="news", feeds=("https://news.example/rss.xml",), article_pattern=r"/\d{4}/\d{2}/")


def hop(status: int, location: str | None, url: str = "https://news.example/2026/11/story"):
    row = CaptureRow(
        record_id="<urn:x>",
        record_type="response",
        url=url,
        warc_file="f",
        warc_offset=0,
        warc_length=0,
        http_status=status,
        payload_digest=None,
        refers_to=None,
        fetched_at="2026-11-28T09:00:00.000000Z",
        location=location,
    )
    found = hop_of(SITE, row)
    return found and (found.kind, found.target)


@pytest.mark.parametrize("status, location, expected", [
    (304, None, None),  # not modified: never a move
    (301, None, None),  # a redirect without Location
    (301, "/2026/11/story?utm_source=rss#top", None),  # back to the very same article
    (304, "/2026/11/other", None),  # a 304 with a stray Location is still no redirect
    (301, "/2026/11/story-renamed", ("moved", "https://news.example/2026/11/story-renamed")),
    (308, "https://www.news.example/2026/11/x", ("moved", "https://www.news.example/2026/11/x")),
    (302, "/", ("gone", "https://news.example/")),
    (302, "https://consent.example/?return=x", ("offsite", "https://consent.example/?return=x")),
    (302, "javascript:alert(1)", ("offsite", "javascript:alert(1)")),
    (302, "file:///etc/passwd", ("offsite", "file:///etc/passwd")),
])  # fmt: skip
def test_what_a_redirect_means_for_its_article(status, location, expected):
    assert hop(status, location) == expected
