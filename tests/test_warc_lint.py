"""lint_warc catches real faults in otherwise good files of ours."""

from __future__ import annotations

import gzip
import zlib
from datetime import datetime, timezone
from pathlib import Path

from archive.digest import sha1_base32
from archive.warc_lint import count_gzip_members, lint_warc, lint_warcs
from archive.warc_writer import HttpExchange, WarcWriter

HTML = b"<html><p>Council approves budget</p></html>"


def exchange(url: str = "https://n.example/a?b=1") -> HttpExchange:
    when = datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=timezone.utc)
    headers = [("Content-Type", "text/html")]
    return HttpExchange(url, "GET", [("User-Agent", "t")], 200, "OK", headers, HTML, when)


def good_file(directory: Path, captures: int = 2) -> Path:
    with WarcWriter(directory) as writer:
        for i in range(captures):
            writer.write_exchange(exchange(f"https://n.example/{i}?p=1"))
    return directory / writer.closed_files[0]


def members_of(path: Path) -> list[bytes]:
    """The decompressed record of each gzip member."""
    data, out = path.read_bytes(), []
    while data:
        inflater = zlib.decompressobj(31)
        out.append(inflater.decompress(data))
        data = inflater.unused_data
    return out


def write_members(path: Path, records: list[bytes]) -> None:
    path.write_bytes(b"".join(gzip.compress(r) for r in records))


def test_a_good_file_has_no_problems(tmp_path):
    path = good_file(tmp_path)
    assert count_gzip_members(path) == 5
    assert lint_warc(path) == []


def test_a_flipped_byte_is_a_digest_problem(tmp_path):
    path = good_file(tmp_path)
    records = members_of(path)
    records[1] = records[1].replace(b"Council", b"Cuoncil")
    write_members(path, records)
    problems = lint_warc(path)
    assert any("block digest mismatch" in p for p in problems)
    assert any("payload digest mismatch" in p for p in problems)


def test_a_transfer_encoding_header_over_a_dechunked_body_is_caught(tmp_path):
    path = good_file(tmp_path)
    records = members_of(path)
    head, _, block = records[1].partition(b"\r\n\r\n")
    block = block[:-4].replace(b"Content-Type: text/html", b"Transfer-Encoding: chunked", 1)
    head_lines = [
        line
        for line in head.split(b"\r\n")
        if not line.startswith((b"WARC-Block-Digest", b"Content-Length"))
    ]
    head_lines += [
        b"WARC-Block-Digest: " + sha1_base32(block).encode(),
        b"Content-Length: " + str(len(block)).encode(),
    ]
    records[1] = b"\r\n".join(head_lines) + b"\r\n\r\n" + block + b"\r\n\r\n"
    write_members(path, records)
    problems = lint_warc(path)
    assert [p for p in problems if "digest" in p] == []  # the record is otherwise consistent
    assert any("Transfer-Encoding header over a de-chunked body" in p for p in problems)


def test_a_missing_request_record_is_caught(tmp_path):
    path = good_file(tmp_path)
    records = members_of(path)
    del records[2]  # the first capture's request
    write_members(path, records)
    problems = lint_warc(path)
    assert any("is not followed by its request record" in p for p in problems)


def test_whole_file_gzip_and_a_wrong_name_are_caught(tmp_path):
    path = good_file(tmp_path)
    renamed = tmp_path / "capture.warc.gz"
    renamed.write_bytes(gzip.compress(b"".join(members_of(path))))
    problems = lint_warc(renamed)
    assert any("does not follow the naming pattern" in p for p in problems)
    assert any("1 gzip members for 5 records" in p for p in problems)
    assert any("WARC-Filename" in p for p in problems)


def test_metadata_must_refer_to_a_capture_in_the_file_set(tmp_path):
    with WarcWriter(tmp_path, max_bytes=1) as writer:  # every capture in its own file
        location = writer.write_exchange(exchange())
        writer.write_metadata(
            refers_to=location.record_id,
            target_uri=exchange().url,
            date=location.date,
            payload=b"{}",
        )
    first, second = (tmp_path / name for name in writer.closed_files)
    assert lint_warcs([first, second]) == []
    assert any("resolves to no capture" in p for p in lint_warc(second))


def test_foreign_files_are_linted_not_crashed_on(warc_fixtures):
    problems = lint_warc(warc_fixtures / "warcio" / "example.warc.gz")
    assert any("version WARC/1.0" in p for p in problems)
    assert any("does not follow the naming pattern" in p for p in problems)
