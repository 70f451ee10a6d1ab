"""A cluster worker is the crawl's own components, switched by settings: each component's
from_crawler says NotConfigured where it has no part (no subclass overrides anything)."""

from __future__ import annotations

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.cluster import WorkerLoop
from crawler.cluster_worker import worker_settings
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
    crawler = crawler_for(NewsSpider, worker_settings(config), config)
    with pytest.raises(NotConfigured):
        TrackPipeline.from_crawler(crawler)
    assert isinstance(ArticleRecords.from_crawler(crawler), ArticleRecords)
    session = CrawlSession.of(crawler)
    assert session.db is None and session.tracker is None and session.config is config
    assert session.close() == [] and not config.database.exists()


def test_the_plan_is_switched_by_settings_and_a_worker_needs_a_cluster(tmp_path):
    from scrapy.utils.misc import build_from_crawler, load_object

    from crawler.plans import FrontierPlan, LocalPlan

    config = load_config(write_config(tmp_path, "http://127.0.0.1:9", extra=CLUSTER))
    for settings, expected in (
        (crawl_settings(config), LocalPlan),
        (worker_settings(config), FrontierPlan),
    ):
        crawler = crawler_for(NewsSpider, settings, config)
        plan = build_from_crawler(load_object(crawler.settings["REDLINE_PLAN"]), crawler)
        assert type(plan) is expected
    (tmp_path / "plain").mkdir()
    plain = load_config(write_config(tmp_path / "plain", "http://127.0.0.1:9"))
    with pytest.raises(NotConfigured):
        FrontierPlan.from_crawler(crawler_for(NewsSpider, worker_settings(config), plain))


def test_no_spider_subclass_overrides_the_news_spider():
    import crawler.cluster_enqueue
    import crawler.cluster_worker

    assert NewsSpider.__subclasses__() == []
    assert not hasattr(crawler.cluster_worker, "ClusterSpider")
