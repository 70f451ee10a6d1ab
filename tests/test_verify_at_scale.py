"""`redline verify` as a health check: clean archives of any size pass, also while a crawl
is writing them; only real faults fail it."""

from __future__ import annotations

import random
import time

from archive.verify import verify_archive
from archive.warc_lint import count_gzip_members
from archive.warc_writer import HttpExchange, WarcWriter
from redline.newsroom import Newsroom
from tests.crawling import redline, start_crawl, story_exchange, write_config


def exchange(n: int, rng: random.Random) -> HttpExchange:
    body = rng.randbytes(rng.randint(1_000, 30_000))  # incompressible: the file grows fast
    return story_exchange(n, body, "application/octet-stream")


def test_a_clean_file_of_several_mebibytes_passes(tmp_path):
    """The member count once read only the first MiB: every clean file over 1 MiB failed."""
    rng = random.Random(1)
    with WarcWriter(tmp_path) as writer:
        for n in range(400):
            writer.write_exchange(exchange(n, rng))
    (path,) = tmp_path.glob("*.warc.gz")
    assert path.stat().st_size > 4 << 20
    assert count_gzip_members(path) == 1 + 2 * 400
    report = verify_archive(tmp_path, None)
    problems = [p for p in report.problems if p.kind != "index"]  # no index was built here
    assert problems == [], problems[:3]
    assert report.records == 801


def test_verify_passes_while_a_crawl_writes(tmp_path):
    """Run `verify` again and again during a crawl: the file being written and the rows
    indexed meanwhile are never reported as faults."""
    with Newsroom(articles=150, noise=False) as room:
        config = write_config(tmp_path, room.base_url)
        process = start_crawl(config)
        runs, during = [], 0
        try:
            while process.poll() is None:
                result = redline(config, "verify")
                during += process.poll() is None and bool(
                    list((tmp_path / "archive").glob("*.open"))
                )
                runs.append(result)
                time.sleep(0.05)
        finally:
            process.wait(timeout=120)
        runs.append(redline(config, "verify"))
    failed = [r.stdout[-2000:] + r.stderr[-2000:] for r in runs if r.returncode != 0]
    assert failed == []
    assert during > 0, "no verify ran while the crawl had a file open: the test proved nothing"
