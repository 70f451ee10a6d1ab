"""Which tracked articles a pass rechecks: due ones, most overdue first, within budget."""

from __future__ import annotations

from datetime import datetime

from archive import index_queries
from archive.index_rows import ArticleRow

from .schedule import iso, utc_now


def due_articles(
    db,
    site: str,
    recheck: str,
    *,
    limit: int,
    now: datetime | None = None,
) -> list[ArticleRow]:
    """Articles of `site` to recheck this pass: `due`, `all` or `none`."""
    if recheck == "none" or not index_queries.has_table(db, "articles"):
        return []
    due_by = iso(now or utc_now()) if recheck == "due" else None
    return index_queries.due_articles_of(db, site, due_by, limit)
