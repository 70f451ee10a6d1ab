"""The real world, crawled through the newsroom: noise-only recaptures report nothing, and
every real nu.nl headline edit is reported as a headline change, and nothing else is."""

from __future__ import annotations

import pytest

from diffing.normalise import normalise_text
from redline.newsroom import Newsroom
from tests.crawling import changes, crawl

CORPUS_SITE = """\
archive_dir = "archive"
database = "redline.db"
[[sites]]
name = "corpus"
start_urls = ["{base}/corpus/index.html"]
article_pattern = "^{pattern}/corpus/{kind}/"
max_per_pass = 1000
"""


def corpus_config(tmp_path, room, kind):
    path = tmp_path / "redline.toml"
    pattern = room.base_url.replace(".", "\\\\.")
    path.write_text(CORPUS_SITE.format(base=room.base_url, pattern=pattern, kind=kind))
    return path


@pytest.fixture
def room(corpus):
    with Newsroom(articles=2, seed=1, corpus=corpus) as newsroom:
        yield newsroom


def test_noise_only_recaptures_report_no_edit(tmp_path, room, corpus):
    config = corpus_config(tmp_path, room, "recaptures")
    pages = [p for p in (corpus / "recaptures-noise-only").iterdir() if p.is_dir()]
    most = max(len(list(p.glob("v*.html"))) for p in pages)
    room.recapture_version = 1
    first = crawl(config)
    assert first["new_articles"] >= len(pages) * 0.9, first
    for version in range(2, most + 1):
        room.recapture_version = version
        summary = crawl(config)
        assert summary["changed"] == 0, (version, summary)
    assert changes(config) == []


def served_titles(room, ids, snapshots):
    return {i: [room_title(room, i, s) for s in snapshots] for i in ids}


def room_title(room, item_id, snapshot):
    return normalise_text(room.corpus.nunl_item(item_id, snapshot)["title"])


def test_every_real_headline_edit_is_reported_and_nothing_else(tmp_path, room):
    config = corpus_config(tmp_path, room, "nunl")
    pages = room.corpus
    ids = pages.nunl_ids()
    count = len(pages.nunl_snapshots)
    titles = served_titles(room, ids, range(count))
    moments = [0] + [
        s for s in range(1, count) if any(titles[i][s] != titles[i][s - 1] for i in ids)
    ]
    expected = set()
    for i in ids:
        seen = {titles[i][0]}
        for before, now in zip(moments, moments[1:]):
            if titles[i][now] not in seen:  # a version seen before is not reported again
                expected.add((i, titles[i][before], titles[i][now]))
                seen.add(titles[i][now])
    assert len(expected) >= 15, "the corpus holds a day of real headline edits"
    for snapshot in moments:
        room.nunl_snapshot = snapshot
        crawl(config)
    reported = changes(config)
    assert all(c["kinds"] == ["headline"] for c in reported), [c["kinds"] for c in reported]
    got = {
        (
            int(c["url"].rstrip("/").rsplit("/", 1)[-1]),
            normalise_text(c["headline_before"]),
            normalise_text(c["headline_after"]),
        )
        for c in reported
    }
    assert got == expected
    assert len(reported) == len(expected)
