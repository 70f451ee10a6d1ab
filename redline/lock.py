"""One writer at a time: an advisory lock beside the index.

flock() locks die with their process, so a run killed with SIGKILL leaves no stale
lock behind; the file itself only records who held it last, for the message.
"""

from __future__ import annotations

import fcntl
import os
import socket
from contextlib import contextmanager
from pathlib import Path

from .errors import CannotWrite, Locked


@contextmanager
def writer_lock(database: Path):
    path = database.with_name(database.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")
    except OSError as exc:
        raise CannotWrite(f"cannot create the lock file {path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise Locked(
                f"another redline run ({holder}) is writing to {database}; this run did nothing."
                " Try again when it has finished."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}\n")
        handle.flush()
        yield
    finally:
        handle.close()


def lock_held(database: Path) -> bool:
    """Whether a writer (a crawl, an ingest) holds the lock now; never waits."""
    path = database.with_name(database.name + ".lock")
    if not path.exists():
        return False
    with open(path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False
