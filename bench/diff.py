"""Benchmark the diff engine against plain diff-match-patch on real article texts.

Run: .venv/bin/python bench/diff.py [--articles N]

Pairs are built from the real article bodies of the extraction benchmark in
../shared/corpus (paragraphs split on newlines), each with one realistic edit (a word, a
number, a sentence added, a paragraph added/removed/moved, a typo fix, several edits),
plus total rewrites of ~70,000-character articles. For every pair it times
``compare_articles`` (Diff_Timeout = 0, paragraph -> sentence -> word) and, in the same
run, the baseline: ``diff_main`` with default settings (Diff_Timeout = 1) on the full
body texts. Targets: p99 <= 50 ms on edit pairs; <= 100 ms for each total rewrite.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from diff_match_patch import diff_match_patch

from diffing.article import Article
from diffing.compare import compare_articles

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT.parent / "shared" / "corpus" / "pages-extraction-benchmark" / "manifest.json"
REWRITE_CHARS = 70_000
Edit = Callable[[list[str], random.Random], list[str]]


def load_bodies(limit: int) -> list[list[str]]:
    entries = json.loads(MANIFEST.read_text(encoding="utf-8"))
    bodies = [[p for p in (e.get("articleBody") or "").split("\n") if p.strip()] for e in entries]
    return [b for b in bodies if len(b) >= 4][:limit]


def _word_spots(paras: list[str], rng: random.Random, pattern: str) -> tuple[int, re.Match]:
    candidates = [(n, m) for n, p in enumerate(paras) for m in re.finditer(pattern, p)]
    return rng.choice(candidates) if candidates else (0, None)


def _replace(paras: list[str], n: int, match: re.Match, text: str) -> list[str]:
    out = list(paras)
    out[n] = paras[n][: match.start()] + text + paras[n][match.end() :]
    return out


def edit_word(paras: list[str], rng: random.Random) -> list[str]:
    n, m = _word_spots(paras, rng, r"\b[a-z]{4,}\b")
    return _replace(paras, n, m, "redacted") if m else [*paras, "redacted"]


def edit_number(paras: list[str], rng: random.Random) -> list[str]:
    n, m = _word_spots(paras, rng, r"\d")
    return _replace(paras, n, m, str((int(m.group()) + 1) % 10)) if m else [*paras, "Now 42."]


def fix_typo(paras: list[str], rng: random.Random) -> list[str]:
    n, m = _word_spots(paras, rng, r"\b[a-z]{5,}\b")
    w = m.group() if m else ""
    return _replace(paras, n, m, w[0] + w[2] + w[1] + w[3:]) if m else paras[::-1]


def add_sentence(paras: list[str], rng: random.Random) -> list[str]:
    n = rng.randrange(len(paras))
    extra = " A spokesperson later declined to comment."
    return [p + extra if k == n else p for k, p in enumerate(paras)]


def add_paragraph(paras: list[str], rng: random.Random) -> list[str]:
    out = list(paras)
    out.insert(rng.randrange(len(paras) + 1), "This article has been updated with new details.")
    return out


def remove_paragraph(paras: list[str], rng: random.Random) -> list[str]:
    out = list(paras)
    del out[rng.randrange(len(paras))]
    return out


def move_paragraph(paras: list[str], rng: random.Random) -> list[str]:
    out = list(paras)
    out.insert(rng.randrange(len(paras)), out.pop(rng.randrange(len(paras))))
    return out if out != paras else paras[1:] + paras[:1]


def several_edits(paras: list[str], rng: random.Random) -> list[str]:
    for edit in rng.sample([edit_word, edit_number, fix_typo, add_sentence, add_paragraph], 3):
        paras = edit(paras, rng)
    return paras


EDITS: dict[str, Edit] = {
    f.__name__: f
    for f in (edit_word, edit_number, fix_typo, add_sentence)
    + (add_paragraph, remove_paragraph, move_paragraph, several_edits)
}


def edit_pairs(bodies: list[list[str]]) -> list[tuple[str, list[str], list[str]]]:
    rng = random.Random(20261128)
    return [(name, b, edit(b, rng)) for b in bodies for name, edit in EDITS.items()]


def rewrite_pairs(bodies: list[list[str]], count: int) -> list[tuple[str, list[str], list[str]]]:
    """Articles of ~70,000 characters replaced by entirely different text; half of them as
    one huge paragraph, which exercises the sentence level."""
    pairs = []
    for n in range(count):
        rotated = bodies[n * 7 % len(bodies) :] + bodies[: n * 7 % len(bodies)]
        old, new = _fill(rotated[::2]), _fill(rotated[1::2])
        if n % 2:
            old, new = [" ".join(old)], [" ".join(new)]
        pairs.append(("rewrite (one paragraph)" if n % 2 else "rewrite", old, new))
    return pairs


def _fill(bodies: list[list[str]]) -> list[str]:
    out: list[str] = []
    for body in bodies:
        if sum(map(len, out)) >= REWRITE_CHARS:
            break
        out.extend(body)
    return out


def time_pair(old: list[str], new: list[str]) -> tuple[float, float]:
    """(ours, baseline) in milliseconds."""
    a, b = (
        Article("u", "Headline", paragraphs=tuple(old)),
        Article("u", "Headline", paragraphs=tuple(new)),
    )
    start = time.perf_counter()
    compare_articles(a, b)
    ours = time.perf_counter() - start
    dmp = diff_match_patch()
    gc.collect()
    start = time.perf_counter()
    dmp.diff_main("\n\n".join(old), "\n\n".join(new))
    return ours * 1000, (time.perf_counter() - start) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(label: str, timings: list[tuple[float, float]]) -> tuple[float, float]:
    ours, base = [t[0] for t in timings], [t[1] for t in timings]
    p50, p99 = percentile(ours, 0.5), percentile(ours, 0.99)
    b50, b99 = percentile(base, 0.5), percentile(base, 0.99)
    print(
        f"{label:<24} n={len(timings):<5} ours p50 {p50:7.2f} ms  p99 {p99:7.2f} ms"
        f"  max {max(ours):7.2f} | dmp default p50 {b50:7.2f} ms  p99 {b99:7.2f} ms"
        f" | ratio p50 {p50 / b50:5.2f}  p99 {p99 / b99:5.2f}"
    )
    return p99, max(ours)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="real articles to use")
    parser.add_argument("--rewrites", type=int, default=10, help="70,000-char rewrites to time")
    args = parser.parse_args()
    if not MANIFEST.is_file():
        print(f"bench/diff.py: {MANIFEST} not found (../shared is not beside this checkout)")
        return 2
    bodies = load_bodies(args.articles)
    by_kind: dict[str, list[tuple[float, float]]] = {}
    for name, old, new in edit_pairs(bodies) + rewrite_pairs(bodies, args.rewrites):
        by_kind.setdefault(name, []).append(time_pair(old, new))
    median = statistics.median(sum(map(len, body)) for body in bodies)
    print(f"{len(bodies)} real articles, median {median:.0f} characters of body text")
    for name, timings in by_kind.items():
        report(name, timings)
    edits = [t for name, ts in by_kind.items() if not name.startswith("rewrite") for t in ts]
    rewrites = [t for name, ts in by_kind.items() if name.startswith("rewrite") for t in ts]
    p99, _ = report("ALL EDIT PAIRS", edits)
    _, worst = report("ALL REWRITES", rewrites)
    print(f"target edit p99 <= 50 ms: {'met' if p99 <= 50 else 'MISSED'} ({p99:.2f} ms)")
    print(
        f"target rewrite <= 100 ms each: {'met' if worst <= 100 else 'MISSED'} (max {worst:.2f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
