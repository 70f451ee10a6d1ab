"""`redline ingest` of other tools' WARCs: captures per second, against the commit before
the speed work (e46f416, checked out beside the tree with `git archive`) in the same run.

The files: the readable fixtures in ../shared/fixtures/warc/ (their verdict in
expected-verdicts.json) and a WARC of real corpus pages written here with warcio: the
extraction benchmark's pages at their own URLs, and the noise-only recaptures (2 to 4
fetches of one page whose article did not change) at their capture dates. Each tree
ingests them into a fresh archive (`python -m redline -c CONFIG ingest FILES`, PYTHONPATH
at the tree, the same venv), alternately, `--repeat` times; the medians are compared.

    .venv/bin/python bench/ingest.py [--repeat 3] [--base e46f416] [--pages N]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.baseline import unpack  # noqa: E402

SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures" / "warc"
CORPUS = SHARED / "corpus"
BASE = "e46f416"  # main before this round's speed work
CONFIG = """archive_dir = "archive"
database = "redline.db"
"""


def readable_fixtures() -> list[Path]:
    verdicts = json.loads((FIXTURES / "expected-verdicts.json").read_text())
    names = sorted(n for n, v in verdicts.items() if v.get("verdict") == "readable")
    return [FIXTURES / n for n in names if (FIXTURES / n).is_file()]


def corpus_pages(limit: int | None) -> list[tuple[str, datetime, bytes]]:
    """(url, fetched at, HTML) of the benchmark's pages and the noise-only recaptures."""
    pages = []
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    folder = CORPUS / "pages-extraction-benchmark"
    for n, entry in enumerate(json.loads((folder / "manifest.json").read_text())):
        html = (folder / entry["path"]).read_bytes()
        pages.append((entry["url"], start + timedelta(minutes=n), html))
    folder = CORPUS / "recaptures-noise-only"
    for entry in json.loads((folder / "manifest.json").read_text()):
        url = f"https://{entry['name']}.example/article"
        for version in entry["versions"]:
            when = datetime.fromisoformat(version["date"]).astimezone(timezone.utc)
            pages.append((url, when, (folder / entry["name"] / version["file"]).read_bytes()))
    return pages[:limit]


def write_corpus_warc(path: Path, pages: list[tuple[str, datetime, bytes]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, when, html in pages:
            head = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(html)))],
                protocol="HTTP/1.1",
            )
            date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(html),
                http_headers=head,
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_record(record)


def ingest_once(tree: Path, files: list[Path]) -> tuple[float, dict]:
    """Seconds for one ingest of `files` into a fresh archive with the code of `tree`."""
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "redline.toml"
        config.write_text(CONFIG)
        env = {**os.environ, "PYTHONPATH": str(tree)}
        command = [sys.executable, "-m", "redline", "-c", str(config), "ingest", "--json"]
        started = time.perf_counter()
        # cwd: the temporary folder, so `-m` finds redline through PYTHONPATH, not cwd.
        done = subprocess.run(
            [*command, *map(str, files)], cwd=tmp, env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
    if done.returncode not in (0, 65):  # 65: a fixture with faults, listed in the report
        sys.exit(f"ingest failed with {tree}:\n{done.stderr}")
    return seconds, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--base", default=BASE, help="the commit to compare with")
    parser.add_argument("--pages", type=int, default=None, help="corpus pages (default all)")
    args = parser.parse_args()
    if not FIXTURES.is_dir() or not CORPUS.is_dir():
        sys.exit(f"bench/ingest.py: the fixtures and corpus are not under {SHARED}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus-pages.warc.gz"
        pages = corpus_pages(args.pages)
        write_corpus_warc(corpus, pages)
        files = [*readable_fixtures(), corpus]
        base = unpack(args.base, tmp)
        times: dict[str, list[float]] = {"base": [], "now": []}
        reports: dict[str, dict] = {}
        for _ in range(args.repeat):
            for label, tree in (("base", base), ("now", ROOT)):
                seconds, reports[label] = ingest_once(tree, files)
                times[label].append(seconds)
    captures = reports["now"]["captures"]
    print(
        f"ingest of {len(files) - 1} readable fixture files + a WARC of {len(pages)} corpus"
        f" pages: {captures} captures, {reports['now']['extracted']} extracted"
        f" (medians of {args.repeat}, start-up included; {os.cpu_count()} cores,"
        f" load average {os.getloadavg()[0]:.1f} at the end)"
    )
    for label, name in (("base", args.base), ("now", "this tree")):
        t = statistics.median(times[label])
        print(f"  {name:<10} {t:6.1f}s = {reports[label]['captures'] / t:6.1f} captures/s")
    ratio = statistics.median(times["base"]) / statistics.median(times["now"])
    print(f"  ratio      {ratio:6.2f}x {args.base}")


if __name__ == "__main__":
    main()
