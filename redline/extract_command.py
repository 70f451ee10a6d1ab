"""`redline extract`: what redline sees in one page, from a file or a URL."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from diffing.extract import ExtractionError, Selectors, extract_article

from .errors import RedlineError

MAX_BYTES = 50_000_000


def _read(source: str, user_agent: str) -> tuple[bytes, str]:
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": user_agent})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.read(MAX_BYTES), response.geturl()
        except OSError as exc:
            raise RedlineError(f"could not fetch {source}: {exc}") from None
    path = Path(source)
    if not path.is_file():
        raise RedlineError(f"{source}: no such file (give a saved page or an http(s) URL)")
    return path.read_bytes(), path.resolve().as_uri()


def extract_source(ctx, source: str, site_name: str | None) -> dict:
    from .cli import _config

    selectors, user_agent = None, "redline"
    if site_name or ctx.obj.get("config"):
        config = _config(ctx)
        user_agent = config.user_agent
        if site_name:
            from .cli import _config_site

            site = _config_site(config, site_name)
            selectors = Selectors(site.headline, site.byline, site.body)
    body, url = _read(source, user_agent)
    try:
        article = extract_article(body, url, selectors)
    except ExtractionError as exc:
        raise RedlineError(f"{source}: {exc}") from None
    return {
        "url": article.url, "headline": article.headline, "byline": article.byline,
        "published": article.published, "updated": article.updated, "body": article.body,
        "language": article.language,
    }
