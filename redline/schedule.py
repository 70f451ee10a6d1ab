"""When to look at an article again: intervals that grow with the time since its last change."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

Intervals = tuple[tuple[timedelta, timedelta], ...]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(dt: datetime) -> str:
    """UTC ISO 8601 with six fractional digits and Z, as the contract says."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def next_check(last_change: datetime, now: datetime, intervals: Intervals) -> datetime | None:
    """The next recheck, or None once the article is older than the last age bound.

    Uses whole durations (timedelta comparisons), never `timedelta.seconds`, which
    ignores whole days: an article changed 2 days ago is 2 days old, not 0 seconds.
    """
    age = now - last_change
    for age_limit, interval in intervals:
        if age < age_limit:
            return now + interval
    return None
