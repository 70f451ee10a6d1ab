"""Cluster workers confirm a differing article as a crawl does (DESIGN's noise principle):
`redline enqueue` sends the latest revision's fingerprint with each recheck, a worker
whose fetch differs from it fetches the page again at once, and `redline ingest` pairs
the two fetches, so a promo that changes on every request is never an edit."""

from __future__ import annotations

import json
import sqlite3

from redline.newsroom import Newsroom
from tests.crawling import changes, redline
from tests.equivalence import differences, reindexed, tables
from tests.test_cluster import cluster_config, cluster_pass, ingest, redis_url  # noqa: F401
from tests.test_confirmation_fetch import fetches_of, learned, one_word_edit


def verdicts(directory, url: str) -> list[str]:
    with sqlite3.connect(directory / "redline.db") as db:
        sql = "select verdict from captures where url = ? order by fetched_at, id"
        return [v for (v,) in db.execute(sql, [url])]


def cluster_round(config, room: Newsroom, slug: str) -> tuple[int, dict]:
    """One pass (enqueue, a worker, ingest): how often the page was fetched; the report."""
    before = fetches_of(room, slug)
    cluster_pass(config, 1, "--recheck", "all")
    report = ingest(config)
    assert report["faults"] == [], report
    return fetches_of(room, slug) - before, report


def test_a_worker_fetches_a_differing_page_again_at_once_and_its_noise_is_learned(
    tmp_path,
    redis_url,  # noqa: F811 (fixture)
):
    with Newsroom(articles=3, seed=21, noise=True) as room:
        config = cluster_config(tmp_path, room, redis_url, "confirm")
        slug = sorted(room.articles)[0]
        url = room.article_url(slug)
        room.articles[slug].promo = True
        assert cluster_round(config, room, slug)[0] == 1

        # Round 2: a real one-word edit, and the promo differs too: refetched, one change.
        one_word_edit(room, slug, 2)
        fetched, report = cluster_round(config, room, slug)
        assert fetched == 2, "the differing page is fetched again at once"
        assert report["changes"] == 1, report
        [change] = changes(config)
        assert change["kinds"] == ["body"] and change["added_words"] == 1, change
        diff = redline(config, "diff", url).stdout
        assert "Subscribe" not in diff and "round2" in diff, diff
        assert [n for _, n in learned(tmp_path)] == [1], "one occasion, not learned yet"

        # Round 3: only the promo differs: refetched once more, no change, learned.
        fetched, report = cluster_round(config, room, slug)
        assert fetched == 2 and report["changes"] == 0, report
        [(example, occasions)] = learned(tmp_path)
        assert occasions == 2 and example.startswith("Subscribe today: offer"), example
        sites = json.loads(redline(config, "sites", "--json").stdout)
        assert sites[0]["volatile"] == 1, sites

        # Round 4: the learned noise is sent with the recheck: one fetch, no change.
        fetched, report = cluster_round(config, room, slug)
        assert fetched == 1 and report["changes"] == 0, report
        others = [room.article_url(s) for s in sorted(room.articles)[1:]]

    assert len(changes(config)) == 1, "the promo never made a change"
    # Each first fetch that differed is held back for its refetch, as in a crawl.
    assert verdicts(tmp_path, url) == [
        "new", "refetched", "changed", "refetched", "unchanged", "unchanged",
    ]  # fmt: skip
    for other in others:  # no promo, so no refetch: ads and tokens are outside the article
        assert verdicts(tmp_path, other) == ["new", "unchanged", "unchanged", "unchanged"]
    assert differences(tables(tmp_path / "redline.db"), reindexed(config)) == {}
