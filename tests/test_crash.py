"""Crash safety: crawls killed with SIGKILL at random moments, then `redline verify --repair`
and a normal crawl; nothing unreadable, no complete capture lost or indexed twice."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from archive.repair import close_open_file
from archive.warc_reader import iter_records
from archive.warc_writer import WarcWriter
from redline.newsroom import Newsroom
from tests.crawling import crawl, redline, start_crawl, story_exchange, write_config

KILLS = 3
SEED = 20261128


def test_closing_an_open_file_keeps_every_whole_record_and_saves_the_torn_tail(tmp_path):
    with WarcWriter(tmp_path) as writer:
        writer.write_exchange(story_exchange(1, b"hello world"))
        writer.write_exchange(story_exchange(2, b"hello world"))
    (good,) = tmp_path.glob("*.warc.gz")
    whole = good.read_bytes()
    records = list(iter_records(good, []))
    response = next(r for r in records if r.warc_type == "response")
    lone = whole[response.offset : response.offset + response.length]  # no request after it
    half = lone[: len(lone) // 2]
    open_file = good.with_name(good.name + ".open")
    open_file.write_bytes(whole + lone + half)
    good.unlink()
    closed = close_open_file(open_file, tmp_path)
    # The response whose request a kill prevented is whole: kept, never cut.
    assert (closed.final_file, closed.records_kept) == (good.name, len(records) + 1)
    assert good.read_bytes() == whole + lone and not open_file.exists()
    assert closed.tail_saved_as == f"torn/{open_file.name}.{len(whole + lone)}.tail"
    assert (tmp_path / closed.tail_saved_as).read_bytes() == half
    assert closed.tail_bytes == len(half)


def test_a_damaged_file_with_whole_records_after_the_damage_is_left_alone(tmp_path):
    """Recovery cuts only a tail proven incomplete: garbage followed by healthy records
    is for a person to look at, and every byte stays where it was."""
    with WarcWriter(tmp_path) as writer:
        writer.write_exchange(story_exchange(1, b"hello world"))
        writer.write_exchange(story_exchange(2, b"hello world"))
    (good,) = tmp_path.glob("*.warc.gz")
    whole = good.read_bytes()
    records = list(iter_records(good, []))
    cut = records[2].offset
    damaged = whole[:cut] + b"\x1f\x8b\x08\x00garbage" + whole[cut:]
    open_file = good.with_name(good.name + ".open")
    open_file.write_bytes(damaged)
    good.unlink()
    closed = close_open_file(open_file, tmp_path)
    assert closed.problem and "complete record starts at offset" in closed.problem
    assert open_file.read_bytes() == damaged and not (tmp_path / "torn").exists()


def test_an_open_file_with_nothing_complete_is_set_aside_whole(tmp_path):
    open_file = tmp_path / "redline-20261128120000000000-00000-host-1.warc.gz.open"
    open_file.write_bytes(b"\x1f\x8b\x08\x00torn")
    closed = close_open_file(open_file, tmp_path)
    assert closed.final_file is None and not open_file.exists()
    assert (tmp_path / closed.tail_saved_as).read_bytes() == b"\x1f\x8b\x08\x00torn"


def wait_for_open_warc(archive: Path, process: subprocess.Popen, limit: float = 30) -> None:
    """Until the crawl has a WARC open (it is archiving), so the kill lands mid-crawl."""
    deadline = time.monotonic() + limit
    while not list(archive.glob("*.open")):
        assert process.poll() is None, "the crawl ended before it opened a WARC"
        assert time.monotonic() < deadline, f"no WARC opened within {limit} s"
        time.sleep(0.02)


def capture_records(archive: Path) -> list[str]:
    """Record ids of every response/revisit in the WARCs; asserts every file reads cleanly."""
    ids = []
    for path in sorted(archive.glob("*.warc.gz")):
        faults: list = []
        ids += [
            r.record_id
            for r in iter_records(path, faults)
            if r.warc_type in ("response", "revisit")
        ]
        assert faults == [], faults
    return ids


def test_killed_crawls_are_repaired_and_lose_no_capture(tmp_path):
    rng = random.Random(SEED)
    archive = tmp_path / "archive"
    closed = []
    with Newsroom(articles=60, noise=False) as room:
        config = write_config(tmp_path, room.base_url)
        for _ in range(KILLS):
            process = start_crawl(config)
            wait_for_open_warc(archive, process)
            time.sleep(rng.uniform(0.0, 1.5))  # seeded: somewhere inside the writing
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            repaired = redline(config, "verify", "--repair", "--json")
            assert repaired.returncode == 0, repaired.stdout[-3000:] + repaired.stderr[-3000:]
            closed += json.loads(repaired.stdout)["repair"]["closed"]
            assert not list(archive.glob("*.open"))
        crawl(config)
    assert closed, "no kill landed while a WARC was open: the test proved nothing"
    assert all(c["final_file"] or c["tail_bytes"] for c in closed)
    in_warcs = capture_records(archive)
    db = sqlite3.connect(tmp_path / "redline.db")
    rows = [r for (r,) in db.execute("select record_id from captures")]
    articles = db.execute("select count(*) from articles").fetchone()[0]
    db.close()
    assert len(rows) == len(set(rows)), "a capture indexed twice"
    assert sorted(rows) == sorted(in_warcs), "a capture lost or indexed twice"
    assert articles == 60
    final = redline(config, "verify")
    assert final.returncode == 0, final.stdout[-3000:]


def test_the_next_crawl_heals_a_killed_one_by_itself(tmp_path):
    """No `verify --repair` in between: the next pass closes, cuts and tracks on its own."""
    rng = random.Random(SEED + 1)
    archive = tmp_path / "archive"
    with Newsroom(articles=40, noise=False) as room:
        config = write_config(tmp_path, room.base_url)
        for _ in range(5):  # until a kill lands mid-pass (each start heals the last kill)
            process = start_crawl(config)
            wait_for_open_warc(archive, process)
            time.sleep(rng.uniform(0.0, 0.3))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            if list(archive.glob("*.open")):
                break
        assert list(archive.glob("*.open")), "no kill landed mid-pass: the test proved nothing"
        healed = redline(config, "crawl", "--recheck", "all")
        assert healed.returncode == 0, healed.stderr[-3000:]
    assert not list(archive.glob("*.open"))
    db = sqlite3.connect(tmp_path / "redline.db")
    rows = [r for (r,) in db.execute("select record_id from captures")]
    articles = db.execute("select count(*) from articles").fetchone()[0]
    db.close()
    assert sorted(rows) == sorted(capture_records(archive))
    assert articles == 40
    assert redline(config, "verify").returncode == 0
