"""redline.toml: what loads, and the errors that name file, key and problem."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from redline.cli import main
from redline.config import ConfigError, load_config, parse_duration

GOOD = """
archive_dir = "warcs"
[[sites]]
name = "example"
feeds = ["https://news.example/rss.xml"]
article_pattern = "^https://news\\\\.example/\\\\d{4}/"
"""


def write(tmp_path, text):
    path = tmp_path / "redline.toml"
    path.write_text(text)
    return path


def test_paths_are_relative_to_the_config_file(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    assert config.archive_dir == tmp_path / "warcs"
    assert config.database == tmp_path / "redline.db"
    assert config.sites[0].is_article("https://news.example/2026/11/x")
    assert not config.sites[0].is_article("https://news.example/about")
    assert config.intervals[0] == (timedelta(hours=3), timedelta(minutes=15))


@pytest.mark.parametrize(
    "text, key, problem",
    [
        ('max_page_bytes = "big"\n' + GOOD, "max_page_bytes", "whole number"),
        ("archive_dirr = 'x'\n" + GOOD, "archive_dirr", "unknown key"),
        (GOOD + 'ignore = ["(unclosed"]\n', "sites[example].ignore", "bad regular expression"),
        (
            GOOD.replace("https://news.example/rss.xml", "news.example/rss"),
            "sites[example].feeds",
            "not an http(s) URL",
        ),
        ('[schedule]\nintervals = [["3x", "1h"]]\n' + GOOD, "schedule.intervals", "duration"),
        ("[[sites]]\nfeeds = []\n", "sites[0].name", "needs a name"),
        ("this is = not toml =", None, "not valid TOML"),
    ],
)
def test_bad_files_name_the_key_and_the_problem(tmp_path, text, key, problem):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert message.startswith(str(path))
    assert problem in message
    if key:
        assert f": {key}:" in message


def test_cli_exits_2_without_a_traceback(tmp_path):
    path = write(tmp_path, "max_page_bytes = -1\n" + GOOD)
    result = CliRunner().invoke(main, ["-c", str(path), "changes"])
    assert result.exit_code == 2
    assert "max_page_bytes: must be at least" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_init_writes_a_config_that_loads(tmp_path):
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 0, result.output
    config = load_config(tmp_path / "redline.toml")
    assert config.sites[0].name == "example"
    assert config.sites[0].ignore == ("^Updated \\d+ minutes? ago$",)
    again = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert again.exit_code == 1 and "not overwriting" in again.output


def test_durations():
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("2w") == timedelta(days=14)
    with pytest.raises(ValueError):
        parse_duration("soon")
