"""Was an edit acknowledged? Each kind of acknowledgement made by the newsroom alone and
together, between real crawls: `changes` (--json, --silent, text), `history`, `stats`, and
`reindex` rebuilding the same verdicts."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from redline.newsroom import Newsroom
from tests.crawling import changes, crawl, redline, write_config
from tests.equivalence import differences, reindexed, tables

# A correction note per language, phrased as newsrooms phrase them (diffing/disclosure.py).
NOTES = {
    "en": "Correction: An earlier version of this article misstated the number of flats.",
    "de": "Korrektur: In einer früheren Version dieses Artikels war die Zahl der Wohnungen"
    " falsch angegeben.",
    "fr": "Rectificatif : une version précédente de cet article indiquait un nombre erroné"
    " de logements.",
    "es": "Fe de errores: una versión anterior de este artículo daba un número erróneo de"
    " viviendas.",
    "it": "Rettifica: una versione precedente di questo articolo riportava un numero errato"
    " di alloggi.",
    "nl": "Correctie: in een eerdere versie van dit artikel stond een verkeerd aantal woningen.",
    "pt": "Correção: uma versão anterior deste texto informava um número errado de moradias.",
}
NOTE = "Editor's note: This story has been updated to include the council's response."
# what each article of the scenario gets between the first and the second crawl
ROLES = [
    *(f"note-{lang}" for lang in NOTES),
    "modified",  # dateModified moved
    "visible",  # the visible absolute "Updated ..." stamp moved
    "together",  # a note, dateModified and the visible stamp; the note removed later
    "silent",  # nothing moved
    "relative",  # "Updated N minutes ago", new on every fetch: acknowledges nothing
    "redated",  # dateModified moved, no text changed
    "note-only",  # a note added, nothing else; removed later (back to the first version)
    "untouched",
]
HOUR = timedelta(hours=1)


def one_word(paragraphs: list[str]) -> list[str]:
    return [paragraphs[0] + " Officials confirmed it on Tuesday.", *paragraphs[1:]]


def second_round(room: Newsroom, slugs: dict[str, str]) -> None:
    for role, slug in slugs.items():
        article = room.articles[slug]
        edited = one_word(article.paragraphs)
        if role.startswith("note-") and role != "note-only":
            article.note = NOTES[article.lang]
            article.note_box = article.lang in ("de", "es", "nl")  # some in their own element
            room.edit(slug, paragraphs=edited, silent=True)
        elif role == "modified":
            room.edit(slug, paragraphs=edited, updated=article.published + 2 * HOUR)
        elif role == "visible":
            article.stamp += HOUR
            room.edit(slug, paragraphs=edited, silent=True)
        elif role == "together":
            article.note, article.stamp = NOTE, article.stamp + HOUR
            room.edit(slug, paragraphs=edited, updated=article.published + 2 * HOUR)
        elif role in ("silent", "relative"):
            room.edit(slug, paragraphs=edited, silent=True)
        elif role == "redated":
            article.updated = article.published + 3 * HOUR  # fake freshness
        elif role == "note-only":
            article.note = NOTE


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("silent")
    with Newsroom(articles=len(ROLES), seed=13, noise=False) as room:
        slugs = dict(zip(ROLES, sorted(room.articles)))
        for role, slug in slugs.items():
            article = room.articles[slug]
            article.lang = role.removeprefix("note-") if role[5:] in NOTES else "en"
            article.stamp = article.published + HOUR if role in ("visible", "together") else None
            article.ago = role == "relative"
        config = write_config(tmp, room.base_url)
        crawl(config)
        second_round(room, slugs)
        crawl(config)
        between = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        for role in ("together", "note-only"):
            room.articles[slugs[role]].note = None  # the note goes, silently
        crawl(config)
        urls = {role: room.article_url(slug) for role, slug in slugs.items()}
    return config, urls, between


def by_role(scenario) -> dict[str, list[dict]]:
    config, urls, _ = scenario
    roles = {url: role for role, url in urls.items()}
    found: dict[str, list[dict]] = {}
    for change in reversed(changes(config)):  # oldest first
        found.setdefault(roles[change["url"]], []).append(change)
    return found


def verdict(change: dict) -> tuple:
    return change["kinds"], change["silent"], change["disclosure"], change["notes"]


@pytest.mark.parametrize("lang", list(NOTES))
def test_a_correction_note_acknowledges_the_edit_in_each_language(scenario, lang):
    (change,) = by_role(scenario)[f"note-{lang}"]
    assert verdict(change) == (["body"], False, ["note"], [NOTES[lang]])
    inserted = [b["text"] for b in change_diff(scenario, change) if b["op"] == "insert"]
    assert NOTES[lang] in inserted, "a note is article text, in its own element or not"


def change_diff(scenario, change: dict) -> list[dict]:
    config = scenario[0]
    result = redline(config, "diff", change["url"], "--format", "json", "--to", "2")
    return json.loads(result.stdout)["diff"]["body"]


@pytest.mark.parametrize(
    "role, disclosure, notes",
    [
        ("modified", ["modified_date"], []),
        ("visible", ["visible_date"], []),
        ("together", ["note", "modified_date", "visible_date"], [NOTE]),
    ],
)
def test_each_acknowledgement_alone_and_together(scenario, role, disclosure, notes):
    change = by_role(scenario)[role][0]
    assert verdict(change) == (["body"], False, disclosure, notes)


@pytest.mark.parametrize("role", ["silent", "relative"])
def test_an_edit_nothing_acknowledges_is_silent(scenario, role):
    (change,) = by_role(scenario)[role]
    assert verdict(change) == (["body"], True, [], [])
    assert change["significance"] == "substantive"


def test_a_new_date_on_the_same_text_is_no_change_but_a_redated_capture(scenario):
    config, urls, _ = scenario
    found = by_role(scenario)
    assert "redated" not in found and "untouched" not in found
    with sqlite3.connect(config.parent / "redline.db") as db:
        redated = db.execute(
            "select c.url from captures c where c.redated = 1 order by c.id"
        ).fetchall()
    assert redated == [(urls["redated"],)]


def test_a_note_alone_is_an_acknowledged_change(scenario):
    config, urls, _ = scenario
    added, taken_down = by_role(scenario)["note-only"]
    assert verdict(added) == (["body"], False, ["note"], [NOTE])
    assert verdict(taken_down) == (["body"], True, [], [])
    assert added["added_words"] == len(NOTE.split()) and added["removed_words"] == 0
    history = json.loads(redline(config, "history", urls["note-only"], "--json").stdout)
    assert [r["notes"] for r in history] == [[], [NOTE], []]
    assert all("modified" in r for r in history)
    # Without its note the story is its first version again: a repeat of revision 1, yet
    # a note taken down is always reported (test_a_note_removed_later_...).
    with sqlite3.connect(config.parent / "redline.db") as db:
        repeats = db.execute(
            "select r.repeats from revisions r join articles a on a.id = r.article_id"
            " where a.url = ? order by r.number",
            [urls["note-only"]],
        ).fetchall()
    assert repeats == [(None,), (None,), (1,)]


def test_a_note_removed_later_is_a_change_and_silent(scenario):
    config, urls, _ = scenario
    edited, removed = by_role(scenario)["together"]
    assert verdict(edited)[2:] == (["note", "modified_date", "visible_date"], [NOTE])
    assert verdict(removed) == (["body"], True, [], [])
    assert (removed["from_revision"], removed["to_revision"]) == (2, 3)
    assert removed["removed_words"] == len(NOTE.split())


def test_changes_silent_lists_only_silent_edits_and_text_marks_them(scenario):
    config, urls, _ = scenario
    silent = changes(config, "--silent")
    assert sorted(urls[r] for r in ("silent", "relative", "together", "note-only")) == sorted(
        c["url"] for c in silent
    )
    assert all(c["silent"] is True for c in silent)
    text = redline(config, "changes").stdout.splitlines()
    marked = [line for line in text if "[silent]" in line]
    assert len(marked) == 4
    acknowledged = [line for line in text if "[acknowledged: note] " in line]
    assert len(acknowledged) == len(NOTES) + 1  # each language, and the note alone
    assert any("note: " + NOTE in line for line in text), "the notes are shown"
    empty = redline(config, "changes", "--silent", "--site", "elsewhere")
    assert empty.returncode == 0 and empty.stdout.strip() == "no silent changes"


def test_stats_json_for_the_scenario(scenario):
    config, _, between = scenario
    result = redline(config, "stats", "--json")
    assert result.returncode == 0, result.stderr
    (record,) = json.loads(result.stdout)
    hours = record.pop("median_hours_to_first_edit")
    assert isinstance(hours, float) and 0 <= hours < 1, "the first edits came a crawl later"
    n = len(ROLES)
    assert record == {
        "site": "newsroom",
        "articles": n,
        # three passes, and a confirming refetch of each page that differed: 13 in the
        # second pass, 2 in the third (the two notes taken down)
        "captures": 3 * n + 13 + 2,
        "changes": 15,
        "substantive": 15,
        "silent": 4,
        "silent_share": round(4 / 15, 4),
        "notes": len(NOTES) + 2,
        "redated": 1,
        "extraction_failures": 0,
    }
    (later,) = json.loads(redline(config, "stats", "--json", "--since", between).stdout)
    assert later == {
        "site": "newsroom",
        "articles": n,
        "captures": n + 2,
        "changes": 2,  # both notes taken down
        "substantive": 2,
        "silent": 2,
        "silent_share": 1.0,
        "notes": 0,
        "redated": 0,
        "median_hours_to_first_edit": None,  # every first edit came before
        "extraction_failures": 0,
    }


def test_stats_text_and_unknown_site(scenario):
    config = scenario[0]
    text = redline(config, "stats", "--site", "newsroom").stdout
    assert text.startswith("newsroom: of 15 substantive edits, 27% were silent (4)")
    assert "1 re-dated captures" in text and f"{len(NOTES) + 2} notes seen" in text
    wrong = redline(config, "stats", "--site", "elsewhere")
    assert wrong.returncode == 1 and "no site named 'elsewhere'" in wrong.stderr


def test_reindex_rebuilds_the_same_verdicts(scenario):
    config = scenario[0]
    crawled = tables(config.parent / "redline.db")
    assert any(row for row in crawled["changes"]), "something to compare"
    assert differences(crawled, reindexed(config)) == {}
