"""The local newsroom answers as a real news site does, misbehaviour included."""

from __future__ import annotations

import gzip
import http.client
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.discovery import parse_feed, parse_sitemap, sitemaps_from_robots
from redline.newsroom import Newsroom

STORY_BODY = re.compile(r'<div class="story-body">.*?</div>', re.DOTALL)


@pytest.fixture(scope="module")
def site() -> Iterator[Newsroom]:
    with Newsroom(articles=12, seed=1) as newsroom:
        yield newsroom


@pytest.fixture
def quiet() -> Iterator[Newsroom]:
    with Newsroom(articles=6, seed=2, noise=False) as newsroom:
        yield newsroom


def fetch(newsroom: Newsroom, path: str, headers: dict | None = None, method: str = "GET"):
    """(response, raw body bytes as sent: still gzipped if the server gzipped)."""
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(newsroom.base_url).port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def path_of(url: str) -> str:
    return urlsplit(url).path


def raw_exchange(newsroom: Newsroom, path: str, extra: str = "") -> bytes:
    port = urlsplit(newsroom.base_url).port
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        request = f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra}\r\n"
        sock.sendall(request.encode())
        chunks = []
        while data := sock.recv(65536):
            chunks.append(data)
    return b"".join(chunks)


def dechunk(data: bytes) -> bytes:
    """Strict chunk-framing decoder: fails on anything but well-formed framing."""
    out, pos = [], 0
    while True:
        end = data.index(b"\r\n", pos)
        size = int(data[pos:end], 16)
        start = end + 2
        if size == 0:
            assert data[start:] == b"\r\n"
            return b"".join(out)
        out.append(data[start : start + size])
        assert data[start + size : start + size + 2] == b"\r\n"
        pos = start + size + 2


def test_content_is_deterministic_from_seed() -> None:
    a, b = Newsroom(articles=5, seed=7), Newsroom(articles=5, seed=7)
    assert [(x.slug, x.headline, x.paragraphs) for x in a.articles.values()] == [
        (x.slug, x.headline, x.paragraphs) for x in b.articles.values()
    ]
    for article in a.articles.values():
        assert 4 <= len(article.paragraphs) <= 12
        assert all(40 <= len(p.split()) <= 120 for p in article.paragraphs)


def test_robots_lists_sitemaps_and_disallows_private(site: Newsroom) -> None:
    response, body = fetch(site, "/robots.txt")
    text = body.decode()
    assert response.status == 200 and "Disallow: /private/" in text
    assert sitemaps_from_robots(text, site.base_url + "/robots.txt") == [
        site.base_url + "/news-sitemap.xml",
        site.base_url + "/sitemap-index.xml",
    ]


def test_feeds_and_sitemaps_list_every_article(site: Newsroom) -> None:
    urls = {site.article_url(slug) for slug in site.articles}
    for path in ("/rss.xml", "/atom.xml"):
        response, body = fetch(site, path)
        assert response.status == 200 and response.getheader("ETag")
        assert set(parse_feed(body, site.base_url + path).links) == urls
    _, news = fetch(site, "/news-sitemap.xml")
    found = parse_sitemap(news, site.base_url + "/news-sitemap.xml")
    assert set(found.links) == urls and all(found.titles)
    _, index = fetch(site, "/sitemap-index.xml")
    children = parse_sitemap(index, site.base_url + "/sitemap-index.xml").sitemaps
    assert children == (site.base_url + "/sitemap-articles.xml.gz",)
    response, packed = fetch(site, path_of(children[0]), {"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Type") == "application/gzip"
    assert response.getheader("Content-Encoding") is None and packed[:2] == b"\x1f\x8b"
    assert set(parse_sitemap(packed, children[0]).links) == urls


def test_front_and_section_pages_link_articles_with_tracking(site: Newsroom) -> None:
    _, front = fetch(site, "/")
    assert "?utm_source=front" in front.decode() and "#comments" in front.decode()
    for slug in list(site.articles)[:3]:
        assert path_of(site.article_url(slug)) in front.decode()
    section = next(iter(site.articles.values())).section
    response, page = fetch(site, f"/section/{section}")
    assert response.status == 200
    assert path_of(site.article_url(next(iter(site.articles)))) in page.decode()


def test_article_page_has_real_site_chrome(site: Newsroom) -> None:
    slug, article = next(iter(site.articles.items()))
    response, body = fetch(site, path_of(site.article_url(slug)))
    page = body.decode()
    assert response.status == 200
    assert '<html lang="en">' in page
    assert f'<link rel="canonical" href="{site.article_url(slug)}">' in page
    assert '"@type": "NewsArticle"' in page and '"dateModified"' in page
    assert 'property="og:title"' in page and '<meta name="author"' in page
    assert '<h1 class="headline">' in page and '<p class="byline">' in page
    assert article.paragraphs[0].replace('"', "&quot;") in STORY_BODY.search(page).group(0)
    assert len(response.headers.get_all("Set-Cookie")) == 2
    assert response.getheader("Last-Modified") and response.getheader("ETag")


def test_noise_changes_but_story_does_not(site: Newsroom) -> None:
    path = path_of(site.article_url(next(iter(site.articles))))
    (r1, first), (r2, second) = fetch(site, path), fetch(site, path)
    assert first != second
    assert STORY_BODY.search(first.decode()).group(0) == STORY_BODY.search(second.decode()).group(0)
    for part in ('<h1 class="headline">.*?</h1>', '<p class="byline">.*?</p>'):
        assert re.search(part, first.decode()).group(0) == re.search(part, second.decode()).group(0)
    assert r1.getheader("ETag") == r2.getheader("ETag")
    story = STORY_BODY.search(first.decode()).group(0)
    assert "advert" not in story and "<script" not in story and "minutes ago" not in story


def test_without_noise_refetches_are_byte_identical(quiet: Newsroom) -> None:
    for slug in quiet.articles:
        path = path_of(quiet.article_url(slug))
        assert fetch(quiet, path)[1] == fetch(quiet, path)[1]
    assert (
        fetch(quiet, "/", {"Accept-Encoding": "gzip"})[1]
        == fetch(quiet, "/", {"Accept-Encoding": "gzip"})[1]
    )


def test_gzip_only_when_accepted(site: Newsroom) -> None:
    path = path_of(site.article_url(next(iter(site.articles))))
    plain_response, plain = fetch(site, path)
    assert plain_response.getheader("Content-Encoding") is None and plain.startswith(b"<!DOCTYPE")
    response, packed = fetch(site, path, {"Accept-Encoding": "gzip, deflate"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in response.getheader("Vary")
    assert gzip.decompress(packed).startswith(b"<!DOCTYPE")
    refused, _ = fetch(site, path, {"Accept-Encoding": "gzip;q=0, identity"})
    assert refused.getheader("Content-Encoding") is None


def test_chunked_framing_on_the_wire(site: Newsroom) -> None:
    chunked = [s for s in site.articles if site.is_chunked(s)]
    whole = [s for s in site.articles if not site.is_chunked(s)]
    assert chunked and whole
    for path in ("/", path_of(site.article_url(chunked[0]))):
        head, _, rest = raw_exchange(site, path).partition(b"\r\n\r\n")
        assert b"Transfer-Encoding: chunked" in head and b"Content-Length" not in head
        assert dechunk(rest).rstrip().endswith(b"</html>")
    head, _, rest = raw_exchange(site, path_of(site.article_url(whole[0]))).partition(b"\r\n\r\n")
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
    assert b"chunked" not in head and len(rest) == length
    head, _, rest = raw_exchange(site, "/", "Accept-Encoding: gzip\r\n").partition(b"\r\n\r\n")
    assert gzip.decompress(dechunk(rest)).startswith(b"<!DOCTYPE")


def test_conditional_requests_give_304(site: Newsroom) -> None:
    for path in (path_of(site.article_url(next(iter(site.articles)))), "/rss.xml"):
        response, _ = fetch(site, path)
        etag, modified = response.getheader("ETag"), response.getheader("Last-Modified")
        assert fetch(site, path, {"If-None-Match": etag})[0].status == 304
        assert fetch(site, path, {"If-Modified-Since": modified})[0].status == 304
        assert fetch(site, path, {"If-None-Match": '"other"'})[0].status == 200
    gz_response, _ = fetch(site, "/rss.xml", {"Accept-Encoding": "gzip"})
    again = {"Accept-Encoding": "gzip", "If-None-Match": gz_response.getheader("ETag")}
    assert fetch(site, "/rss.xml", again)[0].status == 304


def test_edit_changes_page_and_etag(quiet: Newsroom) -> None:
    slug = next(iter(quiet.articles))
    path = path_of(quiet.article_url(slug))
    before, _ = fetch(quiet, path)
    quiet.edit(slug, headline="Council approves 11 new homes", paragraphs=["One.", "Two."])
    after, body = fetch(quiet, path)
    assert "Council approves 11 new homes" in body.decode() and "<p>Two.</p>" in body.decode()
    assert after.getheader("ETag") != before.getheader("ETag")
    assert fetch(quiet, path, {"If-None-Match": before.getheader("ETag")})[0].status == 200
    _, rss = fetch(quiet, "/rss.xml")
    assert "Council approves 11 new homes" in parse_feed(rss, quiet.base_url).titles


def test_remove_restore_move_and_canonical(quiet: Newsroom) -> None:
    first, second = list(quiet.articles)[:2]
    path = path_of(quiet.article_url(first))
    quiet.remove(first, status=410)
    response, body = fetch(quiet, path)
    assert response.status == 410 and b"Gone" in body
    assert quiet.article_url(first) not in parse_feed(fetch(quiet, "/rss.xml")[1], "x").links
    quiet.restore(first)
    assert fetch(quiet, path)[0].status == 200
    new_url = quiet.move(first, "a-new-slug")
    response, _ = fetch(quiet, path)
    assert response.status == 301 and response.getheader("Location") == new_url
    assert fetch(quiet, path_of(new_url))[0].status == 200
    quiet.move("a-new-slug", "third-slug")
    assert fetch(quiet, path)[0].getheader("Location") == quiet.article_url("third-slug")
    quiet.set_canonical(second, "third-slug")
    _, page = fetch(quiet, path_of(quiet.article_url(second)))
    assert f'<link rel="canonical" href="{quiet.article_url("third-slug")}">' in page.decode()
    assert fetch(quiet, "/2026/11/no-such-story")[0].status == 404


def test_requests_are_logged_and_head_works(quiet: Newsroom) -> None:
    response, body = fetch(quiet, "/rss.xml?utm_source=x", method="HEAD")
    assert response.status == 200 and body == b"" and int(response.getheader("Content-Length")) > 0
    assert ("HEAD", "/rss.xml?utm_source=x") in [(m, p) for m, p, _ in quiet.requests]
    assert all(not p.startswith("/private/") for _, p, _ in quiet.requests)


def test_slow_page(quiet: Newsroom) -> None:
    quiet.slow_seconds = 0.3
    started = time.monotonic()
    response, body = fetch(quiet, "/slow")
    assert response.status == 200 and b"Finally" in body
    assert time.monotonic() - started >= 0.3


def test_bad_reset_and_short_and_stall(quiet: Newsroom) -> None:
    with pytest.raises((ConnectionResetError, http.client.IncompleteRead)):
        fetch(quiet, "/bad/reset")
    with pytest.raises(http.client.IncompleteRead):
        fetch(quiet, "/bad/short")
    quiet.stall_seconds = 1.0
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(quiet.base_url).port, timeout=0.3)
    conn.request("GET", "/bad/stall")
    response = conn.getresponse()
    assert response.status == 200
    with pytest.raises(TimeoutError):
        response.read()
    conn.close()


def test_bad_bodies(quiet: Newsroom) -> None:
    response, bomb = fetch(quiet, "/bad/gzip-bomb")
    assert response.getheader("Content-Encoding") == "gzip" and len(bomb) < 1_000_000
    assert len(gzip.decompress(bomb)) > 100_000_000
    response, huge = fetch(quiet, "/bad/huge", {"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") is None and len(huge) >= 30 * 2**20
    assert fetch(quiet, "/bad/broken.html")[0].status == 200
    feed = parse_feed(fetch(quiet, "/bad/feed.xml")[1], quiet.base_url + "/bad/feed.xml")
    assert feed.warnings and feed.links
    sitemap = parse_sitemap(fetch(quiet, "/bad/sitemap.xml")[1], quiet.base_url + "/bad/x")
    assert sitemap.warnings and len(sitemap.links) >= 3


def test_bulk_is_byte_identical_on_refetch() -> None:
    with Newsroom.bulk(300) as newsroom:
        assert len(newsroom.articles) == 300
        slug = list(newsroom.articles)[-1]
        path = path_of(newsroom.article_url(slug))
        assert fetch(newsroom, path)[1] == fetch(newsroom, path)[1]
        _, packed = fetch(newsroom, "/sitemap-articles.xml.gz")
        assert len(parse_sitemap(packed, newsroom.base_url).links) == 300


def test_corpus_pages(corpus: Path) -> None:
    with Newsroom(articles=2, corpus=corpus, noise=False) as newsroom:
        _, index = fetch(newsroom, "/corpus/index.html")
        hrefs = re.findall(r'href="([^"]+)"', index.decode())
        assert "/corpus/readability/bbc-1" in hrefs and any("/nunl/" in h for h in hrefs)
        response, page = fetch(newsroom, "/corpus/readability/bbc-1")
        assert page == (corpus / "pages-readability/bbc-1/source.html").read_bytes()
        assert response.getheader("Content-Type").startswith("text/html")
        sha = next(h for h in hrefs if "/benchmark/" in h)
        assert (
            fetch(newsroom, sha)[1]
            == (corpus / f"pages-extraction-benchmark/{sha.rsplit('/', 1)[1]}.html").read_bytes()
        )
        newsroom.recapture_version = 2
        assert (
            fetch(newsroom, "/corpus/recaptures/about.com1")[1]
            == (corpus / "recaptures-noise-only/about.com1/v2.html").read_bytes()
        )
        newsroom.recapture_version = 99
        assert (
            fetch(newsroom, "/corpus/recaptures/about.com1")[1]
            == (corpus / "recaptures-noise-only/about.com1/v3.html").read_bytes()
        )
        assert fetch(newsroom, "/corpus/readability/..%2F..%2Fetc")[0].status == 404


def test_nunl_headline_follows_snapshot(corpus: Path) -> None:
    with Newsroom(articles=1, corpus=corpus) as newsroom:
        pages = newsroom.corpus
        assert pages is not None
        changed = next(
            i for i in pages.nunl_ids()
            if pages.nunl_item(i, 0) and pages.nunl_item(i, 0)["title"] != pages.nunl_item(i, 55)["title"]
        )  # fmt: skip
        titles = []
        for snapshot in (0, 55):
            newsroom.nunl_snapshot = snapshot
            page = fetch(newsroom, f"/corpus/nunl/{changed}")[1].decode()
            titles.append(re.search(r'<h1 class="headline">(.*?)</h1>', page).group(1))
            assert STORY_BODY.search(page)
        assert titles[0] != titles[1]
