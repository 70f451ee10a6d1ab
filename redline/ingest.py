"""`redline ingest` and `redline reindex`: the index rebuilt from WARC records alone.

Captures are replayed through the same Tracker as a live crawl, in capture-time order,
with the article taken from our metadata record when there is one (so a rebuild gives
the very same revisions). Other tools' captures are extracted at ingest and the result
written to the archive too (redline.extractions), so reindex never parses them again.
Every input is untrusted: redline.imports refuses what is no WARC, ARC or WACZ; here
records that are no capture (not http(s), a bad date) or whose id is taken by a
different record are faults, and decompression is bounded.
"""

from __future__ import annotations

import heapq
import json
import re
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from archive import index, index_queries, index_sites
from archive.capture_rules import capture_date, skip_reason
from archive.files import IMPORTED_DIR, WARC_SUFFIXES, archive_files
from archive.index_rows import CaptureRow
from archive.warc_reader import iter_records
from archive.warc_records import WarcFault, WarcRecord
from diffing.article import Article

from .capture_rules import ArticleCaptures
from .config import Config, Site
from .extractions import Extractions, activate, deactivate, from_refers_id, selectors_for
from .extractions import extract as _extract
from .imports import INFLATE_RATIO, import_inputs
from .lock import writer_lock
from .reread import Rereader
from .tracker import Tracker

__all__ = ["WARC_SUFFIXES", "ingest_files", "index_files", "reindex_archive", "warc_files"]
# Room for a record's WARC and HTTP headers around a page of max_page_bytes.
_HEADER_ROOM = 1 << 20
IMPORTED = f"{IMPORTED_DIR}/"
TRACKED_PER_COMMIT = 200
_OUR_FILE = re.compile(r"^(?P<prefix>.+)-\d{20}-\d{5}-(?P<writer>.+)\.warc(\.gz)?(\.open)?$")


@dataclass
class _Pending:
    row: CaptureRow
    record: WarcRecord
    order: int


def warc_files(directory: Path) -> list[Path]:
    """Every file reindex reads: what the crawl wrote and every WARC ingest imported."""
    return archive_files(directory)


def ingest_files(config: Config, paths: list[Path]) -> dict:
    """Import `paths` (refusing what is no WARC, ARC or WACZ) and index what was kept.

    OSError: the archive cannot be written. The report lists what was refused and every
    fault of the files kept; their readable records are indexed all the same.
    """
    with writer_lock(config.database):
        imported = import_inputs(config.archive_dir, paths)
        # In the order reindex reads them, so a rebuild numbers the captures alike.
        kept = sorted(set(imported.kept))
        report, replayed = _index_imports(config, kept)
        report["refused"] = imported.refused
        report["faults"] = imported.faults + report["faults"]
        if report["late"] and not replayed:
            # A capture older than what its article's history already holds (a worker's
            # file closed late): replay the whole archive in capture-time order, so the
            # capture is slotted in and the diffs beside it recomputed.
            rebuilt = _rebuild(config)
            report = {
                **report,
                "revisions": rebuilt["revisions"],
                "changes": rebuilt["changes"],
                "rebuilt": True,
            }
        return report


def follow_archive(config: Config, *, poll: float = 10.0, once: bool = False) -> Iterator[dict]:
    """Index each closed WARC file that appears in archive_dir (workers' output) once.

    Runs until SIGTERM or SIGINT (finishing the sweep under way), or after one sweep with
    `once`. Files already in the index are skipped, so a restart picks up where it was.
    """
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        done: set[Path] = set()
        while not stop.is_set():
            _close_abandoned(config)
            fresh = _unindexed(config, [p for p in warc_files(config.archive_dir) if p not in done])
            if fresh or once:
                yield ingest_files(config, fresh)
            done.update(fresh)
            if once:
                return
            stop.wait(poll)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _close_abandoned(config: Config) -> None:
    """A worker on this host killed mid-file: keep its complete records (cut the torn tail)."""
    from archive.repair import close_open_file, open_files

    from .recovery import abandoned

    for path in open_files(config.archive_dir):
        if abandoned(path):
            close_open_file(path, config.archive_dir)


def _unindexed(config: Config, paths: list[Path]) -> list[Path]:
    if not paths or not config.database.exists():
        return paths
    try:
        db = index.open_index(config.database, readonly=True)
    except (index.IndexOutdated, index.NotAnIndex):
        return paths  # indexed again once migrated: a capture already there adds nothing
    try:
        known = index_queries.indexed_warc_files(db)
    finally:
        db.conn.close()
    root = config.archive_dir.resolve()
    return [p for p in paths if _relative(p, root) not in known]


def reindex_archive(config: Config) -> dict:
    with writer_lock(config.database):
        return _rebuild(config)


def _rebuild(config: Config) -> dict:
    """The index from scratch, from every WARC file in archive_dir; the caller holds the lock.
    What no WARC holds (each pass's site health) is carried over from the old index.

    Built beside the index and renamed over it when complete: readers see the old index
    until then, and a rebuild killed half-way leaves only its side file, which the next
    rebuild starts over. So nothing need survive a crash: one transaction, no fsync."""
    kept = index_sites.kept_rows(config.database)
    building = Path(f"{config.database}.rebuild")
    _remove_index(building)
    db = index.open_index(building)
    try:
        index.start_bulk_build(db)
        with db.atomic():
            index_sites.restore_rows(db, kept)
            report = index_files(db, config, warc_files(config.archive_dir))
        index.end_bulk_build(db)
    finally:
        db.conn.close()
    _remove_index(config.database, main=False)  # the old index's WAL must not outlive it
    building.replace(config.database)
    return report


def _remove_index(path: Path, *, main: bool = True) -> None:
    for suffix in ("-wal", "-shm", "-journal", *([""] if main else [])):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _index_imports(config: Config, kept: list[Path]) -> tuple[dict, bool]:
    """Index the kept files; what the extractor makes of foreign captures is written to
    the archive (closed before any rebuild reads it).

    Also whether that was a replay of the whole archive already: an index with no capture
    before, and no file in archive_dir but these and the extractions just written. Then
    a rebuild would read the same captures in the same order and build the same index."""
    db = index.open_index(config.database)
    found = Extractions(config)
    try:
        empty = not index.has_captures(db)
        report = index_files(db, config, kept, extractions=found)
    finally:
        written = found.close()
        db.conn.close()
    ours = {config.archive_dir / name for name in written}
    everything = {p.resolve() for p in warc_files(config.archive_dir)}
    return report, empty and everything <= {p.resolve() for p in (*kept, *ours)}


def index_files(
    db, config: Config, paths: list[Path], *, extractions: Extractions | None = None
) -> dict:
    """Index `paths`' captures, replayed through the tracker in capture-time order.

    `extractions` writes what the extractor makes of captures with no metadata record of
    ours (ingest); without it they are extracted again only when no stored one exists.
    """
    faults: list[WarcFault] = []
    articles: dict[str, dict] = {}
    pending: list[_Pending] = []
    found = extractions or Extractions()
    records = 0
    root = config.archive_dir.resolve()
    if extractions is not None and any(_foreign(_relative(p, root)) for p in paths):
        found.warm()  # other tools' pages are to be extracted: workers start while we read
    for path in paths:
        name = _relative(path, root)
        with db.atomic():  # one transaction per file
            records += _read_file(db, config, path, name, faults, articles, pending, found)
    pending.sort(key=lambda p: (p.row.fetched_at, p.order))
    ordered = _archive_order(pending)
    found.start(_to_extract(config, ordered, articles))
    token = activate(found)  # the tracking side's extraction goes through `found`
    try:
        counts = _track_all(db, config, ordered, articles)
    finally:
        deactivate(token)
    return {
        "files": len(paths),
        "records": records,
        "captures": len(pending),
        **counts,
        "extracted": found.extracted,
        "faults": [_fault_text(f) for f in faults],
    }


def _to_extract(config: Config, ordered: list[_Pending], articles: dict) -> list:
    """(row, record, selectors) of each capture the tracker is to extract, in the order it
    will ask: an HTML 200 response with no stored extraction, of no configured site or one
    of its articles. (Another page of a site is extracted only if a redirect leads there:
    then in its turn, as before.)"""
    wanted = []
    for item in ordered:
        data = articles.get(item.row.record_id) or {}
        job = None if "article" in data or "error" in data else _job(config, item)
        if job is not None:
            wanted.append(job)
    return wanted


def _job(config: Config, item: _Pending) -> tuple | None:
    """(row, record, selectors) when the tracker would extract the capture (unless an
    extraction of it is stored)."""
    row, record = item.row, item.record
    if row.record_type != "response" or row.http_status != 200 or not _is_html(record):
        return None
    site = _site_for(config, row.url)
    if site is not None and not site.is_article(row.url):
        return None
    return row, record, selectors_for(site)


def _track_all(db, config: Config, ordered: list[_Pending], articles: dict) -> dict:
    """Each capture through the crawl's own rules (capture_rules), in archive order."""
    captures = ArticleCaptures(db, Tracker(db, config.intervals, Rereader(db, config)))
    counts = {"revisions": 0, "changes": 0, "late": 0}
    # A fetch that differed was fetched again at once; the refetch's metadata record names
    # it, and it waits for its refetch, as in the crawl (DESIGN's noise principle).
    waiting = {data["refetch_of"] for data in articles.values() if data.get("refetch_of")}
    held: dict[str, _Pending] = {}
    for batch in _batches(db, ordered):
        for item in batch:
            if item.row.record_id in waiting:
                held[item.row.record_id] = item
                continue
            data = articles.get(item.row.record_id) or {}
            first = held.pop(data.get("refetch_of"), None)
            if first is None and data.get("refetch_of"):  # its first, from an earlier file,
                counts["late"] += 1  # was tracked alone: replay the archive to pair them
            first_article = _article_of(articles.get(first.row.record_id)) if first else None
            if first is not None and "article" in data and first_article is not None:
                captures.refetched(index.capture_id_of_record(db, first.row.record_id), first.row)
            elif first is not None:  # the refetch has no article to confirm it with
                _track_one(db, config, captures, first, articles, counts)
                first_article = None
            _track_one(db, config, captures, item, articles, counts, first=first_article)
    with db.atomic():
        for item in held.values():  # its refetch is in no file given (yet): alone
            _track_one(db, config, captures, item, articles, counts)
    return counts


def _batches(db, items: list) -> Iterator[list]:
    """`items` in slices, each tracked in one transaction: a commit per capture (and the
    full-text index's flush with it) cost an ingest more than the tracking. A crash leaves
    the captures it had not tracked to `reindex` either way (their rows are committed as
    each file is read); now that can be the whole slice under way."""
    for start in range(0, len(items), TRACKED_PER_COMMIT):
        with db.atomic():
            yield items[start : start + TRACKED_PER_COMMIT]


def _track_one(db, config, captures, item, articles, counts, first=None) -> None:
    row, record = item.row, item.record
    known = index.article_by_url(db, row.url)
    counts["late"] += bool(known and (known.last_checked or "") > row.fetched_at)
    capture_id = index.capture_id_of_record(db, row.record_id)
    site = _site_for(config, row.url)
    extract = _extractor(row, record, articles.get(row.record_id), site)
    outcome = captures.feed(
        capture_id, row, site, extract, headers=record.http_headers, html=_is_html(record),
        first=first,
    )  # fmt: skip
    counts["revisions"] += bool(outcome and outcome.revision is not None)
    counts["changes"] += bool(outcome and outcome.change_id is not None)


def _article_of(data: dict | None) -> Article | None:
    return Article.from_dict(data["article"]) if data and "article" in data else None


def _archive_order(pending: list[_Pending]) -> list[_Pending]:
    """The order the crawl tracked its captures in: each writer's records as it wrote them
    (its files by name), the streams of writers that ran at once (cluster workers, a late
    file) merged by capture time."""
    streams: dict[str, list[_Pending]] = {}
    for item in sorted(pending, key=lambda p: (p.row.warc_file, p.row.warc_offset, p.order)):
        streams.setdefault(_writer_of(item.row.warc_file), []).append(item)
    return list(heapq.merge(*streams.values(), key=lambda p: p.row.fetched_at))


def _foreign(name: str) -> bool:
    """Another tool's file (imported, and not named as redline names its own, which carry
    their extraction records)."""
    return name.startswith(IMPORTED) and not _OUR_FILE.match(Path(name).name)


def _writer_of(name: str) -> str:
    """`redline-<stamp>-<serial>-<host>-<pid>.warc.gz` -> its writer; another tool's
    file is a stream of its own."""
    match = _OUR_FILE.match(Path(name).name)
    return f"{match['prefix']} {match['writer']}" if match else name


def _extractor(row, record, data, site: Site | None):
    """What the capture's payload gives (capture_rules.Extract), computed only if asked."""

    def extract():
        if data is not None and ("article" in data or "error" in data):  # the crawl's own
            return (
                (Article.from_dict(data["article"]), False) if "article" in data else (None, True)
            )
        if row.record_type == "revisit" or row.http_status != 200:
            return None, False  # the payload already seen
        if not _is_html(record):
            return None, True
        from diffing.extract import ExtractionError  # the extractor, only when one runs

        try:
            return _extract(row, record, selectors_for(site)), False
        except ExtractionError:
            return None, True

    return extract


def _read_file(
    db,
    config: Config,
    path: Path,
    name: str,
    faults,
    articles: dict,
    pending: list,
    found: Extractions,
) -> int:
    """Index one file's captures; collect its metadata records. Returns the records read."""
    records = 0
    early = found.pool is not None and _foreign(name)  # the workers need not wait for us
    for record in iter_records(path, faults, **_bounds(config, path)):
        records += 1
        if record.warc_type == "metadata" and record.refers_to:
            data = _json(record.payload)
            if not found.remember(record, data) and data is not None:
                articles[from_refers_id(record.refers_to)] = data
        elif record.warc_type in ("response", "revisit") and record.target_uri:
            if _read_capture(db, record, name, faults, pending) and early:
                job = _job(config, pending[-1])
                if job is not None:
                    found.early(*job)
    return records


def _bounds(config: Config, path: Path) -> dict:
    """Decompression limits: a record at max_page_bytes (plus its headers), a whole file at
    INFLATE_RATIO times its size (news pages compress far less than that)."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return {
        "max_record_bytes": config.max_page_bytes + _HEADER_ROOM,
        "max_inflated_bytes": max(INFLATE_RATIO * size, 1 << 20),
    }


def _read_capture(db, record: WarcRecord, name: str, faults: list, pending: list) -> bool:
    """Index a response or revisit, unless it is no capture or its id is taken (a fault
    when the earlier record differs: the same record again is just idempotence).
    Whether it was added to `pending`."""
    why = skip_reason(record.warc_type, record.target_uri, record.date)
    if why is not None:
        if why:
            faults.append(WarcFault(record.file, record.offset, why))
        return False
    row = _capture_row(record, name)
    if index.insert_capture(db, row) is not None:
        pending.append(_Pending(row, record, len(pending)))
        return True
    earlier = index.capture_by_record(db, row.record_id)
    if earlier and _differs(earlier, row):
        faults.append(
            WarcFault(
                record.file,
                record.offset,
                (
                    f"record id {row.record_id} was indexed before from {earlier.warc_file} at offset"
                    f" {earlier.warc_offset} with a different digest ({earlier.payload_digest}, this"
                    f" one {row.payload_digest}): kept the first, this one is not indexed"
                ),
            )
        )
    return False


def _differs(earlier: CaptureRow, row: CaptureRow) -> bool:
    fields = ("payload_digest", "url", "record_type", "fetched_at")
    return any(getattr(earlier, f) != getattr(row, f) for f in fields)


def _fault_text(fault: WarcFault) -> str:
    where = f"offset {fault.offset}: " if fault.offset is not None else ""
    return f"{fault.file}: {where}{fault.message}"


def _capture_row(record: WarcRecord, name: str) -> CaptureRow:
    location = next((v for k, v in record.http_headers if k.lower() == "location"), None)
    return CaptureRow(
        record_id=record.record_id or f"<{name}#{record.offset}>",
        record_type=record.warc_type,
        url=record.target_uri,
        warc_file=name,
        warc_offset=record.offset,
        warc_length=record.length,
        http_status=record.http_status,
        payload_digest=record.payload_digest,
        refers_to=record.refers_to,
        fetched_at=_iso(record.date),
        location=location,
    )


def _site_for(config: Config, url: str) -> Site | None:
    """The site whose articles `url` matches, else the site on the same host."""
    for site in config.sites:
        if site.is_article(url):
            return site
    host = urlsplit(url).netloc
    for site in config.sites:
        if any(urlsplit(u).netloc == host for u in (*site.feeds, *site.sitemaps, *site.start_urls)):
            return site
    return None


def _is_html(record: WarcRecord) -> bool:
    return "html" in (record.content_type or "").lower()


def _json(payload: bytes) -> dict | None:
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    keys = ("article", "error", "refetch_of")  # an extraction, or a refetch naming its first
    return data if isinstance(data, dict) and any(k in data for k in keys) else None


def _relative(path: Path, root: Path) -> str:
    path = path.resolve()
    name = str(path.relative_to(root)) if root in path.parents else path.name
    return name.removesuffix(".open")


def _iso(date: str | None) -> str:
    """WARC dates (0-9 fractional digits) -> the index's fixed six-digit form.

    Records with a date that does not parse never get here (skip_reason); the fallback
    only keeps this total."""
    return capture_date(date) or "1970-01-01T00:00:00.000000Z"
