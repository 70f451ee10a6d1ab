"""Discovery parsing against real feeds and sitemaps from ../shared/corpus."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from archive.urls import canonical_article_url
from crawler.discovery import (
    looks_like_feed,
    looks_like_sitemap,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)

GUARDIAN_FIRST = (
    "https://www.theguardian.com/us-news/2018/jan/31/"
    "donald-trump-state-of-the-union-address-unity-discord"
)
HEISE_FIRST = (
    "http://www.heise.de/developer/meldung/"
    "Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html?wt_mc=rss.developer.beitrag.atom"
)
# A blank line before the XML declaration (or no XML at all): strict parsing fails.
BROKEN_FEEDS = (
    "unrecognized.rss",
    "itunes-keywords-array.rss",
    "itunes-keywords-astext.rss",
    "itunes-missing-image.rss",
)


def read(folder: Path, name: str) -> bytes:
    return (folder / name).read_bytes()


def test_every_corpus_feed_parses_without_exception(corpus: Path) -> None:
    feeds = sorted((corpus / "feeds").iterdir())
    assert len(feeds) > 20
    for path in feeds:
        found = parse_feed(path.read_bytes(), f"http://feeds.test/{path.name}")
        assert len(found.titles) == len(found.links), path.name
        assert all(link.startswith(("http://", "https://")) for link in found.links), path.name
        if path.name not in BROKEN_FEEDS:
            assert found.warnings == (), path.name


def test_real_feeds_give_their_first_links(corpus: Path) -> None:
    guardian = parse_feed(
        read(corpus / "feeds", "guardian.rss"), "https://www.theguardian.com/us/rss"
    )
    assert guardian.links[0] == GUARDIAN_FIRST
    assert len(guardian.links) == 55
    heise = parse_feed(read(corpus / "feeds", "heise.atom"), "http://www.heise.de/developer/rss")
    assert heise.links[0] == HEISE_FIRST
    assert heise.titles[0] == "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei"
    herald = parse_feed(read(corpus / "feeds", "heraldsun.rss"), "http://heraldsun.test/rss")
    assert herald.links == (
        "http://www.oreilly.com/example/001.html",
        "http://www.oreilly.com/example/002.html",
    )


def test_iso_8859_1_feed_decodes_accents(corpus: Path) -> None:
    found = parse_feed(read(corpus / "feeds", "uolNoticias.rss"), "http://noticias.uol.com.br/")
    assert found.titles[0] == (
        "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno"
    )
    encoded = parse_feed(read(corpus / "feeds", "encoding.rss"), "http://feeds.jn.pt/")
    assert encoded.titles[0] == "Mãe de utente é a nova presidente da Raríssimas"


def test_broken_feeds_warn_and_keep_what_they_can(corpus: Path) -> None:
    junk = parse_feed(read(corpus / "feeds", "unrecognized.rss"), "http://marketwatch.test/rss")
    assert junk.links == ()
    assert any("http://marketwatch.test/rss" in w for w in junk.warnings)
    late_decl = parse_feed(read(corpus / "feeds", "itunes-keywords-astext.rss"), "http://x.test/f")
    assert len(late_decl.links) == 32
    assert "not well-formed" in late_decl.warnings[0]


def test_entry_without_link_is_skipped_not_replaced_by_feed_url(corpus: Path) -> None:
    found = parse_feed(read(corpus / "feeds", "incomplete-fields.atom"), "http://x.test/feed")
    assert "http://x.test/feed" not in found.links


def test_garbage_and_empty_input_never_raise() -> None:
    for body in (b"", b"\x00\xff\xfe garbage", b"<rss><channel><item><link>"):
        assert isinstance(parse_feed(body, "http://x.test/f").warnings, tuple)
        assert parse_sitemap(body, "http://x.test/s").links == ()


def test_entity_expansion_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<urlset><url><loc>http://x.test/a&lol2;</loc></url><url><loc>http://x.test/b</loc></url></urlset>"
    )
    found = parse_sitemap(bomb, "http://x.test/s")
    assert "http://x.test/b" in found.links
    assert not any("lollol" in link for link in found.links)
    assert any("entity" in w for w in found.warnings)
    feed = parse_feed(bomb.replace(b"urlset", b"rss"), "http://x.test/f")
    assert any("entity" in w for w in feed.warnings)


def test_corpus_sitemaps(corpus: Path) -> None:
    for path in sorted((corpus / "sitemaps").iterdir()):
        found = parse_sitemap(path.read_bytes(), f"http://x.test/{path.name}")
        assert found.links and found.warnings == (), path.name
    news = parse_sitemap(read(corpus / "sitemaps", "sitemap-news.xml"), "http://x.test/s")
    assert news.links[0] == "http://www.example.org/business/article55.html"
    assert news.titles[0] == "Companies A, B in Merger Talks"
    local = read(corpus / "sitemaps", "hebdenbridgetimes-articles-sitemap.xml")
    assert parse_sitemap(local, "http://x.test/s").links[0] == (
        "http://www.hebdenbridgetimes.co.uk/news/local/video-tour-de-yorkshire-in-calderdale-1-7242580"
    )


def test_gzipped_sitemap_is_sniffed(corpus: Path) -> None:
    body = read(corpus / "sitemaps", "hebdenbridgetimes-articles-sitemap.xml")
    packed = gzip.compress(body)
    assert looks_like_sitemap(packed) and not looks_like_feed(packed)
    assert parse_sitemap(packed, "http://x.test/s.xml.gz") == parse_sitemap(
        body, "http://x.test/s.xml.gz"
    )
    cut = parse_sitemap(packed[: len(packed) // 2], "http://x.test/cut.xml.gz")
    assert cut.links and any("truncated" in w for w in cut.warnings)


def test_sitemap_index_children() -> None:
    index = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://n.test/s1.xml.gz</loc></sitemap>"
        b"<sitemap><loc>/s2.xml</loc></sitemap></sitemapindex>"
    )
    found = parse_sitemap(index, "https://n.test/sitemap-index.xml")
    assert found.sitemaps == ("https://n.test/s1.xml.gz", "https://n.test/s2.xml")
    assert found.links == ()


def test_broken_sitemap_recovers_links_and_warns() -> None:
    body = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://n.test/a</loc></url><url><loc>https://n.test/b</loc></url><url><loc>"
    )
    found = parse_sitemap(body, "https://n.test/broken.xml")
    assert found.links == ("https://n.test/a", "https://n.test/b")
    assert found.warnings and "https://n.test/broken.xml" in found.warnings[0]


def test_plain_text_sitemap() -> None:
    found = parse_sitemap(b"https://n.test/a\nhttps://n.test/b\n", "https://n.test/s.txt")
    assert found.links == ("https://n.test/a", "https://n.test/b")


def test_sitemaps_from_robots() -> None:
    robots = (
        "User-agent: *\nDisallow: /private/\n"
        "Sitemap: https://n.test/news.xml\nsitemap:/relative.xml\n"
        "# Sitemap: https://n.test/commented.xml\nSitemap: https://n.test/news.xml\n"
    )
    assert sitemaps_from_robots(robots, "https://n.test/robots.txt") == [
        "https://n.test/news.xml",
        "https://n.test/relative.xml",
    ]


def test_sniffers(corpus: Path) -> None:
    assert looks_like_feed(read(corpus / "feeds", "guardian.rss"))
    assert looks_like_feed(read(corpus / "feeds", "heise.atom"))
    assert looks_like_feed(read(corpus / "feeds", "rss-1.rss"))
    assert not looks_like_feed(b"<html><body>hi</body></html>")
    assert looks_like_sitemap(read(corpus / "sitemaps", "sitemap-news.xml"))
    assert not looks_like_sitemap(read(corpus / "feeds", "guardian.rss"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://n.test/a?utm_source=front&utm_medium=web", "https://n.test/a"),
        ("https://n.test/a#comments", "https://n.test/a"),
        ("HTTPS://N.Test:443/Story?id=3&fbclid=x&gclid=y", "https://n.test/Story?id=3"),
        ("http://n.test:80/a?at_medium=rss&at_campaign=x&page=2", "http://n.test/a?page=2"),
        ("https://n.test/a?mc_cid=1&mc_eid=2&ocid=3&cmpid=4&UTM_Term=5", "https://n.test/a"),
        ("https://n.test/a?b=1&a=2", "https://n.test/a?b=1&a=2"),
        ("https://n.test", "https://n.test/"),
    ],
)
def test_canonical_article_url(url: str, expected: str) -> None:
    assert canonical_article_url(url) == expected
