"""What a page says about itself: JSON-LD, OpenGraph, <meta>, <time>, <link rel=canonical>.

Pure functions over an lxml tree. Nothing here looks at the body text; `extract.py`
combines these facts with what a reader sees.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

ARTICLE_TYPES = {
    "Article",
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
}
PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
UPDATED_KEYS = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")
# Visible byline markup, most specific first; only the first non-empty one counts.
_CLASS = 'translate(@class, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")'
_BYLINE_XPATHS = tuple(
    etree.XPath(x)
    for x in (
        '//*[@rel="author"][not(self::link)]',
        '//*[contains(concat(" ", normalize-space(@itemprop), " "), " author ")]',
        '//a[contains(@href, "/author/") or contains(@href, "/authors/")][normalize-space()]',
        f'//*[contains({_CLASS}, "byline")]',
        '//*[contains(concat(" ", normalize-space(@class), " "), " author ")]',
        f'//*[contains({_CLASS}, "__author") or contains({_CLASS}, "-author")]',
        f'//*[starts-with({_CLASS}, "author")][not(self::a)]',
    )
)
_ONE_AUTHOR_EACH = 3  # the first three byline patterns each match one author's name
_NOT_WORD = re.compile(r"[\W_]+")
_AND = re.compile(r"\s+(?:and|und|et|y|e|og|och|en|&)\s+", re.IGNORECASE)
_DOMAIN = re.compile(r"^\S+\.[a-z]{2,}$", re.IGNORECASE)
_LABEL_MARKS = re.compile(r"logo|brand|site-?title|site-?name|masthead|\bhidden\b|sr-only")
# Page chrome a heading can sit in: a breadcrumb's last item, the site's own header bar.
_NAVIGATION_MARKS = re.compile(r"breadcrumb|site-?header|navbar")
# A kicker (overline): a line above the headline, in its own element of the heading.
_KICKER_MARKS = re.compile(r"kicker|overline|topline|dachzeile|spitzmarke|eyebrow|supertitle")
_HEADLINE_MARKS = re.compile(r"headline|title")
_QUOTES = "\"'„“”«»‘’‚¿¡"
_BY = re.compile(
    r"^(?:by|written by|words by|posted by|von|par|por|door|di|da)\s*:?\s+", re.IGNORECASE
)
_BYLINE_PARTS = re.compile(r"\s*[|•·]\s*|\s+[–—]\s+")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATEISH = re.compile(
    rf"\bago\b|^(?:updated|published|posted|last updated|modified)\b|^\d+\s*[smhdw]$"
    rf"|^(?:on\s+)?(?:\w+day,?\s+)?(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})"
    rf"|^\d{{1,4}}[-/.]\d{{1,2}}[-/.]\d{{1,4}}|^\d{{1,2}}:\d\d|^\d{{4}}年\s*\d{{1,2}}月",
    re.IGNORECASE,
)
# A handle, a bare number, or a link label: never part of who wrote the article.
_NOT_A_NAME = re.compile(
    r"^(?:@\S+|[\d\W]+|by|von|par|por|door|see full bio|full bio|more from .*)$", re.IGNORECASE
)
_TRAILING_DATE = re.compile(
    rf"\s+(?:(?:on|updated|published|posted)\b.*|(?:\w+day,?\s+)?{_MONTH}\s+\d{{1,2}}\b.*"
    rf"|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}\b.*|\d{{1,4}}[-/.]\d{{1,2}}[-/.]\d{{1,4}}\b.*|\d{{4}}年.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PageMetadata:
    """The page's own claims; every field may be empty."""

    headlines: tuple[str, ...] = ()  # most trusted first: JSON-LD, og, twitter, dc
    title: str = ""  # the <title> element
    structured: str = ""  # the JSON-LD article's `headline`
    social: str = ""  # og:title, else twitter:title
    h1s: tuple[str, ...] = ()
    headline_h1s: tuple[str, ...] = ()  # the <h1>s that are not a logo, a label or a link up
    # ... nor in navigation; those are here (a breadcrumb's <h1> repeats the page's title):
    navigation_h1s: tuple[str, ...] = ()
    # The <h1>/<h2>s of <article>s, in order: an article's own header, when its page's
    # <h1> is chrome.
    article_headings: tuple[str, ...] = ()
    site_name: str = ""
    byline: str = ""  # the most trusted author claim, cleaned
    published: str | None = None
    updated: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    article_body: str = ""  # the JSON-LD article's `articleBody`, whitespace collapsed


def collapse(text: str | None) -> str:
    """Runs of whitespace to one space, trimmed. (str.split() splits at exactly the
    characters `\\s` matches, in a quarter of the time: this runs for every text node.)"""
    return " ".join(text.split()) if text else ""


def read_metadata(tree: HtmlElement, url: str, ld: dict | None = None) -> PageMetadata:
    """Collect headline, author, date, canonical and language claims from `tree`. `ld`:
    its JSON-LD article (find_jsonld_article), when the caller has found it already."""
    ld = find_jsonld_article(tree) if ld is None else ld
    meta = read_meta_tags(tree)
    h1s = list(tree.iter("h1"))
    headings = [h for h in h1s if not _is_label(h, url)]
    return PageMetadata(
        headlines=_unique(
            [collapse(_as_text(ld.get("headline"))), collapse(_as_text(ld.get("name")))]
            + [meta.get(k, "") for k in ("og:title", "twitter:title", "dc.title", "title")]
            + [meta.get("parsely-title", "")]
        ),
        title=collapse(tree.findtext(".//title")),
        structured=collapse(_as_text(ld.get("headline"))),
        social=meta.get("og:title") or meta.get("twitter:title", ""),
        h1s=_unique(heading_text(h) for h in h1s),
        headline_h1s=_unique(heading_text(h) for h in headings if not _in_navigation(h)),
        navigation_h1s=_unique(heading_text(h) for h in headings if _in_navigation(h)),
        article_headings=_unique(
            heading_text(h)
            for h in _article_headings(tree)
            if not _is_label(h, url) and not _in_navigation(h) and not _is_aside(h)
        ),
        site_name=meta.get("og:site_name", ""),
        byline=find_byline(tree, ld, meta, url),
        published=_first_date([ld.get("datePublished"), ld.get("dateCreated")], meta, tree),
        updated=_first_date([ld.get("dateModified")], meta, None, UPDATED_KEYS),
        canonical_url=find_canonical(tree, url, meta),
        language=find_language(tree, meta, ld),
        article_body=collapse(_article_body(ld)),
    )


def _article_body(ld: dict) -> str:
    body = ld.get("articleBody") or ""
    if isinstance(body, list):
        body = " ".join(part for part in body if isinstance(part, str))
    return html.unescape(body) if isinstance(body, str) else ""


def _is_label(h1: HtmlElement, url: str) -> bool:
    """An <h1> that is not a headline: a logo or site title, hidden, or a link up the site.

    Many templates put the site's name or the section's name in an <h1> ("Business
    Monday" linking to /news/business/biz-monday/) beside or instead of the headline.
    """
    parent = h1.getparent()
    marks = " ".join(
        f"{node.get('class') or ''} {node.get('id') or ''}"
        for node in (h1, parent, *h1.iter("a"))
        if node is not None
    ).lower()
    if _LABEL_MARKS.search(marks) and not re.search(r"article|headline|entry|post", marks):
        return True
    text = collapse(h1.text_content())
    for link in h1.iter("a"):
        href = link.get("href") or ""
        if href and collapse(link.text_content()) == text and _is_up(href, url):
            return True
    return False


def _in_navigation(heading: HtmlElement) -> bool:
    """Inside a <nav>, a breadcrumb or the site's header bar: page chrome, even within
    an <article>."""
    for node in heading.iterancestors():
        if node.tag == "nav" or node.get("role") in ("navigation", "banner"):
            return True
        if _NAVIGATION_MARKS.search(f"{node.get('class') or ''} {node.get('id') or ''}".lower()):
            return True
    return False


def _is_aside(heading: HtmlElement) -> bool:
    return any(node.tag in ("aside", "footer") for node in heading.iterancestors())


def _article_headings(tree: HtmlElement) -> Iterator[HtmlElement]:
    """The <h1>/<h2>s inside an <article> (or role=article), and those marked as the
    headline (itemprop), in page order. (As XPath, `//*[self::article ...]//*[...]`
    tested every node of every article: a fifth of reading the metadata.)"""
    for heading in tree.iter("h1", "h2"):
        if heading.get("itemprop") == "headline" or any(
            node.tag == "article" or node.get("role") == "article"
            for node in heading.iterancestors()
        ):
            yield heading


def heading_text(heading: HtmlElement) -> str:
    """A heading's text, with a kicker set off by ": " as sites write it in their titles.

    A kicker is the heading's first element, marked as one (or followed by an element
    marked as the headline), set on a line of its own: no punctuation after it.
    """
    text = collapse(heading.text_content())
    parts = [c for c in heading if isinstance(c.tag, str) and c.text_content().strip()]
    if (heading.text or "").strip() or not parts:
        return text
    kicker = collapse(parts[0].text_content())
    rest = collapse(text[len(kicker) :]) if text.startswith(kicker) else ""
    if not rest or kicker[-1] in ":.!?…|–—-" or not (rest[0].isalnum() or rest[0] in _QUOTES):
        return text
    first = " ".join(_marks(node) for node in parts[0].iter())
    if _KICKER_MARKS.search(first) or (
        len(parts) > 1
        and not _HEADLINE_MARKS.search(first)
        and _HEADLINE_MARKS.search(_marks(parts[-1]))
    ):
        return f"{kicker}: {rest}"
    return text


def _marks(node: HtmlElement) -> str:
    """class, id and data-* values, lower-cased: what a template names an element."""
    values = [node.get("class"), node.get("id")]
    values += [v for k, v in node.attrib.items() if k.startswith("data-")]
    return " ".join(v for v in values if v).lower()


def _is_up(href: str, url: str) -> bool:
    """`href` is the home page or a section above the page at `url`."""
    target, page = urlsplit(urljoin(url, href)), urlsplit(url)
    path = target.path.rstrip("/")
    if not path:
        return not target.query
    return target.netloc == page.netloc and page.path.startswith(path + "/")


def find_jsonld_article(tree: HtmlElement) -> dict:
    """The first JSON-LD object typed as an article, searched through lists and @graph."""
    for script in tree.xpath('//script[contains(@type, "ld+json")]'):
        data = _load_json(script.text or "")
        for item in _walk_jsonld(data):
            if ARTICLE_TYPES & set(_types(item)):
                return item
    return {}


def _load_json(text: str) -> object:
    text = text.strip()
    text = re.sub(r"^(//\s*)?<!\[CDATA\[|(//\s*)?\]\]>$|^<!--|-->$", "", text).strip()
    try:
        return json.loads(text, strict=False)
    except ValueError:
        return None


def _walk_jsonld(data: object, depth: int = 0) -> Iterator[dict]:
    """Every dict in the document, outermost first (a page's own article before its parts)."""
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk_jsonld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in data:
                yield from _walk_jsonld(data[key], depth + 1)


def _types(item: dict) -> list[str]:
    kind = item.get("@type", [])
    names = kind if isinstance(kind, list) else [kind]
    return [n.rsplit("/", 1)[-1] for n in names if isinstance(n, str)]


def _as_text(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    # JSON-LD is script text: entities like &quot; are not decoded by the HTML parser.
    return html.unescape(value) if isinstance(value, str) else ""


def find_byline(tree: HtmlElement, ld: dict, meta: dict[str, str], url: str = "") -> str:
    """JSON-LD authors, else author meta tags, else visible byline markup; cleaned. A
    claim naming only someone the page labels as editor ("Editor: Ann Lee"; some sites
    give the editor as the JSON-LD author) counts only when no claim names anyone else."""
    claims = itertools.chain(
        [jsonld_authors(ld)], meta_authors(meta), visible_bylines(tree, url), labelled_bylines(tree)
    )
    editors: set[str] | None = None
    fallback = ""
    for byline in map(clean_byline, claims):
        label = _EDITOR.match(byline)
        if label:
            fallback = fallback or byline[label.end() :]
            continue
        if byline and editors is None:
            editors = edited_by(tree)
        if byline and fold(byline) in (editors or set()):
            fallback = fallback or byline
        elif byline:
            return byline
    return fallback


# "Editor: Ann Lee": the person who edited the article, not its author.
_EDITOR = re.compile(
    r"^(?:editor|edited by|editado por|redaktur|penyunting|redakteur|rédacteur|责编|责任编辑)"
    r"(?:\s*[:：]\s*|\s+(?=\w|$))",
    re.IGNORECASE,
)


def edited_by(tree: HtmlElement) -> set[str]:
    """Folded names the page labels as its editors: 'Editor : <a>Heryadi</a>'."""
    names = set()
    for node in tree.xpath("//body//*[not(self::script)][not(*)]"):
        previous, parent = node.getprevious(), node.getparent()
        before = (
            previous.tail if previous is not None else parent.text if parent is not None else ""
        )
        if _EDITOR.fullmatch(collapse(before) + " "):
            names.add(fold(node.text_content()))
    return names - {""}


def fold(text: str) -> str:
    """Lower-cased letters and digits only: for comparing names, never for output."""
    return _NOT_WORD.sub("", text.casefold())


def jsonld_authors(ld: dict) -> str:
    """Names of the article's authors, people before organisations."""
    authors = ld.get("author") or ld.get("creator") or []
    authors = authors if isinstance(authors, list) else [authors]
    people = [a for a in authors if not (isinstance(a, dict) and "Organization" in _types(a))]
    names = [_without_affiliation(collapse(_as_text(a))) for a in people or authors]
    return ", ".join(n for n in names if n and not _looks_like_url(n))


def _without_affiliation(name: str) -> str:
    """'Ann Lee, Professor of History at X University, Site.lt' -> 'Ann Lee'.

    One author's name followed by their job or affiliation: a part after a comma that is
    longer than a name (more than four words) or a web address is not a person.
    """
    parts = [part.strip() for part in name.split(",")]
    kept = [p for p in parts if not _DOMAIN.search(p) and _names_only(p)]
    return ", ".join(kept) if kept and len(kept) < len(parts) else name


def _names_only(text: str) -> bool:
    """'Sarah Charlton and Tanya Zack' yes; 'professor at the Faculty of Law' no."""
    return all(len(name.split()) <= 4 for name in _AND.split(text))


def read_meta_tags(tree: HtmlElement) -> dict[str, str]:
    """`<meta>` name/property -> content, lower-cased keys, the first value wins."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        value = collapse(meta.get("content"))
        if key and value and key not in found:
            found[key] = value
    return found


def meta_authors(meta: dict[str, str]) -> Iterator[str]:
    for key in ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author"):
        value = meta.get(key, "")
        # "example.com developer": the site's web team, not a person
        if value and not _looks_like_url(value) and not any(map(_DOMAIN.match, value.split())):
            yield value


def visible_bylines(tree: HtmlElement, url: str = "") -> Iterator[str]:
    """Byline markup, most specific first: for each pattern, the first element it finds
    after the headline's <h1> (a byline follows its headline; an author named before it
    is in a menu or a teaser), else the first."""
    h1 = next((h for h in tree.iter("h1") if not _is_label(h, url)), None)
    order: dict[HtmlElement, int] = {}
    for number, xpath in enumerate(_BYLINE_XPATHS):
        nodes = xpath(tree)
        if nodes and h1 is not None and not order:
            order = {element: i for i, element in enumerate(tree.iter())}
        following = [n for n in nodes if order.get(n, 0) > order.get(h1, 0)] if order else []
        for node in (following or nodes)[:1]:
            names = [node]
            if number < _ONE_AUTHOR_EACH:  # each match names one author: take its co-authors
                group = _grandparent(node)
                names += [n for n in nodes if n is not node and _grandparent(n) is group]
            texts = _unique(
                collapse(n.get("content") or separated_text(n)).strip(" ,;|") for n in names
            )
            text = ", ".join(texts)
            if len(text) <= 120:
                yield text


# "By", "Von:" standing alone before the links to the authors' pages.
_BY_LABEL = re.compile(
    r"(?:by|written by|words by|von|par|por|door|di|av|af|text|texto|autor|autorin)\s*:?",
    re.IGNORECASE,
)


def labelled_bylines(tree: HtmlElement) -> Iterator[str]:
    """Links labelled as the authors by the text just before them, when no byline markup
    says so: '<span>By </span><a href="/profile/ann">Ann Lee</a>', 'Von: <span><a>Ann
    Lee</a></span>, <span><a>Bo Chen</a></span>'. The names are the links in the label's
    element (at most four: more is a list of stories, not a byline)."""
    for link in tree.xpath("//body//a[normalize-space()]"):
        node, before = link, ""
        for _ in range(2):  # the link, or the one wrapper it sits alone in
            previous, parent = node.getprevious(), node.getparent()
            if previous is not None:
                before = previous.tail if collapse(previous.tail) else previous.text_content()
            elif parent is not None:
                before = parent.text or ""
            if collapse(before) or parent is None or len(parent) != 1:
                break
            node = parent
        if not _BY_LABEL.fullmatch(collapse(before)):
            continue
        container = node.getparent()
        if container is None:
            continue
        names = _unique(collapse(a.text_content()) for a in container.iter("a"))
        if 0 < len(names) <= 4:
            yield ", ".join(names)
        return


def _grandparent(node: HtmlElement) -> HtmlElement | None:
    parent = node.getparent()
    return parent.getparent() if parent is not None else None


def separated_text(node: HtmlElement) -> str:
    """The text of `node`, with " | " where two elements' texts touch without a space.

    '<span>Joe Davidson</span><time>Dec 13, 2016</time>' is two parts, not the name
    "Joe DavidsonDec 13, 2016" that a date filter cannot see.
    """
    pieces = [piece for piece in node.itertext() if piece]
    text = ""
    for piece in pieces:
        glued = text and not text[-1].isspace() and not piece[0].isspace()
        text += (" | " if glued and text[-1] not in "(/-'’" else "") + piece
    return text


def clean_byline(byline: str) -> str:
    """'By Ann Lee | Staff writer | 5 days ago' -> 'Ann Lee | Staff writer'.

    Dates and relative times in a byline change between captures on their own, so they
    are never part of it.
    """
    parts = [_BY.sub("", _BY.sub("", p)) for p in _BYLINE_PARTS.split(collapse(byline))]
    parts = [_TRAILING_DATE.sub("", p).strip(" ,;") for p in parts]
    return " | ".join(p for p in parts if p and not _DATEISH.search(p) and not _NOT_A_NAME.match(p))


def _looks_like_url(text: str) -> bool:
    return text.startswith(("http://", "https://", "//", "www."))


def _first_date(
    values: list[object],
    meta: dict[str, str],
    tree: HtmlElement | None,
    keys: tuple[str, ...] = PUBLISHED_KEYS,
) -> str | None:
    candidates = [_as_text(v) for v in values] + [meta.get(k, "") for k in keys]
    if tree is not None:
        candidates += [t.get("datetime", "") for t in tree.xpath("//time[@datetime]")[:1]]
    for candidate in candidates:
        parsed = to_iso8601(candidate)
        if parsed:
            return parsed
    return None


def to_iso8601(text: str) -> str | None:
    """An ISO 8601 string for the usual date spellings, or None when unreadable."""
    text = collapse(text)
    if not text:
        return None
    fixed = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text.replace(" ", "T", 1))
    for candidate in (fixed, fixed.replace("Z", "+00:00")):
        try:
            return datetime.fromisoformat(candidate).isoformat()
        except ValueError:
            pass
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def find_canonical(tree: HtmlElement, url: str, meta: dict[str, str]) -> str | None:
    """`<link rel=canonical>` (else og:url), made absolute against the page URL."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return urljoin(url, link.get("href").strip())
    og = meta.get("og:url")
    return urljoin(url, og) if og else None


def find_language(tree: HtmlElement, meta: dict[str, str], ld: dict) -> str | None:
    """`<html lang>`, then og:locale, JSON-LD inLanguage, Content-Language."""
    root = tree.getroottree().getroot()
    candidates = [
        root.get("lang"),
        root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        meta.get("og:locale"),
        _as_text(ld.get("inLanguage")),
        meta.get("content-language") or _http_equiv(tree, "content-language"),
    ]
    for value in candidates:
        value = collapse(value).replace("_", "-").split(",")[0].strip()
        if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
            return value
    return None


def _http_equiv(tree: HtmlElement, name: str) -> str:
    for meta in tree.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == name:
            return meta.get("content") or ""
    return ""


def _unique(values: object) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:  # type: ignore[attr-defined]
        if value:
            seen.setdefault(value, None)
    return tuple(seen)
