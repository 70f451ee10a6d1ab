"""The publisher's memory: which page was written from which inputs, with which bytes.

Each page has a *source key* (a hash of the rows and settings it is built from) and an
*output hash*. A page whose source key is unchanged and whose file is intact is neither
rendered nor written again, so re-publishing after one new change touches only the
pages that show it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

MANIFEST_NAME = ".redline-publish.json"
MANIFEST_VERSION = 1


def hash_text(*parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:
        text = part if isinstance(part, str) else json.dumps(part, sort_keys=True, default=str)
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


class Manifest:
    """Source keys and output hashes by page path (relative to the output folder)."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.path = outdir / MANIFEST_NAME
        self.pages: dict[str, dict] = self._load()
        self.written: list[str] = []
        self.kept: list[str] = []

    def _load(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
            return {}
        return data.get("pages") or {}

    def is_current(self, page: str, source_key: str) -> bool:
        entry = self.pages.get(page)
        if not entry or entry.get("source") != source_key:
            return False
        target = self.outdir / page
        return target.is_file() and target.stat().st_size == entry.get("size")

    def keep(self, page: str) -> None:
        self.kept.append(page)

    def write(self, page: str, source_key: str, content: bytes) -> None:
        """Write `content` unless the file already holds exactly these bytes."""
        output = hashlib.sha256(content).hexdigest()
        entry = self.pages.get(page, {})
        target = self.outdir / page
        if entry.get("output") == output and target.is_file():
            self.kept.append(page)
        else:
            _write_atomically(target, content)
            self.written.append(page)
        self.pages[page] = {"source": source_key, "output": output, "size": len(content)}

    def write_lines(self, page: str, keys: list[str], line: Callable[[int], str]) -> None:
        """A file of one line per item, `keys` naming each item's inputs in file order:
        when the file already holds the first items unchanged, only the lines of the new
        ones are appended (a log of every change is never rewritten for one more), else the
        file is written again from `line(0)` on."""
        chain = _chain(keys)
        entry = self.pages.get(page, {})
        held = entry.get("count", 0)
        target = self.outdir / page
        intact = target.is_file() and target.stat().st_size == entry.get("size")
        if not (intact and held <= len(keys) and (not held or chain[held - 1] == entry["source"])):
            held = -1  # not a prefix of what the file should hold: write it whole
        if held == len(keys):
            self.kept.append(page)
            return
        if held > 0:
            with target.open("ab") as f:
                f.writelines(line(i).encode("utf-8") for i in range(held, len(keys)))
        else:
            temporary = target.with_name(target.name + ".tmp")
            target.parent.mkdir(parents=True, exist_ok=True)
            with temporary.open("wb") as f:
                f.writelines(line(i).encode("utf-8") for i in range(len(keys)))
            os.replace(temporary, target)
        self.written.append(page)
        source = chain[-1] if chain else ""
        self.pages[page] = {"source": source, "count": len(keys), "size": target.stat().st_size}

    def save(self) -> None:
        data = {"version": MANIFEST_VERSION, "pages": dict(sorted(self.pages.items()))}
        _write_atomically(self.path, json.dumps(data, indent=0).encode("utf-8"))


def _chain(keys: list[str]) -> list[str]:
    """Each item's key folded with all before it: equal at n when the first n items are."""
    out, previous = [], ""
    for key in keys:
        previous = hashlib.sha256(f"{previous}\0{key}".encode()).hexdigest()
        out.append(previous)
    return out


def _write_atomically(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_bytes(content)
    os.replace(temporary, target)
