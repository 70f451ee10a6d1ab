"""Our checklist (../shared/reference/warc-checklist.md) as a lint over redline's WARCs.

Used by the tests and by `redline verify`. Each problem is one human-readable line naming
the file, the record and what is wrong; an empty list means the file meets the checklist.
"""

from __future__ import annotations

import ipaddress
import json
import re
import zlib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from archive.digest import EMPTY_SHA1
from archive.warc_build import JSON_METADATA, REVISIT_PROFILE, WARC_VERSION
from archive.warc_reader import iter_raw_records
from archive.warc_records import RawRecord, WarcFault, WarcRecord, to_warc_record

NAME_PATTERN = re.compile(
    r"[A-Za-z0-9_.]+(-[A-Za-z0-9_.]+)*-\d{20}-\d{5}-[A-Za-z0-9.-]+-\d+\.warc\.gz"
)
DATE_PATTERN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z")
DIGEST_PATTERN = re.compile(r"sha1:[A-Z2-7]{32}")
ID_PATTERN = re.compile(r"<urn:uuid:[0-9a-f-]{36}>")
WARCINFO_KEYS = [
    "software",
    "format",
    "conformsTo",
    "isPartOf",
    "operator",
    "robots",
    "http-header-user-agent",
    "hostname",
]
REPEATABLE = {"WARC-Concurrent-To", "WARC-Protocol"}
CAPTURE_TYPES = {"response", "revisit"}


def lint_warcs(paths: Iterable[Path]) -> list[str]:
    """Lint several files as one collection (metadata may refer to a capture in another file)."""
    paths = [Path(p) for p in paths]
    known: set[str] = set()
    for path in paths:
        known |= {r.field("WARC-Record-ID") or "" for r in _captures_of(path)}
    return [problem for path in paths for problem in lint_warc(path, known)]


def lint_warc(path: Path, known_ids: set[str] | None = None) -> list[str]:
    """Problems of one of our WARC files; [] when it meets the checklist."""
    path = Path(path)
    faults: list[WarcFault] = []
    raws = list(iter_raw_records(path, faults))
    records = [to_warc_record(raw, faults, check_digests=True) for raw in raws]
    problems = [str(fault) for fault in faults]
    problems += _check_file(path, raws)
    ids = {r.record_id for r in records if r.record_id} | (known_ids or set())
    info_ids = {r.record_id for r in records if r.warc_type == "warcinfo"}
    for raw, record in zip(raws, records):
        where = f"{path.name}: {record.warc_type} {record.record_id} at offset {raw.offset}"
        problems += [f"{where}: {p}" for p in _check_record(raw, record, ids, info_ids)]
    problems += _check_pairs(path.name, records)
    return problems


def _captures_of(path: Path) -> list[RawRecord]:
    return [r for r in iter_raw_records(path, []) if r.field("WARC-Type") in CAPTURE_TYPES]


def _check_file(path: Path, raws: list[RawRecord]) -> list[str]:
    name = path.name.removesuffix(".open")
    problems = [] if NAME_PATTERN.fullmatch(name) else [f"{path.name}: file name {name!r} "]
    problems[:] = [p + "does not follow the naming pattern" for p in problems]
    members = count_gzip_members(path)
    if members != len(raws) or any(not raw.length for raw in raws):
        problems.append(f"{path.name}: {members} gzip members for {len(raws)} records")
    if not raws or raws[0].field("WARC-Type") != "warcinfo":
        return problems + [f"{path.name}: the first record is not warcinfo"]
    info = dict(_warc_fields(raws[0].block))
    missing = [key for key in WARCINFO_KEYS if not info.get(key)]
    if missing:
        problems.append(f"{path.name}: warcinfo lacks {', '.join(missing)}")
    if raws[0].field("WARC-Filename") != name:
        problems.append(
            f"{path.name}: warcinfo WARC-Filename is {raws[0].field('WARC-Filename')!r}"
        )
    return problems


def count_gzip_members(path: Path, chunk: int = 1 << 16) -> int:
    """Complete gzip members at the start of the file (0 for an uncompressed file).

    Streams the file, inflating in bounded steps: any size, constant memory.
    """
    count, inflater, pending = 0, None, b""
    with Path(path).open("rb") as handle:
        while True:
            if inflater is None:
                while len(pending) < 2 and (more := handle.read(chunk)):
                    pending += more
                if not pending.startswith(b"\x1f\x8b"):
                    return count
                inflater = zlib.decompressobj(31)
            data = pending or handle.read(chunk)
            if not data:
                return count  # the last member is incomplete
            try:
                inflater.decompress(data, chunk * 64)
            except zlib.error:
                return count
            if inflater.eof:
                count, pending, inflater = count + 1, inflater.unused_data, None
            else:
                pending = inflater.unconsumed_tail


def _warc_fields(block: bytes) -> list[tuple[str, str]]:
    lines = block.decode("utf-8", "replace").splitlines()
    return [(k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines) if _]


def _check_record(
    raw: RawRecord, record: WarcRecord, ids: set[str], info_ids: set[str | None]
) -> list[str]:
    problems = _check_headers(raw, record, info_ids)
    if record.warc_type == "response" or (record.warc_type == "revisit" and raw.block):
        problems += _check_response(raw, record)  # a revisit may have no block (6.7)
    if record.warc_type == "revisit":
        problems += _check_revisit(record)
    if record.warc_type == "request":
        problems += _check_request(raw, record)
    if record.warc_type == "metadata" and record.refers_to not in ids:
        problems.append(f"WARC-Refers-To {record.refers_to} resolves to no capture")
    return problems


def _check_headers(raw: RawRecord, record: WarcRecord, info_ids: set[str | None]) -> list[str]:
    problems = [] if raw.version == WARC_VERSION else [f"version {raw.version}, not {WARC_VERSION}"]
    if not raw.exact_end:
        problems.append("block not followed by exactly CRLF CRLF")
    names = [name for name, _ in raw.fields]
    problems += [f"repeated field {n}" for n in set(names) - REPEATABLE if names.count(n) > 1]
    if not ID_PATTERN.fullmatch(record.record_id or ""):
        problems.append("missing or malformed WARC-Record-ID")
    if not DATE_PATTERN.fullmatch(record.date or ""):
        problems.append(f"WARC-Date {record.date!r} is not UTC W3CDTF")
    digests = [record.headers.get("WARC-Block-Digest"), record.payload_digest]
    if not DIGEST_PATTERN.fullmatch(digests[0] or ""):
        problems.append(f"WARC-Block-Digest {digests[0]!r} is not sha1 Base32")
    if digests[1] is not None and not DIGEST_PATTERN.fullmatch(digests[1]):
        problems.append(f"WARC-Payload-Digest {digests[1]!r} is not sha1 Base32")
    if not record.headers.get("Content-Type"):
        problems.append("no Content-Type")
    if record.warc_type != "warcinfo":
        if record.headers.get("WARC-Warcinfo-ID") not in info_ids:
            problems.append("WARC-Warcinfo-ID does not resolve to this file's warcinfo")
        problems += _check_uri(record.headers.get("WARC-Target-URI"))
    ip = record.headers.get("WARC-IP-Address")
    if ip is not None and not _is_rfc5952(ip):
        problems.append(f"WARC-IP-Address {ip!r} is not an address in RFC 5952 form")
    metadata = raw.field(JSON_METADATA)
    if metadata is not None and not _is_json_object_text(metadata):
        problems.append(f"{JSON_METADATA} is not a JSON object in one line of printable ASCII")
    return problems


def _is_json_object_text(value: str) -> bool:
    """What warc_build writes: ASCII without control characters (a WARC field is one line),
    holding a JSON object."""
    if not value.isascii() or re.search(r"[\x00-\x1f\x7f]", value):
        return False
    try:
        return isinstance(json.loads(value), dict)
    except ValueError:
        return False


def _check_uri(uri: str | None) -> list[str]:
    if not uri:
        return ["no WARC-Target-URI"]
    if uri.startswith("urn:"):
        return []
    parts = urlsplit(uri)
    bad = not uri.isascii() or re.search(r"[\s<>]", uri) or not (parts.scheme and parts.netloc)
    return [f"WARC-Target-URI {uri!r} is not an absolute percent-encoded URI"] if bad else []


def _is_rfc5952(ip: str) -> bool:
    try:
        return str(ipaddress.ip_address(ip)) == ip
    except ValueError:
        return False


def _check_response(raw: RawRecord, record: WarcRecord) -> list[str]:
    problems = []
    if record.headers.get("Content-Type") != "application/http;msgtype=response":
        problems.append("Content-Type is not application/http;msgtype=response")
    status_line = raw.block.split(b"\r\n", 1)[0].decode("latin-1")
    if not re.fullmatch(r"HTTP/1\.[01] \d{3} .*", status_line):
        problems.append(f"status line {status_line!r} is not HTTP/1.x <code> <reason>")
    if record.http_header("Transfer-Encoding") is not None:
        problems.append("Transfer-Encoding header over a de-chunked body")
    body = raw.block.split(b"\r\n\r\n", 1)[-1]
    coding = (record.http_header("Content-Encoding") or "").lower()
    if coding in ("gzip", "x-gzip") and body and not body.startswith(b"\x1f\x8b"):
        problems.append("Content-Encoding gzip but the body is not gzip")
    length = record.http_header("Content-Length")
    if record.warc_type == "response" and length is not None and length != str(len(body)):
        problems.append(f"HTTP Content-Length {length} but the body has {len(body)} bytes")
    if record.warc_type == "response" and not record.payload_digest:
        problems.append("no WARC-Payload-Digest")
    return problems


def _check_revisit(record: WarcRecord) -> list[str]:
    profile = record.headers.get("WARC-Profile", "")
    problems = [] if profile.startswith(REVISIT_PROFILE) else [f"WARC-Profile {profile!r}"]
    for name in ("WARC-Refers-To", "WARC-Refers-To-Target-URI", "WARC-Refers-To-Date"):
        if not record.headers.get(name):
            problems.append(f"revisit without {name}")
    if profile.endswith("identical-payload-digest"):
        if record.truncated != "length" or not record.payload_digest:
            problems.append("identical-payload revisit needs WARC-Truncated: length and a digest")
    elif record.payload_digest == EMPTY_SHA1:
        problems.append("server-not-modified revisit carries the empty-body digest")
    return problems


def _check_request(raw: RawRecord, record: WarcRecord) -> list[str]:
    problems = []
    if record.headers.get("Content-Type") != "application/http;msgtype=request":
        problems.append("Content-Type is not application/http;msgtype=request")
    uri = urlsplit(record.target_uri or "")
    target = (uri.path or "/") + (f"?{uri.query}" if uri.query else "")
    line = raw.block.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
    if line[1:] != [target, "HTTP/1.1"]:
        problems.append(f"request line {' '.join(line)!r} does not request {target!r}")
    host = record.http_header("Host")
    if not record.http_headers or record.http_headers[0][0] != "Host" or host != uri.netloc:
        problems.append(f"Host {host!r} is not first or does not equal {uri.netloc!r}")
    return problems


def _check_pairs(name: str, records: list[WarcRecord]) -> list[str]:
    problems = []
    for i, record in enumerate(records):
        if record.warc_type not in CAPTURE_TYPES:
            continue
        if i + 1 == len(records):
            continue  # a crash between the two writes: the capture is whole, recovery keeps it
        nxt = records[i + 1]
        where = f"{name}: {record.warc_type} {record.record_id}"
        if nxt.warc_type != "request":
            problems.append(f"{where} is not followed by its request record")
        elif (nxt.concurrent_to, nxt.date, nxt.target_uri) != (
            record.record_id,
            record.date,
            record.target_uri,
        ):
            problems.append(f"{where}: its request differs in Concurrent-To, date or URI")
    requests = [r for r in records if r.warc_type == "request"]
    captured = {r.record_id for r in records if r.warc_type in CAPTURE_TYPES}
    for request in requests:
        if request.concurrent_to not in captured:
            problems.append(f"{name}: request {request.record_id} has no response in this file")
    return problems
