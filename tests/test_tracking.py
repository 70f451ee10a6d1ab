"""Articles that move, vanish and return, tracked over several crawls of the newsroom."""

from __future__ import annotations

import json
import sqlite3

import pytest

from redline.newsroom import Newsroom
from tests.crawling import changes, crawl, redline, write_config

TIMES = ("from_captured_at", "to_captured_at", "article_id")


def without_times(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in TIMES} for row in rows]


@pytest.fixture
def room():
    with Newsroom(articles=4, seed=11, noise=True) as newsroom:
        yield newsroom


def article_urls(tmp_path) -> list[str]:
    with sqlite3.connect(tmp_path / "redline.db") as db:
        return [r[0] for r in db.execute("select url from articles order by url")]


def test_a_url_change_after_a_rewrite_keeps_one_history(tmp_path, room):
    config = write_config(tmp_path, room.base_url)
    crawl(config)
    slug = sorted(room.articles)[0]
    old_url, headline = room.article_url(slug), room.articles[slug].headline
    new_url = room.move(slug, slug + "-rewritten")
    summary = crawl(config)
    assert (summary["new_articles"], summary["changed"]) == (0, 1), summary
    assert without_times(changes(config)) == [
        {
            "url": new_url,
            "site": "newsroom",
            "from_revision": 1,
            "to_revision": 2,
            "kinds": ["moved"],
            "significance": "substantive",
            "headline_before": headline,
            "headline_after": headline,
            "headline_forms": [],
            "headlines_before": {},
            "headlines_after": {},
            "silent": None,
            "disclosure": [],
            "notes": [],
            "added_words": 0,
            "removed_words": 0,
        }
    ]
    assert len(article_urls(tmp_path)) == 4 and old_url not in article_urls(tmp_path)
    history = json.loads(redline(config, "history", old_url, "--json").stdout)
    assert [r["revision"] for r in history] == [1, 2], "the old URL still finds the history"


def test_a_changed_canonical_url_is_a_move(tmp_path, room):
    config = write_config(tmp_path, room.base_url)
    crawl(config)
    slug, other = sorted(room.articles)[:2]
    room.set_canonical(slug, slug + "-canonical")
    crawl(config)
    [change] = changes(config)
    assert change["url"] == room.article_url(slug)
    assert change["kinds"] == ["moved"] and (change["from_revision"], change["to_revision"]) == (
        1,
        2,
    )


def test_removed_then_restored(tmp_path, room):
    config = write_config(tmp_path, room.base_url)
    crawl(config)
    slug = sorted(room.articles)[1]
    url, headline = room.article_url(slug), room.articles[slug].headline
    room.remove(slug, status=410)
    assert crawl(config)["removed"] == 1
    assert crawl(config)["removed"] == 0, "still gone is not a new removal"
    room.restore(slug)
    crawl(config)
    assert without_times(changes(config)) == [
        {
            "url": url,
            "site": "newsroom",
            "from_revision": 1,
            "to_revision": 2,
            "kinds": ["restored"],
            "significance": "substantive",
            "headline_before": headline,
            "headline_after": headline,
            "headline_forms": [],
            "headlines_before": {},
            "headlines_after": {},
            "silent": None,
            "disclosure": [],
            "notes": [],
            "added_words": 0,
            "removed_words": 0,
        },
        {
            "url": url,
            "site": "newsroom",
            "from_revision": 1,
            "to_revision": None,
            "kinds": ["removed"],
            "significance": "substantive",
            "headline_before": headline,
            "headline_after": None,
            "headline_forms": [],
            "headlines_before": {},
            "headlines_after": {},
            "silent": None,
            "disclosure": [],
            "notes": [],
            "added_words": 0,
            "removed_words": 0,
        },
    ]


def test_tracking_parameters_and_fragments_never_split_an_article(tmp_path, room):
    config = write_config(tmp_path, room.base_url)
    crawl(config)
    crawl(config)
    urls = article_urls(tmp_path)
    assert urls == sorted(room.article_url(s) for s in room.articles)
    front = [path for _, path, _ in room.requests if "utm_" in path or "#" in path]
    assert front == [], "links are cleaned before they are fetched"
