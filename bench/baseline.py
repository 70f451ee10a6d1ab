"""An earlier commit's code unpacked beside this tree, for benchmarks that time it against
today's in the same run (run with the same virtualenv, its folder first on sys.path)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def unpack(commit: str, into: Path) -> Path:
    """The files of `commit` (`git archive`) in a new folder under `into`."""
    tree = into / f"baseline-{commit}"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree
