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
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class WarcLocation:
    """Where a record landed: the final file name (without `.open`), member offset and length."""

    file: str
    offset: int
    length: int
    record_id: str
    date: str
    payload_digest: str | None


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
    files.
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
        self._file: BinaryIO | None = None
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
        """Response (or revisit) + request, adjacent in one file; the location of the first."""
        records, digest = capture_records(exchange, revisit_of, self.new_id)
        with self._lock:
            self._prepare_file()
            offset, length = self._append(*records[0])
            for fields, block in records[1:]:
                self._append(fields, block)
        first = records[0][0]
        record_id, date = _field(first, "WARC-Record-ID"), _field(first, "WARC-Date")
        return WarcLocation(self._name, offset, length, record_id, date, digest)

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
        return self._write_single(fields, payload, content_type, None)

    def write_resource(self, *, uri: str, payload: bytes, content_type: str) -> WarcLocation:
        """A resource such as a crawl log, under a synthetic or real URI."""
        date = warc_date(self.clock())
        fields = resource_fields(self.new_id(), uri=uri, date=date)
        return self._write_single(fields, payload, content_type, sha1_base32(payload))

    def close(self) -> list[str]:
        """Close and rename the open file; returns every file name this writer finished."""
        with self._lock:
            self._close_current()
        return list(self.closed_files)

    def _write_single(
        self, fields: Fields, payload: bytes, content_type: str, digest: str | None
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

    def _default_name(self, opened: datetime) -> str:
        return file_name(self.prefix, opened, next_serial(), self.host, os.getpid())

    def _open_new(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        opened, name, fd = self._create_file()
        self._file, self._name = os.fdopen(fd, "wb"), name
        self._warcinfo_id = self.new_id()
        self._append(*warcinfo_record(name, self._warcinfo_id, opened, self.warcinfo_fields))

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

    def _append(self, fields: Fields, block: bytes) -> tuple[int, int]:
        if fields[0] != ("WARC-Type", "warcinfo"):
            fields = fields[:2] + [("WARC-Warcinfo-ID", self._warcinfo_id)] + fields[2:]
        member = gzip_member(build_record(fields, block))
        assert self._file is not None  # callers hold the lock and ran _prepare_file/_open_new
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
