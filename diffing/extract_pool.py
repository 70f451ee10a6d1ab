"""Extraction in worker processes: off the crawl's reactor thread, on every core, and
with a time limit per page.

Parsing a page is the one CPU-heavy step of a crawl (and of an ingest), and lxml holds
the GIL, so threads would not help. Each worker is a process of its own with a pipe to
this one; a dispatcher thread hands out pages and collects results. A page that makes
the extractor crash (the worker dies) or hang (past `time_limit`) costs that page an
extraction failure: its worker is killed and replaced, the other pages go on.

The result of a page is the dict `extract_data` gives in-process, the same in both:
`{"article": Article.to_dict()}` or `{"error": "why"}`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diffing.extract import Selectors

# Forked from a fork server that imported the extractor once, never from the parent
# itself: it may be a Twisted reactor with threads running. A worker starts in
# milliseconds, so replacing one that crashed or hung is cheap.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["diffing.extract_warm"])
# A news page takes tens of milliseconds; a 5 MB table, half a minute.
TIME_LIMIT = 20.0
logger = logging.getLogger(__name__)


def extract_data(payload: bytes, url: str, selectors: Selectors | None) -> dict:
    """The page's article, or why there is none; never raises for a page's content.
    The extractor is imported here: a process that hands pages to workers never loads it."""
    from diffing.extract import ExtractionError, extract_article

    try:
        return {"article": extract_article(payload, url, selectors).to_dict()}
    except ExtractionError as exc:
        return {"error": str(exc)}
    except RecursionError:
        return {"error": "the page is nested too deeply to read"}
    except Exception as exc:  # noqa: BLE001 - a page must never end the pass
        return {"error": f"the extractor failed on this page ({type(exc).__name__}: {exc})"}


def default_workers() -> int:
    """REDLINE_EXTRACT_WORKERS, else one per core the process may use; 0 = in-process."""
    chosen = os.environ.get("REDLINE_EXTRACT_WORKERS")
    if chosen is not None and chosen.strip().isdigit():
        return int(chosen)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_time_limit() -> float:
    try:
        return float(os.environ.get("REDLINE_EXTRACT_TIME_LIMIT", TIME_LIMIT))
    except ValueError:
        return TIME_LIMIT


def _serve(conn: Connection) -> None:
    """A worker: extract each page sent until the pipe closes (the parent is gone)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    while True:
        try:
            payload, url, selectors = conn.recv()
            conn.send(extract_data(payload, url, selectors))
        except (EOFError, OSError):  # the parent closed the pool, or was killed
            return


@dataclass
class _Task:
    payload: bytes
    url: str
    selectors: Selectors | None
    future: Future = field(default_factory=Future)


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    task: _Task | None = None
    deadline: float = 0.0


class ExtractionPool:
    """`submit` a page, get a Future of its result dict. Threads may submit concurrently;
    results come back as pages finish, not in order."""

    def __init__(self, workers: int | None = None, time_limit: float | None = None) -> None:
        self.size = max(1, workers if workers is not None else default_workers())
        self.time_limit = time_limit if time_limit is not None else default_time_limit()
        self._queue: deque[_Task] = deque()
        self._lock = threading.Lock()
        self._wake_reader, self._wake_writer = _CONTEXT.Pipe(duplex=False)
        self._workers: list[_Worker] = []
        self._started = threading.Event()
        self._closing = False
        self._broken: str | None = None  # why the workers are gone: pages run in-process
        self._thread = threading.Thread(target=self._dispatch, name="extract-pool", daemon=True)
        self._thread.start()

    def submit(self, payload: bytes, url: str, selectors: Selectors | None = None) -> Future:
        task = _Task(payload, url, selectors)
        with self._lock:
            if self._closing:
                raise RuntimeError("the extraction pool is closed")
            if self._broken is None:
                self._queue.append(task)
        if self._broken is not None:
            task.future.set_result(extract_data(payload, url, selectors))
            return task.future
        self._wake_writer.send_bytes(b".")
        return task.future

    def close(self) -> None:
        """Finish the pages submitted, then stop the workers."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
        self._wake_writer.send_bytes(b".")
        self._thread.join()
        for worker in self._workers:
            worker.conn.close()
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self._wake_reader.close()
        self._wake_writer.close()

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def worker_pids(self) -> list[int]:
        self._started.wait()
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    def _start(self) -> _Worker:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_serve, args=(child,), name="redline-extract")
        process.daemon = True  # never outlives a parent that exits without closing us
        process.start()
        child.close()
        return _Worker(process, parent)

    def _dispatch(self) -> None:
        """Start the workers (here, not in the caller: the first start waits for the fork
        server to load the extractor, and the caller goes on meanwhile), then hand out."""
        try:
            for _ in range(self.size):
                self._workers.append(self._start())
            self._started.set()
            self._run()
        except Exception as exc:  # noqa: BLE001 - e.g. no worker could be started again
            self._fall_back(f"{type(exc).__name__}: {exc}")

    def _fall_back(self, why: str) -> None:
        """The workers are gone for good: every page waiting, and every page from now on,
        is extracted in this process (slower, never lost, never a hung crawl)."""
        self._started.set()
        logger.warning("extraction workers failed (%s); extracting in-process", why)
        with self._lock:
            self._broken = why
            tasks = list(self._queue)
            self._queue.clear()
        for worker in self._workers:
            if worker.task is not None:
                tasks.insert(0, worker.task)
                worker.task = None
            if worker.process.is_alive():
                worker.process.kill()
        for task in tasks:
            if not task.future.done():
                task.future.set_result(extract_data(task.payload, task.url, task.selectors))

    def _run(self) -> None:
        while True:
            self._hand_out()
            busy = [w for w in self._workers if w.task is not None]
            with self._lock:
                if self._closing and not busy and not self._queue:
                    return
            timeout = None
            if busy:
                timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = wait([self._wake_reader, *(w.conn for w in busy)], timeout)
            if self._wake_reader in ready:
                while self._wake_reader.poll():
                    self._wake_reader.recv_bytes()
            for worker in busy:
                if worker.conn in ready:
                    self._collect(worker)
                elif time.monotonic() >= worker.deadline:
                    self._replace(worker, f"extraction took longer than {self.time_limit:g} s")

    def _hand_out(self) -> None:
        for worker in self._workers:
            if worker.task is not None:
                continue
            with self._lock:
                if not self._queue:
                    return
                task = self._queue.popleft()
            worker.task, worker.deadline = task, time.monotonic() + self.time_limit
            try:
                worker.conn.send((task.payload, task.url, task.selectors))
            except (OSError, ValueError):
                self._replace(worker, "the extraction worker could not be reached")

    def _collect(self, worker: _Worker) -> None:
        task = worker.task
        assert task is not None
        try:
            result = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=1)
            code = worker.process.exitcode
            self._replace(worker, f"the extractor crashed on this page (exit code {code})")
            return
        worker.task = None
        task.future.set_result(result)

    def _replace(self, worker: _Worker, why: str) -> None:
        """Fail the worker's page, kill the worker, start a fresh one in its place."""
        task, worker.task = worker.task, None
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        if task is not None:
            task.future.set_result({"error": why})
        fresh = self._start()
        worker.process, worker.conn = fresh.process, fresh.conn
