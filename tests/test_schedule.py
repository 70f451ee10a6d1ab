"""The recheck schedule, with a controlled clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from redline.config import DEFAULT_INTERVALS, parse_duration
from redline.schedule import next_check

INTERVALS = tuple((parse_duration(a), parse_duration(b)) for a, b in DEFAULT_INTERVALS)
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def test_interval_grows_with_time_since_last_change():
    def gap(age):
        return next_check(NOW - age, NOW, INTERVALS) - NOW

    assert gap(timedelta(minutes=30)) == timedelta(minutes=15)
    assert gap(timedelta(hours=5)) == timedelta(hours=1)
    assert gap(timedelta(days=2)) == timedelta(hours=3)
    assert gap(timedelta(days=10)) == timedelta(days=3)
    assert gap(timedelta(days=100)) == timedelta(days=30)


def test_whole_days_count():
    """diffengine's bug: timedelta.seconds ignores days, so 2 days + 1 minute looked fresh."""
    assert next_check(NOW - timedelta(days=2, minutes=1), NOW, INTERVALS) - NOW == timedelta(
        hours=3
    )


def test_tracking_stops_after_the_last_bound():
    assert next_check(NOW - timedelta(days=400), NOW, INTERVALS) is None
