"""Is each site working? Its discovery sources and extraction, judged once per pass.

The contract's rule: a site is failing in a pass when its feeds, sitemaps and front
pages yielded no article URL, when all of them failed, or when at least half of at
least three captures failed extraction. The spider reports what each source gave
(`note_found`, `note_failure`); the pipeline counts extraction verdicts; `failing_sites`
reads the crawl stats at the end of the pass.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx
from twisted.web._newclient import ParseError, ResponseFailed

SOURCE_CALLBACKS = ("parse_feed", "parse_sitemap", "parse_page")


def note_found(crawler, site, links, response=None) -> None:
    """A discovery source answered with these links (article URLs among them or not).

    An error page (a feed that is gone answers 404, which the spider reads anyway) is a
    failed source, named with its status.
    """
    from archive.urls import canonical_article_url

    found = sum(1 for link in links if site.is_article(canonical_article_url(link)))
    status = getattr(response, "status", 200)
    if status >= 400:
        _source_failed(crawler.stats, site.name, f"{response.url}: HTTP {status}")
    else:
        crawler.stats.inc_value(f"redline/site/{site.name}/sources_ok")
    crawler.stats.inc_value(f"redline/site/{site.name}/found", found)


def note_failure(crawler, failure) -> str:
    """Count a failed discovery source against its site; the one-line reason, for any fetch."""
    request = failure.request
    why = reason(failure.value)
    callback = getattr(request.callback, "__name__", "")
    site = request.meta.get("site")
    if site and callback in SOURCE_CALLBACKS:
        _source_failed(crawler.stats, site, f"{request.url}: {why}")
    return why


def _source_failed(stats, site: str, what: str) -> None:
    stats.inc_value(f"redline/site/{site}/sources_failed")
    if not stats.get_value(f"redline/site/{site}/source_error"):
        stats.set_value(f"redline/site/{site}/source_error", what)  # the first one is named


def reason(exc: BaseException) -> str:
    """Why a fetch failed, in a few words a person reads in a cron mail."""
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        return str(exc) or "ignored"
    cause = exc.__cause__ or exc
    if isinstance(cause, ResponseFailed) and cause.reasons:
        cause = cause.reasons[0].value
    for kinds, words in _REASONS:
        if isinstance(cause, kinds):
            return words
    if isinstance(cause, ParseError):
        return f"not a valid HTTP answer ({cause.args[0] if cause.args else 'unparsable'})"
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(cause).__name__}: {text[:200]}" if text else type(cause).__name__


_REASONS = (
    (tx.DNSLookupError, "host name not found (DNS)"),
    (tx.ConnectionRefusedError, "connection refused"),
    ((tx.TimeoutError, tx.TCPTimedOutError), "timed out"),
    (tx.ConnectionLost, "connection reset or lost before the answer was complete"),
    (tx.ConnectionDone, "connection closed before an answer"),
    (tx.ConnectError, "could not connect"),
)


def failing_sites(stats: dict, sites) -> list[dict]:
    """[{"site", "reason"}] for the sites this pass crawled that are failing."""
    failing = []
    for site in sites:
        why = _site_reason(stats, site.name)
        if why:
            failing.append({"site": site.name, "reason": why})
    return failing


def _site_reason(stats: dict, name: str) -> str | None:
    def count(key: str) -> int:
        return int(stats.get(f"redline/site/{name}/{key}", 0))

    if count("sources_failed") and not count("sources_ok"):
        first = stats.get(f"redline/site/{name}/source_error")
        return f"every feed, sitemap and front page failed ({first})"
    if count("sources_ok") and not count("found"):
        return "its feeds, sitemaps and front pages yielded no article URL (check article_pattern)"
    errors, captures = count("error"), count("error") + count("ok")
    if captures >= 3 and 2 * errors >= captures:
        return (
            f"{errors} of {captures} captures failed extraction (a redesign, paywall or"
            " consent wall?): check its CSS overrides"
        )
    return None
