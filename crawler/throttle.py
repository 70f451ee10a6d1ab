"""AutoThrottle that also learns from 304 Not Modified answers.

Scrapy's AutoThrottle never lowers the delay on a non-200 response (error pages are
fast and would speed it up wrongly). On a recheck pass nearly every answer is a 304,
so the delay would stay at its start value for the whole pass; a 304 is a normal,
successful answer and its latency is as telling as a 200's.
"""

from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle


class NewsThrottle(AutoThrottle):
    def _adjust_delay(self, slot, latency: float, response) -> None:
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
