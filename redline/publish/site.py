"""`redline publish OUTDIR`: a static change-log website with relative links only.

Pages: ``index.html`` (recent changes), ``sites/<site>.html`` (its silent-edit record:
the `redline stats` figures, and its changes), ``articles/<id>.html`` (a timeline of
every revision), ``diffs/<article>-<from>-<to>.html`` (inline and side-by-side views,
marked silent or acknowledged, with the notes), and an Atom feed next to each listing. It works from any static
host and from file://, needs no JavaScript, and every piece of text goes through
jinja2's autoescaping. Pages whose inputs did not change are not rendered again.
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
    load_changes,
    render_change,
    summarise_change,
    web_href,
)
from .feed import FeedSpec, build_feed
from .manifest import Manifest, hash_text

TEMPLATES = Path(__file__).with_name("templates")
RECENT = 100  # changes listed on the index and site pages
BUILD = "site-1"  # bump when page structure changes outside the templates
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


class SitePublisher:
    def __init__(self, db, outdir: Path, base_url: str = "") -> None:
        import jinja2

        self.db, self.outdir = db, outdir
        self.base_url = base_url.rstrip("/") + "/" if base_url else ""
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters["web_href"] = web_href
        self.env.filters["acknowledged_by"] = acknowledged_by
        templates = sorted(TEMPLATES.glob("*.html"))
        self.build_key = hash_text(BUILD, self.base_url, *(p.read_text() for p in templates))
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
        sites = self._sites(articles, changes)
        for site in sites:
            self._site_pages(site, articles, changes)
        self._index_pages(sites, changes)
        self.manifest.save()
        return PublishReport(
            self.outdir, tuple(self.manifest.written), len(self.manifest.kept), len(changes)
        )

    def _decorate(self, change: dict) -> dict:
        return change | {"slug": change_slug(change), "summary": summarise_change(change)}

    def _articles(self) -> list[dict]:
        # Dicts: what the templates render and the manifest hashes.
        return [asdict(row) for row in index_queries.article_summaries(self.db)]

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

    def _diff_page(self, change: dict) -> None:
        from markupsafe import Markup

        title = change["headline_after"] or change["headline_before"] or change["url"]
        self._page(
            f"diffs/{change['slug']}.html",
            _feed_source(change),
            "diff.html",
            title=title,
            change=change,
            feed=f"articles/{change['article_id']}.atom",
            inline=lambda: Markup(render_change(change)),
            side_by_side=lambda: Markup(render_change(change, side_by_side=True)),
            card=(self.base_url or "../") + self._card(change),  # diff pages: one folder down
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
        title = article["headline"] or article["url"]
        removals = [c for c in changes if c["to_revision"] is None]
        summary = [{k: c[k] for k in ("id", "slug", "summary", "to_captured_at")} for c in changes]
        source = [article, revisions, summary]
        feed = f"articles/{article['id']}.atom"
        self._page(
            f"articles/{article['id']}.html",
            source,
            "article.html",
            title=title,
            article=article,
            revisions=revisions,
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

    def _site_pages(self, site: dict, articles: list[dict], changes: list[dict]) -> None:
        name = site["name"]
        mine = [c for c in changes if (c["site"] or "unknown") == name]
        listed = [a for a in articles if (a["site"] or "unknown") == name]
        shown = mine[:RECENT]
        feed = f"sites/{site['file']}.atom"
        source = [site, [_list_source(c) for c in shown], listed]
        self._page(
            f"sites/{site['file']}.html",
            source,
            "site.html",
            title=name,
            site=site,
            changes=shown,
            articles=listed,
            feed=feed,
        )
        self._feed(
            feed,
            mine,
            f"urn:redline:feed:site:{name}",
            f"Changes on {name}",
            f"sites/{site['file']}.html",
        )

    def _index_pages(self, sites: list[dict], changes: list[dict]) -> None:
        shown = changes[:RECENT]
        source = [sites, len(changes), [_list_source(c) for c in shown]]
        self._page(
            "index.html",
            source,
            "index.html",
            title="Recent changes",
            sites=sites,
            changes=shown,
            total=len(changes),
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


def publish_site(db, outdir: Path, base_url: str = "") -> PublishReport:
    """Write (or bring up to date) the static site in `outdir`."""
    return SitePublisher(db, outdir, base_url).publish()
