"""Each kind of edit, made by the newsroom between two crawls, gives the exact change."""

from __future__ import annotations

import re

import pytest

from redline.newsroom import Newsroom
from tests.crawling import changes, crawl, write_config

NEW_PARAGRAPH = "The council will publish the full report on its website next week."


def one_word(p):
    return [p[0].replace(" said ", " claimed ", 1), *p[1:]]


def bump_number(p):
    match = re.search(r"\d+", p[0])
    return [p[0][: match.start()] + str(int(match.group()) + 1) + p[0][match.end() :], *p[1:]]


def punctuation(p):
    return [p[0].replace(". ", "; ", 1), *p[1:]]


EDITS = {
    "one word": lambda p: {"paragraphs": one_word(p)},
    "number": lambda p: {"paragraphs": bump_number(p)},
    "added": lambda p: {"paragraphs": [*p, NEW_PARAGRAPH]},
    "removed": lambda p: {"paragraphs": [p[0], *p[2:]]},
    "moved": lambda p: {"paragraphs": [*p[1:], p[0]]},
    "byline": lambda p: {"byline": "By Lucy Moreno"},
    "punctuation": lambda p: {"paragraphs": punctuation(p)},
}


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("edits")
    with Newsroom(articles=len(EDITS) + 1, seed=21, noise=True) as room:
        config = write_config(tmp, room.base_url)
        crawl(config)
        slugs = sorted(room.articles)
        before = {}
        for (name, edit), slug in zip(EDITS.items(), slugs):
            article = room.articles[slug]
            before[name] = (
                room.article_url(slug),
                article.headline,
                list(article.paragraphs),
                article.byline,
            )
            room.edit(slug, **edit(list(article.paragraphs)))
        summary = crawl(config)
        untouched = room.article_url(slugs[-1])
    by_url = {c["url"]: c for c in changes(config)}
    return summary, by_url, before, untouched


def expect(before, name, kinds, significance, added, removed):
    url, headline = before[name][:2]
    return {
        "url": url,
        "site": "newsroom",
        "from_revision": 1,
        "to_revision": 2,
        "kinds": kinds,
        "significance": significance,
        "headline_before": headline,
        "headline_after": headline,
        "headline_forms": [],
        "headlines_before": {},
        "headlines_after": {},
        # The newsroom's CMS moves dateModified with every edit: acknowledged, not silent.
        "silent": False,
        "disclosure": ["modified_date"],
        "notes": [],
        "added_words": added,
        "removed_words": removed,
    }


def strip(change):
    return {
        k: v
        for k, v in change.items()
        if k not in ("article_id", "from_captured_at", "to_captured_at")
    }


@pytest.mark.parametrize(
    "name, kinds, significance, added, removed",
    [
        ("one word", ["body"], "substantive", 1, 1),
        ("number", ["body"], "substantive", 1, 1),
        ("added", ["body"], "substantive", len(NEW_PARAGRAPH.split()), 0),
        ("moved", ["body"], "substantive", 0, 0),
        ("byline", ["byline"], "substantive", 2, None),
        ("punctuation", ["body"], "minor", 0, 0),
    ],
)
def test_each_edit_gives_its_exact_change(edited, name, kinds, significance, added, removed):
    _, by_url, before, _ = edited
    got = strip(by_url[before[name][0]])
    want = expect(before, name, kinds, significance, added, removed)
    if name == "byline":  # "By James Haddad" is read as "James Haddad"
        want["removed_words"] = len(before[name][3].split()) - 1
    assert got == want


def test_a_removed_paragraph_counts_its_words(edited):
    _, by_url, before, _ = edited
    url, _, paragraphs, _ = before["removed"]
    assert strip(by_url[url]) == expect(
        before, "removed", ["body"], "substantive", 0, len(paragraphs[1].split())
    )


def test_noise_alone_is_no_change(edited):
    summary, by_url, _, untouched = edited
    assert untouched not in by_url
    assert summary["changed"] == len(EDITS)


def test_a_paywall_everywhere_is_an_extraction_failure_not_deletions(tmp_path):
    with Newsroom(articles=3, seed=5, noise=True) as room:
        config = write_config(tmp_path, room.base_url)
        crawl(config)
        for slug in room.articles:
            room.edit(slug, paragraphs=["Subscribe to continue reading this article."])
        summary = crawl(config)
    assert summary["extraction_failed"] == 3 and summary["changed"] == 0
    assert [s["site"] for s in summary["sites_failing"]] == ["newsroom"]
    assert changes(config) == []
