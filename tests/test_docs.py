"""Every command is documented in the README, and the README's config example loads."""

from __future__ import annotations

import re

from click.testing import CliRunner

from redline.cli import main
from tests.crawling import ROOT

README = (ROOT / "README.md").read_text()


def test_every_command_is_in_the_readme():
    missing = [name for name in main.commands if f"redline {name}" not in README]
    assert missing == []


def test_every_command_has_help_with_an_example():
    for name, command in main.commands.items():
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        if not hasattr(command, "commands"):
            assert "Example:" in (command.help or ""), f"`redline {name}` has no Example:"


def test_the_readme_names_the_two_setup_commands():
    assert re.search(r"^make demo", README, re.M) and re.search(r"^make test", README, re.M)
