"""Crawl throughput and archive size: redline's archival crawl against bare Scrapy.

A local newsroom of N byte-identical articles (noise off) is crawled, in one run:
  1. by bare Scrapy (same settings, nothing archived): the baseline,
  2. by `redline crawl` archiving only (REDLINE_TRACK off): the WARC capture cost,
  3. by `redline crawl` with extraction, diffing and indexing,
  4. again unchanged (conditional requests: 304 -> revisit records).
Prints pages per second, the ratio to bare Scrapy, and archive bytes per article.

    .venv/bin/python bench/crawl.py [--articles 2000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.newsroom import Newsroom  # noqa: E402

CONFIG = """\
archive_dir = "archive"
database = "redline.db"
[[sites]]
name = "bulk"
sitemaps = ["{base}/sitemap-index.xml"]
article_pattern = "^{pattern}/\\\\d{{4}}/\\\\d{{2}}/"
max_per_pass = 100000
"""


def timed(command: list[str], env: dict | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    return time.perf_counter() - started, result.stdout


def archive_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in (directory / "archive").glob("*.warc.gz"))


def redline_pass(directory: Path, base: str, *, track: bool) -> tuple[float, dict]:
    config = directory / "redline.toml"
    config.write_text(CONFIG.format(base=base, pattern=base.replace(".", "\\\\.")))
    code = (
        "import sys, json; from redline.config import load_config; from pathlib import Path;"
        "from crawler.run import run_pass;"
        f"print(json.dumps(run_pass(load_config(Path({str(config)!r})), recheck='all',"
        f" track={track})))"
    )
    seconds, out = timed([sys.executable, "-c", code])
    return seconds, json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    n = parser.parse_args().articles
    with Newsroom.bulk(n, noise=False) as room, tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bare_s, out = timed(
            [sys.executable, "bench/bare_crawl.py", f"{room.base_url}/sitemap-index.xml"]
        )
        fetched = int(out.strip().splitlines()[-1])
        assert fetched == n, f"bare Scrapy fetched {fetched} of {n}"
        arch_dir, full_dir = tmp / "archive-only", tmp / "full"
        arch_dir.mkdir(), full_dir.mkdir()
        arch_s, arch = redline_pass(arch_dir, room.base_url, track=False)
        full_s, full = redline_pass(full_dir, room.base_url, track=True)
        first_bytes = archive_bytes(full_dir)
        again_s, again = redline_pass(full_dir, room.base_url, track=True)
        added = archive_bytes(full_dir) - first_bytes
    rate = lambda s: n / s  # noqa: E731
    print(f"local newsroom, {n} byte-identical articles; wall-clock incl. process start-up")
    print(f"  bare Scrapy (baseline)          {rate(bare_s):8.1f} pages/s")
    print(
        f"  redline, archiving only         {rate(arch_s):8.1f} pages/s  "
        f"ratio {bare_s / arch_s:.2f}"
    )
    print(
        f"  redline, archive+extract+index  {rate(full_s):8.1f} pages/s  "
        f"ratio {bare_s / full_s:.2f}  ({full['new_articles']} new articles)"
    )
    print(
        f"  redline, unchanged recrawl      {rate(again_s):8.1f} pages/s  "
        f"ratio {bare_s / again_s:.2f}  ({again['unchanged']} unchanged)"
    )
    print(f"  archive bytes per article, first crawl:      {first_bytes / n:8.0f}")
    print(f"  archive bytes per article, unchanged recrawl: {added / n:8.0f}")


if __name__ == "__main__":
    main()
