"""Tolerant reader for WARC 1.0/1.1 and ARC files, ours and other tools'.

Bad input never raises from `iter_records`: each problem becomes a WarcFault naming the
file, offset and what is wrong; every record that can be read is still yielded, a torn
or garbage tail ends the file.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from archive.digest import digest_matches

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16
_MAX_LINE = 1 << 16
_CANONICAL = {
    name.lower(): name
    for name in [
        "WARC-Type",
        "WARC-Record-ID",
        "WARC-Date",
        "WARC-Target-URI",
        "WARC-Payload-Digest",
        "WARC-Block-Digest",
        "WARC-Concurrent-To",
        "WARC-Refers-To",
        "WARC-Refers-To-Target-URI",
        "WARC-Refers-To-Date",
        "WARC-Truncated",
        "WARC-Warcinfo-ID",
        "WARC-Filename",
        "WARC-Profile",
        "WARC-IP-Address",
        "WARC-Identified-Payload-Type",
        "WARC-Segment-Number",
        "WARC-Protocol",
        "Content-Type",
        "Content-Length",
    ]
}


class ArchiveError(Exception):
    """A WARC/ARC file or record that cannot be read; the message says which and where."""


@dataclass(frozen=True)
class WarcFault:
    file: str
    offset: int | None
    message: str

    def __str__(self) -> str:
        where = f" at offset {self.offset}" if self.offset is not None else ""
        return f"{self.file}{where}: {self.message}"


@dataclass(frozen=True)
class RawRecord:
    """A record as stored: version line, header fields in order, and the block bytes."""

    file: str
    offset: int
    length: int  # bytes in the file (the gzip member); 0 when it shares a member with others
    version: str  # "WARC/1.1", "WARC/1.0", ... or "ARC"
    fields: list[tuple[str, str]]
    block: bytes
    exact_end: bool  # the block is followed by exactly the format's separator (CRLF CRLF)
    cut: bool = False  # the block was longer than the reader was allowed to keep

    def field(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.fields if k.lower() == lower), None)


@dataclass(frozen=True)
class WarcRecord:
    file: str
    offset: int
    length: int
    warc_type: str
    record_id: str | None
    date: str | None
    target_uri: str | None  # percent-encoded (spaces, non-ASCII), wget's <...> removed
    headers: dict[str, str]
    http_status: int | None
    http_headers: list[tuple[str, str]]
    payload: bytes  # transfer- and content-coding removed
    payload_digest: str | None
    refers_to: str | None
    concurrent_to: str | None
    truncated: str | None
    content_type: str | None
    version: str = "WARC/1.1"

    def http_header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.http_headers if k.lower() == lower), None)


class _Source:
    """Sequential bytes of a plain file, with the file offset of any position.

    The buffer is a bytearray read from `start` and compacted now and then, so reading a
    large record costs linear time whatever the chunk size.
    """

    def __init__(
        self, handle: BinaryIO, name: str, faults: list[WarcFault], chunk: int = _CHUNK
    ) -> None:
        self.handle, self.name, self.faults, self.chunk = handle, name, faults, chunk
        self.buf = bytearray()
        self.start = 0  # buf[start] is the byte at stream position `pos`
        self.pos = handle.tell()
        self.torn = False  # a torn gzip member was reported: records cut by it need no fault

    @property
    def available(self) -> int:
        return len(self.buf) - self.start

    def _more(self) -> bool:
        data = self.handle.read(self.chunk)
        self.buf += data
        return bool(data)

    def peek(self, size: int) -> bytes:
        while self.available < size and self._more():
            pass
        return bytes(self.buf[self.start : self.start + size])

    def read(self, size: int) -> bytes:
        data = self.peek(size)
        self._consume(len(data))
        return data

    def skip(self, size: int) -> int:
        """Pass over `size` bytes without keeping them; returns how many there were."""
        done = 0
        while done < size and (self.available or self._more()):
            step = min(size - done, self.available)
            self._consume(step)
            done += step
        return done

    def _consume(self, size: int) -> None:
        self.start += size
        self.pos += size
        if self.start > (1 << 20) and self.start * 2 > len(self.buf):
            del self.buf[: self.start]
            self.start = 0

    def readline(self) -> bytes:
        end = self.buf.find(b"\n", self.start, self.start + _MAX_LINE)
        while end < 0 and self.available < _MAX_LINE and self._more():
            end = self.buf.find(b"\n", self.start, self.start + _MAX_LINE)
        return self.read(end + 1 - self.start if end >= 0 else min(self.available, _MAX_LINE))

    def at_boundary(self) -> bool:
        """Whether the stream ends here (gzip: a member ends here), so a separator is moot."""
        return not self.peek(1)

    def span(self, start: int, end: int) -> tuple[int, int, bool]:
        """(file offset, length, whether the record owns exactly that range)."""
        return start, end - start, True

    def forget_before(self, pos: int) -> None:
        """Positions before `pos` will not be asked about again."""


class _GzipSource(_Source):
    """Decompressed view of concatenated gzip members that remembers where each began.

    Inflation is bounded: one step yields at most `chunk * 64` bytes, so a bomb never lands
    in memory at once, and the whole file at most `max_inflated` bytes.
    """

    def __init__(
        self,
        handle: BinaryIO,
        name: str,
        faults: list[WarcFault],
        chunk: int = _CHUNK,
        max_inflated: int | None = None,
    ) -> None:
        super().__init__(handle, name, faults, chunk)
        self.compressed_pos = handle.tell()
        self.pos = 0
        self.pending = b""  # compressed bytes read but not inflated yet
        self.inflater: zlib._Decompress | None = None
        self.members: list[list[int]] = []  # [stream start, file offset, file end or -1]
        self.ended = False
        self.inflated, self.max_inflated = 0, max_inflated

    def _more(self) -> bool:
        while not self.ended:
            if self.inflater is None and not self._start_member():
                return False
            data = self.pending or self.handle.read(self.chunk)
            self.pending = b""
            if self._inflate(data):
                return True
        return False

    def _start_member(self) -> bool:
        head = self.pending
        while len(head) < len(GZIP_MAGIC):  # a member may start on a chunk's last byte
            data = self.handle.read(self.chunk)
            if not data:
                break
            head += data
        self.pending = head
        if not head:
            self.ended = True
            return False
        if not head.startswith(GZIP_MAGIC):
            self._fault(self.compressed_pos, f"garbage after the last gzip member: {head[:24]!r}")
            return False
        self.members.append([self.pos + self.available, self.compressed_pos, -1])
        self.inflater = zlib.decompressobj(31)
        return True

    def _inflate(self, data: bytes) -> bool:
        member = self.members[-1]
        if not data:  # what an incomplete member inflates to is not to be trusted
            del self.buf[self.start + max(0, member[0] - self.pos) :]
            self._fault(member[1], "torn tail: the last gzip member is incomplete")
            self.torn = True
            return False
        try:
            out = self.inflater.decompress(data, self.chunk * 64)
        except zlib.error as error:
            self._fault(member[1], f"corrupt gzip member ({error})")
            return False
        if self.inflater.eof:
            self.pending = self.inflater.unused_data
            self.inflater = None
        else:
            self.pending = self.inflater.unconsumed_tail
        self.compressed_pos += len(data) - len(self.pending)
        if self.inflater is None:
            member[2] = self.compressed_pos
        self.buf += out
        self.inflated += len(out)
        if self.max_inflated is not None and self.inflated > self.max_inflated:
            self._fault(member[1], f"inflates past {self.max_inflated} bytes; read no further")
        return bool(out) or self.inflater is None

    def _fault(self, offset: int, message: str) -> None:
        self.faults.append(WarcFault(self.name, offset, message))
        self.ended = True

    def span(self, start: int, end: int) -> tuple[int, int, bool]:
        self.peek(1)  # finish the member holding the record's last byte, if it ends here
        first = self._member_at(start)
        last = self._member_at(max(start, end - 1))
        owns = first[0] == start and last[2] >= 0 and self._member_end_pos(last) <= end
        return first[1], (last[2] - first[1]) if last[2] >= 0 else 0, owns

    def at_boundary(self) -> bool:
        self.peek(1)
        return not self.available or any(m[0] == self.pos for m in self.members)

    def forget_before(self, pos: int) -> None:
        keep = len(self.members) - 1
        while keep > 0 and self.members[keep][0] > pos:
            keep -= 1
        del self.members[:keep]

    def _member_at(self, pos: int) -> list[int]:
        return next((m for m in reversed(self.members) if m[0] <= pos), self.members[0])

    def _member_end_pos(self, member: list[int]) -> int:
        later = (m[0] for m in self.members if m[0] > member[0])
        return next(later, self.pos + self.available)


def open_source(
    handle: BinaryIO,
    name: str,
    faults: list[WarcFault],
    *,
    chunk: int = _CHUNK,
    max_inflated: int | None = None,
) -> _Source:
    """A gzip-aware source starting at the handle's current position."""
    start = handle.tell()
    magic = handle.read(2)
    handle.seek(start)
    if magic == GZIP_MAGIC:
        return _GzipSource(handle, name, faults, chunk, max_inflated)
    return _Source(handle, name, faults, chunk)


def inflation_budget(path: Path) -> int:
    """What a file from elsewhere may inflate to: 100 times its size (at least 1 MiB)."""
    try:
        return max(100 * Path(path).stat().st_size, 1 << 20)
    except OSError:
        return 1 << 20


def iter_raw_records(
    path: Path,
    faults: list[WarcFault],
    *,
    chunk_size: int = _CHUNK,
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


def _next_raw(source: _Source, state: _ScanState) -> RawRecord | None:
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


def _note_skipped(source: _Source, skipped_at: int | None, end: int) -> None:
    if skipped_at is not None:
        offset = source.span(skipped_at, skipped_at + 1)[0]
        message = f"{end - skipped_at} bytes that are not a WARC record skipped"
        source.faults.append(WarcFault(source.name, offset, message))


def _parse_warc(source: _Source, state: _ScanState, start: int, line: bytes) -> RawRecord | None:
    fields = _read_fields(source)
    if fields is None:
        _report_torn(source, start, "torn tail: record headers cut off")
        return None
    version = line.strip().decode("latin-1")
    length = next((v for k, v in fields if k.lower() == "content-length"), "")
    if not length.strip().isdigit():
        message = f"missing or invalid Content-Length {length!r} in {version} record"
        source.faults.append(_fault_at(source, start, message))
        return None
    return _finish_record(source, state, start, version, fields, int(length), b"\r\n\r\n")


def _read_fields(source: _Source) -> list[tuple[str, str]] | None:
    fields: list[tuple[str, str]] = []
    while True:
        line = source.readline()
        if not line:
            return None
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if not text:
            return fields
        if text[0] in " \t" and fields:  # folded continuation line
            fields[-1] = (fields[-1][0], fields[-1][1] + " " + text.strip())
        elif ":" in text:
            name, _, value = text.partition(":")
            fields.append((_CANONICAL.get(name.strip().lower(), name.strip()), value.strip()))


def _finish_record(
    source: _Source,
    state: _ScanState,
    start: int,
    version: str,
    fields: list[tuple[str, str]],
    length: int,
    trailer: bytes,
) -> RawRecord | None:
    record_id = next((v for k, v in fields if k == "WARC-Record-ID"), None) or "(no id)"
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
    if not owns and isinstance(source, _GzipSource):
        spans = source.span(source.pos - 1, source.pos)[0] != offset
        _note_shared_member(source, state, offset, spans)
    return RawRecord(source.name, offset, size, version, fields, block, ending == trailer, cut)


def _read_newlines(source: _Source) -> bytes:
    """Consume the separator after a block; other tools write 1 to 4+ CR/LF bytes."""
    ending = b""
    while len(ending) < 16 and source.peek(1) in (b"\r", b"\n"):
        ending += source.read(1)
    return ending


def _note_shared_member(source: _Source, state: _ScanState, offset: int, spans: bool) -> None:
    state.shared_members = state.shared_members or set()
    if offset not in state.shared_members:
        state.shared_members.add(offset)
        what = (
            "a record spans several gzip members" if spans else "several records in one gzip member"
        )
        message = f"{what}: records cannot be read by offset; `warcio recompress` fixes this"
        source.faults.append(WarcFault(source.name, offset, message))


def _report_torn(source: _Source, start: int, message: str) -> None:
    if not source.torn:
        source.faults.append(_fault_at(source, start, message))


def _fault_at(source: _Source, start: int, message: str) -> WarcFault:
    return WarcFault(source.name, source.span(start, start + 1)[0], message)


def _arc_tokens(line: bytes) -> list[str] | None:
    tokens = line.decode("latin-1").split()
    if len(tokens) < 5 or ":" not in tokens[0]:
        return None
    if re.fullmatch(r"\d{12,}", tokens[-3]) or (len(tokens) >= 10 and tokens[-8].isdigit()):
        return tokens
    return None


def _parse_arc(source: _Source, state: _ScanState, start: int, line: bytes) -> RawRecord | None:
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
    chunk_size: int = _CHUNK,
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


def to_warc_record(
    raw: RawRecord, faults: list[WarcFault], *, check_digests: bool, max_payload: int | None = None
) -> WarcRecord:
    headers: dict[str, str] = {}
    for name, value in raw.fields:
        headers.setdefault(name, value)
    warc_type = headers.get("WARC-Type", "unknown")
    status, http_headers, body = split_http(raw.block, warc_type)
    if check_digests and not raw.cut:
        _check_digests(raw, headers, body, http_headers, faults)
    payload = _decoded_payload(raw, body, http_headers, faults, max_payload)
    content_type = _header(http_headers, "Content-Type") if http_headers else None
    return WarcRecord(
        file=raw.file,
        offset=raw.offset,
        length=raw.length,
        warc_type=warc_type,
        record_id=headers.get("WARC-Record-ID"),
        date=headers.get("WARC-Date"),
        target_uri=clean_uri(headers.get("WARC-Target-URI")),
        headers=headers,
        http_status=status,
        http_headers=http_headers,
        payload=payload,
        payload_digest=headers.get("WARC-Payload-Digest"),
        refers_to=headers.get("WARC-Refers-To"),
        concurrent_to=headers.get("WARC-Concurrent-To"),
        truncated=headers.get("WARC-Truncated") or ("length" if raw.cut else None),
        content_type=content_type or headers.get("Content-Type"),
        version=raw.version,
    )


def clean_uri(uri: str | None) -> str | None:
    """wget 1.14's `<...>` removed, spaces and non-ASCII percent-encoded."""
    if uri is None:
        return None
    uri = uri.strip()
    if uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1]
    return quote(uri, safe="!#$%&'()*+,/:;=?@[]~-._")


def split_http(block: bytes, warc_type: str) -> tuple[int | None, list[tuple[str, str]], bytes]:
    """(status, headers, body) of an HTTP message block; (None, [], block) when it is not one."""
    if warc_type not in ("response", "revisit", "request") or not _is_http(block, warc_type):
        return None, [], block
    ends = [i for i in (block.find(b"\r\n\r\n"), block.find(b"\n\n")) if i >= 0]
    cut = min(ends) if ends else len(block)
    gap = 4 if block[cut : cut + 4] == b"\r\n\r\n" else 2
    lines = block[:cut].decode("latin-1").replace("\r\n", "\n").split("\n")
    status = None
    if warc_type != "request":
        code = lines[0].split(" ", 2)[1:2]
        status = int(code[0]) if code and code[0].isdigit() else None
    return status, _http_fields(lines[1:]), block[cut + gap :]


def _is_http(block: bytes, warc_type: str) -> bool:
    first = block[: block.find(b"\n")] if b"\n" in block else block
    if warc_type == "request":  # browser-based tools write "GET /" or even a status line
        return re.match(rb"([A-Za-z]+ \S+|HTTP/)", first) is not None
    return first.startswith(b"HTTP/")


def _http_fields(lines: list[str]) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for line in lines:
        if line[:1] in (" ", "\t") and fields:
            fields[-1] = (fields[-1][0], fields[-1][1] + " " + line.strip())
        elif ":" in line:
            name, _, value = line.partition(":")
            fields.append((name.strip(), value.strip()))
    return fields


def _header(fields: list[tuple[str, str]], name: str) -> str | None:
    lower = name.lower()
    return next((v for k, v in fields if k.lower() == lower), None)


def _check_digests(
    raw: RawRecord,
    headers: dict[str, str],
    body: bytes,
    http_headers: list[tuple[str, str]],
    faults: list[WarcFault],
) -> None:
    what = f"record {headers.get('WARC-Record-ID', '(no id)')}"
    block_digest = headers.get("WARC-Block-Digest")
    if block_digest and digest_matches(block_digest, raw.block) is False:
        faults.append(WarcFault(raw.file, raw.offset, f"block digest mismatch in {what}"))
    payload_digest = headers.get("WARC-Payload-Digest")
    if not payload_digest or headers.get("WARC-Type") == "revisit":
        return  # a revisit's payload digest is the original's
    candidates = [body]
    if "chunked" in (_header(http_headers, "Transfer-Encoding") or "").lower():
        candidates.append(dechunk(body) or body)
    if not any(digest_matches(payload_digest, data) is not False for data in candidates):
        faults.append(WarcFault(raw.file, raw.offset, f"payload digest mismatch in {what}"))


def dechunk(body: bytes) -> bytes | None:
    """The body without chunked transfer framing; None when it is not valid chunking."""
    out, pos = bytearray(), 0
    while True:
        eol = body.find(b"\r\n", pos)
        size_text = body[pos:eol].split(b";")[0].strip() if eol >= 0 else b""
        if not size_text or not re.fullmatch(rb"[0-9A-Fa-f]+", size_text):
            return None
        size = int(size_text, 16)
        if size == 0:
            return bytes(out)
        out += body[eol + 2 : eol + 2 + size]
        pos = eol + 2 + size + 2
        if pos > len(body):
            return bytes(out)  # cut off inside the chunks: keep what arrived


def _decoded_payload(
    raw: RawRecord,
    body: bytes,
    http_headers: list[tuple[str, str]],
    faults: list[WarcFault],
    limit: int | None = None,
) -> bytes:
    if not http_headers:
        return body
    if "chunked" in (_header(http_headers, "Transfer-Encoding") or "").lower():
        body = dechunk(body) or body  # other tools' TE headers over unchunked bodies exist
    codings = [
        c.strip().lower() for c in (_header(http_headers, "Content-Encoding") or "").split(",")
    ]
    for coding in reversed([c for c in codings if c and c != "identity"]):
        decoded = decode_content(body, coding, limit)
        if decoded is None:
            message = f"payload with Content-Encoding {coding} does not decode; kept as stored"
            faults.append(WarcFault(raw.file, raw.offset, message))
            return body
        if limit is not None and len(decoded) >= limit:
            message = f"payload with Content-Encoding {coding} inflates past {limit} bytes; cut"
            faults.append(WarcFault(raw.file, raw.offset, message))
        body = decoded
    return body


def decode_content(body: bytes, coding: str, limit: int | None = None) -> bytes | None:
    """Undo one content-coding; a cut-off stream gives what it holds. None when impossible.

    With `limit`, at most that many bytes come out (a decompression bomb stops there).
    """
    if not body:
        return body
    if coding == "br":
        return _decode_brotli(body, limit)
    if coding not in ("gzip", "x-gzip", "deflate"):
        return None
    wbits = 47 if body[:1] in (b"\x1f", b"\x78") else -15  # raw deflate has no header
    try:
        return zlib.decompressobj(wbits).decompress(body, limit or 0)
    except zlib.error:
        return None


def _decode_brotli(body: bytes, limit: int | None) -> bytes | None:
    try:
        import brotli
    except ImportError:
        return None
    try:
        if limit is None:
            return brotli.decompress(body)
        return _brotli_bounded(brotli.Decompressor(), body, limit)
    except brotli.error:
        return None


def _brotli_bounded(inflater, body: bytes, limit: int) -> bytes:
    """Brotli output in steps, stopping once `limit` bytes came out."""
    out = bytearray(inflater.process(body, output_buffer_limit=min(limit, 1 << 20)))
    while len(out) < limit and not (inflater.is_finished() or inflater.can_accept_more_data()):
        out += inflater.process(b"", output_buffer_limit=min(limit - len(out), 1 << 20))
    return bytes(out[:limit])


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
        whole = raw is not None and (raw.length > 0 or not isinstance(source, _GzipSource))
        if whole and raw.offset == start:
            return start
    return None


def _occurrences(data: bytes, needle: bytes, limit: int) -> set[int]:
    found, at = set(), data.find(needle)
    while at >= 0 and len(found) < limit:
        found.add(at)
        at = data.find(needle, at + 1)
    return found
