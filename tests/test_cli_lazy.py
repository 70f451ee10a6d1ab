"""The command table redline/cli/__init__.py keeps so that a command imports only its own
family module, and what the reading commands import (they start in well under 0.1 s on a
large index: bench/index.py times them; here only what they load is checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import import_module

from archive import index_reading
from archive.index import open_index
from archive.index_rows import ArticleRow, ChangeRow, RevisionAt
from redline.cli import FAMILIES, main
from tests.crawling import ROOT

CONFIG = '[[sites]]\nname = "x"\nfeeds = ["http://127.0.0.1:9/rss"]\n'
# Never needed to read the index: the crawl's, the archive's and publishing's libraries.
HEAVY = ("scrapy", "twisted", "sqlite_utils", "lxml", "trafilatura", "warcio", "jinja2",
         "feedgen", "apprise", "PIL", "diff_match_patch")  # fmt: skip


def test_the_table_names_every_command_of_every_family():
    for family, names in FAMILIES.items():
        module = import_module(f"redline.cli.{family}")
        assert tuple(c.name for c in module.COMMANDS) == names, family
    assert sorted(main.commands) == sorted(n for names in FAMILIES.values() for n in names)
    assert all(main.commands[name].name == name for name in main.commands)


def test_an_unknown_command_is_still_a_usage_error():
    result = subprocess.run(
        [sys.executable, "-m", "redline", "histroy"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 2 and "No such command 'histroy'" in result.stderr


def loaded_by(tmp_path, *args: str) -> tuple[set[str], str]:
    """(top-level packages and redline.cli modules imported, stdout) of one command."""
    probe = (
        "import json, sys\nfrom redline.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "names = {m.split('.')[0] for m in sys.modules} | {m for m in sys.modules"
        " if m.startswith(('redline.cli.', 'archive.'))}\n"
        "print(json.dumps(sorted(names)))\n"
    )
    config = tmp_path / "redline.toml"
    result = subprocess.run(
        [sys.executable, "-c", probe, "-c", str(config), *args],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    *output, modules = result.stdout.splitlines()
    return set(json.loads(modules)), "\n".join(output)


def test_reading_commands_load_their_own_family_and_no_heavy_library(tmp_path):
    (tmp_path / "redline.toml").write_text(CONFIG)
    open_index(tmp_path / "redline.db").conn.close()
    for args in (["changes", "--since", "1d", "--json"], ["history", "https://x.example/a"]):
        modules, _ = loaded_by(tmp_path, *args)
        families = {m.removeprefix("redline.cli.") for m in modules if m.startswith("redline.cli.")}
        assert families == {"context", "options", "output", "query"}, (args, families)
        assert not modules & set(HEAVY), (args, modules & set(HEAVY))
        assert "archive.index_rows" not in modules, "its dataclasses cost more than the query"
    _, output = loaded_by(tmp_path, "changes", "--json")
    assert json.loads(output) == []


def test_the_reading_answers_have_the_rows_fields_in_order():
    assert index_reading.ARTICLE_FIELDS == tuple(ArticleRow.__dataclass_fields__)
    assert index_reading.REVISION_AT_FIELDS == tuple(RevisionAt.__dataclass_fields__)
    assert index_reading.CHANGE_FIELDS == tuple(ChangeRow.__dataclass_fields__)
