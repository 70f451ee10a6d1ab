"""`reindex` builds the new index beside the old one and renames it into place when it is
complete: the old index stays whole and readable until then, and what a killed rebuild
leaves behind (its side file) never reaches the next one."""

from __future__ import annotations

from pathlib import Path

import pytest

import redline.ingest
from redline.config import load_config
from tests.test_ingest_untrusted import BASE, ingest, reindex, story, tables
from tests.crawling import write_config


@pytest.fixture
def config(tmp_path: Path) -> Path:
    config = write_config(tmp_path, BASE, max_page_bytes=1_000_000)
    warc = tmp_path / "elsewhere.warc.gz"
    warc.write_bytes(
        story("harbour", date="2024-05-01T10:00:00Z")
        + story("budget", date="2024-05-01T11:00:00Z")
        + story("harbour", date="2024-05-02T10:00:00Z")
    )
    later = tmp_path / "later.warc.gz"
    later.write_bytes(story("budget", date="2024-05-03T10:00:00Z"))
    code, report = ingest(config, warc, later)
    assert (code, report["captures"]) == (0, 4)
    return config


def leftovers(config: Path) -> list[str]:
    return sorted(p.name for p in config.parent.glob("redline.db*") if p.name != "redline.db.lock")


def test_a_rebuild_gives_the_same_index_and_leaves_no_side_file(config):
    before = tables(config)
    assert reindex(config)["captures"] == 4
    assert tables(config) == before
    assert leftovers(config) == ["redline.db"]


def test_what_a_killed_rebuild_left_is_started_over(config):
    before = tables(config)
    side = config.parent / "redline.db.rebuild"
    side.write_bytes(b"half of an index, then the power went")
    Path(f"{side}-journal").write_bytes(b"\0" * 512)
    reindex(config)
    assert tables(config) == before
    assert leftovers(config) == ["redline.db"]


def test_the_old_index_is_whole_until_the_new_one_is_complete(config, monkeypatch):
    before = tables(config)
    real = redline.ingest.index_files

    def fails_half_way(db, config, paths, **kwargs):  # the disk fills up after one file
        real(db, config, paths[:1], **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(redline.ingest, "index_files", fails_half_way)
    with pytest.raises(OSError):
        redline.ingest.reindex_archive(load_config(config))
    assert tables(config) == before
    monkeypatch.undo()
    reindex(config)
    assert tables(config) == before
    assert leftovers(config) == ["redline.db"]
