"""robots.txt: obeyed, fetched once per host and pass, and read for its Sitemap: lines.

Scrapy's RobotsTxtMiddleware fetches a host's robots.txt before the first request to
it; the spider asks for the same file to find the sitemaps it announces, which made a
second fetch (and a second capture). Here the spider's request is answered with the
response the middleware already has (archived once, when it arrived); and a robots.txt
that cannot be fetched is one warning line, not a traceback in a cron mail.
"""

from __future__ import annotations

import logging
import time

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from .health import reason

logger = logging.getLogger(__name__)
# One crawl pass reuses a host's robots.txt throughout (every site on the host reads its
# sitemaps from the same answer); a long-running cluster worker refetches it this often.
FRESH_SECONDS = 3600


class NewsRobots(RobotsTxtMiddleware):
    def __init__(self, crawler):
        super().__init__(crawler)
        # netloc -> the robots.txt response (or why it failed), and when it came
        self._answers: dict[str, tuple[float, Response | Exception]] = {}

    async def process_request(self, request: Request, spider=None) -> Response | None:
        netloc = urlparse_cached(request).netloc
        if request.meta.get("dont_obey_robotstxt") or request.url != _robots_url(request):
            return await super().process_request(request)
        self._expire(netloc)
        await self.robot_parser(request)
        if netloc not in self._answers:
            return None  # not fetched by us after all: let the request fetch it
        answer = self._answers[netloc][1]
        request.meta["dont_retry"] = True  # the fetch was retried already: hand it over as is
        if isinstance(answer, Exception):
            raise IgnoreRequest(f"robots.txt could not be fetched: {reason(answer)}")
        return answer.replace(request=request)

    async def robot_parser(self, request: Request):
        """Scrapy's, with a one-line warning instead of an error with a traceback, and
        the same rules for every request that waited for them."""
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots = Request(
                _robots_url(request),
                priority=self.DOWNLOAD_PRIORITY,
                meta={"dont_obey_robotstxt": True},
                callback=NO_CALLBACK,
            )
            try:
                response = await self.crawler.engine.download_async(robots)
                self._answers[netloc] = (time.monotonic(), response)
                await self._parse_robots(response, netloc, request)
            except Exception as exc:  # noqa: BLE001 - any failure means "no robots.txt rules"
                self._answers[netloc] = (time.monotonic(), exc)
                if not isinstance(exc, IgnoreRequest):
                    logger.warning("could not fetch %s: %s", robots.url, reason(exc))
                self._robots_error(exc, netloc)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            # Read the parser from the table once it is there: a Deferred hands its result
            # to the first waiter only (asFuture's callback returns None to the next one),
            # which let every other request that waited for robots.txt through unchecked.
            await maybe_deferred_to_future(parser)
            parser = self._parsers.get(netloc)
        return parser

    def _expire(self, netloc: str) -> None:
        """A worker runs pass after pass: its robots.txt is fetched again when stale."""
        fetched = self._answers.get(netloc, (time.monotonic(), None))[0]
        if time.monotonic() - fetched > FRESH_SECONDS:
            del self._answers[netloc]
            self._parsers.pop(netloc, None)


def _robots_url(request: Request) -> str:
    url = urlparse_cached(request)
    return f"{url.scheme}://{url.netloc}/robots.txt"
