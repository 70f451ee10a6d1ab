"""The static site from `redline publish`, opened via file:// in a real headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.crawling import changes, redline
from tests.test_feed import HOSTILE, HOSTILE_NOTE, build_archive

CHROMIUM = Path("/usr/bin/chromium")
# "2 Dec 2026, 14:05 UTC": what a reader sees of every stored time.
FOR_PEOPLE = re.compile(
    r"\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}, \d\d:\d\d UTC"
)
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
WIDTHS = {"phone": 375, "desktop": 1280}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, Path]:
    config = build_archive(tmp_path_factory.mktemp("site"))
    outdir = config.parent / "public"
    result = redline(config, "publish", str(outdir), "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    return config, outdir


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install chromium; tools/install-system.sh)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def test_site_has_every_page_and_feed(site):
    config, outdir = site
    listed = changes(config)
    assert (outdir / "index.html").is_file() and (outdir / "feed.atom").is_file()
    assert (outdir / "sites" / "newsroom.html").is_file()
    assert (outdir / "sites" / "newsroom.atom").is_file()
    for change in listed:
        slug = f"{change['article_id']}-{change['from_revision']}-{change['to_revision']}"
        assert (outdir / "diffs" / f"{slug}.html").is_file()
        assert (outdir / "articles" / f"{change['article_id']}.atom").is_file()
    assert len(list((outdir / "articles").glob("*.html"))) == 4
    for page in outdir.rglob("*.html"):
        text = page.read_text()
        assert "<script" not in text, page
        assert ".atom" in text, f"{page} links its feed"


def test_republishing_unchanged_writes_nothing(site):
    config, outdir = site
    result = redline(config, "publish", str(outdir), "--json")
    report = json.loads(result.stdout)
    assert report["written"] == [] and report["unchanged"] > 10


def test_one_new_change_rewrites_only_affected_pages(site, tmp_path):
    config, _ = site
    copy = tmp_path / "copy"
    shutil.copytree(config.parent, copy)
    import sqlite_utils

    db = sqlite_utils.Database(copy / "redline.db")
    row = dict(next(db["changes"].rows_where(order_by="id desc", limit=1)))
    row.pop("id")
    row["to_captured_at"] = "2099-01-01T00:00:00.000000Z"
    row["from_revision"], row["to_revision"] = row["to_revision"], row["to_revision"] + 1
    db["changes"].insert(row)
    revision = dict(
        next(
            db["revisions"].rows_where(
                "article_id = ?", [row["article_id"]], order_by="number desc", limit=1
            )
        )
    )
    revision.pop("id")
    db["revisions"].insert(revision | {"number": row["to_revision"], "repeats": None})
    db.conn.close()
    log = copy / "public" / "changes.ndjson"
    inode = log.stat().st_ino
    result = redline(copy / "redline.toml", "publish", str(copy / "public"), "--json")
    written = set(json.loads(result.stdout)["written"])
    aid, n = row["article_id"], row["to_revision"]
    assert written == {
        "index.html",
        "feed.atom",
        "changes/1.html",  # the newest (here the only) page of every change
        "changes.ndjson",
        "sites/newsroom.html",
        "sites/newsroom.atom",
        "sites/newsroom/changes/1.html",
        "sites/newsroom/articles/1.html",  # the article's revision count on it
        f"articles/{aid}.html",
        f"articles/{aid}.atom",
        f"diffs/{aid}-{n - 1}-{n}.html",
        f"cards/{aid}-{n - 1}-{n}.png",  # its diff card, the page's og:image
    }
    # The NDJSON log is export-changes byte for byte, the new change appended in place.
    exported = tmp_path / "exported.ndjson"
    assert redline(copy / "redline.toml", "export-changes", str(exported)).returncode == 0
    assert log.read_bytes() == exported.read_bytes()
    assert log.stat().st_ino == inode and len(log.read_bytes().splitlines()) == 3


def test_click_through_index_article_diff(site, browser, tmp_path):
    _, outdir = site
    page = browser.new_page()
    page.goto((outdir / "index.html").as_uri())
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
    page.locator("a.change-link", has_text="Storm nears").first.click()
    assert "/diffs/" in page.url
    page.locator("a", has_text="full history").click()
    assert "/articles/" in page.url
    assert page.locator("li.headline-changed .rev-headline").first.inner_text() == HOSTILE
    assert page.locator("code", has_text=".warc.gz").count() >= 2
    page.screenshot(path=str(tmp_path / "article.png"), full_page=True)
    page.locator("a.change-link").first.click()
    assert "/diffs/" in page.url
    for tag in ("ins", "del"):
        marks = page.locator(f"#inline {tag}")
        assert marks.count() >= 1
        assert marks.first.is_visible() and marks.first.inner_text().strip()
    assert page.locator("#side-by-side table.side-by-side ins").first.is_visible()
    page.screenshot(path=str(tmp_path / "diff.png"), full_page=True)
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("h1").inner_text() == HOSTILE
    assert page.locator("img").count() == 0


def test_body_edit_shows_inserted_words(site, browser):
    config, outdir = site
    body = next(c for c in changes(config) if c["kinds"] == ["body"])
    slug = f"{body['article_id']}-1-2"
    page = browser.new_page()
    page.goto((outdir / "diffs" / f"{slug}.html").as_uri())
    inserted = " ".join(page.locator("#inline ins").all_inner_texts())
    assert "Officials later confirmed the figure." in inserted
    assert page.evaluate("typeof window.pwned") == "undefined"


def test_silent_edit_is_marked_and_the_note_shown_beside_the_diff(site, browser, tmp_path):
    config, outdir = site
    listed = changes(config)
    silent = next(c for c in listed if c["silent"] is True)
    noted = next(c for c in listed if c["notes"])
    page = browser.new_page()
    page.goto((outdir / "index.html").as_uri())
    row = page.locator("ul.changes li", has=page.locator(".silent-mark"))
    assert row.count() == 1 and row.locator(".silent-mark").is_visible()
    row.locator("a.change-link").click()
    assert page.url.endswith(f"/diffs/{silent['article_id']}-1-2.html")
    mark = page.locator("p.disclosure .silent-mark")
    assert mark.is_visible() and mark.inner_text() == "silent edit"
    box = mark.bounding_box()
    assert box and box["height"] > 5 and box["width"] > 20, "a mark a reader can see"
    page.screenshot(path=str(tmp_path / "silent.png"), full_page=True)
    page.goto((outdir / "diffs" / f"{noted['article_id']}-1-2.html").as_uri())
    assert page.locator(".silent-mark").count() == 0
    assert "note" in page.locator("p.disclosure").inner_text()
    note = page.locator("section.notes blockquote.note")
    assert note.count() == 1 and note.inner_text() == HOSTILE_NOTE
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("img").count() == 0


def test_each_site_has_its_silent_edit_record_linked_from_the_index(site, browser):
    config, outdir = site
    stats = json.loads(redline(config, "stats", "--json").stdout)
    (record,) = stats
    assert (record["substantive"], record["silent"]) == (2, 1)
    page = browser.new_page()
    page.goto((outdir / "index.html").as_uri())
    link = page.locator("a.record-link")
    assert link.count() == 1 and link.is_visible()
    link.click()
    assert page.url.endswith("/sites/newsroom.html#record")
    assert page.locator("#record .record-headline").inner_text() == (
        "Of 2 substantive edits to this site\u2019s stories, 50% were silent (1)."
    )
    cells = page.locator("#record table.record tr").all_inner_texts()
    assert "Re-dated captures (a new date, the same text)\t0" in cells
    assert f"Captures\t{record['captures']}" in cells


def test_dates_read_for_people_and_keep_the_stored_time(site, browser):
    config, outdir = site
    listed = changes(config)
    change = listed[0]
    slug = f"{change['article_id']}-{change['from_revision']}-{change['to_revision']}"
    history = json.loads(redline(config, "history", change["url"], "--json").stdout)
    expected = {
        "index.html": {c["to_captured_at"] for c in listed},
        "changes/1.html": {c["to_captured_at"] for c in listed},
        f"diffs/{slug}.html": {change["from_captured_at"], change["to_captured_at"]},
        f"articles/{change['article_id']}.html": {r["captured_at"] for r in history},
    }
    page = browser.new_page()
    for path, stamps in expected.items():
        page.goto((outdir / path).as_uri())
        times = page.locator("main time").all()
        assert stamps <= {t.get_attribute("datetime") for t in times}, path
        for element in times:
            assert FOR_PEOPLE.fullmatch(element.inner_text()), element.inner_text()
        assert not ISO.search(page.locator("main").inner_text()), f"{path}: a raw ISO time"
    page.close()


@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_diff_and_article_pages_fit_the_screen(site, browser, tmp_path, device):
    """No horizontal scrolling on a 375 px phone or a desktop; screenshots kept."""
    config, outdir = site
    width = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": 800})
    paths = [f"articles/{c['article_id']}.html" for c in changes(config)]
    paths += [p.relative_to(outdir).as_posix() for p in sorted(outdir.glob("diffs/*.html"))]
    for path in paths:
        page.goto((outdir / path).as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        assert page.locator("h1").bounding_box()["width"] <= width
        page.screenshot(
            path=str(tmp_path / f"{device}-{path.replace('/', '-')}.png"), full_page=True
        )
        if path.startswith("diffs/"):
            table = page.locator("#side-by-side table").bounding_box()
            assert table and table["x"] >= 0 and table["x"] + table["width"] <= width, path
    print(f"screenshots ({device}, {width} px): {tmp_path}")
    assert len(list(tmp_path.glob("*.png"))) == len(paths) >= 4
    page.close()


def test_pages_link_the_ndjson_log_for_programs(site):
    config, outdir = site
    exported = outdir.parent / "exported.ndjson"
    assert redline(config, "export-changes", str(exported)).returncode == 0
    assert (outdir / "changes.ndjson").read_bytes() == exported.read_bytes()
    diff_page = sorted(outdir.glob("diffs/*.html"))[0]
    for page in (outdir / "index.html", outdir / "changes" / "1.html", diff_page):
        text = page.read_text()
        assert 'type="application/x-ndjson"' in text and "changes.ndjson" in text
