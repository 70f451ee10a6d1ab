"""Byte sources the WARC reader scans: a plain file, or concatenated gzip members.

Both give sequential bytes with the file offset of any position. The gzip source inflates
member by member, in bounded steps, and remembers where each member began and ended, so
the reader can tell whether a record owns whole members (readable by offset) or not.
Torn or corrupt members and garbage after the last one become WarcFaults, never errors.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import BinaryIO

from archive.warc_records import WarcFault

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 16
_MAX_LINE = 1 << 16


class ByteSource:
    """Sequential bytes of a plain file, with the file offset of any position.

    The buffer is a bytearray read from `start` and compacted now and then, so reading a
    large record costs linear time whatever the chunk size.
    """

    def __init__(
        self, handle: BinaryIO, name: str, faults: list[WarcFault], chunk: int = CHUNK
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
        while len(self.buf) - self.start < size and self._more():
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
        size = end + 1 - self.start if end >= 0 else min(self.available, _MAX_LINE)
        line = bytes(self.buf[self.start : self.start + size])  # all in buf: no peek needed
        self._consume(size)
        return line

    def at_boundary(self) -> bool:
        """Whether the stream ends here (gzip: a member ends here), so a separator is moot."""
        return not self.peek(1)

    def span(self, start: int, end: int) -> tuple[int, int, bool]:
        """(file offset, length, whether the record owns exactly that range)."""
        return start, end - start, True

    def forget_before(self, pos: int) -> None:
        """Positions before `pos` will not be asked about again."""


class GzipSource(ByteSource):
    """Decompressed view of concatenated gzip members that remembers where each began.

    Inflation is bounded: one step yields at most `chunk * 64` bytes, so a bomb never lands
    in memory at once, and the whole file at most `max_inflated` bytes.
    """

    def __init__(
        self,
        handle: BinaryIO,
        name: str,
        faults: list[WarcFault],
        chunk: int = CHUNK,
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
        member, inflater = self.members[-1], self.inflater
        assert inflater is not None  # _more inflates only after _start_member set one up
        if not data:  # what an incomplete member inflates to is not to be trusted
            del self.buf[self.start + max(0, member[0] - self.pos) :]
            self._fault(member[1], "torn tail: the last gzip member is incomplete")
            self.torn = True
            return False
        try:
            out = inflater.decompress(data, self.chunk * 64)
        except zlib.error as error:
            self._fault(member[1], f"corrupt gzip member ({error})")
            return False
        if inflater.eof:
            self.pending = inflater.unused_data
            self.inflater = None
        else:
            self.pending = inflater.unconsumed_tail
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
    chunk: int = CHUNK,
    max_inflated: int | None = None,
) -> ByteSource:
    """A gzip-aware source starting at the handle's current position."""
    start = handle.tell()
    magic = handle.read(2)
    handle.seek(start)
    if magic == GZIP_MAGIC:
        return GzipSource(handle, name, faults, chunk, max_inflated)
    return ByteSource(handle, name, faults, chunk)


def inflation_budget(path: Path) -> int:
    """What a file from elsewhere may inflate to: 100 times its size (at least 1 MiB)."""
    try:
        return max(100 * Path(path).stat().st_size, 1 << 20)
    except OSError:
        return 1 << 20
