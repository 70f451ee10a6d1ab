"""An extractor upgrade never looks like edits (the contract's extractor-upgrade rule).

The index and archive are written by the real code of the release before headline forms
and the new extractor (its tree taken from git history), crawling the local newsroom and
real pages; today's code then recaptures them after one real edit, while the real pages
change only in their page noise (new payloads, so each is extracted again): exactly the
one edit is reported, however differently the new extractor reads the old pages.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from redline.newsroom import Newsroom
from tests.crawling import ROOT, changes, crawl

# The last landing before issue 12 (extractor version 1: no headline forms, no versions).
PREVIOUS_RELEASE = "4620508"

CONFIG = """\
archive_dir = "archive"
database = "redline.db"
user_agent = "redline-test (+https://example.org/bot)"

[[sites]]
name = "newsroom"
feeds = ["{base}/rss.xml"]
start_urls = ["{base}/corpus/index.html"]
article_pattern = "^{pattern}/(\\\\d{{4}}/\\\\d{{2}}/|corpus/recaptures/)"
"""


@pytest.fixture(scope="module")
def previous_release(tmp_path_factory) -> Path:
    """The previous release's packages, from git history (no install: same dependencies)."""
    tree = tmp_path_factory.mktemp("previous-release")
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", PREVIOUS_RELEASE,
         "redline", "crawler", "archive", "diffing"],
        capture_output=True,
    )  # fmt: skip
    if archive.returncode != 0:
        pytest.skip(f"this checkout has no git history with {PREVIOUS_RELEASE}: {archive.stderr!r}")
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def crawl_with(tree: Path, config: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONWARNINGS="ignore")
    result = subprocess.run(
        [sys.executable, "-m", "redline", "-c", str(config), "crawl", "--recheck", "all", "--json"],
        capture_output=True, text=True, timeout=300, cwd=config.parent, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_after_an_upgrade_only_the_real_edit_is_reported(tmp_path, corpus, previous_release):
    with Newsroom(articles=6, seed=5, noise=True, corpus=corpus) as room:
        config = tmp_path / "redline.toml"
        pattern = room.base_url.replace(".", "\\\\.")
        config.write_text(CONFIG.format(base=room.base_url, pattern=pattern))
        room.recapture_version = 1
        before = crawl_with(previous_release, config)
        assert before["new_articles"] >= 100, before
        with sqlite3.connect(tmp_path / "redline.db") as db:
            columns = {row[1] for row in db.execute("pragma table_info(revisions)")}
        assert "extractor" not in columns, "the first crawl ran the previous release's code"
        # An edit the previous release recorded: its change keeps `silent: null`.
        old_slug = sorted(room.articles)[1]
        room.edit(old_slug, headline=room.articles[old_slug].headline + ", officials say")
        assert crawl_with(previous_release, config)["changed"] == 1

        slug = sorted(room.articles)[0]
        first, *rest = room.articles[slug].paragraphs
        words = first.split()
        words[1] = "Edited" if words[1] != "Edited" else "Changed"
        room.edit(slug, paragraphs=[" ".join(words), *rest])
        room.recapture_version = 2
        after = crawl(config)
        found = changes(config)
        assert [(c["url"], c["kinds"], c["silent"], c["disclosure"]) for c in found] == [
            (room.article_url(slug), ["body"], False, ["modified_date"]),  # the newsroom's
            (room.article_url(old_slug), ["headline"], None, []),  # CMS moves dateModified
        ], found
        assert after["changed"] == 1, after

    with sqlite3.connect(tmp_path / "redline.db") as db:
        baselines, with_forms = db.execute(
            "select count(*), sum(headlines is not null) from revisions where number = 2"
            " and extractor >= 2 and article_id not in (select article_id from changes)"
        ).fetchone()
        read_differently = db.execute(
            "select count(*) from revisions r1 join revisions r2 on r1.article_id ="
            " r2.article_id and r1.number = 1 and r2.number = 2 where r1.body != r2.body"
            " or r1.headline != r2.headline"
        ).fetchone()[0]
    # Every page whose payload changed now has the new extraction as its baseline, forms
    # included; those the new extractor reads differently are among them, still no change.
    assert baselines == with_forms >= 100, (baselines, with_forms)
    print(
        f"{baselines} baseline revisions; {read_differently} read differently by the new extractor"
    )
