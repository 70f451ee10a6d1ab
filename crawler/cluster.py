"""The shared frontier in Redis: scrapy-redis's queue and duplicate filter, made safe to share.

scrapy-redis pops without acknowledgement and, unless told to persist, flushes the shared
queue and filter when any one worker closes. Here the state persists and is owned by
`redline enqueue`: each pass has its own id, and its own duplicate set, so a recheck pass
is never eaten by the previous pass's filter. A popped request moves atomically into its
worker's in-flight hash, and leaves it only once its results (child requests, WARC
records) are safe; a worker that stops sending heartbeats has its in-flight requests put
back on the queue by whoever reaps first (another worker, or the next enqueue).

Keys, under the configured prefix P: P:requests (the scrapy-redis priority queue),
P:pass (the current pass id), P:seen:<pass> (that pass's duplicate set), P:budget:<pass>
(articles still allowed per site, "*" for --limit), P:inflight:<worker>,
P:alive:<worker> (a heartbeat with a time to live), P:enqueue-lock.
WorkerLoop, the worker's extension, beats, reaps, rotates WARC files and decides 'done'.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass

import redis
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.session import CrawlSession

from redline.config import ClusterConfig

TICK_SECONDS = 0.5
logger = logging.getLogger(__name__)
SEEN_TTL = 14 * 86400  # a pass's duplicate set outlives any pass, then goes

# Pop the best request and file it under the worker's in-flight hash, in one step.
_POP = """
local r = redis.call('zrange', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('zremrangebyrank', KEYS[1], 0, 0)
redis.call('hset', KEYS[2], ARGV[1], r[2] .. '\\n' .. r[1])
return r[1]
"""
# Put a silent worker's in-flight requests back, once, even with several reapers.
_REAP = """
if redis.call('exists', KEYS[2]) == 1 then return 0 end
local all = redis.call('hgetall', KEYS[1])
for i = 2, #all, 2 do
  local cut = string.find(all[i], '\\n', 1, true)
  redis.call('zadd', KEYS[3], tonumber(string.sub(all[i], 1, cut - 1)), string.sub(all[i], cut + 1))
end
redis.call('del', KEYS[1])
return #all / 2
"""
# A newly found article joins the pass if it is new to the pass and within budget.
_CLAIM = """
if redis.call('sadd', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('expire', KEYS[1], ARGV[4])
if redis.call('hexists', KEYS[2], ARGV[2]) == 1 and redis.call('hincrby', KEYS[2], ARGV[2], -1) < 0 then
  return 0
end
if redis.call('hexists', KEYS[2], ARGV[3]) == 1 and redis.call('hincrby', KEYS[2], ARGV[3], -1) < 0 then
  return 0
end
return 1
"""


class FrontierUnreachable(Exception):
    """Redis cannot be reached or refuses us: names the URL."""


@dataclass(frozen=True)
class FrontierState:
    pass_id: int
    queued: int
    in_flight: int
    workers: tuple[str, ...]


class Frontier:
    """Redis-side bookkeeping shared by enqueue, workers and reapers."""

    def __init__(self, cluster: ClusterConfig):
        self.cluster = cluster
        self.prefix = cluster.key_prefix
        self.server = redis.Redis.from_url(cluster.redis_url, socket_timeout=30)
        self._pop = self.server.register_script(_POP)
        self._reap = self.server.register_script(_REAP)
        self._claim = self.server.register_script(_CLAIM)

    def key(self, *parts: object) -> str:
        return ":".join([self.prefix, *map(str, parts)])

    def check(self) -> None:
        try:
            self.server.ping()
        except redis.RedisError as exc:
            raise FrontierUnreachable(
                f"cannot reach Redis at {self.cluster.redis_url} ([cluster] redis_url): {exc}"
            ) from None

    def current_pass(self) -> int:
        return int(self.server.get(self.key("pass")) or 0)

    def new_pass(self) -> int:
        return int(self.server.incr(self.key("pass")))

    def in_flight(self) -> dict[str, int]:
        keys = self.server.scan_iter(match=self.key("inflight", "*"), count=500)
        return {k.decode().rsplit(":", 1)[-1]: int(self.server.hlen(k)) for k in keys}

    def state(self) -> FrontierState:
        flying = self.in_flight()
        alive = self.server.scan_iter(match=self.key("alive", "*"), count=500)
        return FrontierState(
            pass_id=self.current_pass(),
            queued=int(self.server.zcard(self.key("requests"))),
            in_flight=sum(flying.values()),
            workers=tuple(sorted(k.decode().rsplit(":", 1)[-1] for k in alive)),
        )

    def beat(self, worker: str) -> None:
        ttl = max(1, int(self.cluster.worker_timeout.total_seconds()))
        self.server.set(self.key("alive", worker), b"1", ex=ttl)

    def reap(self) -> int:
        """Requeue the in-flight requests of every worker whose heartbeat has lapsed."""
        requeued = 0
        for worker in self.in_flight():
            keys = [self.key("inflight", worker), self.key("alive", worker), self.key("requests")]
            requeued += int(self._reap(keys=keys))
        return requeued

    def claim(self, pass_id: int, site: str, fingerprint: str) -> bool:
        keys = [self.key("seen", pass_id), self.key("budget", pass_id)]
        return bool(self._claim(keys=keys, args=[fingerprint, site, "*", SEEN_TTL]))

    def seed(self, pass_id: int, fingerprints: list[str], budget: dict[str, int]) -> None:
        """What the pass must not fetch as new (tracked articles), and what it may fetch."""
        seen, pipe = self.key("seen", pass_id), self.server.pipeline(transaction=False)
        for start in range(0, len(fingerprints), 1000):
            pipe.sadd(seen, *fingerprints[start : start + 1000])
        pipe.sadd(seen, "-")  # the set exists even when nothing is tracked yet
        pipe.expire(seen, SEEN_TTL)
        if budget:
            pipe.hset(self.key("budget", pass_id), mapping=budget)
            pipe.expire(self.key("budget", pass_id), SEEN_TTL)
        pipe.execute()

    def lock(self, seconds: int = 600):
        return self.server.lock(self.key("enqueue-lock"), timeout=seconds, blocking=False)


def fingerprint_of(request: Request) -> str:
    """The scrapy-redis duplicate-filter fingerprint (method, canonical URL, body)."""
    return RFPDupeFilter.request_fingerprint(None, request)  # type: ignore[arg-type]


class PassDupeFilter(RFPDupeFilter):
    """scrapy-redis's filter, one set per pass (the pass id travels in request.meta)."""

    def request_seen(self, request: Request) -> bool:
        key = f"{self.key}:{request.meta.get('redline_pass', 0)}"
        added = self.server.sadd(key, self.request_fingerprint(request))
        return added == 0

    def clear(self) -> None:
        """Never: the sets are shared with other workers, and expire on their own."""

    def close(self, reason: str = "") -> None:
        """Never flush a shared filter on close."""


class AckedQueue(PriorityQueue):
    """scrapy-redis's priority queue, with pops filed as in flight until acknowledged."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        self.worker = spider.settings.get("REDLINE_WORKER_ID") or "anonymous"
        self.inflight_key = key.rsplit(":", 1)[0] + f":inflight:{self.worker}"
        self._pop = server.register_script(_POP)
        self.unacked: set[str] = set()

    def push(self, request: Request) -> None:
        ticket = request.meta.pop("redline_ticket", None)
        data = self._encode_request(request)
        pipe = self.server.pipeline()  # a retry or redirect replaces its parent atomically
        pipe.execute_command("ZADD", self.key, -request.priority, data)
        if ticket:
            pipe.hdel(self.inflight_key, ticket)
        pipe.execute()

    def pop(self, timeout: int = 0) -> Request | None:
        ticket = uuid.uuid4().hex
        try:
            data = self._pop(keys=[self.key, self.inflight_key], args=[ticket])
        except redis.RedisError as exc:
            _redis_away(exc)
            return None  # Redis is back soon; the worker loop keeps the engine going
        if not data:
            return None
        request = self._decode_request(data)
        request.meta["redline_ticket"] = ticket
        return request

    def ack(self, request: Request | None) -> None:
        ticket = request.meta.pop("redline_ticket", None) if request is not None else None
        if ticket:
            try:
                self.server.hdel(self.inflight_key, ticket)
            except redis.RedisError as exc:
                _redis_away(exc)
                self.unacked.add(ticket)  # done, but Redis could not be told: retried

    def retry_acks(self) -> None:
        for ticket in list(self.unacked):
            self.server.hdel(self.inflight_key, ticket)
            self.unacked.discard(ticket)

    def __len__(self) -> int:
        try:
            return super().__len__()
        except redis.RedisError as exc:
            _redis_away(exc)
            return 0

    def clear(self) -> None:
        """Never: the queue is shared; `redline enqueue` owns it."""


class ClusterScheduler(Scheduler):
    """scrapy-redis's scheduler; a request the filter drops is acknowledged, not lost."""

    def enqueue_request(self, request: Request) -> bool:
        try:
            if super().enqueue_request(request):
                return True
        except redis.RedisError as exc:
            _redis_away(exc)
            self.stalled.append(request)  # kept here until Redis answers again
            return True
        self.queue.ack(request)
        return False

    @property
    def stalled(self) -> list[Request]:
        if not hasattr(self, "_stalled"):
            self._stalled: list[Request] = []
        return self._stalled

    def retry_stalled(self) -> None:
        waiting, self._stalled = self.stalled, []
        for request in waiting:
            self.enqueue_request(request)

    def flush(self) -> None:
        """Never flush shared state (SCHEDULER_PERSIST is on; this is belt and braces)."""


class WorkerLoop:
    """Heartbeat, reaping, WARC rotation, and the worker's idea of 'done'."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.session = CrawlSession.of(crawler)
        self.cluster = self.session.config.cluster
        self.frontier = Frontier(self.cluster)
        self.worker = crawler.settings.get("REDLINE_WORKER_ID")
        self.exit_when_idle = crawler.settings.getbool("REDLINE_EXIT_WHEN_IDLE")
        self.loop = task.LoopingCall(self.tick)
        self.ticks = 0
        self.stale: set[bytes] = set()
        self.file: tuple[object, float] | None = None  # the open WARC file, since when

    @classmethod
    def from_crawler(cls, crawler) -> WorkerLoop:
        if not crawler.settings.get("REDLINE_WORKER_ID"):
            raise NotConfigured("not a cluster worker")
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider=None) -> None:
        self.frontier.beat(self.worker)
        self.loop.start(TICK_SECONDS, now=False)

    def idle(self, spider=None) -> None:
        raise DontCloseSpider  # a worker waits for the next pass; tick() decides when to stop

    def tick(self) -> None:
        self.ticks += 1
        try:
            self._tick()
        except Exception as exc:  # noqa: BLE001 - Redis away for a moment: keep the worker
            logger.warning("cluster bookkeeping failed: %s", exc)

    def _tick(self) -> None:
        self.frontier.beat(self.worker)
        engine = self.crawler.engine
        if engine._slot is None or engine._slot.closing is not None:
            return
        self._catch_up(engine)
        if self.ticks % 4 == 0:
            self.frontier.reap()
        state = self.frontier.state()
        if state.queued:
            engine._slot.nextcall.schedule()  # sooner than Scrapy's 5 s idle heartbeat
        opened = self._file_opened()
        too_old = opened and time.monotonic() - opened > self.cluster.close_after.total_seconds()
        locally_idle = engine.spider_is_idle()
        if too_old or (locally_idle and not state.queued and opened):
            self.session.rotate()  # end of a pass, or close_after: ingest can take it
        if self.exit_when_idle and locally_idle and not state.queued and not state.in_flight:
            deferred_from_coro(engine.close_spider_async(reason="finished"))

    def _file_opened(self) -> float | None:
        """When the current WARC file was first seen open (to a tick), for close_after."""
        current = self.session.writer.current_file
        if current is None:
            self.file = None
        elif self.file is None or self.file[0] != current:
            self.file = (current, time.monotonic())
        return self.file[1] if self.file else None

    def _catch_up(self, engine) -> None:
        """After a Redis outage: push what could not be pushed, acknowledge what was done,
        and put back what this worker had popped but never received."""
        scheduler = engine._slot.scheduler
        scheduler.retry_stalled()
        scheduler.queue.retry_acks()
        mine = self.frontier.key("inflight", self.worker)
        stale = set(self.frontier.server.hkeys(mine)) if engine.spider_is_idle() else set()
        if stale and stale == self.stale:  # idle for two ticks yet holding requests
            self.frontier.server.delete(self.frontier.key("alive", self.worker))
            self.frontier.reap()
            self.frontier.beat(self.worker)
            stale = set()
        self.stale = stale

    def closed(self, spider=None, reason=None) -> None:
        if self.loop.running:
            self.loop.stop()
        left = self.frontier.server.hlen(self.frontier.key("inflight", self.worker))
        if left:
            logger.warning("%d requests still in flight at close: requeued", left)
            self.frontier.server.delete(self.frontier.key("alive", self.worker))
            self.frontier.reap()
        self.frontier.server.delete(self.frontier.key("alive", self.worker))


def _redis_away(exc: Exception) -> None:
    logger.warning("Redis unreachable (%s): retrying on the next tick", exc)
