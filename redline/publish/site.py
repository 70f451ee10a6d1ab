"""`redline publish OUTDIR`: a static change-log website with relative links only.

Pages: ``index.html`` (the latest changes), ``changes/<n>.html`` (every change, page by
page), ``sites/<site>.html`` (its silent-edit record: the `redline stats` figures, and its
latest changes) with ``sites/<site>/changes/<n>.html`` and ``sites/<site>/articles/<n>.html``,
``articles/<id>.html`` (a timeline of every revision; ``articles/<id>/<n>.html`` holds the
older ones of a long history), ``diffs/<article>-<from>-<to>.html`` (inline and
side-by-side views, marked silent or acknowledged, with the notes), an Atom feed next to
each listing, and ``changes.ndjson`` (the `export-changes` lines) for programs.

Numbered pages count from the oldest (paging.py), so a full page never changes and a new
change touches only the newest page of each list it is in. Dates are shown for people
with the stored UTC time in ``<time datetime>`` (dates.py). It works from any static host
and from file://, needs no JavaScript, and every piece of text goes through jinja2's
autoescaping. Pages whose inputs did not change are not rendered again.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from archive import index_queries
from redline.cards import alt_text, make_card

from . import (
    acknowledged_by,
    change_slug,
    diff_views,
    load_changes,
    summarise_change,
    web_href,
)
from .dates import time_element
from .export import ndjson_line
from .feed import FeedSpec, build_feed
from .manifest import Manifest, hash_text
from .paging import newest_page, split_pages

TEMPLATES = Path(__file__).with_name("templates")
RECENT = 50  # the latest changes on the index and on each site's page
CHANGES_PAGE = 100  # changes on a numbered page
ARTICLES_PAGE = 100  # articles on a site's numbered page
TIMELINE_PAGE = 100  # revisions on an article's page
CLIP = 300  # characters of a headline in lists: a page's size stays bounded
BUILD = "site-2"  # bump when page structure changes outside the templates
# An article's fields that its pages show (what the templates and the manifest see).
_ARTICLE = ("id", "url", "site", "first_seen", "status", "headline", "revisions")
# A timeline entry's revision fields (what the article template and the manifest see).
_TIMELINE = (
    "number",
    "captured_at",
    "headline",
    "byline",
    "repeats",
    "warc_file",
    "warc_offset",
    "record_id",
)


@dataclass(frozen=True)
class PublishReport:
    outdir: Path
    written: tuple[str, ...]
    unchanged: int
    changes: int


def site_file(name: str) -> str:
    """A site's name as a safe file name."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "_"


def clip(text: str | None, length: int = CLIP) -> str:
    """`text` cut to `length` characters with an ellipsis."""
    text = text or ""
    return text if len(text) <= length else text[: length - 1].rstrip() + "\u2026"


class SitePublisher:
    """`cards=False` leaves the diff cards out (and the pages' og:image): a test of pages
    alone need not draw thousands of PNGs."""

    def __init__(self, db, outdir: Path, base_url: str = "", *, cards: bool = True) -> None:
        import jinja2

        self.db, self.outdir, self.cards = db, outdir, cards
        self.base_url = base_url.rstrip("/") + "/" if base_url else ""
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters.update(
            web_href=web_href, acknowledged_by=acknowledged_by, when=time_element, clip=clip
        )
        templates = sorted(TEMPLATES.glob("*.html"))
        self.build_key = hash_text(BUILD, self.base_url, cards, *(p.read_text() for p in templates))
        self.manifest = Manifest(outdir)

    def publish(self) -> PublishReport:
        changes = [self._decorate(c) for c in load_changes(self.db)]
        articles = self._articles()
        by_article: dict[int, list[dict]] = {}
        for change in changes:
            by_article.setdefault(change["article_id"], []).append(change)
        for change in changes:
            self._diff_page(change)
        for article in articles:
            self._article_pages(article, by_article.get(article["id"], []))
        # Numbered pages follow the order changes were recorded in (their ids), which
        # only ever grows at the end, whatever times a late ingest brings.
        recorded = sorted(changes, key=lambda c: c["id"])
        sites = self._sites(articles, changes)
        for site in sites:
            self._site_pages(site, articles, changes, recorded)
        self._index_pages(sites, changes, recorded)
        self._ndjson(changes)
        self.manifest.save()
        return PublishReport(
            self.outdir, tuple(self.manifest.written), len(self.manifest.kept), len(changes)
        )

    def _decorate(self, change: dict) -> dict:
        return change | {"slug": change_slug(change), "summary": summarise_change(change)}

    def _articles(self) -> list[dict]:
        # Only what the pages show: the times of the last and next check move every pass.
        rows = index_queries.article_summaries(self.db)
        return [{k: v for k, v in asdict(row).items() if k in _ARTICLE} for row in rows]

    def _sites(self, articles: list[dict], changes: list[dict]) -> list[dict]:
        from redline.stats import site_stats

        names = {a["site"] or "unknown" for a in articles}
        names |= set(index_queries.site_names(self.db))
        counts: dict[str, int] = {}
        for change in changes:
            counts[change["site"] or "unknown"] = counts.get(change["site"] or "unknown", 0) + 1
        records = {r["site"]: r for r in site_stats(self.db)}  # the silent-edit record
        return [
            {"name": n, "file": site_file(n), "changes": counts.get(n, 0), "record": records.get(n)}
            for n in sorted(names)
        ]

    # pages
    def _page(self, path: str, source: object, template: str, **context) -> None:
        key = hash_text(self.build_key, source)
        if self.manifest.is_current(path, key):
            self.manifest.keep(path)
            return
        root = "../" * path.count("/")
        permalink = (self.base_url or root) + path
        # Costly parts come as callables, rendered only for pages that are out of date.
        context = {k: v() if callable(v) else v for k, v in context.items()}
        html = self.env.get_template(template).render(root=root, permalink=permalink, **context)
        self.manifest.write(path, key, html.encode("utf-8"))

    def _feed(self, path: str, changes: list[dict], feed_id: str, title: str, home: str) -> None:
        shown = changes[:100]
        key = hash_text(self.build_key, feed_id, title, [_feed_source(c) for c in shown])
        if self.manifest.is_current(path, key):
            self.manifest.keep(path)
            return
        root = self.base_url or "../" * path.count("/")
        spec = FeedSpec(feed_id=feed_id, title=title, root=root, self_path=path, home_path=home)
        self.manifest.write(path, key, build_feed(shown, spec, "atom"))

    def _ndjson(self, changes: list[dict]) -> None:
        """``changes.ndjson``: `redline export-changes` byte for byte (oldest first); new
        changes are appended, so a pass after a crawl does not rewrite the whole log."""
        oldest_first = changes[::-1]
        keys = [hash_text(_feed_source(c)) for c in oldest_first]
        self.manifest.write_lines("changes.ndjson", keys, lambda i: ndjson_line(oldest_first[i]))

    def _diff_page(self, change: dict) -> None:
        title = change["headline_after"] or change["headline_before"] or change["url"]
        card = self._card(change) if self.cards else None
        self._page(
            f"diffs/{change['slug']}.html",
            _feed_source(change),
            "diff.html",
            title=title,
            change=change,
            feed=f"articles/{change['article_id']}.atom",
            views=lambda: diff_views(change),
            card=card and (self.base_url or "../") + card,  # diff pages: one folder down
            card_alt=lambda: alt_text(change),
        )

    def _card(self, change: dict) -> str:
        """The change's diff card (redline/cards.py; its page's og:image), drawn only when
        the file is missing: a card costs tens of milliseconds, a page far less."""
        path = f"cards/{change['slug']}.png"
        if (self.outdir / path).is_file():
            self.manifest.keep(path)
        else:
            self.manifest.write(path, hash_text("card", change["slug"]), make_card(change).png)
        return path

    def _article_pages(self, article: dict, changes: list[dict]) -> None:
        revisions = self._timeline(article["id"], changes)
        # A long history: the article's page shows the newest part, numbered pages the rest.
        parts = [p for p in split_pages(revisions, TIMELINE_PAGE) if p.items]
        title = article["headline"] or article["url"]
        for part in parts[:-1]:
            self._page(
                f"articles/{article['id']}/{part.number}.html",
                [title, part.number, part.items],
                "timeline_page.html",
                title=title,
                article=article,
                part=part,
                feed=f"articles/{article['id']}.atom",
            )
        removals = [c for c in changes if c["to_revision"] is None]
        summary = [{k: c[k] for k in ("id", "slug", "summary", "to_captured_at")} for c in changes]
        shown = parts[-1] if parts else None
        feed = f"articles/{article['id']}.atom"
        self._page(
            f"articles/{article['id']}.html",
            [article, shown and shown.items, summary],
            "article.html",
            title=title,
            article=article,
            part=shown,
            removals=removals,
            feed=feed,
            site_file=site_file(article["site"] or "unknown"),
        )
        self._feed(
            feed,
            changes,
            f"urn:redline:feed:article:{article['id']}",
            f"Changes to: {title}",
            f"articles/{article['id']}.html",
        )

    def _timeline(self, article_id: int, changes: list[dict]) -> list[dict]:
        into = {c["to_revision"]: c for c in changes if c["to_revision"] is not None}
        rows, previous = [], None
        for revision in index_queries.timeline(self.db, article_id):
            change = into.get(revision.number)
            changed = previous is not None and revision.headline != previous
            rows.append(
                {k: getattr(revision, k) for k in _TIMELINE}
                | {
                    "headline_changed": changed,
                    "change": change
                    and {k: change[k] for k in ("slug", "from_revision", "summary", "silent")},
                }
            )
            previous = revision.headline
        return rows

    def _change_pages(
        self, prefix: str, recorded: list[dict], title: str, home: str, feed: str
    ) -> int:
        """``<prefix>/<n>.html`` for every page of `recorded` (oldest first); the number
        of the page holding the newest change."""
        for page in split_pages(recorded, CHANGES_PAGE):
            shown = page.items[::-1]  # newest first, as on every list
            self._page(
                f"{prefix}/{page.number}.html",
                [title, home, page.number, page.full, [_list_source(c) for c in shown]],
                "changes_page.html",
                title=f"{title}, page {page.number}",
                heading=title,
                page=page,
                changes=shown,
                home=home,
                feed=feed,
            )
        return newest_page(len(recorded), CHANGES_PAGE)

    def _site_pages(
        self, site: dict, articles: list[dict], changes: list[dict], recorded: list[dict]
    ) -> None:
        name, home, feed = site["name"], f"sites/{site['file']}.html", f"sites/{site['file']}.atom"
        mine = [c for c in changes if (c["site"] or "unknown") == name]
        listed = [a for a in articles if (a["site"] or "unknown") == name]
        newest = self._change_pages(
            f"sites/{site['file']}/changes",
            [c for c in recorded if (c["site"] or "unknown") == name],
            f"Changes on {name}",
            home,
            feed,
        )
        article_pages = split_pages(listed, ARTICLES_PAGE)
        for part in article_pages:
            self._page(
                f"sites/{site['file']}/articles/{part.number}.html",
                [name, part.number, part.full, part.items],
                "articles_page.html",
                title=f"Articles on {name}, page {part.number}",
                site=site,
                part=part,
                home=home,
                feed=feed,
            )
        shown = mine[:RECENT]
        latest_articles = listed[::-1][:RECENT]
        pages = {"changes": newest, "articles": newest_page(len(listed), ARTICLES_PAGE)}
        source = [site, [_list_source(c) for c in shown], latest_articles, len(listed), pages]
        self._page(
            home,
            source,
            "site.html",
            title=name,
            site=site,
            changes=shown,
            articles=latest_articles,
            article_count=len(listed),
            pages=pages,
            feed=feed,
        )
        self._feed(feed, mine, f"urn:redline:feed:site:{name}", f"Changes on {name}", home)

    def _index_pages(self, sites: list[dict], changes: list[dict], recorded: list[dict]) -> None:
        newest = self._change_pages("changes", recorded, "All changes", "index.html", "feed.atom")
        shown = changes[:RECENT]
        source = [sites, len(changes), newest, [_list_source(c) for c in shown]]
        self._page(
            "index.html",
            source,
            "index.html",
            title="Recent changes",
            sites=sites,
            changes=shown,
            total=len(changes),
            newest=newest,
            feed="feed.atom",
        )
        self._feed(
            "feed.atom", changes, "urn:redline:feed:all", "redline: all changes", "index.html"
        )


def _list_source(change: dict) -> dict:
    return {k: v for k, v in change.items() if k != "diff"}


def _feed_source(change: dict) -> dict:
    """What a change's entry is made of; `diff_sha1` stands for the parsed diff."""
    return {k: v for k, v in change.items() if k not in ("summary", "diff")}


def publish_site(db, outdir: Path, base_url: str = "", *, cards: bool = True) -> PublishReport:
    """Write (or bring up to date) the static site in `outdir`."""
    return SitePublisher(db, outdir, base_url, cards=cards).publish()
