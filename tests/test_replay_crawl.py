"""A newsroom crawled twice replays in pywb, from the WARCs (`wb-manager add`) and from
`redline export wacz` (`wb-manager add --unpack-wacz`): every capture shows the page
captured, the second round's 304 server-not-modified revisits included, while the WARCs
still say that the server answered 304, and with which headers (pywb and py-wacz from
.tools-venv)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from archive.warc_lint import lint_warcs
from archive.warc_reader import iter_raw_records, iter_records
from archive.warc_records import WarcRecord
from redline.newsroom import Newsroom
from tests.crawling import crawl, redline, write_config
from tests.replay import PywbCollection, h1_text, tools_bin

NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


@dataclass(frozen=True)
class Crawled:
    warcs: list[Path]
    wacz: Path
    records: list[WarcRecord]
    headlines: dict[str, str]  # article URL -> its headline, unchanged across the rounds

    @property
    def captures(self) -> list[WarcRecord]:
        return [r for r in self.records if r.warc_type in ("response", "revisit")]

    @property
    def not_modified(self) -> list[WarcRecord]:
        return [r for r in self.records if r.headers.get("WARC-Profile") == NOT_MODIFIED]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    directory = tmp_path_factory.mktemp("replay")
    with Newsroom(articles=3, seed=2, noise=False) as room:
        config = write_config(directory, room.base_url)
        crawl(config)
        crawl(config)  # unchanged: articles answer 304, feeds the same bytes again
        headlines = {room.article_url(s): a.headline for s, a in room.articles.items()}
    wacz = directory / "newsroom.wacz"
    result = redline(config, "export", "wacz", str(wacz))
    assert result.returncode == 0, result.stderr[-2000:]
    warcs = sorted((directory / "archive").glob("*.warc.gz"))
    faults: list = []
    records = [r for path in warcs for r in iter_records(path, faults)]
    assert faults == []
    return Crawled(warcs, wacz, records, headlines)


def stamp(warc_date: str) -> str:
    return "".join(c for c in warc_date if c.isdigit())[:14]


def test_a_304_stays_a_server_not_modified_revisit_of_the_last_200(crawled):
    by_id = {r.record_id: r for r in crawled.records}
    assert {r.target_uri for r in crawled.not_modified} == set(crawled.headlines)
    for revisit in crawled.not_modified:
        original = by_id[revisit.refers_to]
        assert (original.warc_type, original.http_status) == ("response", 200)
        assert revisit.headers["WARC-Refers-To-Target-URI"] == original.target_uri
        assert revisit.headers["WARC-Refers-To-Date"] == original.date
        assert revisit.payload_digest == original.payload_digest  # what pywb looks up by
        assert revisit.http_status == 304 and revisit.payload == b"" and not revisit.http_headers
        # what the server answered, kept in the revisit's header: its Date and the ETag
        # of the original (the newsroom's Last-Modified goes, as an ETag is there)
        head = json.loads(revisit.headers["WARC-JSON-Metadata"])["not_modified"]
        assert [name for name, _ in head] == ["Date", "Etag"]
        assert head[1][1].strip('"') in original.http_header("ETag")
    assert lint_warcs(crawled.warcs) == []
    for path in crawled.warcs:
        done = subprocess.run(
            [str(tools_bin("warcio")), "check", str(path)], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_304_revisit_has_no_block_and_is_followed_by_its_request(crawled):
    """pywb replays a revisit whose own HTTP head is a 3xx as that head; an empty one it
    resolves to the original. Two records a 304: no metadata record after the request."""
    for path in crawled.warcs:
        raws = list(iter_raw_records(path, []))
        for i, raw in enumerate(raws):
            if raw.field("WARC-Profile") != NOT_MODIFIED:
                continue
            assert (raw.block, raw.field("Content-Length")) == (b"", "0")
            request = raws[i + 1]
            assert request.field("WARC-Concurrent-To") == raw.field("WARC-Record-ID")
            after = raws[i + 2] if i + 2 < len(raws) else None
            assert after is None or after.field("WARC-Refers-To") != raw.field("WARC-Record-ID")


def check_replay(pywb: PywbCollection, crawled: Crawled) -> None:
    """Every capture at its own timestamp: the status and body of the page captured (the
    original's for a revisit), the article's h1, also in the page rewritten for a reader."""
    originals = {r.record_id: r for r in crawled.captures if r.warc_type == "response"}
    for record in crawled.captures:
        page = originals[record.refers_to] if record.warc_type == "revisit" else record
        where = (record.warc_type, record.headers.get("WARC-Profile"), record.target_uri)
        status, headers, body = pywb.fetch_id(record.target_uri, stamp(record.date))
        assert (status, body) == (page.http_status, page.payload), where
        # pywb served this capture, not a neighbour it fell back to
        served = parsedate_to_datetime(headers["Memento-Datetime"])
        assert served == datetime.strptime(stamp(record.date), "%Y%m%d%H%M%S").replace(
            tzinfo=timezone.utc
        ), where
        headline = crawled.headlines.get(record.target_uri)
        if headline is None:
            continue
        assert h1_text(body) == headline, where
        status, _, rewritten = pywb.fetch(record.target_uri, stamp(record.date), "mp_")
        assert status == 200 and h1_text(rewritten) == headline, where


def test_pywb_replays_every_capture_of_the_warcs(crawled):
    assert len(crawled.not_modified) == 3
    with PywbCollection(crawled.warcs) as pywb:
        check_replay(pywb, crawled)


def test_pywb_replays_every_capture_of_the_exported_wacz(crawled):
    with PywbCollection(waczs=[crawled.wacz]) as pywb:
        check_replay(pywb, crawled)
