"""WARC/1.1 records as redline writes them: fields in a fixed order, then the block.

Follows the checklist ../shared/reference/warc-checklist.md (relative to the repository):
response (or revisit) then request, same WARC-Date, linked by WARC-Concurrent-To;
sha1 Base32 digests; bodies kept content-encoded and de-chunked. Record ids come from a
`new_id` callable, so a test can pin them and compare exact bytes.

A 304 is a server-not-modified revisit with no block (WARC 1.1 6.7.3 allows it): pywb
replays a revisit whose own HTTP head is a 3xx as that head, an empty 304 page, and only
resolves an empty one to its original (WARC-Refers-To-Target-URI, -Date, and the
original's WARC-Payload-Digest). The 304's headers that describe the page (validators,
caching, Date) are kept in the revisit's own WARC header, as JSON in a WARC-JSON-Metadata
field (see not_modified_json): what the server said about the page is kept, its
per-response noise is not, and a 304 costs two records, not three.

Record ids share a per-process prefix (RecordIds), so that the ids inside one gzip member
compress against each other (tests/test_recrawl_size.py bounds a 304's two records).
"""

from __future__ import annotations

import gzip
import ipaddress
import itertools
import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit, urlunsplit

from archive.digest import sha1_base32
from archive.http_message import (
    clean_text,
    header,
    not_modified_headers,
    request_block,
    response_block,
)

WARC_VERSION = "WARC/1.1"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/"
# The extension field Browsertrix, warcio and pywb use for JSON about a record (pywb copies
# it into its CDXJ lines). On a server-not-modified revisit it holds the 304's head.
JSON_METADATA = "WARC-JSON-Metadata"
TRUNCATION_REASONS = ("length", "time", "disconnect")
# Characters that may stay as they are in a URI (RFC 3986 reserved + unreserved, and '%').
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~-._"

Fields = list[tuple[str, str]]
NewId = Callable[[], str]


@dataclass(frozen=True)
class HttpExchange:
    """One HTTP fetch as the crawler saw it (body de-chunked, content-coding kept)."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str | None
    response_headers: list[tuple[str, str]]
    body: bytes
    date: datetime
    request_body: bytes = b""
    ip_address: str | None = None
    protocol: str | None = None
    truncated: str | None = None


@dataclass(frozen=True)
class RevisitOf:
    """The earlier capture a revisit record refers to."""

    record_id: str
    target_uri: str
    date: str
    payload_digest: str | None
    profile: str  # "identical-payload-digest" | "server-not-modified"


class RecordIds:
    """WARC-Record-IDs as RFC 9562 version 8 UUIDs: 74 random bits drawn once per process
    (again after a fork), then a 48-bit counter.

    Unique like random UUIDs across processes (a collision needs two processes drawing the
    same 74 bits), but the records of one file share all but the last digits, so a gzip
    member holding a record id and the warcinfo's, or a request naming its response,
    stores the second id as a back-reference: about 20 bytes less per id than uuid4.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = -1
        self._prefix = ""
        self._counter = itertools.count()

    def __call__(self) -> str:
        with self._lock:
            if self._pid != os.getpid():
                self._pid, self._prefix = os.getpid(), _random_prefix()
                self._counter = itertools.count()
            prefix, count = self._prefix, next(self._counter)
        tail = f"{count:012x}"
        if len(tail) > 12:
            raise OverflowError("2**48 record ids from one process")
        return f"<urn:uuid:{prefix}{tail}>"


def _random_prefix() -> str:
    """The first 20 hex digits of a version 8, RFC 9562 variant UUID, randomly filled."""
    bits = int.from_bytes(os.urandom(10), "big")  # 80 bits; 6 become version and variant
    bits = (bits & ~(0xF << 28) & ~(0xC << 12)) | (0x8 << 28) | (0x8 << 12)  # digits 13, 17
    text = f"{bits:020x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-"


new_record_id: NewId = RecordIds()


def warc_date(dt: datetime) -> str:
    """W3CDTF in UTC with six fractional digits; naive datetimes are taken as UTC."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def encode_uri(url: str) -> str:
    """Percent-encode spaces, non-ASCII and `<>`; IDNA-encode the host; drop any fragment."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {url!r}")
    netloc = parts.netloc
    if not netloc.isascii():
        host = parts.hostname or ""
        netloc = netloc.replace(host, host.encode("idna").decode("ascii"))
    path, query = (quote(p, safe=_URI_SAFE) for p in (parts.path, parts.query))
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def build_record(headers: Fields, block: bytes) -> bytes:
    """Serialise a record: version line, headers, Content-Length, block, CRLF CRLF."""
    lines = [WARC_VERSION] + [f"{name}: {value}" for name, value in headers]
    lines.append(f"Content-Length: {len(block)}")
    head = "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n"
    return head + block + b"\r\n\r\n"


def gzip_member(record: bytes) -> bytes:
    return gzip.compress(record, compresslevel=6, mtime=0)


def normalise_ip(value: str | None) -> str | None:
    """RFC 5952 text for an address; None when unknown or not an address."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(str(value).strip("[] ")))
    except ValueError:
        return None


def protocol_field(protocol: str | None) -> str | None:
    """WARC-Protocol value, only when the fetch was not HTTP/1.x (the status line says 1.1)."""
    if not protocol or protocol.upper().startswith("HTTP/1"):
        return None
    return {"HTTP/2": "h2", "HTTP/2.0": "h2", "HTTP/3": "h3"}.get(protocol.upper(), protocol)


def warcinfo_record(
    name: str, record_id: str, opened: datetime, fields: dict[str, str]
) -> tuple[Fields, bytes]:
    block = "".join(f"{k}: {clean_text(v)}\r\n" for k, v in fields.items()).encode("utf-8")
    headers = [
        ("WARC-Type", "warcinfo"),
        ("WARC-Record-ID", record_id),
        ("WARC-Date", warc_date(opened)),
        ("WARC-Filename", name),
        ("WARC-Block-Digest", sha1_base32(block)),
        ("Content-Type", "application/warc-fields"),
    ]
    return headers, block


Record = tuple[Fields, bytes]


def capture_records(
    exchange: HttpExchange, revisit_of: RevisitOf | None, new_id: NewId
) -> tuple[list[Record], str | None]:
    """(records, payload digest) of one capture: the response or revisit, then its request."""
    uri = encode_uri(exchange.url)
    date = warc_date(exchange.date)
    common = _capture_fields(exchange, uri, date)
    digest: str | None  # a revisit of a not-modified response may have no payload digest
    if revisit_of is None:
        first, digest = _response_record(exchange, common, new_id)
    else:
        first, digest = _revisit_record(exchange, common, revisit_of, new_id)
    first_id = header(first[0], "WARC-Record-ID") or ""
    request = [("WARC-Type", "request"), ("WARC-Record-ID", new_id())]
    request += common + [("WARC-Concurrent-To", first_id)]
    block = request_block(exchange, uri)
    request += [("WARC-Block-Digest", sha1_base32(block))]
    request += [("Content-Type", "application/http;msgtype=request")]
    return [first, (request, block)], digest


def _capture_fields(exchange: HttpExchange, uri: str, date: str) -> Fields:
    fields = [("WARC-Date", date), ("WARC-Target-URI", uri)]
    ip, protocol = normalise_ip(exchange.ip_address), protocol_field(exchange.protocol)
    if ip:
        fields.append(("WARC-IP-Address", ip))
    if protocol:
        fields.append(("WARC-Protocol", protocol))
    return fields


def _response_record(exchange: HttpExchange, common: Fields, new_id: NewId) -> tuple[Record, str]:
    block = response_block(exchange)
    digest = sha1_base32(exchange.body)
    fields = [("WARC-Type", "response"), ("WARC-Record-ID", new_id())] + common
    if exchange.truncated:
        fields.append(("WARC-Truncated", _checked_truncation(exchange.truncated)))
    fields += [("WARC-Payload-Digest", digest), ("WARC-Block-Digest", sha1_base32(block))]
    fields.append(("Content-Type", "application/http;msgtype=response"))
    return (fields, block), digest


def _revisit_record(
    exchange: HttpExchange, common: Fields, of: RevisitOf, new_id: NewId
) -> tuple[Record, str | None]:
    if of.profile not in ("identical-payload-digest", "server-not-modified"):
        raise ValueError(f"unknown revisit profile {of.profile!r}")
    fields = [("WARC-Type", "revisit"), ("WARC-Record-ID", new_id())] + common
    fields += [
        ("WARC-Profile", REVISIT_PROFILE + of.profile),
        ("WARC-Refers-To", checked_id(of.record_id)),
        ("WARC-Refers-To-Target-URI", encode_uri(of.target_uri)),
        ("WARC-Refers-To-Date", of.date),
    ]
    # The payload is the original's either way (6.7.2, 6.7.3): its digest is what pywb
    # looks the original up by, never the digest of the 304's empty body.
    digest = of.payload_digest
    if of.profile == "identical-payload-digest":
        block = response_block(exchange, with_body=False)
        digest = digest or sha1_base32(exchange.body)
        fields.append(("WARC-Truncated", "length"))
    else:
        block = b""  # no 3xx head for pywb to replay in place of the original
        fields.append((JSON_METADATA, not_modified_json(exchange)))
    if digest:
        fields.append(("WARC-Payload-Digest", digest))
    fields += [("WARC-Block-Digest", sha1_base32(block))]
    fields.append(("Content-Type", "application/http;msgtype=response"))
    return (fields, block), digest


def not_modified_json(exchange: HttpExchange) -> str:
    """The 304's head as one line of JSON, the value of the revisit's WARC-JSON-Metadata:

        {"not_modified":[["Date","Wed, 02 Dec 2026 10:53:58 GMT"],["ETag","\\"v1\\""]]}

    The headers of the not-modified answer (its status, the revisit's profile says) that
    describe the page (http_message.not_modified_headers): [name, value] pairs as received,
    in order, repeats kept, the text being the header bytes read as latin-1. No reason
    phrase: Twisted does not give the server's, so it would be ours. ASCII only, every
    control character escaped (DEL too, which json leaves alone): a WARC field value is one
    line of text without CTLs (WARC 1.1 section 4).
    """
    pairs = [list(pair) for pair in not_modified_headers(exchange)]
    text = json.dumps({"not_modified": pairs}, ensure_ascii=True, separators=(",", ":"))
    return text.replace("\x7f", "\\u007f")


def metadata_fields(record_id: str, *, refers_to: str, target_uri: str, date: str) -> Fields:
    """Derived data about a capture, linked to it by WARC-Refers-To."""
    uri = target_uri if target_uri.startswith("urn:") else encode_uri(target_uri)
    return [
        ("WARC-Type", "metadata"),
        ("WARC-Record-ID", record_id),
        ("WARC-Date", date),
        ("WARC-Target-URI", uri),
        ("WARC-Refers-To", checked_id(refers_to)),
    ]


def resource_fields(record_id: str, *, uri: str, date: str) -> Fields:
    """A resource such as a crawl log, under a synthetic or real URI."""
    return [
        ("WARC-Type", "resource"),
        ("WARC-Record-ID", record_id),
        ("WARC-Date", date),
        ("WARC-Target-URI", uri if uri.startswith("urn:") else encode_uri(uri)),
    ]


def checked_id(record_id: str) -> str:
    if not re.fullmatch(r"<urn:[^<>\s]+>", record_id):
        raise ValueError(f"not a WARC record id (<urn:...>): {record_id!r}")
    return record_id


def _checked_truncation(reason: str) -> str:
    if reason not in TRUNCATION_REASONS:
        raise ValueError(f"WARC-Truncated must be one of {TRUNCATION_REASONS}, not {reason!r}")
    return reason
