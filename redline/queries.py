"""Read-only questions to the index: changes, history, search, diff. No Scrapy here."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from archive.urls import canonical_article_url
from diffing.article import Article

from .config import parse_duration
from .errors import RedlineError
from .schedule import iso, utc_now


class QueryError(RedlineError, ValueError):
    """A question the index cannot answer as asked (exit 1, with what to ask instead)."""


def parse_since(text: str, now: datetime | None = None) -> str:
    """'24h', '7d' or an ISO date/time -> an ISO UTC bound."""
    try:
        return iso((now or utc_now()) - parse_duration(text))
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(f"--since {text!r}: give a duration like 24h or 7d, or an ISO date") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return iso(when)


def rows(db, sql: str, params=()) -> list[dict]:
    """Rows as dicts, from a sqlite3 connection or a sqlite-utils Database alike."""
    cursor = db.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def find_article(db, url: str) -> dict:
    clean = canonical_article_url(url)
    for column in ("url", "moved_from", "canonical_url"):
        for candidate in dict.fromkeys((url, clean)):
            found = rows(db, f"select * from articles where {column} = ? limit 1", [candidate])
            if found:
                return found[0]
    raise QueryError(f"no tracked article at {url}")


def change_json(row: dict) -> dict:
    return {
        "url": row["url"], "site": row["site"], "article_id": row["article_id"],
        "from_revision": row["from_revision"], "to_revision": row["to_revision"],
        "from_captured_at": row["from_captured_at"], "to_captured_at": row["to_captured_at"],
        "kinds": json.loads(row["kinds"]), "significance": row["significance"],
        "headline_before": row["headline_before"], "headline_after": row["headline_after"],
        "added_words": row["added_words"], "removed_words": row["removed_words"],
    }


def list_changes(db, *, since=None, site=None, url=None, kind=None, limit=None) -> list[dict]:
    """Detected edits, newest first."""
    where, params = ["1 = 1"], []
    if since:
        where.append("c.to_captured_at >= ?")
        params.append(parse_since(since))
    if site:
        where.append("a.site = ?")
        params.append(site)
    if url:
        where.append("c.article_id = ?")
        params.append(find_article(db, url)["id"])
    if kind:
        where.append("exists (select 1 from json_each(c.kinds) where value = ?)")
        params.append(kind)
    sql = (
        "select c.*, a.url, a.site from changes c join articles a on a.id = c.article_id"
        f" where {' and '.join(where)} order by c.to_captured_at desc, c.id desc"
    )
    if limit:
        sql += f" limit {int(limit)}"
    return [change_json(r) | {"id": r["id"]} for r in rows(db, sql, params)]


def history(db, url: str) -> list[dict]:
    """Every revision of one article, oldest first."""
    article = find_article(db, url)
    sql = (
        "select r.number, r.captured_at, r.headline, r.byline, r.body_sha1, r.repeats,"
        " c.warc_file, c.warc_offset, c.warc_length, c.record_id from revisions r"
        " left join captures c on c.id = r.capture_id where r.article_id = ? order by r.number"
    )
    return [
        {
            "revision": r["number"], "captured_at": r["captured_at"], "headline": r["headline"],
            "byline": r["byline"], "body_sha1": r["body_sha1"],
            "warc": {"file": r["warc_file"], "offset": r["warc_offset"],
                     "length": r["warc_length"]},
            "record_id": r["record_id"], "repeats": r["repeats"],
        }
        for r in rows(db, sql, [article["id"]])
    ]


def search(db, query: str, *, limit: int = 50) -> list[dict]:
    """Full-text search over every revision, text later removed included."""
    terms = " ".join(f'"{t}"' for t in re.findall(r"\w+", query))
    if not terms:
        raise QueryError("give some words to search for")
    sql = (
        "select a.url, a.site, r.number, r.captured_at, r.headline,"
        " snippet(revisions_fts, -1, '[', ']', '…', 12) as snippet"
        " from revisions_fts join revisions r on r.rowid = revisions_fts.rowid"
        " join articles a on a.id = r.article_id where revisions_fts match ?"
        " order by rank limit ?"
    )
    return [
        {"url": r["url"], "site": r["site"], "revision": r["number"],
         "captured_at": r["captured_at"], "headline": r["headline"], "snippet": r["snippet"]}
        for r in rows(db, sql, [terms, limit])
    ]


def revision_pair(db, url: str, from_n: int | None, to_n: int | None) -> tuple[dict, dict, dict]:
    """(article, old revision, new revision); default: the last two."""
    article = find_article(db, url)
    found = {r["number"]: r for r in rows(
        db, "select * from revisions where article_id = ?", [article["id"]])}
    if len(found) < 2 and (from_n is None or to_n is None):
        raise QueryError(f"{url} has only {len(found)} revision(s): nothing to compare")
    to_n = to_n or max(found)
    from_n = from_n or max((n for n in found if n < to_n), default=None)
    for n in (from_n, to_n):
        if n not in found:
            raise QueryError(f"{url} has no revision {n} (it has 1 to {max(found)})")
    return article, found[from_n], found[to_n]


def stored_change(db, article_id: int, from_n: int, to_n: int) -> dict | None:
    """The change recorded between two revisions: its kinds, significance and stored diff."""
    found = rows(db, "select kinds, significance, diff from changes where article_id = ?"
                 " and from_revision = ? and to_revision = ? limit 1", [article_id, from_n, to_n])
    if not found:
        return None
    row = found[0]
    return {"kinds": json.loads(row["kinds"]), "significance": row["significance"],
            "diff": json.loads(row["diff"]) if row["diff"] else None}


def article_of_revision(revision: dict) -> Article:
    """A revision row as the Article it recorded (what diffs are computed between)."""
    body = revision["body"] or ""
    return Article(
        url="", headline=revision["headline"] or "", byline=revision["byline"] or "",
        paragraphs=tuple(p for p in body.split("\n\n") if p),
    )
