"""CDXJ index lines for WARC files, as pywb and cdxj-indexer write them.

One line per response, revisit and resource record: `<SURT key> <14-digit timestamp>
{json}` with url, mime (`warc/revisit` for revisits), status, digest, length, offset and
filename; `offset`/`length` address the record's gzip member (or its bytes in an
uncompressed file). Lines are sorted bytewise, as `LC_ALL=C sort` does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import quote_from_bytes, unquote_to_bytes

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

INDEXED_TYPES = ("response", "revisit", "resource")
_URL_RX = re.compile(r"^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?")
_SCHEME_RX = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# Escape only what is outside printable ASCII, plus '%' and '#' (as the IA canonicalizer does).
_SAFE = b"!\"$&'()*+,-./:;<=>?@[\\]^_`{|}~"
_WWW_RX = re.compile(r"^www\d*\.")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_QUERY_SESSION_RXS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(.*)(?:jsessionid=[0-9a-zA-Z]{32})(?:&(.*))?$",
        r"^(.*)(?:phpsessid=[0-9a-zA-Z]{32})(?:&(.*))?$",
        r"^(.*)(?:sid=[0-9a-zA-Z]{32})(?:&(.*))?$",
        r"^(.*)(?:ASPSESSIONID[a-zA-Z]{8}=[a-zA-Z]{24})(?:&(.*))?$",
        r"^(.*)(?:cfid=[^&]+&cftoken=[^&]+)(?:&(.*))?$",
    )
]


@dataclass(frozen=True)
class CdxjLine:
    key: str
    timestamp: str
    fields: dict = field(hash=False)

    def to_text(self) -> str:
        return f"{self.key} {self.timestamp} {json.dumps(self.fields)}"


class CdxjError(Exception):
    """A WARC that could not be indexed to its end; `lines` holds what was read before."""

    def __init__(self, message: str, lines: list[CdxjLine]):
        super().__init__(message)
        self.lines = lines


def surt(url: str) -> str:
    """The SURT key pywb looks captures up by.

    >>> surt("https://www.Example.com:443/A/b/?z=1&a=2#frag")
    'com,example)/a/b?a=2&z=1'
    """
    url = re.sub(r"[\t\r\n]", "", url.strip())
    if not _SCHEME_RX.match(url):
        url = "http://" + url
    url = re.sub(r"^(https?://)+", lambda m: m.group(1), url)
    match = _URL_RX.match(url)
    assert match is not None  # every part of the pattern is optional: it matches any string
    scheme, netloc, path, query = match.groups()
    scheme = scheme or "http"
    host, port = split_netloc(netloc or "")
    if scheme.lower().startswith("http") and not host and path:
        host, _, rest = path.lstrip("/").partition("/")  # "http:////example.com"
        path = "/" + rest
    host = canonical_host(host) if host else ""
    query = canonical_query(query)
    if not host:  # "urn:...", "dns:...": no host to reverse, path left as it is
        return f"{scheme}:" + (canonical_path(path, False) or ("/" if query else "")) + query
    return surt_host(host, scheme.lower(), port) + canonical_path(path, True) + query


def split_netloc(netloc: str) -> tuple[str, str]:
    """Host and port of an authority, dropping user info."""
    hostport = netloc.rpartition("@")[2].rstrip(":")
    if hostport.startswith("["):  # IPv6 literal
        host, _, rest = hostport[1:].partition("]")
        return host, rest.lstrip(":")
    host, _, port = hostport.partition(":")
    return host, port


def canonical_host(host: str) -> str:
    raw = unescape_fully(host.encode("utf-8"))
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        text = idna_host(raw.decode("utf-8", "ignore"))
    text = text.replace("..", ".").strip(".").lower()
    if text.isdigit():  # a 32-bit integer host is an IPv4 address
        n = int(text) & 0xFFFFFFFF
        text = ".".join(str((n >> s) & 255) for s in (24, 16, 8, 0))
    return _WWW_RX.sub("", escape_once(text.encode("utf-8")).lower())


def surt_host(host: str, scheme: str, port: str) -> str:
    key = ",".join(reversed(host.split(".")))
    if port and port != _DEFAULT_PORTS.get(scheme):
        key += f":{int(port) if port.isdigit() else port}"
    return key + ")"


def idna_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def canonical_path(path: str, has_host: bool) -> str:
    raw = unescape_fully(path.encode("utf-8"))
    if has_host:
        raw = normalise_dots(raw)
    text = escape_once(raw).lower()
    if len(text) > 1 and text.endswith("/"):
        text = text[:-1]
    return text


def normalise_dots(path: bytes) -> bytes:
    """Resolve '.' and '..' segments and collapse repeated slashes."""
    if not path:
        return b"/"
    kept: list[bytes] = []
    for part in path.split(b"/")[1:]:
        if part == b".":
            continue
        if part == b".." and kept:
            kept.pop()
        else:
            kept.append(part)
    if not kept:
        return b"/"
    return b"/" + b"".join(p + b"/" for p in kept[:-1] if p) + kept[-1]


def canonical_query(query: str | None) -> str:
    if not query:
        return ""
    text = escape_once(unescape_fully(query.encode("utf-8")))
    for rx in _QUERY_SESSION_RXS:
        m = rx.match(text)
        if m:
            text = m.group(1) + (m.group(2) or "")
    text = text.lower()
    if len(text) > 1:
        pairs = sorted(tuple(arg.split("=", 1)) for arg in text.split("&"))
        text = "&".join("=".join(pair) for pair in pairs)
    return "?" + text if text else ""


def unescape_fully(raw: bytes) -> bytes:
    while True:
        decoded = unquote_to_bytes(raw)
        if decoded == raw:
            return raw
        raw = decoded


def escape_once(raw: bytes) -> str:
    return quote_from_bytes(raw, safe=_SAFE)


def index_warc(path: Path, filename: str | None = None) -> list[CdxjLine]:
    """CDXJ lines for one WARC (or ARC) file, in file order.

    Raises CdxjError naming the file and offset when the file cannot be read to its end;
    the error's `lines` keeps every record indexed before the fault.
    """
    path = Path(path)
    name = filename or path.name
    lines: list[CdxjLine] = []
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream, arc2warc=True)
        try:
            for record in records:
                line = index_record(record, records, name)
                if line is not None and not addressable(line):
                    raise ArchiveLoadFailed(f"record at {line.fields['url']} has no byte range")
                if line is not None:
                    lines.append(line)
        except (ArchiveLoadFailed, ValueError, EOFError, OSError) as exc:
            where = f"{path}: unreadable after record {len(lines)} (byte {stream.tell()})"
            raise CdxjError(f"{where}: {first_line(exc)}", lines) from None
    return lines


def addressable(line: CdxjLine) -> bool:
    """False when warcio could not place the record (a whole-file gzip, not one member each)."""
    return int(line.fields["offset"]) >= 0 and int(line.fields["length"]) > 0


def first_line(exc: Exception) -> str:
    text = str(exc).strip()
    if "non-chunked gzip" in text:
        return "not one gzip member per record (fix with `warcio recompress`)"
    return text.splitlines()[0] if text else type(exc).__name__


def index_warcs(paths: Sequence[Path]) -> tuple[list[CdxjLine], list[str]]:
    """Lines for many files, going on past bad ones; returns (lines, problems)."""
    lines: list[CdxjLine] = []
    problems: list[str] = []
    for path in paths:
        try:
            lines.extend(index_warc(path))
        except CdxjError as exc:
            lines.extend(exc.lines)
            problems.append(str(exc))
        except OSError as exc:
            problems.append(f"{path}: {exc.strerror or exc}")
    return lines, problems


def index_record(record, records: ArchiveIterator, filename: str) -> CdxjLine | None:
    if record.rec_type not in INDEXED_TYPES:
        records.read_to_end(record)
        return None
    digest = record.rec_headers.get_header("WARC-Payload-Digest")
    if not digest and record.rec_type != "revisit":
        digest = payload_digest(record)
    records.read_to_end(record)
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    url = url.strip("<>").replace(" ", "%20")
    fields = {"url": url, "mime": record_mime(record), "status": record_status(record)}
    fields.update(digest=digest, length=str(records.get_record_length()))
    fields.update(offset=str(records.get_record_offset()), filename=filename)
    fields = {k: v for k, v in fields.items() if v}
    date = record.rec_headers.get_header("WARC-Date") or ""
    return CdxjLine(surt(url), to_timestamp(date), fields)


def payload_digest(record) -> str:
    """sha1 of the payload as stored (content-coding kept), for records without one."""
    sha1 = hashlib.sha1()
    for chunk in iter(lambda: record.raw_stream.read(1 << 16), b""):
        sha1.update(chunk)
    return "sha1:" + base64.b32encode(sha1.digest()).decode("ascii")


def record_mime(record) -> str | None:
    if record.rec_type == "revisit":
        return "warc/revisit"
    if record.rec_type == "response":
        value = record.http_headers.get_header("Content-Type") if record.http_headers else None
    else:
        value = record.rec_headers.get_header("Content-Type")
    return re.split(r"[;\s]", value.strip(), maxsplit=1)[0] if value else None


def record_status(record) -> str | None:
    if record.rec_type == "resource" or not record.http_headers:
        return None
    return record.http_headers.get_statuscode() or None


def to_timestamp(date: str) -> str:
    """'2026-05-01T08:15:02.123456Z' -> '20260501081502'."""
    return re.sub(r"\D", "", date)[:14].ljust(14, "0")


def write_cdxj(lines: Iterable[CdxjLine], out: IO[str]) -> None:
    """Write lines sorted bytewise (LC_ALL=C order), one per line."""
    for text in sorted((line.to_text() for line in lines), key=lambda t: t.encode("utf-8")):
        out.write(text + "\n")
