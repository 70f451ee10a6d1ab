"""Notifications by e-mail end to end: `redline crawl` of the local newsroom sends each
change through Apprise's `mailto://` to a real SMTP server on 127.0.0.1 (aiosmtpd, with
a login over plain SMTP), once, titled in the subject with its card attached; a mail
server that is down for one pass gets that pass's changes at the next."""

from __future__ import annotations

import asyncio
import io
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from click.testing import CliRunner

from redline.cli import main
from redline.newsroom import Newsroom
from tests.crawling import ROOT, crawl, write_config

aiosmtpd = pytest.importorskip("aiosmtpd.smtp", reason="aiosmtpd is in the test extras")

USER, PASSWORD = "redline-bot", "Mai1Passw0rd"
SENDER, DESK = "redline@changes.example.org", "desk@changes.example.org"


class Mailbox:
    """An SMTP server on 127.0.0.1 keeping every message it accepts; it asks for a login
    (plain SMTP, as a local relay would) and can be stopped and started on its port."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.logins: list[tuple[bytes, bytes]] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.port = 0
        self.server = None
        self.start()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def _login(self, server, session, envelope, mechanism, data):
        self.logins.append((data.login, data.password))
        ok = (data.login, data.password) == (USER.encode(), PASSWORD.encode())
        return aiosmtpd.AuthResult(success=ok)

    def _smtp(self):
        return aiosmtpd.SMTP(self, hostname="mail.test", authenticator=self._login,
                             auth_required=True, auth_require_tls=False)  # fmt: skip

    def start(self) -> None:
        made = self.loop.create_server(self._smtp, "127.0.0.1", self.port)
        self.server = asyncio.run_coroutine_threadsafe(made, self.loop).result(10)
        self.port = self.server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        self.server.close()
        asyncio.run_coroutine_threadsafe(self.server.wait_closed(), self.loop).result(10)

    def close(self) -> None:
        self.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def card_of(message: EmailMessage) -> tuple[str, bytes]:
    (part,) = list(message.iter_attachments())
    assert part.get_content_type() == "image/png"
    return part.get_filename(), part.get_payload(decode=True)


# aiosmtpd's own warnings, raised in its thread: a login without TLS (this test's local
# relay), and its own use of a field it deprecates on each successful login
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
@pytest.mark.filterwarnings("ignore:Session.login_data is deprecated:DeprecationWarning")
def test_each_change_arrives_once_by_mail_and_a_server_down_gets_them_next_pass(
    tmp_path, monkeypatch
):
    from PIL import Image

    monkeypatch.setenv("REDLINE_SMTP_PASSWORD", PASSWORD)
    box = Mailbox()
    try:
        with Newsroom(articles=3, seed=7, noise=False) as room:
            url = (f"mailto://{USER}:${{REDLINE_SMTP_PASSWORD}}@127.0.0.1:{box.port}"
                   f"?from={SENDER}&to={DESK}")  # fmt: skip
            extra = (
                '\n[publish]\nbase_url = "https://changes.example.org/"\n'
                f'\n[[notify]]\nurl = "{url}"\n'
            )
            config = write_config(tmp_path, room.base_url, extra=extra)
            assert crawl(config)["notified"] == {"sent": 0, "failed_targets": []}
            first, second = sorted(room.articles)[:2]
            headline = "Council narrowly approves the plan"
            room.edit(first, headline=headline, silent=True)
            # one change a pass: Apprise waits 5.5 s between mails to one SMTP server
            assert crawl(config)["notified"] == {"sent": 1, "failed_targets": []}
            (mail,) = box.messages
            assert mail["Subject"] == f"{headline} (headline, silent edit)"
            assert (mail["From"].addresses[0].addr_spec, mail["To"]) == (SENDER, DESK)
            assert box.envelopes == [(SENDER, [DESK])]
            assert box.logins == [(USER.encode(), PASSWORD.encode())], "the ${ENV} password"
            text = mail.get_body(("plain",)).get_content()
            assert text.startswith("https://changes.example.org/diffs/")
            assert f"{{+{headline}+}}" in text
            alt, png = card_of(mail)
            assert alt.startswith("Diff card: newsroom changed the headline")
            assert Image.open(io.BytesIO(png)).size == (1200, 675)
            made = CliRunner().invoke(
                main, ["card", room.article_url(first), "-o", str(tmp_path / "card.png"),
                       "-c", str(config)],
            )  # fmt: skip
            assert made.exit_code == 0, made.output
            assert made.output.strip() == alt, "the attachment is named with its alt text"
            assert (tmp_path / "card.png").read_bytes() == png, "the change's own card"

            box.stop()
            body = list(room.articles[second].paragraphs)
            body[0] += " Officials later confirmed the figure."
            room.edit(second, paragraphs=body)
            down = crawl(config)["notified"]
            assert down["sent"] == 0 and len(box.messages) == 1
            (failed,) = down["failed_targets"]
            assert failed["target"] == f"notify[0] mailto://127.0.0.1:{box.port}"
            assert PASSWORD not in str(down) and USER not in str(down)

            box.start()
            assert crawl(config)["notified"] == {"sent": 1, "failed_targets": []}
            later = box.messages[1]
            assert later["Subject"] == f"{room.articles[second].headline} (body)"
            alt, png = card_of(later)
            assert alt.startswith("Diff card: newsroom edited the text")
            assert "Added: “Officials later confirmed the figure.”" in alt
            assert len(box.messages) == 2, "each change arrived once"
    finally:
        box.close()


def test_the_short_diff_shows_an_edit_late_in_a_long_paragraph():
    from redline.notify import short_diff

    before = " ".join(f"Sentence {n} of a long paragraph stays as it was." for n in range(12))
    ops = [[0, before], [1, " Officials later confirmed the figure."]]
    change = {"kinds": ["body"], "diff": {"version": 1, "headline": [], "byline": [],
              "body": [{"op": "change", "ops": ops}]}}  # fmt: skip
    assert "{+ Officials later confirmed the figure.+}" in short_diff(change)


def test_the_readmes_notify_examples_are_apprise_urls(tmp_path, monkeypatch):
    """The README's [[notify]] examples load, and Apprise understands each URL."""
    from redline.config import load_config
    from redline.notify import load_targets

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Post edits to Mastodon / Bluesky / Slack / email", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    for name, value in [("MASTODON_TOKEN", "t0ken"), ("BLUESKY_APP_PASSWORD", "abcd-efgh"),
                        ("SLACK_BOT_TOKEN", "xoxb-1234-5678-abcd"), ("SMTP_PASSWORD", "pw")]:  # fmt: skip
        monkeypatch.setenv(f"REDLINE_{name}", value)
    path = tmp_path / "redline.toml"
    site = '[[sites]]\nname = "example"\nfeeds = ["https://news.example/rss.xml"]\n\n'
    path.write_text(site + example)
    targets = load_targets(load_config(path))
    assert [t.label.split("://")[0] for t in targets] == [
        "notify[0] mastodons",
        "notify[1] bsky",
        "notify[2] slack",
        "notify[3] mailtos",
    ]
    assert all(t.sender is not None for t in targets)
    assert targets[0].label == "notify[0] mastodons://mastodon.social" in section
    assert targets[3].label == "notify[3] mailtos://example.org" in section
