"""What another tool (warcio) reads as complete in a WARC, and whether healing a killed
`.open` file kept all of it. Shared by tests/test_crash_large.py and tests/test_soak.py.

"Complete" is judged without our reader: warcio finds the record, its gzip member
inflates to the end on its own, and the block holds every byte Content-Length promises.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.warc_reader import iter_raw_records

CHUNK = 1 << 16  # the reader's read size: the boundaries the bug was at
CAPTURE_TYPES = ("response", "revisit")


@dataclass(frozen=True)
class Member:
    offset: int
    length: int
    warc_type: str
    record_id: str

    @property
    def end(self) -> int:
        return self.offset + self.length

    def __str__(self) -> str:
        at = self.offset % CHUNK
        return f"{self.warc_type} {self.record_id} at {self.offset} ({at} into a 64 KiB chunk)"


def complete_records(data: bytes) -> list[Member]:
    """Every record warcio reads as complete, in file order (a torn last one left out)."""
    found = []
    records = ArchiveIterator(io.BytesIO(data), no_record_parse=True, check_digests=False)
    try:
        for record in records:
            block = record.raw_stream.read()
            offset, length = records.get_record_offset(), records.get_record_length()
            if len(block) == record.length and whole_member(data[offset : offset + length]):
                found.append(Member(offset, length, record.rec_type,
                                    record.rec_headers.get_header("WARC-Record-ID")))  # fmt: skip
    except Exception:  # noqa: BLE001  warcio gives up on a record torn inside its headers
        pass
    return found


def whole_member(data: bytes) -> bool:
    inflater = zlib.decompressobj(31)
    try:
        inflater.decompress(data)
    except zlib.error:
        return False
    return inflater.eof and not inflater.unused_data


def our_records(path: Path) -> tuple[list[tuple[int, int]], list]:
    """(offset, length) of each record our reader finds, and its faults."""
    faults: list = []
    return [(r.offset, r.length) for r in iter_raw_records(path, faults)], faults


def healing_problems(original: bytes, healed: bytes, tail: bytes) -> list[str]:
    """Why healing `original` (a killed `.open` file) into `healed` + a torn `tail` lost a
    complete record; empty when it did not.

    Repair cuts no complete record, not even a last response/revisit whose request a
    kill prevented (archive/repair.py keeps it, and recovery indexes it).
    """
    if healed + tail != original:
        return [f"healed file ({len(healed)} B) + torn tail ({len(tail)} B) is not the killed "
                f"file ({len(original)} B) byte for byte"]  # fmt: skip
    complete = complete_records(original)
    cut = [m for m in complete if m.end > len(healed)]
    if cut and cut[0].offset < len(healed):
        return [f"the cut at {len(healed)} splits the record {cut[0]}"]
    if cut:
        listed = "; ".join(str(m) for m in cut[:3])
        return [f"{len(cut)} complete records of {len(complete)} moved to torn/, "
                f"from offset {len(healed)} of {len(original)}: {listed}"]  # fmt: skip
    return []
