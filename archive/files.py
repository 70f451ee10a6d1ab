"""Which files of an archive directory hold WARC or ARC records: one answer for ingest,
reindex and verify.

The crawl writes `<prefix>-<stamp>-<serial>-<host>-<pid>.warc.gz` (`.open` while being
written); `redline ingest` keeps other tools' files under `imported/`, whatever their
names, and copies them in under a dot-name first; recovery saves torn tails in `torn/`.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

WARC_SUFFIXES = (".warc.gz", ".warc", ".arc.gz", ".arc")
IMPORTED_DIR = "imported"
TORN_DIR = "torn"
_HEAD = 1 << 16
_ARC_LINE = re.compile(rb"\S+:\S*\s+\S+\s+\d{12,14}\s+\S+\s+-?\d+\s*$")


def archive_files(archive_dir: Path, *, include_open: bool = False) -> list[Path]:
    """The archive's WARC/ARC files, sorted.

    By default what reindex reads: closed files with a WARC/ARC name anywhere, and every
    file under imported/ that sniffs as a WARC or ARC (dot-names are copies in progress).
    With `include_open`, what verify checks: also `.open` files (being or left written),
    dot-names, and every file under imported/ whatever it holds (verify says what does not
    read), but never the torn tails under torn/.
    """
    root = Path(archive_dir)
    if not root.is_dir():
        return []
    wanted = _verify_checks if include_open else _reindex_reads
    return sorted(p for p in root.rglob("*") if p.is_file() and wanted(p, p.relative_to(root)))


def _reindex_reads(path: Path, rel: Path) -> bool:
    if is_kept_name(path.name):
        return True
    return len(rel.parts) > 1 and rel.parts[0] == IMPORTED_DIR and _sniffs_as_warc(path)


def _verify_checks(path: Path, rel: Path) -> bool:
    if rel.parts[0] == TORN_DIR:
        return False
    return path.name.removesuffix(".open").endswith(WARC_SUFFIXES) or rel.parts[0] == IMPORTED_DIR


def is_kept_name(name: str) -> bool:
    """A closed WARC/ARC file's name (not a dot-name: a copy still in progress)."""
    return not name.startswith(".") and name.endswith(WARC_SUFFIXES)


def _sniffs_as_warc(path: Path) -> bool:
    if path.name.startswith("."):
        return False
    try:
        return sniff(path) not in (None, "zip")
    except OSError:
        return False


def sniff(path: Path) -> str | None:
    """ "warc", "warc.gz", "arc", "arc.gz" or "zip" by content; None for anything else.

    Raises OSError when the file cannot be read.
    """
    with open(path, "rb") as handle:
        head = handle.read(_HEAD)
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        try:  # max_length: a bomb in the first member inflates no further than this
            text = zlib.decompressobj(31).decompress(head, 4096)
        except zlib.error:
            return None
        kind = _text_kind(text)
        return f"{kind}.gz" if kind else None
    return _text_kind(head)


def _text_kind(head: bytes) -> str | None:
    head = head.lstrip(b"\r\n\t ")
    if head.startswith(b"WARC/"):
        return "warc"
    first = head.split(b"\n", 1)[0]
    return "arc" if _ARC_LINE.match(first) else None
