"""The CLI package's shape: no import cycles, library code free of click, options declared
once, and `-c/--config` accepted after the sub-command as well as before it."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from importlib.metadata import entry_points

from click.testing import CliRunner

from archive.index import open_index
from redline.cli import main
from tests.crawling import ROOT

CLI = ROOT / "redline" / "cli"
MODULES = sorted(p.stem for p in CLI.glob("*.py") if p.stem != "__init__")
LIBRARY = ("redline", "archive", "crawler", "diffing")
CONFIG = '[[sites]]\nname = "x"\nfeeds = ["http://127.0.0.1:9/rss"]\n'


def imports(path: Path) -> list[tuple[int, str]]:
    """(relative level, module) for every import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def library_files() -> list[Path]:
    files = [p for pkg in LIBRARY for p in (ROOT / pkg).rglob("*.py")]
    return [p for p in files if CLI not in p.parents]


def test_each_cli_module_imports_alone():
    assert {"options", "query", "crawl", "archive", "publish", "cluster", "setup"} <= set(MODULES)
    for name in MODULES:
        result = subprocess.run(
            [sys.executable, "-c", f"import redline.cli.{name}"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert result.returncode == 0, (name, result.stderr[-2000:])


def test_cli_modules_never_import_the_cli_package_back():
    for name in MODULES:
        for level, module in imports(CLI / f"{name}.py"):
            assert (level, module) != (1, ""), f"redline/cli/{name}.py: `from . import`"
            assert module != "redline.cli", f"redline/cli/{name}.py imports redline.cli"


def test_only_the_cli_imports_its_modules():
    outside = library_files() + list((ROOT / "tests").rglob("*.py"))
    outside += list((ROOT / "bench").rglob("*.py"))
    for path in outside:
        for level, module in imports(path):
            assert not (level == 0 and module.startswith("redline.cli.")), (path, module)
            assert not (level and module.split(".")[0] == "cli" and "." in module), (path, module)


def test_library_code_neither_imports_click_nor_writes_to_stderr():
    for path in library_files():
        names = [module for _, module in imports(path)]
        assert "click" not in names and not any(n.startswith("click.") for n in names), path
    for path in (ROOT / "redline").rglob("*.py"):
        if CLI not in path.parents:
            assert "sys.stderr" not in path.read_text(), path


def test_json_is_declared_once():
    declared = [p for p in CLI.rglob("*.py") if '"--json"' in p.read_text()]
    assert [p.name for p in declared] == ["options.py"]
    assert (CLI / "options.py").read_text().count('"--json"') == 1
    takers = [
        name
        for name, command in main.commands.items()
        if any("--json" in p.opts for p in command.params)
    ]
    assert len(takers) >= 10, takers  # the grep above is not vacuous


def every_command():
    for name, command in main.commands.items():
        yield name, command
        for sub, subcommand in getattr(command, "commands", {}).items():
            yield f"{name} {sub}", subcommand


def test_every_command_takes_the_config_after_itself():
    for name, command in every_command():
        assert any(p.opts[:2] == ["-c", "--config"] for p in command.params), name


def test_crawl_help_with_config_after_the_command(tmp_path):
    result = CliRunner().invoke(main, ["crawl", "-c", str(tmp_path / "redline.toml"), "--help"])
    assert result.exit_code == 0 and "--config" in result.output


def test_crawl_uses_the_config_given_after_the_command(tmp_path):
    missing = tmp_path / "watch" / "redline.toml"
    result = CliRunner().invoke(main, ["crawl", "-c", str(missing)])
    assert result.exit_code == 2 and str(missing) in result.output
    assert "No such option" not in result.output


def test_changes_with_config_after_the_command(tmp_path):
    config = tmp_path / "redline.toml"
    config.write_text(CONFIG)
    open_index(tmp_path / "redline.db").conn.close()
    result = CliRunner().invoke(main, ["changes", "-c", str(config), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []


def test_the_config_after_the_command_wins(tmp_path):
    config = tmp_path / "redline.toml"
    config.write_text(CONFIG)
    open_index(tmp_path / "redline.db").conn.close()
    args = ["-c", str(tmp_path / "missing.toml"), "changes", "--json", "--config", str(config)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []


def test_export_takes_the_config_at_either_level(tmp_path):
    missing = tmp_path / "nowhere.toml"
    for args in (
        ["export", "-c", str(missing), "wacz", "out.wacz"],
        ["export", "wacz", "-c", str(missing), "out.wacz"],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2 and str(missing) in result.output, args


def test_the_entry_point_and_python_m_redline_reach_the_group():
    (script,) = entry_points(group="console_scripts", name="redline")
    assert script.value == "redline.cli:main" and script.load() is main
    result = subprocess.run(
        [sys.executable, "-m", "redline", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0 and "crawl" in result.stdout and "-c, --config" in result.stdout
