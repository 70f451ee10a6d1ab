"""A realistic local news site on 127.0.0.1 for tests, benchmarks and `redline demo`.

Standard library only (no Scrapy): crawl tests run it in a thread of the test process
while the crawl runs in a subprocess. Content is deterministic from `seed`; page noise
(ads, tokens, counters) changes on every fetch unless `noise=False`.

    python -m redline.newsroom --port 8000 --articles 20
"""

from __future__ import annotations

import argparse
import random
import re
import threading
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

from redline.newsroom.bad import broken_html, gzip_bomb, huge_page, huge_table, bad_links
from redline.newsroom.corpus import CorpusPages
from redline.newsroom.feeds import (
    render_atom,
    render_broken_feed,
    render_broken_sitemap,
    render_news_sitemap,
    render_robots,
    render_rss,
    render_sitemap_index,
    render_urlset,
)  # fmt: skip
from redline.newsroom.http import NewsroomServer
from redline.newsroom.model import NewsArticle, Reply, html_reply
from redline.newsroom.pages import render_article, render_error, render_listing
from redline.newsroom.prose import SECTIONS, make_byline, make_headline, make_paragraphs, slugify

__all__ = ["NewsArticle", "Newsroom"]

LATEST = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)  # the newest generated story
FEED_SIZE = 50
_ARTICLE_PATH = re.compile(r"^/(\d{4})/(\d{2})/([A-Za-z0-9_-]+)/?$")
_XML = "application/xml; charset=utf-8"


class Newsroom:
    def __init__(
        self, *, articles: int = 12, seed: int = 0, noise: bool = True, corpus: Path | None = None
    ) -> None:
        self.noise = noise
        self.corpus = CorpusPages(corpus) if corpus else None
        self.articles: dict[str, NewsArticle] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.base_url = ""
        self.recapture_version = 1
        self.nunl_snapshot = 0
        self.slow_seconds = 2.0
        self.stall_seconds = 30.0
        self.stopping = threading.Event()
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._server: NewsroomServer | None = None
        for i in range(articles):
            self.add_article(
                published=LATEST - timedelta(hours=3 * i, minutes=self._rng.randint(0, 59))
            )

    @classmethod
    def bulk(cls, n: int, *, noise: bool = False, seed: int = 0) -> Newsroom:
        """n articles whose pages are byte-identical on every refetch (for benchmarks)."""
        return cls(articles=n, seed=seed, noise=noise)

    # lifecycle
    def start(self, port: int = 0) -> str:
        self.stopping.clear()
        self._server = NewsroomServer(("127.0.0.1", port), self)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, name="newsroom", daemon=True).start()
        return self.base_url

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Newsroom:  # noqa: PYI034
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # the newsroom's editors
    def article_url(self, slug: str) -> str:
        published = self.articles[slug].published
        return f"{self.base_url}/{published:%Y}/{published:%m}/{slug}"

    def add_article(
        self,
        slug: str | None = None,
        *,
        section: str | None = None,
        headline: str | None = None,
        byline: str | None = None,
        paragraphs: list[str] | None = None,
        published: datetime | None = None,
    ) -> NewsArticle:
        """A new story; whatever is not given is generated from the seed."""
        with self._lock:
            section = section or self._rng.choice(SECTIONS)
            headline = headline or make_headline(self._rng, section)
            article = NewsArticle(
                slug=slug or self._unique_slug(slugify(headline)),
                section=section,
                headline=headline,
                byline=byline or make_byline(self._rng),
                paragraphs=list(paragraphs or make_paragraphs(self._rng, section)),
                published=published or datetime.now(timezone.utc).replace(microsecond=0),
            )
            self.articles[article.slug] = article
            return article

    def edit(self, slug: str, *, headline=None, byline=None, paragraphs=None, updated=None,
             silent: bool = False) -> None:  # fmt: skip
        """Edit a story; its modification date moves unless the edit is `silent`."""
        with self._lock:
            article = self.articles[slug]
            article.headline = headline if headline is not None else article.headline
            article.byline = byline if byline is not None else article.byline
            article.paragraphs = list(paragraphs) if paragraphs is not None else article.paragraphs
            if not silent:
                article.updated = updated or datetime.now(timezone.utc).replace(microsecond=0)

    def remove(self, slug: str, status: int = 404) -> None:
        if status not in (404, 410):
            raise ValueError(f"remove({slug!r}): status must be 404 or 410, not {status}")
        with self._lock:
            self.articles[slug].status = status

    def restore(self, slug: str) -> None:
        with self._lock:
            self.articles[slug].status = 200

    def move(self, slug: str, new_slug: str) -> str:
        """Rename a story; its old URL (and any URL that led to it) now 301s to the new one."""
        with self._lock:
            old = self.articles[slug]
            moved = NewsArticle(**{**vars(old), "slug": new_slug, "redirect_to": None})
            self.articles[new_slug] = moved
            for article in self.articles.values():
                if article.redirect_to == slug or article is old:
                    article.redirect_to = new_slug
            return self.article_url(new_slug)

    def set_canonical(self, slug: str, canonical_slug: str | None) -> None:
        with self._lock:
            self.articles[slug].canonical_slug = canonical_slug

    def is_chunked(self, slug: str) -> bool:
        """Every other article (by a stable hash of its slug) is sent chunked."""
        return zlib.crc32(slug.encode()) % 2 == 0

    def live_articles(self) -> list[NewsArticle]:
        with self._lock:
            live = [a for a in self.articles.values() if a.live]
        return sorted(live, key=lambda a: a.published, reverse=True)

    def log_request(self, method: str, path: str, headers: dict) -> None:
        with self._lock:
            self.requests.append((method, path, headers))

    # what the server answers
    def route(self, path: str) -> Reply:
        # Fixed pages are built outside the lock: /slow sleeps and the bomb takes a while.
        stateless = {"/slow": self._slow, "/bad/gzip-bomb": gzip_bomb, "/bad/huge": huge_page,
                     "/bad/broken.html": broken_html, "/bad/table": huge_table,
                     "/bad/links.html": bad_links}  # fmt: skip
        if path in stateless:
            return stateless[path]()
        with self._lock:
            return self._route(path)

    def _route(self, path: str) -> Reply:
        fixed = {
            "/": self._front, "/index.html": self._front, "/robots.txt": self._robots,
            "/rss.xml": self._rss, "/atom.xml": self._atom, "/news-sitemap.xml": self._news_sitemap,
            "/sitemap-index.xml": self._sitemap_index, "/sitemap-articles.xml.gz": self._urlset_gz,
            "/bad/feed.xml": self._broken_feed,
            "/bad/sitemap.xml": self._broken_sitemap, "/private/secret": self._secret,
        }  # fmt: skip
        if path in fixed:
            return fixed[path]()
        if match := _ARTICLE_PATH.match(path):
            return self._article(match.group(3), path)
        if path.startswith("/section/") and path.removeprefix("/section/") in SECTIONS:
            return self._section(path.removeprefix("/section/"))
        if path.startswith("/corpus/") and self.corpus is not None:
            return self.corpus.serve(
                path, self.base_url, self.recapture_version, self.nunl_snapshot
            )
        return html_reply(404, render_error(404, path))

    def _article(self, slug: str, path: str) -> Reply:
        article = self.articles.get(slug)
        if article is None:
            return html_reply(404, render_error(404, path))
        if article.redirect_to:
            return _redirect(self.article_url(article.redirect_to))
        if article.status != 200:
            return html_reply(article.status, render_error(article.status, path))
        if not self.article_url(slug).endswith(path.rstrip("/")):
            return _redirect(self.article_url(slug))
        canonical = self._canonical_url(article)
        others = [a for a in self.live_articles() if a.slug != slug][:8]
        noise = random.Random() if self.noise else None
        page = render_article(article, self.article_url, canonical, others, noise)
        etag, modified = article.fingerprint(canonical), article.updated or article.published
        article.served += 1
        if article.promo:  # a page built per request sends no validators
            etag, modified = None, None
        return html_reply(
            200, page, etag=etag, last_modified=modified,
            chunked=self.is_chunked(slug), headers=self._cookies(noise),
        )  # fmt: skip

    def _canonical_url(self, article: NewsArticle) -> str:
        target = article.canonical_slug or article.slug
        if target in self.articles:
            return self.article_url(target)
        return f"{self.base_url}/{article.published:%Y}/{article.published:%m}/{target}"

    def _cookies(self, noise: random.Random | None) -> tuple[tuple[str, str], ...]:
        session = f"{noise.getrandbits(64):016x}" if noise else "0" * 16
        return (
            ("Set-Cookie", f"session={session}; Path=/; HttpOnly; SameSite=Lax"),
            ("Set-Cookie", "consent=pending; Path=/; Max-Age=31536000"),
        )

    def _front(self) -> Reply:
        page = render_listing("The Riverton Courier", self.live_articles()[:30], self.article_url)
        return html_reply(200, page, chunked=True)

    def _section(self, name: str) -> Reply:
        articles = [a for a in self.live_articles() if a.section == name][:100]
        return html_reply(200, render_listing(name.title(), articles, self.article_url))

    def _robots(self) -> Reply:
        return html_reply(200, render_robots(self.base_url), content_type="text/plain")

    def _rss(self) -> Reply:
        return self._feed(render_rss(self.base_url, self._feed_articles(), self.article_url))

    def _atom(self) -> Reply:
        body = render_atom(self.base_url, self._feed_articles(), self.article_url)
        return self._feed(body, "application/atom+xml; charset=utf-8")

    def _news_sitemap(self) -> Reply:
        articles = self.live_articles()[:1000]
        return self._feed(render_news_sitemap(articles, self.article_url), _XML)

    def _sitemap_index(self) -> Reply:
        return self._feed(
            render_sitemap_index(self.base_url, self._last_modified().isoformat()), _XML
        )

    def _urlset_gz(self) -> Reply:
        body = render_urlset(self.live_articles(), self.article_url).encode()
        gz = zlib.compressobj(6, zlib.DEFLATED, 31)
        data = gz.compress(body) + gz.flush()
        return Reply(200, data, "application/gzip", compressible=False,
                     etag=_digest(data), last_modified=self._last_modified())  # fmt: skip

    def _feed(self, text: str, content_type: str = "application/rss+xml; charset=utf-8") -> Reply:
        body = text.encode("utf-8")
        return Reply(
            200, body, content_type, etag=_digest(body), last_modified=self._last_modified()
        )

    def _feed_articles(self) -> list[NewsArticle]:
        return self.live_articles()[:FEED_SIZE]

    def _last_modified(self) -> datetime:
        stamps = [a.updated or a.published for a in self.live_articles()]
        return max(stamps, default=LATEST)

    def _slow(self) -> Reply:
        self.stopping.wait(self.slow_seconds)
        return html_reply(200, "<!DOCTYPE html><html><body><p>Finally.</p></body></html>")

    def _secret(self) -> Reply:
        return html_reply(
            200, "<!DOCTYPE html><html><body><p>Disallowed by robots.txt</p></body></html>"
        )

    def _broken_feed(self) -> Reply:
        body = render_broken_feed(self.base_url, self.live_articles(), self.article_url)
        return html_reply(200, body, content_type="application/rss+xml")

    def _broken_sitemap(self) -> Reply:
        return html_reply(200, render_broken_sitemap(self.live_articles(), self.article_url),
                          content_type="application/xml")  # fmt: skip

    def _unique_slug(self, slug: str) -> str:
        candidate, n = slug, 1
        while candidate in self.articles:
            n += 1
            candidate = f"{slug}-{n}"
        return candidate


def _redirect(location: str) -> Reply:
    page = f'<!DOCTYPE html><html><body><a href="{location}">Moved</a></body></html>'
    return html_reply(301, page, headers=(("Location", location),))


def _digest(data: bytes) -> str:
    return f"{zlib.crc32(data):08x}{len(data):x}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m redline.newsroom", description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--articles", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-noise", action="store_true", help="byte-identical refetches")
    parser.add_argument("--corpus", type=Path, help="serve ../shared/corpus under /corpus/")
    args = parser.parse_args(argv)
    newsroom = Newsroom(articles=args.articles, seed=args.seed, noise=not args.no_noise,
                        corpus=args.corpus)  # fmt: skip
    print(f"The Riverton Courier is at {newsroom.start(args.port)}/ (Ctrl-C stops it)", flush=True)
    try:
        newsroom.stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        newsroom.stop()
