"""Scrapy settings for redline (`scrapy crawl news` reads these from scrapy.cfg).

`redline crawl` overrides the REDLINE_* values from redline.toml; everything else here
is the polite default every pass runs with.
"""

from importlib.util import find_spec

BOT_NAME = "redline"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "redline (+https://github.com/redline-news/redline)"
# HTML first, anything else (feeds, sitemaps) accepted. Shorter than Scrapy's default
# (Firefox's list, which adds XHTML and XML), and every recheck's request record keeps it.
# Only content-codings replay tools decode (warcio and pywb: gzip, br; not zstd, which
# Scrapy would offer when zstandard is installed): bodies are archived as sent. No
# deflate: servers all speak gzip, and every recheck's request record repeats the list.
# br only when Scrapy can decode it here (the brotli module).
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,*/*;q=0.8",
    "Accept-Language": "en",
    "Accept-Encoding": "gzip, br" if find_spec("brotli") or find_spec("brotlicffi") else "gzip",
}
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False

# Politeness: AutoThrottle adapts the delay to the server's latency; per-domain caps.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0
# An article callback yields one item, a sitemap's only requests: Scrapy starts this many
# asyncio tasks for every callback's output, so its default of 100 cost ~1.5 ms a page.
CONCURRENT_ITEMS = 4
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2

# We cut over-long pages ourselves (WARC-Truncated: length) instead of dropping them,
# and keep pages whose server lied about their length (WARC-Truncated: disconnect).
DOWNLOAD_MAXSIZE = 0
DOWNLOAD_WARNSIZE = 0
DOWNLOAD_FAIL_ON_DATALOSS = False

# The archive records redirect hops and error pages itself; spiders see them too.
REDIRECT_ENABLED = True
HTTPERROR_ALLOWED_CODES = [304, 404, 410]
DEPTH_LIMIT = 2

DOWNLOADER_MIDDLEWARES = {
    # robots.txt fetched once per host, and handed to the spider for its Sitemap: lines
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.NewsRobots": 100,
    "crawler.fetch.FetchBookkeeping": 595,
    "crawler.fetch.SiteRedirects": 605,  # before RedirectMiddleware: hops off the site stop
}
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.throttle.NewsThrottle": 0,
    "crawler.capture.WarcCapture": 100,
    "crawler.progress.Progress": 200,
}
# One of the two runs, as REDLINE_INDEX says: tracking into the index, or (a cluster
# worker) extraction records only, for `redline ingest`.
ITEM_PIPELINES = {
    "crawler.pipeline.TrackPipeline": 300,
    "crawler.records.ArticleRecords": 300,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False

# Only plain `scrapy crawl news` reads a config file (once, in NewsSpider.from_crawler):
# `redline crawl` and `redline worker` hand the spider the Config they loaded.
REDLINE_CONFIG = None  # path of redline.toml; None: $REDLINE_CONFIG or ./redline.toml
REDLINE_SITES = []  # names of the sites to crawl; empty: all
REDLINE_RECHECK = "due"  # due | all | none
REDLINE_LIMIT = 0  # at most this many article fetches this pass; 0: no limit
REDLINE_PROGRESS = False  # a progress line on stderr (set when it is a terminal)
REDLINE_TRACK = True  # extract, diff and index articles (off: archive only)
REDLINE_INDEX = True  # keep the SQLite index (off: a cluster worker, WARCs only)
REDLINE_PLAN = "crawler.plans.LocalPlan"  # what a pass fetches (a worker: FrontierPlan)
