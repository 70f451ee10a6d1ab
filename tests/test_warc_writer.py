"""WarcWriter: checklist-conformant files, rotation, .open renaming, crash safety."""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import signal
import subprocess
import sys
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.digest import sha1_base32
from archive.warc_lint import NAME_PATTERN, lint_warc, lint_warcs
from archive.http_message import split_http
from archive.warc_build import HttpExchange, RevisitOf, warc_date
from archive.warc_reader import iter_raw_records, iter_records, read_record
from archive.warc_writer import WarcWriter

ROOT = Path(__file__).resolve().parent.parent
WARCIO = ROOT / ".venv" / "bin" / "warcio"
WHEN = datetime(2026, 11, 28, 4, 0, 0, 123456, tzinfo=timezone.utc)
HTML = b"<html><h1>Gunman kills 10</h1><p>Story text.</p></html>"
# A 304 whose header text could break a WARC header line if copied into one unescaped:
# a latin-1 byte, DEL, quotes, a line break (header injection) and text beyond latin-1.
AWKWARD_304 = [
    ("Server", "nginx"),
    ("ETag", 'W/"caf\xe9\x7f"'),
    ("Date", "Sat, 28 Nov 2026 04:00:00 GMT\r\nWARC-Type: response"),
    ("Vary", "Accept-Encoding, \u2603"),
]


def exchange(**changes) -> HttpExchange:
    fields = {
        "url": "https://news.example/2026/11/story?ref=rss&page=2",
        "method": "GET",
        "request_headers": [("User-Agent", "redline-test"), ("Accept-Encoding", "gzip, br")],
        "status": 200,
        "reason": None,
        "response_headers": [("Content-Type", "text/html; charset=utf-8")],
        "body": HTML,
        "date": WHEN,
        "ip_address": "192.0.2.7",
    }
    fields.update(changes)
    return HttpExchange(**fields)


def write_everything(writer: WarcWriter) -> dict[str, object]:
    """One of each kind of capture the crawler makes; returns their locations."""
    gz = gzip.compress(HTML, mtime=0)
    plain = writer.write_exchange(exchange())
    out = {
        "plain": plain,
        "gzip": writer.write_exchange(
            exchange(
                body=gz,
                response_headers=[
                    ("Content-Type", "text/html"),
                    ("Content-Encoding", "gzip"),
                    ("Set-Cookie", "a=1"),
                    ("Set-Cookie", "b=2"),
                    ("Content-Length", str(len(gz))),
                ],
            )
        ),
        "unicode": writer.write_exchange(
            exchange(
                url="https://news.example/2026/café story?q=ü&x=1", ip_address="2001:db8:0:0::1"
            )
        ),
        "truncated": writer.write_exchange(
            exchange(
                body=HTML[:20],
                truncated="length",
                response_headers=[("Content-Length", str(len(HTML)))],
                protocol="h2",
            )
        ),
    }
    of = RevisitOf(plain.record_id, exchange().url, plain.date, plain.payload_digest, "")
    same = RevisitOf(**{**of.__dict__, "profile": "identical-payload-digest"})
    out["revisit"] = writer.write_exchange(exchange(), same)
    not_modified = RevisitOf(**{**of.__dict__, "profile": "server-not-modified"})
    out["304"] = writer.write_exchange(
        exchange(status=304, body=b"", response_headers=AWKWARD_304), not_modified
    )
    out["metadata"] = writer.write_metadata(
        refers_to=plain.record_id, target_uri=exchange().url, date=plain.date, payload=b"{}"
    )
    out["resource"] = writer.write_resource(
        uri="urn:redline:crawl-log", payload=b"log line\n", content_type="text/plain"
    )
    return out


@pytest.fixture
def written(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    with WarcWriter(tmp_path, warcinfo={"operator": "tests"}) as writer:
        locations = write_everything(writer)
    (name,) = writer.closed_files
    return tmp_path / name, locations


def test_file_passes_warcio_check_and_our_lint(written):
    path, _ = written
    result = subprocess.run(
        [str(WARCIO), "check", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert lint_warc(path) == []


def test_records_read_back_with_the_bytes_written(written):
    path, where = written
    plain = read_record(path, where["plain"].offset)
    assert (plain.warc_type, plain.payload, plain.http_status) == ("response", HTML, 200)
    assert plain.payload_digest == sha1_base32(HTML) == where["plain"].payload_digest
    assert plain.date == warc_date(WHEN) == "2026-11-28T04:00:00.123456Z"
    zipped = read_record(path, where["gzip"].offset)
    assert zipped.payload == HTML  # content-coding removed for extraction
    cookies = [v for k, v in zipped.http_headers if k == "Set-Cookie"]
    assert cookies == ["a=1", "b=2"]
    raw = next(r for r in iter_raw_records(path, []) if r.offset == where["gzip"].offset)
    assert split_http(raw.block, "response")[2] == gzip.compress(HTML, mtime=0)  # stored encoded


def test_uri_is_percent_encoded_and_request_line_keeps_the_query(written):
    path, where = written
    record = read_record(path, where["unicode"].offset)
    uri = "https://news.example/2026/caf%C3%A9%20story?q=%C3%BC&x=1"
    assert record.target_uri == uri
    assert record.headers["WARC-IP-Address"] == "2001:db8::1"
    raws = list(iter_raw_records(path, []))
    request = raws[[r.offset for r in raws].index(where["unicode"].offset) + 1]
    assert request.block.startswith(b"GET /2026/caf%C3%A9%20story?q=%C3%BC&x=1 HTTP/1.1\r\nHost: ")


def test_truncated_capture_is_marked_and_its_length_made_true(written):
    path, where = written
    record = read_record(path, where["truncated"].offset)
    assert record.truncated == "length"
    assert record.headers["WARC-Protocol"] == "h2"
    assert record.http_header("Content-Length") == "20"
    assert record.http_header("X-Orig-Content-Length") == str(len(HTML))


def test_revisits_refer_to_the_original(written):
    path, where = written
    same = read_record(path, where["revisit"].offset)
    assert same.warc_type == "revisit" and same.truncated == "length"
    assert same.refers_to == where["plain"].record_id
    assert same.payload_digest == where["plain"].payload_digest
    assert same.headers["WARC-Refers-To-Date"] == where["plain"].date
    not_modified = read_record(path, where["304"].offset)
    assert not_modified.headers["WARC-Profile"].endswith("/server-not-modified")
    assert not_modified.http_status == 304
    assert not_modified.payload_digest == where["plain"].payload_digest  # never the empty digest


def test_the_304_head_is_one_escaped_line_of_json_in_the_revisit_header(written):
    """Kept as evidence without a block (pywb would replay a 3xx block in place of the
    page): the page-describing headers, as received, readable back exactly."""
    path, where = written
    raw = next(r for r in iter_raw_records(path, []) if r.offset == where["304"].offset)
    assert (raw.field("WARC-Type"), raw.block) == ("revisit", b"")
    with path.open("rb") as handle:
        handle.seek(where["304"].offset)
        record = next(iter(ArchiveIterator(handle)))
        text = record.rec_headers.get_header("WARC-JSON-Metadata")
    assert text == raw.field("WARC-JSON-Metadata") and text.isascii()
    assert text.isprintable() and "\x7f" not in text
    assert json.loads(text) == {"not_modified": [[n, v] for n, v in AWKWARD_304[1:]]}
    names = [name for name, _ in raw.fields]
    assert names.count("WARC-Type") == 1  # the injected line stayed inside the value


@pytest.mark.parametrize("bad", [b'{"not_modified":[["ETag","caf\xc3\xa9"]]}', b"[1]", b"{"])
def test_lint_flags_json_metadata_that_is_not_an_ascii_json_object(written, bad):
    path, _ = written
    data, members = path.read_bytes(), []
    while data:  # each record's gzip member, inflated
        inflater = zlib.decompressobj(31)
        members.append(inflater.decompress(data))
        data = inflater.unused_data
    spoilt = [re.sub(rb"(WARC-JSON-Metadata: )[^\r]*", lambda m: m[1] + bad, r) for r in members]
    assert spoilt != members
    path.write_bytes(b"".join(gzip.compress(r) for r in spoilt))
    assert [p for p in lint_warc(path) if "WARC-JSON-Metadata" in p] != []


def test_transfer_encoding_is_renamed_over_a_dechunked_body(tmp_path):
    headers = [("Transfer-Encoding", "chunked"), ("Content-Type", "text/html")]
    with WarcWriter(tmp_path) as writer:
        location = writer.write_exchange(exchange(response_headers=headers))
        record = read_record(writer.current_file, location.offset)
    assert record.http_header("Transfer-Encoding") is None
    assert record.http_header("X-Orig-Transfer-Encoding") == "chunked"
    assert record.http_header("Content-Length") == str(len(HTML))


def test_rotation_never_splits_a_capture_and_every_file_starts_with_warcinfo(tmp_path):
    with WarcWriter(tmp_path, max_bytes=1500) as writer:
        locations = [
            writer.write_exchange(exchange(url=f"https://n.example/{i}")) for i in range(12)
        ]
    names = writer.closed_files
    assert len(names) >= 3
    assert sorted(names) == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert next(iter_records(tmp_path / name, [])).warc_type == "warcinfo"
    assert lint_warcs(tmp_path / name for name in names) == []
    for i, location in enumerate(locations):
        assert read_record(tmp_path / location.file, location.offset).target_uri.endswith(f"/{i}")


def test_files_are_open_while_written_and_renamed_on_close(tmp_path):
    writer = WarcWriter(tmp_path)
    location = writer.write_exchange(exchange())
    assert writer.current_file.name == location.file + ".open"
    assert [p.name for p in tmp_path.iterdir()] == [location.file + ".open"]
    # the index stores the final name; reading by it works while the file is still open
    assert read_record(tmp_path / location.file, location.offset).payload == HTML
    assert writer.close() == [location.file]
    assert [p.name for p in tmp_path.iterdir()] == [location.file]


def test_two_writers_started_together_never_share_a_name(tmp_path):
    first, second = WarcWriter(tmp_path), WarcWriter(tmp_path)
    a, b = first.write_exchange(exchange()), second.write_exchange(exchange())
    assert a.file != b.file
    assert NAME_PATTERN.fullmatch(a.file) and NAME_PATTERN.fullmatch(b.file)
    assert f"-{os.getpid()}.warc.gz" in a.file
    assert first.close() + second.close() == [a.file, b.file]


def test_bad_input_is_refused_with_a_clear_error(tmp_path):
    with WarcWriter(tmp_path) as writer:
        with pytest.raises(ValueError, match="not an absolute URL"):
            writer.write_exchange(exchange(url="/relative/path"))
        with pytest.raises(ValueError, match="WARC-Truncated"):
            writer.write_exchange(exchange(truncated="halfway"))
        with pytest.raises(ValueError, match="record id"):
            writer.write_metadata(
                refers_to="nope", target_uri="https://a.example/", date="x", payload=b""
            )
    assert writer.closed_files == []  # nothing half-written


CHILD = """
import sys, time
from datetime import datetime, timezone
from pathlib import Path
from archive.warc_writer import HttpExchange, WarcWriter
writer = WarcWriter(Path(sys.argv[1]))
for i in range(100000):
    body = bytes(range(256)) * 200
    ex = HttpExchange(f"https://n.example/{i}", "GET", [], 200, None, [], body,
                      datetime.now(timezone.utc))
    location = writer.write_exchange(ex)
    print(location.offset, flush=True)
"""


def test_a_killed_writer_leaves_every_complete_record_readable(tmp_path):
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)], stdout=subprocess.PIPE, cwd=ROOT
    )
    offsets = [int(child.stdout.readline()) for _ in range(20)]
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    (path,) = tmp_path.iterdir()
    assert path.name.endswith(".warc.gz.open")
    faults = []
    records = list(iter_records(path, faults))
    responses = [r.offset for r in records if r.warc_type == "response"]
    assert responses[:20] == offsets
    assert all("torn tail" in fault.message for fault in faults)
    assert len(faults) <= 1


def test_a_torn_tail_is_reported_and_the_records_before_it_kept(written, tmp_path):
    path, _ = written
    whole = list(iter_records(path, []))
    torn = tmp_path / "torn.warc.gz.open"
    noise = random.Random(7).randbytes(5000)  # incompressible, so the cut member is incomplete
    torn.write_bytes(path.read_bytes() + gzip.compress(b"WARC/1.1\r\n" + noise)[:3000])
    faults = []
    assert [r.record_id for r in iter_records(torn, faults)] == [r.record_id for r in whole]
    assert [f.message for f in faults] == ["torn tail: the last gzip member is incomplete"]
    assert faults[0].offset == path.stat().st_size


def test_warc_files_are_created_as_data_not_programs(tmp_path):
    """0644 less the umask, for the `.open` file and the closed one: no execute bits."""
    umask = os.umask(0)
    os.umask(umask)
    writer = WarcWriter(tmp_path)
    writer.write_exchange(exchange())
    assert writer.current_file.stat().st_mode & 0o777 == 0o644 & ~umask
    (name,) = writer.close()
    assert (tmp_path / name).stat().st_mode & 0o777 == 0o644 & ~umask


def _metadata(writer, location):
    return writer.write_metadata(
        refers_to=location.record_id,
        target_uri="urn:redline:article:" + "https://n.example/a",
        date=location.date,
        payload=b'{"article": {}}',
    )


def test_a_captures_metadata_follows_it_into_its_file_after_rotation(tmp_path):
    """Checklist 2: rollover never between a response and its metadata, though the
    extraction (in a worker) comes after later fetches and a rotation."""
    with WarcWriter(tmp_path, max_bytes=1500) as writer:
        first = writer.write_exchange(exchange(url="https://n.example/a"), derived=True)
        later = [writer.write_exchange(exchange(url=f"https://n.example/{i}")) for i in range(4)]
        assert later[-1].file != first.file  # rotated by size meanwhile
        assert first.file not in writer.closed_files  # kept open for its metadata record
        meta = _metadata(writer, first)
        assert meta.file == first.file
        assert first.file in writer.closed_files  # and closed once it came
        writer.rotate()
        assert writer.current_file is None
    records = list(iter_records(tmp_path / first.file, []))
    assert [r.warc_type for r in records][-1] == "metadata"
    assert lint_warcs(tmp_path / name for name in writer.closed_files) == []


def test_a_rotated_file_closes_when_no_metadata_will_come(tmp_path, monkeypatch):
    writer = WarcWriter(tmp_path)
    settled = writer.write_exchange(exchange(url="https://n.example/a"), derived=True)
    assert writer.rotate() == []  # still waiting for its metadata record
    assert writer.settle([settled.record_id]) is None
    assert writer.closed_files == [settled.file]
    # A record that never gets its metadata holds its file for DRAIN_SECONDS at most.
    monkeypatch.setattr("archive.warc_writer.DRAIN_SECONDS", 0.0)
    overdue = writer.write_exchange(exchange(url="https://n.example/b"), derived=True)
    assert writer.rotate() == [settled.file, overdue.file]
    late = _metadata(writer, overdue)  # too late: into the current file, not a closed one
    assert late.file not in (settled.file, overdue.file)
    assert writer.close() == [settled.file, overdue.file, late.file]
    assert not list(tmp_path.glob("*.open"))


def test_close_closes_files_still_waiting_for_metadata(tmp_path):
    writer = WarcWriter(tmp_path)
    waiting = writer.write_exchange(exchange(url="https://n.example/a"), derived=True)
    writer.rotate()
    current = writer.write_exchange(exchange(url="https://n.example/b"))
    assert sorted(writer.close()) == sorted([waiting.file, current.file])
    assert not list(tmp_path.glob("*.open"))
    assert _metadata(writer, waiting).file not in (waiting.file, current.file)
    writer.close()
