"""The commented redline.toml that `redline init` writes."""

EXAMPLE = '''\
# redline configuration. Every path is relative to this file, so cron's working
# directory does not matter.
archive_dir = "archive"            # WARC files
database = "redline.db"            # the index
user_agent = "redline (+https://example.org/about-our-crawler)"   # say who you are
max_page_bytes = 20_000_000        # larger pages are archived cut short (WARC-Truncated)
warc_max_bytes = 1_000_000_000     # WARC rollover size
# log_file = "redline.log"

[publish]
base_url = "https://changes.example.org/"   # absolute links in feeds and pages

[schedule]
# recheck interval by time since an article last changed: under 3h every 15m, ...
intervals = [["3h", "15m"], ["1d", "1h"], ["7d", "3h"], ["30d", "3d"], ["365d", "30d"]]

[[sites]]
name = "example"
feeds = ["https://news.example/rss.xml"]
sitemaps = ["https://news.example/news-sitemap.xml"]
start_urls = ["https://news.example/"]              # front and section pages
article_pattern = "^https://news\\\\.example/\\\\d{4}/"   # which links are articles
# headline = "h1.headline"                          # optional CSS overrides
# byline = ".byline"
# body = "article .story-body p"
ignore = ["^Updated \\\\d+ minutes? ago$"]            # text never counted as an edit
max_per_pass = 500                                  # crawl budget for this site
'''
