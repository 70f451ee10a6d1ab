"""Normalisation and fingerprints: what counts as "the same text".

The contract allows exactly two normalisations: Unicode NFC, and collapsing every run of
whitespace (Unicode whitespace, so no-break spaces too) to one space with the ends
stripped. Nothing else is normalised away: letter case, punctuation and a space removed
between two words are all changes.

A site's ``ignore`` patterns (regular expressions, as strings) drop text that is never an
edit, such as "Updated 5 minutes ago". A paragraph, headline or byline is dropped (treated
as absent) when its *normalised* text matches a pattern completely (``re.fullmatch``); a
pattern that matches only part of a paragraph drops nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from diffing.article import Article

# Headline forms besides the visible one (Article.headline), in the order they are named.
OTHER_FORMS = ("title", "social", "structured")


def normalise_text(text: str) -> str:
    """NFC, whitespace runs collapsed to one space, ends stripped.

    >>> normalise_text("  Cafe\\u0301\\u00a0 opens\\n")
    'Café opens'
    """
    # str.split() splits at the characters `\s` matches (Unicode whitespace), only faster.
    return " ".join(unicodedata.normalize("NFC", text).split()) if text else ""


@lru_cache(maxsize=256)
def compile_ignore(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """Compile ignore patterns; a bad one raises ValueError naming the pattern."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as error:
            raise ValueError(f"ignore pattern {pattern!r} is not a valid regex: {error}") from None
    return tuple(compiled)


def is_ignored(text: str, ignore: Sequence[str] = ()) -> bool:
    """True when the normalised ``text`` fully matches one of the ignore patterns."""
    return any(p.fullmatch(text) for p in compile_ignore(tuple(ignore)))


def normalise_field(text: str | None, ignore: Sequence[str] = ()) -> str:
    """A normalised headline or byline; "" when it is empty or ignored."""
    clean = normalise_text(text or "")
    return "" if clean and is_ignored(clean, ignore) else clean


def normalise_paragraphs(paragraphs: Iterable[str], ignore: Sequence[str] = ()) -> list[str]:
    """Normalised paragraphs, without empty ones and without those an ignore pattern drops."""
    patterns = compile_ignore(tuple(ignore))
    kept = []
    for paragraph in paragraphs:
        clean = normalise_text(paragraph)
        if clean and not any(p.fullmatch(clean) for p in patterns):
            kept.append(clean)
    return kept


def body_sha1(paragraphs: Sequence[str]) -> str:
    """Lowercase hex SHA-1 of the normalised body (normalised paragraphs joined by blank lines).

    >>> body_sha1(["A  first\\tparagraph.", " ", "A second."]) == body_sha1(
    ...     ["A first paragraph.", "A second."])
    True
    """
    body = "\n\n".join(normalise_paragraphs(paragraphs))
    return hashlib.sha1(body.encode("utf-8")).hexdigest()


def fingerprint(article: Article, ignore: Sequence[str] = ()) -> str:
    """Hash of the normalised headline, byline and body: equal fingerprints, same article.

    Used to recognise an unchanged recapture and a return to an earlier version (an A/B
    test of any headline form is a repeat, reported once). Dates,
    URLs and language are left out: they are not part of what the reader reads as the
    article's text.
    """
    parts: list = [
        normalise_field(article.headline, ignore),
        normalise_field(article.byline, ignore),
        normalise_paragraphs(article.paragraphs, ignore),
    ]
    # The other headline forms, when the extraction has them (one from before forms were
    # recorded keeps its fingerprint): a social-headline-only rewrite is another version.
    forms = [(f, normalise_field(article.headlines[f], ignore)) for f in OTHER_FORMS
             if f in article.headlines]  # fmt: skip
    if forms:
        parts.append(forms)
    encoded = json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha1(encoded).hexdigest()
