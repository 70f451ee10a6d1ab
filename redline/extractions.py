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

import json
from contextvars import ContextVar
from typing import TYPE_CHECKING

from archive.capture_rules import from_refers_id, refers_id
from diffing.article import Article

if TYPE_CHECKING:
    from diffing.extract import Selectors

# The extractor (diffing.extract: trafilatura, lxml) is imported only when a page is to be
# extracted: a reindex reads stored extractions and never pays for importing it.
INGEST_URN = "urn:redline:ingest:article:"


def __getattr__(name: str) -> str:
    if name == "EXTRACTOR":  # as crawler.pipeline.EXTRACTOR (tested)
        from diffing.extract import EXTRACTOR_VERSION

        return f"redline-extract/{EXTRACTOR_VERSION}"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def selectors_for(site) -> Selectors | None:
    """The site's configured selectors (None without a site)."""
    from diffing.extract import Selectors

    return Selectors(site.headline, site.byline, site.body) if site else None


class Extractions:
    """Stored extractions by record id; with a config, new ones are written to the archive."""

    def __init__(self, config=None) -> None:
        self.config = config
        self.known: dict[str, dict] = {}
        self.extracted = 0  # extractor runs: 0 on a reindex of an archive ingested before
        self.writer = None

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
        from diffing.extract import EXTRACTOR_VERSION, ExtractionError, extract_article

        self.extracted += 1
        extractor = f"redline-extract/{EXTRACTOR_VERSION}"
        try:
            article = extract_article(record.payload, row.url, selectors)
            data = {"article": article.to_dict(), "extractor": extractor}
        except ExtractionError as exc:
            data = {"error": str(exc), "extractor": extractor}
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
