"""Disclosure signals: structured modification dates, visible "Updated ..." stamps, and
correction / clarification / update / editor's notes in seven languages (issue 13)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import lxml.html
import pytest

from diffing.disclosure import (
    Disclosure,
    is_later,
    is_note,
    notes_outside,
    read_disclosure,
    read_modified,
    read_visible_updated,
)
from diffing.extract import ExtractionError, decode_html, parse_html

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
DATE = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d\.\d{6}Z)?")


def page(body: str, head: str = "", lang: str = "en") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(
        f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'
    )


# --- notes, as newsrooms phrase them -----------------------------------------------------

NOTES = {
    "en": [
        "Correction: An earlier version of this article misstated the year the bridge opened.",
        "An earlier version of this story misspelled the name of the city's police chief.",
        "Clarification: This article has been updated to reflect that the vote was 7-2.",
        "Editor's note: This story was updated at 5:45 p.m. ET to include the governor's comments.",
        "Update: The minister resigned on Tuesday evening, hours after this article was published.",
        "This article was amended on 3 December 2026 to correct the spelling of Anna Müller's name.",
        "Correction, Dec. 2, 2026: A previous version of this article misstated the death toll.",
        "*A previous version of this story gave the wrong date for the hearing.",
        "Due to an editing error, an earlier version of this article gave the wrong budget figure.",
        "Editors’ Note: An earlier version of this article did not disclose the author's stake.",
        "UPDATE, 2:05 p.m.: Police have identified the suspect.",
        "This story has been updated with additional reporting.",
        "Correction: An earlier version misstated the role of the European Commission.",
        "An earlier version of this newsletter gave the wrong date for the vote.",
    ],
    "de": [
        "Korrektur: In einer früheren Version dieses Artikels hieß es, der Minister sei zurückgetreten.",
        "Berichtigung: Anders als zunächst berichtet, fand die Sitzung am Dienstag statt.",
        "Anmerkung der Redaktion: Dieser Artikel wurde um eine Stellungnahme des Ministeriums ergänzt.",
        "In einer früheren Version dieses Textes stand, die Brücke sei 1987 eröffnet worden.",
        "Hinweis der Redaktion: Wir haben den Artikel um 14.05 Uhr aktualisiert.",
        "Korrekturhinweis: In einer ersten Fassung dieses Beitrags war der Name falsch geschrieben.",
        "Aktualisierung: Die Polizei hat den Verdächtigen inzwischen festgenommen.",
        "Dieser Artikel wurde am 2. Dezember 2026 aktualisiert.",
        "Richtigstellung: Der Verein hat nicht 500, sondern 50 Mitglieder.",
        "Anm. d. Red.: In einer vorherigen Version hieß es, das Spiel sei abgesagt worden.",
        "Klarstellung: Die Zahl bezieht sich auf das gesamte Jahr, nicht auf ein Quartal.",
        "Nachtrag: Die Stadt hat sich inzwischen zu dem Vorfall geäußert.",
    ],
    "fr": [
        "Rectificatif : une version précédente de cet article indiquait que le ministre avait démissionné.",
        "Correction : contrairement à ce que nous avions écrit, la réunion a eu lieu mardi.",
        "Une version précédente de cet article mentionnait par erreur douze victimes.",
        "Dans une précédente version de cet article, nous avions indiqué à tort que le maire était candidat.",
        "Précision : le chiffre cité concerne l'ensemble de l'année 2026.",
        "Mise à jour : la police a interpellé le suspect dans la soirée.",
        "Note de la rédaction : cet article a été mis à jour le 2 décembre 2026.",
        "NDLR : cet article a été modifié pour préciser la date du scrutin.",
        "Cet article a été mis à jour à 14h05 avec la réaction du gouvernement.",
        "Erratum : le nom de la ministre était mal orthographié dans une version précédente.",
        "Nous avions écrit par erreur que la loi avait été adoptée.",
    ],
    "es": [
        "Fe de errores: en una versión anterior de este artículo se decía que el ministro había dimitido.",
        "Corrección: el accidente ocurrió el martes, no el lunes como se publicó inicialmente.",
        "Una versión anterior de este artículo indicaba que la reunión se celebró en Madrid.",
        "En una versión anterior de esta noticia se atribuyeron las declaraciones al alcalde.",
        "Aclaración: la cifra corresponde al conjunto del año, no al último trimestre.",
        "Actualización: la policía ha detenido al sospechoso.",
        "Nota de la redacción: este artículo ha sido actualizado con la reacción del Gobierno.",
        "Esta noticia ha sido actualizada a las 14:05 con nueva información.",
        "Fe de erratas: el apellido de la consejera es García, no Garcés.",
        "Nota del editor: este texto fue corregido para precisar la fecha del juicio.",
        "Rectificación: la empresa no ha presentado concurso de acreedores.",
    ],
    "it": [
        "Rettifica: in una versione precedente di questo articolo si affermava che il ministro si era dimesso.",
        "Correzione: l'incidente è avvenuto martedì, non lunedì.",
        "In una versione precedente di questo articolo il nome del sindaco era scritto in modo errato.",
        "Una versione precedente di questo articolo riportava una cifra sbagliata.",
        "Nota della redazione: questo articolo è stato aggiornato alle 14:05.",
        "Precisazione: il dato si riferisce all'intero anno.",
        "Aggiornamento: la polizia ha arrestato il sospettato.",
        "Questo articolo è stato aggiornato con la replica del ministero.",
        "N.d.R.: l'articolo è stato modificato per correggere la data dell'udienza.",
        "Errata corrige: il cognome corretto è Rossi, non Russo.",
        "Aggiornamento ore 14:05: il governo ha confermato la notizia.",
    ],
    "nl": [
        "Correctie: in een eerdere versie van dit artikel stond dat de minister was afgetreden.",
        "Rectificatie: de vergadering vond dinsdag plaats, niet maandag.",
        "In een eerdere versie van dit artikel werd de naam van de burgemeester verkeerd gespeld.",
        "Een eerdere versie van dit artikel vermeldde een onjuist bedrag.",
        "Noot van de redactie: dit artikel is aangepast na een reactie van het ministerie.",
        "Update: de politie heeft de verdachte aangehouden.",
        "Dit artikel is op 2 december 2026 bijgewerkt met nieuwe cijfers.",
        "Verduidelijking: het genoemde bedrag geldt voor het hele jaar.",
        "Naschrift: de gemeente heeft inmiddels gereageerd.",
        "Dit bericht is aangepast: eerder stond er dat de wedstrijd was afgelast.",
        "Aanvulling: de brandweer meldt dat het vuur onder controle is.",
    ],
    "pt": [
        "Correção: uma versão anterior deste texto informava que o ministro havia renunciado.",
        "Errata: o acidente ocorreu na terça-feira, e não na segunda-feira.",
        "Uma versão anterior desta reportagem informou incorretamente o nome do prefeito.",
        "Erramos: diferentemente do que foi publicado, a reunião ocorreu em Brasília.",
        "Nota da redação: este texto foi atualizado às 14h05 com a resposta do governo.",
        "Atualização: a polícia prendeu o suspeito.",
        "Este texto foi atualizado para incluir a posição da empresa.",
        "Ao contrário do que foi publicado, o evento será realizado no sábado.",
        "Esclarecimento: o valor citado refere-se ao ano inteiro.",
        "Nota do editor: esta reportagem foi corrigida para indicar a data correta.",
        "Numa versão anterior deste artigo, o nome da ministra estava incorreto.",
        "Retificação: a empresa não pediu recuperação judicial.",
    ],
}

NOT_NOTES = [
    "The updated figures were released on Monday and are correct.",
    "He said the correction in the stock market was overdue.",
    "“An earlier version of the bill was rejected,” she said.",
    "An earlier version of the plan was leaked to reporters in May.",
    "Correction of the market: what investors should do now",
    "Related: Correction of the market",
    "Update on the ceasefire talks",
    "Live updates: Ukraine war",
    "14:05 GMT",
    "Updated 14:05",
    "Update",
    "Updated: 2 December 2026, 14:05 GMT",
    "Updated on: November 19, 2019 / 10:07 AM / CBS News",
    "Corrections policy",
    "Submit a correction",
    "Editor's note: If you buy something through our links, we may earn an affiliate commission.",
    "Editor's note: Are you affected by the storm? Share your photos and stories with us.",
    "Editor’s note: Sign up for our newsletter to get the latest news every morning.",
    "This interview has been edited for length and clarity.",
    "This story was originally published by ProPublica.",
    "Der Artikel 5 des Grundgesetzes wurde 1994 geändert.",
    "Die Korrektur am Aktienmarkt dauerte bis Freitag an.",
    "La correction des copies du bac commence lundi.",
    "Mise à jour de sécurité pour iOS : ce qui change",
    "La actualización del software llegará en enero.",
    "L'aggiornamento del sistema è previsto per marzo.",
    "De update van de app verschijnt volgende week.",
    "A correção das provas começa na segunda-feira.",
]


@pytest.mark.parametrize(
    "text",
    [pytest.param(t, id=f"{lang}{i}") for lang, ts in NOTES.items() for i, t in enumerate(ts)],
)
def test_notes_in_each_language_are_found(text):
    assert is_note(text)
    found = read_disclosure(page("<p>Rain fell.</p>"), ["Rain fell.", text, "It went on."])
    assert found.notes == (text,)


@pytest.mark.parametrize("text", NOT_NOTES)
def test_ordinary_sentences_headlines_and_stamps_are_not_notes(text):
    assert not is_note(text)
    assert read_disclosure(page(f"<p>{text}</p>"), [text, "Rain fell."]).notes == ()


def test_every_language_has_at_least_ten_note_phrasings():
    assert set(NOTES) == {"en", "de", "fr", "es", "it", "nl", "pt"}
    assert min(len(texts) for texts in NOTES.values()) >= 10


def test_a_dated_correction_label_takes_the_paragraph_under_it():
    paragraphs = [
        "The budget passed.",
        "Correction: Dec. 2, 2026",
        "An article on Monday about the budget misstated the size of the deficit.",
    ]
    found = read_disclosure(page(""), paragraphs)
    assert found.notes == tuple(paragraphs[1:])
    assert notes_outside(found, paragraphs) == ()


def test_a_note_element_outside_the_body_is_a_note_to_add_to_the_body():
    tree = page(
        "<article><p>The budget passed.</p></article>"
        '<div class="article-correction"><h4>Correction</h4>'
        "<p>An article on Monday about the budget misstated the size of the deficit.</p></div>"
    )
    found = read_disclosure(tree, ["The budget passed."])
    expected = "Correction An article on Monday about the budget misstated the size of the deficit."
    assert found.notes == (expected,)
    assert notes_outside(found, ["The budget passed."]) == (expected,)


def test_a_note_element_inside_the_body_is_the_body_paragraph_not_a_second_note():
    note = "An article on Monday about the budget misstated the size of the deficit."
    tree = page(f'<p>The budget passed.</p><div class="editorsNote"><p>{note}</p></div>')
    found = read_disclosure(tree, ["The budget passed.", note])
    assert found.notes == (note,)
    assert notes_outside(found, ["The budget passed.", note]) == ()


def test_notes_come_in_page_order_and_once():
    top = "Clarification: The mayor spoke on Monday, not on Tuesday as first reported here."
    body_note = "Update: The council has since approved the plan."
    tree = page(
        f'<aside class="clarification-box">{top}</aside><p>The plan.</p><p>{body_note}</p>'
        f'<div class="update-note">{body_note}</div>'
    )
    found = read_disclosure(tree, ["The plan.", body_note])
    assert found.notes == (top, body_note)


def test_correction_controls_links_and_empty_boxes_are_not_notes():
    tree = page(
        "<p>Rain fell all day in the city.</p>"
        '<div class="entry-corrections"><a class="suggest-correction" href="#">'
        "Suggest a correction</a></div>"
        '<ul><li class="corrections"><a href="mailto:corrections@news.example?subject=Report">'
        "Report a correction to our standards editor today</a></li></ul>"
        '<div class="content-correction">Spotted an error in this story? '
        '<button class="btn-correction">Submit correction</button></div>'
        '<div class="parsys editorsNote"> </div>'
        '<p class="cnnEditorialNote">Are you in the storm? Please share your videos and '
        "pictures with us.</p>"
        '<footer><a href="/corrections">Corrections policy</a> '
        '<div class="corrections-note">Read how we correct our errors in our corrections page '
        "and in our standards.</div></footer>"
    )
    assert read_disclosure(tree, ["Rain fell all day in the city."]).notes == ()


def test_jsonld_correction_text_and_correction_comments():
    ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebPage", "name": "x"},'
        '{"@type": "NewsArticle", "headline": "Budget", "correction": ['
        '"An earlier version of this article misstated the deficit.",'
        '{"@type": "CorrectionComment", "text": "The <b>mayor</b> spoke on Monday.",'
        ' "datePublished": "2026-12-02"}, "https://news.example/corrections"]}]}</script>'
    )
    found = read_disclosure(page("<p>The budget passed.</p>", head=ld), ["The budget passed."])
    assert found.notes == (
        "An earlier version of this article misstated the deficit.",
        "The mayor spoke on Monday.",
    )
    assert notes_outside(found, ["The budget passed."]) == found.notes


def test_a_jsonld_correction_shown_in_the_body_too_is_one_note():
    note = "Correction: An earlier version of this article misstated the deficit."
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"correction": {"@type": "CorrectionComment", '
        '"text": "An earlier version of this article misstated the deficit."}}</script>'
    )
    found = read_disclosure(page(f"<p>{note}</p>", head=ld), ["The budget.", note])
    assert found.notes == (note,)


# --- visible stamps ----------------------------------------------------------------------

STAMPS = [
    ("Updated 2 December 2026, 14:05 GMT", "en-GB", "2026-12-02T14:05:00.000000Z"),
    ("Last updated: Tuesday, 2 December 2026", "en-GB", "2026-12-02"),
    ("Updated Dec. 2, 2026 2:05 p.m. ET", "en-US", "2026-12-02T19:05:00.000000Z"),
    ("Updated 9:22 PM EST, Mon November 6, 2023", "en", "2023-11-07T02:22:00.000000Z"),
    ("Updated: 12/02/2026 2:05 pm", "en-US", "2026-12-02T19:05:00.000000Z"),
    ("Aktualisiert am 02.12.2026, 14:05 Uhr", "de", "2026-12-02T13:05:00.000000Z"),
    ("Stand: 02.07.2026 14:05 Uhr", "de-DE", "2026-07-02T12:05:00.000000Z"),
    ("Zuletzt aktualisiert: 2. Dezember 2026", "de", "2026-12-02"),
    ("Mis à jour le 2 décembre 2026 à 14h05", "fr", "2026-12-02T13:05:00.000000Z"),
    (
        "Publié le 1er décembre 2026 à 10h00, modifié le 2 décembre 2026 à 14h05",
        "fr",
        "2026-12-02T13:05:00.000000Z",
    ),
    ("Actualizado: 02/12/2026 14:05", "es", "2026-12-02T13:05:00.000000Z"),
    ("Actualizado el 2 de diciembre de 2026", "es", "2026-12-02"),
    ("Aggiornato il 2 dicembre 2026 alle 14:05", "it", "2026-12-02T13:05:00.000000Z"),
    ("Bijgewerkt op 2 december 2026, 14:05", "nl", "2026-12-02T13:05:00.000000Z"),
    ("Atualizado em 02/12/2026 às 14h05", "pt-BR", "2026-12-02T17:05:00.000000Z"),
    ("Atualizado em 2 de dezembro de 2026", "pt", "2026-12-02"),
]


@pytest.mark.parametrize("text,lang,expected", STAMPS)
def test_absolute_visible_stamps_in_each_language(text, lang, expected):
    tree = page(f'<h1>Rain</h1><div class="meta"><span>{text}</span></div><p>Body.</p>', lang=lang)
    assert read_visible_updated(tree, lang) == expected
    assert read_disclosure(tree, ["Body."], language=lang).visible_updated == expected


def test_the_label_language_reads_the_stamp_when_the_page_gives_none():
    assert read_visible_updated(page("<p>Aktualisiert am 02.12.2026, 14:05 Uhr</p>")) == (
        "2026-12-02T13:05:00.000000Z"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Updated 5 minutes ago",
        "Last updated 15 hours ago",
        "Updated an hour ago",
        "Updated today at 14:05",
        "vor 3 Minuten aktualisiert",
        "Aktualisiert vor 2 Stunden",
        "Mis à jour il y a 2 heures",
        "Actualizado hace 5 minutos",
        "Aggiornato 5 minuti fa",
        "5 minuten geleden bijgewerkt",
        "Atualizado há 2 horas",
    ],
)
def test_relative_stamps_give_none(text):
    # the first stamp is the article's: a dated teaser below it does not count
    teaser = "<div><span>Updated 1 December 2026</span></div>"
    tree = page(f"<div><span>{text}</span></div><p>Body.</p>{teaser}")
    assert read_visible_updated(tree) is None


@pytest.mark.parametrize(
    "text", ["Updated 14:05 GMT", "Actualizado a las 15:10h.", "Mise à jour à 16:15"]
)
def test_stamps_without_a_day_give_none(text):
    assert read_visible_updated(page(f"<p>{text}</p>")) is None


def test_the_first_stamp_decides_even_when_a_teaser_below_has_a_date():
    tree = page(
        "<p><span>Updated 5 minutes ago</span></p><p>Body.</p>"
        "<div><span>Updated 1 December 2026</span></div>"
    )
    assert read_visible_updated(tree) is None


def test_time_elements_inside_a_stamp_label():
    tree = page(
        '<div class="meta"><span>Updated</span> '
        '<time datetime="2026-12-02T14:05:00+01:00">2 Dec 2026</time></div>'
    )
    assert read_visible_updated(tree) == "2026-12-02T13:05:00.000000Z"
    relative = page('<div>Updated <time datetime="2026-12-02T14:05:00Z">5 minutes ago</time></div>')
    assert read_visible_updated(relative) is None


def test_a_stamp_after_a_comment_or_loose_in_a_big_box_is_read():
    assert read_visible_updated(page("<p><!-- date -->Updated 2 December 2026</p>")) == (
        "2026-12-02"
    )
    loose = page("Updated 2 December 2026" + "<div>x</div>" * 20)
    assert read_visible_updated(loose) == "2026-12-02"


def test_a_whole_page_marked_with_a_correction_class_is_not_a_note():
    paragraphs = "".join(f"<p>Paragraph {i} of the story, with words.</p>" for i in range(300))
    tree = page(f'<div class="article has-corrections">{paragraphs}</div>')
    assert read_disclosure(tree, []).notes == ()


def test_sentences_links_and_navigation_are_not_stamps():
    tree = page(
        "<p>The rules were updated on 2 December 2026.</p>"
        "<nav><span>Updated 1 December 2026</span></nav>"
        '<a href="/x">Updated 1 December 2026</a>'
        "<footer>Last updated 1 December 2026</footer>"
        "<p>Updated: New rules from 1 January 2027</p>"
    )
    assert read_visible_updated(tree) is None


# --- structured dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    "head,body,expected",
    [
        (
            '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
            '{"@type": "WebSite", "dateModified": "2020-01-01"},'
            '{"@type": "NewsArticle", "dateModified": "2026-12-02T15:05:00+01:00"}]}</script>'
            '<meta property="article:modified_time" content="2026-12-01T00:00:00Z">',
            "",
            "2026-12-02T14:05:00.000000Z",
        ),
        (
            '<meta property="article:modified_time" content="2026-12-02T14:05:00.123456Z">',
            "",
            "2026-12-02T14:05:00.123456Z",
        ),
        ('<meta property="og:updated_time" content="2026-12-02T09:05:00-05:00">', "", None),
        ('<meta itemprop="dateModified" content="2026-12-02T14:05:00Z">', "", None),
        ('<meta name="last-modified" content="2026-12-02 14:05:00">', "", None),
        ('<meta http-equiv="Last-Modified" content="Wed, 02 Dec 2026 14:05:00 GMT">', "", None),
        ("", '<time itemprop="dateModified" datetime="2026-12-02T14:05:00Z">2 Dec</time>', None),
        ('<meta name="dcterms.modified" content="2026-12-02">', "", "2026-12-02"),
    ],
)
def test_structured_modification_dates_from_each_source(head, body, expected):
    found = read_modified(page(body, head=head))
    assert found == (expected or "2026-12-02T14:05:00.000000Z")
    assert read_disclosure(page(body, head=head), []).modified == found


def test_unreadable_or_placeholder_modification_dates_are_none():
    assert read_modified(page("", head='<meta property="og:updated_time" content="soon">')) is None
    placeholder = '<meta property="article:modified_time" content="0001-01-01T00:00:00Z">'
    assert read_modified(page("", head=placeholder)) is None
    assert read_disclosure(page("<p>x</p>"), ["x"]) == Disclosure(None, None, ())


def test_is_later_compares_a_day_alone_by_day():
    assert is_later("2026-12-02T09:00:00.000000Z", "2026-12-02T10:00:00.000000Z")
    assert not is_later("2026-12-02T10:00:00.000000Z", "2026-12-02T10:00:00.000000Z")
    assert not is_later("2026-12-02", "2026-12-02T23:00:00.000000Z")
    assert is_later("2026-12-01T23:00:00.000000Z", "2026-12-02")
    assert not is_later(None, "2026-12-02")


# --- real pages --------------------------------------------------------------------------

# Every note found in the corpus, each read and judged a real note. A new one must be
# looked at: added here when it is a note, the rules fixed when it is not.
CORPUS_NOTES = (
    "Correction: This posting has been updated with a revised total",
    "This story has been updated with additional developments.",
    "Update: On December 28, I reached out to Slack’s PR team",
    "UPDATE: Dec. 22, 2016, 2:16 p.m. EST Updated with further clarification",
    "Update: On December 10, Twitter reinstated",
    "Correction: This article originally linked to a Twitter presence",
    "UPDATE: many readers asked me how I created the charts",
    "Correction, Nov. 15, 2019: This article originally misidentified",
    "Editor's note: This story was updated at 5:45 p.m. ET",
)


def corpus_pages() -> list[Path]:
    return [
        *sorted(CORPUS.glob("pages-news-extra/*/*.html")),
        *sorted(CORPUS.glob("pages-readability/*/source.html")),
        *sorted(CORPUS.glob("pages-extraction-benchmark/*.html")),
    ]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent (a user's clone)")
def test_real_pages_give_plausible_signals_and_no_false_notes():
    pages = modified = visible = with_notes = 0
    notes: list[str] = []
    spent = 0.0
    for path in corpus_pages():
        try:
            tree = parse_html(decode_html(path.read_bytes()), path.as_uri())
        except ExtractionError:
            continue
        # every <p> of the page, a superset of any extracted body: harder on precision
        paragraphs = [p.text_content() for p in tree.iter("p")]
        start = time.perf_counter()
        found = read_disclosure(tree, paragraphs, language=tree.get("lang"))
        spent += time.perf_counter() - start
        pages += 1
        for value in (found.modified, found.visible_updated):
            assert value is None or DATE.fullmatch(value), (path, value)
        modified += found.modified is not None
        visible += found.visible_updated is not None
        with_notes += bool(found.notes)
        notes += found.notes
    print(
        f"\n{pages} real pages: {modified} with a modification date, {visible} with an "
        f"absolute visible stamp, {with_notes} with notes ({len(notes)} notes); "
        f"{spent / pages * 1000:.2f} ms a page"
    )
    for note in notes:
        print("  note:", note[:110])
    unknown = [n for n in notes if not n.startswith(CORPUS_NOTES)]
    assert unknown == [], "notes nobody has judged (false notes?)"
    assert pages > 600 and modified > 250 and visible > 40 and len(notes) >= len(CORPUS_NOTES)


def test_a_relative_stamp_in_the_site_masthead_does_not_hide_the_articles_stamp():
    tree = page(
        '<header class="masthead"><span>Updated 5 minutes ago</span></header>'
        "<main><article><p>Updated 2 December 2026, 14:05 GMT</p><p>Body.</p></article></main>"
    )
    assert read_visible_updated(tree) == "2026-12-02T14:05:00.000000Z"
