"""The sites-failing rule and the one-line reasons a cron mail shows (no crawl needed)."""

from __future__ import annotations

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils._download_handlers import wrap_twisted_exceptions
from twisted.internet import error as tx
from twisted.python.failure import Failure
from twisted.web._newclient import ParseError, ResponseFailed

from crawler.health import failing_sites, reason, site_reports
from crawler.run import summarise, unexpected_errors
from redline.config import Site, load_config


def scrapy_error(twisted_error: Exception) -> Exception:
    """The exception Scrapy's HTTP handler raises for this Twisted one (its own wrapping)."""
    try:
        with wrap_twisted_exceptions():
            raise twisted_error
    except Exception as exc:  # noqa: BLE001 - whatever it became is what we test
        return exc
    raise AssertionError("not raised")


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (tx.DNSLookupError("no results for hostname lookup: news.invalid"),
         "host name not found (DNS)"),
        (tx.ConnectionRefusedError("111: Connection refused"), "connection refused"),
        (tx.TimeoutError("Getting http://x/ took longer than 30.0 seconds."), "timed out"),
        (tx.TCPTimedOutError(), "timed out"),
        (ResponseFailed([Failure(tx.ConnectionLost("reset"))]),
         "connection reset or lost before the answer was complete"),
        (ResponseFailed([Failure(ParseError("non-integer status code", b"HTTP/1.1 x"))]),
         "not a valid HTTP answer (non-integer status code)"),
    ],
)  # fmt: skip
def test_fetch_failures_read_as_a_few_words(error, words):
    assert reason(scrapy_error(error)) == words


def test_http_errors_and_robots_refusals_read_as_such():
    response = HtmlResponse("http://n.test/feed", status=503, request=Request("http://n.test/feed"))
    assert reason(HttpError(response, "Ignoring non-200 response")) == "HTTP 503"
    assert reason(IgnoreRequest("Forbidden by robots.txt")) == "Forbidden by robots.txt"


def test_an_unknown_failure_is_still_one_line():
    assert reason(ValueError("first line\nsecond line")) == "ValueError: first line"


SITES = [Site(name=n, feeds=(f"https://{n}.test/rss",), article_pattern=f"^https://{n}\\.test/a/")
         for n in ("down", "empty", "paywalled", "fine", "few")]  # fmt: skip


def test_the_sites_failing_rule():
    stats = {
        "redline/site/down/sources_failed": 2,
        "redline/site/down/source_error": "https://down.test/rss: connection refused",
        "redline/site/empty/sources_ok": 3, "redline/site/empty/found": 0,
        "redline/site/paywalled/sources_ok": 1, "redline/site/paywalled/found": 9,
        "redline/site/paywalled/error": 2, "redline/site/paywalled/ok": 2,
        "redline/site/fine/sources_ok": 1, "redline/site/fine/sources_failed": 1,
        "redline/site/fine/found": 4, "redline/site/fine/error": 1, "redline/site/fine/ok": 3,
        "redline/site/few/sources_ok": 1, "redline/site/few/found": 2,
        "redline/site/few/error": 2,
    }  # fmt: skip
    assert failing_sites(stats, SITES) == [
        {
            "site": "down",
            "reason": "every feed, sitemap and front page failed"
            " (https://down.test/rss: connection refused)",
        },
        {
            "site": "empty",
            "reason": "its feeds, sitemaps and front pages yielded no article URL:"
            " they listed no links at all",
        },
        {
            "site": "paywalled",
            "reason": "2 of 4 captures failed extraction (a redesign, paywall"
            " or consent wall?): check its CSS overrides",
        },
    ], "one failed source of several, or under three captures, is no failing site"


def test_a_site_without_articles_is_told_why_its_links_are_none():
    mismatched = {"redline/site/fine/sources_ok": 1, "redline/site/fine/links": 7}
    assert failing_sites(mismatched, SITES[3:4])[0]["reason"].endswith(
        "no article URL: none of their 7 links matches article_pattern"
    )
    feeds_only = Site(name="fine", feeds=("https://fine.test/rss",))
    elsewhere = dict(mismatched, **{"redline/site/fine/elsewhere": "cdn.test"})
    assert failing_sites(elsewhere, [feeds_only])[0]["reason"].endswith(
        "none of their 7 links is on the site's hosts (cdn.test: add it to hosts)"
    )


def test_a_pass_reports_each_sites_sources_and_captures():
    feed = {"url": "https://fine.test/rss", "kind": "feed", "articles": 4, "error": None}
    page = {"url": "https://fine.test/", "kind": "page", "articles": 0, "error": "HTTP 503"}
    stats = {
        "redline/site/fine/sources_ok": 1, "redline/site/fine/sources_failed": 1,
        "redline/site/fine/found": 4, "redline/site/fine/ok": 3, "redline/site/fine/error": 1,
        "redline/site/fine/sources": {page["url"]: page, feed["url"]: feed},
    }  # fmt: skip
    (report,) = site_reports(stats, SITES[3:4])
    assert report == {"site": "fine", "state": "ok", "reason": None, "articles": 4,
                      "captures": 4, "extraction_failures": 1,
                      "sources": [feed, page]}  # fmt: skip


def test_only_the_sites_a_pass_crawled_are_judged(tmp_path):
    path = tmp_path / "redline.toml"
    path.write_text("".join(
        f'[[sites]]\nname = "{n}"\nfeeds = ["https://{n}.test/rss"]\n' for n in ("a", "b")
    ))  # fmt: skip
    stats = {f"redline/site/{n}/sources_failed": 1 for n in ("a", "b")}
    summary = summarise(stats, load_config(path), 1.0, sites=("b",))
    assert [s["site"] for s in summary["sites_failing"]] == ["b"]
    assert [s["site"] for s in summarise(stats, load_config(path), 1.0)["sites_failing"]] == [
        "a",
        "b",
    ]


def test_errors_that_no_failed_fetch_explains_are_counted_as_unexpected():
    assert unexpected_errors({"log_count/ERROR": 3, "retry/max_reached": 3}) == 0
    assert unexpected_errors({"log_count/ERROR": 4, "retry/max_reached": 3}) == 1
    assert unexpected_errors({"log_count/CRITICAL": 1}) == 1
