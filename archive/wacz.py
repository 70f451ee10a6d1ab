"""WACZ 1.1.1 packages of WARC files, which pywb and ReplayWeb.page replay.

Layout (webrecorder/specs wacz/1.1.1; checked by py-wacz `wacz validate`):
    archive/<name>.warc.gz    the WARCs, ZIP_STORED so a reader can seek into them
    indexes/index.cdx.gz      every CDXJ line, sorted, gzip-compressed, ZIP_STORED
    pages/pages.jsonl         {"format": "json-pages-1.0", ...} then one page per line
    datapackage.json          each file's path, sha256 hash and size
    datapackage-digest.json   the sha256 of datapackage.json
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from archive.cdxj import index_warcs, write_cdxj

WACZ_VERSION = "1.1.1"
INDEX_PATH = "indexes/index.cdx.gz"
PAGES_PATH = "pages/pages.jsonl"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Page:
    url: str
    ts: str  # ISO 8601, e.g. "2026-11-28T04:00:00.123456Z"
    title: str | None = None


class WaczError(Exception):
    """The package cannot be made (no WARCs, two WARCs with one name, unwritable output)."""


def export_wacz(
    warcs: Sequence[Path],
    pages: Sequence[Page],
    out: Path,
    *,
    title: str = "redline archive",
    created: dt.datetime | None = None,
) -> list[str]:
    """Write a WACZ of `warcs` listing `pages` to `out`.

    Returns the problems met (a WARC that could not be indexed to its end is packed with
    the records that could be); raises WaczError when no package can be made.
    """
    warcs = [Path(p) for p in warcs]
    check_warc_names(warcs)
    created = (created or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    lines, problems = index_warcs(warcs)
    members = {INDEX_PATH: compress_index(lines), PAGES_PATH: pages_jsonl(pages, title)}
    tmp = Path(out).with_name(Path(out).name + ".tmp")
    try:
        write_package(tmp, warcs, members, title, created)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WaczError(f"{out}: cannot write the WACZ: {exc.strerror or exc}") from None
    return problems


def check_warc_names(warcs: Sequence[Path]) -> None:
    if not warcs:
        raise WaczError("no WARC files to package")
    seen: dict[str, Path] = {}
    for path in warcs:
        if not path.is_file():
            raise WaczError(f"{path}: no such WARC file")
        if path.name in seen:
            raise WaczError(f"{path} and {seen[path.name]} would both be archive/{path.name}")
        seen[path.name] = path


def compress_index(lines) -> bytes:
    text = io.StringIO()
    write_cdxj(lines, text)
    return gzip.compress(text.getvalue().encode("utf-8"), mtime=0)


def pages_jsonl(pages: Sequence[Page], title: str) -> bytes:
    header = {"format": "json-pages-1.0", "id": "pages", "title": title}
    rows = [json.dumps(header)] + [json.dumps(page_entry(page)) for page in pages]
    return ("\n".join(rows) + "\n").encode("utf-8")


def page_entry(page: Page) -> dict:
    # A stable id: the same page in a re-export keeps its id.
    entry = {"id": hashlib.sha1(f"{page.ts} {page.url}".encode()).hexdigest()[:24]}
    entry.update(url=page.url, ts=page.ts)
    if page.title:
        entry["title"] = page.title
    return entry


def write_package(
    out: Path, warcs: list[Path], members: dict[str, bytes], title: str, created: dt.datetime
) -> None:
    stamp = created.timetuple()[:6]
    resources = []
    with zipfile.ZipFile(out, "w") as zf:
        for path in warcs:
            resources.append(copy_stored(zf, path, f"archive/{path.name}", stamp))
        for name, data in members.items():
            method = zipfile.ZIP_STORED if name == INDEX_PATH else zipfile.ZIP_DEFLATED
            write_member(zf, name, data, stamp, method)
            resources.append(resource_entry(name, hashlib.sha256(data), len(data)))
        package = datapackage(resources, title, created)
        write_member(zf, "datapackage.json", package, stamp, zipfile.ZIP_DEFLATED)
        digest = {"path": "datapackage.json", "hash": sha256_label(hashlib.sha256(package))}
        digest_bytes = json.dumps(digest, indent=2).encode("utf-8")
        write_member(zf, "datapackage-digest.json", digest_bytes, stamp, zipfile.ZIP_DEFLATED)


def copy_stored(zf: zipfile.ZipFile, path: Path, name: str, stamp: tuple) -> dict:
    """Copy one WARC in uncompressed (a WARC.gz is compressed already, and must stay seekable)."""
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_STORED
    sha256 = hashlib.sha256()
    size = 0
    with open(path, "rb") as src, zf.open(info, "w", force_zip64=True) as dst:
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            sha256.update(chunk)
            size += len(chunk)
            dst.write(chunk)
    return resource_entry(name, sha256, size)


def write_member(zf: zipfile.ZipFile, name: str, data: bytes, stamp: tuple, method: int) -> None:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = method
    zf.writestr(info, data)


def resource_entry(path: str, sha256, size: int) -> dict:
    # frictionless wants names of lowercase letters, digits and "-._/"
    name = re.sub(r"[^-a-z0-9._/]", "-", path.rsplit("/", 1)[-1].lower())
    return {"name": name, "path": path, "hash": sha256_label(sha256), "bytes": size}


def sha256_label(sha256) -> str:
    return "sha256:" + sha256.hexdigest()


def datapackage(resources: list[dict], title: str, created: dt.datetime) -> bytes:
    package = {
        "profile": "data-package",
        "title": title,
        "resources": resources,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "wacz_version": WACZ_VERSION,
        "software": f"redline {redline_version()}",
    }
    return json.dumps(package, indent=2).encode("utf-8")


def redline_version() -> str:
    try:
        return version("redline")
    except PackageNotFoundError:
        return "unknown"
