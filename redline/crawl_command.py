"""`redline crawl`: check the archive can be written, take the lock, run one pass."""

from __future__ import annotations

import os
import sqlite3
import sys

from .config import Config
from .errors import CannotWrite
from .lock import writer_lock


def check_writable(config: Config) -> None:
    """Fail early (exit 73) rather than crawl pages that could not be kept."""
    for directory in (config.archive_dir, config.database.parent):
        try:
            directory.mkdir(parents=True, exist_ok=True)
            probe = directory / f".redline-write-test-{os.getpid()}"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            raise CannotWrite(
                f"cannot write to {directory}: {exc.strerror}. Check the path, its permissions"
                " and free disk space (archive_dir / database in the config)."
            ) from None


def run_crawl(config: Config, *, sites=(), recheck="due", limit=0) -> dict:
    check_writable(config)
    with writer_lock(config.database):
        from archive.index import open_index

        try:
            db = open_index(config.database)
        except sqlite3.Error as exc:
            raise CannotWrite(f"cannot open the index {config.database}: {exc}") from None
        try:
            _recover(db, config)
        finally:
            db.conn.close()
        from crawler.run import run_pass

        summary = run_pass(config, sites=sites, recheck=recheck, limit=limit,
                           progress=sys.stderr.isatty())
    fatal = summary.pop("fatal", None)
    if fatal:
        raise CannotWrite(f"{fatal}. The pass stopped; every record written so far is kept."
                          " Free disk space or fix permissions, then run again.")
    _report_bugs(summary.pop("unexpected_errors", 0), config)
    return summary


def _report_bugs(errors: int, config: Config) -> None:
    """One line for errors no site explains (a redline bug): cron mails get no tracebacks."""
    if not errors:
        return
    where = (f"the details are in {config.log_file}" if config.log_file
             else "set log_file in the config to keep the details")
    print(f"warning: {errors} unexpected error(s) in this pass, probably a bug in redline;"
          f" {where}", file=sys.stderr)


def _recover(db, config: Config) -> None:
    """Heal what a killed earlier run left behind before this pass adds to it."""
    from .recovery import recover

    try:
        done = recover(db, config, only_abandoned=True)
    except OSError as exc:
        raise CannotWrite(f"cannot repair {exc.filename}: {exc.strerror}") from None
    except sqlite3.Error as exc:
        raise CannotWrite(f"cannot index what a killed run left behind: {exc}") from None
    for closed in done.closed:
        print(f"recovered after a crash: {closed}", file=sys.stderr)
    if done.retracked:
        print(f"recovered after a crash: {done.retracked} captures tracked", file=sys.stderr)
