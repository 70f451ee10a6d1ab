"""WARC files: one gzip member per record, `.open` while written, rotation by size.

Records are built by archive/warc_build.py; this module owns the files: their names,
their warcinfo (first in every file), appending, flushing and renaming on close. The
clock and the record-id source are injectable, so tests can pin every byte written.
"""

from __future__ import annotations

import itertools
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from archive.digest import sha1_base32
from archive.http_message import header
from archive.warc_build import (
    Fields,
    HttpExchange,
    NewId,
    RevisitOf,
    build_record,
    capture_records,
    gzip_member,
    metadata_fields,
    new_record_id,
    resource_fields,
    warc_date,
    warcinfo_record,
)

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["HttpExchange", "RevisitOf", "WarcLocation", "WarcWriter", "safe_hostname"]

FILE_MODE = 0o644  # data, not programs: no execute bits
_serials = itertools.count()  # process-wide, so two writers in one process never share a name
_serial_lock = threading.Lock()
# How long a rotated file stays open for the derived records of its captures (extraction
# runs in worker processes, so they come after later fetches): one of those records that
# has not come by then goes into the current file.
DRAIN_SECONDS = 60.0


@dataclass(frozen=True)
class WarcLocation:
    """Where a record landed: the final file name (without `.open`), member offset and length."""

    file: str
    offset: int
    length: int
    record_id: str
    date: str
    payload_digest: str | None


@dataclass
class _OpenFile:
    name: str
    handle: BinaryIO
    warcinfo_id: str
    awaiting: set[str] = field(default_factory=set)  # record ids whose derived records are due
    retired: float | None = None  # when it stopped taking captures (monotonic)


def _field(fields: Fields, name: str) -> str:
    """A field every record written here carries (archive/warc_build.py always sets it)."""
    value = header(fields, name)
    assert value is not None, f"record without {name}"
    return value


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def file_name(prefix: str, opened: datetime, serial: int, host: str, pid: int) -> str:
    stamp = opened.strftime("%Y%m%d%H%M%S") + f"{opened.microsecond:06d}"
    return f"{prefix}-{stamp}-{serial:05d}-{host}-{pid}.warc.gz"


def safe_hostname() -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", socket.gethostname()).strip("-") or "localhost"


def next_serial() -> int:
    with _serial_lock:
        return next(_serials)


class WarcWriter:
    """Writes captures into rotating `<name>.warc.gz.open` files, renamed on close.

    Every record is one gzip member, flushed once written, so a killed process loses at
    most the record being written. A capture (response/revisit + request) never spans
    files, nor does it part from its derived records: a capture written with `derived=True`
    keeps its file open after rotation (no new capture goes there) until the metadata
    records referring to it are written, `settle` says none will come, or DRAIN_SECONDS.
    `clock` gives file opening times and resource dates, `new_id` every WARC-Record-ID,
    `name_file` (given the opening time) a file name in place of the usual pattern.
    """

    def __init__(
        self,
        directory: Path,
        *,
        prefix: str = "redline",
        max_bytes: int = 1_000_000_000,
        warcinfo: dict[str, str] | None = None,
        clock: Callable[[], datetime] = utc_now,
        new_id: NewId = new_record_id,
        name_file: Callable[[datetime], str] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.host = safe_hostname()
        self.warcinfo_fields = {**default_warcinfo(self.host), **(warcinfo or {})}
        self.closed_files: list[str] = []
        self.clock, self.new_id = clock, new_id
        self.name_file = name_file or self._default_name
        self._current: _OpenFile | None = None
        self._draining: list[_OpenFile] = []  # rotated, waiting for derived records
        self._home: dict[str, _OpenFile] = {}  # awaited record id -> its capture's file
        self._lock = threading.Lock()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def current_file(self) -> Path | None:
        """The `.open` file being written, if any."""
        current = self._current
        return self.directory / f"{current.name}.open" if current else None

    def write_exchange(
        self, exchange: HttpExchange, revisit_of: RevisitOf | None = None, *, derived: bool = False
    ) -> WarcLocation:
        """Response (or revisit) + request, adjacent in one file; the location of the first.
        `derived`: metadata records about it will follow (they go into the same file)."""
        records, digest = capture_records(exchange, revisit_of, self.new_id)
        first = records[0][0]
        record_id, date = _field(first, "WARC-Record-ID"), _field(first, "WARC-Date")
        with self._lock:
            target = self._prepare_file()
            offset, length = self._append(target, *records[0])
            for fields, block in records[1:]:
                self._append(target, fields, block)
            if derived:
                target.awaiting.add(record_id)
                self._home[record_id] = target
        return WarcLocation(target.name, offset, length, record_id, date, digest)

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
        fields = metadata_fields(
            self.new_id(), refers_to=refers_to, target_uri=target_uri, date=date
        )
        return self._write_single(fields, payload, content_type, None, refers_to)

    def write_resource(self, *, uri: str, payload: bytes, content_type: str) -> WarcLocation:
        """A resource such as a crawl log, under a synthetic or real URI."""
        date = warc_date(self.clock())
        fields = resource_fields(self.new_id(), uri=uri, date=date)
        return self._write_single(fields, payload, content_type, sha1_base32(payload))

    def settle(self, record_ids: Iterable[str]) -> None:
        """No (more) derived records will come for these captures."""
        with self._lock:
            for record_id in record_ids:
                self._arrived(record_id)
            self._close_drained()

    def rotate(self) -> list[str]:
        """Stop writing captures into the open file (the next capture opens another); it is
        closed now, or once its captures' derived records are in. Every file finished."""
        with self._lock:
            self._retire()
            self._close_drained()
        return list(self.closed_files)

    def close(self) -> list[str]:
        """Close and rename every open file; returns every file name this writer finished."""
        with self._lock:
            self._retire()
            self._close_drained(force=True)
        return list(self.closed_files)

    def _write_single(
        self,
        fields: Fields,
        payload: bytes,
        content_type: str,
        digest: str | None,
        refers_to: str | None = None,
    ) -> WarcLocation:
        if digest:
            fields.append(("WARC-Payload-Digest", digest))
        fields += [("WARC-Block-Digest", sha1_base32(payload)), ("Content-Type", content_type)]
        with self._lock:
            home = self._home.get(refers_to) if refers_to else None
            target = home or self._prepare_file()
            offset, length = self._append(target, fields, payload)
            if refers_to:
                self._arrived(refers_to)
            self._close_drained()
        record_id, date = _field(fields, "WARC-Record-ID"), _field(fields, "WARC-Date")
        return WarcLocation(target.name, offset, length, record_id, date, digest)

    def _prepare_file(self) -> _OpenFile:
        """The file a new capture goes into: rotated by size between captures."""
        if self._current is not None and self._current.handle.tell() >= self.max_bytes:
            self._retire()
        if self._current is None:
            self._current = self._open_new()
        return self._current

    def _arrived(self, record_id: str) -> None:
        home = self._home.pop(record_id, None)
        if home is not None:
            home.awaiting.discard(record_id)

    def _retire(self) -> None:
        if self._current is not None:
            self._current.retired = time.monotonic()
            self._draining.append(self._current)
            self._current = None

    def _close_drained(self, *, force: bool = False) -> None:
        """Close each rotated file whose derived records are in (or overdue)."""
        if not self._draining:
            return
        now, kept = time.monotonic(), []
        for drained in self._draining:
            assert drained.retired is not None
            if drained.awaiting and now - drained.retired < DRAIN_SECONDS and not force:
                kept.append(drained)
                continue
            for record_id in drained.awaiting:
                self._home.pop(record_id, None)
            self._close(drained)
        self._draining = kept

    def _default_name(self, opened: datetime) -> str:
        return file_name(self.prefix, opened, next_serial(), self.host, os.getpid())

    def _open_new(self) -> _OpenFile:
        self.directory.mkdir(parents=True, exist_ok=True)
        opened, name, fd = self._create_file()
        new = _OpenFile(name, os.fdopen(fd, "wb"), self.new_id())
        self._append(new, *warcinfo_record(name, new.warcinfo_id, opened, self.warcinfo_fields))
        return new

    def _create_file(self) -> tuple[datetime, str, int]:
        """A new `<name>.open` (mode 0644 less the umask), named for when it was opened."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        for _ in range(1000):  # only a fixed `name_file` could collide every time
            opened = self.clock()
            name = self.name_file(opened)
            if (self.directory / name).exists():
                continue
            try:
                return opened, name, os.open(self.directory / f"{name}.open", flags, FILE_MODE)
            except FileExistsError:
                continue
        raise FileExistsError(f"{self.directory}: no free WARC file name (last tried {name})")

    def _append(self, target: _OpenFile, fields: Fields, block: bytes) -> tuple[int, int]:
        if fields[0] != ("WARC-Type", "warcinfo"):
            fields = fields[:2] + [("WARC-Warcinfo-ID", target.warcinfo_id)] + fields[2:]
        member = gzip_member(build_record(fields, block))
        offset = target.handle.tell()
        target.handle.write(member)
        target.handle.flush()
        return offset, len(member)

    def _close(self, done: _OpenFile) -> None:
        done.handle.close()
        os.replace(self.directory / f"{done.name}.open", self.directory / done.name)
        self.closed_files.append(done.name)


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
        "wire, bodies are stored de-chunked with their content-coding kept. A 304 is a "
        "server-not-modified revisit without block; the 304's headers that describe the "
        "page (Date, validators, caching) are in its WARC-JSON-Metadata field, as JSON "
        '{"not_modified": [["Date", "..."], ["ETag", "..."], ...]}: [name, value] pairs as '
        "received, in order (Last-Modified only when there is no ETag, RFC 9110 15.4.5).",
    }


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("redline")
    except PackageNotFoundError:
        return "unknown"
