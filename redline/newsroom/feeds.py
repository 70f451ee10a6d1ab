"""Machine-readable pages of the local newsroom: robots.txt, RSS, Atom and sitemaps.

None of these carry noise, so their bytes (and ETags) change only when articles do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from email.utils import format_datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from redline.newsroom import NewsArticle

UrlFor = Callable[[str], str]
SITEMAPS = ("/news-sitemap.xml", "/sitemap-index.xml")


def render_robots(base_url: str) -> str:
    lines = ["User-agent: *", "Disallow: /private/", ""]
    lines += [f"Sitemap: {base_url}{path}" for path in SITEMAPS]
    return "\n".join(lines) + "\n"


def render_rss(base_url: str, articles: Sequence[NewsArticle], url_for: UrlFor) -> str:
    items = "".join(
        f"""
  <item>
    <title>{escape(a.headline)}</title>
    <link>{escape(url_for(a.slug))}</link>
    <guid isPermaLink="true">{escape(url_for(a.slug))}</guid>
    <pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>
    <dc:creator>{escape(a.byline.removeprefix("By "))}</dc:creator>
    <category>{a.section}</category>
    <description>{escape(a.paragraphs[0])}</description>
  </item>"""
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>The Riverton Courier</title>
  <link>{base_url}/</link>
  <description>Latest news from the Riverton Courier</description>
  <language>en</language>{items}
</channel>
</rss>
"""


def render_atom(base_url: str, articles: Sequence[NewsArticle], url_for: UrlFor) -> str:
    entries = "".join(
        f"""
  <entry>
    <title>{escape(a.headline)}</title>
    <link rel="alternate" type="text/html" href="{escape(url_for(a.slug))}"/>
    <id>{escape(url_for(a.slug))}</id>
    <published>{a.published.isoformat()}</published>
    <updated>{(a.updated or a.published).isoformat()}</updated>
    <author><name>{escape(a.byline.removeprefix("By "))}</name></author>
    <summary>{escape(a.paragraphs[0])}</summary>
  </entry>"""
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>The Riverton Courier</title>
  <id>{base_url}/</id>
  <link rel="self" href="{base_url}/atom.xml"/>
  <link rel="alternate" href="{base_url}/"/>
  <updated>{_latest(articles)}</updated>{entries}
</feed>
"""


def render_news_sitemap(articles: Sequence[NewsArticle], url_for: UrlFor) -> str:
    urls = "".join(
        f"""
  <url>
    <loc>{escape(url_for(a.slug))}</loc>
    <news:news>
      <news:publication><news:name>The Riverton Courier</news:name>
        <news:language>en</news:language></news:publication>
      <news:publication_date>{a.published.isoformat()}</news:publication_date>
      <news:title>{escape(a.headline)}</news:title>
    </news:news>
  </url>"""
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}
</urlset>
"""


def render_sitemap_index(base_url: str, lastmod: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base_url}/sitemap-articles.xml.gz</loc><lastmod>{lastmod}</lastmod></sitemap>
</sitemapindex>
"""


def render_urlset(articles: Sequence[NewsArticle], url_for: UrlFor) -> str:
    urls = "".join(
        f"\n  <url><loc>{escape(url_for(a.slug))}</loc>"
        f"<lastmod>{(a.updated or a.published).isoformat()}</lastmod></url>"
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}
</urlset>
"""


def render_broken_feed(base_url: str, articles: Sequence[NewsArticle], url_for: UrlFor) -> str:
    """RSS that a strict parser rejects: an undefined entity, then a tag left open mid-file."""
    good = "".join(
        f"<item><title>{escape(a.headline)} &nbsp;</title><link>{escape(url_for(a.slug))}</link></item>"
        for a in articles[:3]
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Broken &amp feed</title><link>{base_url}/</link>{good}"
        "<item><title>Unclosed <b>item</title><link>"
    )


def render_broken_sitemap(articles: Sequence[NewsArticle], url_for: UrlFor) -> str:
    good = "".join(f"<url><loc>{escape(url_for(a.slug))}</loc></url>" for a in articles[:3])
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{good}<url><loc>http://127.0.0.1/oops & broken</loc><url><lastmod>"
    )


def _latest(articles: Sequence[NewsArticle]) -> str:
    stamps = [(a.updated or a.published) for a in articles]
    return max(stamps).isoformat() if stamps else "1970-01-01T00:00:00+00:00"
