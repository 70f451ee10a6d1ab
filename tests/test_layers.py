"""The layers read top-down (see ARCHITECTURE.md): commands -> crawler -> tracking ->
archive and diffing. Checked on every import statement, lazy ones inside functions too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND_LAYER = ("redline.cli", "redline.archive_cli", "redline.cluster_cli", "redline.publish_cli")


def imports_of(package: str) -> dict[str, set[str]]:
    """Module file -> every module name it imports (absolute; relative ones resolved)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = parts[: len(parts) - node.level] if node.level else ()
                names.add(".".join((*base, node.module or "")).strip("."))
        found[str(path.relative_to(ROOT))] = names
    return found


def offenders(package: str, forbidden) -> list[str]:
    return [
        f"{file} imports {name}"
        for file, names in imports_of(package).items()
        for name in sorted(names)
        if forbidden(name)
    ]


def under(name: str, *roots: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in roots)


def test_only_crawler_imports_scrapy_or_twisted():
    for package in ("archive", "diffing", "redline"):
        bad = offenders(package, lambda n: under(n, "scrapy", "scrapy_redis", "twisted"))
        # the command layer starts crawls through crawler/, which imports Scrapy for it
        assert bad == [], bad


def test_archive_and_diffing_import_nothing_of_ours_above_them():
    assert offenders("archive", lambda n: under(n, "redline", "crawler", "diffing")) == []
    assert offenders("diffing", lambda n: under(n, "redline", "crawler", "archive")) == []


def test_diffing_never_imports_warcio():
    assert offenders("diffing", lambda n: under(n, "warcio")) == []


def test_crawler_never_imports_the_command_layer():
    command = lambda n: under(n, *COMMAND_LAYER) or n.endswith("_command")  # noqa: E731
    assert offenders("crawler", command) == []


def test_the_checker_sees_lazy_and_relative_imports():
    names = imports_of("redline")["redline/ingest.py"]
    assert "archive.index" in names or any(n.startswith("archive.") for n in names)
    assert any(n.startswith("redline.") for n in names)  # `from .config import ...`


def test_tracking_never_imports_the_crawler_or_the_commands():
    """redline/ outside cli/ is the layer under crawler/: it imports neither."""
    bad = [
        line
        for line in offenders("redline", lambda n: under(n, "crawler", "redline.cli"))
        if not line.startswith(("redline/cli/", "redline/__main__.py"))  # `python -m redline`
    ]
    assert bad == [], bad
