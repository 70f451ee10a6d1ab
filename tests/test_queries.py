"""The reading commands on a real crawled index: diff, search, history, extract."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from redline.newsroom import Newsroom
from tests.crawling import ROOT, crawl, redline, write_config


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("queries")
    with Newsroom(articles=3, seed=4, noise=True) as room:
        config = write_config(tmp, room.base_url)
        crawl(config)
        slug = sorted(room.articles)[0]
        paragraphs = list(room.articles[slug].paragraphs)
        removed = paragraphs.pop(1)
        room.edit(slug, headline="Council <b>overturns</b> the plan", paragraphs=paragraphs)
        crawl(config)
        url = room.article_url(slug)
    return config, url, removed


def test_diff_json_holds_the_stored_diff(index):
    config, url, removed = index
    result = redline(config, "diff", url, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["from_revision"], data["to_revision"]) == (1, 2)
    assert data["kinds"] == ["headline", "body"]
    assert data["headline_after"] == "Council <b>overturns</b> the plan"
    deleted = [b for b in data["diff"]["body"] if b["op"] == "delete"]
    assert [b["text"] for b in deleted] == [removed]


def test_diff_html_escapes_and_marks(index):
    config, url, _ = index
    html = redline(config, "diff", url, "--format", "html").stdout
    assert "&lt;b&gt;overturns&lt;/b&gt;" in html and "<b>" not in html
    assert "<del" in html and "<ins" in html


def test_diff_text_names_the_revisions(index):
    config, url, _ = index
    text = redline(config, "diff", url).stdout
    assert "r1" in text and "r2" in text and "\x1b[" not in text, "no colour when piped"


def test_search_finds_text_that_was_later_removed(index):
    config, url, removed = index
    words = [w.strip('.,"') for w in removed.split() if len(w) > 6][:2]
    hits = json.loads(redline(config, "search", " ".join(words), "--json").stdout)
    assert any(h["url"] == url and h["revision"] == 1 for h in hits)


def test_unknown_url_is_a_clear_error(index):
    config, _, _ = index
    result = redline(config, "history", "https://nowhere.example/x")
    assert result.returncode == 1 and "no tracked article" in result.stderr
    assert "Traceback" not in result.stderr


def test_reading_commands_never_import_scrapy(index):
    config, url, _ = index
    probe = (
        "import sys\nfrom redline.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted')], "
        "'scrapy imported'\n"
    )
    for args in (
        ["history", url],
        ["changes", "--json", "--silent"],
        ["diff", url],
        ["search", "plan"],
        ["stats", "--json"],
    ):
        result = subprocess.run(
            [sys.executable, "-c", probe, "-c", str(config), *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert result.returncode == 0, (args, result.stderr[-2000:])


def test_history_json_has_the_contract_fields(index):
    config, url, _ = index
    rows = json.loads(redline(config, "history", url, "--json").stdout)
    assert [set(r) for r in rows] == [
        {"revision", "captured_at", "headline", "byline", "body_sha1", "headlines", "modified",
         "notes", "warc"}
    ] * 2  # fmt: skip
    assert rows[1]["modified"] > rows[0]["modified"], "the newsroom's CMS dated the edit"
    assert [r["notes"] for r in rows] == [[], []]


def test_an_acknowledged_edit_is_marked_and_not_silent(index):
    config, url, _ = index
    assert json.loads(redline(config, "changes", "--json", "--silent").stdout) == []
    (change,) = json.loads(redline(config, "changes", "--json").stdout)
    assert (change["silent"], change["disclosure"]) == (False, ["modified_date"])
    text = redline(config, "changes").stdout
    assert "[acknowledged: modified_date] Council <b>overturns</b> the plan" in text
    assert "[silent]" not in text


def test_extract_a_saved_page(tmp_path, corpus):
    page = corpus / "pages-readability" / "nytimes-1" / "source.html"
    expected = json.loads((page.parent / "expected-metadata.json").read_text())
    config = write_config(tmp_path, "http://127.0.0.1:9")
    result = redline(config, "extract", str(page), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["headline"] == expected["title"]
    assert set(data) == {"url", "headline", "byline", "published", "updated", "body", "language"}
    assert len(data["body"].split()) > 200
