"""Compare two versions of an article: what changed, how much, and how significant.

The stored diff (``Change.diff``) is a JSON-serialisable dict::

    {"version": 1,
     "headline": [[op, text], ...] or None,   # word-level ops, None when unchanged
     "byline":   [[op, text], ...] or None,
     "body":     [block, ...],                # [] when unchanged; blocks: diffing.body_diff
     "headlines": {form: [[op, text], ...]}}  # only when a form other than the visible
                                              # headline changed ("title", "social",
                                              # "structured"); absent otherwise

Ops are ``-1`` (deleted), ``0`` (kept), ``1`` (inserted). Everything is computed on the
normalised text (see diffing.normalise), after dropping what the site's ignore patterns
match, so ``json.dumps(change.diff, sort_keys=True)`` is the same for the same inputs.

Significance, per the user contract: a change is ``minor`` when every edit in it is only
punctuation, letter case or whitespace (a space removed between two words counts here:
the letters are unchanged, and the change is still reported), or a one-letter fix inside
a word (one letter inserted, deleted, replaced, or two neighbours swapped, in a word of
at least 4 letters, so "now"/"not" and "he"/"she" stay substantive). Any edit that
touches a digit, a moved paragraph, and anything larger is ``substantive``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from diffing.article import Article
from diffing.body_diff import diff_body
from diffing.normalise import OTHER_FORMS, normalise_field, normalise_paragraphs
from diffing.textdiff import DELETE, EQUAL, INSERT, count_words, diff_texts

DIFF_VERSION = 1
KINDS = ("headline", "byline", "body")
MIN_TYPO_WORD = 4  # shortest word in which a one-letter fix is still minor
_LETTERS = re.compile(r"\w+")


@dataclass(frozen=True)
class Change:
    """A difference between two versions of one article."""

    kinds: tuple[str, ...]
    significance: str
    diff: dict
    added_words: int
    removed_words: int
    headline_forms: tuple[str, ...] = ()  # "visible" and/or OTHER_FORMS that changed
    headlines_before: dict[str, str] = field(default_factory=dict, hash=False)  # other forms
    headlines_after: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Edit:
    """One hunk of a word diff: deleted and inserted text with the kept text around it."""

    deleted: str
    inserted: str
    before: str = ""
    after: str = ""
    moved: bool = False  # a paragraph moved elsewhere


def compare_articles(old: Article, new: Article, ignore: Sequence[str] = ()) -> Change | None:
    """The change from ``old`` to ``new``, or None when they are equal after normalisation."""
    diff: dict[str, Any] = {
        "version": DIFF_VERSION,
        "headline": _field_ops(old.headline, new.headline, ignore),
        "byline": _field_ops(old.byline, new.byline, ignore),
        "body": diff_body(
            normalise_paragraphs(old.paragraphs, ignore),
            normalise_paragraphs(new.paragraphs, ignore),
        ),
    }
    forms = _form_ops(old, new, ignore)
    if forms:
        diff["headlines"] = forms
    kinds = tuple(kind for kind in KINDS if diff[kind] or (kind == "headline" and forms))
    if not kinds:
        return None
    counted = list(iter_edits(diff, forms=False))  # a form repeating the h1's edit: once
    return Change(
        kinds=kinds,
        significance=classify(list(iter_edits(diff))),
        diff=diff,
        added_words=sum(count_words(e.inserted) for e in counted),
        removed_words=sum(count_words(e.deleted) for e in counted),
        headline_forms=(("visible",) if diff["headline"] else ()) + tuple(forms),
        headlines_before={f: old.headlines[f] for f in forms},
        headlines_after={f: new.headlines[f] for f in forms},
    )


def _form_ops(old: Article, new: Article, ignore: Sequence[str]) -> dict[str, list[list]]:
    """Word ops of each other headline form that changed. A form either version lacks is
    no change: a page that stops giving one, or a revision from before forms were
    recorded (the contract's upgrade rule: a field the previous revision lacks is a
    baseline)."""
    found = {}
    for form in OTHER_FORMS:
        before, after = old.headlines.get(form), new.headlines.get(form)
        if before is not None and after is not None:
            ops = _field_ops(before, after, ignore)
            if ops:
                found[form] = ops
    return found


def _field_ops(old: str, new: str, ignore: Sequence[str]) -> list[list] | None:
    before, after = normalise_field(old, ignore), normalise_field(new, ignore)
    return None if before == after else [list(op) for op in diff_texts(before, after)]


def iter_edits(diff: dict, *, forms: bool = True) -> Iterator[Edit]:
    """Every edit in a stored diff; a move is an edit without text of its own. With
    `forms`, the other headline forms' edits too (they count for significance)."""
    for name in ("headline", "byline"):
        yield from edits_of_ops(diff.get(name) or ())
    if forms:
        for ops in (diff.get("headlines") or {}).values():
            yield from edits_of_ops(ops)
    for block in diff.get("body") or ():
        op = block["op"]
        if op in ("change", "move") and "ops" in block:
            yield from edits_of_ops(block["ops"])
        if op == "move":
            yield Edit("", "", moved=True)
        elif op == "insert":
            yield Edit("", block["text"])
        elif op == "delete":
            yield Edit(block["text"], "")


def edits_of_ops(ops: Sequence[Sequence]) -> Iterator[Edit]:
    """Group word-level ops into edits, each with its neighbouring kept text."""
    deleted: list[str] = []
    inserted: list[str] = []
    before = ""
    for op, text in [*ops, (EQUAL, "")]:
        if op == DELETE:
            deleted.append(text)
        elif op == INSERT:
            inserted.append(text)
        else:
            if deleted or inserted:
                yield Edit("".join(deleted), "".join(inserted), before, text)
                deleted, inserted = [], []
            before = text


def classify(edits: Sequence[Edit]) -> str:
    """Minor when every edit is minor, else substantive."""
    return "minor" if all(is_minor(edit) for edit in edits) else "substantive"


def is_minor(edit: Edit) -> bool:
    """Punctuation, case, whitespace or a one-letter fix inside a word; never a digit."""
    if edit.moved or _touches_digit(edit):
        return False
    if _skeleton(edit.deleted) == _skeleton(edit.inserted):
        return True
    old_words = _LETTERS.findall(edit.deleted.casefold())
    new_words = _LETTERS.findall(edit.inserted.casefold())
    if len(old_words) != len(new_words):
        return False
    return all(
        a == b or (max(len(a), len(b)) >= MIN_TYPO_WORD and is_one_letter_apart(a, b))
        for a, b in zip(old_words, new_words)
    )


def _touches_digit(edit: Edit) -> bool:
    """A digit deleted or inserted, or an edit inside a number ("3.5" -> "35")."""
    if any(c.isdigit() for c in edit.deleted + edit.inserted):
        return True
    return edit.before[-1:].isdigit() and edit.after[:1].isdigit()


def _skeleton(text: str) -> str:
    """The letters and digits of ``text``, case folded."""
    return "".join(c for c in text.casefold() if c.isalnum())


def is_one_letter_apart(a: str, b: str) -> bool:
    """One letter inserted, deleted or replaced, or two neighbouring letters swapped.

    >>> [is_one_letter_apart(*p) for p in [("teh", "the"), ("goverment", "government"),
    ...                                     ("cat", "cut"), ("cat", "cat"), ("cat", "dog")]]
    [True, True, True, False, False]
    """
    if len(a) == len(b):
        wrong = [k for k in range(len(a)) if a[k] != b[k]]
        if len(wrong) == 1:
            return True
        return (
            len(wrong) == 2
            and wrong[1] == wrong[0] + 1
            and (a[wrong[0]], a[wrong[1]]) == (b[wrong[1]], b[wrong[0]])
        )
    short, long = sorted((a, b), key=len)
    if len(long) - len(short) != 1:
        return False
    k = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return short[k:] == long[k + 1 :]
