"""`redline ingest` and `redline reindex`: the index rebuilt from WARC records alone.

Captures are replayed through the same Tracker as a live crawl, in capture-time order,
with the article taken from our metadata record when there is one (so a rebuild gives
the very same revisions) and extracted from the payload otherwise (other tools' WARCs).
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
import shutil
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from archive import index
from archive.index import CaptureRow
from archive.warc_reader import WarcFault, WarcRecord, iter_records
from diffing.article import Article
from diffing.extract import ExtractionError, Selectors, extract_article

from .capture_rules import ArticleCaptures
from .config import Config, Site
from .lock import writer_lock
from .tracker import Tracker

WARC_SUFFIXES = (".warc.gz", ".warc", ".arc.gz", ".arc")
_OUR_FILE = re.compile(r"^(?P<prefix>.+)-\d{20}-\d{5}-(?P<writer>.+)\.warc(\.gz)?(\.open)?$")


@dataclass
class _Pending:
    row: CaptureRow
    record: WarcRecord
    order: int


def warc_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.name.endswith(WARC_SUFFIXES))


def ingest_files(config: Config, paths: list[Path]) -> dict:
    with writer_lock(config.database):
        kept = [_into_archive(config.archive_dir, p) for p in paths]
        db = index.open_index(config.database)
        try:
            report = index_files(db, config, kept)
        finally:
            db.conn.close()
        if report["late"]:
            # A capture older than what its article's history already holds (a worker's
            # file closed late): replay the whole archive in capture-time order, so the
            # capture is slotted in and the diffs beside it recomputed.
            rebuilt = _rebuild(config)
            report = {**report, "revisions": rebuilt["revisions"], "changes": rebuilt["changes"],
                      "rebuilt": True}
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
    db = index.open_index_readonly(config.database)
    try:
        if not db["captures"].exists():
            return paths
        known = {r[0] for r in db.execute("select distinct warc_file from captures")}
    finally:
        db.conn.close()
    root = config.archive_dir.resolve()
    return [p for p in paths if _relative(p, root) not in known]


def reindex_archive(config: Config) -> dict:
    with writer_lock(config.database):
        return _rebuild(config)


def _rebuild(config: Config) -> dict:
    """The index from scratch, from every WARC file in archive_dir; the caller holds the lock."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(config.database) + suffix).unlink(missing_ok=True)
    db = index.open_index(config.database)
    try:
        return index_files(db, config, warc_files(config.archive_dir))
    finally:
        db.conn.close()


def _into_archive(archive_dir: Path, path: Path) -> Path:
    """Files from elsewhere are copied under archive_dir/imported/, so reindex sees them.

    A different file that happens to have the same name (every tool names its first file
    alike) gets its content hash in its name instead of being skipped.
    """
    path = path.resolve()
    root = archive_dir.resolve()
    if root in path.parents:
        return path
    target = root / "imported" / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not _same_file(target, path):
        digest = hashlib.sha1(path.read_bytes()).hexdigest()[:12]
        target = target.with_name(f"{digest}-{path.name}")
    if not target.exists():
        shutil.copy2(path, target)
    return target


def _same_file(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def index_files(db, config: Config, paths: list[Path]) -> dict:
    faults: list[WarcFault] = []
    articles: dict[str, dict] = {}
    pending: list[_Pending] = []
    records = 0
    root = config.archive_dir.resolve()
    for path in paths:
        name = _relative(path, root)
        with db.conn:  # one transaction per file
            records += _read_file(db, path, name, faults, articles, pending)
    pending.sort(key=lambda p: (p.row.fetched_at, p.order))
    counts = _track_all(db, config, pending, articles)
    return {"files": len(paths), "records": records, "captures": len(pending), **counts,
            "faults": [f"{f.file}: {'offset ' + str(f.offset) + ': ' if f.offset is not None else ''}"
                       f"{f.message}" for f in faults]}


def _read_file(db, path: Path, name: str, faults, articles: dict, pending: list) -> int:
    """Index one file's captures; collect its metadata records. Returns the records read."""
    records = 0
    for record in iter_records(path, faults):
        records += 1
        if record.warc_type == "metadata" and record.refers_to:
            data = _json(record.payload)
            if data is not None:
                articles[record.refers_to] = data
        elif record.warc_type in ("response", "revisit") and record.target_uri:
            row = _capture_row(record, name)
            if index.insert_capture(db, row) is not None:
                pending.append(_Pending(row, record, len(pending)))
    return records


def _track_all(db, config: Config, pending: list[_Pending], articles: dict) -> dict:
    """Each capture through the crawl's own rules (capture_rules), in archive order."""
    captures = ArticleCaptures(db, Tracker(db, config.intervals))
    revisions = changes = late = 0
    for item in _archive_order(pending):
        row, record = item.row, item.record
        known = index.article_by_url(db, row.url)
        late += bool(known and (known["last_checked"] or "") > row.fetched_at)
        capture_id = db.execute("select id from captures where record_id = ?",
                                [row.record_id]).fetchone()[0]
        site = _site_for(config, row.url)
        extract = _extractor(row, record, articles.get(row.record_id), site)
        outcome = captures.feed(capture_id, row, site, extract, headers=record.http_headers,
                                html=_is_html(record))
        revisions += bool(outcome and outcome.revision is not None)
        changes += bool(outcome and outcome.change_id is not None)
    return {"revisions": revisions, "changes": changes, "late": late}


def _archive_order(pending: list[_Pending]) -> list[_Pending]:
    """The order the crawl tracked its captures in: each writer's records as it wrote them
    (its files by name), the streams of writers that ran at once (cluster workers, a late
    file) merged by capture time."""
    streams: dict[str, list[_Pending]] = {}
    for item in sorted(pending, key=lambda p: (p.row.warc_file, p.row.warc_offset, p.order)):
        streams.setdefault(_writer_of(item.row.warc_file), []).append(item)
    return list(heapq.merge(*streams.values(), key=lambda p: p.row.fetched_at))


def _writer_of(name: str) -> str:
    """`redline-<stamp>-<serial>-<host>-<pid>.warc.gz` -> its writer; another tool's
    file is a stream of its own."""
    match = _OUR_FILE.match(Path(name).name)
    return f"{match['prefix']} {match['writer']}" if match else name


def _extractor(row, record, data, site: Site | None):
    """What the capture's payload gives (capture_rules.Extract), computed only if asked."""
    def extract():
        if data is not None:  # our metadata record: the crawl's own extraction
            return (Article.from_dict(data["article"]), False) if "article" in data else (None, True)
        if row.record_type == "revisit" or row.http_status != 200:
            return None, False  # the payload already seen
        if not _is_html(record):
            return None, True
        selectors = Selectors(site.headline, site.byline, site.body) if site else None
        try:
            return extract_article(record.payload, row.url, selectors), False
        except ExtractionError:
            return None, True

    return extract


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
    return data if isinstance(data, dict) and ("article" in data or "error" in data) else None


def _relative(path: Path, root: Path) -> str:
    path = path.resolve()
    name = str(path.relative_to(root)) if root in path.parents else path.name
    return name.removesuffix(".open")


def _iso(date: str | None) -> str:
    """WARC dates (0-9 fractional digits) -> the index's fixed six-digit form."""
    from .schedule import iso, parse_iso

    if not date:
        return "1970-01-01T00:00:00.000000Z"
    try:
        return iso(parse_iso(date))
    except ValueError:
        return date
