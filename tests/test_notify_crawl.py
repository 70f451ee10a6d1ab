"""Notifications end to end: `redline crawl` of the local newsroom republishes the site
([publish] dir) and notifies a real local webhook; `reindex` neither resends nor forgets;
plain `ingest` never notifies, `ingest --follow` does."""

from __future__ import annotations

import json
import shutil

from redline.newsroom import Newsroom
from tests.crawling import crawl, redline, write_config
from tests.test_notify import Receiver


def project(directory, base_url: str, receiver: Receiver):
    directory.mkdir(exist_ok=True)
    extra = (
        '\n[publish]\nbase_url = "https://changes.example.org/"\ndir = "public"\n'
        f'\n[[notify]]\nurl = "{receiver.url}"\n'
    )
    return write_config(directory, base_url, extra=extra)


def test_crawl_publishes_then_notifies_and_reindex_keeps_what_was_sent(tmp_path):
    receiver, late = Receiver(), Receiver()
    try:
        with Newsroom(articles=3, seed=7, noise=False) as room:
            config = project(tmp_path / "a", room.base_url, receiver)
            assert crawl(config)["notified"] == {"sent": 0, "failed_targets": []}
            slugs = sorted(room.articles)
            room.edit(slugs[0], headline="Council narrowly approves the plan", silent=True)
            body = list(room.articles[slugs[1]].paragraphs)
            body[0] += " Officials later confirmed the figure."
            room.edit(slugs[1], paragraphs=body)
            summary = crawl(config)
            assert summary["notified"] == {"sent": 2, "failed_targets": []}
            assert len(receiver.posts) == 2
            for post in receiver.posts:
                link = post["message"].splitlines()[0]
                assert link.startswith("https://changes.example.org/diffs/")
                page = config.parent / "public" / link.removeprefix("https://changes.example.org/")
                assert page.is_file(), "the site was republished before the message went"
            assert "Council narrowly approves the plan (headline, silent edit)" in receiver.titles()

            assert redline(config, "reindex").returncode == 0
            assert crawl(config)["notified"]["sent"] == 0, "a rebuild resends nothing"
            assert len(receiver.posts) == 2

        follow = project(tmp_path / "c", room.base_url, late)
        plain = project(tmp_path / "b", room.base_url, late)
        shutil.copytree(config.parent / "archive", follow.parent / "archive")
        warcs = sorted(str(p) for p in (config.parent / "archive").glob("*.warc.gz"))
        result = redline(plain, "ingest", "--json", *warcs)
        assert result.returncode == 0, result.stderr[-2000:]
        assert json.loads(result.stdout)["changes"] == 2 and late.posts == []
        result = redline(follow, "ingest", "--follow", "--once", "--json")
        assert result.returncode == 0, result.stderr[-2000:]
        assert json.loads(result.stdout)["notified"] == {"sent": 2, "failed_targets": []}
        assert sorted(late.titles()) == sorted(receiver.titles())
    finally:
        receiver.close()
        late.close()
