"""Article URL canonicalisation: tracking parameters and fragments never split an article."""

from __future__ import annotations

from urllib.parse import unquote_plus, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    [
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "ocid",
        "cmpid",
        "icid",
        "_ga",
        "_gl",
        "igshid",
        "yclid",
        "wt_mc",
        "wt_zmc",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "mkt_tok",
        "s_cid",
    ]
)
TRACKING_PREFIXES = ("utm_",)


def canonical_article_url(url: str) -> str:
    """The URL without fragment and tracking parameters, scheme and host in lower case.

    >>> canonical_article_url("HTTPS://News.Example/a?id=3&utm_source=rss&fbclid=x#comments")
    'https://news.example/a?id=3'
    """
    parts = urlsplit(url.strip())
    netloc = parts.netloc.lower()
    scheme = parts.scheme.lower()
    default_port = {"http": ":80", "https": ":443"}.get(scheme)
    if default_port and netloc.endswith(default_port):
        netloc = netloc.removesuffix(default_port)
    kept = [p for p in parts.query.split("&") if p and not _is_tracking(p)]
    return urlunsplit((scheme, netloc, parts.path or "/", "&".join(kept), ""))


def _is_tracking(pair: str) -> bool:
    name = unquote_plus(pair.split("=", 1)[0]).lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)
