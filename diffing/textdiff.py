"""Deterministic text differs over diff-match-patch, with ops as ``(-1 | 0 | 1, text)``.

Every differ here maps units (paragraphs, sentences or words) to single characters, as
``diff_linesToChars`` does for lines, and runs ``diff_main`` with ``Diff_Timeout = 0``, so
a stored diff is the same on every machine. Two things keep that affordable:

- units found on only one side can never be part of the longest common subsequence, so
  they are set aside before diffing (as GNU diff discards unmatched lines) and put back
  afterwards: a total rewrite costs almost nothing;
- words are diffed only inside sentences that were paired as similar; a sentence that
  shares too little with its counterpart is one deletion plus one insertion.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

Op = tuple[int, str]
DELETE, EQUAL, INSERT = -1, 0, 1

_WORD = r"\w+(?:['’.,:]\w+)*"  # keeps "don't", "3.5" and "1,000" whole
_TOKEN = re.compile(rf"{_WORD}|\s+|[^\w\s]")
_WORDS = re.compile(_WORD)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'’”»)\]]*\s+|[。！？]+[」』”’)]*\s*")

PAIR_WINDOW = 8  # how far ahead to look for a counterpart when pairing in order
PAIR_THRESHOLD = 0.5  # Dice similarity of word sets needed to diff two units word by word
WORD_DIFF_CHARS = (
    2000  # a changed run of sentences up to this size (both sides) is word-diffed whole
)


@dataclass(frozen=True)
class Hunk:
    """A run of a unit diff: equal units, or the units deleted and inserted between two
    equal runs. ``old_start``/``new_start`` index the first unit on each side."""

    equal: bool
    old_start: int
    new_start: int
    old: tuple[str, ...]
    new: tuple[str, ...]


def make_dmp() -> diff_match_patch:
    """A diff-match-patch with no time limit, so results never depend on machine speed."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    return dmp


_DMP = make_dmp()


def split_words(text: str) -> list[str]:
    """Words (with inner apostrophes and number punctuation), whitespace runs and single
    punctuation marks; joined back they give ``text``."""
    return _TOKEN.findall(text)


def count_words(text: str) -> int:
    """Number of words in ``text``, as the word differ counts them."""
    return len(_WORDS.findall(text))


def split_sentences(text: str) -> list[str]:
    """Sentences, each with its trailing whitespace; joined back they give ``text``."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        sentences.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        sentences.append(text[start:])
    return sentences


def _encode(a: Sequence[str], b: Sequence[str]) -> tuple[str, str, list[str]]:
    """Each distinct unit becomes one character (skipping the surrogate range)."""
    codes: dict[str, str] = {}
    units: list[str] = []
    for unit in (*a, *b):
        if unit not in codes:
            n = len(units) + 1
            codes[unit] = chr(n if n < 0xD800 else n + 0x800)
            units.append(unit)
    return "".join(codes[u] for u in a), "".join(codes[u] for u in b), units


def _decode(char: str, units: list[str]) -> str:
    n = ord(char)
    return units[(n if n < 0xD800 else n - 0x800) - 1]


def _matched_pairs(a: str, b: str) -> list[tuple[int, int]]:
    """Index pairs of a longest common subsequence of ``a`` and ``b``."""
    common = set(a) & set(b)
    a_keep = [i for i, c in enumerate(a) if c in common]
    b_keep = [j for j, c in enumerate(b) if c in common]
    reduced_a, reduced_b = "".join(a[i] for i in a_keep), "".join(b[j] for j in b_keep)
    pairs: list[tuple[int, int]] = []
    x = y = 0
    for op, text in _DMP.diff_main(reduced_a, reduced_b, False):
        n = len(text)
        if op == EQUAL:
            pairs.extend((a_keep[x + k], b_keep[y + k]) for k in range(n))
        x += n if op != INSERT else 0
        y += n if op != DELETE else 0
    return pairs


def diff_chars(a: str, b: str) -> list[Op]:
    """A minimal diff of two encoded strings, deletions before insertions in each hunk."""
    diffs: list[Op] = []
    pa = pb = 0
    for ai, bi in [*_matched_pairs(a, b), (len(a), len(b))]:
        if ai > pa:
            diffs.append((DELETE, a[pa:ai]))
        if bi > pb:
            diffs.append((INSERT, b[pb:bi]))
        if ai < len(a):
            diffs.append((EQUAL, a[ai]))
        pa, pb = ai + 1, bi + 1
    return merge_ops(diffs)


def merge_ops(ops: Sequence[Op]) -> list[Op]:
    """Join neighbouring ops of the same kind and drop empty ones."""
    merged: list[Op] = []
    for op, text in ops:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def diff_units(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, tuple[str, ...]]]:
    """Diff two sequences of units (paragraphs, sentences): ops carry the units."""
    ca, cb, units = _encode(a, b)
    return [(op, tuple(_decode(c, units) for c in text)) for op, text in diff_chars(ca, cb)]


def iter_hunks(ops: Sequence[tuple[int, tuple[str, ...]]]) -> Iterator[Hunk]:
    """Group a unit diff into equal runs and changed regions, with their start indices."""
    x = y = 0
    old: list[str] = []
    new: list[str] = []
    for op, units in [*ops, (EQUAL, ())]:
        if op == DELETE:
            old.extend(units)
        elif op == INSERT:
            new.extend(units)
        else:
            if old or new:
                yield Hunk(False, x, y, tuple(old), tuple(new))
                x, y, old, new = x + len(old), y + len(new), [], []
            if units:
                yield Hunk(True, x, y, units, units)
                x, y = x + len(units), y + len(units)


def word_set(text: str) -> frozenset[str]:
    """The case-folded words of ``text``."""
    return frozenset(_WORDS.findall(text.casefold()))


def dice(sa: frozenset[str], sb: frozenset[str]) -> float:
    return 2 * len(sa & sb) / (len(sa) + len(sb)) if sa or sb else 0.0


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' word sets (1.0 for equal texts)."""
    return 1.0 if a == b else dice(word_set(a), word_set(b))


def _similar_enough() -> Callable[[str, str], bool]:
    """A similarity test that finds each unit's word set once (alignment asks often)."""
    sets: dict[str, frozenset[str]] = {}

    def words(text: str) -> frozenset[str]:
        if text not in sets:
            sets[text] = word_set(text)
        return sets[text]

    return lambda a, b: a == b or dice(words(a), words(b)) >= PAIR_THRESHOLD


def align(
    old: Sequence[str], new: Sequence[str], similar: Callable[[str, str], bool] | None = None
) -> list[tuple[int | None, int | None]]:
    """Pair deleted with inserted units in order when similar: ``(i, None)`` is a deletion,
    ``(None, j)`` an insertion, ``(i, j)`` a pair to diff further. Looking only
    ``PAIR_WINDOW`` units ahead keeps a total rewrite linear."""
    similar = similar or _similar_enough()
    out: list[tuple[int | None, int | None]] = []
    j = 0
    for i, unit in enumerate(old):
        ahead = range(j, min(len(new), j + PAIR_WINDOW))
        match = next((k for k in ahead if similar(unit, new[k])), None)
        if match is None:
            out.append((i, None))
            continue
        out.extend((None, k) for k in range(j, match))
        out.append((i, match))
        j = match + 1
    out.extend((None, k) for k in range(j, len(new)))
    return out


def diff_words(old: str, new: str) -> list[Op]:
    """Word-level diff; trivial equalities between edits are folded into the edits."""
    ca, cb, units = _encode(split_words(old), split_words(new))
    diffs = diff_chars(ca, cb)
    _DMP.diff_cleanupEfficiency(diffs)
    return merge_ops([(op, "".join(_decode(c, units) for c in text)) for op, text in diffs])


def diff_texts(old: str, new: str) -> list[Op]:
    """Diff two texts sentence by sentence, then word by word inside similar sentences.

    Ops are ``(-1 | 0 | 1, text)``; the 0 and -1 texts give ``old``, 0 and 1 give ``new``.

    >>> diff_texts("The mayor said no. Taxes rise.", "The mayor said yes. Taxes rise.")
    [(0, 'The mayor said '), (-1, 'no'), (1, 'yes'), (0, '. Taxes rise.')]
    >>> diff_texts("Storm hits coast.", "Markets fall sharply.")
    [(-1, 'Storm hits coast.'), (1, 'Markets fall sharply.')]
    """
    if old == new:
        return [(EQUAL, old)] if old else []
    ops: list[Op] = []
    for hunk in iter_hunks(diff_units(split_sentences(old), split_sentences(new))):
        old_run, new_run = "".join(hunk.old), "".join(hunk.new)
        if hunk.equal:
            ops.append((EQUAL, old_run))
        elif _fits_word_diff(old_run, new_run):
            ops.extend(diff_words(old_run, new_run))
        else:
            ops.extend(_diff_sentence_pairs(hunk))
    return merge_ops(ops)


def _fits_word_diff(old: str, new: str) -> bool:
    """Small, similar runs are diffed word by word whole, so that a sentence split in two
    or joined reads as the punctuation edit it is."""
    if len(old) + len(new) > WORD_DIFF_CHARS:
        return False
    return similarity(old, new) >= PAIR_THRESHOLD


def _diff_sentence_pairs(hunk: Hunk) -> Iterator[Op]:
    for i, j in align(hunk.old, hunk.new):
        if i is not None and j is not None:
            yield from diff_words(hunk.old[i], hunk.new[j])
        elif i is not None:
            yield DELETE, hunk.old[i]
        elif j is not None:
            yield INSERT, hunk.new[j]


def old_side(ops: Sequence[Sequence]) -> str:
    """The text before the change."""
    return "".join(text for op, text in ops if op != INSERT)


def new_side(ops: Sequence[Sequence]) -> str:
    """The text after the change."""
    return "".join(text for op, text in ops if op != DELETE)
