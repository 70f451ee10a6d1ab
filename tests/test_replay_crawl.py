"""A crawled newsroom replays in pywb, revisits included (pywb from .tools-venv)."""

from __future__ import annotations

from archive.warc_reader import iter_records
from redline.newsroom import Newsroom
from tests.crawling import crawl, write_config
from tests.replay import PywbCollection


def stamp(warc_date: str) -> str:
    return warc_date[:19].replace("-", "").replace("T", "").replace(":", "")


def test_articles_and_revisits_replay_with_the_captured_body(tmp_path):
    with Newsroom(articles=3, seed=2, noise=False) as room:
        config = write_config(tmp_path, room.base_url)
        crawl(config)
        crawl(config)
        urls = [room.article_url(s) for s in sorted(room.articles)]
    warcs = sorted((tmp_path / "archive").glob("*.warc.gz"))
    faults: list = []
    records = [r for p in warcs for r in iter_records(p, faults)]
    originals = {r.record_id: r for r in records if r.warc_type == "response"}
    revisits = [r for r in records if r.warc_type == "revisit"]
    profile = {r.record_id: r.headers["WARC-Profile"].rsplit("/", 1)[-1] for r in revisits}
    assert set(profile.values()) == {"identical-payload-digest", "server-not-modified"}
    with PywbCollection(warcs) as pywb:
        for url in urls:
            first = next(r for r in originals.values() if r.target_uri == url)
            status, _, body = pywb.fetch_id(url, stamp(first.date))
            assert status == 200 and body == first.payload
        for revisit in revisits:
            status, _, body = pywb.fetch_id(revisit.target_uri, stamp(revisit.date))
            if profile[revisit.record_id] == "server-not-modified":
                assert status == 304, "a 304 replays as the status it was captured with"
                continue
            assert status == 200, f"revisit {revisit.record_id} did not resolve"
            assert body == originals[revisit.refers_to].payload
