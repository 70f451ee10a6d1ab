"""Exit statuses a script can act on: a damaged index is 73 (run `redline reindex`),
an unreachable Redis is 69 and a malformed redis_url 2; one line each, no traceback."""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.index import open_index
from redline.cli import main

CONFIG = '[[sites]]\nname = "x"\nfeeds = ["http://127.0.0.1:9/rss"]\n'

READING = [
    ["changes"],
    ["history", "https://news.example/2026/a"],
    ["diff", "https://news.example/2026/a"],
    ["search", "council"],
    ["feed"],
    ["publish", "site"],
    ["export-changes", "changes.ndjson"],
    ["datasette-metadata", "metadata.json"],
]


def empty_index(path: Path) -> None:
    """A real, empty redline index in rollback-journal mode (so a write would show)."""
    db = open_index(path)
    db.execute("PRAGMA journal_mode=DELETE")
    db.conn.close()


def random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(16384))


def truncated(path: Path) -> None:
    empty_index(path)
    os.truncate(path, 4096)  # the header survives; the tables' pages are gone


def a_folder(path: Path) -> None:
    path.mkdir()


def foreign(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("create table notes (text)")
    db.close()


DAMAGE = [random_bytes, truncated, a_folder, foreign]


def run(tmp_path: Path, *args: str):
    (tmp_path / "redline.toml").write_text(CONFIG)
    cwd = os.getcwd()
    os.chdir(tmp_path)  # outputs named relatively land in tmp_path
    try:
        return CliRunner().invoke(main, ["-c", str(tmp_path / "redline.toml"), *args])
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__)
@pytest.mark.parametrize("args", READING, ids=lambda a: a[0])
def test_a_damaged_index_is_one_line_naming_it_and_exit_73(tmp_path, damage, args):
    index = tmp_path / "redline.db"
    damage(index)
    assert_unreadable(run(tmp_path, *args), index)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_index_nobody_may_read_is_exit_73(tmp_path):
    index = tmp_path / "redline.db"
    empty_index(index)
    index.chmod(0)
    assert_unreadable(run(tmp_path, "changes"), index)


def assert_unreadable(result, index: Path) -> None:
    lines = result.output.strip().splitlines()
    assert result.exit_code == 73, result.output
    assert isinstance(result.exception, SystemExit), "no traceback"
    assert len(lines) == 1 and str(index) in lines[0] and "redline reindex" in lines[0], lines


def test_reading_commands_never_write_the_index(tmp_path):
    index = tmp_path / "redline.db"
    empty_index(index)
    before = hashlib.sha256(index.read_bytes()).hexdigest()
    for args in READING:
        result = run(tmp_path, *args)
        assert result.exit_code in (0, 1), (args, result.output)
        assert "Traceback" not in result.output
    assert hashlib.sha256(index.read_bytes()).hexdigest() == before, "no migration, no WAL"
    assert sorted(p.name for p in tmp_path.glob("redline.db*")) == ["redline.db"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("command", ["enqueue", "worker"])
def test_an_unreachable_redis_is_exit_69_naming_the_url(tmp_path, command):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    (tmp_path / "redline.toml").write_text(CONFIG + f'[cluster]\nredis_url = "{url}"\n')
    result = CliRunner().invoke(main, ["-c", str(tmp_path / "redline.toml"), command])
    assert result.exit_code == 69, result.output
    assert url in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "archive").exists()


@pytest.mark.parametrize("url", ["redis://127.0.0.1:port/0", "redis:///0",
                                 "redis://127.0.0.1:99999/0", "redis://127.0.0.1:6379/db"])  # fmt: skip
@pytest.mark.parametrize("where", ["config", "--redis"])
def test_a_malformed_redis_url_is_exit_2(tmp_path, url, where):
    config = tmp_path / "redline.toml"
    if where == "config":
        config.write_text(CONFIG + f'[cluster]\nredis_url = "{url}"\n')
        args = ["-c", str(config), "enqueue"]
    else:
        config.write_text(CONFIG)
        args = ["-c", str(config), "enqueue", "--redis", url]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert url in result.output and len(result.output.strip().splitlines()) == 1
    assert "cannot reach" not in result.output, "refused before any connection"
    assert isinstance(result.exception, SystemExit), "no traceback"
