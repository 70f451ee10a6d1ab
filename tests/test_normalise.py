"""Normalisation: NFC and whitespace only; ignore patterns; body_sha1 and fingerprint."""

from __future__ import annotations

import doctest
import hashlib

import pytest

import diffing.normalise
from diffing.article import Article
from diffing.normalise import (
    body_sha1,
    fingerprint,
    normalise_field,
    normalise_paragraphs,
    normalise_text,
)


def test_doctests_pass():
    assert doctest.testmod(diffing.normalise).failed == 0


def test_nfc_and_whitespace_are_normalised():
    assert normalise_text("  Caf\u0065\u0301 \t\n opens\u00a0 today ") == "Caf\u00e9 opens today"


def test_nothing_else_is_normalised():
    assert normalise_text("Hello, World!") == "Hello, World!"
    assert normalise_text("every day") != normalise_text("everyday")
    assert normalise_text("\u201cquoted\u201d") == "\u201cquoted\u201d"


def test_empty_paragraphs_are_dropped():
    assert normalise_paragraphs(["One.", "  ", "", "\n", " Two. "]) == ["One.", "Two."]


def test_ignore_drops_a_fully_matching_paragraph_only():
    ignore = [r"Updated \d+ minutes? ago"]
    paragraphs = ["Updated 5  minutes ago", "Updated 5 minutes ago, the mayor said.", "Body."]
    assert normalise_paragraphs(paragraphs, ignore) == [
        "Updated 5 minutes ago, the mayor said.",
        "Body.",
    ]


def test_ignore_applies_to_headline_and_byline():
    assert normalise_field(" LIVE ", [r"LIVE"]) == ""
    assert normalise_field("LIVE: storm", [r"LIVE"]) == "LIVE: storm"


def test_bad_ignore_pattern_names_the_pattern():
    with pytest.raises(ValueError, match=r"ignore pattern '\(unclosed'"):
        normalise_paragraphs(["x"], ["(unclosed"])


def test_body_sha1_is_sha1_of_normalised_paragraphs_joined_by_blank_lines():
    expected = hashlib.sha1(b"First one.\n\nSecond.").hexdigest()
    assert body_sha1([" First  one.", "", "Second.\n"]) == expected


def test_body_sha1_sees_nfd_and_nfc_as_the_same():
    assert body_sha1(["Cafe\u0301"]) == body_sha1(["Caf\u00e9"])


def test_fingerprint_ignores_whitespace_but_not_text():
    a = Article("u", "Head", "By A", paragraphs=("One.", "Two."))
    same = Article("u2", " Head ", "By  A", paragraphs=("One.", "", "Two. "), language="en")
    edited = Article("u", "Head", "By A", paragraphs=("One.", "Two!"))
    assert fingerprint(a) == fingerprint(same)
    assert fingerprint(a) != fingerprint(edited)


def test_fingerprint_keeps_fields_apart():
    assert fingerprint(Article("u", "A", "B")) != fingerprint(Article("u", "", "AB"))
    assert fingerprint(Article("u", "A B")) != fingerprint(Article("u", "A", "B"))


def test_fingerprint_applies_ignore():
    a = Article("u", "Head", paragraphs=("Updated 5 minutes ago", "Text."))
    b = Article("u", "Head", paragraphs=("Updated 9 minutes ago", "Text."))
    assert fingerprint(a) != fingerprint(b)
    assert fingerprint(a, [r"Updated \d+ minutes ago"]) == fingerprint(
        b, [r"Updated \d+ minutes ago"]
    )
