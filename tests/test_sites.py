"""Sites that say when they break: feeds without article_pattern, failing sites named in
the crawl summary and a warning every pass until they recover, and `redline sites`.

Real crawls (subprocesses) of the local newsroom and of a small local server whose
answers the test changes between passes."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from archive.index_rows import CaptureRow
from redline.capture_rules import hop_of
from redline.config import Site
from redline.newsroom import Newsroom
from tests.crawling import redline
from tests.index_tables import dump_tables, table_differences

ARTICLE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p class='byline'>By Ann Lee</p>{paragraphs}</article></body></html>"
)
PARAGRAPH = (
    "<p>Paragraph {i} of {title}: the storm closed the harbour to the fishing fleet and"
    " the ferries, and the council met late to decide what to do next.</p>"
)
APP_SHELL = "<html><head><script>load()</script></head><body><div id='app'></div></body></html>"


def rss(base: str, paths: list[str]) -> str:
    items = "".join(f"<item><title>{p}</title><link>{base}{p}</link></item>" for p in paths)
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<link>{base}/</link>{items}</channel></rss>"
    )


def article(title: str) -> str:
    paragraphs = "".join(PARAGRAPH.format(i=i, title=title) for i in range(4))
    return ARTICLE.format(title=title, paragraphs=paragraphs)


class Pages:
    """A local site whose answers (path -> (status, content type, body)) tests change."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, str]] = {}
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, kind, body = pages.routes.get(self.path, (404, "text/html", "gone"))
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def feed(self, path: str, entries: list[str]) -> None:
        self.routes[path] = (200, "application/rss+xml", rss(self.base_url, entries))

    def page(self, path: str, html: str) -> None:
        self.routes[path] = (200, "text/html; charset=utf-8", html)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def pages():
    server = Pages()
    yield server
    server.close()


def closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """\
archive_dir = "archive"
database = "redline.db"
log_file = "redline.log"
user_agent = "redline-test (+https://example.org/bot)"

[[sites]]
name = "feeds"
feeds = ["{room}/rss.xml"]

[[sites]]
name = "empty"
feeds = ["{pages}/empty/rss.xml"]

[[sites]]
name = "walled"
feeds = ["{pages}/walled/rss.xml"]

[[sites]]
name = "down"
feeds = ["http://127.0.0.1:{closed}/rss.xml"]
"""


def sites_json(config) -> dict[str, dict]:
    result = redline(config, "sites", "--json")
    assert result.returncode == 0, result.stderr
    return {s["site"]: s for s in json.loads(result.stdout)}


def test_failing_sites_are_named_every_pass_until_they_recover(tmp_path, pages):
    walled = [f"/walled/2026/story-{n}" for n in range(3)]
    pages.feed("/empty/rss.xml", [])
    pages.feed("/walled/rss.xml", walled)
    for path in walled:
        pages.page(path, APP_SHELL)  # a script-only shell: nothing to extract
    with Newsroom(articles=4, seed=7) as room:
        config = tmp_path / "redline.toml"
        config.write_text(
            CONFIG.format(room=room.base_url, pages=pages.base_url, closed=closed_port())
        )
        before = sites_json(config)
        assert before["feeds"]["last_pass"] is None and before["feeds"]["state"] == "ok"

        first = redline(config, "crawl", "--json")
        assert first.returncode == 0, first.stderr
        summary = json.loads(first.stdout)
        assert summary["new_articles"] == 4, "a feeds-only site without a pattern tracks them"
        failing = {s["site"]: s["reason"] for s in summary["sites_failing"]}
        assert set(failing) == {"empty", "walled", "down"}
        assert failing["empty"].endswith("yielded no article URL: they listed no links at all")
        assert failing["walled"].startswith("3 of 3 captures failed extraction")
        assert failing["down"].startswith("every feed, sitemap and front page failed (")
        assert "connection refused" in failing["down"]
        health = sites_json(config)
        feeds = health["feeds"]
        assert feeds["state"] == "ok" and feeds["reason"] is None and feeds["last_pass"]
        assert {"url": f"{room.base_url}/rss.xml", "kind": "feed", "articles": 4,
                "error": None} in feeds["sources"]  # fmt: skip
        assert feeds["captures"] == 4 and feeds["extraction_failures"] == 0
        assert feeds["volatile"] == 0
        assert health["empty"]["state"] == "failing"
        assert health["empty"]["reason"] == failing["empty"]
        assert health["empty"]["sources"] == [
            {"url": f"{pages.base_url}/empty/rss.xml", "kind": "feed", "articles": 0,
             "error": None}
        ]  # fmt: skip
        assert health["walled"]["state"] == "failing"
        assert health["walled"]["captures"] == 3 and health["walled"]["extraction_failures"] == 3
        assert health["down"]["sources"][0]["error"] == "connection refused"
        first_pass = health["walled"]["last_pass"]

        # The empty feed now lists stories: that site recovers, the others still fail.
        pages.feed("/empty/rss.xml", ["/empty/2026/harbour", "/empty/2026/council"])
        pages.page("/empty/2026/harbour", article("Storm closes harbour"))
        pages.page("/empty/2026/council", article("Council meets late"))
        second = redline(config, "crawl")
    assert second.returncode == 0, second.stderr
    out = second.stdout
    assert "warning: site walled is failing: 3 of 3 captures failed extraction" in out
    assert "warning: site down is failing: every feed, sitemap and front page failed" in out
    assert "site empty" not in out and "site feeds" not in out
    log = (tmp_path / "redline.log").read_text()
    assert log.count("site walled is failing") == 2, "logged as a warning in every pass"
    assert "WARNING: site down is failing" in log

    health = sites_json(config)
    assert health["empty"]["state"] == "ok" and health["empty"]["reason"] is None
    assert health["empty"]["sources"][0]["articles"] == 2 and health["empty"]["captures"] == 2
    assert health["walled"]["state"] == "failing" and health["down"]["state"] == "failing"
    assert health["walled"]["last_pass"] > first_pass, "the latest pass is shown"

    text = redline(config, "sites")
    assert text.returncode == 0
    assert "walled: FAILING: 3 of 3 captures failed extraction" in text.stdout
    assert "empty: ok" in text.stdout
    assert "feed     2 articles" in text.stdout

    crawled = dump_tables(tmp_path / "redline.db")
    rebuilt = redline(config, "reindex")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert sites_json(config) == health, "reindex keeps what each pass found"
    # robots.txt, feeds and the sitemaps robots.txt announced are archived beside the
    # articles: a rebuild without article_pattern takes none of them for an article.
    assert table_differences(crawled, dump_tables(tmp_path / "redline.db")) == []


def test_start_urls_without_a_pattern_is_a_config_error_naming_the_site(tmp_path):
    config = tmp_path / "redline.toml"
    config.write_text('[[sites]]\nname = "front"\nstart_urls = ["https://news.example/"]\n')
    result = redline(config, "crawl")
    assert result.returncode == 2
    assert "sites[front].article_pattern: required with start_urls" in result.stderr
    assert "Traceback" not in result.stderr


FEEDS_ONLY = Site(
    name="n",
    feeds=("https://news.example/rss.xml", "https://feeds.example/news"),
    sitemaps=("https://news.example/sitemap.xml",),
)


@pytest.mark.parametrize(
    ("url", "is_article"),
    [
        ("https://news.example/2026/11/storm", True),
        ("https://www.news.example/world/storm?id=3", True),
        ("https://news.example/?p=123", True),  # WordPress's plain permalinks
        ("https://news.example/", False),  # the front page
        ("https://news.example/index.html", False),
        ("https://news.example/rss.xml", False),  # its own feed and sitemap...
        ("http://feeds.example/news/", False),
        ("https://news.example/robots.txt", False),  # ...and files discovery reads
        ("https://news.example/sitemap-2026-11.xml", False),
        ("https://news.example/sitemaps/news?page=2", False),
        ("https://news.example/world/feed-the-hungry", True),
        ("https://elsewhere.example/2026/11/storm", False),  # not one of its hosts
    ],
)
def test_without_a_pattern_an_article_is_a_page_on_the_site_that_discovery_does_not_read(
    url, is_article
):
    assert FEEDS_ONLY.is_article(url) is is_article


def redirect(url: str, location: str) -> CaptureRow:
    return CaptureRow(record_id="<urn:uuid:1>", record_type="response", url=url, warc_file="a",
                      warc_offset=0, warc_length=1, http_status=301, payload_digest=None,
                      refers_to=None, fetched_at="2026-11-28T04:00:00.000000Z",
                      location=location)  # fmt: skip


def test_without_a_pattern_a_redirect_to_the_front_page_or_a_feed_is_a_removal():
    story = "https://news.example/2026/11/storm"
    assert hop_of(FEEDS_ONLY, redirect(story, "/")).kind == "gone"
    assert hop_of(FEEDS_ONLY, redirect(story, "/rss.xml")).kind == "gone"
    assert hop_of(FEEDS_ONLY, redirect(story, "/2026/11/storm-2")).kind == "moved"
    assert hop_of(FEEDS_ONLY, redirect(story, "https://consent.example/")).kind == "offsite"


def test_a_pattern_filters_feed_entries_too():
    site = Site(name="n", feeds=FEEDS_ONLY.feeds, article_pattern=r"^https://news\.example/\d{4}/")
    assert site.is_article("https://news.example/2026/11/storm")
    assert not site.is_article("https://news.example/live/storm")
