"""Tolerant reader for WARC 1.0/1.1 and ARC files, ours and other tools'.

Bad input never raises from `iter_records`: each problem becomes a WarcFault naming the
file, offset and what is wrong; every record that can be read is still yielded, a torn
or garbage tail ends the file. The bytes come from archive/gzip_members.py; parsed
records (HTTP, digests, decoding) from archive/warc_records.py.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archive.gzip_members import CHUNK, GZIP_MAGIC, ByteSource, GzipSource, open_source
from archive.http_message import header
from archive.warc_records import (
    CANONICAL,
    ArchiveError,
    RawRecord,
    WarcFault,
    WarcRecord,
    to_warc_record,
)


def iter_raw_records(
    path: Path,
    faults: list[WarcFault],
    *,
    chunk_size: int = CHUNK,
    max_record_bytes: int | None = None,
    max_inflated_bytes: int | None = None,
) -> Iterator[RawRecord]:
    """Every complete record of a WARC/ARC file, gzipped or not, in file order.

    A block longer than `max_record_bytes` is kept cut to that size (`RawRecord.cut`);
    a file is read no further once it inflates past `max_inflated_bytes`.
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as error:
        faults.append(WarcFault(path.name, None, f"cannot open: {error.strerror}"))
        return
    with handle:
        source = open_source(
            handle, path.name, faults, chunk=chunk_size, max_inflated=max_inflated_bytes
        )
        state = _ScanState(max_record=max_record_bytes)
        while (record := _next_raw(source, state)) is not None:
            yield record


@dataclass
class _ScanState:
    arc_version: int = 1
    shared_members: set[int] | None = None
    max_record: int | None = None


def _next_raw(source: ByteSource, state: _ScanState) -> RawRecord | None:
    source.forget_before(source.pos)
    skipped_at = None
    while True:
        start = source.pos
        line = source.readline()
        if not line:
            _note_skipped(source, skipped_at, start)
            return None
        if not line.strip():
            continue
        if line.startswith(b"WARC/"):
            parse = _parse_warc
        elif _arc_tokens(line) is not None:
            parse = _parse_arc
        else:
            skipped_at = start if skipped_at is None else skipped_at
            continue
        _note_skipped(source, skipped_at, start)
        return parse(source, state, start, line)


def _note_skipped(source: ByteSource, skipped_at: int | None, end: int) -> None:
    if skipped_at is not None:
        offset = source.span(skipped_at, skipped_at + 1)[0]
        message = f"{end - skipped_at} bytes that are not a WARC record skipped"
        source.faults.append(WarcFault(source.name, offset, message))


def _parse_warc(source: ByteSource, state: _ScanState, start: int, line: bytes) -> RawRecord | None:
    fields = _read_fields(source)
    if fields is None:
        _report_torn(source, start, "torn tail: record headers cut off")
        return None
    version = line.strip().decode("latin-1")
    length = header(fields, "Content-Length") or ""
    if not length.strip().isdigit():
        message = f"missing or invalid Content-Length {length!r} in {version} record"
        source.faults.append(_fault_at(source, start, message))
        return None
    return _finish_record(source, state, start, version, fields, int(length), b"\r\n\r\n")


def _read_fields(source: ByteSource) -> list[tuple[str, str]] | None:
    fields: list[tuple[str, str]] = []
    readline, canonical = source.readline, CANONICAL  # a dozen lines per record: kept local
    while True:
        line = readline()
        if not line:
            return None
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if not text:
            return fields
        if text[0] in " \t" and fields:  # folded continuation line
            fields[-1] = (fields[-1][0], fields[-1][1] + " " + text.strip())
        elif ":" in text:
            name, _, value = text.partition(":")
            name = name.strip()
            fields.append((canonical.get(name.lower(), name), value.strip()))


def _finish_record(
    source: ByteSource,
    state: _ScanState,
    start: int,
    version: str,
    fields: list[tuple[str, str]],
    length: int,
    trailer: bytes,
) -> RawRecord | None:
    record_id = header(fields, "WARC-Record-ID") or "(no id)"
    keep = length if state.max_record is None else min(length, state.max_record)
    block = source.read(keep)
    cut = keep < length and len(block) == keep
    if cut:
        passed = source.skip(length - keep)
        if passed < length - keep:
            _report_torn(source, start, f"torn tail: record {record_id} is cut off")
            return None
        message = f"record {record_id} is {length} bytes; only the first {keep} were read"
        source.faults.append(_fault_at(source, start, message))
    if len(block) < keep and version == "ARC" and block:
        message = f"ARC record is {length - len(block)} bytes shorter than its declared length"
        source.faults.append(_fault_at(source, start, message))
    elif len(block) < keep:
        message = f"torn tail: record {record_id} ends after {len(block)} of {length} bytes"
        _report_torn(source, start, message)
        return None
    ending = _read_newlines(source)
    if not ending and version != "ARC" and not source.at_boundary():
        message = f"record {record_id} is not followed by CRLF CRLF (Content-Length wrong?)"
        source.faults.append(_fault_at(source, start, message))
    offset, size, owns = source.span(start, source.pos)
    if not owns and isinstance(source, GzipSource):
        spans = source.span(source.pos - 1, source.pos)[0] != offset
        _note_shared_member(source, state, offset, spans)
    return RawRecord(source.name, offset, size, version, fields, block, ending == trailer, cut)


def _read_newlines(source: ByteSource) -> bytes:
    """Consume the separator after a block; other tools write 1 to 4+ CR/LF bytes (at
    most 16 taken). Reads no further than byte by byte would (a gzip member's end)."""
    ending = b""
    while len(ending) < 16:
        ahead = source.peek(min(16 - len(ending), source.available) or 1)
        run = len(ahead) - len(ahead.lstrip(b"\r\n"))
        ending += source.read(run)
        if run < len(ahead) or not ahead:
            break
    return ending


def _note_shared_member(source: ByteSource, state: _ScanState, offset: int, spans: bool) -> None:
    state.shared_members = state.shared_members or set()
    if offset not in state.shared_members:
        state.shared_members.add(offset)
        what = (
            "a record spans several gzip members" if spans else "several records in one gzip member"
        )
        message = f"{what}: records cannot be read by offset; `warcio recompress` fixes this"
        source.faults.append(WarcFault(source.name, offset, message))


def _report_torn(source: ByteSource, start: int, message: str) -> None:
    if not source.torn:
        source.faults.append(_fault_at(source, start, message))


def _fault_at(source: ByteSource, start: int, message: str) -> WarcFault:
    return WarcFault(source.name, source.span(start, start + 1)[0], message)


def _arc_tokens(line: bytes) -> list[str] | None:
    tokens = line.decode("latin-1").split()
    if len(tokens) < 5 or ":" not in tokens[0]:
        return None
    if re.fullmatch(r"\d{12,}", tokens[-3]) or (len(tokens) >= 10 and tokens[-8].isdigit()):
        return tokens
    return None


def _parse_arc(source: ByteSource, state: _ScanState, start: int, line: bytes) -> RawRecord | None:
    tokens = _arc_tokens(line) or []
    v2 = state.arc_version == 2 and len(tokens) >= 10 and not re.fullmatch(r"\d{12,}", tokens[-3])
    ip, date, mime = (tokens[-9], tokens[-8], tokens[-7]) if v2 else tokens[-4:-1]
    url = " ".join(tokens[: -9 if v2 else -4])
    length = int(tokens[-1]) if tokens[-1].isdigit() else 0
    if not tokens[-1].isdigit():
        message = f"ARC record for {url} has an invalid length {tokens[-1]!r}; read as empty"
        source.faults.append(_fault_at(source, start, message))
    arc_type = "arc_header" if url.startswith("filedesc:") else "response"
    fields = [
        ("WARC-Type", arc_type),
        ("WARC-Target-URI", url),
        ("WARC-Date", _arc_date(date)),
        ("WARC-IP-Address", ip),
        ("Content-Type", mime),
        ("Content-Length", str(length)),
    ]
    record = _finish_record(source, state, start, "ARC", fields, length, b"\n")
    if record is not None and arc_type == "arc_header" and record.block.startswith(b"2 "):
        state.arc_version = 2
    return record


def _arc_date(stamp: str) -> str:
    digits = (stamp + "0" * 14)[:14]
    d = digits
    return f"{d[:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z"


def iter_records(
    path: Path,
    faults: list[WarcFault],
    *,
    check_digests: bool = True,
    chunk_size: int = CHUNK,
    max_record_bytes: int | None = None,
    max_inflated_bytes: int | None = None,
) -> Iterator[WarcRecord]:
    """Every readable record, parsed; problems (digests included) are appended to `faults`.

    With `max_record_bytes`, blocks and decoded payloads are cut there (untrusted input).
    """
    raws = iter_raw_records(
        Path(path),
        faults,
        chunk_size=chunk_size,
        max_record_bytes=max_record_bytes,
        max_inflated_bytes=max_inflated_bytes,
    )
    for raw in raws:
        yield to_warc_record(raw, faults, check_digests=check_digests, max_payload=max_record_bytes)


def read_record(path: Path, offset: int, *, check_digests: bool = True) -> WarcRecord:
    """The one record at `offset`; falls back to `<path>.open` while the file is being written."""
    path = Path(path)
    if not path.exists() and Path(f"{path}.open").exists():
        path = Path(f"{path}.open")
    faults: list[WarcFault] = []
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            source = open_source(handle, path.name, faults)
            raw = _next_raw(source, _ScanState())
            record = to_warc_record(raw, faults, check_digests=check_digests) if raw else None
    except OSError as error:
        raise ArchiveError(f"{path}: cannot read: {error.strerror}") from None
    if faults or record is None or record.offset != offset:
        problem = str(faults[0]) if faults else f"{path.name}: no record at offset {offset}"
        raise ArchiveError(problem)
    return record


def first_complete_record(data: bytes, *, limit: int = 10_000) -> int | None:
    """Where in `data` (bytes cut from a WARC file) a complete record starts, if anywhere.

    Tries every place a gzip member or a WARC record could begin (at most `limit` of
    them); a record counts when it parses whole and, gzipped, owns whole members.
    Recovery asks this before it cuts a tail: only a provably incomplete tail is cut.
    """
    starts = sorted(_occurrences(data, GZIP_MAGIC, limit) | _occurrences(data, b"WARC/", limit))
    for start in starts[:limit]:
        faults: list[WarcFault] = []
        handle = io.BytesIO(data)
        handle.seek(start)
        source = open_source(handle, "tail", faults, max_inflated=100 * len(data) + (1 << 20))
        raw = _next_raw(source, _ScanState())
        if raw is None:
            continue
        whole = raw.length > 0 or not isinstance(source, GzipSource)
        if whole and raw.offset == start:
            return start
    return None


def _occurrences(data: bytes, needle: bytes, limit: int) -> set[int]:
    found: set[int] = set()
    at = data.find(needle)
    while at >= 0 and len(found) < limit:
        found.add(at)
        at = data.find(needle, at + 1)
    return found
