"""The reader reads every record warcio reads, whatever the read-chunk size.

A gzip member that starts on the last byte of a read chunk (`\\x1f` alone, `\\x8b` in the
next read) once ended the file for the reader: every record after it was silently lost,
and crash recovery then cut them out. These tests read real fixtures and generated files
at tiny chunk sizes and around every boundary, and compare with warcio byte for byte.
"""

from __future__ import annotations

import gzip
import json
import random
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from archive.warc_reader import iter_raw_records, iter_records

CHUNKS = (1, 2, 3, 7, 64, 1 << 16)


def warcio_records(path: Path) -> list[tuple[int, str, bytes]]:
    """(offset, record id, block) of every record warcio reads."""
    out = []
    with path.open("rb") as handle:
        records = ArchiveIterator(handle, no_record_parse=True)
        for record in records:
            block = record.raw_stream.read()
            out.append(
                (
                    records.get_record_offset(),
                    record.rec_headers.get_header("WARC-Record-ID"),
                    block,
                )
            )
    return out


def our_records(path: Path, chunk: int, faults: list | None = None) -> list[tuple[int, str, bytes]]:
    faults = [] if faults is None else faults
    return [
        (r.offset, r.field("WARC-Record-ID"), r.block)
        for r in iter_raw_records(path, faults, chunk_size=chunk)
    ]


def warc_record(number: int, size: int, rng: random.Random | None) -> bytes:
    """One WARC record with a `size`-byte block: text that compresses unevenly, or filler."""
    if rng is None:
        block = b"x" * size
    else:
        words = rng.choices(
            ("news", "mayor", "x" * rng.randint(1, 30), str(rng.random())), k=size // 4 + 1
        )
        block = " ".join(words).encode()[:size]
    head = (
        "WARC/1.1\r\n"
        "WARC-Type: resource\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>\r\n"
        "WARC-Date: 2026-11-28T04:00:00.000000Z\r\n"
        f"WARC-Target-URI: https://news.example/{number}\r\n"
        "Content-Type: text/plain\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def gzip_member(data: bytes, level: int = 6) -> bytes:
    return gzip.compress(data, compresslevel=level, mtime=0)


def write_members(path: Path, members: list[bytes]) -> list[int]:
    """Write the members one after another; returns where each starts."""
    starts, pos = [], 0
    with path.open("wb") as out:
        for member in members:
            starts.append(pos)
            out.write(member)
            pos += len(member)
    return starts


def readable_fixtures(warc_fixtures: Path) -> list[Path]:
    verdicts = json.loads((warc_fixtures / "expected-verdicts.json").read_text())
    names = [n for n, v in verdicts.items() if v["verdict"] == "readable" and ".arc" not in n]
    return [warc_fixtures / n for n in sorted(names)]


def test_every_readable_fixture_at_every_chunk_size(warc_fixtures):
    compared = 0
    for path in readable_fixtures(warc_fixtures):
        expected = warcio_records(path)
        for chunk in CHUNKS:
            if chunk < 64 and path.stat().st_size > 300_000:
                continue  # byte-at-a-time reads of the largest fixtures add nothing but time
            assert our_records(path, chunk) == expected, f"{path.name} at chunk size {chunk}"
            compared += 1
    assert compared > 100


def test_a_member_starting_on_the_last_byte_of_a_chunk(tmp_path):
    """The reported bug: 8 healthy records, the 4th member starting at chunk end - 1."""
    rng = random.Random(10)
    members = [gzip_member(warc_record(i, 900, rng), level=0) for i in range(8)]
    path = tmp_path / "boundary.warc.gz"
    starts = write_members(path, members)
    chunk = starts[3] + 1  # the chunk holds exactly one byte of member 4: its \x1f
    faults: list = []
    ours = our_records(path, chunk, faults)
    assert faults == []
    assert len(ours) == 8
    assert ours == warcio_records(path)


@pytest.mark.parametrize("chunk", [16, 64, 1000, 1 << 16])
def test_members_placed_at_and_around_every_boundary(tmp_path, chunk):
    """For each offset near a chunk boundary, a file whose second member starts exactly there."""
    rng = random.Random(chunk)
    boundary = chunk * (300 // chunk + 2)  # past the smallest member a record can make
    for shift in (-3, -2, -1, 0, 1, 2, 3):
        first = _member_of_size(boundary + shift)
        rest = [gzip_member(warc_record(i, rng.randint(0, 300), rng)) for i in range(1, 6)]
        path = tmp_path / f"around-{chunk}-{shift}.warc.gz"
        starts = write_members(path, [first, *rest])
        assert starts[1] == boundary + shift
        faults: list = []
        assert our_records(path, chunk, faults) == warcio_records(path), (chunk, shift)
        assert faults == []


def _member_of_size(size: int) -> bytes:
    """A stored (level 0) member of exactly `size` bytes, found by padding its block."""
    guess = size - len(gzip_member(warc_record(0, 0, None), level=0)) - 5 * (size // 65535)
    for block in range(max(0, guess - 40), guess + 40):
        member = gzip_member(warc_record(0, block, None), level=0)
        if len(member) == size:
            return member
    raise AssertionError(f"no member of {size} bytes")


def test_thousands_of_random_records_at_every_chunk_size(tmp_path):
    rng = random.Random(2026)
    sizes = [
        rng.choice((0, 1, 5, rng.randint(0, 500), rng.randint(0, 70_000))) for _ in range(2000)
    ]
    members = [
        gzip_member(warc_record(i, size, rng), level=rng.choice((0, 1, 6, 9)))
        for i, size in enumerate(sizes)
    ]
    path = tmp_path / "many.warc.gz"
    starts = write_members(path, members)
    expected = warcio_records(path)
    assert len(expected) == len(sizes)
    for chunk in (61, 4093, 1 << 16):
        faults: list = []
        assert our_records(path, chunk, faults) == expected, f"chunk size {chunk}"
        assert faults == []
    # the case that used to lose the rest of the file is there, for the small chunk sizes
    assert sum(1 for s in starts if s % 61 == 60) > 5


def test_offsets_and_lengths_cover_the_file_exactly(tmp_path):
    rng = random.Random(7)
    members = [gzip_member(warc_record(i, rng.randint(0, 3000), rng)) for i in range(300)]
    path = tmp_path / "lengths.warc.gz"
    write_members(path, members)
    raws = list(iter_raw_records(path, [], chunk_size=13))
    assert [r.length for r in raws] == [len(m) for m in members]
    assert all(a.offset + a.length == b.offset for a, b in zip(raws, raws[1:]))


def test_uncompressed_files_at_tiny_chunks(tmp_path):
    rng = random.Random(3)
    path = tmp_path / "plain.warc"
    path.write_bytes(b"".join(warc_record(i, rng.randint(0, 2000), rng) for i in range(200)))
    expected = warcio_records(path)
    for chunk in (1, 2, 3, 7, 64):
        assert our_records(path, chunk) == expected


record_sizes = st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=25)
small_sizes = st.lists(st.integers(min_value=0, max_value=600), min_size=1, max_size=12)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sizes=record_sizes,
    levels=st.lists(st.sampled_from([0, 1, 9]), min_size=1),
    chunk=st.integers(1, 300),
    seed=st.integers(0, 2**16),
)
def test_property_random_record_sequences(tmp_path_factory, sizes, levels, chunk, seed):
    rng = random.Random(seed)
    members = [
        gzip_member(warc_record(i, size, rng), levels[i % len(levels)])
        for i, size in enumerate(sizes)
    ]
    path = tmp_path_factory.mktemp("prop") / "random.warc.gz"
    write_members(path, members)
    faults: list = []
    assert our_records(path, chunk, faults) == warcio_records(path)
    assert faults == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sizes=record_sizes, cut=st.floats(0, 1), chunk=st.integers(1, 200), seed=st.integers(0, 2**16)
)
def test_property_a_torn_tail_costs_only_the_torn_record(tmp_path_factory, sizes, cut, chunk, seed):
    """Cut a file anywhere: every member before the cut is still read, and nothing after."""
    rng = random.Random(seed)
    members = [gzip_member(warc_record(i, size, rng)) for i, size in enumerate(sizes)]
    data = b"".join(members)
    end = int(len(data) * cut)
    path = tmp_path_factory.mktemp("torn") / "torn.warc.gz.open"
    path.write_bytes(data[:end])
    complete = sum(1 for s, m in zip(_starts(members), members) if s + len(m) <= end)
    raws = list(iter_raw_records(path, [], chunk_size=chunk))
    # A record whose member lacks only its gzip trailer may be read, but it owns no bytes.
    assert len([r for r in raws if r.length]) == complete
    assert all(r.length == len(m) for r, m in zip(raws[:complete], members))


def _starts(members: list[bytes]) -> list[int]:
    out, pos = [], 0
    for member in members:
        out.append(pos)
        pos += len(member)
    return out


def test_a_bomb_is_stopped_by_the_inflation_budget(tmp_path):
    """A 1 MB member inflating to 1 GiB of zeros stops at the budget, never held at once."""
    head = warc_record(0, 0, None).replace(b"Length: 0", b"Length: 1073741824")
    head = head[: head.index(b"\r\n\r\n") + 4]
    zeros = _flushed_deflate(b"\0" * (1 << 20))
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    deflate = _flushed_deflate(head) + zeros * 1024 + final
    trailer = bytes(8)  # never reached: the budget stops reading first
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + deflate + trailer)
    faults: list = []
    budget = 100 * path.stat().st_size
    records = list(iter_records(path, faults, max_record_bytes=1 << 20, max_inflated_bytes=budget))
    assert records == []
    assert any("inflates past" in f.message for f in faults)


def _flushed_deflate(data: bytes) -> bytes:
    """Raw deflate of `data` ending in a full flush, so copies of it can be concatenated."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    return deflater.compress(data) + deflater.flush(zlib.Z_FULL_FLUSH)


def test_an_oversized_record_is_cut_and_reading_goes_on(tmp_path):
    rng = random.Random(5)
    members = [gzip_member(warc_record(i, size, rng)) for i, size in enumerate((100, 50_000, 100))]
    path = tmp_path / "big.warc.gz"
    write_members(path, members)
    faults: list = []
    records = list(iter_records(path, faults, max_record_bytes=10_000))
    assert len(records) == 3
    assert len(records[1].payload) == 10_000 and records[1].truncated == "length"
    assert [f.message for f in faults] == [
        f"record {records[1].record_id} is 50000 bytes; only the first 10000 were read"
    ]
