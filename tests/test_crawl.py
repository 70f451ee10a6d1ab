"""End-to-end crawls of the local newsroom, each pass in its own process."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from archive.warc_lint import lint_warcs
from archive.warc_reader import iter_records
from redline.newsroom import Newsroom
from tests.crawling import ROOT, changes, crawl, redline, write_config

WARCIO = ROOT / ".venv" / "bin" / "warcio"


def records_of(archive: Path) -> list:
    faults: list = []
    out = [r for p in sorted(archive.glob("*.warc.gz")) for r in iter_records(p, faults)]
    assert faults == []
    return out


@pytest.fixture
def room():
    with Newsroom(articles=6, seed=3, noise=True) as newsroom:
        yield newsroom


def test_first_crawl_archives_every_fetch_as_checklist_warcs(tmp_path, room):
    config = write_config(tmp_path, room.base_url)
    summary = crawl(config)
    assert summary["new_articles"] == 6
    assert summary["failed"] == 0 and summary["extraction_failed"] == 0
    archive = tmp_path / "archive"
    assert not list(archive.glob("*.open")), "files are renamed when closed"
    files = sorted(archive.glob("*.warc.gz"))
    assert [f.name for f in files] == sorted(Path(f).name for f in summary["warc_files"])
    assert lint_warcs(files) == []
    for path in files:
        check = subprocess.run([str(WARCIO), "check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    records = records_of(archive)
    responses = {r.target_uri for r in records if r.warc_type == "response"}
    requests = [r.target_uri for r in records if r.warc_type == "request"]
    assert f"{room.base_url}/robots.txt" in responses
    assert f"{room.base_url}/rss.xml" in responses
    for slug in room.articles:
        assert room.article_url(slug) in responses
    assert sorted(requests) == sorted(
        r.target_uri for r in records if r.warc_type in ("response", "revisit")
    )
    metadata = [r for r in records if r.warc_type == "metadata"]
    assert len(metadata) == 6
    assert not any("/private/" in path for _, path, _ in room.requests)


def test_edits_are_reported_and_noise_is_not(tmp_path, room):
    config = write_config(tmp_path, room.base_url)
    crawl(config)
    slugs = sorted(room.articles)
    new_headline = room.articles[slugs[0]].headline + " as storm nears"
    room.edit(slugs[0], headline=new_headline)
    body = list(room.articles[slugs[1]].paragraphs)
    words = body[0].split()
    words[2] = words[2] + "s" if not words[2].endswith("s") else words[2][:-1]
    body[0] = " ".join(words)
    room.edit(slugs[1], paragraphs=body)
    room.edit(slugs[2], byline="By Someone Else")
    room.remove(slugs[3])
    summary = crawl(config)
    assert summary["new_articles"] == 0
    assert summary["changed"] == 3 and summary["removed"] == 1
    by_url = {c["url"]: c for c in changes(config)}
    assert set(by_url) == {room.article_url(s) for s in slugs[:4]}
    headline = by_url[room.article_url(slugs[0])]
    assert headline["kinds"] == ["headline"]
    assert headline["headline_after"] == new_headline
    assert (headline["from_revision"], headline["to_revision"]) == (1, 2)
    assert by_url[room.article_url(slugs[1])]["kinds"] == ["body"]
    assert by_url[room.article_url(slugs[2])]["kinds"] == ["byline"]
    removed = by_url[room.article_url(slugs[3])]
    assert removed["kinds"] == ["removed"] and removed["to_revision"] is None
    third = crawl(config)
    assert third["changed"] == 0 and third["removed"] == 0, "noise alone is never an edit"


def test_reindex_rebuilds_the_same_history(tmp_path, room):
    config = write_config(tmp_path, room.base_url)
    crawl(config)
    slug = sorted(room.articles)[0]
    room.edit(slug, headline="A different headline entirely")
    crawl(config)
    url = room.article_url(slug)
    before = (redline(config, "history", url, "--json").stdout, changes(config))
    result = redline(config, "reindex", "--json")
    assert result.returncode == 0, result.stderr
    after = (redline(config, "history", url, "--json").stdout, changes(config))
    assert json.loads(before[0]) == json.loads(after[0])
    strip = [{k: v for k, v in c.items() if k != "article_id"} for c in before[1]]
    assert strip == [{k: v for k, v in c.items() if k != "article_id"} for c in after[1]]
    again = json.loads(
        redline(
            config, "ingest", "--json", *map(str, (tmp_path / "archive").glob("*.warc.gz"))
        ).stdout
    )
    assert again["captures"] == 0, "ingesting a file twice adds nothing"


def test_unchanged_recrawl_is_stored_as_revisits(tmp_path):
    with Newsroom(articles=4, seed=1, noise=False) as quiet:
        config = write_config(tmp_path, quiet.base_url)
        crawl(config)
        size = sum(p.stat().st_size for p in (tmp_path / "archive").glob("*.warc.gz"))
        crawl(config)
    records = records_of(tmp_path / "archive")
    revisits = [r for r in records if r.warc_type == "revisit"]
    profiles = {r.headers.get("WARC-Profile", "").rsplit("/", 1)[-1] for r in revisits}
    assert {"identical-payload-digest", "server-not-modified"} <= profiles
    originals = {r.record_id for r in records if r.warc_type == "response"}
    assert all(r.refers_to in originals for r in revisits)
    grown = sum(p.stat().st_size for p in (tmp_path / "archive").glob("*.warc.gz")) - size
    assert grown < 4000 * 8, "an unchanged recrawl adds little"


def test_a_second_crawl_while_one_runs_exits_75(tmp_path, room):
    import fcntl

    config = write_config(tmp_path, room.base_url)
    lock = (tmp_path / "redline.db.lock").open("a+")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        result = redline(config, "crawl")
    finally:
        lock.close()
    assert result.returncode == 75
    assert "another redline run" in result.stderr
    assert not (tmp_path / "archive").exists() or not list((tmp_path / "archive").iterdir())


def test_bad_config_is_exit_2_naming_file_and_key(tmp_path):
    config = tmp_path / "redline.toml"
    config.write_text('max_page_bytes = "big"\n[[sites]]\nname = "x"\nfeeds = ["http://a/"]\n')
    result = redline(config, "crawl")
    assert result.returncode == 2
    assert "redline.toml: max_page_bytes" in result.stderr and "Traceback" not in result.stderr


def test_ingest_keeps_two_different_files_with_the_same_name(tmp_path, warc_fixtures):
    config = tmp_path / "redline.toml"
    config.write_text('[[sites]]\nname = "x"\nfeeds = ["http://127.0.0.1:9/rss"]\n')
    first = warc_fixtures / "cdxj" / "example.warc.gz"
    others = [
        p for p in warc_fixtures.rglob("example.warc.gz") if p.read_bytes() != first.read_bytes()
    ]
    assert others, "the fixtures hold two different example.warc.gz"
    for path in (first, others[0], first):
        result = redline(config, "ingest", str(path))
        assert result.returncode in (0, 65), result.stderr  # 65: the fixture has faults
    imported = sorted(p.name for p in (tmp_path / "archive" / "imported").iterdir())
    assert len(imported) == 2 and "example.warc.gz" in imported
