"""`redline export wacz`: two crawls of the newsroom packed as one WACZ that py-wacz
validates and pywb replays, every capture and revisit with the body captured then."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest

from archive.warc_reader import iter_records
from redline.newsroom import Newsroom
from tests.crawling import crawl, redline, write_config
from tests.replay import PywbCollection, tools_bin


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, Path]:
    """(config, WACZ) after two crawls (the second all revisits) and an export."""
    directory = tmp_path_factory.mktemp("export")
    with Newsroom(articles=4, noise=False) as room:
        config = write_config(directory, room.base_url)
        crawl(config)
        crawl(config)
    out = directory / "newsroom.wacz"
    result = redline(config, "export", "wacz", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith(f"wrote {out}: 2 WARC files, 4 pages")
    return config, out


def captures(config: Path) -> list:
    archive = config.parent / "archive"
    return [
        r
        for path in sorted(archive.glob("*.warc.gz"))
        for r in iter_records(path, [])
        if r.warc_type in ("response", "revisit") and "/20" in r.target_uri
    ]


def test_wacz_validate_accepts_the_export(exported):
    _, out = exported
    done = subprocess.run(
        [str(tools_bin("wacz")), "validate", "-f", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_datapackage_hash_matches_and_pages_are_the_revisions(exported):
    config, out = exported
    with zipfile.ZipFile(out) as zf:
        package = json.loads(zf.read("datapackage.json"))
        for resource in package["resources"]:
            data = zf.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
        lines = zf.read("pages/pages.jsonl").decode().splitlines()
    pages = [json.loads(line) for line in lines[1:]]
    db = sqlite3.connect(config.parent / "redline.db")
    revisions = db.execute(
        "select a.url, r.captured_at, r.headline from revisions r"
        " join articles a on a.id = r.article_id"
    ).fetchall()
    db.close()
    assert sorted((p["url"], p["ts"], p["title"]) for p in pages) == sorted(revisions)
    assert len(pages) == 4


def test_pywb_replays_every_capture_and_revisit_as_captured(exported):
    config, out = exported
    records = captures(config)
    originals = {r.record_id: r for r in records if r.warc_type == "response"}
    assert sum(r.warc_type == "revisit" for r in records) == 4
    with PywbCollection(waczs=[out]) as pywb:
        for record in records:
            stamp = "".join(c for c in record.date if c.isdigit())[:14]
            status, headers, body = pywb.fetch_id(record.target_uri, stamp)
            # a 304 revisit too: it shows the page it said was not modified
            expected = originals[record.refers_to] if record.warc_type == "revisit" else record
            assert status == 200, (record.target_uri, stamp)
            assert body == expected.payload, (record.warc_type, record.target_uri)
            memento = headers.get("Memento-Datetime")
            assert memento is not None, record.target_uri
