"""What `redline ingest` keeps: every input sniffed, then refused or kept in archive_dir.

Every input is untrusted. A file that is not a WARC, ARC or WACZ (a README, a PNG, an
empty file) is refused and nothing is copied. A WARC or ARC from elsewhere is copied
into `archive_dir/imported/` under a name `reindex` reads (`.warc.gz`, `.arc`, ...); a
WACZ is unpacked there, its `archive/*.warc[.gz]` each a file of its own, inflating at
most INFLATE_RATIO times the package's size. Files land under a temporary dot-name and
are renamed when complete, so a crash never leaves half a file that reindex would read.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from archive.files import WARC_SUFFIXES, is_kept_name, sniff

INFLATE_RATIO = 100  # contract: decompression stops at 100 times the file's size
_CHUNK = 1 << 20


class Refused(Exception):
    """An input that is kept out of the archive; the message says why."""


@dataclass
class Imports:
    kept: list[Path] = field(default_factory=list)  # inside archive_dir, to be indexed
    refused: list[str] = field(default_factory=list)  # "<input>: <why>"
    faults: list[str] = field(default_factory=list)  # problems inside kept inputs (WACZ)


def import_inputs(archive_dir: Path, paths: list[Path]) -> Imports:
    """Sniff each input; keep the WARCs, ARCs and WACZ contents. OSError: cannot write."""
    out = Imports()
    root = archive_dir.resolve()
    for path in paths:
        try:
            out.kept += _import_one(root, Path(path), out.faults)
        except Refused as why:
            out.refused.append(f"{path}: {why}")
    return out


def _import_one(root: Path, path: Path, faults: list[str]) -> list[Path]:
    try:
        kind = sniff(path)
    except OSError as exc:
        raise Refused(f"cannot read: {exc.strerror or exc}") from None
    if kind is None:
        raise Refused(_not_an_archive(path))
    if kind == "zip":
        return _unpack_wacz(root, path, faults)
    path = path.resolve()
    if root in path.parents and (is_kept_name(path.name) or _reindex_reads(root, path)):
        return [path]  # already where reindex reads it
    return [_install(path, root / "imported", _kept_name(path.name, kind), move=False)]


def _not_an_archive(path: Path) -> str:
    if path.stat().st_size == 0:
        return "empty file: not a WARC, ARC or WACZ; not imported"
    return "not a WARC, ARC or WACZ file; not imported"


def _reindex_reads(root: Path, path: Path) -> bool:
    """Under imported/ (reindex reads every WARC there, whatever its name), or a crawl's or
    worker's `.open` file (indexed now, read by reindex once it is closed)."""
    if path.relative_to(root).parts[0] == "imported":
        return not path.name.startswith(".")
    return path.parent == root and is_kept_name(path.name.removesuffix(".open"))


def _kept_name(name: str, kind: str) -> str:
    """The name reindex reads: `.open` dropped, the suffix of what the file holds added."""
    name = name.removesuffix(".open").lstrip(".") or "unnamed"
    return name if name.endswith(WARC_SUFFIXES) else f"{name}.{kind}"


def _install(source: Path, folder: Path, name: str, *, move: bool) -> Path:
    """`source` as folder/name; a different file of that name exists: a hashed name.

    The same content already there is not copied again (ingest is idempotent).
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.exists() and not same_file(target, source):
        target = folder / f"{_sha1(source)[:12]}-{name}"
    if target.exists() and same_file(target, source):
        if move:
            source.unlink()
        return target
    if move:
        os.replace(source, target)
        return target
    part = folder / f".{name}.part"
    try:
        shutil.copyfile(source, part)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return target


def same_file(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while chunk := fa.read(_CHUNK):
            if chunk != fb.read(len(chunk)):
                return False
    return True


def _sha1(path: Path) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _unpack_wacz(root: Path, path: Path, faults: list[str]) -> list[Path]:
    """Each archive/*.warc[.gz] of a WACZ into imported/<package name>/, bounded."""
    budget = [INFLATE_RATIO * max(path.stat().st_size, 1)]
    try:
        with zipfile.ZipFile(path) as package:
            members = [m for m in package.infolist() if _warc_member(m.filename)]
            if not members:
                raise Refused("a ZIP without archive/*.warc.gz: not a WACZ; not imported")
            folder = root / "imported" / _kept_folder(path.name)
            return [p for m in members if (p := _unpack(package, m, folder, budget, faults))]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise Refused(f"not a readable WACZ ({exc}); not imported") from None


def _warc_member(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return len(parts) == 2 and parts[0] == "archive" and is_kept_name(parts[1])


def _kept_folder(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name.removesuffix(".wacz")).lstrip(".") or "wacz"


def _unpack(package, member, folder: Path, budget: list[int], faults: list[str]) -> Path | None:
    """One WARC of the package, or None with a fault (too big, corrupt, not a WARC)."""
    name = PurePosixPath(member.filename).name
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f".{name}.part"
    try:
        problem = _copy_bounded(package, member, part, budget)
        if problem is None and sniff(part) not in ("warc", "warc.gz"):
            problem = "is not a WARC file; not imported"
        if problem:
            faults.append(f"{package.filename}: {member.filename}: {problem}")
            return None
        return _install(part, folder, name, move=True)
    finally:
        part.unlink(missing_ok=True)


def _copy_bounded(package, member, part: Path, budget: list[int]) -> str | None:
    """Copy a member, stopping once the package's inflation budget is spent."""
    try:
        with package.open(member) as src, open(part, "wb") as out:
            while chunk := src.read(_CHUNK):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    return (
                        f"inflates past {INFLATE_RATIO} times the package's size;"
                        " stopped, not imported"
                    )
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
        return f"cannot be unpacked ({exc}); not imported"
    return None
