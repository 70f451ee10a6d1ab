"""Extraction on real pages no one tuned for (../shared/corpus), with bench/extract_real.py's
measures: the floors issue 12 set for full human-checked ground truth."""

from __future__ import annotations

import importlib.util
import statistics
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def real(corpus: Path):
    """bench/extract_real.py, whose measures these floors use."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location(
            "extract_real", ROOT / "bench" / "extract_real.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["extract_real"] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return module


@pytest.fixture(scope="module", params=["readability", "fundus"])
def scored(request, real, corpus: Path):
    """(corpus name, redline's Scores over both halves)."""
    scores = real.Scores()
    for page in real.CORPORA[request.param](corpus):
        real.score(page, real.run_redline(page.path.read_bytes(), page.url), scores)
    return request.param, scores


def test_body_recall_and_leakage_meet_the_floors(real, scored) -> None:
    name, scores = scored
    assert len(scores.recall) >= 60, name
    assert statistics.median(scores.recall) >= 0.97, name
    assert real.percentile(scores.recall, 0.1) >= 0.85, name
    assert statistics.median(scores.leakage) <= 0.03, name


def test_the_true_headline_is_among_the_page_headline_forms(scored) -> None:
    """Sources differ on which form is "the" headline (fundus often takes og:title), but
    redline keeps every form, so the truth is almost always one of them."""
    name, scores = scored
    assert sum(scores.any_form) / len(scores.any_form) >= 0.95, name
    assert sum(scores.headline) / len(scores.headline) >= 0.85, name


def test_bylines_name_the_right_people(scored) -> None:
    name, scores = scored
    assert sum(scores.byline) / len(scores.byline) >= 0.82, name


def test_the_split_is_fixed_and_about_even(real) -> None:
    names = [f"page-{n}.html" for n in range(400)]
    dev = [n for n in names if real.half(n) == "dev"]
    assert 160 <= len(dev) <= 240
    assert real.half("page-7.html") == real.half("page-7.html")


@pytest.mark.parametrize(
    ("ours", "truth", "right"),
    [
        ("Storm floods coast | Daily Planet", "Storm floods coast", True),
        ("storm  floods COAST", "Storm floods coast", True),
        ("Storm floods", "Storm floods coast", False),
        ("Kenia: Nairobi von unten", "Nairobi von unten", False),
    ],
)
def test_headline_measure(real, ours: str, truth: str, right: bool) -> None:
    assert real.headline_right(ours, truth) is right


def test_byline_and_body_measures(real) -> None:
    assert real.person_names("By Ann Lee and Bo Chen, March 25, 2015") == {"ann lee", "bo chen"}
    assert real.recall_and_leakage("a b c d", "a b c e") == (0.75, 0.25)
    assert real.recall_and_leakage("東京で大雨", "東京で雨") == pytest.approx((1.0, 0.2))
    assert real.starts_with("Rain, at last: the town", "rain at last")
