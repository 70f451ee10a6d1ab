"""`redline verify` on a good crawled archive, on damaged copies of it, and on other tools'
real WARCs (../shared/fixtures/warc): each problem named with file, offset and record."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from archive.warc_reader import iter_records
from redline.newsroom import Newsroom
from tests.crawling import crawl, redline, write_config
from tests.test_warc_reader import DEFECTS  # verify names the reader's fault


@pytest.fixture(scope="module")
def good_archive(tmp_path_factory) -> Path:
    """A directory with redline.toml, archive/ and redline.db after two crawls."""
    directory = tmp_path_factory.mktemp("good")
    with Newsroom(articles=4, noise=False) as room:
        config = write_config(directory, room.base_url)
        crawl(config)
        crawl(config)
    return directory


@pytest.fixture
def copy(good_archive, tmp_path) -> Path:
    """A private copy of the good archive; its config points at the copy."""
    target = tmp_path / "copy"
    shutil.copytree(good_archive, target)
    return target / "redline.toml"


def verify(config: Path, *args: str) -> tuple[int, dict]:
    result = redline(config, "verify", "--json", *args)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return result.returncode, json.loads(result.stdout)


def response_record(config: Path):
    """(path, record) of the first article response in the archive."""
    for path in sorted((config.parent / "archive").glob("*.warc.gz")):
        for record in iter_records(path, []):
            if record.warc_type == "response" and "/20" in (record.target_uri or ""):
                return path, record
    raise AssertionError("no article response in the archive")


def change_last_body_byte(path: Path, record) -> None:
    """Flip one bit of the record's last body byte; the member is recompressed (gzip would
    catch a flip in the compressed bytes before any digest could)."""
    data = bytearray(path.read_bytes())
    member = bytearray(gzip.decompress(data[record.offset : record.offset + record.length]))
    member[-5] ^= 1  # the block ends just before the record's CRLF CRLF
    data[record.offset : record.offset + record.length] = gzip.compress(bytes(member), mtime=0)
    path.write_bytes(bytes(data))


def problems_of(report: dict, kind: str) -> list[dict]:
    return [p for p in report["problems"] if p["kind"] == kind]


def test_a_good_archive_verifies_and_says_so(copy):
    code, report = verify(copy)
    assert code == 0, report["problems"]
    assert report["ok"] and report["captures"] == report["index_rows"] > 0
    text = redline(copy, "verify")
    assert text.returncode == 0 and text.stdout.startswith("archive OK:")


def test_a_changed_byte_is_named_as_a_digest_mismatch_at_its_record(copy):
    path, record = response_record(copy)
    change_last_body_byte(path, record)
    code, report = verify(copy)
    assert code == 1
    digest = problems_of(report, "digest")
    assert {(p["file"], p["offset"]) for p in digest} == {(path.name, record.offset)}
    messages = sorted(p["message"] for p in digest)
    assert messages == [
        f"block digest mismatch in record {record.record_id}",
        f"payload digest mismatch in record {record.record_id}",
    ]


def test_a_truncated_file_is_named_as_a_torn_tail(copy):
    path = max((copy.parent / "archive").glob("*.warc.gz"))
    last = list(iter_records(path, []))[-1]
    with path.open("r+b") as handle:
        handle.truncate(last.offset + last.length // 2)
    code, report = verify(copy)
    assert code == 1
    torn = problems_of(report, "torn")
    assert [(p["file"], p["offset"]) for p in torn] == [(path.name, last.offset)]
    assert "torn tail" in torn[0]["message"]


def test_a_deleted_record_leaves_an_index_row_pointing_nowhere(copy):
    path, record = response_record(copy)
    data = path.read_bytes()
    path.write_bytes(data[: record.offset] + data[record.offset + record.length :])
    code, report = verify(copy)
    assert code == 1
    index = {p["record_id"]: p for p in problems_of(report, "index")}
    assert index[record.record_id]["file"] == path.name
    assert index[record.record_id]["offset"] == record.offset
    assert "points at" in index[record.record_id]["message"]


def test_index_rows_pointing_nowhere_are_each_named(copy):
    db = sqlite3.connect(copy.parent / "redline.db")
    with db:
        first, second = db.execute("select id, record_id from captures limit 2").fetchall()
        db.execute("update captures set warc_offset = warc_offset + 7 where id = ?", [first[0]])
        db.execute("update captures set warc_file = 'gone.warc.gz' where id = ?", [second[0]])
    db.close()
    code, report = verify(copy)
    assert code == 1
    index = {p["record_id"]: p["message"] for p in problems_of(report, "index")}
    assert "no record starts" in index[first[1]]
    assert "does not exist" in index[second[1]]
    assert len(report["problems"]) == 2


def test_an_unindexed_capture_is_named(copy):
    db = sqlite3.connect(copy.parent / "redline.db")
    with db:
        (record_id,) = db.execute(
            "select record_id from captures where record_type = 'revisit' limit 1"
        ).fetchone()
        db.execute("pragma foreign_keys = off")
        db.execute("delete from captures where record_id = ?", [record_id])
    db.close()
    code, report = verify(copy)
    assert code == 1
    assert [p["record_id"] for p in report["problems"]] == [record_id]
    assert "revisit record is not indexed" in report["problems"][0]["message"]


def test_repair_reports_but_does_not_fix_a_digest_mismatch(copy):
    path, record = response_record(copy)
    change_last_body_byte(path, record)
    before = path.read_bytes()
    code, report = verify(copy, "--repair")
    assert code == 1 and report["repair"]["closed"] == []
    assert {p["offset"] for p in problems_of(report, "digest")} == {record.offset}
    assert path.read_bytes() == before


def test_verify_without_a_config_is_a_config_problem(tmp_path):
    result = redline(tmp_path / "missing.toml", "verify")
    assert result.returncode == 2
    assert "missing.toml" in result.stderr and "Traceback" not in result.stderr


def test_other_tools_warcs_pass_or_are_named_with_their_fault(tmp_path, warc_fixtures):
    config = write_config(tmp_path, "http://127.0.0.1:9")
    expected = json.loads((warc_fixtures / "expected-verdicts.json").read_text())
    names = [n for n, e in expected.items() if e["verdict"] in ("readable", "defective")]
    imported = tmp_path / "archive" / "imported"
    for name in names:  # kept in their folders: several fixtures share a file name
        (imported / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(warc_fixtures / name, imported / name)
    result = redline(config, "ingest", *(str(imported / n) for n in names))
    assert result.returncode == 65, result.stderr[-2000:]  # some fixtures have faults
    code, report = verify(config)
    assert code == 1
    by_file: dict[str, list[str]] = {}
    for problem in report["problems"]:
        by_file.setdefault(problem["file"], []).append(problem["message"])
    for name in names:
        found = " | ".join(by_file.pop(f"imported/{name.removesuffix('.open')}", []))
        if expected[name]["verdict"] == "readable":
            assert found == "", name
        else:
            assert DEFECTS[name] in found, (name, found)
    assert by_file == {}, "no problem outside the fixtures themselves"
    assert report["captures"] == report["index_rows"] > 400


def test_an_open_file_is_no_fault_while_a_writer_holds_the_lock(tmp_path):
    import fcntl

    from archive.warc_writer import WarcWriter

    config = tmp_path / "redline.toml"
    config.write_text('[[sites]]\nname = "x"\nfeeds = ["http://127.0.0.1:9/rss"]\n')
    writer = WarcWriter(tmp_path / "archive")
    writer.write_resource(uri="urn:redline:test", payload=b"log", content_type="text/plain")
    assert list((tmp_path / "archive").glob("*.open"))
    idle = redline(config, "verify")
    assert idle.returncode == 1 and "still open" in idle.stdout
    with open(tmp_path / "redline.db.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        busy = redline(config, "verify")
    assert busy.returncode == 0, busy.stdout
    writer.close()
