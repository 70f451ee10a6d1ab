"""Notifications through Apprise to real local receivers: `json://` webhooks posting to an
HTTP server on 127.0.0.1 (no internet). Changes come from the real tracker; each pass
goes through redline.notify as the crawl's does (tests/test_notify_crawl.py runs the
commands end to end)."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from archive import index
from archive.index import CaptureRow
from diffing.article import Article
from diffing.extract import EXTRACTOR_VERSION
from redline import notify
from redline.cli import main
from redline.config import DEFAULT_INTERVALS, load_config, parse_duration
from redline.schedule import iso
from redline.tracker import Tracker
from tests.crawling import ROOT

INTERVALS = tuple((parse_duration(a), parse_duration(b)) for a, b in DEFAULT_INTERVALS)
T0 = datetime(2026, 11, 28, 4, 0, tzinfo=timezone.utc)
BODY = (
    "The council approved the plan on Monday after a long debate.",
    "Residents had asked for more time to comment on the proposals.",
)


class Receiver:
    """A webhook on 127.0.0.1 that keeps every JSON post; `status` is what it answers."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.status = 200
        self.on_post = None  # called with each post first; True: hang up, no answer
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                post = json.loads(self.rfile.read(length))
                if receiver.on_post and receiver.on_post(post):
                    return  # hung up: no answer
                if receiver.status == 200:
                    receiver.posts.append(post)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"json://127.0.0.1:{self.port}/"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def titles(self) -> list[str]:
        return [p["title"] for p in self.posts]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    made: list[Receiver] = []

    def make() -> Receiver:
        made.append(Receiver())
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def write_config(tmp_path, *targets: str, extra: str = "") -> object:
    """A config with sites "news" and "other" and these [[notify]] tables (TOML bodies)."""
    text = "".join(
        f'[[sites]]\nname = "{name}"\nfeeds = ["https://{name}.example/rss.xml"]\n'
        for name in ("news", "other")
    )
    text += "".join(f"[[notify]]\n{body}\n" for body in targets) + extra
    path = tmp_path / "redline.toml"
    path.write_text(text)
    return load_config(path)


class Newsdesk:
    """Records changes through the real tracker: each edit is a headline change."""

    def __init__(self, db) -> None:
        self.db, self.tracker, self.n = db, Tracker(db, INTERVALS), 0

    def capture(self, slug: str, headline: str, site: str = "news", modified=None) -> None:
        self.n += 1
        url = f"https://{site}.example/2026/11/{slug}"
        row = CaptureRow(
            record_id=f"<urn:uuid:{self.n:08d}>", record_type="response", url=url,
            warc_file="test.warc.gz", warc_offset=self.n, warc_length=1, http_status=200,
            payload_digest=f"sha1:{self.n}", refers_to=None,
            fetched_at=iso(T0 + timedelta(minutes=self.n)),
        )  # fmt: skip
        capture_id = index.insert_capture(self.db, row)
        article = Article(url=url, headline=headline, paragraphs=BODY, modified=modified,
                          extractor=EXTRACTOR_VERSION)  # fmt: skip
        self.tracker.track(capture_id, row, article, site=site)

    def edits(self, count: int, slug: str = "story", site: str = "news") -> list[str]:
        """`count` headline changes to one article (its first capture made if needed)."""
        if not self.db.execute("select 1 from articles where url like ?", [f"%/{slug}"]).fetchone():
            self.capture(slug, f"{slug} version 0", site)
        made = []
        for _ in range(count):
            headline = f"{slug} version {self.n + 1}"
            self.capture(slug, headline, site)
            made.append(headline)
        return made


def one_pass(db, config, desk: Newsdesk | None = None, edits: int = 0, **where) -> dict:
    """A notifying pass as the crawl makes it: begin, record the pass's changes, finish."""
    notify.begin_pass(db, config)
    made = desk.edits(edits, **where) if desk and edits else []
    result = notify.finish_pass(db, config)
    result["made"] = made
    return result


def title(headline: str) -> str:
    return f"{headline} (headline, silent edit)"


def test_each_change_arrives_once_oldest_first_with_card_and_permalink(tmp_path, receivers):
    receiver = receivers()
    config = write_config(
        tmp_path, f'url = "{receiver.url}"', extra='[publish]\nbase_url = "https://c.example/"\n'
    )
    db = index.open_index(config.database)
    desk = Newsdesk(db)
    desk.capture("story", "story version 0")  # a first capture is no change
    result = one_pass(db, config, desk, 3)
    assert result["sent"] == 3 and result["failed_targets"] == []
    assert receiver.titles() == [title(h) for h in result["made"]]
    post = receiver.posts[0]
    assert post["message"].splitlines()[0] == "https://c.example/diffs/1-1-2.html"
    assert "headline: story version [-0-]{+2+}" in post["message"]
    (attachment,) = post["attachments"]
    assert attachment["mimetype"] == "image/png"
    assert attachment["filename"].startswith("Diff card: news changed the headline")
    assert "“story version 0”" in attachment["filename"]
    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(attachment["base64"])))
    assert image.size == (1200, 675)
    assert one_pass(db, config)["sent"] == 0, "nothing new: nothing sent again"
    assert len(receiver.posts) == 3


def test_thirty_changes_go_out_as_twenty_then_ten(tmp_path, receivers):
    receiver = receivers()
    config = write_config(tmp_path, f'url = "{receiver.url}"')
    db = index.open_index(config.database)
    desk = Newsdesk(db)
    first = one_pass(db, config, desk, 30)
    assert first["sent"] == 20 and receiver.titles() == [title(h) for h in first["made"][:20]]
    second = one_pass(db, config, desk, 0)
    assert second["sent"] == 10
    assert receiver.titles() == [title(h) for h in first["made"]], "in order, none twice"
    assert one_pass(db, config)["sent"] == 0


def test_a_failing_target_gets_its_changes_at_the_next_pass(tmp_path, receivers):
    good, flaky = receivers(), receivers()
    config = write_config(tmp_path, f'url = "{good.url}"', f'url = "{flaky.url}"')
    db = index.open_index(config.database)
    desk = Newsdesk(db)
    flaky.status = 500
    first = one_pass(db, config, desk, 3)
    assert first["sent"] == 3 and len(good.posts) == 3 and flaky.posts == []
    (failed,) = first["failed_targets"]
    assert failed["target"] == f"notify[1] json://127.0.0.1:{flaky.port}"
    assert "500" in failed["reason"]
    flaky.status = 200
    second = one_pass(db, config, desk, 2)
    assert second == {"sent": 7, "failed_targets": [], "made": second["made"]}
    assert flaky.titles() == [title(h) for h in first["made"] + second["made"]]
    assert good.titles() == flaky.titles(), "the good target got each change once"


def test_filters_pick_the_changes_a_target_wants(tmp_path, receivers):
    everything, other_site, bylines, substantive, acknowledged = (receivers() for _ in range(5))
    config = write_config(
        tmp_path,
        f'url = "{everything.url}"',
        f'url = "{other_site.url}"\nsites = ["other"]',
        f'url = "{bylines.url}"\nkinds = ["byline", "body"]',
        f'url = "{substantive.url}"\nsignificance = "substantive"',
        f'url = "{acknowledged.url}"\nsilent = false',
    )
    db = index.open_index(config.database)
    desk = Newsdesk(db)
    desk.capture("a", "Mayor resigns")
    desk.capture("b", "Flood warning", site="other", modified="2026-11-28T00:00:00.000000Z")
    notify.begin_pass(db, config)
    desk.capture("a", "Mayor Resigns")  # letter case only: minor
    # substantive, and acknowledged by a later modification date
    desk.capture("b", "Flood warning lifted", site="other", modified="2026-11-28T09:00:00.000000Z")
    result = notify.finish_pass(db, config)
    assert result["sent"] == 5
    lifted = "Flood warning lifted (headline)"
    assert everything.titles() == [title("Mayor Resigns"), lifted]
    assert other_site.titles() == [lifted] and substantive.titles() == [lifted]
    assert acknowledged.titles() == [lifted]
    assert bylines.posts == [], "headline changes only"


def test_a_new_target_starts_from_the_changes_after_it_was_added(tmp_path, receivers):
    old, new = receivers(), receivers()
    config = write_config(tmp_path, f'url = "{old.url}"')
    db = index.open_index(config.database)
    desk = Newsdesk(db)
    before = one_pass(db, config, desk, 2)["made"]
    desk.edits(1)  # recorded with no pass notifying (plain ingest, reindex): never sent
    config = write_config(tmp_path, f'url = "{old.url}"', f'url = "{new.url}"')
    after = one_pass(db, config, desk, 2)["made"]
    assert new.titles() == [title(h) for h in after]
    assert old.titles() == [title(h) for h in before + after]


def test_a_killed_pass_resends_at_most_the_change_in_flight(tmp_path, receivers):
    """The process dies while the receiver holds the second message: the next pass sends
    that one again and the rest, nothing else twice."""
    receiver = receivers()
    config = write_config(tmp_path, f'url = "{receiver.url}"')
    db = index.open_index(config.database)
    desk = Newsdesk(db)
    notify.begin_pass(db, config)
    made = desk.edits(4)
    db.conn.close()
    script = (
        "import sys; from pathlib import Path; from archive.index import open_index;"
        " from redline.config import load_config; from redline.notify import finish_pass;"
        " c = load_config(Path(sys.argv[1])); finish_pass(open_index(c.database), c)"
    )
    worker = subprocess.Popen([sys.executable, "-c", script, str(config.path)], cwd=ROOT)

    def kill_on_second(post: dict) -> bool:
        if len(receiver.posts) != 1:
            return False
        receiver.posts.append(post)  # it arrived; the answer never will
        worker.kill()
        worker.wait()
        return True

    receiver.on_post = kill_on_second
    assert worker.wait(timeout=60) != 0
    receiver.on_post = None
    db = index.open_index(config.database)
    assert notify.send_pending(db, config, notify.load_targets(config))["sent"] == 3
    assert receiver.titles() == [title(made[0]), title(made[1])] + [title(h) for h in made[1:]]


def test_secrets_stay_out_of_answers_and_logs(tmp_path, receivers, caplog, monkeypatch):
    receiver = receivers()
    receiver.status = 500
    monkeypatch.setenv("HOOK_PASSWORD", "S3cretPassw0rd")
    url = f"json://bot:${{HOOK_PASSWORD}}@127.0.0.1:{receiver.port}/hooks/S3cretPath"
    config = write_config(tmp_path, f'url = "{url}"')
    db = index.open_index(config.database)
    desk = Newsdesk(db)
    caplog.set_level("DEBUG")
    result = one_pass(db, config, desk, 1)
    assert result["sent"] == 0 and len(result["failed_targets"]) == 1
    shown = json.dumps(result) + caplog.text + repr(config.notify)
    assert "notification target notify[0] json://127.0.0.1" in caplog.text
    assert "S3cret" not in shown


def test_notify_test_prints_each_targets_answer(tmp_path, receivers):
    good, down = receivers(), receivers()
    down.status = 500
    config = write_config(tmp_path, f'url = "{good.url}"', f'url = "{down.url}"')
    result = CliRunner().invoke(main, ["notify", "--test", "-c", str(config.path)])
    assert result.exit_code == 69, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"notify[0] json://127.0.0.1:{good.port}: accepted"
    assert lines[1].startswith(f"notify[1] json://127.0.0.1:{down.port}: ") and "500" in lines[1]
    (post,) = good.posts
    assert post["title"].startswith("redline test: ") and post["attachments"]
    assert down.posts == []


def test_notify_test_without_targets_is_a_config_error(tmp_path):
    config = write_config(tmp_path)
    result = CliRunner().invoke(main, ["notify", "--test", "-c", str(config.path)])
    assert result.exit_code == 2 and "[[notify]]" in result.output


def test_an_unknown_scheme_is_a_failing_target_not_a_crash(tmp_path):
    config = write_config(tmp_path, 'url = "nosuchservice://x/y"')
    db = index.open_index(config.database)
    result = one_pass(db, config, Newsdesk(db), 1)
    assert result["sent"] == 0
    assert result["failed_targets"] == [
        {"target": "notify[0]", "reason": "not an Apprise URL redline can send to"}
    ]


def test_no_targets_no_notification_state(tmp_path):
    config = write_config(tmp_path)
    db = index.open_index(config.database)
    assert one_pass(db, config, Newsdesk(db), 2)["sent"] == 0
    assert db.execute("select count(*) from notify_targets").fetchone()[0] == 0
    assert os.path.exists(config.database)
