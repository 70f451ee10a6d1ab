"""Noise inside the article (DESIGN's noise principle): a recapture whose article differs
is fetched again at once; what differs between the two fetches is never an edit, and is
learned as the site's per-request noise on its second occasion."""

from __future__ import annotations

import json
import sqlite3

import pytest

from redline.newsroom import Newsroom
from tests.crawling import changes, crawl, redline, write_config
from tests.equivalence import differences, reindexed, tables


@pytest.fixture
def room():
    with Newsroom(articles=3, seed=21, noise=True) as newsroom:
        yield newsroom


def fetches_of(room, slug: str) -> int:
    path = room.article_url(slug).removeprefix(room.base_url)
    return sum(1 for method, p, _ in room.requests if method == "GET" and p == path)


def one_word_edit(room, slug: str, round_no: int) -> None:
    first, *rest = room.articles[slug].paragraphs
    words = first.split()
    words[2] = f"round{round_no}"
    room.edit(slug, paragraphs=[" ".join(words), *rest])


def learned(tmp_path) -> list[tuple[str, int]]:
    with sqlite3.connect(tmp_path / "redline.db") as db:
        return db.execute("select example, occasions from volatile_texts").fetchall()


def test_a_promo_changing_on_every_request_is_refetched_then_learned_never_an_edit(tmp_path, room):
    config = write_config(tmp_path, room.base_url)
    slug = sorted(room.articles)[0]
    room.articles[slug].promo = True
    crawl(config)

    # Round 2: a real one-word edit, and the promo differs too: refetched, one change.
    one_word_edit(room, slug, 2)
    before = fetches_of(room, slug)
    summary = crawl(config)
    assert fetches_of(room, slug) - before == 2, "the differing page is fetched again at once"
    [change] = changes(config)
    assert change["kinds"] == ["body"] and change["added_words"] == 1, change
    diff = redline(config, "diff", room.article_url(slug)).stdout
    assert "Subscribe" not in diff and "round2" in diff, diff
    assert summary["changed"] == 1, summary
    assert [n for _, n in learned(tmp_path)] == [1], "one occasion, not learned yet"

    # Round 3: only the promo differs: refetched once more, no change, learned.
    before = fetches_of(room, slug)
    summary = crawl(config)
    assert fetches_of(room, slug) - before == 2 and summary["changed"] == 0, summary
    [(example, occasions)] = learned(tmp_path)
    assert occasions == 2 and example.startswith("Subscribe today: offer"), example
    sites = json.loads(redline(config, "sites", "--json").stdout)
    assert sites[0]["volatile"] == 1, sites

    # Round 4: learned noise is no difference at all: one fetch, no change.
    before = fetches_of(room, slug)
    summary = crawl(config)
    assert fetches_of(room, slug) - before == 1 and summary["changed"] == 0, summary

    # Round 5: a real edit is still reported, exactly once.
    one_word_edit(room, slug, 5)
    crawl(config)
    assert [c["to_revision"] for c in changes(config)] == [3, 2]
    assert differences(tables(tmp_path / "redline.db"), reindexed(config)) == {}


def test_a_refetch_identical_to_the_first_fetch_confirms_the_edit(tmp_path, room):
    """Without per-request noise the second fetch is an identical-payload revisit of the
    first: the edit stands, reported once, and reindex rebuilds the same rows."""
    config = write_config(tmp_path, room.base_url)
    crawl(config)
    slug = sorted(room.articles)[1]
    one_word_edit(room, slug, 2)
    before = fetches_of(room, slug)
    summary = crawl(config)
    assert fetches_of(room, slug) - before == 2 and summary["changed"] == 1, summary
    assert [c["kinds"] for c in changes(config)] == [["body"]]
    assert learned(tmp_path) == []
    assert differences(tables(tmp_path / "redline.db"), reindexed(config)) == {}
