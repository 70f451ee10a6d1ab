"""The tracker on its own, with a controlled clock: A/B flip-flops, budgets, schedules."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from archive import index
from archive.index import CaptureRow
from diffing.article import Article
from redline.config import DEFAULT_INTERVALS, parse_duration
from redline.planner import due_articles
from redline.schedule import iso
from redline.tracker import Tracker

INTERVALS = tuple((parse_duration(a), parse_duration(b)) for a, b in DEFAULT_INTERVALS)
T0 = datetime(2026, 11, 28, 4, 0, tzinfo=timezone.utc)
BODY = (
    "The council approved the plan on Monday after a long debate.",
    "Residents had asked for more time to comment on the proposals.",
)


def capture(db, n: int, url: str, when: datetime) -> tuple[int, CaptureRow]:
    row = CaptureRow(
        record_id=f"<urn:uuid:{n:08d}>",
        record_type="response",
        url=url,
        warc_file="test.warc.gz",
        warc_offset=n,
        warc_length=1,
        http_status=200,
        payload_digest=f"sha1:{n}",
        refers_to=None,
        fetched_at=iso(when),
    )
    return index.insert_capture(db, row), row


def test_a_headline_ab_test_is_reported_once_per_distinct_version(tmp_path):
    db = index.open_index(tmp_path / "r.db")
    tracker = Tracker(db, INTERVALS)
    url = "https://news.example/2026/11/story"
    versions = ["Mayor resigns", "Mayor quits", "Mayor resigns", "Mayor quits", "Mayor steps down"]
    outcomes = []
    for n, headline in enumerate(versions):
        cid, row = capture(db, n, url, T0 + timedelta(minutes=20 * n))
        outcomes.append(
            tracker.track(
                cid, row, Article(url=url, headline=headline, paragraphs=BODY), site="news"
            )
        )
    assert [o.verdict for o in outcomes] == ["new", "changed", "changed", "changed", "changed"]
    assert [o.revision for o in outcomes] == [1, 2, 3, 4, 5]
    revisions = list(db.query("select number, repeats from revisions order by number"))
    assert [(r["number"], r["repeats"]) for r in revisions] == [
        (1, None),
        (2, None),
        (3, 1),
        (4, 2),
        (5, None),
    ]
    changes = list(db.query("select from_revision, to_revision, headline_after from changes"))
    assert [(c["from_revision"], c["to_revision"], c["headline_after"]) for c in changes] == [
        (1, 2, "Mayor quits"),
        (4, 5, "Mayor steps down"),
    ]


def test_a_thin_capture_is_an_extraction_failure_not_a_deletion(tmp_path):
    db = index.open_index(tmp_path / "r.db")
    tracker = Tracker(db, INTERVALS)
    url = "https://news.example/2026/11/paywalled"
    cid, row = capture(db, 1, url, T0)
    tracker.track(cid, row, Article(url=url, headline="Story", paragraphs=BODY), site="news")
    cid, row = capture(db, 2, url, T0 + timedelta(hours=1))
    wall = Article(url=url, headline="Story", paragraphs=("Subscribe to read.",))
    assert tracker.track(cid, row, wall, site="news").verdict == "error"
    assert db.execute("select count(*) from changes").fetchone()[0] == 0


def test_rechecks_are_due_by_schedule_and_most_overdue_first(tmp_path):
    db = index.open_index(tmp_path / "r.db")
    tracker = Tracker(db, INTERVALS)
    for n, age in enumerate([timedelta(minutes=10), timedelta(days=2), timedelta(hours=5)]):
        url = f"https://news.example/2026/11/s{n}"
        cid, row = capture(db, n, url, T0 - age)
        tracker.track(cid, row, Article(url=url, headline=f"S{n}", paragraphs=BODY), site="news")
    # next checks: s0 at -10m+15m, s1 at -2d+15m, s2 at -5h+15m (each changed at capture)
    due = due_articles(db, "news", "due", limit=10, now=T0)
    assert [r.url.rsplit("/", 1)[-1] for r in due] == ["s1", "s2"], "most overdue first"
    assert len(due_articles(db, "news", "due", limit=1, now=T0)) == 1, "the budget holds"
    assert len(due_articles(db, "news", "all", limit=10, now=T0)) == 3
    assert due_articles(db, "news", "none", limit=10, now=T0) == []
    later = T0 + timedelta(minutes=6)
    assert [
        r.url.rsplit("/", 1)[-1] for r in due_articles(db, "news", "due", limit=10, now=later)
    ] == ["s1", "s2", "s0"]


def test_tracking_a_capture_is_one_transaction(tmp_path):
    """A failure after the article row is written (here a trigger refusing the revision;
    in life a kill or a full disk) leaves nothing of that capture's tracking behind.
    sqlite-utils commits each write made outside a transaction, so `with conn:` alone
    did not make one: a crawl killed mid-tracking left articles with no revision."""
    import sqlite3

    import pytest

    db = index.open_index(tmp_path / "r.db")
    db.execute(
        "create trigger refuse before insert on revisions begin select raise(abort, 'refused'); end"
    )
    tracker = Tracker(db, INTERVALS)
    url = "https://news.example/2026/11/story"
    cid, row = capture(db, 1, url, T0)
    with pytest.raises(sqlite3.IntegrityError):
        tracker.track(
            cid, row, Article(url=url, headline="Mayor resigns", paragraphs=BODY), site="news"
        )
    assert db.execute("select count(*) from articles").fetchone()[0] == 0
    assert db.execute("select verdict from captures where id = ?", [cid]).fetchone()[0] is None
    db.execute("drop trigger refuse")
    outcome = tracker.track(
        cid, row, Article(url=url, headline="Mayor resigns", paragraphs=BODY), site="news"
    )
    assert (outcome.verdict, outcome.revision) == ("new", 1)
