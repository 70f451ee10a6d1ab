"""Distributed crawl throughput: 1, 2 and 4 `redline worker`s against `redline crawl`.

A local newsroom of N byte-identical articles (noise off) and a private redis-server on
a free port. In one run: the single-process `redline crawl` (the baseline), then for each
worker count a fresh archive and key prefix: `redline enqueue`, N workers started at
once with --exit-when-idle, wall-clock until the last exits, then `redline ingest`
(timed apart). Prints pages per second, the ratio to the single process, and the cores.

    .venv/bin/python bench/cluster.py [--articles 2000] [--workers 1 2 4]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawl import CONFIG  # noqa: E402  (the same bulk site as bench/crawl.py)
from redline.newsroom import Newsroom  # noqa: E402

CLUSTER = '\n[cluster]\nredis_url = "{url}"\nkey_prefix = "{prefix}"\nworker_timeout = "10s"\n'
ENV = dict(os.environ, PYTHONWARNINGS="ignore")


def redline(config: Path, *args: str) -> str:
    command = [sys.executable, "-m", "redline", "-c", str(config), *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=ENV)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{result.stderr[-3000:]}")
    return result.stdout


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    server = shutil.which("redis-server") or sys.exit("redis-server is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    args = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(args, cwd=workdir, stdout=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    sys.exit("redis-server did not start")


def config_in(directory: Path, base: str, extra: str = "") -> Path:
    directory.mkdir(parents=True)
    config = directory / "redline.toml"
    config.write_text(CONFIG.format(base=base, pattern=base.replace(".", "\\\\.")) + extra)
    return config


def single(directory: Path, base: str) -> float:
    config = config_in(directory, base)
    started = time.perf_counter()
    redline(config, "crawl", "--recheck", "all", "--json")
    return time.perf_counter() - started


def cluster(directory: Path, base: str, url: str, workers: int) -> tuple[float, float, int]:
    config = config_in(directory, base, CLUSTER.format(url=url, prefix=f"bench{workers}"))
    started = time.perf_counter()
    redline(config, "enqueue", "--json")
    argv = [sys.executable, "-m", "redline", "-c", str(config), "worker", "--exit-when-idle",
            "--json"]  # fmt: skip
    running = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, cwd=ROOT, env=ENV) for _ in range(workers)]  # fmt: skip
    articles = sum(json.loads(p.communicate()[0])["articles"] for p in running)
    crawl_s = time.perf_counter() - started
    started = time.perf_counter()
    redline(config, "ingest", "--once", "--json")
    return crawl_s, time.perf_counter() - started, articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    options = parser.parse_args()
    n = options.articles
    with Newsroom.bulk(n, noise=False) as room, tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        redis, url = start_redis(tmp)
        try:
            base_s = single(tmp / "single", room.base_url)
            runs = {w: cluster(tmp / f"w{w}", room.base_url, url, w) for w in options.workers}
        finally:
            redis.terminate()
            redis.wait()
    print(
        f"local newsroom, {n} byte-identical articles; {os.cpu_count()} cores;"
        " wall-clock incl. process start-up (newsroom server in this process)"
    )
    print(f"  redline crawl, one process (baseline)  {n / base_s:8.1f} pages/s")
    for workers, (crawl_s, ingest_s, articles) in runs.items():
        assert articles == n, f"{workers} workers fetched {articles} of {n} articles"
        print(
            f"  {workers} worker(s) + enqueue               {n / crawl_s:8.1f} pages/s  "
            f"ratio {base_s / crawl_s:.2f}   then ingest {ingest_s:5.1f} s"
        )


if __name__ == "__main__":
    main()
