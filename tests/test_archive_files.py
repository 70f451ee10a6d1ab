"""archive_files: the one answer to "which files of this archive hold WARC records",
for reindex (what it reads) and verify (what it checks)."""

from __future__ import annotations

from pathlib import Path

from archive.files import archive_files

WARC = b"WARC/1.1\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n"


def build(root: Path) -> None:
    files = {
        "redline-20261128040000000000-00000-host-1.warc.gz": WARC,  # closed, ours
        "redline-20261128040000000001-00001-host-1.warc.gz.open": WARC,  # being written
        "workers/w1/redline-20261128040000000002-00000-w1-2.warc.gz": WARC,
        "imported/dump.bin": WARC,  # another tool's WARC under any name
        "imported/wacz/readme.txt": b"not a WARC at all",
        "imported/.partial.warc.gz": WARC,  # a copy still in progress
        "imported/old.arc": b"",
        "torn/redline-x.warc.gz.123.tail": WARC,  # a torn tail set aside by recovery
        "notes.txt": b"hello",
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def names(root: Path, **options) -> list[str]:
    return [str(p.relative_to(root)) for p in archive_files(root, **options)]


def test_reindex_reads_closed_warcs_and_every_imported_warc(tmp_path):
    build(tmp_path)
    assert names(tmp_path) == [
        "imported/dump.bin",
        "imported/old.arc",
        "redline-20261128040000000000-00000-host-1.warc.gz",
        "workers/w1/redline-20261128040000000002-00000-w1-2.warc.gz",
    ]


def test_verify_also_checks_open_files_and_whatever_was_imported_but_not_torn_tails(tmp_path):
    build(tmp_path)
    assert names(tmp_path, include_open=True) == [
        "imported/.partial.warc.gz",
        "imported/dump.bin",
        "imported/old.arc",
        "imported/wacz/readme.txt",
        "redline-20261128040000000000-00000-host-1.warc.gz",
        "redline-20261128040000000001-00001-host-1.warc.gz.open",
        "workers/w1/redline-20261128040000000002-00000-w1-2.warc.gz",
    ]


def test_a_missing_archive_has_no_files(tmp_path):
    assert archive_files(tmp_path / "nowhere") == []
    assert archive_files(tmp_path / "nowhere", include_open=True) == []
