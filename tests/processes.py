"""A process's memory and its descendants, from /proc (Linux): for tests and benchmarks
that watch a crawl and its extraction workers from outside."""

from __future__ import annotations

from pathlib import Path


def status_kb(pid: int, field: str) -> int:
    """A /proc/PID/status figure in kB (VmRSS: now; VmHWM: the peak since exec); 0 once gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """Children, their children, and so on (a crawl's fork server and its workers)."""
    found, todo = [], [pid]
    while todo:
        for children in Path(f"/proc/{todo.pop()}/task").glob("*/children"):
            try:
                kids = [int(k) for k in children.read_text().split()]
            except OSError:  # gone meanwhile
                continue
            found += kids
            todo += kids
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False
