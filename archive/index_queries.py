"""The questions reading commands, the planner and recovery ask the index, as named
functions returning frozen rows (archive/index_rows.py). Nothing here writes."""

from __future__ import annotations

from . import index_reading
from .index_reading import CHANGE_SELECT as _CHANGE
from .index_rows import (
    ArticleRow,
    ArticleSummary,
    ChangeRow,
    RevisionAt,
    RevisionRow,
    SearchHit,
    columns,
)


def fetch_one(db, row_type, sql: str, params=()):
    """The first row of `sql` as `row_type` (its select list in the type's field order)."""
    found = db.execute(sql, list(params)).fetchone()
    return row_type(*found) if found else None


def fetch_all(db, row_type, sql: str, params=()) -> list:
    return [row_type(*found) for found in db.execute(sql, list(params)).fetchall()]


def has_table(db, name: str) -> bool:
    sql = "select 1 from sqlite_master where type = 'table' and name = ?"
    return db.execute(sql, [name]).fetchone() is not None


def table_columns(db, name: str) -> list[str]:
    """A table's column names, in schema order; [] when it does not exist."""
    return [row[1] for row in db.execute(f"pragma table_info([{name}])").fetchall()]


def article_where(db, column: str, value: str) -> ArticleRow | None:
    """The first article whose `column` (url, moved_from or canonical_url) is `value`."""
    found = index_reading.article_where(db, column, value)
    return ArticleRow(**found) if found else None


def due_articles_of(db, site: str, due_by: str | None, limit: int) -> list[ArticleRow]:
    """Articles of `site`, most overdue first; only those due by `due_by` unless it is None."""
    where, params = "site = ?", [site]
    if due_by is not None:
        where += " and next_check is not null and next_check <= ?"
        params.append(due_by)
    sql = f"select {columns(ArticleRow)} from articles where {where} order by next_check, id"
    return fetch_all(db, ArticleRow, sql + " limit ?", [*params, limit])


def tracked_urls(db) -> set[str]:
    """Every URL an article has or had (a moved article's old one too)."""
    if not has_table(db, "articles"):
        return set()
    rows = db.execute("select url, moved_from from articles").fetchall()
    return {u for pair in rows for u in pair if u}


def indexed_warc_files(db) -> set[str]:
    if not has_table(db, "captures"):
        return set()
    return {r[0] for r in db.execute("select distinct warc_file from captures")}


def capture_locations(db) -> list[tuple[str, str, int]]:
    """(record_id, warc_file, warc_offset) of every capture: what verify checks."""
    return db.execute("select record_id, warc_file, warc_offset from captures").fetchall()


def untracked_responses(db) -> list[tuple[int, str, str, str]]:
    """(id, record_id, url, warc_file) of whole pages (200 responses) with no verdict whose
    URL no article has: what a kill between archiving and tracking leaves."""
    return db.execute(
        "select c.id, c.record_id, c.url, c.warc_file from captures c"
        " left join articles a on a.url = c.url"
        " where c.verdict is null and c.record_type = 'response' and c.http_status = 200"
        " and a.id is null"
    ).fetchall()


def changes(db, **filters) -> list[ChangeRow]:
    """Detected edits, newest first, with their article's URL and site (the filters of
    index_reading.change_records)."""
    return [ChangeRow(*found) for found in index_reading.change_records(db, **filters)]


def change_between(db, article_id: int, from_n: int, to_n: int) -> ChangeRow | None:
    sql = (
        f"{_CHANGE} from changes c join articles a on a.id = c.article_id"
        " where c.article_id = ? and c.from_revision = ? and c.to_revision = ? limit 1"
    )
    return fetch_one(db, ChangeRow, sql, [article_id, from_n, to_n])


def timeline(db, article_id: int) -> list[RevisionAt]:
    """Every revision of one article, oldest first, with where its capture is archived."""
    return [RevisionAt(*found) for found in index_reading.timeline(db, article_id)]


def revisions_of(db, article_id: int) -> list[RevisionRow]:
    sql = f"select {columns(RevisionRow)} from revisions where article_id = ? order by number"
    return fetch_all(db, RevisionRow, sql, [article_id])


def search_revisions(db, terms: str, limit: int) -> list[SearchHit]:
    """Full-text search over every revision (FTS5 `terms`), best first."""
    sql = (
        "select a.url, a.site, r.number, r.captured_at, r.headline,"
        " snippet(revisions_fts, -1, '[', ']', '…', 12) as snippet"
        " from revisions_fts join revisions r on r.rowid = revisions_fts.rowid"
        " join articles a on a.id = r.article_id where revisions_fts match ?"
        " order by rank limit ?"
    )
    return fetch_all(db, SearchHit, sql, [terms, limit])


def article_summaries(db) -> list[ArticleSummary]:
    """Every article with its revision count and latest headline, by id."""
    sql = (
        f"select {', '.join('a.' + n for n in columns(ArticleRow).split(', '))},"
        " (select count(*) from revisions r where r.article_id = a.id),"
        " (select headline from revisions r where r.article_id = a.id"
        "  order by number desc limit 1) from articles a order by a.id"
    )
    return fetch_all(db, ArticleSummary, sql)


def site_names(db) -> list[str]:
    return [name for (name,) in db.execute("select name from sites order by name")]


def revision_pages(db) -> list[tuple[str, str, str]]:
    """(url, captured_at, headline) of every revision, oldest first: a WACZ's page list."""
    return db.execute(
        "select a.url, r.captured_at, r.headline from revisions r"
        " join articles a on a.id = r.article_id order by r.captured_at, a.url"
    ).fetchall()
