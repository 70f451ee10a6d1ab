"""Close WARC files a killed crawl left `.open`: keep the complete records, set the torn
tail aside (never delete it), rename the file to its final name.

The caller holds the writer lock, so no live writer owns the files. Nothing a reader can
parse as a complete record is ever cut: the tail goes only once it is proven incomplete
(no complete record starts anywhere in it). A capture whose request record never made it
is kept: the capture is whole, and indexing it loses nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from archive.warc_reader import first_complete_record, iter_raw_records
from archive.warc_records import RawRecord

TORN_DIR = "torn"
CAPTURE_TYPES = ("response", "revisit")


@dataclass(frozen=True)
class Closed:
    """What closing one `.open` file did."""

    open_file: str  # the name it had
    final_file: str | None  # its name now; None when nothing complete was in it
    records_kept: int
    tail_bytes: int
    tail_saved_as: str | None  # where the cut bytes went
    problem: str | None = None  # why it was left as it was

    def __str__(self) -> str:
        if self.problem:
            return f"{self.open_file}: not closed: {self.problem}"
        kept = f"kept {self.records_kept} records as {self.final_file}"
        if self.final_file is None:
            kept = "no complete record in it; the file is removed"
        tail = f"; {self.tail_bytes} torn bytes saved as {self.tail_saved_as}" * bool(
            self.tail_bytes
        )
        return f"{self.open_file}: {kept}{tail}"


def open_files(archive_dir: Path, prefix: str = "redline-") -> list[Path]:
    """Our writer's `.open` files (top level of archive_dir; imported files are left alone)."""
    return sorted(Path(archive_dir).glob(f"{prefix}*.warc.gz.open"))


def close_open_file(path: Path, archive_dir: Path) -> Closed:
    """Cut `path` after its last complete capture, save the rest aside, rename it."""
    path = Path(path)
    final = path.with_name(path.name.removesuffix(".open"))
    if final.exists():
        return Closed(path.name, None, 0, 0, None, f"{final.name} exists already")
    raws = list(iter_raw_records(path, []))
    keep, end = complete_prefix(raws)
    size = path.stat().st_size
    whole = complete_record_after(path, end)
    if whole is not None:
        problem = (
            f"damaged at offset {end}, but a complete record starts at offset {whole}:"
            " left as it is, so nothing is lost (a person must look at it)"
        )
        return Closed(path.name, None, 0, 0, None, problem)
    saved = save_tail(path, end, Path(archive_dir) / TORN_DIR) if end < size else None
    if keep == 0:
        path.unlink()
        return Closed(path.name, None, 0, size - end, saved)
    with path.open("r+b") as handle:
        handle.truncate(end)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(path, final)
    return Closed(path.name, final.name, keep, size - end, saved)


def complete_prefix(raws: list[RawRecord]) -> tuple[int, int]:
    """(records to keep, byte offset where the kept part ends)."""
    owned = []
    for raw in raws:  # a record sharing a gzip member is not ours to cut by offset
        if not raw.length:
            break
        owned.append(raw)
    end = owned[-1].offset + owned[-1].length if owned else 0
    return len(owned), end


def complete_record_after(path: Path, end: int) -> int | None:
    """File offset of a complete record somewhere after `end`, or None: the proof that
    the tail is torn, not healthy records the reader could not reach."""
    with path.open("rb") as handle:
        handle.seek(end)
        tail = handle.read()
    found = first_complete_record(tail)
    return None if found is None else end + found


def save_tail(path: Path, start: int, torn_dir: Path) -> str:
    """Copy the bytes from `start` on to torn/<name>.<start>.tail; returns that path."""
    torn_dir.mkdir(parents=True, exist_ok=True)
    target = torn_dir / f"{path.name}.{start}.tail"
    with path.open("rb") as src:
        src.seek(start)
        data = src.read()
    with target.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return str(Path(TORN_DIR) / target.name)
