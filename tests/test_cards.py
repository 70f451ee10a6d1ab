"""Diff cards checked as images: size, the deleted and inserted words in their colours,
hostile text that renders, the alt text, and `redline card`."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops

from archive import index
from redline import cards
from redline.cli import main
from tests.test_notify import Newsdesk, write_config

HEADLINE_CHANGE = {
    "url": "https://news.example/2026/11/story",
    "site": "example",
    "article_id": 1,
    "from_revision": 1,
    "to_revision": 2,
    "from_captured_at": "2026-12-02T11:00:00.000000Z",
    "to_captured_at": "2026-12-02T14:05:01.500000Z",
    "kinds": ["headline"],
    "significance": "substantive",
    "headline_before": "Gunman kills 10 after family dispute",
    "headline_after": "Gunman kills 11 after family dispute",
    "silent": True,
    "disclosure": [],
    "notes": [],
    "added_words": 1,
    "removed_words": 1,
    "diff": {
        "version": 1,
        "headline": [[0, "Gunman kills "], [-1, "10"], [1, "11"], [0, " after family dispute"]],
        "byline": [],
        "body": [],
    },
}


def colour_box(image: Image.Image, colour: tuple[int, int, int]) -> tuple | None:
    """The bounding box of the pixels drawn exactly in `colour` (None: there are none)."""
    bands = image.convert("RGB").split()
    masks = [band.point(lambda v, want=want: 255 if v == want else 0)
             for band, want in zip(bands, colour)]  # fmt: skip
    return ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2]).getbbox()


def open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image


def test_a_headline_card_strikes_the_old_words_red_and_shows_the_new_green():
    card = cards.make_card(HEADLINE_CHANGE)
    image = open_png(card.png)
    assert image.size == (1200, 675)
    deleted = colour_box(image, cards.DELETE_INK)
    inserted = colour_box(image, cards.INSERT_INK)
    assert deleted and inserted
    assert deleted[2] <= inserted[0], "the old number stands before the new one"
    assert abs(deleted[1] - inserted[1]) < 20, "on the same line"
    assert colour_box(image, cards.DELETE_PAPER) and colour_box(image, cards.INSERT_PAPER)


def test_an_insertion_only_card_has_no_red_and_a_removal_card_no_green():
    added = HEADLINE_CHANGE | {
        "kinds": ["body"],
        "diff": {"version": 1, "headline": [], "byline": [],
                 "body": [{"op": "insert", "new": 3, "text": "Officials confirmed it."}]},
    }  # fmt: skip
    image = open_png(cards.make_card(added).png)
    assert colour_box(image, cards.INSERT_INK) and colour_box(image, cards.DELETE_INK) is None
    removed = HEADLINE_CHANGE | {"kinds": ["removed"], "to_revision": None, "diff": None,
                                 "headline_after": None}  # fmt: skip
    image = open_png(cards.make_card(removed).png)
    assert colour_box(image, cards.INSERT_INK) is None


def test_body_edits_show_the_changed_sentence_not_the_whole_paragraph():
    ops = [[0, "First sentence stays. The mayor said the plan "], [-1, "had broad support"],
           [1, "divided the chamber"], [0, ". A third sentence stays too."]]  # fmt: skip
    runs = cards._body_runs([{"op": "change", "old": 0, "new": 0, "ops": ops}])
    text = "".join(t for _, t in runs)
    assert "First sentence" not in text and "third sentence" not in text
    assert text.startswith("… The mayor said") and text.endswith("…")
    assert (-1, "had broad support") in runs and (1, "divided the chamber") in runs


HOSTILE = (
    '<script>alert(1)</script><img src=x onerror="x()"> '
    "\u202eevil\u202c مرحبا بالعالم שלום \u0000\x1b[31m \ud800 🎉👩‍👩‍👧 中文标题 "
)


def test_a_hostile_headline_renders_without_error():
    headline = (HOSTILE * 40)[:2000]
    change = HEADLINE_CHANGE | {
        "headline_before": headline,
        "headline_after": headline + " updated",
        "url": "https://news.example/" + "x" * 500,
        "site": HOSTILE,
        "diff": {"version": 1, "headline": [[0, headline], [1, " updated"]], "byline": [],
                 "body": [{"op": "change", "old": 0, "new": 0,
                           "ops": [[0, HOSTILE * 20], [-1, "gone 😀"], [1, "×" * 3000]]}]},
    }  # fmt: skip
    card = cards.make_card(change)
    assert open_png(card.png).size == (1200, 675)
    assert len(card.alt) <= cards.ALT_MAX and card.alt.endswith("…")
    assert "\x00" not in card.alt and "\x1b" not in card.alt


def test_long_text_is_cut_with_an_ellipsis():
    font = cards._font(46)
    lines = cards._wrap([(0, "word " * 400)], font, 1000)
    assert len(lines) > 10 and all(
        font.getlength("".join(t for _, t in ln)) <= 1000 for ln in lines
    )
    cut = cards._with_ellipsis(lines[0], font, 1000)
    assert cut[-1] == (0, "…") and font.getlength("".join(t for _, t in cut)) <= 1000
    unbroken = cards._wrap([(1, "中" * 300)], font, 1000)
    assert len(unbroken) > 1, "text without spaces still wraps"


def test_alt_text_describes_the_change_in_words():
    alt = cards.alt_text(HEADLINE_CHANGE)
    assert alt.startswith("Diff card: example changed the headline of")
    assert "a silent edit" in alt
    assert "Headline before: “Gunman kills 10 after family dispute”." in alt
    assert "After: “Gunman kills 11 after family dispute”." in alt
    assert "Removed: “10”. Added: “11”." in alt
    assert alt.endswith("Recorded 2 Dec 2026, 14:05 UTC.")
    acknowledged = cards.alt_text(HEADLINE_CHANGE | {"silent": False, "disclosure": ["note"]})
    assert "acknowledged by a correction or update note" in acknowledged
    assert "silent" not in acknowledged
    gone = HEADLINE_CHANGE | {"kinds": ["removed"], "diff": None, "headline_after": None}
    assert cards.alt_text(gone).startswith("example removed the article “Gunman kills 10")


@pytest.fixture
def tracked(tmp_path):
    config = write_config(tmp_path)
    db = index.open_index(config.database)
    desk = Newsdesk(db)
    desk.edits(2, slug="story")  # revisions 1 (version 0), 2 and 3
    db.conn.close()
    return config


def test_card_command_writes_the_png_and_prints_the_alt_text(tracked, tmp_path):
    out = tmp_path / "cards" / "card.png"
    url = "https://news.example/2026/11/story"
    result = CliRunner().invoke(main, ["card", url, "-o", str(out), "-c", str(tracked.path)])
    assert result.exit_code == 0, result.output
    assert open_png(out.read_bytes()).size == (1200, 675)
    assert result.output.startswith("Diff card: news changed the headline of “story version 3”")
    assert "Headline before: “story version 2”" in result.output
    args = ["card", url, "--from", "1", "--to", "3", "-o", str(out), "-c", str(tracked.path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and "Headline before: “story version 0”" in result.output
    missing = ["card", "https://news.example/none", "-o", str(out), "-c", str(tracked.path)]
    result = CliRunner().invoke(main, missing)
    assert result.exit_code == 1 and "no tracked article" in result.output


def test_publish_writes_each_card_once_and_sets_the_diff_pages_og_image(tracked, tmp_path):
    tracked.path.write_text(
        tracked.path.read_text() + '\n[publish]\nbase_url = "https://c.example/"\n'
    )
    out = tmp_path / "public"
    args = ["publish", str(out), "--json", "-c", str(tracked.path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(p for p in json.loads(result.output)["written"] if p.startswith("cards/")) == [
        "cards/1-1-2.png",
        "cards/1-2-3.png",
    ]
    assert open_png((out / "cards" / "1-2-3.png").read_bytes()).size == (1200, 675)
    page = (out / "diffs" / "1-2-3.html").read_text()
    assert '<meta property="og:image" content="https://c.example/cards/1-2-3.png">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<meta property="og:image:alt" content="Diff card: news changed the headline' in page
    again = json.loads(CliRunner().invoke(main, args).output)
    assert again["written"] == [], "a card is drawn only when it is missing"
