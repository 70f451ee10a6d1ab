"""`redline diff`: the stored diff between two revisions, as text, HTML or JSON."""

from __future__ import annotations

import json

from diffing.compare import compare_articles
from diffing.render import render_html, render_text

from .queries import article_of_revision, revision_pair, stored_change


def diff_between(db, url: str, from_n: int | None, to_n: int | None) -> dict:
    article, old, new = revision_pair(db, url, from_n, to_n)
    recorded = stored_change(db, article["id"], old["number"], new["number"])
    if recorded is None:  # a pair with no recorded change (not adjacent): computed, not stored
        change = compare_articles(article_of_revision(old), article_of_revision(new))
        recorded = {"kinds": list(change.kinds), "significance": change.significance,
                    "diff": change.diff} if change else {"kinds": [], "significance": None,
                                                         "diff": None}
    return {
        "url": article["url"], "from_revision": old["number"], "to_revision": new["number"],
        "from_captured_at": old["captured_at"], "to_captured_at": new["captured_at"],
        "headline_before": old["headline"], "headline_after": new["headline"],
        **recorded,
    }


def show_diff(db, url, from_n, to_n, fmt: str, *, color: bool) -> str:
    result = diff_between(db, url, from_n, to_n)
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=2)
    if result["diff"] is None:
        return f"r{result['from_revision']} and r{result['to_revision']} are the same"
    if fmt == "html":
        return render_html(result["diff"])
    head = (f"{result['url']}\nr{result['from_revision']} {result['from_captured_at']} -> "
            f"r{result['to_revision']} {result['to_captured_at']}  "
            f"[{', '.join(result['kinds'])}; {result['significance']}]\n")
    return head + render_text(result["diff"], color=color)
