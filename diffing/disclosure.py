"""Disclosure: what a page says about its own edits (DESIGN.md `silent`, `disclosure`).

Three signals, read from a page that is already parsed and extracted:

- `modified`: the structured modification date (JSON-LD `dateModified` of the article,
  `article:modified_time`, `og:updated_time`, `itemprop=dateModified`, `last-modified`).
- `visible_updated`: an absolute "Updated ..." date a reader sees, in English, German,
  French, Spanish, Italian, Dutch or Portuguese. Relative stamps ("5 minutes ago") are
  computed at fetch time and acknowledge nothing: they give None, and so does a stamp
  without a day ("Updated 14:05").
- `notes`: correction, clarification, update and editor's notes: a body paragraph that
  is one, a dedicated element (class or id naming a correction or an editor's note),
  the JSON-LD `correction` property.

Dates are UTC `YYYY-MM-DDTHH:MM:SS.ffffffZ`, or `YYYY-MM-DD` when the page gives a day
but no time (`diffing/stamps.py` reads them). Pure functions of the parsed tree: one
Python pass over the body finds the candidates for stamps and note elements.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from diffing.metadata import collapse, find_jsonld_article, fold
from diffing.stamps import FILLER_WORDS, MONTH_WORDS, STAMP_STEMS, first_stamp, inside, to_utc


@dataclass(frozen=True)
class Disclosure:
    """What a page acknowledges about itself; every field may be empty.

    `modified` and `visible_updated` are UTC `YYYY-MM-DDTHH:MM:SS.ffffffZ`, or
    `YYYY-MM-DD` when the page gives no time; `notes` are collapsed texts in page order.
    """

    modified: str | None = None
    visible_updated: str | None = None
    notes: tuple[str, ...] = ()


def read_disclosure(
    tree: HtmlElement,
    paragraphs: Sequence[str],
    *,
    language: str | None = None,
    article: dict | None = None,
) -> Disclosure:
    """The disclosure signals of a parsed page whose extracted body is `paragraphs`
    (`article`: its JSON-LD article, when the caller has found it already).

    >>> import lxml.html
    >>> page = lxml.html.document_fromstring(
    ...     '<html><head><meta property="article:modified_time" content="2026-12-02T15:05:00+01:00">'
    ...     '</head><body><p class="meta">Updated 2 December 2026, 14:05 GMT</p>'
    ...     '<p>Rain fell.</p><p>Correction: An earlier version misstated the rainfall.</p>'
    ...     '</body></html>')
    >>> found = read_disclosure(page, ["Rain fell.", "Correction: An earlier version misstated the rainfall."])
    >>> found.modified, found.visible_updated
    ('2026-12-02T14:05:00.000000Z', '2026-12-02T14:05:00.000000Z')
    >>> found.notes
    ('Correction: An earlier version misstated the rainfall.',)
    """
    article = find_jsonld_article(tree) if article is None else article
    page = _scan(tree)
    return Disclosure(
        modified=read_modified(tree, article),
        visible_updated=first_stamp(page.stamp_texts, language),
        notes=_notes(page, paragraphs, article),
    )


def notes_outside(disclosure: Disclosure, paragraphs: Sequence[str]) -> tuple[str, ...]:
    """The notes that are not paragraphs of the body (the contract adds them to it)."""
    present = {collapse(p) for p in paragraphs}
    return tuple(n for n in disclosure.notes if n not in present)


def is_later(before: str | None, after: str | None) -> bool:
    """Whether date `after` is later than `before`; a day alone compares by day.

    >>> is_later("2026-12-02", "2026-12-02T09:00:00.000000Z"), is_later("2026-12-01", "2026-12-02")
    (False, True)
    """
    if not before or not after:
        return False
    if len(before) == 10 or len(after) == 10:
        return after[:10] > before[:10]
    return after > before


# --- the structured modification date ---------------------------------------------------

_MODIFIED_META = (
    "article:modified_time",
    "og:article:modified_time",
    "article:updated_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
    "dc.modified",
    "last-modified",
    "lastmodified",
    "last_modified",
    "lastmod",
    "revised",
)
_ITEMPROP_MODIFIED = etree.XPath(
    '//*[@itemprop][translate(@itemprop, "DM", "dm") = "datemodified"][not(self::meta)]'
)


def read_modified(tree: HtmlElement, article: dict | None = None) -> str | None:
    """The page's structured modification date, UTC; the most trusted source first.
    `article` is the page's JSON-LD article object, when the caller has found it."""
    if article is None:
        article = find_jsonld_article(tree)
    for candidate in _modified_candidates(tree, article):
        found = to_utc(candidate)
        if found:
            return found
    return None


def _modified_candidates(tree: HtmlElement, article: dict) -> Iterator[str]:
    value = article.get("dateModified")
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            yield item
    meta: dict[str, str] = {}
    for tag in tree.iter("meta"):
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (tag.get(attribute) or "").lower()
            if key in _MODIFIED_META and key not in meta:
                meta[key] = tag.get("content") or ""
    yield from (meta[key] for key in _MODIFIED_META if key in meta)
    for node in _ITEMPROP_MODIFIED(tree):
        yield node.get("datetime") or node.get("content") or node.text_content()


def read_visible_updated(tree: HtmlElement, language: str | None = None) -> str | None:
    """The first "Updated ..." stamp on the page as a UTC date; None when it is relative,
    has no day, or there is none."""
    return first_stamp(_scan(tree).stamp_texts, language)


# --- notes ------------------------------------------------------------------------------

_Q = "['’‘`´]"
_CORRECTION_LABELS = (
    r"corrections?|clarifications?|errat(?:um|a)|correction\s+appended"
    r"|korrektur(?:-?hinweis)?|berichtigung|richtigstellung|klarstellung"
    r"|rectificatif|précisions?|fe\s+de\s+err(?:ores|atas)|correcci[oó]n|aclaraci[oó]n"
    r"|rectificaci[oó]n|rettifica|correzione|precisazione|errata\s+corrige"
    r"|correctie|rectificatie|verduidelijking|corre(?:c)?ção|erramos|re(?:c)?tificação"
    r"|esclarecimento"
)
_EDITOR_LABELS = (
    rf"editors?{_Q}?s?\s+note|ed\.\s?note|note\s+from\s+the\s+editors?"
    r"|anmerkung\s+der\s+redaktion|hinweis\s+der\s+redaktion|anm\.\s?d\.\s?red\.?"
    rf"|redaktioneller\s+hinweis|note\s+de\s+la\s+rédaction|n\.\s?d\.\s?l\.\s?r\.?|ndlr"
    rf"|note\s+de\s+l{_Q}éditeur|nota\s+de\s+la\s+redacci[oó]n|nota\s+del\s+editor"
    rf"|nota\s+de\s+la\s+editora|nota\s+de\s+los\s+editores|n\.\s?de\s+la\s+r\."
    rf"|nota\s+della\s+redazione|nota\s+dell{_Q}editore|n\.\s?d\.\s?r\."
    r"|noot\s+van\s+de\s+redactie|naschrift(?:\s+van\s+de\s+redactie)?|noot\s+redactie"
    r"|nota\s+da\s+reda(?:c)?ção|nota\s+do\s+editor|nota\s+dos\s+editores|n\.\s?da\s+r\."
)
_UPDATE_LABELS = (
    r"update[sd]?|aktualisierung|aktualisiert|nachtrag|ergänzung|mises?\s+à\s+jour"
    r"|mis\s+à\s+jour|actualisation|actualizaci[oó]n|actualizad[oa]|aggiornamento"
    r"|aggiornat[oa]|bijgewerkt|aanvulling|a(?:c)?tualização|a(?:c)?tualizad[oa]"
)
_STAMP_WORDS = (
    rf"{MONTH_WORDS}|{FILLER_WORDS}|a\.?m\.?|p\.?m\.?|uhr|h|hrs|hs|horas|gmt|utc|cet|cest"
)
_STAMP_WORDS += r"|mez|mesz|bst|est|edt|et|pst|pdt|pt|cst|cdt|ct|no|nr"
_LEAD = r"^[\s*•·\[(—–\-_|>#]*"
_NOTE_LABEL = re.compile(
    rf"{_LEAD}(?:(?P<correction>{_CORRECTION_LABELS})|(?P<editor>{_EDITOR_LABELS})"
    rf"|(?P<update>{_UPDATE_LABELS}))(?![\w])"
    rf"(?P<stamp>(?:[\s.,/()\[\]\-–]|\d+(?!\d)(?::\d\d)?(?:st|nd|rd|th|er)?|(?:{_STAMP_WORDS})(?![\w]))*?)"
    r"(?P<end>\s?[:：](?=\s|$)|\s[—–-](?=\s)|\)|\]|$)",
    re.IGNORECASE,
)
_DOC = {
    "en": r"article|story|report|post|piece|column|headline|item|obituary|review|editorial"
    r"|essay|newsletter|video|graphic|(?:photo\s+)?caption|interview|analysis|feature|list"
    r"|guide|explainer|blog\s+post|page|text|recap|podcast|episode|transcript|profile",
    "de": r"artikels?|textes|texts?|beitrags?|berichts?|stücks?|meldung|interviews?|kommentars?",
    "fr": r"article|texte|papier|dépêche|reportage|entretien|interview|enquête|tribune|chronique",
    "es": r"artículo|noticia|nota|texto|información|crónica|reportaje|entrevista|columna|pieza",
    "it": r"articolo|pezzo|testo|servizio|intervista|notizia",
    "nl": r"artikel|bericht|stuk|verhaal|nieuwsbericht|interview|column|tekst",
    "pt": r"texto|artigo|reportagem|notícia|matéria|nota|entrevista|coluna|publicação",
}
_EN, _DE, _FR, _ES, _IT, _NL, _PT = (f"(?:{_DOC[k]})" for k in "en de fr es it nl pt".split())
_PHRASES = (
    # English
    rf"(?:in\s+)?(?:an|a|the)\s+(?:earlier|previous|prior|original|initial)\s+version\s+of\s+this\s+{_EN}",
    # not "edited": "This interview has been edited for length" says nothing was wrong
    rf"this\s+{_EN}\s+(?:has|have|had)?\s*(?:been|was|is\s+being)\s+(?:updated|corrected|amended"
    r"|changed|revised|clarified|modified|expanded)",
    rf"(?:this|the)\s+{_EN}\s+(?:originally|previously|initially|incorrectly|mistakenly|wrongly"
    r"|erroneously)\s+(?:said|stated|reported|misstated|identified|misidentified|gave|described"
    r"|referred|named|included|called|attributed)",
    r"(?:due\s+to|because\s+of)\s+an?\s+(?:editing|editorial|reporting|production|transcription"
    r"|translation)\s+error",
    rf"we\s+(?:have\s+)?(?:corrected|amended|updated|clarified|changed)\s+(?:this|the)\s+{_EN}",
    # German
    rf"(?:in\s+)?(?:einer|der|eine|die)\s+(?:früheren?|vorherigen?|älteren?|ersten?|ursprünglichen?)"
    rf"\s+(?:version|fassung)\s+(?:dieses|des|dieser|von\s+diesem)\s+{_DE}",
    r"(?:dieser|diese)\s+(?:artikel|text|beitrag|bericht|meldung)\s+(?:wurde|ist|war)\b.{0,60}?"
    r"\b(?:aktualisiert|korrigiert|geändert|ergänzt|überarbeitet|angepasst|berichtigt)",
    r"wir\s+haben\s+(?:diesen|den|unseren)\s+(?:artikel|text|beitrag|bericht)\b.{0,60}?"
    r"\b(?:korrigiert|aktualisiert|ergänzt|geändert|berichtigt|angepasst)",
    rf"(?:in|an)\s+diese[mr]\s+{_DE}\b.{{0,40}}?\b(?:zunächst|fälschlich\w*|irrtümlich\w*"
    r"|versehentlich|ursprünglich)",
    # French
    rf"(?:dans\s+)?(?:une|la|notre)\s+(?:précédente|première|ancienne)\s+version\s+de\s+"
    rf"(?:cet|ce|cette)\s+{_FR}",
    rf"(?:dans\s+)?(?:une|la)\s+version\s+(?:précédente|antérieure|initiale|originale)\s+de\s+"
    rf"(?:cet|ce|cette)\s+{_FR}",
    rf"(?:cet|ce|cette)\s+{_FR}\s+(?:a|avait)\s+été\s+(?:mise?\s+à\s+jour|modifiée?|corrigée?"
    r"|actualisée?|complétée?|rectifiée?)",
    r"nous\s+(?:avions|avons)\s+(?:écrit|indiqué|affirmé|mentionné|annoncé|titré)\s+"
    r"(?:à\s+tort|par\s+erreur|de\s+manière\s+erronée)|nous\s+avons\s+(?:corrigé|rectifié)",
    # Spanish
    rf"(?:en\s+)?(?:una|la)\s+(?:versi[oó]n\s+(?:anterior|previa|original|inicial)|(?:primera"
    rf"|anterior)\s+versi[oó]n)\s+de\s+(?:este|esta)\s+{_ES}",
    rf"(?:este|esta)\s+{_ES}\s+(?:ha\s+sido|fue|se\s+ha)\s+(?:actualizad[oa]|corregid[oa]"
    r"|modificad[oa]|ampliad[oa]|rectificad[oa])",
    # Italian
    rf"(?:in\s+)?una\s+(?:versione\s+precedente|precedente\s+versione|prima\s+versione)\s+"
    rf"(?:di\s+questo|di\s+questa|dell{_Q}|del|della)\s*{_IT}",
    rf"(?:questo|questa)\s+{_IT}\s+è\s+stat[oa]\s+(?:aggiornat[oa]|corrett[oa]|modificat[oa]"
    r"|rettificat[oa]|integrat[oa])",
    # Dutch
    rf"(?:in\s+)?(?:een|de)\s+(?:eerdere|vorige|oudere|eerste|oorspronkelijke)\s+versie\s+van\s+"
    rf"(?:dit|deze)\s+{_NL}",
    rf"(?:dit|deze)\s+{_NL}\s+(?:is|werd)\s+(?:\S+\s+){{0,4}}?(?:aangepast|bijgewerkt"
    r"|gecorrigeerd|gewijzigd|aangevuld|geactualiseerd)",
    # Portuguese
    rf"(?:em\s+|n)?(?:uma|a)\s+versão\s+(?:anterior|original|inicial|prévia)\s+(?:deste|desta"
    rf"|do|da)\s+{_PT}",
    rf"(?:este|esta)\s+{_PT}\s+(?:foi|já\s+foi)\s+(?:a(?:c)?tualizad[oa]|corrigid[oa]|alterad[oa]"
    r"|modificad[oa]|editad[oa]|ampliad[oa])",
    r"(?:diferentemente|ao\s+contrário)\s+do\s+que\s+(?:foi\s+publicado|foi\s+informado|informou"
    r"|se\s+informou|publicou|noticiou|foi\s+noticiado)",
)
_NOTE_PHRASE = re.compile(
    rf"{_LEAD}(?:(?:note|nb|n\.b\.|ps|p\.s\.|hinweis|remarque|nota|opmerking|obs)\s*[:.]\s*)?"
    rf"(?:{'|'.join(_PHRASES)})(?![\w])",
    re.IGNORECASE,
)
# what "Editor's note:" also introduces: shopping disclaimers and calls for readers' input
_NOT_A_NOTE = re.compile(
    r"\baffiliate\s+links?\b|\bearn\s+(?:an?\s+)?(?:small\s+|affiliate\s+)?commission"
    r"|\bshare\s+your\s+(?:videos?|photos?|pictures?|stor(?:y|ies)|experiences?|thoughts)"
    r"|\bsend\s+us\s+your\b|\btell\s+us\s+(?:about|your|what|how)\b"
    r"|\b(?:sign\s+up|subscribe)\s+(?:for|to)\s+(?:our|the)\b",
    re.IGNORECASE,
)
_STAMP_WORD = re.compile(rf"(?:{_STAMP_WORDS})$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")
_NOTE, _LABEL_ONLY = "note", "label"


def is_note(paragraph: str) -> bool:
    """Whether a paragraph is a correction, clarification, update or editor's note.

    >>> is_note("Correction: An earlier version of this story misspelled her name.")
    True
    >>> is_note("Update 14:05 GMT: The minister has resigned."), is_note("Update")
    (True, False)
    >>> is_note("Correction of the market: stocks fall 10%")
    False
    """
    return _note_kind(collapse(paragraph)) == _NOTE


def _note_kind(text: str) -> str | None:
    """`_NOTE`, `_LABEL_ONLY` (a dated or colon-ended correction label whose text is the
    next paragraph), or None."""
    if len(text) > 2000 or _NOT_A_NOTE.search(text):
        return None
    label = _NOTE_LABEL.match(text)
    if label:
        content = text[label.end() :].strip()
        words = [w for w in _WORD.findall(content) if not _STAMP_WORD.match(w)]
        # an update note says something ("Update: Police have ..."); "Updated: Nov. 19,
        # 2019 / 10:07 AM / CBS News" is a stamp with a name after it
        if len(words) >= 2 and (not label["update"] or any(w.islower() for w in words)):
            return _NOTE
        # "Correction:" or "Correction, Dec. 2, 2026" over the paragraph that says what
        dated = label["end"].strip() or any(c.isdigit() for c in label["stamp"] + content)
        if not words and (dated or label["editor"]) and not label["update"]:
            return _LABEL_ONLY
        return None
    return _NOTE if len(text) <= 1000 and _NOTE_PHRASE.match(text) else None


def _body_notes(paragraphs: Iterable[str]) -> list[str]:
    found: list[str] = []
    pending = ""
    for text in paragraphs:
        if pending and text:
            found += [pending, text]
            pending = ""
            continue
        kind = _note_kind(text)
        if kind == _NOTE:
            found.append(text)
        pending = text if kind == _LABEL_ONLY else ""
    return found


# class or id words of a note element; "note" only beside "editor", "update", "redaktion"
_NOTE_MARK = re.compile(
    r"correction|clarification|korrektur|berichtigung|rectificatif|errat|rettifica|correzione"
    r"|correctie|rectificatie|correcao|correccion|fe-de-errores|ndlr"
    r"|^(?=.*note)(?=.*(?:editor|update|redaktion))"
)
_NOT_NOTE_PLACES = {"nav", "footer", "form", "script", "style", "noscript", "template", "head"}
# class and id words that mark a control, a link or a count, not a note
_NOT_NOTE_MARKS = tuple(
    "form btn button submit request report suggest polic link icon modal popup toggle cta"
    " feedback menu label count tooltip guideline hidden teaser".split()
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_MARK_WORDS = re.compile(r"[\s_\-]+")
_CONTROLS = ("form", "input", "button", "select", "textarea")
_POLICY = re.compile(
    r"\b(?:submit|report|request|suggest|send|spotted|flag)\w*\s+(?:an?\s+)?(?:correction|error"
    r"|mistake|typo)|\bcorrections?\s+(?:policy|policies|page|form)|editorial\s+(?:guidelines"
    r"|standards|polic)|\bif\s+you\s+(?:see|spot|find|notice|believe)|@|\bno\s+corrections\b"
    r"|fehler\s+melden|signaler\s+une\s+erreur|reportar\s+un\s+error|segnala(?:re)?\s+un\s+errore"
    r"|fout\s+(?:melden|gezien)|comunicar\s+(?:um\s+)?erro",
    re.IGNORECASE,
)
_BLOCKS = {"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "section", "aside"}
_BLOCKS |= {"blockquote", "dt", "dd", "tr", "td", "ul", "ol", "header", "footer", "article"}


@dataclass(frozen=True)
class _Page:
    """What one pass over the page's body finds for the readers below."""

    root: HtmlElement
    stamp_texts: list[tuple[str, HtmlElement, HtmlElement]]  # (text, its owner, its context)
    note_elements: list[HtmlElement]  # class or id names a note


def _scan(tree: HtmlElement) -> _Page:
    """One pass in Python: XPath string functions over every node cost a page's worth of
    script text each time (tens of milliseconds on big pages)."""
    body = tree.find("body")
    root = body if body is not None else tree
    stamps: list[tuple[str, HtmlElement, HtmlElement]] = []
    notes: list[HtmlElement] = []
    stem, mark = STAMP_STEMS.search, _NOTE_MARK.search
    for element in root.iter():
        tail = element.tail
        if tail and stem(tail.lower()) and element is not root:
            stamps.append((tail, element, element.getparent()))
        tag = element.tag
        if not isinstance(tag, str):
            continue  # a comment: only its tail is page text
        text = element.text
        if text and stem(text.lower()) and tag not in _RAW:
            stamps.append((text, element, element))
        if tag in _NOTE_TAGS:
            marks = f"{element.get('class') or ''} {element.get('id') or ''}"
            if mark(marks.lower()):
                notes.append(element)
    return _Page(root, stamps, notes)


_RAW = {"script", "style", "template"}
# the elements a note comes in; links, controls, media and page chrome never are one
_NOTE_TAGS = {"div", "p", "aside", "section", "span", "em", "i", "small", "strong", "b"}
_NOTE_TAGS |= {"li", "blockquote", "figure", "article", "dd", "font"}


def read_notes(
    tree: HtmlElement, paragraphs: Sequence[str], article: dict | None = None
) -> tuple[str, ...]:
    """Correction, clarification, update and editor's notes, unique, in page order.

    A note in a dedicated element whose text is body paragraphs is those paragraphs, so a
    note shown in both places is one note and counts as part of the body.
    """
    return _notes(
        _scan(tree), paragraphs, find_jsonld_article(tree) if article is None else article
    )


def _notes(page: _Page, paragraphs: Sequence[str], article: dict) -> tuple[str, ...]:
    body = [t for t in map(collapse, paragraphs) if t]
    inside = _body_notes(body)
    outside = [(e, t) for e in _note_elements(page) for t in _as_paragraphs(_text(e), body)]
    structured = [t for n in _jsonld_notes(article) for t in _as_paragraphs(n, body)]
    if inside and outside:
        order = {e: i for i, e in enumerate(page.root.iter())}
        placed = [(_position(page.root, order, t), 0, t) for t in inside]
        placed += [(order.get(e, len(order)), 1, t) for e, t in outside]
        ordered = [t for _, _, t in sorted(placed, key=lambda p: (p[0], p[1]))]
    else:
        ordered = inside + [t for _, t in outside]
    return _unique(ordered + structured)


def _note_elements(page: _Page) -> Iterator[HtmlElement]:
    taken: list[HtmlElement] = []
    for element in page.note_elements[:50]:
        if taken and not set(taken).isdisjoint(element.iterancestors()):
            continue
        if _is_note_element(element):
            taken.append(element)
            yield element


def _is_note_element(element: HtmlElement) -> bool:
    if inside(element, _NOT_NOTE_PLACES):
        return False
    marks = f"{element.get('class') or ''} {element.get('id') or ''}"
    words = _MARK_WORDS.split(_CAMEL.sub(" ", marks).lower())
    style = (element.get("style") or "").replace(" ", "")
    if any(w.startswith(_NOT_NOTE_MARKS) for w in words if w):
        return False
    if "display:none" in style or element.get("hidden") is not None:
        return False
    if any(True for _ in element.iter(*_CONTROLS)):
        return False
    if sum(1 for _ in itertools.islice(element.iter(), 200)) == 200:
        return False  # a container of the page (<body class="has-corrections">), not a note
    text = _text(element)
    if not 20 <= len(text) <= 2000 or len(_WORD.findall(text)) < 5:
        return False
    linked = sum(len(collapse(a.text_content())) for a in element.iter("a"))
    if linked > len(text) / 2:
        return False
    return _note_kind(text) == _NOTE or not (_POLICY.search(text) or _NOT_A_NOTE.search(text))


def _text(element: HtmlElement) -> str:
    """The element's text, with a space where a block starts or ends (not inside words)."""
    return collapse("".join(_pieces(element)))


def _pieces(element: HtmlElement) -> Iterator[str]:
    yield element.text or ""
    for child in element:
        if isinstance(child.tag, str) and child.tag not in ("script", "style"):
            block = " " if child.tag in _BLOCKS else ""
            yield block
            yield from _pieces(child)
            yield block
        yield child.tail or ""


def _as_paragraphs(note: str, body: list[str]) -> list[str]:
    """`note`, or the body paragraphs that make up most of it."""
    folded = fold(note)
    parts = [p for p in body if len(p) >= 15 and fold(p) in folded]
    if parts and sum(len(fold(p)) for p in parts) >= 0.6 * len(folded):
        return parts
    return [note]


def _jsonld_notes(article: dict) -> Iterator[str]:
    value = article.get("correction")
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            item = item.get("text") or item.get("description") or item.get("name")
        if isinstance(item, str):
            text = collapse(re.sub(r"<[^>]*>", " ", item))
            if text and not text.startswith(("http://", "https://")):
                yield text


def _position(root: HtmlElement, order: dict[HtmlElement, int], note: str) -> int:
    """Document order of the first element whose own text holds the start of `note`."""
    for probe in (note[:40].strip(), note[:12].strip()):
        for element in root.iter():
            texts = (element.text, element.tail) if isinstance(element.tag, str) else ()
            if any(t and probe in collapse(t) for t in texts):
                return order.get(element, len(order))
    return len(order)


def _unique(notes: list[str]) -> tuple[str, ...]:
    """Each note once: one that contains, or is contained in, an earlier one is that one."""
    kept: list[str] = []
    folded: list[str] = []
    for note in notes:
        mine = fold(note)
        if mine and not any(mine in other or other in mine for other in folded):
            kept.append(note)
            folded.append(mine)
    return tuple(kept)
