"""Recovery at the start of a crawl touches only what a killed run really left untracked."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from redline.newsroom import Newsroom, _redirect
from tests.crawling import redline, write_config

NOWHERE = {0: "javascript:void(0)", 1: "file:///etc/passwd"}


class Nowhere(Newsroom):
    """Two of its articles redirect to a URL no crawler may follow, from the start."""

    def _article(self, slug: str, path: str):
        order = list(self.articles)
        if slug in order and order.index(slug) in NOWHERE:
            return replace(_redirect(NOWHERE[order.index(slug)]), status=302)
        return super()._article(slug, path)


def capture_ids(database) -> list[int]:
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("select id from captures order by id")]


def test_redirects_to_javascript_or_file_are_never_recovered_again(tmp_path):
    with Nowhere(articles=4, seed=6) as room:
        config = write_config(tmp_path, room.base_url)
        runs = [redline(config, "crawl")]
        before = capture_ids(tmp_path / "redline.db")
        runs.append(redline(config, "crawl"))
        after = capture_ids(tmp_path / "redline.db")
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert "2 new articles" in runs[0].stdout
    assert all("recovered after a crash" not in r.stderr for r in runs), runs[-1].stderr
    assert before == after[: len(before)], "no capture row is dropped and indexed again"
