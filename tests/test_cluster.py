"""Distributed crawling: `redline enqueue` + several `redline worker`s on a real Redis,
then `redline ingest`, against the local newsroom."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.warc_reader import iter_records
from redline.newsroom import Newsroom
from tests.crawling import crawl, redline, write_config

WORKER_TIMEOUT = "2s"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    args = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(args, cwd=workdir, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def cluster_config(directory: Path, room: Newsroom, redis_url: str, prefix: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    extra = (f'\n[cluster]\nredis_url = "{redis_url}"\nkey_prefix = "{prefix}"\n'
             f'worker_timeout = "{WORKER_TIMEOUT}"\n')  # fmt: skip
    return write_config(directory, room.base_url, extra=extra)


def start_worker(config: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.Popen(
        [sys.executable, "-m", "redline", "-c", str(config), "worker", "--json", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=config.parent, env=env,
    )  # fmt: skip


def finish(worker: subprocess.Popen, timeout: float = 90) -> dict:
    out, err = worker.communicate(timeout=timeout)
    assert worker.returncode == 0, err[-3000:]
    return json.loads(out)


def enqueue(config: Path, *args: str) -> dict:
    result = redline(config, "enqueue", "--json", *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def cluster_pass(config: Path, workers: int, *args: str) -> list[dict]:
    enqueue(config, *args)
    running = [start_worker(config, "--exit-when-idle") for _ in range(workers)]
    return [finish(w) for w in running]


def ingest(config: Path) -> dict:
    result = redline(config, "ingest", "--once", "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def frontier_of(config: Path):
    from crawler.cluster import Frontier
    from redline.config import load_config

    return Frontier(load_config(config).cluster)


def article_fetches(room: Newsroom, since: int) -> list[str]:
    return [path for _, path, _ in room.requests[since:] if path.startswith("/20")]


def index_of(directory: Path) -> dict:
    """What must not depend on how a crawl was spread: ids and times left out."""
    with sqlite3.connect(directory / "redline.db") as db:
        return {
            "articles": sorted(db.execute("select url, status from articles")),
            "revisions": sorted(db.execute(
                "select a.url, r.number, r.headline, r.byline, r.body_sha1 from revisions r"
                " join articles a on a.id = r.article_id")),
            "changes": sorted(db.execute(
                "select a.url, c.from_revision, c.to_revision, c.kinds from changes c"
                " join articles a on a.id = c.article_id")),
        }  # fmt: skip


def edit_newsroom(room: Newsroom) -> None:
    slugs = sorted(room.articles)
    room.edit(slugs[0], headline=room.articles[slugs[0]].headline + " as storm nears")
    body = list(room.articles[slugs[1]].paragraphs)
    room.edit(slugs[1], paragraphs=[body[0] + " A sentence added later.", *body[1:]])
    room.edit(slugs[2], byline="By Someone Else")
    room.remove(slugs[3])


def test_workers_build_the_single_machine_index_fetching_each_article_once(tmp_path, redis_url):
    with Newsroom(articles=12, seed=5, noise=True) as room:
        single = tmp_path / "single"
        single.mkdir()
        single_config = write_config(single, room.base_url)
        config = cluster_config(tmp_path / "cluster", room, redis_url, "equal")
        for round_ in range(2):
            if round_:
                edit_newsroom(room)
            crawl(single_config)
            before = len(room.requests)
            summaries = cluster_pass(config, 3, "--recheck", "all")
            fetched = article_fetches(room, before)
            # Only an article that differs is fetched again, at once (DESIGN's noise principle).
            edited = [
                room.article_url(s).removeprefix(room.base_url) for s in sorted(room.articles)[:3]
            ]
            twice = sorted(p for p in set(fetched) if fetched.count(p) == 2)
            assert twice == (sorted(edited) if round_ else []), "no other article fetched twice"
            assert len(set(fetched)) == 12, "every article fetched, recheck pass not filtered"
            assert len(fetched) == 12 + len(twice)
            assert sum(s["articles"] for s in summaries) == 12
            report = ingest(config)
            assert report["faults"] == []
    names = [Path(f).name for s in summaries for f in s["warc_files"]]
    assert len(set(names)) == len(names) >= 1
    for summary in summaries:  # <host>-<pid> names each worker and ends each of its files
        assert all(Path(f).name.endswith(f"-{summary['worker']}.warc.gz")
                   for f in summary["warc_files"])  # fmt: skip
    assert not list((tmp_path / "cluster" / "archive").glob("*.open"))
    cluster_index, single_index = index_of(tmp_path / "cluster"), index_of(single)
    assert len(cluster_index["revisions"]) == 12 + 3 and len(cluster_index["changes"]) == 4
    assert cluster_index == single_index


def test_a_worker_killed_mid_pass_loses_no_article(tmp_path, redis_url):
    with Newsroom.bulk(200, seed=2) as room:
        config = cluster_config(tmp_path, room, redis_url, "killed")
        enqueue(config)
        victim = start_worker(config)
        deadline = time.monotonic() + 60
        while len(article_fetches(room, 0)) < 20:
            assert time.monotonic() < deadline and victim.poll() is None, "worker stalled"
            time.sleep(0.02)
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=10)
        assert list(tmp_path.glob("archive/*.open")), "killed mid-file"
        assert frontier_of(config).state().in_flight > 0, "killed with requests in flight"
        rescuer = finish(start_worker(config, "--exit-when-idle"))
        fetched = set(article_fetches(room, 0))
    assert len(fetched) == 200, "the killed worker's in-flight requests were picked up again"
    assert rescuer["articles"] < 200
    report = ingest(config)
    assert report["faults"] == [], "the killed worker's file was closed, its torn tail cut"
    with sqlite3.connect(tmp_path / "redline.db") as db:
        assert db.execute("select count(*) from articles").fetchone()[0] == 200


def test_two_enqueues_at_once_push_one_pass(tmp_path, redis_url):
    with Newsroom(articles=5, seed=1, noise=False) as room:
        config = cluster_config(tmp_path, room, redis_url, "twice")
        env = dict(os.environ, PYTHONWARNINGS="ignore")
        argv = [sys.executable, "-m", "redline", "-c", str(config), "enqueue", "--json"]
        both = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=env) for _ in range(2)]  # fmt: skip
        results = [(*p.communicate(timeout=60), p.returncode) for p in both]
        results = [(code, out, err) for out, err, code in results]
        pushed = [json.loads(out) for code, out, _ in results if code == 0]
        assert all(code in (0, 75) for code, _, _ in results), results
        assert sum(p["discovery"] for p in pushed) == 5, "robots, 2 feeds, sitemap, front page"
        again = enqueue(config)
        assert again["pending"] == 5 and again["discovery"] == 0, "a pass in progress is kept"
        before = len(room.requests)
        finish(start_worker(config, "--exit-when-idle"))
        fetched = article_fetches(room, before)
    assert sorted(fetched) == sorted(set(fetched)) and len(fetched) == 5


def test_sigterm_finishes_current_records_closes_files_and_exits_0(tmp_path, redis_url):
    with Newsroom.bulk(150, seed=4) as room:
        config = cluster_config(tmp_path, room, redis_url, "term")
        enqueue(config)
        worker = start_worker(config)
        deadline = time.monotonic() + 60
        while len(article_fetches(room, 0)) < 20:
            assert time.monotonic() < deadline and worker.poll() is None, "worker stalled"
            time.sleep(0.02)
        worker.send_signal(signal.SIGTERM)
        summary = finish(worker, timeout=60)
        assert not list(tmp_path.glob("archive/*.open")), "files closed on SIGTERM"
        assert summary["warc_files"] and summary["reason"] == "shutdown"
        finish(start_worker(config, "--exit-when-idle"))
        fetched = article_fetches(room, 0)
    assert len(set(fetched)) == 150
    assert len(fetched) == 150, "what the stopped worker finished was not fetched again"
    follower = subprocess.Popen(
        [sys.executable, "-m", "redline", "-c", str(config), "ingest", "--follow", "--poll", "0.2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while revisions(tmp_path) < 150:
        if follower.poll() is not None:
            raise AssertionError(
                f"ingest --follow exited {follower.returncode}: {follower.stderr.read()[-3000:]}"
            )
        assert time.monotonic() < deadline, "ingest --follow stalled"
        time.sleep(0.1)
    follower.send_signal(signal.SIGTERM)
    out, err = follower.communicate(timeout=30)
    assert follower.returncode == 0, err
    assert "150 revisions" in out and "problem" not in err


def revisions(directory: Path) -> int:
    try:
        with sqlite3.connect(directory / "redline.db") as db:
            return db.execute("select count(*) from revisions").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_unreachable_redis_exits_69_naming_the_url(tmp_path):
    with Newsroom(articles=1, seed=1) as room:
        url = f"redis://127.0.0.1:{free_port()}/0"
        config = cluster_config(tmp_path, room, url, "none")
        for command in ("enqueue", "worker"):
            result = redline(config, command)
            assert result.returncode == 69, result.stderr
            assert url in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "archive").exists() or not list((tmp_path / "archive").iterdir())


def test_without_cluster_table_enqueue_says_what_to_add(tmp_path):
    config = write_config(tmp_path, "http://127.0.0.1:9")
    result = redline(config, "enqueue")
    assert result.returncode == 2 and "[cluster]" in result.stderr
    bad = write_config(tmp_path, "http://127.0.0.1:9", extra='\n[cluster]\nclose_after = "soon"\n')
    result = redline(bad, "worker")
    assert result.returncode == 2 and "cluster.close_after" in result.stderr


def test_in_flight_requests_of_a_silent_worker_are_requeued_once(redis_url):
    from scrapy import Request, Spider

    from crawler.cluster import AckedQueue, Frontier
    from redline.config import ClusterConfig

    class Probe(Spider):
        name = "probe"
        custom_settings = {"REDLINE_WORKER_ID": "probe-1"}

        def parse(self, response):
            pass

    spider = Probe()
    spider.settings = type("S", (), {"get": lambda self, key: "probe-1"})()
    frontier = Frontier(ClusterConfig(redis_url=redis_url, key_prefix="reap"))
    queue = AckedQueue(frontier.server, spider, "reap:requests")
    for n in range(3):
        queue.push(Request(f"http://example.org/{n}", priority=n))
    first, second = queue.pop(), queue.pop()
    assert first.url.endswith("/2") and second.url.endswith("/1"), "best priority first"
    queue.ack(first)
    assert frontier.state().in_flight == 1 and frontier.state().queued == 1
    frontier.beat("probe-1")
    assert frontier.reap() == 0, "a live worker keeps its requests"
    frontier.server.delete(frontier.key("alive", "probe-1"))
    assert frontier.reap() + frontier.reap() == 1, "requeued once, however many reap"
    again = [queue.pop(), queue.pop()]
    assert sorted(r.url for r in again) == ["http://example.org/0", "http://example.org/1"]
    assert again[0].priority == 1, "requeued with its priority"


def test_a_late_file_is_slotted_into_the_history(tmp_path):
    with Newsroom(articles=5, seed=8, noise=True) as room:
        live = tmp_path / "live"
        live.mkdir()
        config = write_config(live, room.base_url)
        crawl(config)
        first = set((live / "archive").glob("*.warc.gz"))
        edit_newsroom(room)
        crawl(config)
        second = set((live / "archive").glob("*.warc.gz")) - first
        late = tmp_path / "late"
        late.mkdir()
        late_config = write_config(late, room.base_url)
    assert redline(late_config, "ingest", *map(str, second)).returncode == 0
    result = redline(late_config, "ingest", "--json", *map(str, first))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rebuilt"] is True
    assert index_of(late) == index_of(live), "the same history whatever order files arrive in"


def start_redis(port: int, workdir: Path) -> subprocess.Popen:
    args = [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "yes", "--appendfsync", "always"]  # fmt: skip
    proc = subprocess.Popen(args, cwd=workdir, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)


def test_redis_restarting_mid_pass_corrupts_no_warc(tmp_path, redis_url):
    port, workdir = free_port(), tmp_path / "redis"
    workdir.mkdir()
    server = start_redis(port, workdir)
    try:
        with Newsroom.bulk(200, seed=3) as room:
            config = cluster_config(tmp_path / "w", room, f"redis://127.0.0.1:{port}/0", "rr")
            enqueue(config)
            worker = start_worker(config, "--exit-when-idle")
            deadline = time.monotonic() + 60
            while len(article_fetches(room, 0)) < 30:
                assert time.monotonic() < deadline and worker.poll() is None, "worker stalled"
                time.sleep(0.02)
            server.terminate()
            server.wait(timeout=10)
            time.sleep(1.0)
            server = start_redis(port, workdir)
            worker.communicate(timeout=120)
            if len(set(article_fetches(room, 0))) < 200:  # what the outage held up
                finish(start_worker(config, "--exit-when-idle"))
            fetched = set(article_fetches(room, 0))
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert len(fetched) == 200, "the pass completes once Redis is back"
    files = sorted((tmp_path / "w" / "archive").glob("*.warc.gz"))
    assert files and not list((tmp_path / "w" / "archive").glob("*.open"))
    for path in files:
        faults: list = []
        assert sum(1 for _ in iter_records(path, faults)) > 0
        assert faults == [], faults


def test_close_after_rotates_a_busy_workers_file(tmp_path, redis_url):
    """WorkerLoop closes a file open longer than close_after even mid-pass (here while a
    page takes 3 s to answer), so ingest can take what is already archived."""
    with Newsroom(articles=2, seed=4, noise=False) as room:
        room.slow_seconds = 3.0
        config = cluster_config(tmp_path, room, redis_url, "rotate")
        text = config.read_text().replace(
            f'start_urls = ["{room.base_url}/"]',
            f'start_urls = ["{room.base_url}/", "{room.base_url}/slow"]',
        )
        config.write_text(text.replace("[cluster]\n", '[cluster]\nclose_after = "1s"\n'))
        (summary,) = cluster_pass(config, 1)
    assert len(summary["warc_files"]) >= 2, "the file open while /slow was awaited was closed"
    report = ingest(config)
    assert report["faults"] == []
    with sqlite3.connect(tmp_path / "redline.db") as db:
        files = db.execute("select count(distinct warc_file) from captures").fetchone()[0]
        slow = db.execute("select count(*) from captures where url like '%/slow'").fetchone()[0]
    assert files == len(summary["warc_files"]) and slow == 1
