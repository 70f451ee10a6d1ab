"""Every headline form is tracked: a rewrite of the social or document title alone is a
headline change naming the form; an A/B test of one form is reported once."""

from __future__ import annotations

import json

import pytest

from redline.newsroom import Newsroom
from tests.crawling import changes, crawl, redline, write_config


@pytest.fixture
def room():
    with Newsroom(articles=3, seed=7, noise=True) as newsroom:
        yield newsroom


def first_slug(room) -> str:
    return sorted(room.articles)[0]


def test_a_social_headline_rewrite_alone_is_reported_with_its_form(tmp_path, room):
    config = write_config(tmp_path, room.base_url)
    crawl(config)
    slug = first_slug(room)
    visible = room.articles[slug].headline
    room.articles[slug].social = ["Police name the suspect in harbour fire"]
    summary = crawl(config)
    assert summary["changed"] == 1, summary
    [change] = changes(config)
    assert change["kinds"] == ["headline"] and change["headline_forms"] == ["social"]
    assert change["headline_before"] == change["headline_after"] == visible
    assert change["headlines_before"] == {"social": visible}
    assert change["headlines_after"] == {"social": "Police name the suspect in harbour fire"}
    assert change["significance"] == "substantive"

    shown = redline(config, "diff", room.article_url(slug))
    assert shown.returncode == 0 and "headline (social):" in shown.stdout, shown.stdout
    history = json.loads(redline(config, "history", room.article_url(slug), "--json").stdout)
    assert history[-1]["headlines"]["social"] == "Police name the suspect in harbour fire"
    assert history[-1]["headlines"]["visible"] == visible
    assert set(history[-1]["headlines"]) == {"visible", "title", "social", "structured"}


def test_a_document_title_change_alone_is_a_title_headline_change(tmp_path, room):
    config = write_config(tmp_path, room.base_url)
    crawl(config)
    slug = first_slug(room)
    room.articles[slug].title = "Harbour fire: what we know so far"
    crawl(config)
    [change] = changes(config)
    assert change["kinds"] == ["headline"] and change["headline_forms"] == ["title"], change
    assert change["headlines_after"] == {"title": "Harbour fire: what we know so far"}


def test_an_ab_test_of_the_social_headline_is_reported_once(tmp_path, room):
    config = write_config(tmp_path, room.base_url)
    slug = first_slug(room)
    crawl(config)
    room.articles[slug].social = ["Version A of the story", "Version B of the story"]
    for _ in range(4):  # the variants alternate from one request to the next
        crawl(config)
    found = [c for c in changes(config) if c["headline_forms"]]
    afters = [c["headlines_after"]["social"] for c in found]
    # Each distinct version is reported the first time it appears, never again (which
    # versions the tracked fetches saw depends on the confirming refetches' turns).
    assert afters and len(afters) == len(set(afters)), found
    assert set(afters) <= {"Version A of the story", "Version B of the story"}, found
