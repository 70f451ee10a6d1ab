"""CDXJ index lines of real WARCs written by other tools."""

from __future__ import annotations

import io
import json
import subprocess
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.cdxj import CdxjError, CdxjLine, index_warc, index_warcs, surt, write_cdxj
from tests.replay import tools_bin

INDEXED = ("response", "revisit", "resource")


def verdicts(warc_fixtures: Path) -> dict:
    return json.loads((warc_fixtures / "expected-verdicts.json").read_text())


def fixtures_with(warc_fixtures: Path, verdict: str, suffixes: tuple[str, ...]) -> list[Path]:
    names = [n for n, v in verdicts(warc_fixtures).items() if v["verdict"] == verdict]
    return [warc_fixtures / n for n in sorted(names) if n.endswith(suffixes)]


@pytest.fixture(scope="module")
def readable_warcs(warc_fixtures: Path) -> list[Path]:
    paths = fixtures_with(warc_fixtures, "readable", (".warc.gz", ".warc"))
    assert len(paths) > 30
    return paths


def record_in_range(path: Path, line: CdxjLine):
    """The one WARC record the line's offset/length address, and its type."""
    with open(path, "rb") as f:
        f.seek(int(line.fields["offset"]))
        data = f.read(int(line.fields["length"]))
    if path.name.endswith(".gz"):
        inflater = zlib.decompressobj(wbits=31)
        data = inflater.decompress(data) + inflater.flush()
        assert inflater.eof and inflater.unused_data == b"", f"{path}: not one gzip member"
    records = []
    for record in ArchiveIterator(io.BytesIO(data)):
        records.append((record.rec_type, dict(record.rec_headers.headers)))
        record.raw_stream.read()
    assert len(records) == 1, f"{path} {line.fields['offset']}: {len(records)} records"
    return records[0]


def test_every_line_lands_on_exactly_its_record(readable_warcs: list[Path]) -> None:
    checked = 0
    for path in readable_warcs:
        for line in index_warc(path):
            rec_type, headers = record_in_range(path, line)
            assert rec_type in INDEXED
            assert (rec_type == "revisit") == (line.fields.get("mime") == "warc/revisit")
            uri = headers["WARC-Target-URI"].strip("<>").replace(" ", "%20")
            assert uri == line.fields["url"]
            assert line.timestamp == "".join(c for c in headers["WARC-Date"] if c.isdigit())[:14]
            assert line.fields["filename"] == path.name
            checked += 1
    assert checked > 300


def test_lines_count_every_indexed_record(warc_fixtures: Path) -> None:
    expected = verdicts(warc_fixtures)
    for path in fixtures_with(warc_fixtures, "readable", (".warc.gz", ".warc", ".arc", ".arc.gz")):
        types = expected[str(path.relative_to(warc_fixtures))]["record_types"]
        assert len(index_warc(path)) == sum(types.get(t, 0) for t in INDEXED), path


def test_written_lines_are_sorted_bytewise(readable_warcs: list[Path]) -> None:
    lines, problems = index_warcs(readable_warcs)
    out = io.StringIO()
    write_cdxj(lines, out)
    text = out.getvalue().splitlines()
    assert problems == []
    assert len(text) == len(lines)
    assert [t.encode() for t in text] == sorted(t.encode() for t in text)
    _, ts, fields = text[0].split(" ", 2)
    assert len(ts) == 14 and ts.isdigit()
    assert set(json.loads(fields)) >= {"url", "length", "offset", "filename"}


CDXJ_INDEXER = """
import io, json, sys
from cdxj_indexer.main import write_cdx_index
for path in json.load(sys.stdin):
    out = io.StringIO()
    write_cdx_index(out, [path], {"sort": True, "records": sys.argv[1]})
    sys.stdout.write(out.getvalue())
"""


def test_matches_cdxj_indexer_byte_for_byte(warc_fixtures: Path) -> None:
    """Every file's lines equal what webrecorder's cdxj-indexer writes for it."""
    paths = fixtures_with(warc_fixtures, "readable", (".warc.gz", ".warc", ".arc", ".arc.gz"))
    theirs = subprocess.run(
        [str(tools_bin("python")), "-c", CDXJ_INDEXER, ",".join(INDEXED)],
        input=json.dumps(list(map(str, paths))).encode(),
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout.decode("utf-8")
    ours = io.StringIO()
    for path in paths:
        write_cdxj(index_warc(path), ours)
    assert len(theirs.splitlines()) > 300
    assert ours.getvalue().splitlines() == theirs.splitlines()


def test_revisits_keep_the_original_digest(warc_fixtures: Path) -> None:
    lines = index_warc(warc_fixtures / "warcio" / "example.warc.gz")
    by_mime = {line.fields["mime"]: line for line in lines}
    assert set(by_mime) == {"text/html", "warc/revisit"}
    assert by_mime["warc/revisit"].fields["digest"] == by_mime["text/html"].fields["digest"]
    assert by_mime["warc/revisit"].key == "com,example)/"


def test_defective_files_are_named_and_the_rest_indexed(warc_fixtures: Path) -> None:
    bad = warc_fixtures / "warcio" / "example-bad-non-chunked.warc.gz"
    good = warc_fixtures / "warcio" / "example.warc.gz"
    with pytest.raises(CdxjError) as caught:
        index_warc(bad)
    assert str(bad) in str(caught.value)
    assert "gzip member" in str(caught.value)
    lines, problems = index_warcs([bad, good, warc_fixtures / "no-such.warc.gz"])
    assert len(lines) == 2 and {line.fields["filename"] for line in lines} == {good.name}
    assert len(problems) == 2
    assert "example-bad-non-chunked" in problems[0] and "no-such.warc.gz" in problems[1]


def test_open_file_as_one_gzip_member_gives_no_byte_ranges(warc_fixtures: Path) -> None:
    # a still-open gowarc file: readable whole, but no record can be reached by offset
    path = warc_fixtures / "gowarc" / "good.warc.gz.open"
    with pytest.raises(CdxjError, match="good.warc.gz.open"):
        index_warc(path)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://example.com/path/file.html", "com,example)/path/file.html"),
        ("http://www.archive.org/", "org,archive)/"),
        ("https://www.Example.com:443/A/b/?z=1&a=2#frag", "com,example)/a/b?a=2&z=1"),
        ("http://example.com:8080/", "com,example:8080)/"),
        ("http://example.com?example=1", "com,example)/?example=1"),
        ("http://test@example.com/", "com,example)/"),
        ("http://www2.example.com/a/./b/../c//d/", "com,example)/a/c/d"),
        ("http://example.com/?b=2&a=1&A=3", "com,example)/?a=1&a=3&b=2"),
        ("http://example.com/?", "com,example)/"),
        ("example.com/no-scheme", "com,example)/no-scheme"),
        ("http://bücher.example/", "example,xn--bcher-kva)/"),
        ("http://3232235777/", "1,1,168,192)/"),
        ("http://example.com/caf%C3%A9%7e", "com,example)/caf%c3%a9~"),
        ("file:///example%20with%20spaces.png", "file:/example%20with%20spaces.png"),
        ("metadata://gnu.org/software/wget/warc/wget.log", "org,gnu)/software/wget/warc/wget.log"),
        ("urn:some:id", "urn:some:id"),
    ],
)
def test_surt_known_examples(url: str, key: str) -> None:
    assert surt(url) == key


SURT_PROBES = [
    "HTTP://EXAMPLE.COM",
    "https://example.com:80/x",
    "http://example.com:80/x",
    "http://example.com/a b?q=a b",
    "http://example.com/caf\u00e9?x=\u00fc",
    "http://example.com/%252F%2Fx",
    "http://http://example.com/double-scheme",
    "http:////www.example.com/slashes",
    "http://example.com/x;jsessionid=1?jsessionid=0123456789abcdef0123456789abcdef&a=1",
    "http://example.com/?a&b=&c=1",
    "http://..example.com../x",
    "https://news.example/2026/11/story?ref=rss&utm_source=x",
    "dns:example.com",
    "http://example.com/%7Euser/index.html?%41=%42",
    "https://?nXL",
    "https://.xru%C3%A9t6Bc?@VA01",
    "http://./x?q=1",
    "http://caf\u00e9.example:8080/\u00e9?b=\u00e9&a",
]


def test_surt_agrees_with_the_surt_package(tmp_path: Path) -> None:
    python = tools_bin("python")
    script = "import json,sys,surt; print(json.dumps([surt.surt(u) for u in json.load(sys.stdin)]))"
    done = subprocess.run(
        [str(python), "-c", script],
        input=json.dumps(SURT_PROBES),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert [surt(url) for url in SURT_PROBES] == json.loads(done.stdout)
