"""HTTP messages as WARC blocks hold them: parsing, de-chunking, content-decoding, and
building the heads redline writes.

Header lists are (name, value) pairs in order, repeats kept; `header` is the one way any
module looks a name up in such a list (WARC fields or HTTP headers, case-insensitive).
"""

from __future__ import annotations

import http
import re
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from archive.warc_build import HttpExchange


def header(fields: Iterable[tuple[str, str]], name: str) -> str | None:
    """The first value of `name` (any case) in a list of fields; None when absent."""
    lower = name.lower()
    return next((v for k, v in fields if k.lower() == lower), None)


def reason_phrase(status: int) -> str | None:
    """The standard reason phrase of a status code; None for codes without one."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return None


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


def is_chunked(headers: list[tuple[str, str]]) -> bool:
    return "chunked" in (header(headers, "Transfer-Encoding") or "").lower()


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


def http_head(first_line: str, headers: list[tuple[str, str]]) -> bytes:
    """Start line + one line per header value + blank line; CR/LF inside values removed."""
    lines = [first_line] + [f"{clean_text(n)}: {clean_text(v)}" for n, v in headers]
    return "\r\n".join(lines).encode("latin-1", "replace") + b"\r\n\r\n"


def clean_text(text: str) -> str:
    """One line of header text that encodes as latin-1."""
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
        reason = reason_phrase(exchange.status) or ""
    return f"HTTP/1.1 {exchange.status} {reason}"


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


def request_block(exchange: HttpExchange, target_uri: str) -> bytes:
    """`METHOD path?query HTTP/1.1`, Host first, then the headers as sent, then any body."""
    parts = urlsplit(target_uri)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    given = [(n, v) for n, v in exchange.request_headers if n.lower() != "host"]
    hosts = [v for n, v in exchange.request_headers if n.lower() == "host"]
    host = hosts[0] if hosts else parts.netloc.rpartition("@")[2]
    first = f"{exchange.method.upper()} {target} HTTP/1.1"
    return http_head(first, [("Host", host)] + given) + exchange.request_body


# What a 304 says about the page it stands for: the fields RFC 9110 15.4.5 has it repeat
# from the 200. The rest (Server, cookies, CDN trace headers) is noise repeated on every
# recheck, which is what archive size grows with.
NOT_MODIFIED_FIELDS = frozenset(
    ["date", "etag", "cache-control", "expires", "vary", "content-location"]
)


def not_modified_headers(exchange: HttpExchange) -> list[tuple[str, str]]:
    """The headers of a 304 that describe the unchanged page, as received, in order.

    Last-Modified only without an ETag: RFC 9110 15.4.5 names it as the metadata a 304
    may add for that case, the ETag being the validator otherwise.
    """
    names = {n.lower() for n, _ in exchange.response_headers}
    kept = NOT_MODIFIED_FIELDS if "etag" in names else NOT_MODIFIED_FIELDS | {"last-modified"}
    return [(n, v) for n, v in exchange.response_headers if n.lower() in kept]


def response_block(exchange: HttpExchange, *, with_body: bool = True) -> bytes:
    """Status line and consistent headers, then the body (a revisit stores no body)."""
    head = http_head(status_line(exchange), response_headers_for(exchange))
    return head + exchange.body if with_body else head
