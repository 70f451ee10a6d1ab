"""The replay helper itself: pywb from .tools-venv replays a WARC written by warcio."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.replay import PywbCollection, tools_bin

BODY = "<html><head><title>Gunman kills 11</title></head><body><p>Ümlaut é</p></body></html>"
URL = "http://news.example/2026/11/story?ref=rss"
DATE = "2026-11-28T04:00:00.123456Z"


def write_gzip_response_warc(path: Path) -> bytes:
    """A WARC holding one response whose body is gzip content-coded, as a server sent it."""
    encoded = gzip.compress(BODY.encode("utf-8"), mtime=0)
    headers = StatusAndHeaders(
        "200 OK",
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(encoded))),
        ],
        protocol="HTTP/1.1",
    )
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        record = writer.create_warc_record(
            URL,
            "response",
            payload=io.BytesIO(encoded),
            length=len(encoded),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": DATE},
        )
        writer.write_record(record)
    return encoded


@pytest.fixture(scope="module")
def gzip_warc(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    path = tmp_path_factory.mktemp("replay") / "gzip-body.warc.gz"
    return path, write_gzip_response_warc(path)


def test_tools_bin_finds_programs() -> None:
    for name in ("wb-manager", "wayback", "wacz"):
        assert tools_bin(name).is_file()


@pytest.fixture(scope="module")
def pywb(gzip_warc: tuple[Path, bytes]):
    with PywbCollection([gzip_warc[0]]) as collection:
        yield collection


def test_pywb_replays_gzip_body_via_id(pywb: PywbCollection, gzip_warc: tuple[Path, bytes]) -> None:
    status, headers, body = pywb.fetch_id(URL, "20261128040000")
    raw_status, raw_headers, raw = pywb.fetch_id(URL, "20261128040000", decode=False)
    assert status == 200
    assert headers.get_content_type() == "text/html"
    assert body.decode("utf-8") == BODY
    # pywb either passes the stored coding through or decodes it itself; never half of each
    assert raw_status == 200
    if raw_headers.get("Content-Encoding") == "gzip":
        assert raw == gzip_warc[1]
    else:
        assert raw.decode("utf-8") == BODY


def test_fetch_id_follows_pywb_redirect_to_the_capture(pywb: PywbCollection) -> None:
    status, headers, body = pywb.fetch_id(URL)  # no timestamp: the latest capture
    missing, _, _ = pywb.fetch_id("http://news.example/never-captured")
    assert (status, body.decode("utf-8")) == (200, BODY)
    assert headers["Memento-Datetime"] == "Sat, 28 Nov 2026 04:00:00 GMT"
    assert missing == 404


def test_collection_stops_its_server(gzip_warc: tuple[Path, bytes]) -> None:
    path, _ = gzip_warc
    with PywbCollection([path]) as pywb:
        process = pywb.process
        root = pywb.root
    assert process.poll() is not None
    assert not root.exists()
