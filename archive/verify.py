"""`redline verify` as a library: the WARCs are whole and the index agrees with them.

Checks, for every WARC/ARC file under archive_dir (other tools' files in `imported/` too):
each record parses, block and payload digests match, nothing is torn, every revisit's
original is in the archive, and our own files (`redline-*`) meet the checklist lint.
Then every index row points at a real record and every capture record is indexed.
Each problem names file, offset, record id and what is wrong.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from archive.capture_rules import refers_id, skip_reason
from archive.files import archive_files
from archive.index_queries import capture_locations
from archive.index_schema import open_index
from archive.warc_lint import lint_warc
from archive.gzip_members import inflation_budget
from archive.warc_reader import iter_records
from archive.warc_records import WarcFault, WarcRecord, clean_uri

CAPTURE_TYPES = ("response", "revisit")
OURS = "redline-"
# Harmless oddities of other tools' files: noted, never a failure (ours are linted instead).
SOFT_FAULTS = (
    "has an invalid length",
    "shorter than its declared length",
    "does not decode; kept as stored",
    "that are not a WARC record skipped",
)


@dataclass(frozen=True)
class Problem:
    kind: str  # unreadable | torn | digest | revisit | lint | open | index
    file: str
    offset: int | None
    record_id: str | None
    message: str

    def __str__(self) -> str:
        where = f" at offset {self.offset}" if self.offset is not None else ""
        record = f" record {self.record_id}" if self.record_id else ""
        return f"{self.file}{where}{record}: {self.kind}: {self.message}"


@dataclass(frozen=True)
class Report:
    files: int
    records: int
    captures: int
    index_rows: int
    problems: tuple[Problem, ...]
    notes: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        verdict = "archive OK" if self.ok else f"{len(self.problems)} problems"
        return (
            f"{verdict}: {self.files} files, {self.records} records, {self.captures} captures,"
            f" {self.index_rows} index rows checked"
        )

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(ok=self.ok, problems=[asdict(p) for p in self.problems])
        data["notes"] = [asdict(p) for p in self.notes]
        return data


@dataclass
class _Scan:
    """What the WARC pass learnt, for the revisit and index checks."""

    records: int = 0
    ids: set[str] = field(default_factory=set)
    by_position: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    captures: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # id -> where
    uri_dates: set[tuple[str, str]] = field(default_factory=set)
    digests: set[str] = field(default_factory=set)  # payload digests of responses
    revisits: list[tuple[str, WarcRecord]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    writer_active: bool = False  # a crawl holds the lock: its open files are still growing
    scanned: set[str] = field(default_factory=set)
    live: set[str] = field(default_factory=set)  # files a running writer holds open


def index_name(path: Path, archive_dir: Path) -> str:
    """The name the index stores: relative to archive_dir, without `.open`."""
    return str(Path(path).relative_to(archive_dir)).removesuffix(".open")


def verify_archive(
    archive_dir: Path, database: Path | None, *, writer_active: bool = False
) -> Report:
    """Check every WARC under archive_dir, then the index at `database` against them.

    With `writer_active` (a crawl holds the lock), the files it has open are read as far
    as they are written; what it writes or indexes meanwhile is no fault.
    """
    archive_dir = Path(archive_dir).resolve()
    files = archive_files(archive_dir, include_open=True)
    scan = _Scan(writer_active=writer_active)
    for path in files:
        scan_file(path, archive_dir, scan)
    for path in files:
        if path.name.startswith(OURS) and index_name(path, archive_dir) not in scan.live:
            lint_file(path, archive_dir, scan)
    check_revisits(scan)
    rows = check_index(database, archive_dir, scan)
    return Report(
        len(files), scan.records, len(scan.captures), rows, tuple(scan.problems), tuple(scan.notes)
    )


def scan_file(path: Path, archive_dir: Path, scan: _Scan) -> None:
    name = index_name(path, archive_dir)
    ours = path.name.startswith(OURS)
    if not path.exists() and (archive_dir / name).exists():
        path = archive_dir / name  # closed by the writer since the listing
    live = scan.writer_active and ours and path.name.endswith(".open")
    if live:
        scan.live.add(name)
    scan.scanned.add(name)
    faults: list[WarcFault] = []
    budget = None if ours else inflation_budget(path)  # other tools' files are untrusted
    for record in iter_records(path, faults, max_inflated_bytes=budget):
        scan.records += 1
        note_record(record, name, scan)
    for fault in faults:
        problem = Problem(fault_kind(fault.message), name, fault.offset, None, fault.message)
        soft = live or (not ours and any(s in fault.message for s in SOFT_FAULTS))
        (scan.notes if soft else scan.problems).append(problem)
    if path.name.endswith(".open") and ours:
        (scan.notes if live else scan.problems).append(
            Problem(
                "open",
                name + ".open",
                None,
                None,
                "being written by the running crawl"
                if live
                else "still open: a crawl is writing it or"
                " crashed; `redline verify --repair` closes it when no crawl runs",
            )
        )


def note_record(record: WarcRecord, name: str, scan: _Scan) -> None:
    record_id = record.record_id or f"<{name}#{record.offset}>"  # as redline.ingest names it
    scan.ids.update((record_id, refers_id(record_id)))  # our metadata may name it either way
    scan.by_position.setdefault((name, record.offset), set()).add(record_id)
    if record.warc_type not in CAPTURE_TYPES or not record.target_uri:
        return
    if skip_reason(record.warc_type, record.target_uri, record.date) is not None:
        return  # not http(s) or a bad date: never indexed (ingest names the fault)
    scan.captures[record_id] = (name, record.offset, record.warc_type)
    scan.uri_dates.add((_schemeless(record.target_uri), _second(record.date)))
    if record.warc_type == "response" and record.payload_digest:
        scan.digests.add(record.payload_digest)
    if record.warc_type == "revisit":
        scan.revisits.append((name, record))


def fault_kind(message: str) -> str:
    if "digest mismatch" in message:
        return "digest"
    return "torn" if "torn tail" in message else "unreadable"


def lint_file(path: Path, archive_dir: Path, scan: _Scan) -> None:
    """Checklist problems of our own file, minus the reader faults already reported."""
    name = index_name(path, archive_dir)
    known = {str(p) for p in scan.problems}
    seen = {str(WarcFault(path.name, p.offset, p.message)) for p in scan.problems if p.file == name}
    for line in lint_warc(path, scan.ids):
        if line not in seen and line not in known:
            scan.problems.append(Problem("lint", name, _offset_in(line), None, line))


def _offset_in(line: str) -> int | None:
    _, found, rest = line.partition(" at offset ")
    digits = rest.split(":", 1)[0].split(" ", 1)[0]
    return int(digits) if found and digits.isdigit() else None


def check_revisits(scan: _Scan) -> None:
    for name, record in scan.revisits:
        if original_present(record, scan):
            continue
        # Imported files may hold revisits of captures made before them: noted, not failed.
        ours = Path(name).name.startswith(OURS)
        (scan.problems if ours else scan.notes).append(
            Problem(
                "revisit",
                name,
                record.offset,
                record.record_id,
                f"the original of this revisit of {record.target_uri} is not in the archive"
                f" ({original_named(record)})",
            )
        )


def original_named(record: WarcRecord) -> str:
    if record.refers_to:
        return f"WARC-Refers-To {record.refers_to}"
    uri = record.headers.get("WARC-Refers-To-Target-URI") or record.target_uri
    date = record.headers.get("WARC-Refers-To-Date")
    return f"{uri} at {date}" if date else f"payload digest {record.payload_digest}"


def original_present(record: WarcRecord, scan: _Scan) -> bool:
    """By WARC-Refers-To; without it by Refers-To-Target-URI + Date, or (as replay tools
    do for identical-payload revisits) by a response with the same payload digest."""
    if record.refers_to:
        return record.refers_to in scan.ids
    uri = clean_uri(record.headers.get("WARC-Refers-To-Target-URI"))
    date = record.headers.get("WARC-Refers-To-Date")
    if uri and date and (_schemeless(uri), _second(date)) in scan.uri_dates:
        return True
    profile = record.headers.get("WARC-Profile", "")
    return profile.endswith("identical-payload-digest") and record.payload_digest in scan.digests


def _schemeless(uri: str) -> str:
    """http and https captures of one URL are one resource to replay tools."""
    return uri.split("://", 1)[-1]


def _second(date: str | None) -> str:
    """A WARC date to the second, so 1.0 and 1.1 precisions compare equal."""
    return (date or "")[:19]


def check_index(database: Path | None, archive_dir: Path, scan: _Scan) -> int:
    """Index rows against the records found; returns how many rows were checked."""
    if database is None or not Path(database).exists():
        if scan.captures:
            where = str(database) if database else "(none)"
            missing = Problem("index", where, None, None, "no index: run `redline reindex`")
            (scan.notes if scan.writer_active else scan.problems).append(missing)
        return 0
    try:
        rows = read_capture_rows(Path(database))
    except IndexUnreadable as exc:
        if not scan.writer_active:
            raise
        # The running crawl is creating or migrating it: nothing to hold against it yet.
        scan.notes.append(Problem("index", str(database), None, None, str(exc)))
        return 0
    indexed = set()
    for record_id, warc_file, offset in rows:
        indexed.add(record_id)
        problem = row_problem(record_id, warc_file, offset, archive_dir, scan)
        if problem and not _written_since(warc_file, scan):
            scan.problems.append(Problem("index", warc_file, offset, record_id, problem))
    for record_id, (name, offset, warc_type) in scan.captures.items():
        if record_id not in indexed and name not in scan.live:
            scan.problems.append(
                Problem("index", name, offset, record_id, f"{warc_type} record is not indexed")
            )
    return len(rows)


def _written_since(warc_file: str, scan: _Scan) -> bool:
    """A row the running writer may have added after its file was read (or created)."""
    return warc_file in scan.live or (scan.writer_active and warc_file not in scan.scanned)


def read_capture_rows(database: Path) -> list[tuple[str, str, int]]:
    """(record_id, warc_file, warc_offset) of every capture row; never waits for a writer."""
    db = None
    try:
        db = open_index(database, readonly=True)
        return capture_locations(db)
    except sqlite3.Error as exc:  # IndexOutdated too: it says which command upgrades it
        raise IndexUnreadable(f"{database}: cannot read the captures table: {exc}") from None
    finally:
        if db is not None:
            db.conn.close()


class IndexUnreadable(Exception):
    """The SQLite index cannot be read at all."""


def row_problem(
    record_id: str, warc_file: str, offset: int, archive_dir: Path, scan: _Scan
) -> str | None:
    path = archive_dir / warc_file
    if not path.exists() and not Path(f"{path}.open").exists():
        return "index row points into a file that does not exist"
    found = scan.by_position.get((warc_file, offset))
    if not found:
        return "index row points at an offset where no record starts"
    if record_id not in found:
        return f"index row points at a different record ({', '.join(sorted(found))})"
    return None
