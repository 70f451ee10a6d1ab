"""Render a stored diff (see diffing.compare) for terminals, web pages and feed titles.

Text from the web is hostile: HTML output escapes every piece of text, and terminal
output shows control characters (such as an ANSI escape hidden in a headline) as
``\\xNN`` instead of sending them to the terminal. Paragraph numbers are shown 1-based.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from diffing.textdiff import DELETE, INSERT

BLOCK_OPS = ("equal", "delete", "insert", "change", "move")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# How each headline form other than the visible one is labelled (diffing.compare).
FORM_LABELS = {"visible": "visible", "title": "page title", "social": "social",
               "structured": "structured data"}  # fmt: skip
_RED, _GREEN, _CYAN, _DIM, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[2m", "\x1b[0m"


def check_diff(diff: object) -> dict:
    """The diff itself when it is a version-1 stored diff; ValueError naming the fault."""
    if not isinstance(diff, dict) or diff.get("version") != 1:
        found = diff.get("version") if isinstance(diff, dict) else type(diff).__name__
        raise ValueError(f"stored diff: expected a dict with version 1, found {found!r}")
    for n, block in enumerate(diff.get("body") or ()):
        if not isinstance(block, dict) or block.get("op") not in BLOCK_OPS:
            raise ValueError(f"stored diff: body block {n} is not one of {BLOCK_OPS}: {block!r}")
    return diff


def changed_fields(diff: dict) -> list[tuple[list[str], Sequence[Sequence]]]:
    """(names, word ops) of each changed one-line field, in order: the visible headline
    ("visible"), the other headline forms, the byline ("byline"). Headline forms changed
    alike are one entry naming them all (["visible", "social"])."""
    groups: list[tuple[list[str], Sequence[Sequence]]] = []
    if diff.get("headline"):
        groups.append((["visible"], diff["headline"]))
    for form, ops in (diff.get("headlines") or {}).items():
        same = next((names for names, seen in groups if seen == ops), None)
        if same is not None:
            same.append(form)
        else:
            groups.append(([form], ops))
    if diff.get("byline"):
        groups.append((["byline"], diff["byline"]))
    return groups


def _fields(diff: dict) -> list[tuple[str, str, Sequence[Sequence]]]:
    """(css class, label, ops) of each changed field; with other forms changed, the h1 is
    "visible" and forms changed alike share one line ("headline (visible, social)")."""
    forms = bool(diff.get("headlines"))
    found = []
    for names, ops in changed_fields(diff):
        if names == ["byline"]:
            found.append(("byline", "byline", ops))
            continue
        css = " ".join(["headline", *(f"headline-{n}" for n in names if n != "visible")])
        labels = ", ".join(FORM_LABELS.get(n, n) for n in names)
        found.append((css, f"headline ({labels})" if forms else "headline", ops))
    return found


def _terminal_safe(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _text_ops(ops: Sequence[Sequence], color: bool) -> str:
    out = []
    for op, text in ops:
        text = _terminal_safe(text)
        if op == DELETE:
            out.append(f"{_RED}{text}{_RESET}" if color else f"[-{text}-]")
        elif op == INSERT:
            out.append(f"{_GREEN}{text}{_RESET}" if color else f"{{+{text}+}}")
        else:
            out.append(text)
    return "".join(out)


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def _text_block(block: dict, color: bool) -> str:
    op = block["op"]
    if op == "equal" and "count" in block:
        return _paint(f"    … {_paragraphs(block['count'])} unchanged …", _DIM, color)
    if op == "equal":
        return "    " + _terminal_safe(block["text"])
    if op == "delete":
        return _paint("  - " + _terminal_safe(block["text"]), _RED, color)
    if op == "insert":
        return _paint("  + " + _terminal_safe(block["text"]), _GREEN, color)
    if op == "change":
        return "  ~ " + _text_ops(block["ops"], color)
    where = f"moved from paragraph {block['from'] + 1} to {block['to'] + 1}"
    body = _text_ops(block["ops"], color) if "ops" in block else _terminal_safe(block["text"])
    return f"  > {_paint(f'[{where}]', _CYAN, color)} {body}"


def render_text(diff: dict, *, color: bool = False) -> str:
    """The diff for a terminal: ``[-deleted-]{+inserted+}``, or ANSI colours."""
    check_diff(diff)
    lines = [f"{_terminal_safe(label)}: {_text_ops(ops, color)}" for _, label, ops in _fields(diff)]
    if diff.get("body"):
        lines.append("body:")
        lines.extend(_text_block(block, color) for block in diff["body"])
    return "\n".join(lines) + "\n" if lines else "no change\n"


def _html_ops(ops: Sequence[Sequence]) -> str:
    tags = {DELETE: "del", INSERT: "ins"}
    return "".join(
        f"<{tags[op]}>{html.escape(text)}</{tags[op]}>" if op in tags else html.escape(text)
        for op, text in ops
    )


def _moved_marker(block: dict) -> str:
    label = f"moved from paragraph {block['from'] + 1} to {block['to'] + 1}"
    return f'<span class="moved-marker">{label}</span> '


def _html_block(block: dict) -> str:
    op = block["op"]
    if op == "equal" and "count" in block:
        return f'<p class="elided">… {_paragraphs(block["count"])} unchanged …</p>'
    if op == "equal":
        return f'<p class="equal">{html.escape(block["text"])}</p>'
    if op == "delete":
        return f'<p class="delete"><del>{html.escape(block["text"])}</del></p>'
    if op == "insert":
        return f'<p class="insert"><ins>{html.escape(block["text"])}</ins></p>'
    if op == "change":
        return f'<p class="change">{_html_ops(block["ops"])}</p>'
    inner = _html_ops(block["ops"]) if "ops" in block else html.escape(block["text"])
    data = f'data-from="{block["from"]}" data-to="{block["to"]}"'
    return f'<p class="moved" {data}>{_moved_marker(block)}{inner}</p>'


def _sides(block: dict) -> tuple[str, str, str]:
    """(row class, before cell, after cell) for the side-by-side table."""
    op = block["op"]
    text = html.escape(block.get("text", ""))
    if op == "equal" and "count" in block:
        return "elided", f"… {_paragraphs(block['count'])} unchanged …", ""
    if op in ("equal", "delete", "insert"):
        before = {"equal": text, "delete": f"<del>{text}</del>", "insert": ""}[op]
        after = {"equal": text, "delete": "", "insert": f"<ins>{text}</ins>"}[op]
        return op, before, after
    ops = block.get("ops") or [[0, block.get("text", "")]]
    before, after = _html_ops(_only(ops, INSERT)), _html_ops(_only(ops, DELETE))
    if op == "move":
        return "moved", _moved_marker(block) + before, _moved_marker(block) + after
    return op, before, after


def _only(ops: Sequence[Sequence], drop: int) -> list[Sequence]:
    return [op for op in ops if op[0] != drop]


def _side_by_side(diff: dict) -> str:
    rows = []
    for css, label, ops in _fields(diff):
        plain = label in ("headline", "byline")  # the row's class says it
        mark = "" if plain else f'<span class="label">{html.escape(label.capitalize())}:</span> '
        before, after = _html_ops(_only(ops, INSERT)), _html_ops(_only(ops, DELETE))
        rows.append(f'<tr class="{css}"><td>{mark}{before}</td><td>{mark}{after}</td></tr>')
    for block in diff.get("body") or ():
        kind, before, after = _sides(block)
        rows.append(f'<tr class="{kind}"><td>{before}</td><td>{after}</td></tr>')
    head = "<thead><tr><th>Before</th><th>After</th></tr></thead>"
    return (
        f'<table class="redline-diff side-by-side">{head}<tbody>\n'
        + "\n".join(rows)
        + ("\n</tbody></table>\n")
    )


def render_html(diff: dict, *, side_by_side: bool = False) -> str:
    """The diff as an HTML fragment: ``<del>``/``<ins>``, moved paragraphs ``class="moved"``."""
    check_diff(diff)
    if side_by_side:
        return _side_by_side(diff)
    parts = ['<div class="redline-diff">']
    for css, label, ops in _fields(diff):
        mark = f'<span class="label">{html.escape(label.capitalize())}:</span> '
        parts.append(f'<p class="{css}">{mark}{_html_ops(ops)}</p>')
    if diff.get("body"):
        parts.append('<div class="body">')
        parts.extend(_html_block(block) for block in diff["body"])
        parts.append("</div>")
    parts.append("</div>")
    return "\n".join(parts) + "\n"


def _paragraphs(n: int) -> str:
    return f"{n} paragraph" + ("" if n == 1 else "s")


def render_plain_summary(diff: dict) -> str:
    """One line for feeds and listings, e.g. "headline changed; 2 paragraphs edited, 1 added"."""
    check_diff(diff)
    parts = [f"{label} changed" for _, label, _ops in _fields(diff)]
    ops = [block["op"] for block in diff.get("body") or ()]
    words = {"change": "edited", "insert": "added", "delete": "removed", "move": "moved"}
    counts = [(ops.count(op), word) for op, word in words.items() if ops.count(op)]
    if counts:
        first = f"{_paragraphs(counts[0][0])} {counts[0][1]}"
        parts.append(", ".join([first, *(f"{n} {word}" for n, word in counts[1:])]))
    return "; ".join(parts) if parts else "no change"
