"""redline.toml: loading, validation and the errors a person can act on."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import tomllib

CONFIG_NAME = "redline.toml"
DEFAULT_INTERVALS = (("3h", "15m"), ("1d", "1h"), ("7d", "3h"), ("30d", "3d"), ("365d", "30d"))
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class ConfigError(Exception):
    """A problem in the configuration file: names the file, the key and what is wrong."""

    def __init__(self, path: Path | str, key: str | None, problem: str):
        where = f"{path}: {key}" if key else str(path)
        super().__init__(f"{where}: {problem}")


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
        return bool(self.article_pattern) and re.search(self.article_pattern, url) is not None

    def own_hosts(self) -> frozenset[str]:
        """Hosts this site's pages live on: its feeds', sitemaps', start URLs' and `hosts`,
        each with and without `www.` (lowercase, port kept)."""
        names = {urlsplit(u).netloc.lower() for u in (*self.feeds, *self.sitemaps, *self.start_urls)}
        names |= {h.lower() for h in self.hosts}
        names.discard("")
        return frozenset(names | {n.removeprefix("www.") for n in names}
                         | {"www." + n.removeprefix("www.") for n in names})

    def owns(self, url: str) -> bool:
        """Whether `url` is http(s) on one of this site's hosts (where a redirect may go)."""
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc.lower() in self.own_hosts()


@dataclass(frozen=True)
class ClusterConfig:
    """[cluster]: the Redis server that shares the frontier among `redline worker`s."""

    redis_url: str = "redis://127.0.0.1:6379/0"
    key_prefix: str = "redline"
    close_after: timedelta = timedelta(minutes=10)  # a worker's WARC file is closed after this
    worker_timeout: timedelta = timedelta(seconds=60)  # silent this long: its requests requeued
    worker_name: str = ""  # default: host name


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
    intervals: tuple[tuple[timedelta, timedelta], ...] = ()
    sites: tuple[Site, ...] = field(default_factory=tuple)
    cluster: ClusterConfig | None = None  # None: one machine, no Redis

    def site(self, name: str) -> Site:
        for site in self.sites:
            if site.name == name:
                return site
        known = ", ".join(s.name for s in self.sites) or "none"
        raise ConfigError(self.path, "sites", f"no site named {name!r} (known: {known})")


def parse_duration(text: str) -> timedelta:
    """'15m', '3h', '1d', '2w', '90s' -> timedelta; ValueError otherwise."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a duration like 15m, 3h or 7d")
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def find_config(explicit: str | None) -> Path:
    """-c PATH, then $REDLINE_CONFIG, then ./redline.toml."""
    chosen = explicit or os.environ.get("REDLINE_CONFIG") or CONFIG_NAME
    return Path(chosen).expanduser().resolve()


def load_config(path: Path) -> Config:
    if not path.is_file():
        raise ConfigError(path, None, "no such file (run `redline init` to write an example)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, None, f"not valid TOML: {exc}") from None
    return _build_config(path, data)


def _build_config(path: Path, data: dict) -> Config:
    reader = _Reader(path, data, "")
    base = path.parent
    log_file = reader.text("log_file", None)
    publish = _Reader(path, reader.table("publish"), "publish.")
    schedule = _Reader(path, reader.table("schedule"), "schedule.")
    sites_data = data.get("sites", [])
    if not isinstance(sites_data, list) or not all(isinstance(s, dict) for s in sites_data):
        raise ConfigError(path, "sites", "must be an array of tables ([[sites]])")
    sites = tuple(_build_site(path, i, s) for i, s in enumerate(sites_data))
    names = [s.name for s in sites]
    if len(set(names)) != len(names):
        raise ConfigError(path, "sites", "two sites have the same name")
    config = Config(
        path=path,
        archive_dir=base / reader.text("archive_dir", "archive"),
        database=base / reader.text("database", "redline.db"),
        user_agent=reader.text("user_agent", Config.user_agent),
        max_page_bytes=reader.integer("max_page_bytes", Config.max_page_bytes, minimum=1024),
        warc_max_bytes=reader.integer("warc_max_bytes", Config.warc_max_bytes, minimum=10_000),
        log_file=base / log_file if log_file else None,
        base_url=publish.text("base_url", ""),
        intervals=_build_intervals(path, schedule.raw("intervals", DEFAULT_INTERVALS)),
        sites=sites,
        cluster=_build_cluster(path, data["cluster"]) if "cluster" in data else None,
    )
    reader.reject_unknown(set(Config.__dataclass_fields__) - {"path", "intervals", "base_url"}
                          | {"publish", "schedule", "sites", "cluster"})
    return config


def _build_site(path: Path, index: int, data: dict) -> Site:
    reader = _Reader(path, data, f"sites[{index}].")
    name = reader.text("name", None)
    if not name:
        raise ConfigError(path, f"sites[{index}].name", "every site needs a name")
    reader = _Reader(path, data, f"sites[{name}].")
    pattern = reader.text("article_pattern", "")
    for key, value in [("article_pattern", pattern), *[("ignore", p) for p in reader.texts("ignore")]]:
        try:
            re.compile(value)
        except re.error as exc:
            raise ConfigError(
                path, f"sites[{name}].{key}", f"bad regular expression {value!r}: {exc}"
            ) from None
    site = Site(
        name=name,
        feeds=reader.urls("feeds"),
        sitemaps=reader.urls("sitemaps"),
        start_urls=reader.urls("start_urls"),
        article_pattern=pattern,
        headline=reader.text("headline", None),
        byline=reader.text("byline", None),
        body=reader.text("body", None),
        ignore=reader.texts("ignore"),
        max_per_pass=reader.integer("max_per_pass", 500, minimum=1),
        hosts=reader.texts("hosts"),
    )
    if not (site.feeds or site.sitemaps or site.start_urls):
        raise ConfigError(path, f"sites[{name}]", "give at least one of feeds, sitemaps, start_urls")
    reader.reject_unknown(set(Site.__dataclass_fields__))
    return site


def _build_cluster(path: Path, data) -> ClusterConfig:
    if not isinstance(data, dict):
        raise ConfigError(path, "cluster", "must be a table ([cluster])")
    reader = _Reader(path, data, "cluster.")
    url = reader.text("redis_url", ClusterConfig.redis_url)
    if not re.match(r"^(redis|rediss|unix)://", url):
        raise ConfigError(path, "cluster.redis_url", f"{url!r} is not a redis:// URL")
    prefix = reader.text("key_prefix", ClusterConfig.key_prefix)
    if not prefix or not re.match(r"^[A-Za-z0-9_.:-]+$", prefix):
        raise ConfigError(path, "cluster.key_prefix", f"{prefix!r}: use letters, digits, _.:-")
    durations = {}
    for key in ("close_after", "worker_timeout"):
        raw = data.get(key)
        try:
            durations[key] = parse_duration(raw) if raw is not None else getattr(ClusterConfig, key)
        except ValueError as exc:
            raise ConfigError(path, f"cluster.{key}", str(exc)) from None
    cluster = ClusterConfig(url, prefix, **durations, worker_name=reader.text("worker_name", ""))
    reader.reject_unknown(set(ClusterConfig.__dataclass_fields__))
    return cluster


def _build_intervals(path: Path, raw) -> tuple[tuple[timedelta, timedelta], ...]:
    key = "schedule.intervals"
    if not isinstance(raw, (list, tuple)) or not raw:
        raise ConfigError(path, key, 'must be a list like [["3h", "15m"], ["1d", "1h"]]')
    pairs = []
    for item in raw:
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise ConfigError(path, key, f"{item!r} is not a pair [age, interval]")
        try:
            pairs.append((parse_duration(item[0]), parse_duration(item[1])))
        except ValueError as exc:
            raise ConfigError(path, key, str(exc)) from None
    if [a for a, _ in pairs] != sorted(a for a, _ in pairs):
        raise ConfigError(path, key, "ages must increase")
    return tuple(pairs)


class _Reader:
    """Typed access to one TOML table, with errors naming the full key."""

    def __init__(self, path: Path, data: dict, prefix: str):
        self.path, self.data, self.prefix = path, data, prefix

    def _fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, self.prefix + key, problem)

    def raw(self, key: str, default):
        return self.data.get(key, default)

    def table(self, key: str) -> dict:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            raise self._fail(key, "must be a table")
        return value

    def text(self, key: str, default: str | None) -> str | None:
        value = self.data.get(key, default)
        if value is not None and not isinstance(value, str):
            raise self._fail(key, f"must be a string, not {type(value).__name__}")
        return value

    def integer(self, key: str, default: int, minimum: int) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, f"must be a whole number, not {value!r}")
        if value < minimum:
            raise self._fail(key, f"must be at least {minimum}, not {value}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(key, "must be a list of strings")
        return tuple(value)

    def urls(self, key: str) -> tuple[str, ...]:
        values = self.texts(key)
        for value in values:
            if not re.match(r"^https?://[^/\s]+", value):
                raise self._fail(key, f"{value!r} is not an http(s) URL")
        return values

    def reject_unknown(self, known: set[str]) -> None:
        unknown = sorted(set(self.data) - known)
        if unknown:
            raise self._fail(unknown[0], "unknown key (a typo?)")
