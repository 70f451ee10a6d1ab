"""Real pages from ../shared/corpus served by the local newsroom under /corpus/.

Names in URLs are looked up in directory listings, never joined into paths, so a request
cannot walk out of the corpus.
"""

from __future__ import annotations

import json
import random
import re
from html import escape
from datetime import datetime
from functools import cached_property
from pathlib import Path

from redline.newsroom.model import NewsArticle, Reply, html_reply
from redline.newsroom.pages import render_article, render_error, render_links_page
from redline.newsroom.prose import make_paragraphs

_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class CorpusPages:
    def __init__(self, root: Path) -> None:
        self.root = root

    @cached_property
    def readability(self) -> dict[str, Path]:
        folder = self.root / "pages-readability"
        return {p.parent.name: p for p in sorted(folder.glob("*/source.html"))}

    @cached_property
    def benchmark(self) -> dict[str, Path]:
        return {
            p.stem: p for p in sorted((self.root / "pages-extraction-benchmark").glob("*.html"))
        }

    @cached_property
    def extra(self) -> dict[str, Path]:
        """pages-news-extra, named `<source>--<file stem>`."""
        folder = self.root / "pages-news-extra"
        return {f"{p.parent.name}--{p.stem}": p for p in sorted(folder.glob("*/*.html"))}

    def sitemap(self, base_url: str, copies: int) -> Reply:
        """A urlset of every real article page (readability, benchmark, extra), each listed
        `copies` times under its own URL (`~2`, `~3`...): a crawl of real pages at size."""
        names = [f"readability/{n}" for n in self.readability]
        names += [f"benchmark/{n}" for n in self.benchmark]
        names += [f"extra/{n}" for n in self.extra]
        locs = [f"{base_url}/corpus/{n}" + (f"~{k}" if k > 1 else "")
                for k in range(1, copies + 1) for n in names]  # fmt: skip
        body = "".join(f"<url><loc>{escape(loc)}</loc></url>\n" for loc in locs)
        xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_SITEMAP_NS}">\n{body}</urlset>\n'
        return Reply(200, xml.encode(), content_type="application/xml; charset=utf-8")

    @cached_property
    def recaptures(self) -> dict[str, list[Path]]:
        folders = sorted(p for p in (self.root / "recaptures-noise-only").iterdir() if p.is_dir())
        found = {f.name: sorted(f.glob("v*.html"), key=_version) for f in folders}
        return {name: versions for name, versions in found.items() if versions}

    @cached_property
    def nunl_snapshots(self) -> list[dict[int, dict]]:
        files = sorted((self.root / "headline-history-nunl").glob("*_headlines.json"))
        return [{item["id"]: item for item in json.loads(f.read_text("utf-8"))} for f in files]

    def nunl_ids(self) -> list[int]:
        return sorted({i for snapshot in self.nunl_snapshots for i in snapshot})

    def index(self) -> Reply:
        hrefs = [f"/corpus/readability/{n}" for n in self.readability]
        hrefs += [f"/corpus/benchmark/{n}" for n in self.benchmark]
        hrefs += [f"/corpus/recaptures/{n}" for n in self.recaptures]
        hrefs += [f"/corpus/nunl/{i}" for i in self.nunl_ids()]
        return html_reply(200, render_links_page("Corpus", hrefs))

    def serve(self, path: str, base_url: str, recapture_version: int, nunl_snapshot: int) -> Reply:
        kind, _, name = path.removeprefix("/corpus/").partition("/")
        name = name.partition("~")[0]  # a copy of a page (see `sitemap`) is the page
        if kind.startswith("sitemap-") and kind.endswith(".xml") and kind[8:-4].isdigit():
            return self.sitemap(base_url, min(int(kind[8:-4]), 100))
        if kind == "extra" and name in self.extra:
            return _file_reply(self.extra[name])
        if kind == "readability" and name in self.readability:
            return _file_reply(self.readability[name])
        if kind == "benchmark" and name in self.benchmark:
            return _file_reply(self.benchmark[name])
        if kind == "recaptures" and name in self.recaptures:
            versions = self.recaptures[name]
            return _file_reply(versions[max(1, min(recapture_version, len(versions))) - 1])
        if kind == "nunl" and name.isdigit():
            return self._nunl_page(int(name), nunl_snapshot, base_url + path)
        if path in ("/corpus/", "/corpus/index.html"):
            return self.index()
        return html_reply(404, render_error(404, path))

    def nunl_item(self, item_id: int, snapshot: int) -> dict | None:
        """The item as of `snapshot`: the latest snapshot at or before it that lists the id,
        else the first one after (a story drops off the headline list but stays online)."""
        snapshots = self.nunl_snapshots
        at = max(0, min(snapshot, len(snapshots) - 1))
        for index in [*range(at, -1, -1), *range(at + 1, len(snapshots))]:
            if item_id in snapshots[index]:
                return snapshots[index][item_id]
        return None

    def _nunl_page(self, item_id: int, snapshot: int, url: str) -> Reply:
        item = self.nunl_item(item_id, snapshot) if self.nunl_snapshots else None
        if item is None:
            return html_reply(404, render_error(404, url))
        rng = random.Random(item_id)
        article = NewsArticle(
            slug=str(item_id),
            section="politics",
            headline=item["title"],
            byline="By NU.nl redactie",
            paragraphs=make_paragraphs(rng, "politics"),
            published=datetime.fromisoformat(item["published_at"]),
        )
        page = render_article(article, lambda s: f"/corpus/nunl/{s}", url, [], None, lang="nl")
        return html_reply(200, page, etag=article.fingerprint(url))


def _file_reply(path: Path) -> Reply:
    data = path.read_bytes()
    declared = _CHARSET.search(data[:4096])
    content_type = "text/html"
    if declared:
        content_type += "; charset=" + declared.group(1).decode("ascii").lower()
    return Reply(200, data, content_type=content_type)


def _version(path: Path) -> int:
    digits = path.stem.removeprefix("v")
    return int(digits) if digits.isdigit() else 0
