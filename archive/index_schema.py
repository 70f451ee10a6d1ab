"""The index's schema and its migrations (opening it: archive/index_open.py)."""

from __future__ import annotations


import sqlite_utils
from sqlite_utils import Migrations

from archive.index_open import (  # noqa: F401 (opening lives there; re-exported)
    MIGRATION_SET,
    IndexOutdated,
    NotAnIndex,
    open_index,
)

migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("sites").create({"name": str}, pk="name")
    db.table("articles").create(
        {
            "id": int,
            "url": str,
            "canonical_url": str,
            "site": str,
            "first_seen": str,
            "last_checked": str,
            "last_changed": str,
            "next_check": str,
            "status": str,
            "etag": str,
            "last_modified": str,
            "moved_from": str,
        },
        pk="id",
    )
    db.table("articles").create_index(["url"], unique=True)
    db.table("articles").create_index(["next_check"])
    db.table("captures").create(
        {
            "id": int,
            "record_id": str,
            "record_type": str,
            "url": str,
            "article_id": int,
            "warc_file": str,
            "warc_offset": int,
            "warc_length": int,
            "http_status": int,
            "payload_digest": str,
            "refers_to": str,
            "fetched_at": str,
            "verdict": str,
            "location": str,
        },
        pk="id",
    )
    db.table("captures").create_index(["record_id"], unique=True)
    db.table("captures").create_index(["url", "fetched_at"])
    db.table("captures").create_index(["article_id"])
    db.table("revisions").create(
        {
            "id": int,
            "article_id": int,
            "number": int,
            "captured_at": str,
            "headline": str,
            "byline": str,
            "body": str,
            "body_sha1": str,
            "fingerprint": str,
            "published": str,
            "updated": str,
            "language": str,
            "capture_id": int,
            "repeats": int,
        },
        pk="id",
    )
    db.table("revisions").create_index(["article_id", "number"], unique=True)
    db.table("revisions").create_index(["article_id", "fingerprint"])
    db.table("changes").create(
        {
            "id": int,
            "article_id": int,
            "from_revision": int,
            "to_revision": int,
            "from_captured_at": str,
            "to_captured_at": str,
            "kinds": str,
            "significance": str,
            "headline_before": str,
            "headline_after": str,
            "diff": str,
            "added_words": int,
            "removed_words": int,
        },
        pk="id",
    )
    db.table("changes").create_index(["to_captured_at"])
    db.table("changes").create_index(["article_id", "to_revision"])
    db.table("revisions").enable_fts(["headline", "byline", "body"], create_triggers=True)


@migrations()
def m002_site_health(db: sqlite_utils.Database) -> None:
    """What each pass found per site and per discovery source (`redline sites`): state the
    crawl keeps, not rebuilt from the WARCs (`reindex` carries it over: index_sites)."""
    db.table("site_passes").create(
        {
            "id": int,
            "site": str,
            "started_at": str,
            "finished_at": str,
            "state": str,
            "reason": str,
            "articles": int,
            "captures": int,
            "extraction_failures": int,
        },
        pk="id",
    )
    db.table("site_passes").create_index(["site", "id"])
    db.table("site_sources").create(
        {"id": int, "pass_id": int, "url": str, "kind": str, "articles": int, "error": str},
        pk="id",
        foreign_keys=[("pass_id", "site_passes", "id")],
    )
    db.table("site_sources").create_index(["pass_id"])


@migrations()
def m003_headline_forms(db: sqlite_utils.Database) -> None:
    """Every headline form of a revision and the extractor version that read it; the forms
    a change touched. Old rows keep nulls: a baseline, never a change (DESIGN's upgrade rule)."""
    revisions = db.table("revisions")
    revisions.add_column("headlines", str)  # JSON {form: text}
    revisions.add_column("extractor", int)
    changes = db.table("changes")
    changes.add_column("headline_forms", str)  # JSON list
    changes.add_column("headlines_before", str)  # JSON {form: text}, forms other than visible
    changes.add_column("headlines_after", str)


@migrations()
def m004_volatile_texts(db: sqlite_utils.Database) -> None:
    """Per-request noise inside articles (DESIGN's noise principle): each shape of text
    seen differing between two fetches made at once, and on how many occasions; learned
    (ignored from then on) at two. Rebuilt by `reindex` from the pairs of fetches."""
    db.table("volatile_texts").create(
        {"id": int, "site": str, "pattern": str, "example": str, "occasions": int,
         "first_seen": str, "last_seen": str},
        pk="id",
    )  # fmt: skip
    db.table("volatile_texts").create_index(["site", "pattern"], unique=True)


@migrations()
def m005_disclosure(db: sqlite_utils.Database) -> None:
    """Was an edit acknowledged? What each page said about itself, and per change the
    verdict. Rows from before keep nulls: `silent` null is "not known", never a guess."""
    articles = db.table("articles")
    articles.add_column("page_modified", str)  # as of the last capture with an article
    articles.add_column("page_updated", str)
    captures = db.table("captures")
    captures.add_column("redated", int)  # 1: the page's date moved with no text change
    revisions = db.table("revisions")
    revisions.add_column("modified", str)  # structured modification date (UTC)
    revisions.add_column("visible_updated", str)  # absolute visible "Updated ..." stamp
    revisions.add_column("notes", str)  # JSON list: correction/update/editor's notes
    changes = db.table("changes")
    changes.add_column("silent", int)  # 1 silent, 0 acknowledged, null: no text kind
    changes.add_column("disclosure", str)  # JSON list: note, modified_date, visible_date
    changes.add_column("notes", str)  # JSON list: notes that appeared or changed


@migrations()
def m006_notifications(db: sqlite_utils.Database) -> None:
    """Where changes were sent ([[notify]]): state the crawl keeps, not rebuilt from the
    WARCs (`reindex` carries it over: index_sites.KEPT_TABLES). A change is named by its
    two capture times, which a rebuild keeps even where a late capture renumbers."""
    db.table("notify_targets").create(
        {"id": int, "target": str, "label": str, "added_at": str}, pk="id"
    )  # target: SHA-256 of the URL (which may hold a secret); label: Apprise's private form
    db.table("notify_targets").create_index(["target"], unique=True)
    db.table("notifications").create(
        {"id": int, "target_id": int, "from_captured_at": str, "to_captured_at": str,
         "queued_at": str, "sent_at": str},
        pk="id",
    )  # fmt: skip
    db.table("notifications").create_index(
        ["target_id", "from_captured_at", "to_captured_at"], unique=True
    )
    db.table("notifications").create_index(["target_id", "sent_at"])
    # The last change id before an unfinished notifying pass (one row, while it runs).
    db.table("notify_state").create({"name": str, "value": int}, pk="name")
