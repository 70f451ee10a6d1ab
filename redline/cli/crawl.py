"""`redline crawl`: check the archive can be written, take the lock, run one pass.

Light at import: Scrapy loads only once the pass starts.
"""

from __future__ import annotations

import os
import sqlite3
import sys

import click

from redline.errors import CannotWrite

from .context import load_config
from .options import config_option, json_option, limit_option, recheck_option, sites_option
from .output import echo_json


@click.command()
@config_option
@sites_option
@recheck_option
@limit_option
@json_option("the summary")
@click.pass_context
def crawl(ctx, sites, recheck, limit, as_json) -> None:
    """One pass: discover, recapture what is due, archive, extract, diff, index.

    Example: redline crawl --site example --limit 100
    """
    config = load_config(ctx, crawling=True)
    for name in sites:
        config.site(name)  # a ConfigError (exit 2) naming the file when there is none
    summary = run_crawl(config, sites=sites, recheck=recheck, limit=limit)
    if as_json:
        echo_json(summary)
    else:
        click.echo(describe_summary(summary))


def check_writable(config) -> None:
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


def run_crawl(config, *, sites=(), recheck="due", limit=0) -> dict:
    from redline.lock import writer_lock

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

        summary = run_pass(
            config, sites=sites, recheck=recheck, limit=limit, progress=sys.stderr.isatty()
        )
    fatal = summary.pop("fatal", None)
    if fatal:
        raise CannotWrite(
            f"{fatal}. The pass stopped; every record written so far is kept."
            " Free disk space or fix permissions, then run again."
        )
    _report_bugs(summary.pop("unexpected_errors", 0), config)
    return summary


def _report_bugs(errors: int, config) -> None:
    """One line for errors no site explains (a redline bug): cron mails get no tracebacks."""
    if not errors:
        return
    where = (
        f"the details are in {config.log_file}"
        if config.log_file
        else "set log_file in the config to keep the details"
    )
    click.echo(
        f"warning: {errors} unexpected error(s) in this pass, probably a bug in redline; {where}",
        err=True,
    )


def _recover(db, config) -> None:
    """Heal what a killed earlier run left behind before this pass adds to it."""
    from redline.recovery import recover

    try:
        done = recover(db, config, only_abandoned=True)
    except OSError as exc:
        raise CannotWrite(f"cannot repair {exc.filename}: {exc.strerror}") from None
    except sqlite3.Error as exc:
        raise CannotWrite(f"cannot index what a killed run left behind: {exc}") from None
    for closed in done.closed:
        click.echo(f"recovered after a crash: {closed}", err=True)
    if done.retracked:
        click.echo(f"recovered after a crash: {done.retracked} captures tracked", err=True)


def describe_summary(s: dict) -> str:
    """The crawl summary as a person reads it."""
    line = (
        f"fetched {s['fetched']} pages in {s['seconds']:.1f}s: {s['new_articles']} new articles,"
        f" {s['rechecked']} rechecked ({s['changed']} changed, {s['unchanged']} unchanged,"
        f" {s['removed']} removed), {s['failed']} failed, {s['extraction_failed']} extraction"
        f" failures, {len(s['warc_files'])} WARC file(s) closed"
    )
    notified = s.get("notified") or {}
    if notified.get("sent"):
        line += f", {notified['sent']} notification(s) sent"
    for failing in s["sites_failing"]:  # one line each, naming the site and the reason
        line += f"\nwarning: site {failing['site']} is failing: {failing['reason']}"
    for failed in notified.get("failed_targets", ()):
        line += (f"\nwarning: notification target {failed['target']} failed: {failed['reason']}"
                 " (its changes wait for the next pass)")  # fmt: skip
    return line


COMMANDS = (crawl,)
