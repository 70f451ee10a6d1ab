"""What a page says about itself: JSON-LD, OpenGraph, <meta>, <time>, <link rel=canonical>.

Pure functions over an lxml tree. Nothing here looks at the body text; `extract.py`
combines these facts with what a reader sees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

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
_BYLINE_XPATHS = (
    '//*[@rel="author"][not(self::link)]',
    '//*[contains(concat(" ", normalize-space(@itemprop), " "), " author ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " byline ")]',
    '//*[contains(@class, "byline")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " author ")]',
)
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class PageMetadata:
    """The page's own claims; every field may be empty."""

    headlines: tuple[str, ...] = ()  # most trusted first: JSON-LD, og, twitter, dc
    title: str = ""  # the <title> element
    h1s: tuple[str, ...] = ()
    site_name: str = ""
    authors: tuple[str, ...] = ()  # most trusted first
    published: str | None = None
    updated: str | None = None
    canonical_url: str | None = None
    language: str | None = None


def collapse(text: str | None) -> str:
    """Runs of whitespace to one space, trimmed."""
    return _WS.sub(" ", text or "").strip()


def read_metadata(tree: HtmlElement, url: str) -> PageMetadata:
    """Collect headline, author, date, canonical and language claims from `tree`."""
    ld = find_jsonld_article(tree)
    meta = read_meta_tags(tree)
    return PageMetadata(
        headlines=_unique(
            [collapse(_as_text(ld.get("headline"))), collapse(_as_text(ld.get("name")))]
            + [meta.get(k, "") for k in ("og:title", "twitter:title", "dc.title", "title")]
        ),
        title=collapse(tree.findtext(".//title")),
        h1s=_unique(collapse(h.text_content()) for h in tree.iter("h1")),
        site_name=meta.get("og:site_name", ""),
        authors=_unique(list(jsonld_authors(ld)) + list(meta_authors(tree, meta))),
        published=_first_date([ld.get("datePublished"), ld.get("dateCreated")], meta, tree),
        updated=_first_date([ld.get("dateModified")], meta, None, UPDATED_KEYS),
        canonical_url=find_canonical(tree, url, meta),
        language=find_language(tree, meta, ld),
    )


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
    return value if isinstance(value, str) else ""


def jsonld_authors(ld: dict) -> Iterator[str]:
    """Names of the article's authors, people before organisations."""
    authors = ld.get("author") or ld.get("creator") or []
    authors = authors if isinstance(authors, list) else [authors]
    people = [a for a in authors if not (isinstance(a, dict) and "Organization" in _types(a))]
    names = [collapse(_as_text(a)) for a in people or authors]
    yield ", ".join(n for n in names if n and not _looks_like_url(n))


def read_meta_tags(tree: HtmlElement) -> dict[str, str]:
    """`<meta>` name/property -> content, lower-cased keys, the first value wins."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        value = collapse(meta.get("content"))
        if key and value and key not in found:
            found[key] = value
    return found


def meta_authors(tree: HtmlElement, meta: dict[str, str]) -> Iterator[str]:
    """Author claims outside JSON-LD: meta tags, then visible byline markup."""
    for key in ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author"):
        value = meta.get(key, "")
        if value and not _looks_like_url(value):
            yield value
    for xpath in _BYLINE_XPATHS:
        for node in tree.xpath(xpath):
            text = collapse(node.get("content") or node.text_content())
            if text and len(text) <= 120:
                yield text
                return


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
