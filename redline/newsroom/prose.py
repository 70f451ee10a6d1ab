"""Deterministic, plausible English news prose for the local newsroom.

Everything comes from a `random.Random` the caller seeds, so the same seed always gives
the same headlines, bylines and paragraphs (tests and benchmarks rely on it).
"""

from __future__ import annotations

import random
import re

SECTIONS = ("politics", "business", "science")

_FIRST = [
    "Maria",
    "James",
    "Aisha",
    "Tom",
    "Elena",
    "Samuel",
    "Priya",
    "Daniel",
    "Hannah",
    "Kwame",
    "Lucy",
    "Omar",
    "Grace",
    "Peter",
]
_LAST = [
    "Okafor",
    "Lindqvist",
    "Moreno",
    "Chen",
    "Whitfield",
    "Haddad",
    "Novak",
    "Brennan",
    "Sato",
    "Adeyemi",
    "Keller",
]
_PLACES = (
    "Riverton", "the northern district", "Port Ellery", "the capital", "Westbrook",
    "the coastal region", "Mill Valley", "the eastern suburbs", "Northgate",
)  # fmt: skip
_ACTORS = {
    "politics": ("the council", "the opposition leader", "the finance minister",
                 "a cross-party committee", "the mayor's office", "local campaigners"),
    "business": ("the company", "the central bank", "shareholders", "the regulator",
                 "a group of small retailers", "the board"),
    "science": ("the research team", "the university", "independent scientists",
                "the space agency", "health officials", "the laboratory"),
}  # fmt: skip
_SUBJECTS = {
    "politics": ("housing plan", "budget", "transport levy", "election reform", "school funding"),
    "business": ("merger", "quarterly results", "interest rates", "factory closure", "pay deal"),
    "science": ("vaccine trial", "climate study", "telescope data", "water quality", "bird census"),
}
_VERBS = (
    "announced", "questioned", "defended", "delayed", "approved", "criticised",
    "welcomed", "reviewed", "rejected", "confirmed",
)  # fmt: skip
_HEAD_PATTERNS = (
    "{Actor} {verb} {subject} in {place}",
    "{Place} {subject} {verb} after {n} days of talks",
    "{Actor} faces questions over {subject}",
    "Why the {subject} matters for {place}",
    "{n} things to know about the {subject}",
)
_SENTENCES = (
    "{Actor} {verb} the {subject} on {day}, saying it would affect about {n} households in {place}.",
    'Speaking to reporters, {name} said the decision had been "a long time coming".',
    "The {subject} has been debated for months, and {actor} {verb} an earlier version in {month}.",
    "Critics argue that the figures do not add up, pointing to a shortfall of {n} million.",
    "{Name}, who has followed the {subject} closely, said the details matter most.",
    "A spokesperson for {actor} declined to comment further on {day}.",
    "Residents of {place} said they had not been consulted before the announcement.",
    "The plan is expected to be reviewed again in {month}, when new figures are published.",
    "According to documents seen by this newspaper, {actor} had considered {n} alternatives.",
    "{Actor} said it remained committed to the {subject} despite the criticism.",
    "Local businesses in {place} have warned that the timetable is unrealistic.",
    '"We have listened carefully," {name} told a meeting in {place} on {day}.',
    "Further details are due to be set out in a report to {actor} later this year.",
    "Officials estimate the cost at {n} million, although earlier estimates were lower.",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "March", "May", "July", "September", "November")


def make_byline(rng: random.Random) -> str:
    """'By Maria Okafor', sometimes with a second reporter."""
    names = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(rng.choice((1, 1, 2)))]
    return "By " + " and ".join(names)


def make_headline(rng: random.Random, section: str) -> str:
    words = _fill(rng, section)
    return _capitalise(rng.choice(_HEAD_PATTERNS).format(**words))


def make_paragraphs(rng: random.Random, section: str) -> list[str]:
    """4-12 paragraphs of 40-120 words each."""
    return [_make_paragraph(rng, section) for _ in range(rng.randint(4, 12))]


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:80].rstrip("-") or "story"


def _make_paragraph(rng: random.Random, section: str) -> str:
    target = rng.randint(40, 120)
    sentences: list[str] = []
    words = 0
    for template in rng.sample(_SENTENCES, len(_SENTENCES)):
        sentence = _capitalise(template.format(**_fill(rng, section)))
        if sentences and words + len(sentence.split()) > 120:
            break
        sentences.append(sentence)
        words += len(sentence.split())
        if words >= target:
            break
    return " ".join(sentences)


def _fill(rng: random.Random, section: str) -> dict[str, str]:
    actor, place = rng.choice(_ACTORS[section]), rng.choice(_PLACES)
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    return {
        "actor": actor, "Actor": _capitalise(actor), "place": place, "Place": _capitalise(place),
        "name": name, "Name": name, "subject": rng.choice(_SUBJECTS[section]),
        "verb": rng.choice(_VERBS), "n": str(rng.randint(2, 950)),
        "day": rng.choice(_DAYS), "month": rng.choice(_MONTHS),
    }  # fmt: skip


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
