"""`make demo` runs `redline demo`: its output must show the edits the newsroom made."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.crawling import ROOT


def test_demo_lists_every_edit_the_newsroom_made(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "redline", "demo", "--dir", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    made = re.findall(
        r"newsroom: (headline rewritten|number corrected|paragraph added|byline "
        r"changed|article removed|URL changed|removed article back)",
        out,
    )
    assert len(made) == 7
    log = out.split("The change log")[1]
    for kind in ("headline", "body", "byline", "removed", "moved", "restored"):
        assert re.search(rf"Z  {kind}\b", log), f"no {kind} change in the log"
    assert len(re.findall(r"^\S+Z  ", log, flags=re.M)) == 7, "one change per edit, no noise"
    assert len(re.findall(r"\[silent\]", log)) == 1, "the number corrected silently"
    assert "of 4 substantive edits, 25% were silent (1)" in result.stdout
    assert (tmp_path / "demo" / "site" / "index.html").is_file()
