"""Is each site working? Its discovery sources and extraction, judged once per pass.

The contract's rule: a site is failing in a pass when its feeds, sitemaps and front
pages yielded no article URL, when all of them failed, or when at least half of at
least three captures failed extraction. The spider reports what each source gave
(`note_found`, `note_failure`); the pipeline counts extraction verdicts; `site_reports`
reads the crawl stats at the end of the pass, for the summary and for `redline sites`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx
from twisted.web._newclient import ParseError, ResponseFailed

# A discovery source's callback -> its kind in `redline sites` (robots.txt is no source).
SOURCE_KINDS = {"parse_feed": "feed", "parse_sitemap": "sitemap", "parse_page": "page"}
SOURCE_CALLBACKS = tuple(SOURCE_KINDS)
_KIND_ORDER = list(SOURCE_KINDS.values())


def note_found(crawler, site, links, response=None) -> None:
    """A discovery source answered with these links (article URLs among them or not).

    An error page (a feed that is gone answers 404, which the spider reads anyway) is a
    failed source, named with its status.
    """
    from archive.urls import canonical_article_url

    stats, name = crawler.stats, site.name
    articles = [canonical_article_url(link) for link in links]
    found = sum(1 for url in articles if site.is_article(url))
    status = getattr(response, "status", 200)
    error = f"HTTP {status}" if status >= 400 else None
    if error:
        _source_failed(stats, name, f"{response.url}: {error}")
    else:
        stats.inc_value(f"redline/site/{name}/sources_ok")
    stats.inc_value(f"redline/site/{name}/found", found)
    stats.inc_value(f"redline/site/{name}/links", len(articles))
    if not found and articles and not stats.get_value(f"redline/site/{name}/elsewhere"):
        elsewhere = [u for u in articles if not site.owns(u)]  # named in the reason
        if elsewhere:
            stats.set_value(f"redline/site/{name}/elsewhere", urlsplit(elsewhere[0]).netloc)
    if response is not None:
        _note_source(stats, name, response.request, found, error)


def note_failure(crawler, failure) -> str:
    """Count a failed discovery source against its site; the one-line reason, for any fetch."""
    request = failure.request
    why = reason(failure.value)
    callback = getattr(request.callback, "__name__", "")
    site = request.meta.get("site")
    if site and callback in SOURCE_CALLBACKS:
        _source_failed(crawler.stats, site, f"{request.url}: {why}")
        _note_source(crawler.stats, site, request, 0, why)
    return why


def _source_failed(stats, site: str, what: str) -> None:
    stats.inc_value(f"redline/site/{site}/sources_failed")
    if not stats.get_value(f"redline/site/{site}/source_error"):
        stats.set_value(f"redline/site/{site}/source_error", what)  # the first one is named


def _note_source(stats, site: str, request, articles: int, error: str | None) -> None:
    """What one source gave this pass, under the URL it was asked for (before redirects)."""
    if request is None:
        return
    kind = SOURCE_KINDS.get(getattr(request.callback, "__name__", ""))
    if kind is None:
        return
    url = (request.meta.get("redirect_urls") or [request.url])[0]
    key = f"redline/site/{site}/sources"
    sources = stats.get_value(key) or {}
    seen = sources.get(url, {"url": url, "kind": kind, "articles": 0, "error": None})
    sources[url] = dict(seen, articles=seen["articles"] + articles, error=seen["error"] or error)
    stats.set_value(key, sources)


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
    return [
        {"site": r["site"], "reason": r["reason"]}
        for r in site_reports(stats, sites)
        if r["state"] == "failing"
    ]


def site_reports(stats: dict, sites) -> list[dict]:
    """Per site this pass crawled: `{"site", "state", "reason", "articles", "captures",
    "extraction_failures", "sources"}`, what `redline sites` shows of its last pass."""
    reports = []
    for site in sites:
        count = _counter(stats, site.name)
        why = _site_reason(stats, site)
        sources = (stats.get(f"redline/site/{site.name}/sources") or {}).values()
        reports.append({
            "site": site.name,
            "state": "failing" if why else "ok",
            "reason": why,
            "articles": count("found"),
            "captures": count("ok") + count("error"),
            "extraction_failures": count("error"),
            "sources": sorted(sources, key=lambda s: _KIND_ORDER.index(s["kind"])),
        })  # fmt: skip
    return reports


def _counter(stats: dict, name: str):
    return lambda key: int(stats.get(f"redline/site/{name}/{key}", 0))


def _site_reason(stats: dict, site) -> str | None:
    name, count = site.name, _counter(stats, site.name)
    if count("sources_failed") and not count("sources_ok"):
        first = stats.get(f"redline/site/{name}/source_error")
        return f"every feed, sitemap and front page failed ({first})"
    if count("sources_ok") and not count("found"):
        return "its feeds, sitemaps and front pages yielded no article URL: " + _why_none(
            stats, site, count("links")
        )
    errors, captures = count("error"), count("error") + count("ok")
    if captures >= 3 and 2 * errors >= captures:
        return (
            f"{errors} of {captures} captures failed extraction (a redesign, paywall or"
            " consent wall?): check its CSS overrides"
        )
    return None


def _why_none(stats: dict, site, links: int) -> str:
    if not links:
        return "they listed no links at all"
    if site.article_pattern:
        return f"none of their {links} links matches article_pattern"
    elsewhere = stats.get(f"redline/site/{site.name}/elsewhere")
    if elsewhere:
        return f"none of their {links} links is on the site's hosts ({elsewhere}: add it to hosts)"
    return f"none of their {links} links is an article (only its front page, feeds or sitemaps)"
