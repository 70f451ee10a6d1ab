"""`redline ingest`, `redline reindex`, `redline verify [--repair]` and `redline export
wacz`: what goes into the archive, its integrity, and what comes out.

Light at import: the work happens in redline.ingest, archive.verify, archive.repair and
archive.wacz.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path

import click

from redline.errors import CannotWrite, RedlineError

from .context import load_config
from .options import config_option, json_option
from .output import echo_json

EX_DATAERR = 65  # an input was refused or had faults (sysexits: data format error)


@click.command()
@config_option
@click.argument("warcs", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--follow",
    is_flag=True,
    help="Keep indexing closed WARC files as workers add them to archive_dir.",
)
@click.option("--once", is_flag=True, help="With --follow: one sweep of archive_dir, then exit.")
@click.option(
    "--poll",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="With --follow: seconds between sweeps.",
)
@json_option("the report")
@click.pass_context
def ingest(ctx, warcs, follow, once, poll, as_json) -> None:
    """Index captures from WARC, ARC or WACZ files, ours or any other tool's.

    Every input is untrusted: a file that is no WARC, ARC or WACZ is refused (and not
    copied); a file with faults has its readable records indexed and its faults listed.
    Exit 0 when every input was clean, 65 when any was refused or had faults.

    Example: redline ingest crawl-from-elsewhere.warc.gz; redline ingest --follow
    """
    from redline.ingest import follow_archive
    from redline.notify import after_sweep, before_sweep

    config = load_config(ctx)
    if follow or once:  # workers' files are ours: each sweep notifies, as a crawl pass does
        before = before_sweep(config)
        for report in follow_archive(config, poll=poll, once=once):
            report["notified"] = after_sweep(config, before)
            _print_ingest(report, as_json)
            before = before_sweep(config)
        return
    if not warcs:
        raise click.UsageError("give WARC files to ingest, or --follow")
    report = _ingest(config, [Path(w) for w in warcs])
    _print_ingest(report, as_json)
    if report["refused"] or report["faults"]:
        ctx.exit(EX_DATAERR)


def _ingest(config, paths: list[Path]) -> dict:
    import sqlite3

    from redline.ingest import ingest_files

    try:
        return ingest_files(config, paths)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise CannotWrite(f"cannot write the archive{where}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:
        raise CannotWrite(f"cannot write the index {config.database}: {exc}") from None


def _print_ingest(report: dict, as_json: bool) -> None:
    if as_json:
        echo_json(report)
        return
    click.echo(
        f"{report['records']} records read from {report['files']} files; "
        f"{report['captures']} new captures, {report['revisions']} revisions, "
        f"{report['changes']} changes"
    )
    notified = report.get("notified") or {}  # an ingest --follow sweep's notifications
    if notified.get("sent"):
        click.echo(f"{notified['sent']} notification(s) sent")
    for failed in notified.get("failed_targets", ()):
        click.echo(f"warning: notification target {failed['target']} failed: {failed['reason']}"
                   " (its changes wait for the next sweep)", err=True)  # fmt: skip
    for refused in report.get("refused", ()):
        click.echo(f"refused: {refused}", err=True)
    for fault in report["faults"]:
        click.echo(f"problem: {fault}", err=True)


@click.command()
@config_option
@json_option("the report")
@click.pass_context
def reindex(ctx, as_json) -> None:
    """Rebuild the index from the WARC files in archive_dir.

    Example: redline reindex
    """
    from redline.ingest import reindex_archive

    _print_ingest(reindex_archive(load_config(ctx)), as_json)


@click.command()
@config_option
@click.option(
    "--repair",
    is_flag=True,
    help="Close files a killed crawl left .open (torn tails saved under torn/) and"
    " index what is missing. Takes the writer lock.",
)
@json_option("the report")
@click.pass_context
def verify(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Check every WARC and the index against them; exit 1 when anything is wrong.

    Example: redline verify --repair
    """
    from redline.lock import lock_held

    config = load_config(ctx)
    repaired = _repair(config) if repair else None
    writing = lock_held(config.database)
    try:
        report = _verify(config, writing)
    except RedlineError:
        if writing or not lock_held(config.database):
            raise
        report = None  # a crawl started meanwhile and is creating the index
    if report is None or (not writing and lock_held(config.database)):
        report = _verify(config, True)  # a crawl started meanwhile: read again
    if as_json:
        data = report.to_dict()
        if repaired is not None:
            data["repair"] = repaired
        echo_json(data)
    else:
        _print_report(report, repaired)
    if not report.ok:
        ctx.exit(1)


def _verify(config, writer_active: bool):
    """The report; with a crawl running, what it writes meanwhile is no fault."""
    from archive.verify import IndexUnreadable, verify_archive

    try:
        return verify_archive(config.archive_dir, config.database, writer_active=writer_active)
    except IndexUnreadable as exc:
        raise RedlineError(str(exc)) from None


def _repair(config) -> dict:
    """Close `.open` files and index what the crash left unindexed, under the writer lock."""
    from archive.index import open_index

    from redline.lock import writer_lock
    from redline.recovery import recover

    with writer_lock(config.database):
        db = open_index(config.database)
        try:
            done = recover(db, config, only_abandoned=False)
        except OSError as exc:
            raise CannotWrite(f"cannot repair {exc.filename}: {exc.strerror}") from None
        finally:
            db.conn.close()
    return {
        "closed": [asdict(c) | {"text": str(c)} for c in done.closed],
        "captures_indexed": done.captures_indexed,
        "untracked_retracked": done.retracked,
        "revisions": done.revisions,
    }


def _print_report(report, repaired: dict | None) -> None:
    if repaired is not None:
        for closed in repaired["closed"]:
            click.echo(f"repaired: {closed['text']}")
        click.echo(f"repaired: {repaired['captures_indexed']} captures newly indexed")
    for note in report.notes:
        click.echo(f"note: {note}")
    for problem in report.problems:
        click.echo(f"problem: {problem}")
    click.echo(report.summary())


@click.group()
@config_option
def export() -> None:
    """Write the archive out for other tools.

    Example: redline export wacz newsroom.wacz
    """


@export.command("wacz")
@config_option
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--title", default="redline archive", show_default=True)
@click.pass_context
def export_wacz_command(ctx: click.Context, out: str, title: str) -> None:
    """Every WARC of archive_dir as one WACZ, a page per article revision (pywb,
    ReplayWeb.page).

    Example: redline export wacz newsroom.wacz
    """
    from archive.wacz import WaczError, export_wacz

    from redline.ingest import warc_files

    config = load_config(ctx)
    target = Path(out)
    if not os.access(target.parent.resolve(), os.W_OK):
        raise CannotWrite(f"{target}: cannot write there (no such directory or no permission)")
    warcs = warc_files(config.archive_dir)
    pages = revision_pages(config.database)
    try:
        problems = export_wacz(warcs, pages, target, title=title)
    except WaczError as exc:
        raise RedlineError(str(exc)) from None
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo(f"wrote {target}: {len(warcs)} WARC files, {len(pages)} pages")


def revision_pages(database: Path) -> list:
    """One page per article revision: its URL, capture time and headline."""
    import sqlite3

    from archive import index_queries
    from archive.index_schema import open_index
    from archive.wacz import Page

    if not database.exists():
        return []
    try:
        db = open_index(database, readonly=True)
    except sqlite3.Error as exc:
        raise RedlineError(f"{database}: cannot read revisions: {exc}") from None
    try:
        return [Page(*row) for row in index_queries.revision_pages(db)]
    except sqlite3.Error as exc:
        raise RedlineError(f"{database}: cannot read revisions: {exc}") from None
    finally:
        db.conn.close()


COMMANDS = (ingest, reindex, verify, export)
