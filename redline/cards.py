"""Diff cards: one change as a PNG for social media (Pillow, no browser), with alt text.

A card is 1200x675 (the 16:9 that Mastodon, Bluesky and link previews show whole): the
outlet and time, "silent edit" when nothing on the page acknowledged it, then the
headline before/after as one run of words, deletions struck through in red and
insertions in green, or for body edits the changed sentences with a little context. Text
that does not fit is cut with an ellipsis. The font is Pillow's own scalable default, so
`pip install` brings it; a character it lacks is drawn as a box, never an error.

`alt_text` says the same in words, for screen readers and the image description.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from diffing.render import changed_fields
from diffing.textdiff import DELETE, EQUAL, INSERT

WIDTH, HEIGHT = 1200, 675
MARGIN = 56
PAPER, INK, MUTED = (255, 255, 255), (26, 26, 26), (102, 102, 102)
DELETE_INK, DELETE_PAPER = (178, 0, 24), (253, 226, 229)  # struck through
INSERT_INK, INSERT_PAPER = (0, 112, 40), (214, 244, 220)
BADGE_INK, BADGE_PAPER = (255, 255, 255), (26, 26, 26)
RULE = (200, 16, 46)  # the top band: a red that is not DELETE_INK
_STYLE_INK = {EQUAL: INK, DELETE: DELETE_INK, INSERT: INSERT_INK}
_STYLE_PAPER = {DELETE: DELETE_PAPER, INSERT: INSERT_PAPER}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+")
_TOKEN = re.compile(r"\S+\s*|\s+")
ELLIPSIS = "…"
ALT_MAX = 1000  # Mastodon takes 1,500 characters of description, Bluesky more
_DISCLOSED = {
    "note": "a correction or update note",
    "modified_date": "a new modification date",
    "visible_date": "a new 'Updated' time on the page",
}


@dataclass(frozen=True)
class Card:
    png: bytes
    alt: str


@dataclass(frozen=True)
class _Section:
    label: str
    runs: tuple[tuple[int, str], ...]  # (DELETE | EQUAL | INSERT, text); "\n" breaks a line
    size: int


def make_card(change: dict) -> Card:
    """The card of `change` (the `changes --json` shape plus its parsed `diff`)."""
    image = draw_card(change)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return Card(out.getvalue(), alt_text(change))


def draw_card(change: dict):
    """The card as a Pillow image."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 10), fill=RULE)
    _header(draw, change)
    top, bottom = 150, HEIGHT - 84
    for section in _sections(change):
        if bottom - top < _line_height(section.size):
            break
        top = _draw_section(draw, section, top, bottom) + 18
    _footer(draw, change)
    return image


# what the card says
def _sections(change: dict) -> list[_Section]:
    diff = change.get("diff") if isinstance(change.get("diff"), dict) else None
    kinds = change.get("kinds") or []
    found = []
    if "removed" in kinds:
        found.append(_Section("Article removed", _plain(_headline(change)), 46))
    elif "restored" in kinds and not (diff and diff.get("body")):
        found.append(_Section("Article restored", _plain(_headline(change)), 46))
    for label, ops in [] if "removed" in kinds else _field_ops(change, diff):
        found.append(_Section(label, tuple(_clean_ops(ops)), 46))
    body = _body_runs(diff.get("body") or []) if diff else ()
    if body:
        found.append(_Section("Article text" if found else "Article text edited", body, 34))
    if "moved" in kinds and not found:
        found.append(_Section("Article moved", _plain(change.get("url") or ""), 34))
    if not found:
        found.append(_Section(", ".join(kinds) or "Change", _plain(_headline(change)), 46))
    return found


def _field_ops(change: dict, diff: dict | None) -> list[tuple[str, list]]:
    """(label, word ops) of each changed one-line field: the headline forms, the byline."""
    if diff is None:
        before, after = change.get("headline_before"), change.get("headline_after")
        if before and after and before != after:
            from diffing.textdiff import diff_texts

            return [("Headline changed", [list(op) for op in diff_texts(before, after)])]
        return []
    labels = {"visible": "Headline changed", "title": "Page title changed",
              "social": "Social headline changed", "structured": "Structured headline changed",
              "byline": "Byline changed"}  # fmt: skip
    # A form changed exactly as the visible headline is drawn once, under the first name.
    return [(labels.get(names[0], f"Headline ({names[0]}) changed"), list(ops))
            for names, ops in changed_fields(diff)]  # fmt: skip


def _body_runs(blocks: list) -> tuple[tuple[int, str], ...]:
    """The changed sentences of the body (whole paragraphs when added or removed), with
    the unchanged words nearest each change; a gap is an ellipsis."""
    runs: list[tuple[int, str]] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        op = block.get("op")
        if op == "change" or (op == "move" and block.get("ops")):
            part = _changed_sentences(_clean_ops(block["ops"]))
        elif op == "delete":
            part = [(DELETE, _clean(block.get("text", "")))]
        elif op == "insert":
            part = [(INSERT, _clean(block.get("text", "")))]
        elif op == "move":
            part = [(EQUAL, "Moved: " + _clean(block.get("text", "")))]
        else:
            continue
        if runs:
            runs.append((EQUAL, "\n"))
        runs.extend(part)
    return tuple(runs)


def _changed_sentences(ops: list[tuple[int, str]]) -> list[tuple[int, str]]:
    sentences: list[list[tuple[int, str]]] = [[]]
    for op, text in ops:
        pieces = _SENTENCE_END.split(text) if op == EQUAL else [text]
        for n, piece in enumerate(pieces):
            if n:
                sentences.append([])
            sentences[-1].append((op, piece + (" " if n < len(pieces) - 1 else "")))
    changed = [i for i, s in enumerate(sentences) if any(op != EQUAL and t for op, t in s)]
    out: list[tuple[int, str]] = []
    previous = -1
    for i in changed:
        if i > previous + 1:
            out.append((EQUAL, ELLIPSIS + " "))
        out.extend(_trim_context(sentences[i]))
        previous = i
    if changed and changed[-1] < len(sentences) - 1:
        out.append((EQUAL, ELLIPSIS if out[-1][1].endswith(" ") else " " + ELLIPSIS))
    return out


def _trim_context(sentence: list[tuple[int, str]], keep: int = 90) -> list[tuple[int, str]]:
    """A long sentence keeps `keep` characters of unchanged text on each side of a change."""
    out = []
    last = len(sentence) - 1
    for n, (op, text) in enumerate(sentence):
        if op == EQUAL and len(text) > 2 * keep:
            head, tail = text[:keep].rsplit(" ", 1)[0], text[-keep:].split(" ", 1)[-1]
            if n == 0:
                text = f"{ELLIPSIS} {tail}"
            elif n == last:
                text = f"{head} {ELLIPSIS}"
            else:
                text = f"{head} {ELLIPSIS} {tail}"
        out.append((op, text))
    return out


def _plain(text: str) -> tuple[tuple[int, str], ...]:
    return ((EQUAL, _clean(text)),)


def _clean_ops(ops) -> list[tuple[int, str]]:
    """Drawable ops; a space between a deletion and the insertion right after it, so the
    two read apart ("~~10~~ 11")."""
    out: list[tuple[int, str]] = []
    for op, text in ops:
        if op not in (DELETE, EQUAL, INSERT):
            continue
        text = _clean(str(text))
        if out and {out[-1][0], op} == {DELETE, INSERT} and not out[-1][1].endswith(" "):
            out.append((EQUAL, " "))
        out.append((int(op), text))
    return out


def _clean(text: str) -> str:
    """Text Pillow can draw: no control characters, no lone surrogates."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub(" ", text).replace("\t", " ")


def _headline(change: dict) -> str:
    return change.get("headline_after") or change.get("headline_before") or change.get("url") or ""


def outlet(change: dict) -> str:
    return change.get("site") or urlsplit(change.get("url") or "").netloc or "unknown outlet"


def when(change: dict) -> str:
    """ "2 Dec 2026, 14:05 UTC" from the change's capture time."""
    stamp = change.get("to_captured_at") or change.get("from_captured_at")
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return str(stamp or "")
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


# drawing
@lru_cache(maxsize=8)
def _font(size: int):
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def _line_height(size: int) -> int:
    return int(size * 1.3)


def _header(draw, change: dict) -> None:
    draw.text((MARGIN, 40), _fit(_clean(outlet(change)), _font(34), 620), font=_font(34), fill=INK)
    draw.text((MARGIN, 88), when(change), font=_font(26), fill=MUTED)
    if change.get("silent") is True:
        label, font = "SILENT EDIT", _font(28)
        width = int(font.getlength(label))
        x = WIDTH - MARGIN - width - 32
        draw.rounded_rectangle((x, 38, WIDTH - MARGIN, 86), radius=8, fill=BADGE_PAPER)
        draw.text((x + 16, 46), label, font=font, fill=BADGE_INK)


def _footer(draw, change: dict) -> None:
    font = _font(22)
    y = HEIGHT - 56
    draw.line((MARGIN, y - 14, WIDTH - MARGIN, y - 14), fill=(221, 221, 221), width=2)
    words = f"+{change.get('added_words') or 0} / -{change.get('removed_words') or 0} words"
    right = f"{words} · redline"
    right_width = int(font.getlength(right))
    draw.text((WIDTH - MARGIN - right_width, y), right, font=font, fill=MUTED)
    parts = urlsplit(change.get("url") or "")
    shown = _clean(parts.netloc + parts.path)
    draw.text((MARGIN, y), _fit(shown, font, WIDTH - 3 * MARGIN - right_width), font=font,
              fill=MUTED)  # fmt: skip


def _fit(text: str, font, width: int) -> str:
    """`text`, cut with an ellipsis to fit `width` pixels."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + ELLIPSIS) > width:
        text = text[: max(0, len(text) - max(1, len(text) // 8))]
    return text.rstrip() + ELLIPSIS


def _draw_section(draw, section: _Section, top: int, bottom: int) -> int:
    """Draw the label and the wrapped runs from `top`; returns where the section ends."""
    label_font = _font(24)
    draw.text((MARGIN, top), section.label.upper(), font=label_font, fill=MUTED)
    top += 38
    font, height = _font(section.size), _line_height(section.size)
    room = max(1, (bottom - top) // height)
    lines = _wrap(section.runs, font, WIDTH - 2 * MARGIN)
    if len(lines) > room:
        lines = lines[:room]
        lines[-1] = _with_ellipsis(lines[-1], font, WIDTH - 2 * MARGIN)
    for line in lines:
        x = MARGIN
        for style, text in line:
            width = font.getlength(text)
            if style in _STYLE_PAPER and text.strip():
                draw.rectangle((x, top + 2, x + width, top + height - 4), fill=_STYLE_PAPER[style])
            draw.text((x, top + (height - section.size) // 2 - 2), text, font=font,
                      fill=_STYLE_INK[style])  # fmt: skip
            if style == DELETE and text.strip():
                middle = top + height // 2
                draw.line((x, middle, x + font.getlength(text.rstrip()), middle),
                          fill=DELETE_INK, width=max(2, section.size // 14))  # fmt: skip
            x += width
        top += height
    return top


def _wrap(runs, font, width: int) -> list[list[tuple[int, str]]]:
    """Lines of (style, text) pieces no wider than `width`; "\\n" in a run starts a line."""
    lines: list[list[tuple[int, str]]] = [[]]
    x = 0.0
    for style, text in runs:
        for n, paragraph in enumerate(text.split("\n")):
            if n:
                lines.append([])
                x = 0.0
            for token in _tokens(paragraph, font, width):
                size = font.getlength(token)
                if x + font.getlength(token.rstrip()) > width and lines[-1]:
                    lines.append([])
                    x = 0.0
                    token = token.lstrip() or token
                    size = font.getlength(token)
                lines[-1].append((style, token))
                x += size
    return [line for line in lines if line] or [[]]


def _tokens(text: str, font, width: int) -> list[str]:
    """Words with their trailing space; a word wider than a line (a URL, text written
    without spaces) is split into pieces that fit."""
    out = []
    for token in _TOKEN.findall(text):
        while font.getlength(token) > width and len(token) > 1:
            cut = len(token) - 1
            while cut > 1 and font.getlength(token[:cut]) > width:
                cut = max(1, cut * 3 // 4)
            out.append(token[:cut])
            token = token[cut:]
        out.append(token)
    return out


def _with_ellipsis(line: list[tuple[int, str]], font, width: int) -> list[tuple[int, str]]:
    line = list(line)
    while line:
        used = sum(font.getlength(t) for _, t in line[:-1])
        style, text = line[-1]
        text = text.rstrip()
        while text and used + font.getlength(text + ELLIPSIS) > width:
            text = text[:-1]
        if text:
            line[-1] = (style, text)
            line.append((EQUAL, ELLIPSIS))
            return line
        line.pop()
    return [(EQUAL, ELLIPSIS)]


# alt text
def alt_text(change: dict) -> str:
    """The change in words: who changed what, whether it was acknowledged, what was removed
    and added, and when (at most ALT_MAX characters)."""
    kinds = change.get("kinds") or []
    diff = change.get("diff") if isinstance(change.get("diff"), dict) else None
    name = _clean(outlet(change))
    headline = _quote(_headline(change), 200)
    if "removed" in kinds:
        return _cap(f"{name} removed the article {headline}. Recorded {when(change)}.")
    what = _what(kinds, diff)
    text = f"Diff card: {name} {what} of {headline}{_acknowledgement(change)}."
    before, after = change.get("headline_before"), change.get("headline_after")
    if "headline" in kinds and before and after and before != after:
        text += f" Headline before: {_quote(before, 200)}. After: {_quote(after, 200)}."
    removed, added = _words_of(diff, DELETE), _words_of(diff, INSERT)
    if removed:
        text += f" Removed: {_quote(removed, 240)}."
    if added:
        text += f" Added: {_quote(added, 240)}."
    return _cap(text + f" Recorded {when(change)}.")


def _what(kinds: list, diff: dict | None) -> str:
    parts = []
    if "headline" in kinds:
        parts.append("changed the headline")
    if "byline" in kinds:
        parts.append("changed the byline")
    if "body" in kinds:
        parts.append("edited the text")
    if "restored" in kinds:
        parts.append("restored the article")
    if "moved" in kinds:
        parts.append("moved the article")
    if not parts:
        parts.append("changed the article")
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def _acknowledgement(change: dict) -> str:
    if change.get("silent") is True:
        return ", a silent edit: nothing on the page says it was changed"
    if change.get("silent") is False:
        said = [_DISCLOSED.get(d, str(d)) for d in change.get("disclosure") or []]
        return ", acknowledged by " + " and ".join(said) if said else ", acknowledged"
    return ""


def _words_of(diff: dict | None, wanted: int) -> str:
    """The deleted (or inserted) text of every field and block, pieces joined by " … "."""
    if not diff:
        return ""
    pieces = []
    ops_lists = [diff.get("headline") or [], diff.get("byline") or []]
    for block in diff.get("body") or []:
        if not isinstance(block, dict):
            continue
        if block.get("ops"):
            ops_lists.append(block["ops"])
        elif block.get("op") == {DELETE: "delete", INSERT: "insert"}[wanted]:
            pieces.append(block.get("text", ""))
    for ops in ops_lists:
        pieces += [text for op, text in ops if op == wanted and str(text).strip()]
    return f" {ELLIPSIS} ".join(_clean(str(p)).strip() for p in pieces)


def _quote(text: str, limit: int) -> str:
    text = " ".join(_clean(text).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + ELLIPSIS
    return f"“{text}”"


def _cap(text: str) -> str:
    return text if len(text) <= ALT_MAX else text[: ALT_MAX - 1].rstrip() + ELLIPSIS


def change_for_card(db, url: str, from_n: int | None, to_n: int | None) -> dict:
    """The change between two revisions of the article at `url` (default: the last two):
    the recorded one, or for revisions that are not adjacent, one computed now."""
    from archive import index_queries
    from diffing.compare import compare_articles

    from .publish import parse_stored_diff
    from .queries import QueryError, article_of_revision, change_json, revision_pair

    article, old, new = revision_pair(db, url, from_n, to_n)
    row = index_queries.change_between(db, article["id"], old["number"], new["number"])
    if row is not None:
        return change_json(row) | {"diff": parse_stored_diff(row.diff)[0]}
    change = compare_articles(article_of_revision(old), article_of_revision(new))
    if change is None:
        raise QueryError(f"r{old['number']} and r{new['number']} of {url} are the same")
    return {
        "url": article["url"], "site": article["site"], "article_id": article["id"],
        "from_revision": old["number"], "to_revision": new["number"],
        "from_captured_at": old["captured_at"], "to_captured_at": new["captured_at"],
        "kinds": list(change.kinds), "significance": change.significance,
        "headline_before": old["headline"], "headline_after": new["headline"],
        "silent": None, "disclosure": [], "notes": [],
        "added_words": change.added_words, "removed_words": change.removed_words,
        "diff": change.diff,
    }  # fmt: skip
