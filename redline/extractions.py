"""Other tools' captures are extracted once, at ingest, and the result kept in the archive.

Each extraction (the article, or why there is none) is written as a `metadata` record
into redline's own `redline-ingest-*.warc.gz` in archive_dir, WARC-Refers-To the foreign
record, with the crawl's JSON shape. `reindex` reads those records back and hands the
stored result to the tracker in place of running the extractor again, so it rebuilds the
very same index without parsing the foreign HTML (and an extractor upgrade does not
rewrite history). The records carry their own WARC-Target-URI prefix: unlike a crawl's
metadata record, one of these does not by itself make its capture an article; the
tracker decides that exactly as at ingest, then takes the stored extraction.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import Future
from contextvars import ContextVar
from typing import TYPE_CHECKING

from archive.capture_rules import from_refers_id, refers_id
from diffing.article import Article
from diffing.extractor_version import EXTRACTOR_VERSION

if TYPE_CHECKING:
    from diffing.extract import Selectors

# The extractor (diffing.extract: trafilatura, lxml) is imported only when a page is to be
# extracted: a reindex reads stored extractions and never pays for importing it.
INGEST_URN = "urn:redline:ingest:article:"
AHEAD = 16  # pages handed to each worker ahead of the tracker: enough to never idle
EARLY = 48  # pages per worker started while the files are read (before the tracker's order)


EXTRACTOR = f"redline-extract/{EXTRACTOR_VERSION}"  # as crawler.pipeline.EXTRACTOR (tested)


def selectors_for(site) -> Selectors | None:
    """The site's configured selectors (None without a site or without any)."""
    if site is None or not (site.headline or site.byline or site.body):
        return None
    from diffing.extract import Selectors

    return Selectors(site.headline, site.byline, site.body)


class Extractions:
    """Stored extractions by record id; with a config, new ones are written to the archive.

    `start` extracts the captures the tracker is about to ask for ahead, in worker
    processes (diffing.extract_pool: one per core, REDLINE_EXTRACT_WORKERS=0 for none);
    what is counted and written is unchanged: the result the tracker takes, when it asks,
    the same dict as extracting in this process."""

    def __init__(self, config=None) -> None:
        self.config = config
        self.known: dict[str, dict] = {}
        self.extracted = 0  # extractor runs: 0 on a reindex of an archive ingested before
        self.writer = None
        self.pool = None
        self.jobs: list[tuple] = []  # (row, record, selectors) to extract ahead, in order
        self.submitted = 0  # how many of jobs were handed to the pool
        self.place: dict[str, int] = {}  # record id -> its place in jobs
        self.ahead: dict[str, Future] = {}  # record id -> its extraction in a worker
        # (payload's SHA-1, URL, selectors) -> its extraction: the same page captured again
        # in full (a mirror fetched daily, with no revisits) is extracted once
        self.same: dict[tuple, Future] = {}

    def warm(self) -> None:
        """Start the workers now (they start while the files are read)."""
        from diffing.extract_pool import ExtractionPool, default_workers

        if self.pool is None and default_workers() > 0:
            self.pool = ExtractionPool()  # if no worker starts, it extracts in-process

    def start(self, jobs: list[tuple]) -> None:
        """Extract these (row, record, selectors) in worker processes, in this order, a
        few pages ahead of the tracker (closing never waits for more than those)."""
        jobs = [job for job in jobs if job[0].record_id not in self.known]
        if self.pool is None and len(jobs) >= 2:  # one page: sooner here than in a worker
            self.warm()
        if self.pool is None or not jobs:
            return
        self.jobs, self.submitted = jobs, 0
        self.place = {row.record_id: n for n, (row, _, _) in enumerate(jobs)}
        self._submit_until(AHEAD * self.pool.size)

    def early(self, row, record, selectors: Selectors | None) -> None:
        """While the files are read (workers warmed): a capture that looks like one to
        extract, started now so the workers have work before the tracker has its order.
        At most EARLY per worker (before the tracker takes any); if a stored extraction
        turns up, the result goes unused."""
        if self.pool is not None and len(self.ahead) < EARLY * self.pool.size:
            self._submit(row, record, selectors)

    def _submit_until(self, end: int) -> None:
        while self.submitted < min(end, len(self.jobs)):
            row, record, selectors = self.jobs[self.submitted]
            self.submitted += 1
            if row.record_id not in self.ahead:  # started early
                self._submit(row, record, selectors)

    def _submit(self, row, record, selectors: Selectors | None) -> None:
        assert self.pool is not None
        key = (hashlib.sha1(record.payload).digest(), row.url, selectors)
        if key not in self.same:
            self.same[key] = self.pool.submit(record.payload, row.url, selectors)
        self.ahead[row.record_id] = self.same[key]

    def remember(self, record, data: dict | None) -> bool:
        """Take one of our ingest metadata records; False for any other record."""
        uri = record.target_uri or ""
        if not uri.startswith(INGEST_URN) or not record.refers_to:
            return False
        if data is not None:
            self.known[from_refers_id(record.refers_to)] = data
        return True

    def extract(self, row, record, selectors: Selectors | None) -> Article:
        from diffing.extract import ExtractionError

        data = self.known.get(row.record_id)
        if data is None:
            data = self._run(row, record, selectors)
        if "article" in data:
            return Article.from_dict(data["article"])
        raise ExtractionError(data.get("error") or "extraction failed")

    def _run(self, row, record, selectors) -> dict:
        from diffing.extract_pool import extract_data

        self.extracted += 1
        place = self.place.get(row.record_id)
        if place is not None:
            self._submit_until(place + 1 + AHEAD * self.pool.size)
        ahead = self.ahead.pop(row.record_id, None)  # kept in `known` from now on
        found = ahead.result() if ahead else extract_data(record.payload, row.url, selectors)
        data = {**found, "extractor": EXTRACTOR}
        self.known[row.record_id] = data
        if self.config is not None:
            self._write(row, data)
        return data

    def _write(self, row, data: dict) -> None:
        if self.writer is None:
            self.writer = _writer(self.config)
        self.writer.write_metadata(
            refers_to=refers_id(row.record_id),
            target_uri=INGEST_URN + row.url,
            date=row.fetched_at,
            payload=json.dumps(data, ensure_ascii=False, sort_keys=True).encode(),
        )

    def close(self) -> list[str]:
        """Stop the workers; the names of the files written."""
        if self.pool is not None:
            self.pool.close()
            self.pool, self.jobs, self.place, self.ahead, self.same = None, [], {}, {}, {}
            self.submitted = 0
        return self.writer.close() if self.writer is not None else []


def _writer(config):
    from archive.warc_writer import WarcWriter

    return WarcWriter(
        config.archive_dir,
        prefix="redline-ingest",
        max_bytes=config.warc_max_bytes,
        warcinfo={
            "description": "Articles redline extracted, at ingest, from captures in other"
            " tools' WARC files (under imported/); each metadata record names its capture"
            " by WARC-Refers-To.",
        },
    )


_current: ContextVar[Extractions | None] = ContextVar("redline_extractions", default=None)


def current() -> Extractions | None:
    return _current.get()


def activate(extractions: Extractions):
    """Make `extractions` the one `extract` uses, until `.reset(token)`."""
    return _current.set(extractions)


def deactivate(token) -> None:
    _current.reset(token)


def extract(row, record, selectors: Selectors | None) -> Article:
    """The capture's article: the stored extraction when there is one, else extracted now."""
    extractions = current()
    if extractions is None:
        from diffing.extract import extract_article

        return extract_article(record.payload, row.url, selectors)
    return extractions.extract(row, record, selectors)
