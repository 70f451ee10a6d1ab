"""extract_article: hand-written pages with exact expectations, then the real corpus."""

from __future__ import annotations

import importlib.util
import json
import statistics
from pathlib import Path

import pytest

from diffing.article import Article
from diffing.extract import ExtractionError, Selectors, extract_article
from diffing.metadata import clean_byline

ROOT = Path(__file__).resolve().parent.parent
URL = "https://news.example/2026/11/storm"
STORY = (
    (
        "The storm reached the northern coast shortly after midnight on Tuesday, bringing winds "
        "of more than 120 kilometres an hour and flooding hundreds of homes in three towns."
    ),
    (
        "Emergency services said 14 people had been rescued from their roofs by helicopter, and "
        "that the number of people in temporary shelters had risen to more than two thousand."
    ),
    (
        "“We have never seen water this high,” said Maria Olsen, who has run the harbour café "
        "for thirty years. “The whole street was a river by two in the morning.”"
    ),
    (
        "The regional government has asked for help from the national army, and the prime "
        "minister is expected to visit the worst-hit areas on Wednesday afternoon."
    ),
    (
        "Forecasters warned that a second band of heavy rain could arrive by the weekend, and "
        "urged residents of low-lying streets to move their cars and valuables to higher ground."
    ),
)


def page(head: str = "", body_top: str = "", chrome: str = "", lang: str = "en") -> str:
    """A news page: the STORY paragraphs inside <article>, surrounded by page chrome."""
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>'
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>'
        '<li><a href="/sport">Sport</a></li></ul></nav>'
        f"<main><article>{body_top}<div class='story-body'>{paragraphs}</div></article>"
        f"{chrome}</main><footer><p>© 2026 Daily Planet. All rights reserved.</p></footer>"
        "</body></html>"
    )


def jsonld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_body_is_the_story_paragraphs_in_order() -> None:
    article = extract_article(page(body_top="<h1>Storm floods northern coast</h1>"), URL)
    assert article.paragraphs == STORY
    assert article.headline == "Storm floods northern coast"
    assert article.body == "\n\n".join(STORY)


def test_the_article_header_is_not_body() -> None:
    """A section label, the headline repeated and a date line before the story."""
    head = '<meta property="og:title" content="Storm floods coast">'
    body_top = "<p>Weather</p><p>Storm floods coast</p><p>26 Sep 2026</p>"
    assert extract_article(page(head=head, body_top=body_top), URL).paragraphs == STORY


def test_same_story_in_different_chrome_gives_the_same_article() -> None:
    quiet = page(body_top="<h1>Storm floods northern coast</h1>")
    related = "".join(
        f'<li><a href="/2026/11/{n}">Related story number {n} about something else</a></li>'
        for n in range(8)
    )
    noisy = page(
        body_top="<h1>Storm floods northern coast</h1><p>Updated 5 minutes ago</p>",
        chrome=(
            f"<aside class='most-read'><h2>Most read</h2><ul>{related}</ul></aside>"
            "<div class='newsletter'><p>Sign up to our newsletter</p><form><input></form></div>"
            "<div class='share'><a>Share</a> <a>Tweet</a> <a>Email</a></div>"
            "<div class='ad'><p>Advertisement</p></div>"
        ),
    )
    assert extract_article(noisy, URL) == extract_article(quiet, URL)


def test_jsonld_headline_takes_precedence_over_og_and_title() -> None:
    head = (
        jsonld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "A"})
        + '<meta property="og:title" content="B"><title>C - Daily Planet</title>'
    )
    assert extract_article(page(head=head), URL).headline == "A"


def test_jsonld_article_is_found_in_graph_and_lists() -> None:
    graph = {
        "@graph": [
            {"@type": "WebSite", "name": "Daily Planet"},
            {
                "@type": ["ReportageNewsArticle"],
                "headline": "Storm floods coast",
                "author": [{"@type": "Person", "name": "Ann Lee"}, {"name": "Bo Chen"}],
                "datePublished": "2026-11-28T04:00:00Z",
                "dateModified": "2026-11-28T05:30:00+01:00",
                "inLanguage": "en-GB",
            },
        ]
    }
    article = extract_article(page(head=jsonld([{"@type": "Thing"}, graph]), lang=""), URL)
    assert article.headline == "Storm floods coast"
    assert article.byline == "Ann Lee, Bo Chen"
    assert article.published == "2026-11-28T04:00:00+00:00"
    assert article.updated == "2026-11-28T05:30:00+01:00"
    assert article.language == "en-GB"


def test_og_title_without_its_site_suffix_when_no_jsonld() -> None:
    head = (
        '<meta property="og:title" content="Storm floods coast | Daily Planet">'
        '<meta property="og:site_name" content="Daily Planet"><title>Home</title>'
    )
    assert extract_article(page(head=head), URL).headline == "Storm floods coast"


def test_title_without_suffix_when_no_metadata() -> None:
    head = "<title>Storm floods coast - Daily Planet</title>"
    body_top = "<h1>Storm floods coast</h1>"
    assert extract_article(page(head=head, body_top=body_top), URL).headline == (
        "Storm floods coast"
    )


def test_description_in_jsonld_headline_loses_to_what_the_page_shows() -> None:
    head = (
        jsonld({"@type": "Article", "name": "New Zealand", "headline": "country in Oceania"})
        + '<meta property="og:title" content="New Zealand - Wikipedia">'
        + "<title>New Zealand - Wikipedia</title>"
    )
    article = extract_article(page(head=head, body_top="<h1>New Zealand</h1>"), URL)
    assert article.headline == "New Zealand"


def test_every_headline_form_the_page_gives() -> None:
    head = (
        jsonld({"@type": "NewsArticle", "headline": "Storm  floods\n coast, 14 rescued"})
        + '<meta property="og:title" content="Storm floods coast | Daily Planet">'
        + '<meta name="twitter:title" content="Not used: og:title comes first">'
        + '<meta property="og:site_name" content="Daily Planet">'
        + "<title>Storm floods northern coast - Daily Planet</title>"
    )
    body_top = "<h1>Daily Planet</h1><h1>Storm floods northern coast</h1>"
    article = extract_article(page(head=head, body_top=body_top), URL)
    assert article.headlines == {
        "visible": "Storm floods northern coast",
        "title": "Storm floods northern coast",
        "social": "Storm floods coast | Daily Planet",
        "structured": "Storm floods coast, 14 rescued",
    }
    assert article.headline == "Storm floods coast, 14 rescued"  # unchanged: JSON-LD first


def test_a_page_with_only_og_title_has_only_the_social_form() -> None:
    head = '<meta property="og:title" content="Storm floods coast">'
    article = extract_article(page(head=head), URL)
    assert article.headlines == {"social": "Storm floods coast"}
    assert article.headline == "Storm floods coast"
    twitter = '<meta name="twitter:title" content="Storm floods coast">'
    assert extract_article(page(head=twitter), URL).headlines == {"social": "Storm floods coast"}


def test_the_site_headline_selector_gives_the_visible_form() -> None:
    body_top = "<h1>Storm floods coast</h1><h2 class='hl'>Storm floods northern coast</h2>"
    article = extract_article(page(body_top=body_top), URL, Selectors(headline="h2.hl"))
    assert article.headlines == {"visible": "Storm floods northern coast"}
    assert article.headline == "Storm floods northern coast"


def test_the_h1_a_reader_sees_beats_an_seo_title() -> None:
    head = (
        "<title>Why does Slack say hummus? - Daily Planet</title>"
        '<meta property="og:site_name" content="Daily Planet">'
    )
    body_top = "<h1>The reason Slack can say hummus</h1>"
    article = extract_article(page(head=head, body_top=body_top), URL)
    assert article.headline == "The reason Slack can say hummus"
    assert article.headlines["title"] == "Why does Slack say hummus?"


def test_logo_and_section_h1s_are_not_the_headline() -> None:
    head = "<title>Storm floods coast</title>"
    body_top = (
        '<h1 class="site-logo">Daily Planet</h1>'
        '<h1><a href="https://news.example/2026/">Business Monday</a></h1>'
        "<h1>Comments</h1>"
    )
    article = extract_article(page(head=head, body_top=body_top), URL)
    assert article.headline == "Storm floods coast"
    assert article.headlines["visible"] == "Comments"  # the only h1 left is still shown
    body_top = '<h1><a href="/">Daily Planet</a></h1><h1 class="title">Storm floods coast</h1>'
    assert extract_article(page(body_top=body_top), URL).headlines == {
        "visible": "Storm floods coast"
    }


BREADCRUMB_HEAD = (
    jsonld({"@type": "NewsArticle", "headline": "Storm floods coast, 14 rescued"})
    + '<meta property="og:title" content="Coastal storm: Storm floods northern coast">'
    + "<title>Storm floods coast, 14 rescued | Daily Planet</title>"
)


@pytest.mark.parametrize(
    ("crumbs", "kicker"),
    [
        ('<nav class="crumbs"><ol>{}</ol></nav>', '<span data-cy="kicker">Coastal storm</span>'),
        ('<div role="navigation"><ol>{}</ol></div>', '<span class="overline">Coastal storm</span>'),
        ('<div class="breadcrumbs"><ol>{}</ol></div>', "<span>Coastal storm</span>"),
    ],
)
def test_a_breadcrumb_h1_gives_way_to_the_articles_own_header(crumbs: str, kicker: str) -> None:
    # The shape of n-tv's and RheinischePost's pages: the only <h1> is the breadcrumb's
    # last item (the page's SEO title); the article's header is an <h2>, kicker + headline.
    items = '<li><a href="/">Home</a></li><li><h1>Storm floods coast, 14 rescued</h1></li>'
    header = f'<header><h2>{kicker}<span class="headline">Storm floods northern coast</span></h2>'
    body_top = f"{header}<p class='byline'>By Ann Lee</p></header>"
    html = page(head=BREADCRUMB_HEAD, body_top=body_top).replace(
        "<main>", "<main>" + crumbs.format(items)
    )
    article = extract_article(html, URL)
    assert article.headlines["visible"] == "Coastal storm: Storm floods northern coast"
    assert article.headlines["title"] == "Storm floods coast, 14 rescued"
    assert article.byline == "Ann Lee"
    assert "Storm floods northern coast" not in article.body


def test_an_h1_in_the_articles_header_stays_the_visible_headline() -> None:
    # The site's name in an <h1> of the page's header, a breadcrumb, an <h2> in the article
    # that one of the claims repeats: the <h1> of the article's header is the headline.
    crumbs = '<nav class="breadcrumb"><ol><li><a href="/">Home</a></li></ol></nav>'
    site = '<header role="banner"><h1>Daily Planet</h1></header>'
    body_top = (
        "<header><h1>Storm floods northern coast</h1><p class='byline'>By Ann Lee</p></header>"
        "<h2>Coastal storm: Storm floods northern coast</h2>"
    )
    html = page(head=BREADCRUMB_HEAD, body_top=body_top).replace("<main>", site + crumbs + "<main>")
    assert extract_article(html, URL).headlines["visible"] == "Storm floods northern coast"
    # A breadcrumb's <h1> with no article heading to give way to is still shown.
    items = '<li><a href="/">Home</a></li><li><h1>Storm floods coast, 14 rescued</h1></li>'
    html = page(head=BREADCRUMB_HEAD).replace("<main>", f'<nav class="crumbs">{items}</nav><main>')
    assert extract_article(html, URL).headlines["visible"] == "Storm floods coast, 14 rescued"


@pytest.mark.parametrize(
    "title",
    [
        "東京で大雨：ニュース速報 Planet",
        "東京で大雨｜Daily Planet",
        "東京で大雨_社会_Daily Planet",
        "東京で大雨 [Daily Planet]",
    ],
)
def test_site_suffixes_of_many_kinds_are_removed(title: str) -> None:
    head = f'<title>{title}</title><meta property="og:site_name" content="Daily Planet">'
    article = extract_article(page(head=head, body_top="<h1>東京で大雨</h1>"), URL)
    assert article.headlines["title"] == "東京で大雨"
    assert article.headline == "東京で大雨"


def test_html_entities_in_jsonld_are_decoded() -> None:
    head = jsonld({"@type": "NewsArticle", "headline": "&quot;Never&quot; again &amp; again"})
    assert extract_article(page(head=head), URL).headline == '"Never" again & again'


def test_headline_forms_survive_the_dict_round_trip() -> None:
    head = '<meta property="og:title" content="B"><title>C</title>'
    article = extract_article(page(head=head, body_top="<h1>A</h1>"), URL)
    assert article.headlines == {"visible": "A", "title": "C", "social": "B"}
    assert Article.from_dict(json.loads(article.to_json())) == article
    old = {k: v for k, v in article.to_dict().items() if k != "headlines"}
    assert Article.from_dict(old).headlines == {}


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<meta name="author" content="By Ann Lee">', "Ann Lee"),
        ('<p class="byline">By Ann Lee | Staff writer | 5 days ago</p>', "Ann Lee | Staff writer"),
        ('<a rel="author" href="/ann">BY  Ann\n Lee</a>', "Ann Lee"),
        ('<span itemprop="author creator">Par Sébastien Farcis</span>', "Sébastien Farcis"),
    ],
)
def test_byline_sources_and_by_stripping(markup: str, expected: str) -> None:
    where = {"head": markup} if markup.startswith("<meta") else {"body_top": markup}
    article = extract_article(page(**where), URL)
    assert article.byline == expected
    assert expected not in article.paragraphs


def test_clean_byline_drops_dates_and_relative_times() -> None:
    assert clean_byline("By Nathan Willis March 25, 2015") == "Nathan Willis"
    assert clean_byline("James Akinaka • 8h") == "James Akinaka"
    assert clean_byline("Maya Jones, Updated 5 minutes ago") == "Maya Jones"
    assert clean_byline("By Jon May and June Smith") == "Jon May and June Smith"
    assert clean_byline("ZDNet Japan Staff 2019年04月28日 08時00分") == "ZDNet Japan Staff"
    assert clean_byline("By | by Ann Lee | @annlee | See full bio | 105092") == "Ann Lee"


def test_byline_from_author_page_links_after_the_headline() -> None:
    """Authors linked to their pages under the headline; a teaser's author above it is not."""
    teaser = '<div><a href="/author/kara">Kara Swisher</a></div><h1>Storm floods coast</h1>'
    authors = (
        '<ul><li><a href="/author/ann-lee/">Ann Lee</a></li>'
        '<li><a href="/author/bo-chen/">Bo Chen</a></li></ul>'
    )
    article = extract_article(page(body_top=teaser + authors), URL)
    assert article.byline == "Ann Lee, Bo Chen"


def test_jsonld_author_without_job_or_affiliation() -> None:
    """One Person named with their job and site: the name; several names stay."""
    person = {"@type": "Person", "name": "Ann Lee, professor of law at Vilnius University, Lrt.lt"}
    head = jsonld({"@type": "NewsArticle", "headline": "X", "author": person})
    assert extract_article(page(head=head), URL).byline == "Ann Lee"
    several = {"@type": "Person", "name": "Ann Lee, Bo Chen, Sarah Charlton and Tanya Zack"}
    head = jsonld({"@type": "NewsArticle", "headline": "X", "author": several})
    assert extract_article(page(head=head), URL).byline == several["name"]


def test_the_page_labelled_editor_is_not_the_author() -> None:
    """A JSON-LD author the page shows as "Editor :", and a site's web team in the author
    meta tag, lose to the byline under the headline."""
    head = (
        jsonld(
            {
                "@type": "NewsArticle",
                "headline": "Storm",
                "author": {"@type": "Person", "name": "Heryadi"},
            }
        )
        + '<meta name="author" content="example.com developer">'
    )
    top = (
        '<h1>Storm</h1><div class="author-2">Naufal Zuhdi</div>'
        '<div class="info-author">Editor : <a href="/author/112/heryadi">Heryadi</a></div>'
    )
    assert extract_article(page(head=head, body_top=top), URL).byline == "Naufal Zuhdi"
    alone = '<h1>Storm</h1><div class="info-author">Editor : <a href="/x">Heryadi</a></div>'
    assert extract_article(page(body_top=alone), URL).byline == "Heryadi"


def test_byline_in_an_authorname_element_after_von() -> None:
    top = '<h1>Storm</h1><div>Do 25.04.24 | Von <span class="authorname">Eva Kirchner </span></div>'
    assert extract_article(page(body_top=top), URL).byline == "Eva Kirchner"


def test_links_labelled_by_or_von_are_the_authors_when_no_markup_says_so() -> None:
    """'By <a>', 'Von: <span><a>', co-authors in the same element; a 'By' before a list
    of many links is a list of stories, not a byline."""
    bustle = '<h1>Storm</h1><div><span>By </span><a href="/profile/tn">Teresa Newsome</a></div>'
    assert extract_article(page(body_top=bustle), URL).byline == "Teresa Newsome"
    afp = (
        '<h1>Storm</h1><ul><li>Von:\n<span class="person-link"><a href="/bm">Bill McCarthy</a>,'
        '</span> <span class="person-link"><a href="/mg">Marisha Goldhamer</a></span></li>'
        '<li>Übersetzung: <span><a href="/afp">AFP Deutschland</a></span></li></ul>'
    )
    assert extract_article(page(body_top=afp), URL).byline == "Bill McCarthy, Marisha Goldhamer"
    stories = "".join(f'<a href="/s/{n}">Story {n}</a> ' for n in range(6))
    teasers = f"<h1>Storm</h1><div><span>By </span>{stories}</div>"
    assert extract_article(page(body_top=teasers), URL).byline == ""
    prose = '<h1>Storm</h1><p>Reported by <a href="/x">our partners</a> in the area.</p>'
    assert extract_article(page(body_top=prose), URL).byline == ""


def test_byline_parts_in_separate_elements_stay_apart() -> None:
    """A date glued to the name would hide from the date filter and change every update."""
    markup = (
        '<div class="byline"><span>Joe Davidson</span><span>Washington Post</span>'
        "<time>Dec 13, 2016 at 3:45 pm</time></div>"
    )
    assert extract_article(page(body_top=markup), URL).byline == "Joe Davidson | Washington Post"


def test_css_overrides_choose_headline_byline_and_body() -> None:
    body_top = "<h1>Site banner</h1><h2 class='hl'>Storm floods coast</h2><i class='by'>Ann</i>"
    selectors = Selectors(headline="h2.hl", byline="i.by", body=".story-body p:nth-child(-n+2)")
    article = extract_article(page(body_top=body_top), URL, selectors)
    assert (article.headline, article.byline) == ("Storm floods coast", "Ann")
    assert article.paragraphs == STORY[:2]


def test_body_selector_that_matches_nothing_falls_back_to_the_extractor() -> None:
    article = extract_article(page(), URL, Selectors(body="div.no-such-thing p"))
    assert article.paragraphs == STORY


def test_bad_selector_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"body selector 'p\[': "):
        Selectors(body="p[")


def test_canonical_is_absolute_and_og_url_is_the_fallback() -> None:
    head = '<link rel="canonical" href="/2026/11/storm-floods-coast">'
    assert extract_article(page(head=head), URL).canonical_url == (
        "https://news.example/2026/11/storm-floods-coast"
    )
    head = '<meta property="og:url" content="https://news.example/a?id=1">'
    assert extract_article(page(head=head), URL).canonical_url == "https://news.example/a?id=1"
    assert extract_article(page(), URL).canonical_url is None


def test_language_from_html_lang_then_og_locale() -> None:
    assert extract_article(page(lang="fr"), URL).language == "fr"
    head = '<meta property="og:locale" content="pt_BR">'
    assert extract_article(page(head=head, lang=""), URL).language == "pt-BR"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-07-24T05:36:09+0100", "2015-07-24T05:36:09+01:00"),
        ("Tue, 01 Dec 2015 10:00:00 GMT", "2015-12-01T10:00:00+00:00"),
        ("2016-02-01", "2016-02-01T00:00:00"),
        ("yesterday", None),
    ],
)
def test_dates_become_iso_8601(value: str, expected: str | None) -> None:
    head = f'<meta property="article:published_time" content="{value}">'
    assert extract_article(page(head=head), URL).published == expected


@pytest.mark.parametrize("encoding", ["windows-1252", "iso-8859-1", "shift_jis", "utf-8"])
def test_bytes_are_decoded_by_their_meta_charset(encoding: str) -> None:
    headline = "Café Straße" if encoding != "shift_jis" else "東京で大雨"
    declared = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
    html = page(body_top=f"<h1>{headline}</h1>").replace('<meta charset="utf-8">', declared)
    html = html.replace("“", '"').replace("”", '"').replace("café", "cafe").replace("©", "(c)")
    article = extract_article(html.encode(encoding), URL)
    assert article.headline == headline
    assert article.paragraphs[0] == STORY[0]
    assert article.paragraphs[2].startswith('"We have never seen water this high,"')


def test_utf8_bom_and_undeclared_bytes() -> None:
    html = page(body_top="<h1>Zürich</h1>").replace('<meta charset="utf-8">', "")
    assert extract_article(b"\xef\xbb\xbf" + html.encode(), URL).headline == "Zürich"
    broken = html.replace("Zürich", "Z\udcfcrich").encode("utf-8", "surrogateescape")
    assert extract_article(broken, URL).headline == "Z\ufffdrich"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        ("   \n ", "empty"),
        (b"\x00\x01\x02PK\x03\x04" * 50, "not an HTML page"),
        ('{"headline": "json, not html"}', "not an HTML page"),
    ],
)
def test_input_that_is_not_html_raises_a_clear_error(data: str | bytes, reason: str) -> None:
    with pytest.raises(ExtractionError, match=rf"^{URL}: .*{reason}"):
        extract_article(data, URL)


def test_comments_inside_sentences_cut_nothing() -> None:
    """React pages put <!-- --> between the parts of a sentence."""
    html = page().replace("after midnight on Tuesday", "after <!-- -->midnight<!-- --> on Tuesday")
    html = html.replace("by helicopter", 'by <a href="/h">heli<!-- -->copter</a>')
    assert extract_article(html, URL).paragraphs == STORY


def split_page(article_body: str, promo: str = "") -> str:
    """The story in two containers with an advertisement between them, as some CMSs do:
    trafilatura keeps the first container only."""
    first = "".join(f"<p>{p}</p>" for p in STORY[:3])
    rest = "".join(f"<p class='paywall'>{p}</p>" for p in STORY[3:])
    related = "".join(f"<li><a href='/r{n}'>Another story number {n}</a></li>" for n in range(6))
    return (
        "<html><head><title>Storm floods coast</title>"
        + jsonld({"@type": "NewsArticle", "articleBody": article_body})
        + "</head><body><h1>Storm floods coast</h1>"
        + f"<div class='article-body'>{first}{promo}</div>"
        + f"<div class='ad'><ul>{related}</ul></div>"
        + f"<div class='article-body'>{rest}</div></body></html>"
    )


def test_an_article_split_over_containers_is_completed_from_its_article_body() -> None:
    markdown = " ".join(STORY).replace("Maria Olsen", "[Maria Olsen](https://x.example/mo)")
    assert extract_article(split_page(markdown), URL).paragraphs == STORY


def test_text_the_article_body_lacks_adds_nothing() -> None:
    stale = " ".join(STORY[:3]) + " The fourth paragraph said something else entirely here."
    assert extract_article(split_page(stale), URL).paragraphs == STORY[:3]


def test_a_promotion_inside_the_article_is_dropped_when_the_article_body_lacks_it() -> None:
    promo = "<p>Subscribe now: offer 7 gives you a year of unlimited reading for one euro.</p>"
    html = split_page(" ".join(STORY), promo=promo)
    assert extract_article(html, URL).paragraphs == STORY
    short = " ".join(STORY[:1])  # an articleBody that is not the whole article: trust nothing
    assert "Subscribe now" in extract_article(split_page(short, promo=promo), URL).body


def test_html_without_an_article_gives_an_empty_body_not_an_error() -> None:
    article = extract_article("<html><head><title>Gone</title></head><body></body></html>", URL)
    assert article.paragraphs == ()
    assert (article.url, article.headline) == (URL, "Gone")


# --- the real world: ../shared/corpus ---------------------------------------------------


@pytest.fixture(scope="module")
def bench(corpus: Path):
    """bench/extract.py, whose metrics the targets below share."""
    spec = importlib.util.spec_from_file_location("bench_extract", ROOT / "bench" / "extract.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("name", "byline", "language"),
    [
        ("nytimes-1", "Jeffrey Gettleman", "en"),
        ("nytimes-2", "Steven Davidoff Solomon", "en"),
        ("bbc-1", "", "en"),
        ("lemonde-1", "Martin Untersinger (avec Damien Leloup et Morgane Tual)", "fr"),
        ("wapo-1", "Erin Cunningham", None),
        ("folha", "Bruno (Henrique Zecchin) Rodrigues", "pt-BR"),
    ],
)
def test_real_news_pages(corpus: Path, name: str, byline: str, language: str | None) -> None:
    folder = corpus / "pages-readability" / name
    expected = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
    article = extract_article((folder / "source.html").read_bytes(), "https://example.org/")
    assert article.headline == expected["title"]
    assert (article.byline, article.language) == (byline, language)
    assert len(article.paragraphs) >= 7


def test_noise_only_recaptures_give_identical_articles(bench, corpus: Path) -> None:
    pairs, differing = bench.recapture_pairs_differing(corpus)
    assert pairs == 296
    assert differing == []


def test_headline_accuracy_on_news_pages_is_at_least_95_percent(bench, corpus: Path) -> None:
    pages, right, _, _, misses = bench.measure_headlines(corpus)
    assert pages >= 50
    assert right / pages >= 0.95, misses


def test_median_body_f1_on_the_extraction_benchmark_is_at_least_0_9(bench, corpus: Path) -> None:
    scores = [
        bench.token_f1(extract_article(path.read_bytes(), entry["url"]).body, entry["articleBody"])
        for path, entry in bench.benchmark_pages(corpus)
    ]
    assert len(scores) == 181
    assert statistics.median(scores) >= 0.9
