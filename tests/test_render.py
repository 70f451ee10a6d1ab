"""Renderers: exact text output, escaped HTML, move markers, summaries, bad input."""

from __future__ import annotations

import pytest

from diffing.article import Article
from diffing.compare import compare_articles
from diffing.render import render_html, render_plain_summary, render_text

PARAS = (
    "First paragraph about the storm.",
    "Second <script>alert(1)</script> paragraph.",
    "Third paragraph on the damage.",
    "Fourth paragraph with quotes.",
    "Fifth paragraph, the end.",
)


def diff_of(old: Article, new: Article) -> dict:
    change = compare_articles(old, new)
    assert change is not None
    return change.diff


@pytest.fixture(scope="module")
def diff() -> dict:
    old = Article("u", "Storm kills 10 <b>", "By Jane", paragraphs=PARAS)
    new_paras = (PARAS[1].replace(".", "!"), PARAS[2], PARAS[3], PARAS[0], PARAS[4] + " More soon.")
    return diff_of(
        old, Article("u", "Storm kills 11 <b>", "By Jane", paragraphs=(*new_paras, "New."))
    )


def test_render_text_plain(diff):
    assert render_text(diff) == (
        "headline: Storm kills [-10-]{+11+} <b>\n"
        "body:\n"
        "  ~ Second <script>alert(1)</script> paragraph[-.-]{+!+}\n"
        "    Third paragraph on the damage.\n"
        "    Fourth paragraph with quotes.\n"
        "  > [moved from paragraph 1 to 4] First paragraph about the storm.\n"
        "  ~ Fifth paragraph, the end.{+ More soon.+}\n"
        "  + New.\n"
    )


def test_render_text_color_uses_ansi_and_no_brackets(diff):
    out = render_text(diff, color=True)
    assert "\x1b[31m10\x1b[0m\x1b[32m11\x1b[0m" in out
    assert "[-" not in out and "{+" not in out


def test_render_text_shows_control_characters_instead_of_sending_them():
    diff = diff_of(Article("u", "Calm"), Article("u", "Calm \x1b[2J now"))
    out = render_text(diff)
    assert "\x1b" not in out and "\\x1b[2J" in out


def test_render_html_escapes_and_marks(diff):
    out = render_html(diff)
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert (
        '<p class="headline"><span class="label">Headline:</span> Storm kills '
        "<del>10</del><ins>11</ins> &lt;b&gt;</p>"
    ) in out
    assert (
        '<p class="moved" data-from="0" data-to="3"><span class="moved-marker">moved from '
        "paragraph 1 to 4</span> First paragraph about the storm.</p>"
    ) in out
    assert '<p class="insert"><ins>New.</ins></p>' in out


def test_render_html_side_by_side(diff):
    out = render_html(diff, side_by_side=True)
    assert "<script>" not in out
    assert (
        '<tr class="headline"><td>Storm kills <del>10</del> &lt;b&gt;</td>'
        "<td>Storm kills <ins>11</ins> &lt;b&gt;</td></tr>"
    ) in out
    assert '<tr class="insert"><td></td><td><ins>New.</ins></td></tr>' in out
    assert out.count('<tr class="moved">') == 1


def test_render_elided_context():
    paras = tuple(f"Paragraph {n} text." for n in range(6))
    diff = diff_of(Article("u", paragraphs=paras), Article("u", paragraphs=(*paras, "Extra.")))
    assert render_text(diff) == (
        "body:\n    … 5 paragraphs unchanged …\n    Paragraph 5 text.\n  + Extra.\n"
    )
    assert '<p class="elided">… 5 paragraphs unchanged …</p>' in render_html(diff)


def test_plain_summary(diff):
    assert render_plain_summary(diff) == "headline changed; 2 paragraphs edited, 1 added, 1 moved"


def test_plain_summary_singular_and_byline():
    diff = diff_of(
        Article("u", byline="By A", paragraphs=("One.", "Two.")),
        Article("u", byline="By B", paragraphs=("One.",)),
    )
    assert render_plain_summary(diff) == "byline changed; 1 paragraph removed"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"version": 2, "body": []}, "version 1, found 2"),
        ([], "found 'list'"),
        ({"version": 1, "body": [{"op": "explode"}]}, "body block 0"),
    ],
)
def test_bad_stored_diff_is_a_clear_error(bad, message):
    for render in (render_text, render_html, render_plain_summary):
        with pytest.raises(ValueError, match=message):
            render(bad)


def test_headline_forms_changed_alike_share_one_labelled_line():
    ops = [[0, "Storm kills "], [-1, "10"], [1, "11"]]
    diff = {"version": 1, "headline": ops, "byline": None, "body": [],
            "headlines": {"social": ops, "title": [[-1, "Storm"], [1, "Gale"]]}}  # fmt: skip
    assert render_text(diff).splitlines() == [
        "headline (visible, social): Storm kills [-10-]{+11+}",
        "headline (page title): [-Storm-]{+Gale+}",
    ]
