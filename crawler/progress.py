"""A one-line progress display for a person at a terminal (off under cron)."""

from __future__ import annotations

import sys

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class Progress:
    def __init__(self, crawler: Crawler, stream=sys.stderr):
        self.stats = crawler.stats
        self.stream = stream
        self.loop = task.LoopingCall(self.show)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("REDLINE_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider=None) -> None:
        self.loop.start(0.5, now=True)

    def spider_closed(self, spider=None, reason=None) -> None:
        if self.loop.running:
            self.loop.stop()
        self.show()
        self.stream.write("\n")

    def show(self) -> None:
        def get(key: str) -> int:
            return int(self.stats.get_value(f"redline/{key}", 0))

        self.stream.write(
            f"\r  fetched {get('fetched')} pages · {get('new_articles')} new articles · "
            f"{get('rechecked')} rechecked · {get('changed')} changed · {get('failed')} failed "
        )
        self.stream.flush()
