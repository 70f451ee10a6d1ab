"""WARC records as the reader gives them: raw (fields and block as stored) and parsed
(HTTP message split, digests checked, transfer- and content-coding removed).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from archive.digest import digest_matches
from archive.http_message import decode_content, dechunk, header, is_chunked, split_http

# Field names as the WARC standard spells them; the reader stores others' spellings so.
CANONICAL = {
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
        return header(self.fields, name)


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
        return header(self.http_headers, name)


def to_warc_record(
    raw: RawRecord, faults: list[WarcFault], *, check_digests: bool, max_payload: int | None = None
) -> WarcRecord:
    headers: dict[str, str] = {}
    for name, value in raw.fields:
        headers.setdefault(name, value)
    warc_type = headers.get("WARC-Type", "unknown")
    status, http_headers, body = split_http(raw.block, warc_type)
    if status is None and warc_type == "revisit" and not raw.block:
        status = _not_modified_status(headers)
    if check_digests and not raw.cut:
        _check_digests(raw, headers, body, http_headers, faults)
    payload = _decoded_payload(raw, body, http_headers, faults, max_payload)
    content_type = header(http_headers, "Content-Type") if http_headers else None
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


def _not_modified_status(headers: dict[str, str]) -> int | None:
    """304 for a server-not-modified revisit stored without its HTTP head (as redline
    writes them, so that pywb replays the original): the profile says what it answered."""
    profile = headers.get("WARC-Profile", "")
    return 304 if profile.endswith("/revisit/server-not-modified") else None


def clean_uri(uri: str | None) -> str | None:
    """wget 1.14's `<...>` removed, spaces and non-ASCII percent-encoded."""
    if uri is None:
        return None
    uri = uri.strip()
    if uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1]
    return quote(uri, safe="!#$%&'()*+,/:;=?@[]~-._")


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
    if is_chunked(http_headers):
        candidates.append(dechunk(body) or body)
    if not any(digest_matches(payload_digest, data) is not False for data in candidates):
        faults.append(WarcFault(raw.file, raw.offset, f"payload digest mismatch in {what}"))


def _decoded_payload(
    raw: RawRecord,
    body: bytes,
    http_headers: list[tuple[str, str]],
    faults: list[WarcFault],
    limit: int | None = None,
) -> bytes:
    if not http_headers:
        return body
    if is_chunked(http_headers):
        body = dechunk(body) or body  # other tools' TE headers over unchunked bodies exist
    codings = [
        c.strip().lower() for c in (header(http_headers, "Content-Encoding") or "").split(",")
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
