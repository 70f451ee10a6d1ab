"""Data export: every change as NDJSON, and a datasette metadata file for the index."""

from __future__ import annotations

import json
from pathlib import Path

from archive import index_queries

from . import load_changes, public_change

TABLES = {
    "sites": ("Sites named in redline.toml.", {"name": "The site's name in redline.toml"}),
    "articles": (
        "Every tracked article, one row per article however often it moved.",
        {
            "id": "Article id (used in published page names)",
            "url": "The article's current URL",
            "canonical_url": "The canonical URL the page declares",
            "site": "Site name (sites.name)",
            "first_seen": "When the article was first captured (UTC ISO 8601)",
            "last_checked": "Last fetch of the article (UTC)",
            "last_changed": "Last time a change was detected (UTC)",
            "next_check": "When the article is due for a recheck (UTC)",
            "status": "live, removed or moved",
            "etag": "ETag of the last response, for conditional requests",
            "last_modified": "Last-Modified of the last response, for conditional requests",
            "moved_from": "The URL the article had before it moved",
            "page_modified": "The page's structured modification date in its last capture",
            "page_updated": "The page's visible 'Updated ...' date in its last capture",
        },
    ),
    "captures": (
        "One row per fetch, pointing at its WARC record.",
        {
            "id": "Capture id",
            "record_id": "WARC-Record-ID of the response or revisit record",
            "record_type": "response or revisit",
            "url": "The URL fetched",
            "article_id": "The article this capture belongs to (articles.id)",
            "warc_file": "WARC file, relative to archive_dir",
            "warc_offset": "Byte offset of the record in the WARC file",
            "warc_length": "Length of the record in bytes",
            "http_status": "HTTP status code",
            "payload_digest": "WARC-Payload-Digest of the response body",
            "refers_to": "For a revisit: the WARC-Record-ID of the original response",
            "fetched_at": "When it was fetched (UTC ISO 8601)",
            "verdict": "new, changed, unchanged or error",
            "location": "Location header of a redirect",
            "redated": "1 when the page's date moved while its text stayed the same",
        },
    ),
    "revisions": (
        "Each distinct version of an article, as extracted.",
        {
            "id": "Revision row id",
            "article_id": "The article (articles.id)",
            "number": "Revision number within the article, from 1",
            "captured_at": "When this version was captured (UTC)",
            "headline": "Headline",
            "byline": "Byline",
            "body": "Body text, paragraphs separated by blank lines",
            "body_sha1": "SHA-1 (hex) of the normalised body text",
            "fingerprint": "Fingerprint of the normalised article used to spot changes",
            "published": "Publication date the page declares",
            "updated": "Update date the page declares",
            "language": "Language of the article",
            "capture_id": "The capture it was extracted from (captures.id)",
            "repeats": "The earlier revision number this version repeats, if any",
            "headlines": "JSON {form: text}: the headline as visible (h1), title, social"
            " (og:title / twitter:title) and structured (JSON-LD); null before forms were kept",
            "extractor": "Version of the extractor that read it (null: version 1)",
            "modified": "The page's structured modification date (UTC), if it gives one",
            "visible_updated": "An absolute 'Updated ...' date shown on the page (UTC)",
            "notes": "JSON list: correction, clarification, update and editor's notes",
        },
    ),
    "changes": (
        "Detected edits: one row per change between two revisions.",
        {
            "id": "Change row id",
            "article_id": "The article (articles.id)",
            "from_revision": "Older revision number",
            "to_revision": "Newer revision number (null when the article was removed)",
            "from_captured_at": "Capture time of the older revision (UTC)",
            "to_captured_at": "When the change was seen (UTC)",
            "kinds": "JSON list: headline, byline, body, removed, restored, moved",
            "significance": "minor or substantive",
            "headline_before": "Headline before",
            "headline_after": "Headline after",
            "diff": "The stored diff (JSON, version 1), computed when the revision was recorded",
            "added_words": "Words added",
            "removed_words": "Words removed",
            "headline_forms": "JSON list of the headline forms that changed (visible, title,"
            " social, structured)",
            "headlines_before": "JSON {form: text}: changed forms other than visible, before",
            "headlines_after": "JSON {form: text}: changed forms other than visible, after",
            "silent": "1: nothing on the page acknowledged the edit; 0: something did;"
            " null: no text kind, or recorded before redline read acknowledgements",
            "disclosure": "JSON list of what acknowledged it: note, modified_date, visible_date",
            "notes": "JSON list: the notes that appeared or changed with this edit",
        },
    ),
    "volatile_texts": (
        "Per-request noise inside articles: text shapes seen differing between two fetches"
        " made at once; ignored for good from their second occasion.",
        {
            "id": "Row id",
            "site": "Site name",
            "pattern": "The shape, as a regular expression matched against a whole paragraph",
            "example": "One paragraph of that shape",
            "occasions": "On how many pairs of fetches it differed (learned at 2)",
            "first_seen": "When it first differed (UTC)",
            "last_seen": "When it last differed (UTC)",
        },
    ),
}


def ndjson_line(change: dict) -> str:
    """One change (from load_changes) as its NDJSON line, newline included."""
    return json.dumps(public_change(change), ensure_ascii=False, sort_keys=True) + "\n"


def write_ndjson(db, out: Path) -> int:
    """Write every change (oldest first) as one JSON object a line; the number written."""
    changes = load_changes(db)
    with out.open("w", encoding="utf-8") as f:
        for change in reversed(changes):
            f.write(ndjson_line(change))
    return len(changes)


def datasette_metadata(db, database_name: str) -> dict:
    """Metadata for `datasette redline.db -m metadata.json`: descriptions of every column.

    Columns present in the database but not described here (a later migration) still
    get an entry, so the file always matches the schema it was written from.
    """
    tables = {}
    for name, (description, columns) in TABLES.items():
        actual = index_queries.table_columns(db, name)
        if not actual:
            continue
        tables[name] = {
            "description": description,
            "columns": {c: columns.get(c, "(not described)") for c in actual},
        }
    return {
        "title": "redline: news article revisions",
        "description": "Captures, revisions and detected edits of tracked news articles.",
        "databases": {database_name: {"tables": tables}},
    }
