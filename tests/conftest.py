"""Shared fixtures: where ../shared lives, and skipping cleanly when it does not."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip(
            "../shared (the real-world corpus and WARC fixtures) is not beside this checkout"
        )
    return SHARED


@pytest.fixture(scope="session")
def corpus(shared: Path) -> Path:
    return shared / "corpus"


@pytest.fixture(scope="session")
def warc_fixtures(shared: Path) -> Path:
    return shared / "fixtures" / "warc"
