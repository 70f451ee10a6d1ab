"""The published site at scale: thousands of changes written straight into an index through
archive/index.py, published, then more changes added and published again.

Lists are paged from the oldest change, so full pages never change byte for byte; no page
grows past 300 KB, whatever the number of changes, articles or revisions.
"""

from __future__ import annotations

import doctest
import json
import random
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

import redline.publish.dates
import redline.publish.paging
from archive.index import ensure_site, insert_article, insert_change, insert_revision, open_index
from diffing.article import Article
from diffing.compare import compare_articles
from redline.publish.dates import human_date
from redline.publish.export import write_ndjson
from redline.publish.site import CHANGES_PAGE, TIMELINE_PAGE, publish_site

LIMIT = 300_000  # bytes: the largest page a phone should have to load
WORDS = "council vote budget storm river police minister report families says after city".split()
# Headlines that escaping makes longer: a page's size must stay bounded even so.
HOSTILE = '"<script>&amp;</script>" ' * 80
LONG_LIVED = 1  # this article gets more revisions than a timeline page holds
SITES = ("north", "south")


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."


class Newsdesk:
    """Articles edited one revision at a time, every step written through archive/index.py."""

    def __init__(self, db, seed: int = 7) -> None:
        self.db, self.rng, self.clock = db, random.Random(seed), 0
        self.latest: dict[int, tuple[int, Article, str]] = {}  # number, article, captured

    def stamp(self) -> str:
        self.clock += 61
        when = datetime.fromtimestamp(1_796_000_000 + self.clock, timezone.utc)
        return when.strftime("%Y-%m-%dT%H:%M:%S.000000Z")

    def add(self, n: int) -> int:
        site = SITES[n % len(SITES)]
        ensure_site(self.db, site)
        url = f"https://{site}.example/2026/story-{n}"
        first = self.stamp()
        article_id = insert_article(
            self.db, {"url": url, "site": site, "first_seen": first, "status": "live"}
        )
        headline = HOSTILE if n % 50 == 0 else sentence(self.rng)
        article = Article(
            url=url,
            headline=headline,
            byline="By A. Writer",
            paragraphs=tuple(sentence(self.rng) for _ in range(6)),
        )
        self._revision(article_id, 1, first, article)
        return article_id

    def edit(self, article_id: int) -> None:
        number, old, captured = self.latest[article_id]
        paragraphs = list(old.paragraphs)
        k = self.rng.randrange(len(paragraphs))
        paragraphs[k] = paragraphs[k] + " " + sentence(self.rng)
        headline = old.headline if self.rng.random() < 0.7 else sentence(self.rng)
        new = Article(old.url, headline, old.byline, paragraphs=tuple(paragraphs))
        when = self.stamp()
        self._revision(article_id, number + 1, when, new)
        diff = compare_articles(old, new)
        insert_change(
            self.db,
            {
                "article_id": article_id,
                "from_revision": number,
                "to_revision": number + 1,
                "from_captured_at": captured,
                "to_captured_at": when,
                "kinds": diff.kinds,
                "significance": diff.significance,
                "diff": diff.diff,
                "headline_before": old.headline,
                "headline_after": new.headline,
                "added_words": diff.added_words,
                "removed_words": diff.removed_words,
                "silent": int(self.rng.random() < 0.5),
                "disclosure": [],
                "notes": [],
            },
        )

    def _revision(self, article_id: int, number: int, when: str, article: Article) -> None:
        self.latest[article_id] = (number, article, when)
        insert_revision(
            self.db,
            {
                "article_id": article_id,
                "number": number,
                "captured_at": when,
                "headline": article.headline,
                "byline": article.byline,
                "body": article.body,
            },
        )

    def edits(self, count: int) -> None:
        """`count` changes over the articles, the long-lived one taking its share first."""
        ids = sorted(self.latest)
        for i in range(count):
            self.edit(ids[i % len(ids)] if i % 10 else LONG_LIVED)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """2,450 changes to 400 articles on two sites, published (no cards: pages only)."""
    root = tmp_path_factory.mktemp("pages")
    db = open_index(root / "redline.db")
    desk = Newsdesk(db)
    with db.atomic():
        for n in range(400):
            desk.add(n)
        desk.edits(2450)
    out = root / "public"
    first = publish_site(db, out, cards=False)
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}
    with db.atomic():
        desk.edits(120)  # fills page 25 and starts page 26
    second = publish_site(db, out, cards=False)
    return db, out, first, second, before


def test_dates_and_paging_doctests():
    for module in (redline.publish.dates, redline.publish.paging):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0
    assert human_date("2026-12-02T14:05:59.999999Z") == "2 Dec 2026, 14:05 UTC"
    assert human_date("not a date") is None


def test_no_page_is_over_300_kb(published):
    _, out, first, _, _ = published
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*.html")}
    largest = max(sizes, key=sizes.__getitem__)
    print(f"{len(sizes)} pages from {first.changes} changes; largest {largest}: {sizes[largest]} B")
    assert sizes[largest] < LIMIT
    assert sizes["articles/1.html"] < LIMIT and "articles/1/2.html" in sizes


def pages_of(out: Path, folder: str) -> dict[int, str]:
    return {int(p.stem): p.read_text() for p in (out / folder).glob("*.html")}


def slugs(html: str) -> list[str]:
    return re.findall(r'href="\.\./diffs/([\d-]+)\.html"', html)


def test_pages_count_from_the_oldest_change_and_hold_each_change_once(published):
    db, out, _, second, _ = published
    total = second.changes
    assert total == 2570
    pages = pages_of(out, "changes")
    assert sorted(pages) == list(range(1, total // CHANGES_PAGE + 2))
    recorded = [json.loads(line) for line in (out / "changes.ndjson").read_text().splitlines()]
    oldest, newest = recorded[0], recorded[-1]
    slug = "{article_id}-{from_revision}-{to_revision}"
    assert slug.format(**oldest) in slugs(pages[1])
    assert slug.format(**newest) in slugs(pages[max(pages)])
    listed = [s for n in sorted(pages) for s in slugs(pages[n])]
    assert len(listed) == len(set(listed)) == total
    assert all(len(slugs(pages[n])) == CHANGES_PAGE for n in sorted(pages)[:-1])
    assert 'rel="next" href="2.html"' in pages[1] and 'rel="prev"' not in pages[1]
    last = max(pages)
    assert f'rel="prev" href="{last - 1}.html"' in pages[last] and 'rel="next"' not in pages[last]
    index = (out / "index.html").read_text()
    assert f'href="changes/{last}.html"' in index and 'href="changes.ndjson"' in index


def test_new_changes_leave_full_pages_byte_for_byte(published):
    _, out, first, second, before = published
    for folder in ("changes", "sites/north/changes", "sites/south/changes"):
        # Before: pages 1..newest, the newest taking the next change; all others full.
        newest = max(n for n in pages_of(out, folder) if f"{folder}/{n}.html" in before)
        assert newest > 3
        for n in range(1, newest):
            path = f"{folder}/{n}.html"
            assert (out / path).read_bytes() == before[path], f"{path} changed"
            assert path not in second.written
        rewritten = {p for p in second.written if p.startswith(f"{folder}/")}
        assert f"{folder}/{newest}.html" in rewritten
        assert rewritten <= {f"{folder}/{newest}.html", f"{folder}/{newest + 1}.html"}
    # All changes: the 120 new ones filled page 25 and began page 26.
    assert first.changes // CHANGES_PAGE + 1 == 25
    assert {p for p in second.written if p.startswith("changes/")} == {
        "changes/25.html",
        "changes/26.html",
    }


def test_republishing_renders_only_what_is_out_of_date(published, tmp_path):
    db, out, _, second, _ = published
    again = publish_site(db, out, cards=False)
    assert again.written == () and again.unchanged == len(second.written) + second.unchanged
    exported = tmp_path / "all.ndjson"
    write_ndjson(db, exported)
    assert (out / "changes.ndjson").read_bytes() == exported.read_bytes()


def test_a_long_history_is_paged_from_its_first_revision(published):
    _, out, _, _, _ = published
    article = (out / "articles" / f"{LONG_LIVED}.html").read_text()
    revisions = re.findall(r'<li id="r(\d+)"', article)
    older = re.findall(r'<li id="r(\d+)"', (out / "articles" / "1" / "1.html").read_text())
    assert [int(r) for r in older] == list(range(1, TIMELINE_PAGE + 1))
    assert int(revisions[0]) % TIMELINE_PAGE == 1 and f'href="{LONG_LIVED}/2.html"' in article
