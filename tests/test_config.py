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
        ("[schedule]\nintervals = [['3x', '1h']]\n", "schedule.intervals", "duration"),
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


SITE = GOOD.replace('archive_dir = "warcs"\n', "")  # tables may go before it
NOTIFY = '\n[[notify]]\nurl = "json://127.0.0.1:9/hook"\n'
CLUSTER = '\n[cluster]\nredis_url = "redis://127.0.0.1:9/0"\n'
DEEP = "x = " + "[" * 3000 + "]" * 3000 + "\n"

# (the file's text, the key the error must name, words of the problem); each loaded
# without a word before, or ended in a traceback.
BAD_CONFIGS = [
    ("[publish]\nbase_urll = 'https://x.example/'\n" + SITE, "publish.base_urll", "unknown key"),
    ("[schedule]\ninterval = [['3h', '15m']]\n" + SITE, "schedule.interval", "unknown key"),
    (GOOD + 'headline = "h1[[["\n', "sites[example].headline", "bad CSS selector"),
    (GOOD + 'byline = "p::before"\n', "sites[example].byline", "bad CSS selector"),
    (GOOD + 'body = ""\n', "sites[example].body", "bad CSS selector"),
    (GOOD + 'ignore = ["a{99999999999}"]\n', "sites[example].ignore", "bad regular expression"),
    ('log_file = "no-such-folder/redline.log"\n' + GOOD, "log_file", "does not exist"),
    ('log_file = "."\n' + GOOD, "log_file", "is a folder"),
    (GOOD.replace('"warcs"', '""'), "archive_dir", "must not be empty"),
    ('user_agent = "bot\\nX-Evil: 1"\n' + GOOD, "user_agent", "control character"),
    ("max_page_bytes = 10_000_000_000_000\n" + GOOD, "max_page_bytes", "at most"),
    ("warc_max_bytes = 9_000_000_000_000_000\n" + GOOD, "warc_max_bytes", "at most"),
    (GOOD + "max_per_pass = 99_999_999_999\n", "sites[example].max_per_pass", "at most"),
    ("[schedule]\nintervals = [['99999999999d', '1h']]\n", "schedule.intervals", "century"),
    ("[schedule]\nintervals = [['3h', '0m']]\n", "schedule.intervals", "longer than zero"),
    (DEEP, None, "nested too deeply"),
    (GOOD + 'hosts = ["https://amp.news.example/"]\n', "sites[example].hosts", "not a host"),
    (GOOD + 'hosts = ["amp.news.example:99999"]\n', "sites[example].hosts", "not a host"),
    (GOOD + 'hosts = ["amp news"]\n', "sites[example].hosts", "not a host"),
    (GOOD.replace("rss.xml", 'rss.xml", "http://news.example:x/'), "sites[example].feeds", "Port"),
    (
        GOOD.replace("feeds", "start_urls").replace("article_pattern", "#"),
        "sites[example].article_pattern",
        "required with start_urls",
    ),
    ("[publish]\ndir = 5\n" + SITE, "publish.dir", "must be a string"),
    ("[publish]\nbase_url = 'changes.example.org'\n" + SITE, "publish.base_url", "absolute"),
    (GOOD + "\n[[notify]]\nsites = ['example']\n", "notify[0].url", "required"),
    (GOOD + NOTIFY.replace("json://", "${REDLINE_TEST_UNSET}"), "notify[0].url", "not set"),
    (
        GOOD + NOTIFY.replace("json://127.0.0.1:9/hook", "not a url"),
        "notify[0].url",
        "not an Apprise URL",
    ),
    (GOOD + NOTIFY + "sites = ['elsewhere']\n", "notify[0].sites", "no site named"),
    (GOOD + NOTIFY + "kinds = ['headlines']\n", "notify[0].kinds", "not one of"),
    (GOOD + NOTIFY + "significance = 'huge'\n", "notify[0].significance", "substantive"),
    (GOOD + NOTIFY + "silent = 'yes'\n", "notify[0].silent", "true or false"),
    (GOOD + NOTIFY + "site = ['example']\n", "notify[0].site", "did you mean sites"),
    (GOOD + CLUSTER.replace(":9/0", ":port/0"), "cluster.redis_url", "not a Redis URL"),
    (GOOD + CLUSTER.replace("/0", "/zero"), "cluster.redis_url", "must be a number"),
    (GOOD + CLUSTER + "worker_name = 'a/b'\n", "cluster.worker_name", "letters"),
    (GOOD + CLUSTER + "close_after = '99999999999w'\n", "cluster.close_after", "century"),
    (GOOD + CLUSTER + "worker_timeout = '0s'\n", "cluster.worker_timeout", "longer than zero"),
]


@pytest.mark.parametrize("text, key, problem", BAD_CONFIGS)
def test_every_mistake_is_one_line_naming_the_key_and_exit_2(tmp_path, monkeypatch, text, key,
                                                             problem):  # fmt: skip
    monkeypatch.delenv("REDLINE_TEST_UNSET", raising=False)
    path = write(tmp_path, text)
    result = CliRunner().invoke(main, ["-c", str(path), "changes"])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), "no traceback"
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and problem in lines[0], result.output
    assert key is None or f": {key}: " in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["crawl", "enqueue", "worker"])
def test_commands_that_crawl_need_a_site(tmp_path, command):
    path = write(tmp_path, 'archive_dir = "warcs"\n' + CLUSTER)
    result = CliRunner().invoke(main, ["-c", str(path), command])
    assert result.exit_code == 2, result.output
    assert f"{path}: sites: no [[sites]] table" in result.output
    assert not (tmp_path / "warcs").exists() and not (tmp_path / "redline.db").exists()


def test_notify_targets_are_kept_with_the_environment_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_TEST_TOKEN", "s3cret")
    url = 'url = "ntfy://user:${REDLINE_TEST_TOKEN}@127.0.0.1:9/topic"\n'
    config = load_config(
        write(
            tmp_path,
            GOOD
            + "[[notify]]\n"
            + url
            + "kinds = ['body']\n"
            + "silent = true\n[[notify]]\nurl = 'json://127.0.0.1:9/'\n",
        )
    )
    first, second = config.notify
    assert first.url == "ntfy://user:s3cret@127.0.0.1:9/topic" and "s3cret" not in repr(first)
    assert (first.kinds, first.silent, first.significance) == (("body",), True, "minor")
    assert (second.sites, second.kinds, second.silent) == ((), (), None)


def test_publish_dir_and_hosts_are_read(tmp_path):
    text = "[publish]\ndir = 'public'\n" + SITE + 'hosts = ["amp.news.example:8080", "[::1]"]\n'
    config = load_config(write(tmp_path, text))
    assert config.publish_dir == tmp_path / "public"
    assert config.sites[0].owns("http://amp.news.example:8080/2026/x")


def test_the_init_template_loads_with_every_commented_key_switched_on(tmp_path, monkeypatch):
    from redline.example_config import EXAMPLE

    monkeypatch.setenv("MAIL_PASSWORD", "pw")
    text = EXAMPLE.replace("# [[notify]]", "[[notify]]").replace("# [cluster]", "[cluster]")
    text = "\n".join(line[2:] if line.startswith("# ") and " = " in line.split("#")[1] else line
                     for line in text.splitlines())  # fmt: skip
    config = load_config(write(tmp_path, text))
    assert config.publish_dir == tmp_path / "public" and config.log_file is not None
    assert config.sites[0].hosts == ("amp.news.example",) and config.sites[0].headline
    assert config.notify[0].url == "mailto://user:pw@example.org" and config.cluster
