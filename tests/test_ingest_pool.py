"""`ingest` extracts other tools' pages ahead in worker processes (diffing.extract_pool);
the index and the extraction records it writes are exactly those of extracting each page
in-process when the tracker asks (REDLINE_EXTRACT_WORKERS=0): the same rows, ids
included, and the same metadata records, for the same captures, in the same order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.warc_reader import iter_records
from tests.crawling import write_config
from tests.index_tables import dump_tables, table_differences
from tests.test_ingest_untrusted import BASE, ingest, page, reindex, response, story

FIXTURES = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "warc"


def foreign_files(folder: Path) -> list[Path]:
    """Pages of a site and of none, a page with no article, an edit, a file arriving late."""
    folder.mkdir()
    first, second = folder / "first.warc.gz", folder / "second.warc.gz"
    first.write_bytes(
        story("harbour", date="2024-05-01T10:00:00Z")
        + story("budget", date="2024-05-01T11:00:00Z")
        + response("https://elsewhere.example/a", page("Not our site"), date="2024-05-01T12:00:00Z")
        + response(f"{BASE}/2024/05/empty", b"<html><body></body></html>", date="2024-05-01T13:00:00Z")
        + response(f"{BASE}/2024/05/harbour", page("Council decides on the harbour at last"),
                   date="2024-05-03T10:00:00Z")
        + story("budget", date="2024-04-30T09:00:00Z")  # older than the budget before it
    )  # fmt: skip
    second.write_bytes(story("school"))
    return [first, second]


def extraction_records(archive: Path) -> list[tuple[str | None, str | None, dict]]:
    found = []
    for path in sorted(archive.glob("redline-ingest-*.warc.gz")):
        for record in iter_records(path, []):
            if record.warc_type == "metadata":
                found.append((record.refers_to, record.target_uri, json.loads(record.payload)))
    return found


def ingest_with(tmp_path: Path, name: str, workers: str, files: list[Path], monkeypatch):
    monkeypatch.setenv("REDLINE_EXTRACT_WORKERS", workers)
    (tmp_path / name).mkdir()
    config = write_config(tmp_path / name, BASE, max_page_bytes=1_000_000)
    _, report = ingest(config, *files)
    archive = config.parent / "archive"
    return config, report, dump_tables(config.parent / "redline.db"), extraction_records(archive)


def test_pages_extracted_in_workers_make_the_same_index_and_records(tmp_path, monkeypatch):
    files = foreign_files(tmp_path / "in")
    _, alone, rows_alone, records_alone = ingest_with(tmp_path, "alone", "0", files, monkeypatch)
    config, pooled, rows, records = ingest_with(tmp_path, "pooled", "2", files, monkeypatch)
    assert alone["extracted"] == pooled["extracted"] == len(records) == 7
    assert table_differences(rows_alone, rows) == []
    assert [r[1:] for r in records] == [r[1:] for r in records_alone]
    assert alone == pooled
    assert pooled["late"] and "rebuilt" not in pooled, "a fresh archive's ingest is its replay"
    reindex(config)
    assert table_differences(rows, dump_tables(config.parent / "redline.db")) == []


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="the WARC fixtures are in ../shared (absent)")
def test_other_tools_fixtures_ingest_alike_through_the_pool(tmp_path, monkeypatch):
    verdicts = json.loads((FIXTURES / "expected-verdicts.json").read_text())
    files = [FIXTURES / n for n, v in sorted(verdicts.items()) if v.get("verdict") == "readable"]
    _, alone, rows_alone, records_alone = ingest_with(tmp_path, "alone", "0", files, monkeypatch)
    _, pooled, rows, records = ingest_with(tmp_path, "pooled", "2", files, monkeypatch)
    assert pooled["extracted"] > 10
    assert table_differences(rows_alone, rows) == []
    assert [r[1:] for r in records] == [r[1:] for r in records_alone]
    assert alone == pooled
