"""Extraction: what a reader sees in one news page, as an `Article`.

A pure function of the HTML and its URL; it never fetches. The page's own metadata
(`metadata.py`) gives headline, byline, dates, canonical URL and language; trafilatura
finds the body unless the site's configuration names a CSS selector for it.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from diffing.article import Article
from diffing.disclosure import notes_outside, read_disclosure
from diffing.extractor_version import EXTRACTOR_VERSION
from diffing.metadata import (
    PageMetadata,
    clean_byline,
    collapse,
    find_jsonld_article,
    read_metadata,
)

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)""", re.IGNORECASE)
_TAG = re.compile(r"<\s*[A-Za-z!?/]")
_SEPARATORS = re.compile(r"\s+(?:[|\-–—:·»«/]|::)\s+|\s*(?:[|｜_：]|--|::)\s*|\s+(?=\[)")
_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\W\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+"
)
_DIGIT = re.compile(r"\d")
_NOT_WORD = re.compile(r"[\W_]+")
_WORDS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\W\d_]{3,}")
# Page chrome that trafilatura sometimes keeps: it changes between captures on its own.
_CHROME = re.compile(
    r"^(?:(?:updated|published|posted|last updated|modified)\b.{0,40}\bago"
    r"|\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?)\s+ago"
    r"|advertisement|advertising|sponsored( content)?|share( this( article| story)?)?"
    r"|(?:share|tweet|email|print|comment)(?:\s+(?:share|tweet|email|print|comment))*)\.?$",
    re.IGNORECASE,
)
# lxml.html's own parser picks each node's class in Python, once per node touched: ~10%
# of extraction. The same classes picked in C; form fields are plain HtmlElements (no
# `.value`, `.fields`), which nothing here or in trafilatura uses.
_HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


class ExtractionError(Exception):
    """The input is not an HTML page at all (empty, binary, no markup), or trafilatura broke."""


@dataclass(frozen=True)
class Selectors:
    """Per-site CSS overrides from redline.toml; each is optional."""

    headline: str | None = None
    byline: str | None = None
    body: str | None = None

    def __post_init__(self) -> None:
        for field_name in ("headline", "byline", "body"):
            selector = getattr(self, field_name)
            if selector:
                try:
                    _compile(selector)
                except SelectorError as error:
                    raise ValueError(f"{field_name} selector {selector!r}: {error}") from None


def extract_article(html: str | bytes, url: str, selectors: Selectors | None = None) -> Article:
    """What a reader sees in `html` (served at `url`): headline, byline, dates, body.

    >>> page = '<html lang="en"><h1>Rain</h1><p class="byline">By Ann Lee</p></html>'
    >>> extract_article(page, "https://news.example/1").byline
    'Ann Lee'
    """
    selectors = selectors or Selectors()
    text = decode_html(html) if isinstance(html, bytes) else html
    tree = parse_html(text, url)
    ld = find_jsonld_article(tree)  # read once, for the metadata and the disclosure
    meta = read_metadata(tree, url, ld)
    visible = _selected_text(tree, selectors.headline) or visible_headline(meta, url)
    headline = _selected_text(tree, selectors.headline) or choose_headline(meta, url, visible)
    byline = clean_byline(_selected_text(tree, selectors.byline)) or meta.byline
    paragraphs = _selected_paragraphs(tree, selectors.body) or extract_body(tree, url, meta)
    forms = headline_forms(meta, url, visible)
    body = drop_chrome(paragraphs, [headline, *forms.values()], byline)
    disclosure = read_disclosure(tree, body, language=meta.language, article=ld)
    return Article(
        url=url,
        headline=headline,
        byline=byline,
        published=meta.published,
        updated=meta.updated,
        # A note outside the body (its own box, JSON-LD `correction`) is article text too.
        paragraphs=body + notes_outside(disclosure, body),
        modified=disclosure.modified,
        visible_updated=disclosure.visible_updated,
        notes=disclosure.notes,
        canonical_url=meta.canonical_url,
        language=meta.language,
        headlines=forms,
        extractor=EXTRACTOR_VERSION,
    )


def decode_html(data: bytes) -> str:
    """Bytes to text: BOM, then <meta charset> / XML declaration, else UTF-8 (replacing)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        # Valid UTF-8 with non-ASCII bytes is all but impossible in a legacy encoding, and
        # pages re-saved as UTF-8 often keep their old <meta charset>.
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    head = data[:4096]
    found = _CHARSET.search(head) or _XML_DECL.search(head)
    return data.decode(_codec_for(found.group(1) if found else b"utf-8"), errors="replace")


def _codec_for(label: bytes) -> str:
    try:
        name = codecs.lookup(label.decode("ascii").strip()).name
    except (LookupError, UnicodeDecodeError):
        return "utf-8"
    # As browsers do (WHATWG Encoding): these labels mean windows-1252; UTF-16 in a
    # meta tag of a page that decoded as ASCII cannot be right.
    if name.startswith("utf-16"):
        return "utf-8"
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def parse_html(text: str, url: str) -> HtmlElement:
    """An lxml tree, or ExtractionError when `text` is empty or is not markup."""
    if not text.strip():
        raise ExtractionError(f"{url}: the page is empty")
    if "\x00" in text[:2048] or not _TAG.search(text[:65536]):
        raise ExtractionError(f"{url}: not an HTML page (no markup found)")
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses str with an encoding decl
    try:
        # Without comments: trafilatura drops a comment with its tail, and React pages put
        # "<!-- -->" inside sentences, so every sentence after one would be cut short.
        parser = etree.HTMLParser(collect_ids=False, remove_comments=True, remove_pis=True)
        parser.set_element_class_lookup(_HTML_CLASSES)
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(f"{url}: not an HTML page ({error})") from None
    if tree is None or tree.find(".//body") is None and tree.find(".//head") is None:
        raise ExtractionError(f"{url}: not an HTML page (no <head> or <body>)")
    return tree


def choose_headline(meta: PageMetadata, url: str, visible: str = "") -> str:
    """The most trusted headline claim, unless the page's other claims clearly name another.

    Claims, most trusted first: JSON-LD, og/twitter/dc titles, the visible <h1>, <title>,
    other <h1>s. The <h1> a reader sees goes before <title> (often an SEO variant) unless
    the two share no word: then the <h1> is a section's or a site's name. A JSON-LD
    `headline` that is really a description (Wikipedia) loses to the name that <h1>,
    og:title and <title> all repeat.
    """
    title = strip_site_suffix(meta.title, meta, url)
    shown = [visible, title] if _shares_a_word(visible, title) else [title, visible]
    claims = [strip_site_suffix(h, meta, url) for h in meta.headlines] + shown + [*meta.h1s]
    claims = [c for c in claims if c]
    if not claims:
        return ""
    sources = [*meta.headlines, *meta.h1s, meta.title]
    support = [sum(_agrees(claim, source) for source in sources) for claim in claims]
    best = max(range(len(claims)), key=lambda i: (support[i], -i))
    return claims[best] if support[best] >= support[0] + 2 else claims[0]


def visible_headline(meta: PageMetadata, url: str) -> str:
    """The heading a reader sees as the headline; "" when the page has none.

    The <h1>s that are not a logo, a section label or in navigation; when there are none,
    the headings of the page's <article> (a page whose only <h1> is a breadcrumb item has
    its own header there), then the <h1>s in navigation. Of those, the first that agrees
    with the page's own headline claims (JSON-LD, og, <title>), else the first <h1> that
    does not merely name the site.
    """
    claims = [c for c in (*meta.headlines, meta.title) if c]
    h1s = meta.headline_h1s or meta.navigation_h1s
    candidates = meta.headline_h1s or (*meta.article_headings, *meta.navigation_h1s)
    for heading in candidates:
        if any(_agrees(heading, claim) or _agrees(claim, heading) for claim in claims):
            return heading
    site = _site_names(meta, url)
    return next((h for h in h1s if _fold(h) not in site), "")


def headline_forms(meta: PageMetadata, url: str, visible: str) -> dict[str, str]:
    """Each headline form the page gives: visible, title, social, structured."""
    forms = {
        "visible": visible,
        "title": strip_site_suffix(meta.title, meta, url),
        "social": meta.social,
        "structured": meta.structured,
    }
    return {form: text for form, text in forms.items() if text}


def _agrees(claim: str, source: str) -> bool:
    folded = _fold(claim)
    if not folded:
        return False
    whole = _fold(source)
    return whole == folded or any(
        _fold(source[: s.start()]) == folded for s in _SEPARATORS.finditer(source)
    )


def _shares_a_word(a: str, b: str) -> bool:
    """A word of three letters or more (any CJK character) in both, or either is empty."""
    words = [set(_WORDS.findall(text.casefold())) for text in (a, b)]
    return not a or not b or bool(words[0] & words[1])


def strip_site_suffix(title: str, meta: PageMetadata, url: str) -> str:
    """Without " | Site Name" / " - Site": when that part names the site, or when what is
    left is the page's <h1> or another of its headline claims."""
    known = {_fold(text) for text in (*meta.h1s, *meta.headlines)} - {""}
    separators = list(_SEPARATORS.finditer(title))
    for separator in separators:
        kept = title[: separator.start()]
        if _fold(kept) in known and _fold(kept) != _fold(title):
            return kept
    site = _site_names(meta, url)
    for separator in reversed(separators):
        kept, rest = title[: separator.start()], _fold(title[separator.end() :])
        if _fold(kept) and any(_names(rest, name) for name in site):
            return kept
    return title


def _names(rest: str, site: str) -> bool:
    """`rest` (folded) is the site's name: part of it, or it with a few letters more."""
    if len(rest) <= 2:
        return False
    return (
        rest in site
        or (rest.startswith(site) or rest.endswith(site))
        and (len(rest) <= len(site) + 12)
    )


# Host labels that name no site.
_GENERIC_LABELS = {"www", "m", "amp", "mobile", "news", "edition", "com", "org", "net", "co"}


def _site_names(meta: PageMetadata, url: str) -> set[str]:
    """The site's name, host and host labels, folded: what a title suffix or a logo says."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    labels = {_fold(label) for label in host.split(".")[:-1] if label not in _GENERIC_LABELS}
    site = {_fold(meta.site_name), _fold(host), *labels}
    return {s for s in site if len(s) > 2}


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """Lower-cased letters and digits only: for comparing names, never for output.
    (Cached: choosing a headline folds each of a page's claims once per other claim.)"""
    return _NOT_WORD.sub("", text.casefold().removeprefix("the "))


def _selected_text(tree: HtmlElement, selector: str | None) -> str:
    nodes = _select(tree, selector)
    return collapse(nodes[0].text_content()) if nodes else ""


def _selected_paragraphs(tree: HtmlElement, selector: str | None) -> list[str]:
    return [t for t in (collapse(n.text_content()) for n in _select(tree, selector)) if t]


def _select(tree: HtmlElement, selector: str | None) -> list[HtmlElement]:
    if not selector:
        return []
    return _compile(selector)(tree)


@lru_cache(maxsize=256)
def _compile(selector: str) -> CSSSelector:
    return CSSSelector(selector)


def extract_body(tree: HtmlElement, url: str, meta: PageMetadata) -> list[str]:
    """trafilatura's paragraphs, checked against the article text the page declares
    (JSON-LD `articleBody`) when it has one: completed where they miss some of it, and
    without what is clearly not part of it."""
    blocks = text_blocks(tree) if len(meta.article_body) >= 200 else []
    paragraphs = extract_paragraphs(tree, url)
    if not paragraphs or not blocks:
        return paragraphs
    declared = _squash(_MARKDOWN_LINK.sub("]", meta.article_body))
    paragraphs = complete_from_article_body(paragraphs, blocks, declared)
    return trim_to_article_body(paragraphs, declared, set(_tokens(meta.article_body)))


_MARKDOWN_LINK = re.compile(r"\]\([^)\s]*\)")  # some sites write articleBody as Markdown
_BLOCK_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd")
_BLOCK_SET = frozenset(_BLOCK_TAGS)


def text_blocks(tree: HtmlElement) -> list[str]:
    """The text of each innermost paragraph-like element, in document order."""
    blocks = []
    for element in tree.iter(*_BLOCK_TAGS):
        if any(child.tag in _BLOCK_SET for child in element.iterdescendants()):
            continue
        text = collapse(element.text_content())
        if text:
            blocks.append(text)
    return blocks


def complete_from_article_body(
    paragraphs: list[str], blocks: list[str], declared: str
) -> list[str]:
    """`paragraphs` plus the page's text `blocks` that `declared` (the squashed
    articleBody) contains and `paragraphs` lack, each in its place in document order.

    trafilatura keeps one container of the page; an article split over several (a
    "paywall" part, chunks between ads) loses the rest. Only text that is both on the
    page and, verbatim, in the articleBody is added, so a stale or summary-only
    articleBody adds nothing.
    """
    present = set(paragraphs)
    squashed_present = _squash(" ".join(paragraphs))
    result: list[str] = []
    position = 0  # how many of `paragraphs` are in `result`
    for block in blocks:
        if block in present:
            if block in paragraphs[position:]:
                end = paragraphs.index(block, position) + 1
                result += paragraphs[position:end]
                position = end
            continue
        squashed = _squash(block)
        if len(squashed) >= 20 and squashed in declared and squashed not in squashed_present:
            result.append(block)
            squashed_present += "\n" + squashed
    return result + paragraphs[position:]


def trim_to_article_body(paragraphs: list[str], declared: str, words: set[str]) -> list[str]:
    """Without the paragraphs that share less than half their words with the articleBody
    (a newsletter box, "Advertisement", a promotion inside the article), when the
    articleBody is the whole article: it has at least 85% of the body's words."""
    counts = [_tokens(p) for p in paragraphs]
    total = sum(sum(c.values()) for c in counts)
    shared = sum(n for c in counts for word, n in c.items() if word in words)
    if not total or shared / total < 0.85:
        return paragraphs
    return [
        paragraph
        for paragraph, count in zip(paragraphs, counts)
        if not count
        or _squash(paragraph) in declared
        or sum(n for word, n in count.items() if word in words) * 2 >= sum(count.values())
    ]


def _squash(text: str) -> str:
    """Case-folded letters and digits only, to find text whatever its spacing."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def _tokens(text: str) -> Counter[str]:
    """Case-folded words; each Chinese, Japanese or Korean character counts as one."""
    return Counter(_TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()))


def extract_paragraphs(tree: HtmlElement, url: str) -> list[str]:
    """The body's paragraphs as trafilatura finds them, in order, whitespace collapsed."""
    try:
        document = trafilatura.bare_extraction(
            tree, url=url, include_comments=False, include_tables=True
        )
    except Exception as error:  # noqa: BLE001 - a bug in trafilatura must not stop a crawl
        raise ExtractionError(f"{url}: the content extractor failed ({error!r})") from None
    text = document.get("text") if isinstance(document, dict) else getattr(document, "text", None)
    if not text:
        return []
    return [p for p in (collapse(line) for line in text.split("\n")) if p]


def drop_chrome(paragraphs: list[str], headlines: list[str], byline: str) -> tuple[str, ...]:
    """Without page-chrome lines, and without the article's header: a repeat of a headline
    among the first three paragraphs with what comes before it (a section label, a
    kicker), then leading repeats of the byline and lines that are only a date."""
    kept = [p for p in paragraphs if not _CHROME.match(p)]
    titles = {_fold(h) for h in headlines} - {""}
    repeat = next((i for i, p in enumerate(kept[:3]) if _fold(p) in titles), -1)
    del kept[: repeat + 1]
    lead = titles | {_fold(byline)} - {""}
    while kept and (_fold(clean_byline(kept[0])) in lead or _is_date_line(kept[0])):
        kept.pop(0)
    return tuple(kept)


def _is_date_line(paragraph: str) -> bool:
    """'26 Sep 2011', '04/19/13', '2019年04月04日-': a date and nothing more."""
    return len(paragraph) <= 40 and not clean_byline(paragraph) and bool(_DIGIT.search(paragraph))
