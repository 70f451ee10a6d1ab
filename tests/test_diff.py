"""The text and body differs: exact ops, moves, determinism, and speed-safe rewrites."""

from __future__ import annotations

import doctest
import json

import diffing.textdiff
from diffing.body_diff import diff_body
from diffing.textdiff import (
    diff_texts,
    diff_units,
    diff_words,
    new_side,
    old_side,
    split_sentences,
    split_words,
)

PARAS = [f"Paragraph {name} says something about the {name} council." for name in "ABCDEFGH"]


def test_doctests_pass():
    result = doctest.testmod(diffing.textdiff)
    assert result.attempted >= 2 and result.failed == 0


def test_split_words_and_sentences_round_trip():
    text = "Mr Smith didn't pay £1,000.50 (yes). Next one! Last"
    assert "".join(split_words(text)) == text
    assert "didn't" in split_words(text) and "1,000.50" in split_words(text)
    assert split_sentences(text) == ["Mr Smith didn't pay £1,000.50 (yes). ", "Next one! ", "Last"]


def test_one_word_edit():
    assert diff_texts("The council voted on Monday.", "The council voted on Tuesday.") == [
        (0, "The council voted on "),
        (-1, "Monday"),
        (1, "Tuesday"),
        (0, "."),
    ]


def test_removed_space_is_a_diff():
    ops = diff_texts("It happens every day.", "It happens everyday.")
    assert ops == [(0, "It happens "), (-1, "every day"), (1, "everyday"), (0, ".")]


def test_sides_rebuild_the_texts():
    old = "Police said two men were held. The road reopened at noon. Nobody was hurt."
    new = "Police said three men were arrested. Nobody was seriously hurt. More soon."
    ops = diff_texts(old, new)
    assert old_side(ops) == old and new_side(ops) == new


def test_dissimilar_sentences_are_replaced_whole():
    ops = diff_texts("Storm hits the coast tonight.", "Markets fall sharply in Asia.")
    assert ops == [(-1, "Storm hits the coast tonight."), (1, "Markets fall sharply in Asia.")]


def test_diff_units_finds_common_units_across_unique_ones():
    ops = diff_units(["a", "x", "b", "y"], ["q", "a", "b", "z"])
    assert ops == [(1, ("q",)), (0, ("a",)), (-1, ("x",)), (0, ("b",)), (-1, ("y",)), (1, ("z",))]


def test_diff_words_folds_trivial_equalities():
    ops = diff_words("the big red dog", "the small blue dog")
    assert ops == [(0, "the "), (-1, "big red"), (1, "small blue"), (0, " dog")]


def test_body_paragraph_added():
    new = [*PARAS[:3], "A new paragraph.", *PARAS[3:]]
    assert diff_body(PARAS, new) == [
        {"op": "equal", "old": 0, "new": 0, "count": 2},
        {"op": "equal", "old": 2, "new": 2, "text": PARAS[2]},
        {"op": "insert", "new": 3, "text": "A new paragraph."},
        {"op": "equal", "old": 3, "new": 4, "text": PARAS[3]},
        {"op": "equal", "old": 4, "new": 5, "count": 4},
    ]


def test_body_paragraph_removed_at_start():
    assert diff_body(PARAS, PARAS[1:]) == [
        {"op": "delete", "old": 0, "text": PARAS[0]},
        {"op": "equal", "old": 1, "new": 0, "text": PARAS[1]},
        {"op": "equal", "old": 2, "new": 1, "count": 6},
    ]


def test_body_paragraph_moved():
    new = [*PARAS[1:6], PARAS[0], *PARAS[6:]]
    assert diff_body(PARAS, new) == [
        {"op": "equal", "old": 1, "new": 0, "count": 4},
        {"op": "equal", "old": 5, "new": 4, "text": PARAS[5]},
        {"op": "move", "from": 0, "to": 5, "text": PARAS[0]},
        {"op": "equal", "old": 6, "new": 6, "text": PARAS[6]},
        {"op": "equal", "old": 7, "new": 7, "text": PARAS[7]},
    ]


def test_body_moved_and_edited_paragraph_is_a_move_with_ops():
    edited = PARAS[0].replace("council", "county council")
    blocks = diff_body(PARAS, [*PARAS[1:6], edited, *PARAS[6:]])
    moves = [b for b in blocks if b["op"] == "move"]
    assert [b["op"] for b in blocks].count("delete") == 0
    assert moves == [
        {
            "op": "move",
            "from": 0,
            "to": 5,
            "text": edited,
            "ops": [
                [0, "Paragraph A says something about the A "],
                [1, "county "],
                [0, "council."],
            ],
        }
    ]


def test_body_edited_paragraph_is_a_change():
    new = list(PARAS)
    new[4] = PARAS[4].replace("something", "nothing")
    change = [b for b in diff_body(PARAS, new) if b["op"] == "change"]
    assert change == [
        {
            "op": "change",
            "old": 4,
            "new": 4,
            "ops": [
                [0, "Paragraph E says "],
                [-1, "something"],
                [1, "nothing"],
                [0, " about the E council."],
            ],
        }
    ]


def test_body_unchanged_is_empty():
    assert diff_body(PARAS, list(PARAS)) == []


def test_total_rewrite_is_deletes_and_inserts():
    new = [f"Entirely different item {n} on sport results." for n in range(8)]
    blocks = diff_body(PARAS, new)
    assert [b["op"] for b in blocks] == ["delete"] * 8 + ["insert"] * 8


def test_same_inputs_same_json():
    new = [PARAS[3], *PARAS[:3], "Inserted text.", *PARAS[5:]]
    new[6] = new[6].replace("council", "councils")
    first = json.dumps(diff_body(PARAS, new), sort_keys=True)
    assert all(json.dumps(diff_body(PARAS, new), sort_keys=True) == first for _ in range(3))
    assert json.loads(first) == diff_body(PARAS, new)


def test_long_single_paragraph_rewrite_is_one_replacement():
    old = " ".join(f"Old sentence number {n} about trains." for n in range(400))
    new = " ".join(f"Fresh claim {n} regarding ferries!" for n in range(400))
    ops = diff_texts(old, new)
    assert old_side(ops) == old and new_side(ops) == new
    assert len(ops) <= 2 * 400


def test_large_multi_paragraph_rewrite_keeps_every_paragraph():
    old = [
        f"Old paragraph {n} tells of trains and {n % 7} stations. It ends here." for n in range(300)
    ]
    new = [f"Fresh copy {n}: ferries, harbours, {n % 5} tides! Nothing else." for n in range(300)]
    blocks = diff_body(old, new)
    assert [b["text"] for b in blocks if b["op"] == "delete"] == old
    assert [b["text"] for b in blocks if b["op"] == "insert"] == new


def test_repeated_paragraph_removed_once():
    assert diff_body(["Ad.", "Story.", "Ad."], ["Ad.", "Story."]) == [
        {"op": "equal", "old": 0, "new": 0, "text": "Ad."},
        {"op": "equal", "old": 1, "new": 1, "text": "Story."},
        {"op": "delete", "old": 2, "text": "Ad."},
    ]
