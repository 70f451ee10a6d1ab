"""A cluster worker is the crawl's own components, switched by settings: each component's
from_crawler says NotConfigured where it has no part (no subclass overrides anything)."""

from __future__ import annotations

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.cluster import WorkerLoop
from crawler.cluster_worker import ClusterSpider, worker_settings
from crawler.pipeline import TrackPipeline
from crawler.records import ArticleRecords
from crawler.run import crawl_settings
from crawler.session import CrawlSession
from crawler.spiders.news import NewsSpider
from redline.config import load_config
from tests.crawling import write_config

CLUSTER = '\n[cluster]\nredis_url = "redis://127.0.0.1:9/0"\n'


def crawler_for(spider_class, settings, config) -> Crawler:
    crawler = Crawler(spider_class, settings)
    crawler.spider = spider_class(config=config)  # what Crawler.crawl makes first
    return crawler


def test_a_crawl_keeps_its_index_and_runs_neither_worker_component(tmp_path):
    config = load_config(write_config(tmp_path, "http://127.0.0.1:9", extra=CLUSTER))
    crawler = crawler_for(NewsSpider, crawl_settings(config), config)
    with pytest.raises(NotConfigured):
        ArticleRecords.from_crawler(crawler)
    with pytest.raises(NotConfigured):
        WorkerLoop.from_crawler(crawler)
    session = CrawlSession.of(crawler)
    assert session.db is not None and session.config is config
    session.close()


def test_a_worker_writes_warcs_only_and_never_opens_the_index(tmp_path):
    config = load_config(write_config(tmp_path, "http://127.0.0.1:9", extra=CLUSTER))
    crawler = crawler_for(ClusterSpider, worker_settings(config), config)
    with pytest.raises(NotConfigured):
        TrackPipeline.from_crawler(crawler)
    assert isinstance(ArticleRecords.from_crawler(crawler), ArticleRecords)
    session = CrawlSession.of(crawler)
    assert session.db is None and session.tracker is None and session.config is config
    assert session.close() == [] and not config.database.exists()
