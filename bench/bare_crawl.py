"""The baseline for bench/crawl.py: the same pages fetched by plain Scrapy, archiving nothing.

Same settings as redline's crawl (politeness, concurrency), minus the WARC capture
extension, the bookkeeping middleware and the tracking pipeline.
"""

from __future__ import annotations

import sys

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler import settings as redline_settings
from crawler.discovery import parse_sitemap


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, sitemap: str, **kwargs):
        super().__init__(**kwargs)
        self.sitemap = sitemap

    async def start(self):
        yield scrapy.Request(self.sitemap, self.parse_sitemap)

    def parse_sitemap(self, response):
        found = parse_sitemap(response.body, response.url)
        for url in found.sitemaps:
            yield scrapy.Request(url, self.parse_sitemap)
        for url in found.links:
            yield scrapy.Request(url, self.parse_article)

    def parse_article(self, response):
        self.crawler.stats.inc_value("bare/articles")


def main(sitemap: str) -> None:
    settings = Settings()
    settings.setmodule(redline_settings, priority="project")
    settings.set("EXTENSIONS", {}, priority="cmdline")
    settings.set("DOWNLOADER_MIDDLEWARES", {}, priority="cmdline")
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, sitemap=sitemap)
    process.start()
    print(crawler.stats.get_value("bare/articles", 0))


if __name__ == "__main__":
    main(sys.argv[1])
