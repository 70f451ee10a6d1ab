"""Finding article URLs in feeds, sitemaps and robots.txt: pure functions, no Scrapy.

Bad input never raises: each parser returns what it could read and a warning naming
the URL. XML is parsed without entity expansion or network access.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
_GZIP_MAGIC = b"\x1f\x8b"
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.DOTALL | re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_SITEMAP_ROOT = re.compile(rb"<(?:\w+:)?(urlset|sitemapindex)[\s>]", re.IGNORECASE)
_ROBOTS_SITEMAP = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
# A bozo feed that merely lacked an HTTP content type, or had it overridden, is not broken.
_HARMLESS_BOZO = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


@dataclass(frozen=True)
class Discovered:
    links: tuple[str, ...]  # absolute article/page URLs, in document order, de-duplicated
    sitemaps: tuple[str, ...] = ()  # child sitemaps (sitemap index)
    warnings: tuple[str, ...] = ()  # human-readable problems, naming the URL
    titles: tuple[str, ...] = ()  # the title given with each link ("" if none), when known


def parse_feed(body: bytes, url: str) -> Discovered:
    """Links of an RSS 0.9x/1.0/2.0 or Atom feed, with their titles."""
    body, warnings = _without_entities(body, url)
    try:
        parsed = feedparser.parse(
            body,
            response_headers={"content-location": url, "content-type": "application/xml"},
            sanitize_html=False,
        )
    except Exception as exc:  # noqa: BLE001 - feedparser has many failure modes; none may stop a crawl
        return Discovered((), warnings=(*warnings, f"{url}: feed could not be parsed: {exc}"))
    pairs = [(_entry_link(entry, url), entry.get("title", "")) for entry in parsed.entries]
    links, titles = _unique_pairs((link, title) for link, title in pairs if link)
    problem = parsed.get("bozo_exception")
    if problem is not None and not isinstance(problem, _HARMLESS_BOZO):
        warnings.append(f"{url}: feed is not well-formed ({problem}); read {len(links)} links")
    if not parsed.get("version") and not links:
        warnings.append(f"{url}: not a recognised RSS or Atom feed")
    return Discovered(links, warnings=tuple(warnings), titles=titles)


def parse_sitemap(body: bytes, url: str) -> Discovered:
    """Page URLs of a urlset (Google News included) and child sitemaps of a sitemapindex."""
    warnings: list[str] = []
    if body[:2] == _GZIP_MAGIC:
        body, problem = _gunzip(body, MAX_SITEMAP_BYTES)
        if problem:
            warnings.append(f"{url}: {problem}")
    body, entity_warnings = _without_entities(body, url)
    warnings += entity_warnings
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(body, parser) if body.strip() else None
    except etree.XMLSyntaxError as exc:
        root, warnings = None, [*warnings, f"{url}: sitemap is not XML ({exc})"]
    if parser.error_log:
        warnings.append(f"{url}: sitemap is not well-formed ({parser.error_log[0].message})")
    if root is None:
        return _plain_text_sitemap(body, url, warnings)
    return _read_sitemap_tree(root, url, warnings)


def sitemaps_from_robots(text: str, url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt, made absolute, in order, without repeats."""
    found = (urljoin(url, m.group(1)) for m in _ROBOTS_SITEMAP.finditer(text))
    return list(dict.fromkeys(u for u in found if _is_web_url(u)))


def looks_like_feed(body: bytes) -> bool:
    return bool(_FEED_ROOT.search(_head(body)))


def looks_like_sitemap(body: bytes) -> bool:
    return bool(_SITEMAP_ROOT.search(_head(body)))


def _entry_link(entry: dict, base: str) -> str:
    link = entry.get("link") or ""
    if not link:
        alternates = [x for x in entry.get("links", []) if x.get("rel") in ("alternate", None)]
        link = alternates[0].get("href", "") if alternates else ""
    link = urljoin(base, link.strip()) if link.strip() else ""
    return link if _is_web_url(link) else ""


def _read_sitemap_tree(root: etree._Element, url: str, warnings: list[str]) -> Discovered:
    pages: list[tuple[str, str]] = []
    children: list[str] = []
    for loc in root.iter("{*}loc"):
        parent = loc.getparent()
        kind = etree.QName(parent).localname if parent is not None else ""
        text = (loc.text or "").strip()
        link = urljoin(url, text)
        if not text:
            continue
        if not _is_web_url(link):
            warnings.append(f"{url}: skipped a <loc> that is not a web URL: {loc.text!r:.80}")
        elif kind == "sitemap":
            children.append(link)
        elif kind == "url":
            pages.append((link, _news_title(parent)))
    links, titles = _unique_pairs(pages)
    return Discovered(links, tuple(dict.fromkeys(children)), tuple(warnings), titles)


def _news_title(url_element: etree._Element) -> str:
    title = url_element.find(".//{*}news/{*}title")
    return (title.text or "").strip() if title is not None else ""


def _plain_text_sitemap(body: bytes, url: str, warnings: list[str]) -> Discovered:
    """The protocol's text format: one URL per line."""
    lines = body.decode("utf-8", "replace").split()
    links = tuple(dict.fromkeys(line for line in lines if _is_web_url(line)))
    if not links:
        warnings.append(f"{url}: no URLs found in sitemap")
    return Discovered(links, warnings=tuple(warnings), titles=("",) * len(links))


def _without_entities(body: bytes, url: str) -> tuple[bytes, list[str]]:
    """Drop a DOCTYPE internal subset: entity declarations are how XML bombs expand."""
    if b"<!ENTITY" not in body[:65536].upper():
        return body, []
    cleaned = _DOCTYPE_SUBSET.sub(b"", body, count=1)
    return cleaned, [f"{url}: ignored the entity declarations of its DOCTYPE"]


def _gunzip(body: bytes, limit: int) -> tuple[bytes, str]:
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        data = inflater.decompress(body, limit)
    except zlib.error as exc:
        return b"", f"gzipped sitemap is corrupt ({exc})"
    if inflater.unconsumed_tail:
        return data, f"gzipped sitemap inflates beyond {limit:,} bytes; read the first {limit:,}"
    if not inflater.eof:
        return data, "gzipped sitemap is truncated; read what arrived"
    return data, ""


def _head(body: bytes) -> bytes:
    if body[:2] == _GZIP_MAGIC:
        try:
            body = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(body[:8192], 2048)
        except zlib.error:
            return b""
    return body[:2048]


def _unique_pairs(pairs) -> tuple[tuple[str, ...], tuple[str, ...]]:
    seen: dict[str, str] = {}
    for link, title in pairs:
        seen.setdefault(link, title)
    return tuple(seen), tuple(seen.values())


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
