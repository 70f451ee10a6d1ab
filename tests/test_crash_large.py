"""Crash safety at the sizes users reach: crawls writing multi-MB WARCs (hundreds of gzip
members straddling the reader's 64 KiB read chunks) are SIGKILLed, then healed by
`redline verify --repair` or by the next crawl. Every record warcio reads as complete in
the killed file must still be in the healed file, byte for byte; nothing complete goes
to torn/; the index points at nothing missing (`redline verify` exits 0).

The reader once dropped everything after a gzip member starting on the last byte of a
64 KiB chunk, and repair then cut those healthy records into torn/: a random kill hits
that rarely, so the exact boundaries are also built on purpose below.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from archive.repair import close_open_file
from archive.warc_build import build_record, gzip_member
from archive.warc_writer import WarcWriter
from bench.crawl import CONFIG  # the bulk site, as the benchmarks and the soak crawl it
from redline.newsroom import Newsroom
from tests.crawling import redline, start_crawl, story_exchange
from tests.index_tables import articles_without_revision
from tests.warc_members import CAPTURE_TYPES, CHUNK, complete_records, healing_problems, our_records

SEED = 20261202
ARTICLES = 240  # ~4.5 MB of WARC: room for both kills, however fast the crawl gets
LATEST = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)


def big_newsroom(rng: random.Random) -> Newsroom:
    """Articles of 0.3 to 170 KB of low-redundancy text (~9 MB): members from ~0.5 KB to
    more than 64 KiB."""
    vocabulary = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 10)))
                  for _ in range(3000)]  # fmt: skip
    room = Newsroom(articles=0, seed=SEED, noise=False)
    for i in range(ARTICLES):
        words = rng.randint(50, 300) if i % 4 == 0 else int(rng.paretovariate(1.5) * 1000)
        paragraphs = [" ".join(rng.choices(vocabulary, k=80)).capitalize() + "."
                      for _ in range(max(1, min(words, 20_000) // 80))]  # fmt: skip
        room.add_article(paragraphs=paragraphs, published=LATEST - timedelta(hours=i))
    return room


def write_bulk_config(directory: Path, base: str) -> Path:
    path = directory / "redline.toml"
    path.write_text(CONFIG.format(base=base, pattern=base.replace(".", "\\\\.")))
    return path


def kill_when_large(config: Path, size: int, limit: float = 60) -> dict[str, bytes]:
    """Start a crawl, SIGKILL it once its `.open` file holds `size` bytes; the killed files."""
    archive = config.parent / "archive"
    process = start_crawl(config, recheck="none")
    deadline = time.monotonic() + limit
    while open_bytes(archive) < size:
        assert process.poll() is None, f"the crawl ended before its WARC reached {size} bytes"
        assert time.monotonic() < deadline, f"no WARC of {size} bytes within {limit} s"
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return {p.name: p.read_bytes() for p in archive.glob("*.open")}


def open_bytes(archive: Path) -> int:
    sizes = [0]
    for path in archive.glob("*.open"):
        try:
            sizes.append(path.stat().st_size)
        except FileNotFoundError:  # closed (renamed) meanwhile
            pass
    return max(sizes)


def healed_parts(archive: Path, open_name: str) -> tuple[bytes, bytes]:
    """(the healed file, its torn tail) of what was `open_name`; b"" for what is not there."""
    final = archive / open_name.removesuffix(".open")
    tails = list((archive / "torn").glob(f"{open_name}.*.tail"))
    assert len(tails) <= 1, tails
    return (final.read_bytes() if final.exists() else b"",
            tails[0].read_bytes() if tails else b"")  # fmt: skip


def assert_healed(archive: Path, killed: dict[str, bytes]) -> None:
    assert killed, "the kill left no `.open` file: the test proved nothing"
    assert not list(archive.glob("*.open")), "a killed file was not healed"
    for name, original in killed.items():
        healed, tail = healed_parts(archive, name)
        assert healing_problems(original, healed, tail) == [], name
        assert_reads_fully(archive / name.removesuffix(".open"), healed)


def assert_reads_fully(path: Path, data: bytes) -> None:
    """Our reader and warcio find the same records, every one complete, no fault."""
    if not data:
        return
    ours, faults = our_records(path)
    assert faults == [], faults
    assert ours == [(m.offset, m.length) for m in complete_records(data)]
    assert sum(m.length for m in complete_records(data)) == len(data), "bytes no record owns"


def test_large_crawls_killed_mid_file_keep_every_complete_record(tmp_path):
    rng = random.Random(SEED)
    archive = tmp_path / "archive"
    with big_newsroom(rng) as room:
        config = write_bulk_config(tmp_path, room.base_url)
        killed = kill_when_large(config, rng.randint(1_200_000, 2_000_000))
        repaired = redline(config, "verify", "--repair")
        assert repaired.returncode == 0, repaired.stdout[-3000:] + repaired.stderr[-3000:]
        assert_healed(archive, killed)
        killed_again = kill_when_large(config, rng.randint(1_000_000, 1_500_000))
        healed = redline(config, "crawl", "--recheck", "none", "--limit", "10")  # heals first
        assert healed.returncode == 0, healed.stderr[-3000:]
        assert_healed(archive, killed_again)
    final = redline(config, "verify")
    assert final.returncode == 0, final.stdout[-3000:]
    assert sorted(indexed_captures(tmp_path / "redline.db")) == sorted(archived_captures(archive))
    assert articles_without_revision(tmp_path / "redline.db") == [], "a kill mid-tracking, unhealed"
    assert_power_cuts_heal(tmp_path / "cuts", {**killed, **killed_again}, rng)


def indexed_captures(db_path: Path) -> list[str]:
    with sqlite3.connect(db_path) as db:
        return [r for (r,) in db.execute("select record_id from captures")]


def archived_captures(archive: Path) -> list[str]:
    """Record ids of every response/revisit warcio reads in the archive's WARCs."""
    return [m.record_id for path in archive.glob("*.warc.gz")
            for m in complete_records(path.read_bytes()) if m.warc_type in CAPTURE_TYPES]  # fmt: skip


def assert_power_cuts_heal(scratch: Path, killed: dict[str, bytes], rng: random.Random) -> None:
    """A power cut loses a file's unwritten tail at any byte: cut each killed file at random
    points and heal each cut, as a crawl would."""
    for n, (name, data) in enumerate(sorted(killed.items()) * 4):
        cut = data[: rng.randint(len(data) // 3, len(data))]
        archive = scratch / str(n)
        archive.mkdir(parents=True)
        (archive / name).write_bytes(cut)
        close_open_file(archive / name, archive)
        healed, tail = healed_parts(archive, name)
        assert healing_problems(cut, healed, tail) == [], f"{name} cut at {len(cut)}"
        assert_reads_fully(archive / name.removesuffix(".open"), healed)


# The exact boundaries, built on purpose: a random kill rarely lands a member there.


def padding_member(size: int, rng: random.Random) -> bytes | None:
    """One gzip member of exactly `size` bytes holding a resource record; None if no such."""
    noise = rng.randbytes(size)  # incompressible: the member grows a byte per payload byte
    fields = [("WARC-Type", "resource"), ("WARC-Record-ID", "<urn:uuid:pad>"),
              ("WARC-Date", "2026-11-28T12:00:00Z"), ("WARC-Target-URI", "urn:pad"),
              ("Content-Type", "application/octet-stream")]  # fmt: skip
    for length in range(max(0, size - 400), size):
        member = gzip_member(build_record(fields, noise[:length]))
        if len(member) == size:
            return member
    return None


def warc_with_member_at(directory: Path, target: int, rng: random.Random) -> bytes:
    """A WARC of our writer's captures, padded so that a response's member starts at `target`."""
    with WarcWriter(directory) as writer:
        for n in range(80):
            writer.write_exchange(story_exchange(n, rng.randbytes(rng.randint(200, 9000))))
    (path,) = directory.glob("*.warc.gz")
    data = path.read_bytes()
    responses = [m.offset for m in complete_records(data) if m.warc_type == "response"]
    for start in sorted((o for o in responses if o <= target - 1000), reverse=True):
        pad = padding_member(target - start, rng)
        if pad is not None:
            return data[:start] + pad + data[start:]
    raise AssertionError(f"no padding puts a member at {target}")


@pytest.mark.parametrize("target", [CHUNK - 1, CHUNK - 2, CHUNK, CHUNK + 1, 3 * CHUNK - 1])
def test_a_member_on_a_chunk_boundary_is_read_and_kept_when_healing(tmp_path, target):
    rng = random.Random(target)
    data = warc_with_member_at(tmp_path / "built", target, rng)
    assert target in [m.offset for m in complete_records(data)]
    archive = tmp_path / "archive"
    archive.mkdir()
    torn = data[-700:-300]  # a kill mid-write: a partial member after the last request
    name = "redline-20261128120000000000-00000-host-1.warc.gz.open"
    (archive / name).write_bytes(data + torn)
    close_open_file(archive / name, archive)
    healed, tail = healed_parts(archive, name)
    assert healing_problems(data + torn, healed, tail) == []
    assert healed == data
    assert_reads_fully(archive / name.removesuffix(".open"), healed)
