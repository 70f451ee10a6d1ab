"""WARC/1.1 writer: one gzip member per record, `.open` while written, rotation by size.

Follows /work/shared/reference/warc-checklist.md: response (or revisit) then request,
adjacent, same WARC-Date, linked by WARC-Concurrent-To; warcinfo first in every file;
sha1 Base32 digests; bodies kept content-encoded and de-chunked.
"""

from __future__ import annotations

import gzip
import http
import ipaddress
import itertools
import os
import re
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit, urlunsplit

from archive.digest import sha1_base32

if TYPE_CHECKING:
    from typing_extensions import Self

WARC_VERSION = "WARC/1.1"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/"
TRUNCATION_REASONS = ("length", "time", "disconnect")
# Characters that may stay as they are in a URI (RFC 3986 reserved + unreserved, and '%').
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~-._"
_serials = itertools.count()  # process-wide, so two writers in one process never share a name
_serial_lock = threading.Lock()


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


@dataclass(frozen=True)
class WarcLocation:
    """Where a record landed: the final file name (without `.open`), member offset and length."""

    file: str
    offset: int
    length: int
    record_id: str
    date: str
    payload_digest: str | None


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


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


def build_record(headers: list[tuple[str, str]], block: bytes) -> bytes:
    """Serialise a record: version line, headers, Content-Length, block, CRLF CRLF."""
    lines = [WARC_VERSION] + [f"{name}: {value}" for name, value in headers]
    lines.append(f"Content-Length: {len(block)}")
    head = "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n"
    return head + block + b"\r\n\r\n"


def response_headers_for(exchange: HttpExchange) -> list[tuple[str, str]]:
    """Headers made consistent with the stored body (checklist 15-17)."""
    body, out, lengths = exchange.body, [], []
    for name, value in exchange.response_headers:
        lower = name.lower()
        if lower == "transfer-encoding":
            name = "X-Orig-Transfer-Encoding"  # the body is stored de-chunked
        elif lower == "content-length":
            lengths.append(value.strip())
            continue
        elif lower == "content-encoding" and _claims_gzip_but_is_not(value, body):
            name = "X-Orig-Content-Encoding"  # somebody decoded it already
        out.append((name, value))
    if lengths == [str(len(body))]:
        return out + [("Content-Length", lengths[0])]
    out += [("X-Orig-Content-Length", value) for value in lengths]
    if lengths or any(n == "X-Orig-Transfer-Encoding" for n, _ in out):
        out.append(("Content-Length", str(len(body))))
    return out


def _claims_gzip_but_is_not(value: str, body: bytes) -> bool:
    return value.strip().lower() in ("gzip", "x-gzip") and bool(body) and body[:2] != b"\x1f\x8b"


def http_head(first_line: str, headers: list[tuple[str, str]]) -> bytes:
    """Start line + one line per header value + blank line; CR/LF inside values removed."""
    lines = [first_line] + [f"{_clean(n)}: {_clean(v)}" for n, v in headers]
    return "\r\n".join(lines).encode("latin-1", "replace") + b"\r\n\r\n"


def _clean(text: str) -> str:
    # Header text from the crawler is latin-1 decoded bytes; anything else is UTF-8 encoded
    # then shown as latin-1, so that encoding the head never fails.
    text = re.sub(r"[\r\n]+", " ", str(text))
    return text if _is_latin1(text) else text.encode("utf-8").decode("latin-1")


def _is_latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def status_line(exchange: HttpExchange) -> str:
    reason = exchange.reason
    if reason is None:
        try:
            reason = http.HTTPStatus(exchange.status).phrase
        except ValueError:
            reason = ""
    return f"HTTP/1.1 {exchange.status} {reason}"


def request_block(exchange: HttpExchange, target_uri: str) -> bytes:
    """`METHOD path?query HTTP/1.1`, Host first, then the headers as sent, then any body."""
    parts = urlsplit(target_uri)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    given = [(n, v) for n, v in exchange.request_headers if n.lower() != "host"]
    hosts = [v for n, v in exchange.request_headers if n.lower() == "host"]
    host = hosts[0] if hosts else parts.netloc.rpartition("@")[2]
    first = f"{exchange.method.upper()} {target} HTTP/1.1"
    return http_head(first, [("Host", host)] + given) + exchange.request_body


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


def file_name(prefix: str, opened: datetime, serial: int, host: str, pid: int) -> str:
    stamp = opened.strftime("%Y%m%d%H%M%S") + f"{opened.microsecond:06d}"
    return f"{prefix}-{stamp}-{serial:05d}-{host}-{pid}.warc.gz"


def safe_hostname() -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", socket.gethostname()).strip("-") or "localhost"


def next_serial() -> int:
    with _serial_lock:
        return next(_serials)


def gzip_member(record: bytes) -> bytes:
    return gzip.compress(record, compresslevel=6, mtime=0)


class WarcWriter:
    """Writes captures into rotating `<name>.warc.gz.open` files, renamed on close.

    Every record is one gzip member, flushed once written, so a killed process loses at
    most the record being written. A capture (response/revisit + request) never spans files.
    """

    def __init__(
        self,
        directory: Path,
        *,
        prefix: str = "redline",
        max_bytes: int = 1_000_000_000,
        warcinfo: dict[str, str] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.host = safe_hostname()
        self.warcinfo_fields = {**default_warcinfo(self.host), **(warcinfo or {})}
        self.closed_files: list[str] = []
        self._file = None
        self._name = ""
        self._warcinfo_id = ""
        self._lock = threading.Lock()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def current_file(self) -> Path | None:
        """The `.open` file being written, if any."""
        return self.directory / f"{self._name}.open" if self._file else None

    def write_exchange(
        self, exchange: HttpExchange, revisit_of: RevisitOf | None = None
    ) -> WarcLocation:
        """Response (or revisit) + request, adjacent in one file; location of the first."""
        uri = encode_uri(exchange.url)
        date = warc_date(exchange.date)
        common = _capture_fields(exchange, uri, date)
        if revisit_of is None:
            first, digest = _response_record(exchange, common)
        else:
            first, digest = _revisit_record(exchange, common, revisit_of)
        first_id = _field(first, "WARC-Record-ID")
        request = [("WARC-Type", "request"), ("WARC-Record-ID", new_record_id())]
        request += common + [("WARC-Concurrent-To", first_id)]
        block = request_block(exchange, uri)
        request += [("WARC-Block-Digest", sha1_base32(block))]
        request += [("Content-Type", "application/http;msgtype=request")]
        with self._lock:
            self._prepare_file()
            offset, length = self._append(first, _block_of(exchange, revisit_of))
            self._append(request, block)
        return WarcLocation(self._name, offset, length, first_id, date, digest)

    def write_metadata(
        self,
        *,
        refers_to: str,
        target_uri: str,
        date: str,
        payload: bytes,
        content_type: str = "application/json",
    ) -> WarcLocation:
        """Derived data about a capture, linked to it by WARC-Refers-To."""
        fields = [
            ("WARC-Type", "metadata"),
            ("WARC-Record-ID", new_record_id()),
            ("WARC-Date", date),
            (
                "WARC-Target-URI",
                target_uri if target_uri.startswith("urn:") else encode_uri(target_uri),
            ),
            ("WARC-Refers-To", _checked_id(refers_to)),
        ]
        return self._write_single(fields, payload, content_type, None)

    def write_resource(self, *, uri: str, payload: bytes, content_type: str) -> WarcLocation:
        """A resource such as a crawl log, under a synthetic or real URI."""
        fields = [
            ("WARC-Type", "resource"),
            ("WARC-Record-ID", new_record_id()),
            ("WARC-Date", warc_date(datetime.now(timezone.utc))),
            ("WARC-Target-URI", uri if uri.startswith("urn:") else encode_uri(uri)),
        ]
        return self._write_single(fields, payload, content_type, sha1_base32(payload))

    def close(self) -> list[str]:
        """Close and rename the open file; returns every file name this writer finished."""
        with self._lock:
            self._close_current()
        return list(self.closed_files)

    def _write_single(
        self, fields: list[tuple[str, str]], payload: bytes, content_type: str, digest: str | None
    ) -> WarcLocation:
        if digest:
            fields.append(("WARC-Payload-Digest", digest))
        fields += [("WARC-Block-Digest", sha1_base32(payload)), ("Content-Type", content_type)]
        with self._lock:
            self._prepare_file()
            offset, length = self._append(fields, payload)
        record_id, date = _field(fields, "WARC-Record-ID"), _field(fields, "WARC-Date")
        return WarcLocation(self._name, offset, length, record_id, date, digest)

    def _prepare_file(self) -> None:
        if self._file is not None and self._file.tell() >= self.max_bytes:
            self._close_current()
        if self._file is None:
            self._open_new()

    def _open_new(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            opened = datetime.now(timezone.utc)
            name = file_name(self.prefix, opened, next_serial(), self.host, os.getpid())
            if (self.directory / name).exists():
                continue
            try:
                fd = os.open(self.directory / f"{name}.open", os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            except FileExistsError:
                continue
            break
        self._file, self._name = os.fdopen(fd, "wb"), name
        self._warcinfo_id = new_record_id()
        self._append(*_warcinfo_record(name, self._warcinfo_id, opened, self.warcinfo_fields))

    def _append(self, fields: list[tuple[str, str]], block: bytes) -> tuple[int, int]:
        if fields[0] != ("WARC-Type", "warcinfo"):
            fields = fields[:2] + [("WARC-Warcinfo-ID", self._warcinfo_id)] + fields[2:]
        member = gzip_member(build_record(fields, block))
        offset = self._file.tell()
        self._file.write(member)
        self._file.flush()
        return offset, len(member)

    def _close_current(self) -> None:
        if self._file is None:
            return
        self._file.close()
        os.replace(self.directory / f"{self._name}.open", self.directory / self._name)
        self.closed_files.append(self._name)
        self._file = None


def default_warcinfo(host: str) -> dict[str, str]:
    return {
        "software": f"redline/{_version()}",
        "format": "WARC File Format 1.1",
        "conformsTo": "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "isPartOf": "redline",
        "operator": "unspecified",
        "robots": "obey",
        "http-header-user-agent": "redline",
        "hostname": host,
        "description": "News pages captured by redline. Records are self-consistent, not "
        "byte-exact wire copies: header case, order and reason phrases may differ from the "
        "wire, bodies are stored de-chunked with their content-coding kept.",
    }


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("redline")
    except PackageNotFoundError:
        return "unknown"


def _warcinfo_record(
    name: str, record_id: str, opened: datetime, fields: dict[str, str]
) -> tuple[list[tuple[str, str]], bytes]:
    block = "".join(f"{k}: {_clean(v)}\r\n" for k, v in fields.items()).encode("utf-8")
    headers = [
        ("WARC-Type", "warcinfo"),
        ("WARC-Record-ID", record_id),
        ("WARC-Date", warc_date(opened)),
        ("WARC-Filename", name),
        ("WARC-Block-Digest", sha1_base32(block)),
        ("Content-Type", "application/warc-fields"),
    ]
    return headers, block


def _capture_fields(exchange: HttpExchange, uri: str, date: str) -> list[tuple[str, str]]:
    fields = [("WARC-Date", date), ("WARC-Target-URI", uri)]
    ip, protocol = normalise_ip(exchange.ip_address), protocol_field(exchange.protocol)
    if ip:
        fields.append(("WARC-IP-Address", ip))
    if protocol:
        fields.append(("WARC-Protocol", protocol))
    return fields


def _response_record(
    exchange: HttpExchange, common: list[tuple[str, str]]
) -> tuple[list[tuple[str, str]], str]:
    block = _block_of(exchange, None)
    digest = sha1_base32(exchange.body)
    fields = [("WARC-Type", "response"), ("WARC-Record-ID", new_record_id())] + common
    if exchange.truncated:
        fields.append(("WARC-Truncated", _checked_truncation(exchange.truncated)))
    fields += [("WARC-Payload-Digest", digest), ("WARC-Block-Digest", sha1_base32(block))]
    fields.append(("Content-Type", "application/http;msgtype=response"))
    return fields, digest


def _revisit_record(
    exchange: HttpExchange, common: list[tuple[str, str]], of: RevisitOf
) -> tuple[list[tuple[str, str]], str | None]:
    if of.profile not in ("identical-payload-digest", "server-not-modified"):
        raise ValueError(f"unknown revisit profile {of.profile!r}")
    block = _block_of(exchange, of)
    fields = [("WARC-Type", "revisit"), ("WARC-Record-ID", new_record_id())] + common
    fields += [
        ("WARC-Profile", REVISIT_PROFILE + of.profile),
        ("WARC-Refers-To", _checked_id(of.record_id)),
        ("WARC-Refers-To-Target-URI", encode_uri(of.target_uri)),
        ("WARC-Refers-To-Date", of.date),
    ]
    digest = of.payload_digest
    if of.profile == "identical-payload-digest":
        digest = digest or sha1_base32(exchange.body)
        fields.append(("WARC-Truncated", "length"))
    if digest:
        fields.append(("WARC-Payload-Digest", digest))
    fields += [("WARC-Block-Digest", sha1_base32(block))]
    fields.append(("Content-Type", "application/http;msgtype=response"))
    return fields, digest


def _block_of(exchange: HttpExchange, revisit_of: RevisitOf | None) -> bytes:
    head = http_head(status_line(exchange), response_headers_for(exchange))
    return head if revisit_of is not None else head + exchange.body


def _field(fields: list[tuple[str, str]], name: str) -> str:
    return next(value for key, value in fields if key == name)


def _checked_id(record_id: str) -> str:
    if not re.fullmatch(r"<urn:[^<>\s]+>", record_id):
        raise ValueError(f"not a WARC record id (<urn:...>): {record_id!r}")
    return record_id


def _checked_truncation(reason: str) -> str:
    if reason not in TRUNCATION_REASONS:
        raise ValueError(f"WARC-Truncated must be one of {TRUNCATION_REASONS}, not {reason!r}")
    return reason
