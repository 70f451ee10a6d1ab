"""redline.toml: loading, validation and the errors a person can act on.

Every key of every table is checked here, at load time, so that a mistake ends the
command at once with the file, the key and the problem (exit 2) instead of a crawl
that quietly does nothing or a traceback halfway through.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import tomllib

from archive.index_kinds import ChangeKind

from .errors import ConfigProblem

CONFIG_NAME = "redline.toml"
DEFAULT_INTERVALS = (("3h", "15m"), ("1d", "1h"), ("7d", "3h"), ("30d", "3d"), ("365d", "30d"))
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# Upper bounds: anything larger is a typo, and would overflow dates or buffers later.
MAX_DURATION = timedelta(days=36525)  # a century
MAX_PER_PASS = 10_000_000
MAX_PAGE_BYTES = 4_000_000_000
MAX_WARC_BYTES = 1_000_000_000_000
CHANGE_KINDS = tuple(ChangeKind)  # defined once, with the index's rows
SIGNIFICANCES = ("substantive", "minor")
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
# Patterns used by some configs or commands only are left as text: re compiles (and caches)
# each the first time it is used, and a reading command's start-up never pays for them.
_HOST = rf"(?i)^(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9a-f:.]+\])(?::(\d{{1,5}}))?$"
_ENV = r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}"
# Never articles of a site without article_pattern: its front page, and the files
# discovery reads (robots.txt, feeds and sitemaps, plain-text sitemaps included, and
# those under a /sitemap.../, /feed/ or /rss/ folder, as sitemap indexes list them).
_FRONT_PAGE = r"(?i)/?(?:index\.[a-z]+)?"
_DISCOVERY_FILE = (
    r"(?i)/robots\.txt$|\.(?:xml|xml\.gz|rss|atom|rdf|txt)$|/(?:sitemap[^/]*|feeds?|rss)(?:/|$)"
)
_TOP_KEYS = {"archive_dir", "database", "user_agent", "max_page_bytes", "warc_max_bytes",
             "log_file", "publish", "schedule", "sites", "notify", "cluster"}  # fmt: skip


class ConfigError(ConfigProblem):
    """A problem in the configuration file: names the file, the key and what is wrong."""

    def __init__(self, path: Path | str, key: str | None, problem: str):
        where = f"{path}: {key}" if key else str(path)
        # One line whatever a key or value holds: the message goes to logs and cron mail.
        super().__init__(f"{where}: {problem}".replace("\r", "\\r").replace("\n", "\\n"))


@dataclass(frozen=True)
class Site:
    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    article_pattern: str = ""
    headline: str | None = None
    byline: str | None = None
    body: str | None = None
    ignore: tuple[str, ...] = ()
    max_per_pass: int = 500
    hosts: tuple[str, ...] = ()  # other hosts a redirect may lead to

    def is_article(self, url: str) -> bool:
        """Whether `url` (canonical) is an article of this site: a link a feed, sitemap or
        page offers, a capture reindex replays, or where a tracked article redirects to.

        With `article_pattern`, the URLs it matches. Without one (a site of feeds and
        sitemaps, whose entries are its articles): any http(s) URL on the site's hosts
        except its front page, its own feeds, sitemaps and start URLs, and discovery files
        (robots.txt, *.xml, *.rss...). So a tracked article redirected to the front page or
        to a feed is removed, not moved; and reindex, which sees robots.txt and sitemaps
        archived beside the articles, never takes them for articles. An entry on another
        host is no article of the site until `hosts` names that host.
        """
        if self.article_pattern:
            return re.search(self.article_pattern, url) is not None
        if not self.owns(url):
            return False
        parts = urlsplit(url)
        front = re.fullmatch(_FRONT_PAGE, parts.path) and not parts.query  # `/?p=12`: WordPress's
        if front or re.search(_DISCOVERY_FILE, parts.path):
            return False
        return _source_key(url) not in {
            _source_key(u) for u in (*self.feeds, *self.sitemaps, *self.start_urls)
        }

    def own_hosts(self) -> frozenset[str]:
        """Hosts this site's pages live on: its feeds', sitemaps', start URLs' and `hosts`,
        each with and without `www.` (lowercase, port kept)."""
        names = {
            urlsplit(u).netloc.lower() for u in (*self.feeds, *self.sitemaps, *self.start_urls)
        }
        names |= {h.lower() for h in self.hosts}
        names.discard("")
        return frozenset(
            names
            | {n.removeprefix("www.") for n in names}
            | {"www." + n.removeprefix("www.") for n in names}
        )

    def owns(self, url: str) -> bool:
        """Whether `url` is http(s) on one of this site's hosts (where a redirect may go)."""
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc.lower() in self.own_hosts()


def _source_key(url: str) -> tuple[str, str, str]:
    """A URL as a configured source is recognised: host without `www.`, any scheme, a
    trailing slash or not."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    return host, parts.path.rstrip("/"), parts.query


@dataclass(frozen=True)
class ClusterConfig:
    """[cluster]: the Redis server that shares the frontier among `redline worker`s."""

    redis_url: str = "redis://127.0.0.1:6379/0"
    key_prefix: str = "redline"
    close_after: timedelta = timedelta(minutes=10)  # a worker's WARC file is closed after this
    worker_timeout: timedelta = timedelta(seconds=60)  # silent this long: its requests requeued
    worker_name: str = ""  # default: host name


@dataclass(frozen=True)
class Notify:
    """[[notify]]: one place new changes are sent, and which changes it wants.

    Kept for the notifier: `url` has its ${NAME} environment variables expanded
    already, so it may hold a secret (left out of repr, so it stays out of logs).
    """

    url: str = field(repr=False)
    sites: tuple[str, ...] = ()  # empty: every site
    kinds: tuple[str, ...] = ()  # empty: every kind; else a change with any of these
    significance: str = "minor"  # "substantive": only those; "minor": both
    silent: bool | None = None  # True: only silent edits; False: only acknowledged; None: both


@dataclass(frozen=True)
class Config:
    path: Path
    archive_dir: Path
    database: Path
    user_agent: str = "redline (+https://github.com/redline-news/redline)"
    max_page_bytes: int = 20_000_000
    warc_max_bytes: int = 1_000_000_000
    log_file: Path | None = None
    base_url: str = ""
    publish_dir: Path | None = None  # [publish] dir: `crawl` republishes the site here
    intervals: tuple[tuple[timedelta, timedelta], ...] = ()
    sites: tuple[Site, ...] = field(default_factory=tuple)
    notify: tuple[Notify, ...] = ()
    cluster: ClusterConfig | None = None  # None: one machine, no Redis

    def site(self, name: str) -> Site:
        for site in self.sites:
            if site.name == name:
                return site
        known = ", ".join(s.name for s in self.sites) or "none"
        raise ConfigError(self.path, "sites", f"no site named {name!r} (known: {known})")

    def require_sites(self) -> None:
        """The commands that crawl (crawl, enqueue, worker) need something to crawl."""
        if not self.sites:
            raise ConfigError(self.path, "sites", "no [[sites]] table: add a site to crawl")


def parse_duration(text: str) -> timedelta:
    """'15m', '3h', '1d', '2w', '90s' -> timedelta (at most a century); ValueError otherwise."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"{_show(text)} is not a duration like 15m, 3h or 7d")
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"{_show(text)} is longer than a century")
    return timedelta(seconds=seconds)


def redis_url_problem(url: str) -> str | None:
    """Why `url` is not a Redis URL redis-py can connect with; None when it is one."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for a port that is no number or out of range
    except ValueError as exc:
        return f"{_show(url)} is not a Redis URL: {exc}"
    if re.search(r"\s", url) or parts.scheme not in ("redis", "rediss", "unix"):
        return f"{_show(url)} is not a redis://, rediss:// or unix:// URL"
    if parts.scheme == "unix":
        return None if parts.path else f"{_show(url)}: give the socket's path (unix:///x.sock)"
    if not parts.hostname or port == 0:
        return f"{_show(url)}: give the host (and port), like redis://127.0.0.1:6379/0"
    if not re.fullmatch(r"/?(\d+)?", parts.path):
        return f"{_show(url)}: the database after the host must be a number, like /0"
    return None


def find_config(explicit: str | None) -> Path:
    """-c PATH, then $REDLINE_CONFIG, then ./redline.toml."""
    chosen = explicit or os.environ.get("REDLINE_CONFIG") or CONFIG_NAME
    return Path(chosen).expanduser().resolve()


def load_config(path: Path) -> Config:
    if not path.is_file():
        raise ConfigError(path, None, "no such file (run `redline init` to write an example)")
    try:
        return _build_config(path, tomllib.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read it: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, None, f"not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(path, None, "arrays or tables nested too deeply") from None


def _build_config(path: Path, data: dict) -> Config:
    reader = _Reader(path, data, "")
    reader.reject_unknown(_TOP_KEYS)
    base = path.parent
    publish = _Reader(path, reader.table("publish"), "publish.")
    publish.reject_unknown({"base_url", "dir"})
    schedule = _Reader(path, reader.table("schedule"), "schedule.")
    schedule.reject_unknown({"intervals"})
    sites = _build_sites(path, reader.tables("sites"))
    publish_dir = publish.filename("dir", None)
    return Config(
        path=path,
        archive_dir=base / reader.filename("archive_dir", "archive"),
        database=base / reader.filename("database", "redline.db"),
        user_agent=reader.line("user_agent", Config.user_agent),
        max_page_bytes=reader.integer(
            "max_page_bytes", Config.max_page_bytes, 1024, MAX_PAGE_BYTES
        ),  # fmt: skip
        warc_max_bytes=reader.integer(
            "warc_max_bytes", Config.warc_max_bytes, 10_000, MAX_WARC_BYTES
        ),  # fmt: skip
        log_file=_log_file(reader, base),
        base_url=publish.url("base_url", ""),
        publish_dir=base / publish_dir if publish_dir else None,
        intervals=_build_intervals(schedule),
        sites=sites,
        notify=tuple(
            _build_notify(path, i, table, sites) for i, table in enumerate(reader.tables("notify"))
        ),  # fmt: skip
        cluster=_build_cluster(path, reader.table("cluster")) if "cluster" in data else None,
    )


def _log_file(reader: _Reader, base: Path) -> Path | None:
    """The log's folder must exist: Scrapy would fail on it only once the crawl started."""
    name = reader.filename("log_file", None)
    if name is None:
        return None
    log_file = base / name
    if log_file.is_dir():
        raise reader.fail("log_file", f"{log_file} is a folder; name a file in it")
    if not log_file.parent.is_dir():
        raise reader.fail("log_file", f"the folder {log_file.parent} does not exist")
    return log_file


def _build_sites(path: Path, tables: list[dict]) -> tuple[Site, ...]:
    sites = tuple(_build_site(path, i, s) for i, s in enumerate(tables))
    names = [s.name for s in sites]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(path, f"sites[{name}].name", "two sites have the same name")
    return sites


def _build_site(path: Path, index: int, data: dict) -> Site:
    name = _Reader(path, data, f"sites[{index}].").line("name", "")
    if not name.strip():
        raise ConfigError(path, f"sites[{index}].name", "every site needs a name")
    reader = _Reader(path, data, f"sites[{name}].")
    reader.reject_unknown(set(Site.__dataclass_fields__))
    site = Site(
        name=name,
        feeds=reader.urls("feeds"),
        sitemaps=reader.urls("sitemaps"),
        start_urls=reader.urls("start_urls"),
        article_pattern=(reader.regexes("article_pattern") or ("",))[0],
        headline=reader.css("headline"),
        byline=reader.css("byline"),
        body=reader.css("body"),
        ignore=reader.regexes("ignore"),
        max_per_pass=reader.integer("max_per_pass", 500, 1, MAX_PER_PASS),
        hosts=reader.hosts("hosts"),
    )
    if not (site.feeds or site.sitemaps or site.start_urls):
        raise ConfigError(path, f"sites[{name}]", "give one or more of feeds, sitemaps, start_urls")
    if site.start_urls and not site.article_pattern:
        raise reader.fail("article_pattern", "required with start_urls: it says which links are"
                          " articles")  # fmt: skip
    return site


def _build_notify(path: Path, index: int, data: dict, sites: tuple[Site, ...]) -> Notify:
    reader = _Reader(path, data, f"notify[{index}].")
    reader.reject_unknown({"url", "sites", "kinds", "significance", "silent"})
    known = [s.name for s in sites]
    for name in reader.texts("sites"):
        if name not in known:
            known_names = ", ".join(known) or "none"
            raise reader.fail("sites", f"no site named {_show(name)} (known: {known_names})")
    for kind in reader.texts("kinds"):
        if kind not in CHANGE_KINDS:
            raise reader.fail("kinds", f"{_show(kind)} is not one of {', '.join(CHANGE_KINDS)}")
    significance = reader.line("significance", "minor")
    if significance not in SIGNIFICANCES:
        raise reader.fail("significance", f'{_show(significance)}: use "substantive" or "minor"')
    return Notify(url=_notify_url(reader), sites=reader.texts("sites"),
                  kinds=reader.texts("kinds"), significance=significance,
                  silent=reader.boolean("silent", None))  # fmt: skip


def _notify_url(reader: _Reader) -> str:
    """An Apprise URL, ${NAME} taken from the environment (an unset one is an error)."""
    raw = reader.line("url", "")
    if not raw:
        raise reader.fail("url", "required: an Apprise URL such as mailto://... or ntfy://...")
    if "${" in re.sub(_ENV, "", raw):
        raise reader.fail("url", "write an environment variable as ${NAME}")
    missing = [n for n in re.findall(_ENV, raw) if n not in os.environ]
    if missing:
        raise reader.fail("url", f"the environment variable {missing[0]} is not set")
    url = re.sub(_ENV, lambda m: os.environ[m.group(1)], raw)
    if not re.fullmatch(r"[a-z][a-z0-9+.-]*://\S+", url, re.I):
        # The raw value only: what came from the environment may be a secret.
        raise reader.fail("url", f"{_show(raw)} is not an Apprise URL (scheme://...)")
    return url


def _build_cluster(path: Path, data: dict) -> ClusterConfig:
    reader = _Reader(path, data, "cluster.")
    reader.reject_unknown(set(ClusterConfig.__dataclass_fields__))
    url = reader.line("redis_url", ClusterConfig.redis_url)
    problem = redis_url_problem(url)
    if problem:
        raise reader.fail("redis_url", problem)
    prefix = reader.line("key_prefix", ClusterConfig.key_prefix)
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,100}", prefix):
        raise reader.fail("key_prefix", f"{_show(prefix)}: use letters, digits, _.:-")
    name = reader.line("worker_name", "")
    if name and not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", name):  # it names WARC files
        raise reader.fail("worker_name", f"{_show(name)}: use letters, digits, _.-")
    defaults = ClusterConfig()
    return ClusterConfig(url, prefix,
                         close_after=reader.duration("close_after", defaults.close_after),
                         worker_timeout=reader.duration("worker_timeout", defaults.worker_timeout),
                         worker_name=name)  # fmt: skip


def _build_intervals(schedule: _Reader) -> tuple[tuple[timedelta, timedelta], ...]:
    raw = schedule.raw("intervals", DEFAULT_INTERVALS)
    if not isinstance(raw, (list, tuple)) or not raw:
        raise schedule.fail("intervals", 'must be a list like [["3h", "15m"], ["1d", "1h"]]')
    pairs = []
    for item in raw:
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise schedule.fail("intervals", f"{_show(item)} is not a pair [age, interval]")
        pairs.append((schedule.duration_of("intervals", item[0]),
                      schedule.duration_of("intervals", item[1])))  # fmt: skip
    if [a for a, _ in pairs] != sorted(a for a, _ in pairs):
        raise schedule.fail("intervals", "ages must increase")
    return tuple(pairs)


def _show(value, limit: int = 60) -> str:
    """A value as the error quotes it: repr, cut short (a file may hold anything)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Reader:
    """Typed access to one TOML table, with errors naming the full key."""

    def __init__(self, path: Path, data: dict, prefix: str):
        self.path, self.data, self.prefix = path, data, prefix

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, self.prefix + key, problem)

    def raw(self, key: str, default):
        return self.data.get(key, default)

    def table(self, key: str) -> dict:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a table ([{key}])")
        return value

    def tables(self, key: str) -> list[dict]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            raise self.fail(key, f"must be an array of tables ([[{key}]])")
        return value

    def text(self, key: str, default: str | None) -> str | None:
        value = self.data.get(key, default)
        if value is not None and not isinstance(value, str):
            raise self.fail(key, f"must be a string, not {type(value).__name__}")
        return value

    def line(self, key: str, default: str | None) -> str | None:
        """A string without control characters (they would break headers, keys, logs)."""
        value = self.text(key, default)
        if value is not None and re.search(r"[\x00-\x1f\x7f]", value):
            raise self.fail(key, f"{_show(value)} holds a control character (a newline?)")
        return value

    def filename(self, key: str, default: str | None) -> str | None:
        value = self.line(key, default)
        if value is not None and not value.strip():
            raise self.fail(key, "must not be empty")
        return value

    def integer(self, key: str, default: int, minimum: int, maximum: int) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be a whole number, not {_show(value)}")
        if not minimum <= value <= maximum:
            raise self.fail(key, f"must be at least {minimum:_} and at most {maximum:_},"
                            f" not {_show(value)}")  # fmt: skip
        return value

    def boolean(self, key: str, default: bool | None) -> bool | None:
        value = self.data.get(key, default)
        if value is not None and not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {_show(value)}")
        return value

    def duration(self, key: str, default: timedelta) -> timedelta:
        return self.duration_of(key, self.data[key]) if key in self.data else default

    def duration_of(self, key: str, raw) -> timedelta:
        try:
            value = parse_duration(raw)
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None
        if not value:
            raise self.fail(key, f"{_show(raw)}: must be longer than zero")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a list of strings")
        return tuple(value)

    def urls(self, key: str) -> tuple[str, ...]:
        values = self.texts(key)
        for value in values:
            try:
                port = urlsplit(value).port  # no number: Scrapy would fail on it later
            except ValueError as exc:
                raise self.fail(key, f"{_show(value)}: {exc}") from None
            if port == 0 or not re.fullmatch(r"https?://[^/\s]+\S*", value):
                raise self.fail(key, f"{_show(value)} is not an http(s) URL")
        return values

    def url(self, key: str, default: str) -> str:
        value = self.line(key, default)
        if value and not re.fullmatch(r"https?://[^/\s]+\S*", value):
            raise self.fail(key, f"{_show(value)} is not an absolute http(s) URL")
        return value

    def regexes(self, key: str) -> tuple[str, ...]:
        values = self.texts(key)
        for value in values:
            try:
                re.compile(value)
            except (re.error, OverflowError, RecursionError) as exc:
                raise self.fail(key, f"bad regular expression {_show(value)}: {exc}") from None
        return values

    def css(self, key: str) -> str | None:
        """A CSS selector, compiled now the way diffing/extract.py applies it."""
        value = self.text(key, None)
        if value is None:
            return None
        import lxml.html  # lazily: only configs with selectors pay for lxml
        from cssselect import SelectorError
        from lxml import etree
        from lxml.cssselect import CSSSelector

        try:
            CSSSelector(value)(lxml.html.fromstring("<p>probe</p>"))
        except (SelectorError, etree.XPathError, ValueError) as exc:
            raise self.fail(key, f"bad CSS selector {_show(value)}: {exc}") from None
        return value

    def hosts(self, key: str) -> tuple[str, ...]:
        values = self.texts(key)
        for value in values:
            match = re.match(_HOST, value)
            if not match or int(match.group(1) or 1) not in range(1, 65536):
                raise self.fail(key, f"{_show(value)} is not a host name, like news.example or"
                                " news.example:8080 (no scheme, no path)")  # fmt: skip
        return values

    def reject_unknown(self, known: set[str]) -> None:
        unknown = sorted(set(self.data) - known)
        if unknown:
            import difflib  # only to suggest a fix: a correct file never needs it

            close = difflib.get_close_matches(unknown[0], sorted(known), n=1)
            hint = f"did you mean {close[0]}?" if close else "known: " + ", ".join(sorted(known))
            raise self.fail(unknown[0], f"unknown key ({hint})")
