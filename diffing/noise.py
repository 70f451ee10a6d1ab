"""Per-request noise inside the article: what two fetches of one page made at once differ in.

The contract's noise principle: a live recapture whose article differs is fetched again at
once; body text that differs between the two fetches does not count in that pass, and
text that does so on two occasions is learned as the site's per-request noise. Exact
text rarely repeats (a promo's offer, a counter), so what is learned is the paragraph's
*shape*: a full-match pattern whose kept words are literal, whose numbers match any
number, and whose varying words match anything. The same promo yields the same shape on
every occasion, and nothing but paragraphs of that shape is ever ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from diffing.body_diff import diff_body
from diffing.textdiff import DELETE, EQUAL, INSERT, diff_texts

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_NUMBER_PATTERN = r"\d+(?:[.,:]\d+)*"
_ANYTHING = ".+?"
_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_KEPT_WORDS = 3  # a shape needs this many literal words to be learned at all


@dataclass(frozen=True)
class Volatile:
    """What differed between two fetches: `shapes` to count as occasions (and, once
    learned, to ignore for good), `exact` patterns of the differing paragraphs themselves
    (ignored in this pass only)."""

    shapes: tuple[str, ...]
    exact: tuple[str, ...]

    @property
    def ignore(self) -> tuple[str, ...]:
        return self.shapes + self.exact


def volatile_between(first: Sequence[str], second: Sequence[str]) -> Volatile:
    """The noise between two fetches' normalised body paragraphs.

    >>> v = volatile_between(["Storm hits.", "Subscribe now: offer 12 for 3 days."],
    ...                      ["Storm hits.", "Subscribe now: offer 40 for 3 days."])
    >>> v.shapes
    ('Subscribe\\\\ now:\\\\ offer\\\\ \\\\d+(?:[.,:]\\\\d+)*\\\\ for\\\\ \\\\d+(?:[.,:]\\\\d+)*\\\\ days\\\\.',)
    >>> bool(re.fullmatch(v.shapes[0], "Subscribe now: offer 7 for 10 days."))
    True
    """
    shapes: list[str] = []
    exact: list[str] = []
    blocks = [b for b in diff_body(list(first), list(second)) if b["op"] != "equal"]
    for k, block in enumerate(blocks):
        op, after = block["op"], blocks[k + 1] if k + 1 < len(blocks) else None
        if op == "insert" and k and blocks[k - 1]["op"] == "delete":
            continue  # shaped with the paragraph it replaced
        if "ops" in block:  # a paragraph edited between the fetches (or moved and edited)
            ops = block["ops"]
        elif op == "delete" and after is not None and after["op"] == "insert":
            ops = diff_texts(block["text"], after["text"])  # one rotated for another
        else:  # a paragraph only one fetch had, or one that moved
            ops = [(EQUAL, block["text"])]
        exact.extend(re.escape(t) for t in (_side(ops, INSERT), _side(ops, DELETE)) if t)
        shape = _shape_of_ops(ops)
        if shape is not None and shape not in shapes:
            shapes.append(shape)
    return Volatile(tuple(shapes), tuple(dict.fromkeys(exact)))


def _shape_of_ops(ops: Sequence[Sequence]) -> str | None:
    """Kept text literal (numbers generalised); each run of changed words: a number when
    both sides are numbers, else anything."""
    parts: list[str] = []
    kept_words = 0
    run: dict[int, list[str]] = {DELETE: [], INSERT: []}
    for op, text in [*ops, (EQUAL, "")]:
        if op != EQUAL:
            run[op].append(text)
            continue
        if run[DELETE] or run[INSERT]:
            sides = ["".join(run[DELETE]).strip(), "".join(run[INSERT]).strip()]
            numbers = all(_NUMBER.fullmatch(side) for side in sides)
            parts.append(_NUMBER_PATTERN if numbers else _ANYTHING)
            run = {DELETE: [], INSERT: []}
        parts.append(_literal(text))
        kept_words += len(_WORD.findall(text))
    if kept_words < MIN_KEPT_WORDS:
        return None
    return _tidy("".join(parts))


def _side(ops: Sequence[Sequence], drop: int) -> str:
    return "".join(text for op, text in ops if op != drop)


def _literal(text: str) -> str:
    """`text` as a pattern, its numbers matching any number."""
    out, at = [], 0
    for match in _NUMBER.finditer(text):
        out.append(re.escape(text[at : match.start()]))
        out.append(_NUMBER_PATTERN)
        at = match.end()
    out.append(re.escape(text[at:]))
    return "".join(out)


def _tidy(pattern: str) -> str:
    """One shape however the two fetches' numbers happened to coincide."""
    while True:
        tidier = pattern.replace(_ANYTHING + _ANYTHING, _ANYTHING)
        if tidier == pattern:
            return pattern
        pattern = tidier
