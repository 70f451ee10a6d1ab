"""A revision read again, from its archived response, by today's extractor.

The contract's upgrade rule: when redline's extractor changes, the next recapture of an
article is compared with its previous revision extracted again by the current
extractor, so that what the new extractor reads differently (a sentence the old one
dropped, a headline form it never looked at) never shows up as an edit.
"""

from __future__ import annotations

from archive import index
from archive.warc_records import ArchiveError
from archive.index_rows import RevisionRow
from archive.warc_reader import read_record
from diffing.article import Article

from .config import Config, Site
from .extractions import selectors_for


class Rereader:
    """`Rereader(db, config)(revision)`: the revision's article as extracted today, or
    None when its record cannot be read (moved away, damaged) or holds no article."""

    def __init__(self, db, config: Config):
        self.db = db
        self.config = config

    def __call__(self, revision: RevisionRow, site: str | None) -> Article | None:
        capture = index.capture_by_id(self.db, revision.capture_id) if revision.capture_id else None
        if capture is not None and capture.record_type == "revisit" and capture.refers_to:
            capture = index.capture_by_record(self.db, capture.refers_to)
        if capture is None or capture.record_type != "response":
            return None
        from diffing.extract import ExtractionError, extract_article  # only after an upgrade

        try:
            record = read_record(self.config.archive_dir / capture.warc_file, capture.warc_offset)
            return extract_article(record.payload, capture.url, selectors_for(self._site(site)))
        except (ArchiveError, ExtractionError):
            return None

    def _site(self, name: str | None) -> Site | None:
        return next((s for s in self.config.sites if s.name == name), None)
