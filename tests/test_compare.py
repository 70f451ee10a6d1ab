"""compare_articles: kinds, significance, word counts and the stored diff, exactly."""

from __future__ import annotations

import doctest
import json

import pytest

import diffing.compare
from diffing.article import Article
from diffing.compare import Change, compare_articles
from diffing.textdiff import new_side, old_side

HEADLINE = "Council approves new bridge"
BYLINE = "By Jane Doe"
BODY = (
    "The city council voted on Monday to approve a new bridge over the river.",
    "The bridge will cost 12 million pounds and open in 2027, officials said.",
    "Residents have campaigned for a crossing for more than a decade.",
    "Opponents say the money should go to schools instead.",
    "The mayor called the vote a historic moment for the city.",
)


def article(headline=HEADLINE, byline=BYLINE, paragraphs=BODY) -> Article:
    return Article("https://news.example/2026/bridge", headline, byline, paragraphs=paragraphs)


def with_paragraph(index: int, text: str) -> tuple[str, ...]:
    return tuple(text if n == index else p for n, p in enumerate(BODY))


def edit_body(index: int, old: str, new: str) -> Change | None:
    return compare_articles(
        article(), article(paragraphs=with_paragraph(index, BODY[index].replace(old, new)))
    )


def test_doctests_pass():
    assert doctest.testmod(diffing.compare).failed == 0


def test_one_word_body_edit():
    change = edit_body(3, "schools", "hospitals")
    assert change == Change(
        kinds=("body",),
        significance="substantive",
        diff={
            "version": 1,
            "headline": None,
            "byline": None,
            "body": [
                {"op": "equal", "old": 0, "new": 0, "count": 2},
                {"op": "equal", "old": 2, "new": 2, "text": BODY[2]},
                {
                    "op": "change",
                    "old": 3,
                    "new": 3,
                    "ops": [
                        [0, "Opponents say the money should go to "],
                        [-1, "schools"],
                        [1, "hospitals"],
                        [0, " instead."],
                    ],
                },
                {"op": "equal", "old": 4, "new": 4, "text": BODY[4]},
            ],
        },
        added_words=1,
        removed_words=1,
    )


def test_changed_number_is_substantive():
    change = edit_body(1, "12 million", "15 million")
    assert (change.kinds, change.significance) == (("body",), "substantive")
    assert change.diff["body"][1]["ops"][1:3] == [[-1, "12"], [1, "15"]]
    assert (change.added_words, change.removed_words) == (1, 1)


def test_changed_decimal_separator_is_substantive():
    change = compare_articles(
        article(paragraphs=("It grew 3.5%.",)), article(paragraphs=("It grew 3,5%.",))
    )
    assert change.significance == "substantive"


def test_paragraph_added():
    change = compare_articles(article(), article(paragraphs=(*BODY, "Work starts next spring.")))
    assert change.kinds == ("body",) and change.significance == "substantive"
    assert change.diff["body"][-1] == {"op": "insert", "new": 5, "text": "Work starts next spring."}
    assert (change.added_words, change.removed_words) == (4, 0)


def test_paragraph_removed():
    change = compare_articles(article(), article(paragraphs=BODY[:3] + BODY[4:]))
    assert change.kinds == ("body",) and change.significance == "substantive"
    assert [b for b in change.diff["body"] if b["op"] != "equal"] == [
        {"op": "delete", "old": 3, "text": BODY[3]}
    ]
    assert (change.added_words, change.removed_words) == (0, 9)


def test_paragraph_moved_counts_no_words():
    moved = (BODY[4], *BODY[:4])
    change = compare_articles(article(), article(paragraphs=moved))
    assert change.kinds == ("body",) and change.significance == "substantive"
    assert [b for b in change.diff["body"] if b["op"] != "equal"] == [
        {"op": "move", "from": 4, "to": 0, "text": BODY[4]}
    ]
    assert (change.added_words, change.removed_words) == (0, 0)


def test_byline_change():
    change = compare_articles(article(), article(byline="By Jane Doe and Sam Roe"))
    assert change.kinds == ("byline",) and change.significance == "substantive"
    assert change.diff["byline"] == [[0, "By Jane Doe"], [1, " and Sam Roe"]]
    assert (change.added_words, change.removed_words) == (3, 0)


def test_headline_change():
    change = compare_articles(article(), article(headline="Council rejects new bridge"))
    assert change.kinds == ("headline",)
    assert change.diff["headline"] == [
        [0, "Council "],
        [-1, "approves"],
        [1, "rejects"],
        [0, " new bridge"],
    ]
    assert change.diff["body"] == [] and change.diff["byline"] is None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("a new bridge over the river.", "a new bridge over the river!"),  # punctuation
        ("on Monday to approve", "on Monday, to approve"),  # punctuation added
        ("The city council", "The City Council"),  # letter case
        ("a new bridge", "a “new” bridge"),  # quotation marks
    ],
)
def test_punctuation_and_case_are_minor(old, new):
    change = edit_body(0, old, new)
    assert change is not None and change.significance == "minor"


@pytest.mark.parametrize(
    ("old", "new"),
    [("decade", "decdae"), ("campaigned", "campained"), ("Residents", "Rezidents")],
)
def test_one_letter_typo_fix_is_minor(old, new):
    # The edit goes from the typo (new text as "old" version) back to the right spelling.
    typo = article(paragraphs=with_paragraph(2, BODY[2].replace(old, new)))
    change = compare_articles(typo, article())
    assert change.kinds == ("body",) and change.significance == "minor"
    assert (change.added_words, change.removed_words) == (1, 1)


def test_one_letter_change_in_a_short_word_is_substantive():
    change = edit_body(3, "say the money", "say she money")
    assert change.significance == "substantive"


def test_two_letter_change_is_substantive():
    assert edit_body(2, "decade", "decadent").significance == "substantive"


def test_removed_space_between_words_is_a_minor_change():
    # Reported (the contract normalises no such thing away) but minor: the letters are
    # unchanged, only the spacing, which the contract lists as minor.
    change = edit_body(4, "a historic", "ahistoric")
    assert change is not None and change.kinds == ("body",)
    assert change.significance == "minor"


def test_whitespace_only_differences_are_no_change():
    spaced = tuple(f"  {p.replace(' ', '   ')}\n" for p in BODY)
    assert (
        compare_articles(article(), article(headline=f" {HEADLINE}\t", paragraphs=spaced)) is None
    )


def test_nfd_and_nfc_are_no_change():
    nfc = article(headline="Café reopens", paragraphs=("Señora Núñez smiled.",))
    nfd = article(
        headline="Cafe\u0301 reopens", paragraphs=("Sen\u0303ora Nu\u0301n\u0303ez smiled.",)
    )
    assert compare_articles(nfc, nfd) is None


def test_blank_paragraphs_are_no_change():
    assert compare_articles(article(), article(paragraphs=(BODY[0], " ", *BODY[1:], ""))) is None


def test_ignore_pattern_hides_only_matching_paragraphs():
    ignore = [r"Updated \d+ minutes? ago"]
    before = article(paragraphs=("Updated 3 minutes ago", *BODY))
    after = article(paragraphs=("Updated 1 minute ago", *BODY))
    assert compare_articles(before, after, ignore) is None
    assert compare_articles(before, after).kinds == ("body",)


def test_combined_kinds_in_order():
    new = article(
        headline="Council approves bridge",
        byline="By J. Doe",
        paragraphs=with_paragraph(1, BODY[1].replace("2027", "2028")),
    )
    change = compare_articles(article(), new)
    assert change.kinds == ("headline", "byline", "body")
    assert change.significance == "substantive"
    assert (change.added_words, change.removed_words) == (2, 3)


def test_minor_and_substantive_together_are_substantive():
    new = with_paragraph(0, BODY[0].replace("river.", "river!"))
    new = new[:4] + (new[4].replace("historic", "shameful"),)
    assert compare_articles(article(), article(paragraphs=new)).significance == "substantive"


def test_same_inputs_same_json():
    new = article(headline="Council approves bridge", paragraphs=(BODY[2], "New.", *BODY[:2]))
    outputs = {json.dumps(compare_articles(article(), new).diff, sort_keys=True) for _ in range(3)}
    assert len(outputs) == 1
    assert json.loads(outputs.pop()) == compare_articles(article(), new).diff


def test_bad_ignore_pattern_is_a_clear_error():
    with pytest.raises(ValueError, match="ignore pattern"):
        compare_articles(article(), article(), ["[oops"])


def test_sentences_joined_with_a_comma_are_minor():
    change = compare_articles(
        article(paragraphs=("He left. She stayed.",)), article(paragraphs=("He left, she stayed.",))
    )
    assert change.significance == "minor"
    assert change.diff["body"][0]["ops"] == [
        [0, "He left"],
        [-1, ". She"],
        [1, ", she"],
        [0, " stayed."],
    ]


def test_initial_in_byline_is_a_word_diff():
    change = compare_articles(article(), article(byline="By J. Doe"))
    assert change.diff["byline"] == [[0, "By "], [-1, "Jane"], [1, "J."], [0, " Doe"]]
    assert change.significance == "substantive"


def real_headline_edits(corpus) -> list[tuple[str, str]]:
    """(before, after) for every headline a real newsroom (nu.nl) edited over one day."""
    latest: dict[str, str] = {}
    edits = []
    for path in sorted((corpus / "headline-history-nunl").glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            key, title = item.get("id"), item.get("title")
            if key is None or not title:
                continue
            if key in latest and latest[key] != title:
                edits.append((latest[key], title))
            latest[key] = title
    return edits


def test_real_headline_edits(corpus):
    edits = real_headline_edits(corpus)
    assert len(edits) >= 20
    for before, after in edits:
        change = compare_articles(article(headline=before), article(headline=after))
        assert change is not None and change.kinds == ("headline",)
        assert old_side(change.diff["headline"]) == before
        assert new_side(change.diff["headline"]) == after
    known = dict(edits)
    spelling = "Waarom techbedrijven mensen ontslaan terwijl er overal personeel te kort is"
    number = "Zeker 10 doden bij meerdere steekpartijen in Canada, daders op de vlucht"
    assert (
        compare_articles(article(headline=spelling), article(headline=known[spelling])).significance
        == "minor"
    )
    assert (
        compare_articles(article(headline=number), article(headline=known[number])).significance
        == "substantive"
    )
