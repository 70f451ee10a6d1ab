"""Exact bytes of the records WarcWriter writes, compared with golden files (as warcio's
own tests do): any change to a record's fields, their order, digests or the HTTP head
written shows up here as a byte difference, to be made deliberately.

The writer runs with a pinned clock, record ids and file name; each record's gzip member
is inflated and compared with tests/golden/<kind>.warc. After an intended format change,
regenerate the files and review their diff:

    REDLINE_REGOLDEN=1 .venv/bin/pytest -q -p no:cacheprovider tests/test_warc_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import io
import itertools
import os
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.digest import digest_matches
from archive.warc_build import HttpExchange, RevisitOf
from archive.warc_writer import WarcWriter

GOLDEN = Path(__file__).resolve().parent / "golden"
OPENED = datetime(2026, 11, 28, 4, 0, 0, 5, tzinfo=timezone.utc)
FETCHED = datetime(2026, 11, 28, 4, 0, 1, 250000, tzinfo=timezone.utc)
NAME = "redline-20261128040000000005-00000-golden.example-1.warc.gz"
# Record order in the file; None marks the request records of the revisits (not kept).
KINDS = [
    "warcinfo",
    "response",
    "request",
    "revisit-identical-payload-digest",
    None,
    "revisit-server-not-modified",
    None,
    "metadata",
    "resource",
]


def pinned_ids():
    counter = itertools.count(1)
    return lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(counter):012d}>"


def exchange(**changes) -> HttpExchange:
    fields = {
        "url": "https://news.example/2026/11/story?ref=rss",
        "method": "GET",
        "request_headers": [("User-Agent", "redline-test"), ("Accept-Encoding", "gzip")],
        "status": 200,
        "reason": None,
        "response_headers": [
            ("Content-Type", "text/html; charset=utf-8"),
            ("ETag", '"v1"'),
            ("Transfer-Encoding", "chunked"),
        ],
        "body": b"<html><h1>Gunman kills 10</h1></html>",
        "date": FETCHED,
        "ip_address": "192.0.2.7",
    }
    return HttpExchange(**{**fields, **changes})


def write_golden_file(directory: Path) -> Path:
    """warcinfo, a capture, two revisits of it (the 304's head in its WARC header),
    metadata and a resource: all bytes pinned."""
    info = {"software": "redline/golden", "hostname": "golden.example", "operator": "tests"}
    writer = WarcWriter(
        directory,
        warcinfo=info,
        clock=lambda: OPENED,
        new_id=pinned_ids(),
        name_file=lambda opened: NAME,
    )
    with writer:
        first = writer.write_exchange(exchange())
        of = RevisitOf(first.record_id, exchange().url, first.date, first.payload_digest, "")
        for profile in ("identical-payload-digest", "server-not-modified"):
            changes = {"status": 304, "body": b""} if profile == "server-not-modified" else {}
            if changes:  # with the 304's own Date, kept as evidence; Server is noise
                date = ("Date", "Sat, 28 Nov 2026 04:00:01 GMT")
                changes["response_headers"] = [("Server", "nginx"), date, ("ETag", '"v1"')]
            revisit = RevisitOf(**{**of.__dict__, "profile": profile})
            writer.write_exchange(exchange(**changes), revisit)
        writer.write_metadata(
            refers_to=first.record_id, target_uri=exchange().url, date=first.date, payload=b"{}"
        )
        writer.write_resource(  # dated by the clock
            uri="urn:redline:crawl-log", payload=b"log line\n", content_type="text/plain"
        )
    return directory / NAME


def members(data: bytes) -> list[bytes]:
    """Each gzip member of `data`, inflated on its own."""
    out = []
    while data:
        inflater = zlib.decompressobj(31)
        out.append(inflater.decompress(data))
        assert inflater.eof, "a member is incomplete"
        data = inflater.unused_data
    return out


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> dict[str, bytes]:
    path = write_golden_file(tmp_path_factory.mktemp("golden"))
    found = members(path.read_bytes())
    assert len(found) == len(KINDS)
    kept = {kind: record for kind, record in zip(KINDS, found) if kind}
    if os.environ.get("REDLINE_REGOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        for kind, record in kept.items():
            (GOLDEN / f"{kind}.warc").write_bytes(record)
    return kept


@pytest.mark.parametrize("kind", [k for k in KINDS if k])
def test_record_bytes_equal_the_golden_file(records, kind):
    expected = (GOLDEN / f"{kind}.warc").read_bytes()
    assert records[kind] == expected, f"{kind} differs from tests/golden/{kind}.warc"


@pytest.mark.parametrize("kind", [k for k in KINDS if k])
def test_golden_files_read_as_warc_in_warcio(kind):
    """The goldens are real WARC records: warcio reads each, and its block digest holds."""
    data = (GOLDEN / f"{kind}.warc").read_bytes()
    (record,) = list(ArchiveIterator(io.BytesIO(data)))
    assert record.rec_type == kind.split("-")[0]
    assert record.rec_headers.get_header("WARC-Record-ID").startswith("<urn:uuid:00000000-")
    block = data.split(b"\r\n\r\n", 1)[1].removesuffix(b"\r\n\r\n")
    digest = record.rec_headers.get_header("WARC-Block-Digest")
    assert digest_matches(digest, block) is True
    assert len(block) == int(record.rec_headers.get_header("Content-Length"))
