"""The tolerant reader over every real-world fixture, and over bad input of our own."""

from __future__ import annotations

import gzip
import json
import random
import zlib
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from archive.http_message import dechunk
from archive.warc_reader import iter_records, read_record
from archive.warc_records import ArchiveError
from archive.warc_writer import HttpExchange, WarcWriter

HTML = b"<html><p>Mayor resigns</p></html>"

# Readable files that still have a named, harmless defect (each is really in the file).
SOFT_FAULTS = {
    "cdxj/bad.arc": ("invalid length", "not a WARC record"),
    "pywb/bad.arc": ("invalid length", "not a WARC record"),
    "warcio/bad.arc": ("invalid length", "not a WARC record"),
    "warcio/example-space-in-url.arc": ("shorter than its declared length",),
    "pywacz/example-warcinfo-metadata.warc": ("Content-Encoding gzip does not decode",),
}
DEFECTS = {  # what the fault must name, from expected-verdicts.json's warcio_says and notes
    "cdxj/example.warc.gz": "block digest mismatch",
    "cdxj/missing-http.warc.gz": "payload digest mismatch",
    "gowarc/corrupted-mid-record.warc.gz.open": "garbage after the last gzip member",
    "gowarc/corrupted-trailing-bytes.warc.gz.open": "garbage after the last gzip member",
    "gowarc/good.warc.gz.open": "several records in one gzip member",
    "pywb/example-bad.warc.gz.bad": "several records in one gzip member",
    "pywb/example-extra.warc": "payload digest mismatch",
    "pywb/example.warc": "not followed by CRLF CRLF",
    "warcio/example-bad-non-chunked.warc.gz": "several records in one gzip member",
    "warcio/example-bad.warc.gz.bad": "several records in one gzip member",
    "warcio/example-digest.warc": "payload digest mismatch",
    "warcio/example-trunc.warc": "block digest mismatch",
    "warcio/example-wrong-chunks.warc.gz": "a record spans several gzip members",
}


def fixture_entries(warc_fixtures: Path) -> dict[str, dict]:
    return json.loads((warc_fixtures / "expected-verdicts.json").read_text())


def test_every_fixture_meets_its_expected_verdict(warc_fixtures):
    checked = Counter()
    for name, entry in fixture_entries(warc_fixtures).items():
        verdict = entry["verdict"]
        if verdict.startswith("wacz"):
            continue  # WACZ packages are validated by the WACZ code, not read as WARCs
        faults = []
        records = list(iter_records(warc_fixtures / name, faults))
        types = Counter(r.warc_type for r in records)
        messages = " | ".join(f.message for f in faults)
        if verdict == "empty":
            assert records == [], name
        elif verdict == "readable":
            assert len(records) == entry["records_read_by_warcio"], name
            assert dict(types) == entry["record_types"], name
            allowed = SOFT_FAULTS.get(name, ())
            assert all(any(a in f.message for a in allowed) for f in faults), (name, messages)
        else:
            assert verdict == "defective", name
            assert DEFECTS[name] in messages, (name, messages)
            assert len(records) >= entry["records_read_by_warcio"], name
            assert types.keys() >= entry["record_types"].keys(), name
        assert all(f.file == Path(name).name for f in faults)
        checked[verdict] += 1
    verdicts = Counter(e["verdict"] for e in fixture_entries(warc_fixtures).values())
    assert checked == {k: n for k, n in verdicts.items() if not k.startswith("wacz")}
    assert checked["readable"] > 40 and checked["defective"] > 10


def test_fixture_details_that_indexing_relies_on(warc_fixtures):
    def first(name: str, warc_type: str):
        return next(r for r in iter_records(warc_fixtures / name, []) if r.warc_type == warc_type)

    spaced = first("warcio/example-space-in-target-uri.warc.gz", "resource")
    assert " " not in spaced.target_uri and "%20" in spaced.target_uri
    wget = first("warcio/example-wget-bad-target-uri.warc.gz", "response")
    assert not wget.target_uri.startswith("<")
    no_reason = first("pywb/missing-status-text.warc", "response")
    assert no_reason.http_status is not None
    chunked = first("warcio/example-iana.org-chunked.warc", "response")
    assert chunked.payload.lstrip().lower().startswith(b"<!doctype html>")
    arc = first("pywb/example.arc.gz", "response")
    assert arc.http_status == 200 and arc.date == "2014-02-16T05:02:21Z"
    assert b"Example Domain" in arc.payload


def test_read_record_by_offset_matches_the_full_scan(warc_fixtures):
    path = warc_fixtures / "pywb" / "iana.warc.gz"
    records = list(iter_records(path, []))
    for record in records[::40]:
        assert read_record(path, record.offset) == record


def written_file(tmp_path: Path, exchanges: list[HttpExchange]) -> tuple[Path, list]:
    with WarcWriter(tmp_path / "out") as writer:
        locations = [writer.write_exchange(e) for e in exchanges]
    return tmp_path / "out" / writer.closed_files[0], locations


def exchange(body: bytes, headers: list[tuple[str, str]]) -> HttpExchange:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    return HttpExchange("https://n.example/a", "GET", [], 200, None, headers, body, when)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_payload_has_the_content_coding_removed(tmp_path, coding):
    if coding == "br":
        brotli = pytest.importorskip("brotli")
        body = brotli.compress(HTML)
    else:
        body = gzip.compress(HTML) if coding == "gzip" else zlib.compress(HTML)
    path, (location,) = written_file(tmp_path, [exchange(body, [("Content-Encoding", coding)])])
    faults = []
    record = next(r for r in iter_records(path, faults) if r.offset == location.offset)
    assert (record.payload, faults) == (HTML, [])


def test_a_cut_off_gzip_body_gives_what_arrived(tmp_path):
    text = HTML + random.Random(3).randbytes(4000).hex().encode()
    body = gzip.compress(text)[:-1000]
    path, (location,) = written_file(tmp_path, [exchange(body, [("Content-Encoding", "gzip")])])
    record = read_record(path, location.offset)
    assert record.payload.startswith(HTML) and 1000 < len(record.payload) < len(text)


def test_dechunk():
    assert dechunk(b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n") == b"Wikipedia"
    assert dechunk(b"not chunked") is None


def test_garbage_and_missing_files_give_faults_not_exceptions(tmp_path):
    garbage = tmp_path / "junk.warc"
    garbage.write_bytes(b"this is not a WARC file\n" * 10)
    faults = []
    assert list(iter_records(garbage, faults)) == []
    assert faults and "not a WARC record" in faults[0].message and faults[0].offset == 0
    faults = []
    assert list(iter_records(tmp_path / "absent.warc.gz", faults)) == []
    assert "cannot open" in faults[0].message


def test_read_record_raises_a_clear_archive_error(tmp_path):
    path, (location,) = written_file(tmp_path, [exchange(HTML, [])])
    with pytest.raises(ArchiveError, match="out"):
        read_record(tmp_path / "out" / "missing.warc.gz", 0)
    with pytest.raises(ArchiveError, match=f"{path.name}"):
        read_record(path, location.offset + 3)
    data = bytearray(gzip.decompress(path.read_bytes()))
    data[data.index(HTML)] ^= 1  # one flipped bit in the stored body
    plain = tmp_path / "flipped.warc"
    plain.write_bytes(bytes(data))
    offsets = [r.offset for r in iter_records(plain, [], check_digests=False)]
    with pytest.raises(ArchiveError, match="digest mismatch"):
        read_record(plain, offsets[1])
    assert read_record(plain, offsets[1], check_digests=False).warc_type == "response"
