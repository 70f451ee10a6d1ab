"""HTML pages of the local newsroom: article, front, section, error and corpus index.

The article template carries the chrome of a real news site. With a `noise` random
generator it adds what changes on every fetch (ads, tokens, counters, shuffled lists),
always outside the headline, byline and story body; without one the page is fixed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable
from datetime import timezone
from html import escape
from typing import TYPE_CHECKING

from redline.newsroom.prose import SECTIONS

if TYPE_CHECKING:
    from redline.newsroom import NewsArticle

UrlFor = Callable[[str], str]

_HEAD = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title} | The Riverton Courier</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{extra}
</head>
<body>
<header class="masthead"><a href="/" class="logo">The Riverton Courier</a>
<nav class="sections"><ul>{nav}</ul></nav>{chrome}</header>
"""
_FOOT = """<footer><p>&copy; The Riverton Courier. <a href="/rss.xml">RSS</a>
<a href="/atom.xml">Atom</a> <a href="/about">About us</a></p></footer>
</body>
</html>
"""


def render_article(
    article: NewsArticle,
    url_for: UrlFor,
    canonical_url: str,
    others: list[NewsArticle],
    noise: random.Random | None,
    lang: str | None = None,
) -> str:
    """The full article page; `others` feed the 'Most read' and related blocks."""
    published = article.published.isoformat()
    modified = (article.updated or article.published).isoformat()
    author = article.byline.removeprefix("By ").strip()
    meta = "\n".join(
        [
            f'<link rel="canonical" href="{escape(canonical_url)}">',
            f'<meta property="og:title" content="{escape(article.social_headline())}">',
            '<meta property="og:type" content="article">',
            '<meta property="og:site_name" content="The Riverton Courier">',
            f'<meta property="og:url" content="{escape(canonical_url)}">',
            f'<meta name="author" content="{escape(author)}">',
            f'<meta property="article:published_time" content="{published}">',
            f'<meta property="article:modified_time" content="{modified}">',
            _json_ld(article, canonical_url, author, published, modified),
            _tracking_script(noise),
        ]
    )
    body = [*article.paragraphs, *([article.note] if article.note and not article.note_box else [])]
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in body)
    story = f"""<main>
{_ad(noise, "top")}
<article>
<header><p class="kicker"><a href="/section/{article.section}">{article.section.title()}</a></p>
<h1 class="headline">{escape(article.headline)}</h1>
<p class="byline">{escape(article.byline)}</p>
<time class="published" datetime="{published}">{published[:10]}</time>{_stamps(article)}
</header>
<div class="story-body">
{paragraphs}{_promo(article, noise)}
</div>{_note_box(article)}
</article>
{_ad(noise, "mid")}
{_related(others, url_for, noise)}
{_newsletter(noise)}
</main>
<aside class="most-read"><h2>Most read</h2><ol>{_most_read(others, url_for, noise)}</ol></aside>
"""
    head = _head(article.title or article.headline, meta, _chrome(noise), lang or article.lang)
    return head + story + _FOOT


def _stamps(article: NewsArticle) -> str:
    """The visible "Updated ..." lines: an absolute one an editor moves (or not), then a
    relative one computed per request, as some CMSs print (noise: it acknowledges nothing)."""
    lines = ""
    if article.stamp:
        when = article.stamp.astimezone(timezone.utc)
        shown = f"{when.day} {when:%B %Y}, {when:%H:%M} GMT"
        lines += f' <time class="updated" datetime="{when.isoformat()}">Updated {shown}</time>'
    if article.ago:
        lines += f'\n<p class="updated-ago">Updated {article.served % 50 + 1} minutes ago</p>'
    return lines


def _note_box(article: NewsArticle) -> str:
    """A correction in its own element after the story, as many sites print one."""
    if not (article.note and article.note_box):
        return ""
    return f'\n<aside class="correction-note"><p>{escape(article.note)}</p></aside>'


def _promo(article: NewsArticle, noise: random.Random | None) -> str:
    """A subscription box inside the story body, as some sites put one: its offer
    changes on every request (the kind of noise only a second fetch reveals)."""
    if not article.promo:
        return ""
    offer = (noise or random.Random()).randrange(2, 99)
    return (
        f'\n<p class="promo">Subscribe today: offer {offer}, your first month for'
        f" {offer} cents, cancel at any time.</p>"
    )


def render_listing(title: str, articles: Iterable[NewsArticle], url_for: UrlFor) -> str:
    """Front or section page; some links carry tracking params or a fragment, as real ones do."""
    items = []
    for i, article in enumerate(articles):
        href = url_for(article.slug) + _link_suffix(i)
        items.append(
            f'<li class="teaser"><a href="{escape(href)}"><h3>{escape(article.headline)}</h3></a>'
            f'<p class="standfirst">{escape(_first_words(article.paragraphs[0], 25))}</p></li>'
        )
    body = f'<main><h1>{escape(title)}</h1>\n<ul class="teasers">\n' + "\n".join(items)
    return _head(title, "", "", "en") + body + "\n</ul></main>\n" + _FOOT


def render_error(status: int, path: str) -> str:
    reason = "Gone" if status == 410 else "Page not found"
    body = (
        f'<main class="error"><h1>{status} {reason}</h1>'
        f"<p>Sorry, we could not find <code>{escape(path)}</code>. "
        'It may have been removed. <a href="/">Go to the front page</a>.</p></main>\n'
    )
    return _head(reason, '<meta name="robots" content="noindex">', "", "en") + body + _FOOT


def render_links_page(title: str, hrefs: Iterable[str]) -> str:
    items = "\n".join(f'<li><a href="{escape(h)}">{escape(h)}</a></li>' for h in hrefs)
    return f"<!DOCTYPE html>\n<html><head><title>{escape(title)}</title></head><body>\n<ul>\n{items}\n</ul></body></html>\n"


def _head(title: str, extra: str, chrome: str, lang: str) -> str:
    nav = "".join(f'<li><a href="/section/{s}">{s.title()}</a></li>' for s in SECTIONS)
    return _HEAD.format(lang=lang, title=escape(title), extra=extra, nav=nav, chrome=chrome)


def _json_ld(article: NewsArticle, url: str, author: str, published: str, modified: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "author": [{"@type": "Person", "name": author}],
        "datePublished": published,
        "dateModified": modified,
        "mainEntityOfPage": url,
        "publisher": {"@type": "Organization", "name": "The Riverton Courier"},
    }
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def _tracking_script(noise: random.Random | None) -> str:
    page_id = _token(noise, 16) if noise else "static"
    return f'<script>window.__PAGE__={{"pageViewId":"{page_id}","ab":"{_token(noise, 6) if noise else "a"}"}};</script>'


def _chrome(noise: random.Random | None) -> str:
    if noise is None:
        return ""
    minutes, views = noise.randint(1, 59), noise.randint(100, 90000)
    return (
        f'<p class="site-status">Updated {minutes} minutes ago</p>'
        f'<p class="view-counter">{views:,} readers online</p>'
    )


def _ad(noise: random.Random | None, slot: str) -> str:
    ad_id = f"ad-{slot}-{_token(noise, 10)}" if noise else f"ad-{slot}"
    script = f'<script>loadAd("{ad_id}", {noise.randint(1, 10**9)});</script>' if noise else ""
    return f'<div class="advert" id="{ad_id}"><span>Advertisement</span>{script}</div>'


def _related(others: list[NewsArticle], url_for: UrlFor, noise: random.Random | None) -> str:
    picked = noise.sample(others, min(3, len(others))) if noise else others[:3]
    links = "".join(
        f'<li><a href="{escape(url_for(a.slug))}">{escape(a.headline)}</a></li>' for a in picked
    )
    return f'<section class="related"><h2>Related stories</h2><ul>{links}</ul></section>'


def _most_read(others: list[NewsArticle], url_for: UrlFor, noise: random.Random | None) -> str:
    picked = list(others[:5])
    if noise:
        noise.shuffle(picked)
    return "".join(
        f'<li><a href="{escape(url_for(a.slug))}?utm_source=mostread">{escape(a.headline)}</a></li>'
        for a in picked
    )


def _newsletter(noise: random.Random | None) -> str:
    token = _token(noise, 32) if noise else "0" * 32
    return (
        '<form class="newsletter" method="post" action="/newsletter">'
        f'<input type="hidden" name="csrf_token" value="{token}">'
        '<input type="email" name="email"><button>Sign up</button></form>'
    )


def _link_suffix(i: int) -> str:
    return ("", "?utm_source=front&utm_medium=web", "", "#comments")[i % 4]


def _first_words(text: str, n: int) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")


def _token(rng: random.Random | None, length: int) -> str:
    assert rng is not None
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))
