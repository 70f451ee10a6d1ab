"""Which tracked articles a pass rechecks: due ones, most overdue first, within budget."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from .schedule import iso, utc_now


def due_articles(
    db: sqlite_utils.Database, site: str, recheck: str, *, limit: int,
    now: datetime | None = None,
) -> list[dict]:
    """Articles of `site` to recheck this pass: `due`, `all` or `none`."""
    if recheck == "none" or not db["articles"].exists():
        return []
    where = "site = ?"
    params: list = [site]
    if recheck == "due":
        where += " and next_check is not null and next_check <= ?"
        params.append(iso(now or utc_now()))
    return list(
        db["articles"].rows_where(where, params, order_by="next_check, id", limit=limit)
    )
