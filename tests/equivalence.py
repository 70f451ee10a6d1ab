"""Seeded random lives of newsroom articles, crawled round after round, and the index
those crawls wrote compared, table by table and id by id, with `reindex` and `ingest`.

The stage is the local newsroom plus what a real site also does to an article: answer a
page with no markup (extraction fails), send readers to a consent host (an off-site
redirect), drop its validators (so a refetch is an identical-payload revisit), put a promo that
changes on every request inside the article (refetched at once, learned as noise).
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

from redline.newsroom import Newsroom, _redirect
from redline.newsroom.model import Reply, html_reply
from tests.crawling import crawl, redline, write_config
from tests.index_tables import SKIPPED as NOT_REBUILT  # outside what reindex rebuilds


class Stage(Newsroom):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.broken: set[str] = set()  # a 200 with no markup at all
        self.offsite: set[str] = set()  # 302 to a consent wall on another host
        self.bare: set[str] = set()  # no ETag / Last-Modified

    def consent_url(self, slug: str) -> str:
        # localhost is the same server under a host name the site does not own.
        return self.article_url(slug).replace("127.0.0.1", "localhost")

    def _article(self, slug: str, path: str) -> Reply:
        article = self.articles.get(slug)
        if article is not None and article.live and slug in self.offsite:
            return replace(_redirect(self.consent_url(slug)), status=302)
        if article is not None and article.live and slug in self.broken:
            return html_reply(200, "Service busy: please retry in a minute.")
        reply = super()._article(slug, path)
        return replace(reply, etag=None, last_modified=None) if slug in self.bare else reply


EVENTS = {  # weight of each event per article per round
    "same": 60, "edit": 8, "back": 4, "move": 3, "canonical": 2, "gone": 4, "broken": 3,
    "paywall": 2, "offsite": 2, "bare": 3, "promo": 3,
}  # fmt: skip


class Script:
    """Random events on a Stage, each article's earlier versions kept for A/B repeats."""

    def __init__(self, room: Stage, seed: int) -> None:
        self.room = room
        self.rng = random.Random(seed)
        self.versions = {s: [list(a.paragraphs)] for s, a in room.articles.items()}
        self.undo: dict[str, str] = {}  # slug -> how its temporary state ends
        self.log: list[tuple[int, str, str]] = []
        self.gone = 0

    def current(self) -> list[str]:
        return sorted(s for s, a in self.room.articles.items() if a.redirect_to is None)

    def play(self, round_no: int) -> None:
        # Round 1 gives each event to one article, whatever the seed; then chance decides.
        first = iter([e for e in EVENTS if e != "same"] if round_no == 1 else [])
        for slug in self.current():
            if slug in self.undo:
                if self.rng.random() < 0.6:
                    self._end(slug)
                continue
            event = next(first, None) or self.rng.choices(list(EVENTS), list(EVENTS.values()))[0]
            if event != "same":
                self.log.append((round_no, slug, event))
                getattr(self, "_" + event)(slug, round_no)
        for _ in range(self.rng.randint(0, 2)):
            article = self.room.add_article()
            self.versions[article.slug] = [list(article.paragraphs)]
            self.log.append((round_no, article.slug, "added"))

    def _end(self, slug: str) -> None:
        how = self.undo.pop(slug)
        room = self.room
        if how == "gone":
            room.restore(slug)
        elif how == "paywall":
            room.edit(slug, paragraphs=self.versions[slug][-1])
        else:
            getattr(room, how).discard(slug)

    def _edit(self, slug: str, round_no: int) -> None:
        paragraphs = list(self.room.articles[slug].paragraphs)
        paragraphs[0] += f" The council confirmed this in round {round_no}."
        self.room.edit(slug, paragraphs=paragraphs)
        self.versions[slug].append(paragraphs)

    def _back(self, slug: str, round_no: int) -> None:
        self.room.edit(slug, paragraphs=self.rng.choice(self.versions[slug]))

    def _move(self, slug: str, round_no: int) -> None:
        new = f"{slug}-r{round_no}"
        self.room.move(slug, new)
        self.versions[new] = self.versions[slug]

    def _canonical(self, slug: str, round_no: int) -> None:
        self.room.set_canonical(slug, f"{slug}-c{round_no}")

    def _gone(self, slug: str, round_no: int) -> None:
        self.gone += 1
        self.room.remove(slug, (404, 410)[self.gone % 2])
        self.undo[slug] = "gone"

    def _paywall(self, slug: str, round_no: int) -> None:
        self.room.edit(slug, paragraphs=["Subscribe to continue reading this article."])
        self.undo[slug] = "paywall"

    def _promo(self, slug: str, round_no: int) -> None:
        # From now on an in-body promo changes on every request: refetched, then learned.
        self.room.articles[slug].promo = True

    def _broken(self, slug: str, round_no: int) -> None:
        self.room.broken.add(slug)
        self.undo[slug] = "broken"

    def _offsite(self, slug: str, round_no: int) -> None:
        self.room.offsite.add(slug)
        self.undo[slug] = "offsite"

    def _bare(self, slug: str, round_no: int) -> None:
        self.room.bare.add(slug)
        self.undo[slug] = "bare"


def tables(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (ids included)."""
    with sqlite3.connect(db_path) as db:
        names = [
            r[0]
            for r in db.execute("select name from sqlite_master where type = 'table' order by name")
        ]
        return {n: sorted(db.execute(f'select * from "{n}"'), key=repr)
                for n in names if n not in NOT_REBUILT}  # fmt: skip


def play_crawls(directory: Path, *, articles: int, rounds: int, seed: int, noise: bool):
    """The crawl's config and the tables its rounds wrote; the script's event log."""
    directory.mkdir(parents=True, exist_ok=True)
    with Stage(articles=articles, seed=seed, noise=noise) as room:
        config = write_config(directory, room.base_url)
        script = Script(room, seed)
        summaries = [crawl(config)]
        for round_no in range(1, rounds):
            script.play(round_no)
            summaries.append(crawl(config))
    return config, summaries, script.log


def reindexed(config: Path) -> dict[str, list[tuple]]:
    copy = config.parent / "reindexed.db"
    shutil.copy(config.parent / "redline.db", copy)
    result = redline(config, "reindex", "--json", timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    rebuilt = tables(config.parent / "redline.db")
    shutil.copy(copy, config.parent / "redline.db")  # the crawl's index back in place
    for suffix in ("-wal", "-shm"):
        Path(str(config.parent / "redline.db") + suffix).unlink(missing_ok=True)
    return rebuilt


def ingested(config: Path, fresh: Path) -> dict[str, list[tuple]]:
    """The crawl's WARC files ingested into a fresh index, the last file first (so the
    others arrive late and trigger the rebuild a cluster's late worker file does)."""
    fresh.mkdir()
    files = sorted((config.parent / "archive").glob("*.warc.gz"))
    other = fresh / "redline.toml"
    other.write_text(config.read_text())
    for batch in ([files[-1]], files[:-1]) if len(files) > 1 else ([files[0]],):
        result = redline(other, "ingest", "--json", *map(str, batch), timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
    assert len(files) == 1 or json.loads(result.stdout).get("rebuilt"), "late files rebuild"
    rows = tables(fresh / "redline.db")
    # Imported copies live under imported/: the file column names that copy.
    rows["captures"] = [(*r[:5], Path(r[5]).name, *r[6:]) for r in rows["captures"]]
    return rows


def verdicts_seen(rows: dict) -> set[tuple]:
    """(record type, status, verdict) of every article capture: what the rounds exercised."""
    return {(r[2], r[8], r[12]) for r in rows["captures"] if r[12]}


def differences(want: dict, got: dict) -> dict[str, tuple[int, int]]:
    """Per table: (rows of `want` missing from `got`, rows of `got` not in `want`)."""
    out = {}
    for name in sorted(set(want) | set(got)):
        a, b = set(want.get(name, [])), set(got.get(name, []))
        if a != b:
            out[name] = (len(a - b), len(b - a))
    return out
