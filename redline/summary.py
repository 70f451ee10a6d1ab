"""The crawl summary as a person reads it."""

from __future__ import annotations


def describe_summary(s: dict) -> str:
    line = (
        f"fetched {s['fetched']} pages in {s['seconds']:.1f}s: {s['new_articles']} new articles,"
        f" {s['rechecked']} rechecked ({s['changed']} changed, {s['unchanged']} unchanged,"
        f" {s['removed']} removed), {s['failed']} failed, {s['extraction_failed']} extraction"
        f" failures, {len(s['warc_files'])} WARC file(s) closed"
    )
    if s["sites_failing"]:
        line += (f"\nwarning: every capture failed extraction on {', '.join(s['sites_failing'])}"
                 " (a redesign, paywall or consent wall?): check their CSS overrides")
    return line
