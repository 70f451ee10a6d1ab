"""`redline ingest` takes every input as untrusted, and `reindex` reads all it kept.

Inputs are made here, record by record (a `javascript:` target, a bad date, a record id
reused for another payload, non-WARC files, a WACZ), or taken from other tools' fixture
files; every command runs as a user runs it, in a subprocess.
"""

from __future__ import annotations

import io
import json
import random
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.digest import sha1_base32
from archive.warc_reader import iter_records
from archive.warc_build import build_record, gzip_member, new_record_id
from redline.cli import main
from tests.crawling import write_config

BASE = "https://news.example"
PARAGRAPHS = "".join(
    f"<p>Paragraph {i} of the story tells what the council decided about the harbour,"
    f" who voted for it and what happens next in the town of Exampleton.</p>"
    for i in range(6)
)


def page(headline: str) -> bytes:
    return (
        f"<html><head><title>{headline}</title></head><body><article>"
        f"<h1>{headline}</h1>{PARAGRAPHS}</article></body></html>"
    ).encode()


def response(
    uri: str,
    body: bytes,
    *,
    date: str = "2024-05-01T10:00:00Z",
    record_id: str | None = None,
    http_headers: str = "",
) -> bytes:
    block = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        + http_headers.encode()
        + b"\r\n"
        + body
    )
    fields = [
        ("WARC-Type", "response"),
        ("WARC-Record-ID", record_id or new_record_id()),
        ("WARC-Date", date),
        ("WARC-Target-URI", uri),
        ("WARC-Payload-Digest", sha1_base32(body)),
        ("Content-Type", "application/http;msgtype=response"),
    ]
    return gzip_member(build_record(fields, block))


def story(slug: str, **kwargs) -> bytes:
    return response(f"{BASE}/2024/05/{slug}", page(f"Council decides on {slug}"), **kwargs)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, BASE, max_page_bytes=1_000_000)


def run(config: Path, *args: str) -> tuple[int, str]:
    """The command in this process (ingest needs no reactor; start-up is paid once)."""
    result = CliRunner().invoke(main, ["-c", str(config), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout


def ingest(config: Path, *paths: Path) -> tuple[int, dict]:
    code, out = run(config, "ingest", "--json", *map(str, paths))
    return code, json.loads(out)


def reindex(config: Path) -> dict:
    code, out = run(config, "reindex", "--json")
    assert code == 0, out
    return json.loads(out)


def rows(config: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(config.parent / "redline.db")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def tables(config: Path) -> dict[str, list[tuple]]:
    names = ("sites", "articles", "captures", "revisions", "changes")
    return {name: rows(config, f"select * from {name} order by 1") for name in names}


def test_a_javascript_target_is_no_capture_and_a_fault(config, tmp_path):
    path = tmp_path / "other.warc.gz"
    path.write_bytes(
        story("harbour")
        + response("javascript:alert(document.cookie)", page("Evil"))
        + response("data:text/html,<h1>x</h1>", page("Data"))
    )
    code, report = ingest(config, path)
    assert code == 65
    assert report["captures"] == 1
    assert sum("is not http(s)" in f for f in report["faults"]) == 2
    assert "javascript:alert" in " ".join(report["faults"])
    urls = [u for (u,) in rows(config, "select url from captures union select url from articles")]
    assert urls == [f"{BASE}/2024/05/harbour"]


def test_published_pages_never_link_a_non_web_url_even_from_an_old_index(config, tmp_path):
    from redline.publish import web_href

    assert web_href("JavaScript:alert(1)") == "#" and web_href("data:text/html,x") == "#"
    assert web_href(f"{BASE}/a") == f"{BASE}/a"
    path = tmp_path / "other.warc.gz"
    path.write_bytes(story("harbour"))
    assert ingest(config, path)[0] == 0
    conn = sqlite3.connect(config.parent / "redline.db")
    with conn:  # an index made before ingest refused such records
        conn.execute("update articles set url = 'javascript:alert(1)'")
    conn.close()
    assert run(config, "publish", str(tmp_path / "public"))[0] == 0
    pages = [p.read_text() for p in (tmp_path / "public").rglob("*.html")]
    assert any("javascript:alert(1)" in text for text in pages), "shown as text"
    assert not any('href="javascript:' in text.lower() for text in pages)


def test_a_bad_date_is_a_fault_on_its_record_and_reindex_still_works(config, tmp_path):
    path = tmp_path / "dates.warc.gz"
    path.write_bytes(
        story("one")
        + story("two", date="yesterday at noon")
        + story("three", date="0000-00-00T00:00:00Z")
        + story("four")
    )
    code, report = ingest(config, path)
    assert code == 65
    assert report["captures"] == 2 and report["revisions"] == 2
    assert sum("bad WARC-Date" in f for f in report["faults"]) == 2
    before = tables(config)
    reindex(config)
    assert tables(config) == before


def test_files_that_are_no_archive_are_refused_and_not_kept(config, tmp_path):
    inputs = {
        "README": b"# notes\nnothing to see\n",
        "logo.png": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "noise.warc.gz": random.Random(7).randbytes(4096),
        "empty.warc": b"",
        "listing.zip": _zip({"notes.txt": b"hello"}),
    }
    paths = []
    for name, data in inputs.items():
        paths.append(tmp_path / name)
        paths[-1].write_bytes(data)
    code, report = ingest(config, *paths)
    assert code == 65
    assert len(report["refused"]) == len(inputs) and report["files"] == 0
    assert all("not imported" in line for line in report["refused"])
    archive = config.parent / "archive"
    assert not archive.exists() or not any(p.is_file() for p in archive.rglob("*"))


def test_a_clean_file_is_exit_0_and_a_second_ingest_adds_nothing(config, tmp_path):
    path = tmp_path / "clean.warc.gz"
    path.write_bytes(story("one") + story("two", date="2024-05-01T11:00:00Z"))
    code, report = ingest(config, path)
    assert (code, report["captures"], report["faults"], report["refused"]) == (0, 2, [], [])
    code, report = ingest(config, path)
    assert (code, report["captures"], report["faults"], report["extracted"]) == (0, 0, [], 0)


def test_a_record_id_reused_for_another_payload_is_reported_once(config, tmp_path):
    record_id = new_record_id()
    first, second = tmp_path / "first.warc.gz", tmp_path / "second.warc.gz"
    first.write_bytes(story("harbour", record_id=record_id))
    second.write_bytes(
        response(f"{BASE}/2024/05/harbour", page("Another page"), record_id=record_id)
    )
    code, report = ingest(config, first)
    assert (code, report["captures"], report["faults"]) == (0, 1, [])
    code, report = ingest(config, second)
    assert code == 65 and report["captures"] == 0
    assert len(report["faults"]) == 1 and record_id in report["faults"][0]
    assert "different digest" in report["faults"][0]
    code, report = ingest(config, first)  # the same record again: idempotent, no word
    assert (code, report["captures"], report["faults"]) == (0, 0, [])
    assert rows(config, "select count(*) from captures") == [(1,)]


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return out.getvalue()


def test_every_file_ingest_keeps_is_read_by_reindex(config, tmp_path):
    """A `.open` file, an odd name and a WACZ are kept under names reindex reads."""
    (tmp_path / "crawl.warc.gz.open").write_bytes(story("one"))
    (tmp_path / "capture.dat").write_bytes(story("two", date="2024-05-01T11:00:00Z"))
    warc = story("three", date="2024-05-01T12:00:00Z")
    (tmp_path / "package.wacz").write_bytes(
        _zip(
            {
                "archive/data.warc.gz": warc,
                "archive/notes.warc": b"not a warc at all",
                "pages/pages.jsonl": b"{}",
                "datapackage.json": b"{}",
            }
        )
    )
    code, report = ingest(
        config, *(tmp_path / n for n in ("crawl.warc.gz.open", "capture.dat", "package.wacz"))
    )
    assert code == 65, "a WACZ member that is not a WARC is a fault"
    assert report["captures"] == 3 and report["refused"] == []
    assert any("archive/notes.warc" in f for f in report["faults"])
    imported = sorted(
        str(p.relative_to(config.parent / "archive" / "imported"))
        for p in (config.parent / "archive" / "imported").rglob("*")
        if p.is_file()
    )
    assert imported == ["capture.dat.warc.gz", "crawl.warc.gz", "package/data.warc.gz"]
    before = tables(config)
    assert reindex(config)["captures"] == 3
    assert tables(config) == before


def test_a_wacz_that_inflates_too_far_is_stopped(config, tmp_path):
    bomb = _zip({"archive/bomb.warc": bytes(60_000_000)}, zipfile.ZIP_DEFLATED)
    assert len(bomb) < 200_000
    (tmp_path / "bomb.wacz").write_bytes(bomb)
    code, report = ingest(config, tmp_path / "bomb.wacz")
    assert code == 65
    assert any("inflates past 100 times" in f for f in report["faults"])
    imported = config.parent / "archive" / "imported"
    assert not any(p.is_file() for p in imported.rglob("*"))


def test_fixture_wacz_warcs_are_imported(config, warc_fixtures):
    code, report = ingest(config, warc_fixtures / "pywacz" / "valid_example_1.wacz")
    assert (code, report["refused"]) == (0, [])
    assert report["captures"] >= 1
    kept = config.parent / "archive" / "imported" / "valid_example_1" / "example-collection.warc"
    assert kept.is_file()


def test_foreign_captures_are_extracted_once_and_reindex_reads_the_extraction(
    config, warc_fixtures
):
    fixtures = [
        warc_fixtures / "pywb" / "example.warc.gz",
        warc_fixtures / "warcio" / "example.arc.gz",
        warc_fixtures / "pywacz" / "example-iana.warc",
    ]
    code, report = ingest(config, *fixtures)
    assert code == 0, report["faults"]
    assert report["extracted"] >= 3 and report["revisions"] >= 2
    archive = config.parent / "archive"
    ours = sorted(archive.glob("redline-ingest-*.warc.gz"))
    assert len(ours) == 1
    faults: list = []
    records = list(iter_records(ours[0], faults))
    assert faults == [] and records[0].warc_type == "warcinfo"
    metadata = [r for r in records if r.warc_type == "metadata"]
    assert len(metadata) == report["extracted"]
    assert all(r.refers_to and set(json.loads(r.payload)) & {"article", "error"} for r in metadata)
    before = tables(config)
    assert reindex(config)["extracted"] == 0, "no foreign page is parsed again"
    assert tables(config) == before
    code, again = ingest(config, *fixtures)
    assert (code, again["captures"], again["extracted"]) == (0, 0, 0)
    assert len(list(archive.glob("redline-ingest-*.warc.gz"))) == 1


def test_the_extractor_label_is_the_crawls():
    from crawler.pipeline import EXTRACTOR
    from redline.extractions import EXTRACTOR as AT_INGEST

    assert AT_INGEST == EXTRACTOR
