"""Notifications: the changes a crawl pass (or an `ingest --follow` sweep) records, sent
through Apprise to each [[notify]] target whose filters they pass.

DESIGN's rules: oldest first, at most PER_PASS per target per pass (the rest wait for the
next), a target that fails gets its changes at the next pass, a change a target accepted
is never sent to it again, a new target starts from the changes recorded after it was
added. Which changes each target was given and accepted is kept in the index
(archive/index_notify.py) and carried over by `reindex`. Only the crawl and the follow
sweep call this module: `reindex`, `verify --repair` and plain `ingest` never notify.

Each message: title "Headline (kinds, silent edit)", the permalink of the change's
published page when [publish] base_url is set, a short text diff, and the diff card
(redline/cards.py) attached under its alt text (Mastodon and Bluesky take an
attachment's name as the image description). Target URLs may hold secrets: they are
never logged or stored; a target is named by its scheme and host (Apprise's private form)
and kept in the index by the URL's SHA-256.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from archive import index_notify
from archive.index_rows import ChangeRow

from .config import Config, Notify
from .schedule import iso, utc_now

logger = logging.getLogger(__name__)
PER_PASS = 20  # messages per target per pass: a burst of edits never floods a channel
DIFF_LINES, DIFF_CHARS = 8, 600  # the short text diff in a message


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    alt: str = ""
    png: bytes | None = None


@dataclass(frozen=True)
class Target:
    number: int  # its place among the [[notify]] tables
    settings: Notify
    label: str  # "notify[0] json://127.0.0.1:8080": no secret in it
    sender: object | None  # an apprise.Apprise with the one URL; None when not understood

    @property
    def key(self) -> str:
        return hashlib.sha256(self.settings.url.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Answer:
    target: str
    accepted: bool
    answer: str


def load_targets(config: Config) -> list[Target]:
    """Every [[notify]] target, with its Apprise sender."""
    import apprise

    asset = apprise.AppriseAsset(app_id="redline", app_desc="redline edit tracker")
    targets = []
    for number, settings in enumerate(config.notify):
        with _quiet_apprise():
            plugin = apprise.Apprise.instantiate(settings.url, asset=asset)
        sender = None
        if plugin is not None:
            sender = apprise.Apprise(asset=asset)
            sender.add(plugin)
        targets.append(Target(number, settings, _label(number, plugin), sender))
    return targets


def _label(number: int, plugin) -> str:
    """The target's scheme and host as Apprise shows them privately (userinfo, path and
    query left out: a webhook's path or an ntfy topic can be the secret)."""
    if plugin is None:
        return f"notify[{number}]"
    parts = urlsplit(plugin.url(privacy=True))
    return f"notify[{number}] {parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def wants(settings: Notify, change: dict) -> bool:
    """Whether a change passes the target's filters (all of them)."""
    if settings.sites and change["site"] not in settings.sites:
        return False
    if settings.kinds and not set(settings.kinds) & set(change["kinds"]):
        return False
    if settings.significance == "substantive" and change["significance"] != "substantive":
        return False
    return settings.silent is None or change["silent"] is settings.silent


# a crawl pass
def begin_pass(db, config: Config) -> None:
    """Note where this pass's changes begin (kept until they are queued: a killed pass's
    changes go out with the next one)."""
    if config.notify:
        with db.atomic():
            index_notify.open_pass(db)


def finish_pass(db, config: Config, targets: list[Target] | None = None) -> dict:
    """Give the pass's changes to the targets that want them, then send what waits.
    Returns the summary's `notified`: {"sent", "failed_targets"}."""
    if not config.notify:
        return {"sent": 0, "failed_targets": []}
    targets = load_targets(config) if targets is None else targets
    start = index_notify.pass_start(db)
    rows = index_notify.changes_after(db, start) if start is not None else []
    with db.atomic():
        _queue(db, targets, rows)
        index_notify.close_pass(db)
    return send_pending(db, config, targets)


# an ingest --follow sweep
def sweep_snapshot(db, config: Config) -> set[tuple[str, str]] | None:
    """What the index holds before a sweep (None when nothing is to be notified)."""
    return index_notify.change_keys(db) if config.notify else None


def finish_sweep(db, config: Config, before: set[tuple[str, str]] | None) -> dict:
    """As finish_pass, for the changes a sweep added (those not in `before`)."""
    if not config.notify or before is None:
        return {"sent": 0, "failed_targets": []}
    targets = load_targets(config)
    with db.atomic():
        _queue(db, targets, index_notify.changes_not_in(db, before))
    return send_pending(db, config, targets)


def _queue(db, targets: list[Target], rows: list[ChangeRow]) -> None:
    from .queries import change_json

    now = iso(utc_now())
    changes = [(row, change_json(row)) for row in rows]
    for target in targets:
        target_id = index_notify.target_id(db, target.key, target.label, now)
        for row, change in changes:
            if wants(target.settings, change):
                index_notify.queue(db, target_id, row, now)


def send_pending(db, config: Config, targets: list[Target], limit: int = PER_PASS) -> dict:
    """Up to `limit` waiting changes to each target, oldest first; each accepted one is
    recorded at once, so a kill resends at most the one in flight. A target that fails
    keeps the rest for the next pass."""
    sent, failed = 0, []
    messages: dict[int, Message] = {}  # one card per change, whoever it goes to
    for target in targets:
        with db.atomic():
            target_id = index_notify.target_id(db, target.key, target.label, iso(utc_now()))
        for notification, row in index_notify.pending(db, target_id, limit):
            if row.id not in messages:
                messages[row.id] = message_for(_full_change(row), config.base_url)
            answer = deliver(target, messages[row.id])
            if not answer.accepted:
                logger.warning("notification target %s failed: %s", target.label, answer.answer)
                failed.append({"target": target.label, "reason": answer.answer})
                break
            with db.atomic():
                index_notify.mark_sent(db, notification, iso(utc_now()))
            sent += 1
    return {"sent": sent, "failed_targets": failed}


def _full_change(row: ChangeRow) -> dict:
    from .publish import parse_stored_diff
    from .queries import change_json

    return change_json(row) | {"diff": parse_stored_diff(row.diff)[0]}


# the message
def message_for(change: dict, base_url: str = "") -> Message:
    """A change as a message: title, permalink, short diff, and its card."""
    from .cards import alt_text, make_card

    body = [line for line in (permalink(change, base_url) or change.get("url") or "",) if line]
    body.append(short_diff(change))
    try:
        card = make_card(change)
        png, alt = card.png, card.alt
    except Exception:  # a card is a picture of the message: it never holds one back
        logger.exception("no card for the change to %s", change.get("url"))
        png, alt = None, alt_text(change)
    return Message(title(change), "\n\n".join(body), alt, png)


def title(change: dict) -> str:
    """ "Headline (kinds, silent edit)"."""
    headline = change.get("headline_after") or change.get("headline_before") or change["url"]
    marks = list(change["kinds"]) + (["silent edit"] if change.get("silent") is True else [])
    return f"{' '.join(headline.split())} ({', '.join(marks)})"


def permalink(change: dict, base_url: str) -> str | None:
    """The change's page on the published site (`redline publish`), when its address is known."""
    from .publish import change_slug

    if not base_url:
        return None
    return f"{base_url.rstrip('/')}/diffs/{change_slug(change)}.html"


def short_diff(change: dict) -> str:
    """The changed lines of the stored diff (`[-deleted-]{+inserted+}`), cut short."""
    from diffing.render import render_text

    diff = change.get("diff")
    if not diff:
        return {"removed": "The article was removed.", "restored": "The article is back.",
                "moved": "The article moved."}.get(change["kinds"][0], "No text diff.")  # fmt: skip
    try:
        text = render_text(diff)
    except (ValueError, KeyError, TypeError):
        return ", ".join(change["kinds"])
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.startswith("    ") and line != "body:"]  # fmt: skip
    shown = [_around_edit(line) for line in lines[:DIFF_LINES]]
    if len(lines) > DIFF_LINES:
        shown.append(f"(and {len(lines) - DIFF_LINES} more)")
    out = "\n".join(shown)
    return out if len(out) <= DIFF_CHARS else out[: DIFF_CHARS - 1] + "…"


def _around_edit(line: str, width: int = 280) -> str:
    """A long line cut to `width` around its first edit (an edit late in a long paragraph
    must still be seen), with an ellipsis where text was left out."""
    if len(line) <= width:
        return line
    marks = [at for at in (line.find("[-"), line.find("{+")) if at >= 0]
    start = max(0, min(marks, default=0) - width // 3)
    cut = line[start : start + width - 2]
    return ("…" if start else "") + cut + "…"


# sending
def deliver(target: Target, message: Message) -> Answer:
    """Send one message; the target's answer, with any secret of its URL blotted out."""
    import apprise

    if target.sender is None:
        return Answer(target.label, False, "not an Apprise URL redline can send to")
    attach = None
    if message.png is not None:
        from apprise.attachment.memory import AttachMemory

        attach = apprise.AppriseAttachment()
        attach.add(AttachMemory(content=message.png, name=message.alt, mimetype="image/png"))
    with _quiet_apprise() as said:
        accepted = target.sender.notify(
            body=message.body, title=message.title, attach=attach,
            body_format=apprise.NotifyFormat.TEXT,
        )  # fmt: skip
    if accepted:
        return Answer(target.label, True, "accepted")
    reason = said[-1] if said else "the service did not accept the message"
    return Answer(target.label, False, _blot(reason, target.settings.url))


@contextmanager
def _quiet_apprise() -> Iterator[list[str]]:
    """Apprise's warnings while it sends, kept from every log (a plugin's debug lines name
    its whole URL); the caller reports them, secrets blotted out."""
    said: list[str] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record.getMessage())

    loggers = [logging.getLogger(name) for name in ("apprise", "urllib3", "requests")]
    saved = [(lg, lg.level, lg.propagate) for lg in loggers]
    keep = _Keep(logging.WARNING)
    for lg in loggers:
        lg.setLevel(logging.WARNING)
        lg.propagate = False
    loggers[0].addHandler(keep)
    try:
        yield said
    finally:
        loggers[0].removeHandler(keep)
        for lg, level, propagate in saved:
            lg.setLevel(level)
            lg.propagate = propagate


def _blot(text: str, url: str) -> str:
    """`text` with the URL's secret-looking parts (password, user, path segments, query
    values) replaced by ***."""
    parts = urlsplit(url)
    secrets = {url, parts.password or "", parts.username or ""}
    secrets |= {unquote(p) for p in re.split(r"[/:]", parts.path) if len(p) >= 4}
    secrets |= {unquote(v) for v in re.findall(r"=([^&]+)", parts.query) if len(v) >= 4}
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


# redline notify --test
SAMPLE = {
    "url": "https://news.example/2026/11/council-approves-plan",
    "site": "example",
    "article_id": 1,
    "from_revision": 1,
    "to_revision": 2,
    "from_captured_at": "2026-11-28T04:00:00.000000Z",
    "to_captured_at": "2026-11-28T05:00:00.000000Z",
    "kinds": ["headline"],
    "significance": "substantive",
    "headline_before": "Council approves plan after long debate",
    "headline_after": "Council narrowly approves plan after long debate",
    "silent": True,
    "disclosure": [],
    "notes": [],
    "added_words": 1,
    "removed_words": 0,
    "diff": {
        "version": 1,
        "headline": [[0, "Council "], [1, "narrowly "], [0, "approves plan after long debate"]],
        "byline": [],
        "body": [],
    },
}


def send_test(config: Config) -> list[Answer]:
    """One sample message (a made-up change, with its card) to each target."""
    sample = message_for(SAMPLE, config.base_url)
    sample = Message("redline test: " + sample.title, "A test message from redline: changes"
                     " will arrive like this.\n\n" + sample.body, sample.alt, sample.png)  # fmt: skip
    return [deliver(target, sample) for target in load_targets(config)]


# ingest --follow: each sweep indexes workers' files, which are ours
def before_sweep(config: Config) -> set[tuple[str, str]] | None:
    """The changes the index holds before a sweep (None: no [[notify]] target)."""
    if not config.notify:
        return None
    from archive.index import open_index

    from .lock import writer_lock

    with writer_lock(config.database):
        db = open_index(config.database)
        try:
            return sweep_snapshot(db, config)
        finally:
            db.conn.close()


def after_sweep(config: Config, before: set[tuple[str, str]] | None) -> dict:
    """Republish ([publish] dir) and notify what the sweep added; the summary's `notified`."""
    if before is None and not config.publish_dir:
        return {"sent": 0, "failed_targets": []}
    from archive.index import open_index

    from .lock import writer_lock

    with writer_lock(config.database):
        db = open_index(config.database)
        try:
            if config.publish_dir:
                from .publish.site import publish_site

                publish_site(db, config.publish_dir, config.base_url)
            return finish_sweep(db, config, before)
        finally:
            db.conn.close()
