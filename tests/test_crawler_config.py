"""The crawler runs on the Config the command loaded: it never reads redline.toml again.

(Only plain `scrapy crawl news` has no command to load it: the spider loads it once, in
from_crawler; tests/test_cron.py runs that from the repository root.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from redline.newsroom import Newsroom
from tests.crawling import write_config

# A command's side: load the config, then the file changes under the running crawl.
SCRIPT = """
import json, sys
from pathlib import Path
from crawler.run import run_pass
from redline.config import load_config

path = Path(sys.argv[1])
config = load_config(path)
path.write_text("this is no longer [toml")
print(json.dumps(run_pass(config)))
"""


def test_a_crawl_never_rereads_the_config_file(tmp_path):
    with Newsroom(articles=2, seed=3, noise=False) as room:
        config = write_config(tmp_path, room.base_url)
        env = dict(os.environ, PYTHONWARNINGS="ignore", REDLINE_CONFIG=str(config))
        result = subprocess.run([sys.executable, "-c", SCRIPT, str(config)], cwd=tmp_path,
                                env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["new_articles"] == 2 and summary["unexpected_errors"] == 0
    assert config.read_text() == "this is no longer [toml"
