"""The body diff: paragraphs first, then sentences and words inside edited paragraphs.

``diff_body(old, new)`` takes two lists of normalised paragraphs and returns the stored
body diff, a list of JSON-serialisable blocks in the order of the new text. Paragraph
numbers are 0-based indexes into the normalised paragraph lists (after ignore patterns).

- ``{"op": "equal", "old": i, "new": j, "text": t}``: an unchanged paragraph kept as
  context (one on each side of every change);
- ``{"op": "equal", "old": i, "new": j, "count": n}``: n (at least 2) unchanged
  paragraphs elided;
- ``{"op": "delete", "old": i, "text": t}``, ``{"op": "insert", "new": j, "text": t}``;
- ``{"op": "change", "old": i, "new": j, "ops": [[op, text], ...]}``: an edited
  paragraph, with word-level ops (-1 deleted, 0 kept, 1 inserted);
- ``{"op": "move", "from": i, "to": j, "text": t}``: paragraph i now stands at j, shown
  at its new place; a moved paragraph that was also edited carries ``"ops"`` too.

An unchanged body gives ``[]``.
"""

from __future__ import annotations

from collections.abc import Sequence

from diffing.textdiff import Hunk, align, diff_texts, diff_units, iter_hunks, similarity

MOVE_THRESHOLD = 0.8  # similarity for a deleted and an inserted paragraph to be one move
MOVE_BUDGET = 5000  # most paragraph comparisons spent looking for edited moves
CONTEXT = 1  # unchanged paragraphs kept with their text around each change


def diff_body(old: Sequence[str], new: Sequence[str]) -> list[dict]:
    """The stored body diff between two lists of normalised paragraphs."""
    hunks = list(iter_hunks(diff_units(old, new)))
    regions = [h for h in hunks if not h.equal]
    moves = _find_exact_moves(regions)
    blocks_of = {id(h): _region_blocks(h, moves) for h in regions}
    _find_edited_moves([blocks_of[id(h)] for h in regions])
    blocks: list[dict] = []
    for hunk in hunks:
        if hunk.equal:
            blocks.extend(_equal_blocks(hunk))
        else:
            blocks.extend(blocks_of[id(hunk)])
    return _elide(blocks)


def _find_exact_moves(regions: list[Hunk]) -> dict[int, int]:
    """Inserted paragraphs identical to one deleted elsewhere: new index -> old index."""
    deleted: dict[str, list[int]] = {}
    for hunk in regions:
        for k, text in enumerate(hunk.old):
            deleted.setdefault(text, []).append(hunk.old_start + k)
    moves = {}
    for hunk in regions:
        for k, text in enumerate(hunk.new):
            if deleted.get(text):
                moves[hunk.new_start + k] = deleted[text].pop(0)
    return moves


def _region_blocks(hunk: Hunk, moves: dict[int, int]) -> list[dict]:
    """Blocks for one changed region: moves at their new place, the rest paired in order."""
    moved_away = set(moves.values())
    dels = [(hunk.old_start + k, t) for k, t in enumerate(hunk.old)]
    dels = [(i, t) for i, t in dels if i not in moved_away]
    ins = [(hunk.new_start + k, t) for k, t in enumerate(hunk.new)]
    ins = [(j, t) for j, t in ins if j not in moves]
    blocks = []
    for a, b in align([t for _, t in dels], [t for _, t in ins]):
        if a is not None and b is not None:
            ops = [list(op) for op in diff_texts(dels[a][1], ins[b][1])]
            blocks.append({"op": "change", "old": dels[a][0], "new": ins[b][0], "ops": ops})
        elif a is not None:
            blocks.append({"op": "delete", "old": dels[a][0], "text": dels[a][1]})
        elif b is not None:
            blocks.append({"op": "insert", "new": ins[b][0], "text": ins[b][1]})
    for k, text in enumerate(hunk.new):
        j = hunk.new_start + k
        if j in moves:
            _place({"op": "move", "from": moves[j], "to": j, "text": text}, blocks)
    return blocks


def _new_index(block: dict) -> int:
    """Where the block stands in the new text; -1 for a deletion (it stands nowhere)."""
    return block.get("to", block.get("new", -1))


def _place(block: dict, blocks: list[dict]) -> None:
    """Insert ``block`` before the first block that stands later in the new text."""
    j = _new_index(block)
    at = next((n for n, b in enumerate(blocks) if _new_index(b) > j), len(blocks))
    blocks.insert(at, block)


def _find_edited_moves(regions: list[list[dict]]) -> None:
    """Turn a deletion in one region and a nearly identical insertion in another into a
    move with a word diff inside. Bounded by MOVE_BUDGET so rewrites stay fast."""
    deletes = [(r, b) for r, blocks in enumerate(regions) for b in blocks if b["op"] == "delete"]
    inserts = [(r, b) for r, blocks in enumerate(regions) for b in blocks if b["op"] == "insert"]
    if not deletes or len(deletes) * len(inserts) > MOVE_BUDGET:
        return
    for r_ins, ins in inserts:
        match = next((d for d in deletes if d[0] != r_ins and _nearly_same(d[1], ins)), None)
        if match is None:
            continue
        deletes.remove(match)
        regions[match[0]].remove(match[1])
        ops = [list(op) for op in diff_texts(match[1]["text"], ins["text"])]
        move = {"op": "move", "from": match[1]["old"], "to": ins["new"], "text": ins["text"]}
        regions[r_ins][regions[r_ins].index(ins)] = {**move, "ops": ops}


def _nearly_same(deleted: dict, inserted: dict) -> bool:
    a, b = deleted["text"], inserted["text"]
    if min(len(a), len(b)) < MOVE_THRESHOLD * max(len(a), len(b)):
        return False
    return similarity(a, b) >= MOVE_THRESHOLD


def _equal_blocks(hunk: Hunk) -> list[dict]:
    return [
        {"op": "equal", "old": hunk.old_start + k, "new": hunk.new_start + k, "text": text}
        for k, text in enumerate(hunk.old)
    ]


def _elide(blocks: list[dict]) -> list[dict]:
    """Keep CONTEXT equal paragraphs with their text next to changes; count the rest (a
    single paragraph is kept: its text is no longer than the note that would replace it)."""
    changed = [n for n, b in enumerate(blocks) if b["op"] != "equal"]
    if not changed:
        return []
    near = {n + d for n in changed for d in range(-CONTEXT, CONTEXT + 1)}
    out: list[dict] = []
    run: list[dict] = []
    for n, block in enumerate([*blocks, {"op": "end"}]):
        if block["op"] == "equal" and n not in near:
            run.append(block)
            continue
        if len(run) > 1:
            out.append(
                {"op": "equal", "old": run[0]["old"], "new": run[0]["new"], "count": len(run)}
            )
        else:
            out.extend(run)
        run = []
        out.append(block)
    return out[:-1]
