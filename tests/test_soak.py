"""Soak (`make soak`, not part of `make test`): a crawl of 20,000 newsroom pages into 50 MB
rollover WARCs, SIGKILLed 20 times at random points; each restart heals the killed `.open`
file and goes on. Then: `redline verify` exits 0; `reindex` into a copy and `ingest` into a
fresh index give the crawl's tables, ids included; warcio reads every file fully with the
records our reader finds; no record complete in a killed file went to torn/.

Prints the figures. Overrides: REDLINE_SOAK_PAGES, REDLINE_SOAK_KILLS, REDLINE_SOAK_WARC_MB,
REDLINE_SOAK_SEED; REDLINE_SOAK_FIGURES=path also writes the figures there.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.crawl import CONFIG  # the bulk site, as the benchmarks crawl it
from redline.newsroom import Newsroom
from tests.crawling import redline
from tests.index_tables import (
    articles_without_revision,
    dump_tables,
    fts_problems,
    table_differences,
)
from tests.warc_members import complete_records, healing_problems, our_records

PAGES = int(os.environ.get("REDLINE_SOAK_PAGES", 20_000))
KILLS = int(os.environ.get("REDLINE_SOAK_KILLS", 20))
WARC_MB = float(os.environ.get("REDLINE_SOAK_WARC_MB", 50))
SEED = int(os.environ.get("REDLINE_SOAK_SEED", 20261202))
LONG = 4 * 3600  # a subprocess limit that only a hang reaches
ARTICLE = re.compile(r"^/\d{4}/\d{2}/[A-Za-z0-9_-]+/?$")

pytestmark = pytest.mark.soak


class ArticleFetches:
    """How many article pages the newsroom has served so far (counted as they come)."""

    def __init__(self, room: Newsroom) -> None:
        self.room, self.seen, self.count = room, 0, 0

    def __call__(self) -> int:
        new = self.room.requests[self.seen :]
        self.seen += len(new)
        self.count += sum(1 for method, path, _ in new if method == "GET" and ARTICLE.match(path))
        return self.count


def start_crawl(config: Path) -> subprocess.Popen:
    """A crawl whose stderr goes to crawl.log beside the config (why a restart failed)."""
    with (config.parent / "crawl.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "redline", "-c", str(config), "crawl", "--recheck", "none"],
            cwd=config.parent,
            stdout=subprocess.DEVNULL,
            stderr=log,
            env=dict(os.environ, PYTHONWARNINGS="ignore"),
        )


def crawl_and_kill(config: Path, fetches: ArticleFetches, at: int, rng: random.Random) -> bool:
    """Crawl until `at` article fetches in all, then SIGKILL; False if the pass ended first."""
    process = start_crawl(config)
    while fetches() < at:
        if process.poll() is not None:
            log = (config.parent / "crawl.log").read_text(errors="replace")[-3000:]
            assert process.returncode == 0, (
                f"the crawl failed with exit {process.returncode}: {log}"
            )
            return False
        time.sleep(0.01)
    time.sleep(rng.uniform(0, 0.05))  # anywhere in the writing of the next records
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    return True


def keep_killed(archive: Path, kept: Path, originals: dict[str, Path]) -> None:
    """Copy each `.open` file the kill left (first sighting: its state as the kill left it)."""
    kept.mkdir(exist_ok=True)
    for path in archive.glob("*.open"):
        if path.name not in originals:
            originals[path.name] = Path(shutil.copy2(path, kept / path.name))


def run_crawls(tmp: Path, room: Newsroom, rng: random.Random) -> dict:
    config = tmp / "redline.toml"
    base = room.base_url
    config.write_text(f"warc_max_bytes = {int(WARC_MB * 1_000_000)}\n"
                      + CONFIG.format(base=base, pattern=base.replace(".", "\\\\.")))  # fmt: skip
    fetches, originals = ArticleFetches(room), {}
    points = sorted(rng.sample(range(1, PAGES), KILLS))
    kills = 0
    for point in points:
        if fetches() < point and crawl_and_kill(config, fetches, point, rng):
            kills += 1  # (a pass that ends first, refetching little, just moves on)
            keep_killed(tmp / "archive", tmp / "killed", originals)
    passes = []
    for _ in range(3):  # uninterrupted, until every page is indexed
        result = redline(config, "crawl", "--recheck", "none", "--json", timeout=LONG)
        assert result.returncode == 0, result.stderr[-3000:]
        passes.append(json.loads(result.stdout))
        if articles_in(tmp / "redline.db") >= PAGES:
            break
    return {"config": config, "kills": kills, "originals": originals, "fetches": fetches()}


def articles_in(db_path: Path) -> int:
    with sqlite3.connect(db_path) as db:
        return db.execute("select count(*) from articles").fetchone()[0]


def file_problems(archive: Path) -> tuple[list[str], int]:
    """warcio and our reader on every file: the same records, all complete. (problems, records)"""
    problems, records = [], 0
    for path in sorted(archive.glob("*.warc.gz")):
        data = path.read_bytes()
        theirs = complete_records(data)
        ours, faults = our_records(path)
        records += len(theirs)
        if ours != [(m.offset, m.length) for m in theirs] or faults:
            problems.append(f"{path.name}: warcio reads {len(theirs)} records, we read "
                            f"{len(ours)}; faults {[str(f) for f in faults[:3]]}")  # fmt: skip
        if sum(m.length for m in theirs) != len(data):
            problems.append(f"{path.name}: {len(data) - sum(m.length for m in theirs)} bytes "
                            "no complete record owns")  # fmt: skip
    return problems, records


def healing_report(archive: Path, originals: dict[str, Path]) -> tuple[list[str], int, int]:
    """(problems, torn bytes, lone captures cut) over every file a kill left `.open`."""
    problems, torn_bytes, lone = [], 0, 0
    for name, copy in sorted(originals.items()):
        original = copy.read_bytes()
        final = archive / name.removesuffix(".open")
        healed = final.read_bytes() if final.exists() else b""
        tails = sorted((archive / "torn").glob(f"{name}.*.tail"))
        tail = tails[-1].read_bytes() if tails else b""
        problems += [f"{name}: {p}" for p in healing_problems(original, healed, tail)]
        torn_bytes += len(tail)
        if tail:  # the complete records cut: at most a capture whose request never came
            lone += sum(1 for m in complete_records(original) if m.offset >= len(healed))
    return problems, torn_bytes, lone


def rebuilt_index(tmp: Path, config: Path, name: str, *command: str) -> tuple[Path, float]:
    """The archive copied to tmp/name, indexed afresh there by `command`; (db, seconds)."""
    where = tmp / name
    shutil.copytree(tmp / "archive", where / "archive")
    shutil.copy2(config, where / "redline.toml")
    files = [str(p) for p in sorted((where / "archive").glob("*.warc.gz"))]
    started = time.monotonic()
    args = [a for c in command for a in (files if c == "FILES" else [c])]
    result = redline(where / "redline.toml", *args, timeout=LONG)
    assert result.returncode == 0, f"{command}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    return where / "redline.db", time.monotonic() - started


def test_soak(tmp_path):
    rng = random.Random(SEED)
    started = time.monotonic()
    with Newsroom.bulk(PAGES, noise=False) as room:
        run = run_crawls(tmp_path, room, rng)
    crawl_s = time.monotonic() - started
    config, archive, db = run["config"], tmp_path / "archive", tmp_path / "redline.db"
    problems = [f"{p.name} left open" for p in archive.glob("*.open")]
    if articles_in(db) != PAGES:
        problems.append(f"{articles_in(db)} articles indexed of {PAGES}")
    t = time.monotonic()
    verify = redline(config, "verify", timeout=LONG)
    verify_s = time.monotonic() - t
    if verify.returncode != 0:
        problems.append(f"verify exit {verify.returncode}: {verify.stdout[-2000:]}")
    read_problems, records = file_problems(archive)
    healed_problems, torn_bytes, lone = healing_report(archive, run["originals"])
    problems += read_problems + healed_problems + fts_problems(db)
    problems += [f"{url}: captured, never tracked" for url in articles_without_revision(db)]
    crawled = dump_tables(db, captures_by_record=True)
    reindexed, reindex_s = rebuilt_index(tmp_path, config, "reindexed", "reindex")
    ingested, ingest_s = rebuilt_index(tmp_path, config, "ingested", "ingest", "FILES")
    for what, other in (("reindex", reindexed), ("ingest", ingested)):
        problems += [
            f"{what} vs crawl: {d}"
            for d in table_differences(crawled, dump_tables(other, captures_by_record=True))
        ]
    figures = {
        "pages": PAGES, "articles indexed": articles_in(db), "article fetches": run["fetches"],
        "files": len(list(archive.glob("*.warc.gz"))), "records": records,
        "captures": len(crawled.get("captures", [])), "warc_max_bytes": int(WARC_MB * 1e6),
        "archive bytes": sum(p.stat().st_size for p in archive.glob("*.warc.gz")),
        "kills": run["kills"], "recovered files": len(run["originals"]),
        "torn bytes": torn_bytes, "lone captures cut": lone,
        "crawl seconds": round(crawl_s), "verify seconds": round(verify_s),
        "reindex seconds": round(reindex_s), "ingest seconds": round(ingest_s),
        "total seconds": round(time.monotonic() - started), "problems": len(problems),
    }  # fmt: skip
    report(figures, problems)
    assert problems == [], "\n".join(problems[:30])


def report(figures: dict, problems: list[str]) -> None:
    text = "\n".join(f"{k}: {v}" for k, v in figures.items())
    text += "".join(f"\nproblem: {p}" for p in problems[:30])
    print("\nsoak figures\n" + text)
    if os.environ.get("REDLINE_SOAK_FIGURES"):
        Path(os.environ["REDLINE_SOAK_FIGURES"]).write_text(text + "\n")
