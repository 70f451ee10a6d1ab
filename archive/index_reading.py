"""What `redline history` and `redline changes` ask the index, answered as plain dicts and
tuples. Nothing here writes.

Those commands print JSON and need no frozen rows; building the rows' dataclasses
(archive/index_rows.py) cost them more start-up than their queries. So this module
imports none of them: its field lists are the rows' fields, in order (tests check they
agree), and index_queries builds its rows from the same SQL.
"""

from __future__ import annotations

ARTICLE_FIELDS = (
    "id", "url", "canonical_url", "site", "first_seen", "last_checked", "last_changed",
    "next_check", "status", "etag", "last_modified", "moved_from", "page_modified",
    "page_updated",
)  # fmt: skip
REVISION_AT_FIELDS = (
    "number", "captured_at", "headline", "byline", "body_sha1", "repeats", "warc_file",
    "warc_offset", "warc_length", "record_id", "headlines", "modified", "notes",
)  # fmt: skip
CHANGE_FIELDS = (
    "id", "article_id", "from_revision", "to_revision", "from_captured_at", "to_captured_at",
    "kinds", "significance", "headline_before", "headline_after", "diff", "added_words",
    "removed_words", "headline_forms", "headlines_before", "headlines_after", "silent",
    "disclosure", "notes", "url", "site",
)  # fmt: skip
# A change with its article's URL and site (the last two fields, joined from articles).
CHANGE_SELECT = f"select {', '.join('c.' + n for n in CHANGE_FIELDS[:-2])}, a.url, a.site"
TIMELINE_SQL = (
    "select r.number, r.captured_at, r.headline, r.byline, r.body_sha1, r.repeats,"
    " c.warc_file, c.warc_offset, c.warc_length, c.record_id, r.headlines, r.modified,"
    " r.notes from revisions r"
    " left join captures c on c.id = r.capture_id where r.article_id = ? order by r.number"
)


def article_where(db, column: str, value: str) -> dict | None:
    """The first article whose `column` (url, moved_from or canonical_url) is `value`, as a
    dict of ARTICLE_FIELDS."""
    if column not in ("url", "moved_from", "canonical_url"):
        raise ValueError(f"articles are not looked up by {column}")
    sql = f"select {', '.join(ARTICLE_FIELDS)} from articles where {column} = ? limit 1"
    found = db.execute(sql, [value]).fetchone()
    return dict(zip(ARTICLE_FIELDS, found)) if found else None


def timeline(db, article_id: int) -> list[tuple]:
    """Every revision of one article, oldest first, with where its capture is archived
    (tuples of REVISION_AT_FIELDS)."""
    return db.execute(TIMELINE_SQL, [article_id]).fetchall()


def change_records(
    db, *, since=None, site=None, article_id=None, kind=None, silent=None, limit=None,
    with_diff=True,
) -> list[tuple]:  # fmt: skip
    """Detected edits, newest first, as tuples of CHANGE_FIELDS; `silent` 1 or 0;
    `with_diff` False: `diff` is None, not read (a listing of thousands needs no stored
    diff, by far the largest column)."""
    where, params = ["1 = 1"], []
    for clause, value in (
        ("c.to_captured_at >= ?", since),
        ("a.site = ?", site),
        ("c.article_id = ?", article_id),
        ("exists (select 1 from json_each(c.kinds) where value = ?)", kind),
        ("c.silent = ?", silent),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    select = CHANGE_SELECT if with_diff else CHANGE_SELECT.replace("c.diff,", "null,", 1)
    sql = (
        f"{select} from changes c join articles a on a.id = c.article_id"
        f" where {' and '.join(where)} order by c.to_captured_at desc, c.id desc"
    )
    if limit:
        sql += f" limit {int(limit)}"
    return db.execute(sql, params).fetchall()
