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
    with db.conn:
        db.conn.executemany("delete from captures where id = ?", [(cid,) for cid, _ in orphans])
    names = {c.final_file for c in closed if c.final_file} | {name for _, name in orphans}
    paths = [config.archive_dir / n for n in sorted(names) if (config.archive_dir / n).exists()]
    indexed = index_files(db, config, paths) if paths else {"captures": 0, "revisions": 0}
    return Recovery(closed, len(orphans), indexed["captures"], indexed["revisions"])


def untracked_article_captures(db, config: Config) -> list[tuple[int, str]]:
    """Article captures archived but never tracked (a kill between the two steps).

    Their rows are dropped so that indexing their records again tracks them.
    """
    rows = db.execute(
        "select c.id, c.url, c.warc_file from captures c left join articles a on a.url = c.url"
        " where c.verdict is null and c.record_type = 'response' and a.id is null"
    ).fetchall()
    return [(cid, name) for cid, url, name in rows if any(s.is_article(url) for s in config.sites)]
