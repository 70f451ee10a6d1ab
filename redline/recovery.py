"""After a crash: close the `.open` files a killed run left, and index what it missed.

`redline verify --repair` runs this on demand; `redline crawl` runs it at the start of
every pass (under the lock), so a crawl killed by cron, OOM or a reboot heals itself:
its complete records are kept, the torn tail is cut (and saved aside), and captures it
archived but never tracked are tracked now.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from archive import index, index_queries
from archive.repair import Closed, close_open_file, open_files
from archive.warc_writer import safe_hostname

from .config import Config
from .ingest import index_files


@dataclass(frozen=True)
class Recovery:
    closed: tuple[Closed, ...]
    retracked: int
    captures_indexed: int
    revisions: int


def abandoned(path: Path) -> bool:
    """An `.open` file whose writer, on this host, is no longer running."""
    stem = path.name.removesuffix(".warc.gz.open")
    rest, _, pid = stem.rpartition("-")
    if not rest.endswith("-" + safe_hostname()):
        return False  # another machine's worker may still be writing it
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return True
    except PermissionError:
        return False
    return False


def recover(db, config: Config, *, only_abandoned: bool) -> Recovery:
    files = [p for p in open_files(config.archive_dir) if not only_abandoned or abandoned(p)]
    closed = tuple(close_open_file(p, config.archive_dir) for p in files)
    orphans = untracked_article_captures(db, config)
    with db.atomic():
        index.delete_captures(db, [o.id for o in orphans])
    names = {c.final_file for c in closed if c.final_file} | {o.warc_file for o in orphans}
    paths = [config.archive_dir / n for n in sorted(names) if (config.archive_dir / n).exists()]
    indexed = index_files(db, config, paths) if paths else {"captures": 0, "revisions": 0}
    retracked = tracked_now(db, [o.record_id for o in orphans])
    return Recovery(closed, retracked, indexed["captures"], indexed["revisions"])


@dataclass(frozen=True)
class Orphan:
    id: int
    record_id: str
    warc_file: str


def untracked_article_captures(db, config: Config) -> list[Orphan]:
    """Article pages archived but never tracked (a kill or a full disk between the two).

    Only a whole page (a 200 response) at an article URL that no article has is one: a
    redirect hop, an error page or a `javascript:` redirect at an article URL is archived
    and rightly never tracked, and indexing its record again would track nothing. Their
    rows are dropped so that indexing their records again tracks them.
    """
    rows = index_queries.untracked_responses(db)
    return [
        Orphan(cid, record_id, name)
        for cid, record_id, url, name in rows
        if any(s.is_article(url) for s in config.sites)
    ]


def tracked_now(db, record_ids: list[str]) -> int:
    """How many of these captures have a verdict now: the ones recovery really tracked."""
    return sum(index.verdict_of_record(db, r) is not None for r in record_ids)
