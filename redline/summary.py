"""The crawl summary as a person reads it."""

from __future__ import annotations


def describe_summary(s: dict) -> str:
    line = (
        f"fetched {s['fetched']} pages in {s['seconds']:.1f}s: {s['new_articles']} new articles,"
        f" {s['rechecked']} rechecked ({s['changed']} changed, {s['unchanged']} unchanged,"
        f" {s['removed']} removed), {s['failed']} failed, {s['extraction_failed']} extraction"
        f" failures, {len(s['warc_files'])} WARC file(s) closed"
    )
    for failing in s["sites_failing"]:  # one line each, naming the site and the reason
        line += f"\nwarning: site {failing['site']} is failing: {failing['reason']}"
    return line
