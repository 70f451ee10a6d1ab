"""`redline enqueue` and `redline worker`: the crawl spread over machines through Redis.

Imports stay lazy (Scrapy and redis load only when these commands run).
"""

from __future__ import annotations

import click

from redline.errors import ConfigProblem, Locked, RedlineError, Unavailable

from .context import load_config
from .crawl import check_writable
from .options import (
    config_option,
    json_option,
    limit_option,
    recheck_option,
    redis_option,
    sites_option,
)
from .output import echo_json


def _cluster_config(ctx: click.Context, redis_url: str | None):
    """The config, with a site, [cluster] (or --redis) and Redis answering: a malformed
    URL is a configuration error (2), a server that does not answer is exit 69."""
    from dataclasses import replace

    from redline.config import ClusterConfig, redis_url_problem

    config = load_config(ctx, crawling=True)
    if redis_url:
        problem = redis_url_problem(redis_url)
        if problem:
            raise ConfigProblem(f"--redis: {problem}")
        config = replace(config, cluster=replace(config.cluster or ClusterConfig(),
                                                 redis_url=redis_url))  # fmt: skip
    if config.cluster is None:
        raise ConfigProblem(f"{config.path}: cluster: no [cluster] table (or --redis URL):"
                            " add one with redis_url to crawl with workers")  # fmt: skip
    _check_redis(config)
    return config


def _check_redis(config) -> None:
    from crawler.cluster import Frontier, FrontierUnreachable

    try:
        Frontier(config.cluster).check()
    except ValueError as exc:  # what redis-py refuses that our own check let through
        raise ConfigProblem(f"{config.path}: cluster.redis_url: {exc}") from None
    except FrontierUnreachable as exc:
        raise Unavailable(str(exc)) from None


@click.command()
@config_option
@redis_option
@sites_option
@recheck_option
@limit_option
@json_option("the summary")
@click.pass_context
def enqueue(ctx, redis_url, sites, recheck, limit, as_json) -> None:
    """Start a pass: push what is due, and the sites' feeds, sitemaps and front pages.

    Reads the index (run `redline ingest` on the workers' files first). While a pass is
    still queued or in flight, pushes nothing (and requeues what dead workers held).

    Example: redline enqueue --recheck due
    """
    from crawler.cluster_enqueue import EnqueueBusy, enqueue_pass

    config = _cluster_config(ctx, redis_url)
    for name in sites:
        config.site(name)  # a ConfigError (exit 2) naming the file when there is none
    try:
        done = enqueue_pass(config, sites=sites, recheck=recheck, limit=limit)
    except EnqueueBusy as exc:
        raise Locked(str(exc)) from None
    if as_json:
        echo_json(done.to_dict())
    elif done.pending:
        click.echo(f"pass {done.pass_id} still has {done.pending} requests queued or in flight;"
                   f" nothing pushed ({done.reaped} requeued from stopped workers)")  # fmt: skip
    else:
        click.echo(f"pass {done.pass_id}: {done.rechecks} rechecks and {done.discovery}"
                   " discovery requests queued")  # fmt: skip


@click.command()
@config_option
@redis_option
@click.option("--exit-when-idle", is_flag=True,
              help="Stop once the queue is empty and nothing is in flight anywhere.")  # fmt: skip
@json_option("the summary on exit")
@click.pass_context
def worker(ctx, redis_url, exit_when_idle, as_json) -> None:
    """Fetch from the shared frontier into this worker's own WARC files, until SIGTERM.

    Closes its WARC file at the end of each pass (or after [cluster] close_after) so
    `redline ingest` can index it; SIGTERM finishes the current records, then exits.

    Example: redline worker
    """
    config = _cluster_config(ctx, redis_url)
    check_writable(config)
    from crawler.cluster_worker import run_worker

    summary = run_worker(config, exit_when_idle=exit_when_idle)
    fatal = summary.pop("fatal", None)
    if fatal:
        raise RedlineError(f"{fatal}; this worker stopped, every record written is kept")
    if as_json:
        echo_json(summary)
    else:
        click.echo(f"{summary['worker']}: {summary['fetched']} fetches,"
                   f" {len(summary['warc_files'])} WARC files closed")  # fmt: skip


COMMANDS = (enqueue, worker)
