"""Crawl throughput, archive size and memory: redline's crawl against bare Scrapy and
against the code before the speed work (issue 14), all in one run.

On the local newsroom (N byte-identical articles, noise off), and again on real pages
(../shared/corpus served through the newsroom, each page under `--copies` URLs):
  1. bare Scrapy (same settings, nothing archived): the baseline,
  2. `redline crawl` archiving only (REDLINE_TRACK off): the WARC capture cost,
  3. `redline crawl` with extraction (in worker processes), diffing and indexing,
  4. the same full crawl by each baseline commit (`--baseline`, unpacked beside this tree:
     e46f416 is main before the speed work, 2812af4 the code whose figures issue 14 quotes),
  5. on the newsroom, again unchanged (conditional requests: 304 -> revisit records).
Prints pages per second, ratios, archive bytes per article, extraction ms per page
(median, p95, in-process), and the crawls' peak memory (the crawl process, and with its
extraction workers); then the peak of a `--memory-pages` crawl against an N-page one.

    .venv/bin/python bench/crawl.py [--articles 2000] [--baseline e46f416,2812af4] [--copies 3]
                                    [--memory-pages 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.baseline import unpack  # noqa: E402
from diffing.extract_pool import extract_data  # noqa: E402
from redline.newsroom import Newsroom  # noqa: E402
from tests.processes import descendants, status_kb  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SITE = """\
archive_dir = "archive"
database = "redline.db"
[[sites]]
name = "bulk"
sitemaps = ["{sitemap}"]
article_pattern = "^{pattern}"
max_per_pass = 1000000
"""
# The bulk newsroom's site, as the soak and the large crash tests crawl it too.
CONFIG = SITE.replace("{sitemap}", "{base}/sitemap-index.xml").replace(
    "{pattern}", "{pattern}/\\\\d{{4}}/\\\\d{{2}}/"
)


class Run:
    def __init__(self, seconds: float, out: str, peak_main: int, peak_tree: int) -> None:
        self.seconds, self.out = seconds, out
        self.peak_main, self.peak_tree = peak_main, peak_tree


def timed(command: list[str], cwd: Path = ROOT) -> Run:
    """Run to the end, sampling the memory of the process and its children every 50 ms."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peaks = [0, 0]

    def sample() -> None:
        while process.poll() is None:
            main = status_kb(process.pid, "VmRSS")
            tree = main + sum(status_kb(p, "VmRSS") for p in descendants(process.pid))
            peaks[0], peaks[1] = max(peaks[0], main), max(peaks[1], tree)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{err[-3000:]}")
    return Run(seconds, out, peaks[0] * 1024, peaks[1] * 1024)


def archive_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in (directory / "archive").glob("*.warc.gz"))


def redline_pass(directory: Path, sitemap: str, pattern: str, *, track: bool,
                 tree: Path = ROOT) -> tuple[Run, dict]:  # fmt: skip
    """One `redline crawl` pass, by the code in `tree` (this one, or the baseline's)."""
    directory.mkdir(exist_ok=True)
    config = directory / "redline.toml"
    config.write_text(SITE.format(sitemap=sitemap, pattern=pattern.replace(".", "\\\\.")))
    code = (
        "import sys, json; from redline.config import load_config; from pathlib import Path;"
        "from crawler.run import run_pass;"
        f"print(json.dumps(run_pass(load_config(Path({str(config)!r})), recheck='all',"
        f" track={track})))"
    )
    run = timed([sys.executable, "-c", code], cwd=tree)  # '' first on sys.path: the tree
    return run, json.loads(run.out.strip().splitlines()[-1])


def bare(sitemap: str) -> Run:
    run = timed([sys.executable, "bench/bare_crawl.py", sitemap])
    run.out = run.out.strip().splitlines()[-1]
    return run


def extraction_ms(room: Newsroom, urls: list[str]) -> tuple[float, float]:
    """Median and p95 of extracting each page in-process, in milliseconds."""
    times = []
    for url in urls:
        page = room.route(url.removeprefix(room.base_url)).body
        started = time.perf_counter()
        extract_data(page, url, None)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)]


def mb(n: int) -> str:
    return f"{n / 1e6:6.0f} MB"


def report(title: str, n: int, runs: dict[str, Run], ms: tuple[float, float]) -> None:
    base = runs["bare"].seconds
    print(title)
    print(f"  extraction per page (in-process): median {ms[0]:.1f} ms, p95 {ms[1]:.1f} ms")
    labels = {
        "bare": "bare Scrapy (baseline)",
        "archive": "redline, archiving only",
        "full": "redline, archive+extract+index",
        **{key: f"  the same, {key[7:]}" for key in runs if key.startswith("before ")},
        "again": "redline, unchanged recrawl",
    }
    for key, label in labels.items():
        if key not in runs:
            continue
        run = runs[key]
        line = f"  {label:32} {n / run.seconds:8.1f} pages/s  ratio {base / run.seconds:.2f}"
        if key == "full":
            line += "".join(
                f"  {runs[k].seconds / run.seconds:.2f}x {k[7:]}"
                for k in labels
                if k[:7] == "before "
            )
        if key != "bare":
            line += f"  peak RSS {mb(run.peak_main)} ({mb(run.peak_tree)} with workers)"
        print(line)


def newsroom_bench(n: int, tmp: Path, trees: dict[str, Path]) -> None:
    with Newsroom.bulk(n, noise=False) as room:
        sitemap = f"{room.base_url}/sitemap-index.xml"
        pattern = f"{room.base_url}/\\\\d{{4}}/\\\\d{{2}}/"
        runs = {"bare": bare(sitemap)}
        assert int(runs["bare"].out) == n, f"bare Scrapy fetched {runs['bare'].out} of {n}"
        runs["archive"], _ = redline_pass(tmp / "archive-only", sitemap, pattern, track=False)
        runs["full"], full = redline_pass(tmp / "full", sitemap, pattern, track=True)
        for commit, tree in trees.items():
            runs[f"before {commit}"], _ = redline_pass(tmp / f"before-{commit}", sitemap,
                                                       pattern, track=True, tree=tree)  # fmt: skip
        first_bytes = archive_bytes(tmp / "full")
        runs["again"], again = redline_pass(tmp / "full", sitemap, pattern, track=True)
        added = archive_bytes(tmp / "full") - first_bytes
        urls = [room.article_url(a.slug) for a in room.live_articles()[:300]]
        ms = extraction_ms(room, urls)
    assert full["new_articles"] == n and again["unchanged"] == n, (full, again)
    report(f"local newsroom, {n} byte-identical articles; wall-clock incl. start-up", n, runs, ms)
    print(f"  archive bytes per article, first crawl:       {first_bytes / n:8.0f}")
    print(f"  archive bytes per article, unchanged recrawl: {added / n:8.0f}")


def real_bench(copies: int, tmp: Path, trees: dict[str, Path]) -> None:
    if not CORPUS.is_dir():
        print(f"real pages: skipped, no corpus at {CORPUS}")
        return
    with Newsroom(articles=0, corpus=CORPUS) as room:
        sitemap = f"{room.base_url}/corpus/sitemap-{copies}.xml"
        pattern = f"{room.base_url}/corpus/"
        runs = {"bare": bare(sitemap)}
        n = int(runs["bare"].out)
        runs["archive"], _ = redline_pass(tmp / "real-archive", sitemap, pattern, track=False)
        runs["full"], full = redline_pass(tmp / "real-full", sitemap, pattern, track=True)
        for commit, tree in trees.items():
            runs[f"before {commit}"], _ = redline_pass(tmp / f"real-before-{commit}", sitemap,
                                                       pattern, track=True, tree=tree)  # fmt: skip
        body = room.route("/corpus/sitemap-1.xml").body.decode()
        urls = [u.split("</loc>")[0] for u in body.split("<loc>")[1:]]
        ms = extraction_ms(room, urls)
    title = f"real pages (../shared/corpus, {n // copies} pages x {copies} URLs); incl. start-up"
    report(title, n, runs, ms)
    print(f"  tracked: {full['new_articles']} new articles, "
          f"{full.get('extraction_failed', 0)} extraction failures")  # fmt: skip


def memory_bench(small: int, large: int, tmp: Path) -> None:
    peaks = {}
    for n in (small, large):
        with Newsroom.bulk(n, noise=False) as room:
            sitemap = f"{room.base_url}/sitemap-index.xml"
            pattern = f"{room.base_url}/\\\\d{{4}}/\\\\d{{2}}/"
            run, summary = redline_pass(tmp / f"memory-{n}", sitemap, pattern, track=True)
        assert summary["new_articles"] == n, summary
        peaks[n] = run
        print(f"  {n:6} pages: {n / run.seconds:6.1f} pages/s, peak RSS {mb(run.peak_main)}"
              f" ({mb(run.peak_tree)} with workers)")  # fmt: skip
    ratio = peaks[large].peak_main / peaks[small].peak_main
    ratio_tree = peaks[large].peak_tree / peaks[small].peak_tree
    print(f"  peak RSS, {large} pages / {small} pages: {ratio:.2f} (with workers {ratio_tree:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument(
        "--baseline", default="e46f416,2812af4", help="commits to compare, comma-separated"
    )
    parser.add_argument("--copies", type=int, default=3, help="URLs per real page")
    parser.add_argument("--memory-pages", type=int, default=20000, help="0 = skip")
    parser.add_argument("--only", choices=["newsroom", "real", "memory"], help="one section")
    args = parser.parse_args()
    commits = [c for c in args.baseline.split(",") if c]
    print(f"{len(os.sched_getaffinity(0))} cores; baseline commits: {', '.join(commits) or 'none'}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        trees = {commit: unpack(commit, tmp) for commit in commits}
        if args.only in (None, "newsroom"):
            newsroom_bench(args.articles, tmp, trees)
        if args.only in (None, "real"):
            real_bench(args.copies, tmp, trees)
        if args.memory_pages and args.only in (None, "memory"):
            print("memory: full crawls of the newsroom")
            memory_bench(args.articles, args.memory_pages, tmp)


if __name__ == "__main__":
    main()
