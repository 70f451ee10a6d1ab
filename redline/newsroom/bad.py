"""Pages of the local newsroom that are broken on purpose, for robustness tests."""

from __future__ import annotations

import zlib
from functools import cache

from redline.newsroom.model import Reply, html_reply
from redline.newsroom.pages import render_links_page


@cache
def _gzip_bomb_bytes() -> bytes:
    """About 100 KB of gzip that inflates to 110 MB of zeros; built once, when first asked."""
    gz = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    return b"".join(gz.compress(block) for _ in range(110)) + gz.flush()


def gzip_bomb() -> Reply:
    headers = (("Content-Encoding", "gzip"),)
    return Reply(200, _gzip_bomb_bytes(), "text/html", headers=headers, compressible=False)


@cache
def _huge_bytes() -> bytes:
    paragraph = b"<p>" + b"All work and no play makes a very long page. " * 20 + b"</p>\n"
    count = 30 * (1 << 20) // len(paragraph) + 1
    return b"<!DOCTYPE html><html><body><h1>Huge</h1>\n" + paragraph * count + b"</body></html>\n"


def huge_page() -> Reply:
    return Reply(200, _huge_bytes(), compressible=False)


def broken_html() -> Reply:
    page = (
        b"<html><head><title>Broken <b>page</title><meta charset=utf-8>\n<body><div><p>Unclosed"
        b" paragraph <table><tr><td>cell</p></div></span>\n<h1 class=headline>Broken \xff\xfe"
        b" bytes</h2><p class=byline>By <i>Nobody</p><div class='story-body'><p>Text &bogus; "
        b"&#xD800; <a href='/x\"<b>>link</a>\n<!-- unterminated comment <p>after"
    )
    return Reply(200, page, "text/html")


@cache
def _table_bytes() -> bytes:
    """A 5 MB table of numbers: a page that keeps an extractor busy for seconds."""
    row = b"<tr><td>1,024</td><td>2,048</td><td>market</td><td>4.5%</td></tr>\n"
    rows = row * (5 * (1 << 20) // len(row))
    head = b"<!DOCTYPE html><html><head><title>Tables</title></head><body><article>"
    return head + b"<h1>All the numbers</h1><table>" + rows + b"</table></article></body></html>"


def huge_table() -> Reply:
    return Reply(200, _table_bytes(), compressible=False)


def bad_links() -> Reply:
    """A page linking to the table and the bomb, for a crawl's start_urls."""
    return html_reply(200, render_links_page("Bad pages", ["/bad/table", "/bad/gzip-bomb"]))
