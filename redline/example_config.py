"""The commented redline.toml that `redline init` writes."""

EXAMPLE = """\
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
# dir = "public"                   # `crawl` republishes the site here after each pass

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
# hosts = ["amp.news.example"]     # other hosts a redirect may lead to (news.example and
#                                  # www.news.example always may)

# [[notify]]                       # any number: where new changes are sent
# url = "mailto://user:${MAIL_PASSWORD}@example.org"   # any Apprise URL; ${NAME} is an
#                                  # environment variable (unset: redline stops, exit 2)
# sites = ["example"]              # optional filters; a change is sent when all pass:
# kinds = ["headline", "body"]     #   any of headline, byline, body, removed, restored, moved
# significance = "substantive"     #   "substantive" only, or "minor" (both)
# silent = true                    #   true: only silent edits; false: only acknowledged

# [cluster]                        # crawling with several machines (redline enqueue/worker)
# redis_url = "redis://127.0.0.1:6379/0"
# key_prefix = "redline"
# close_after = "10m"              # a worker closes its WARC file at least this often
# worker_timeout = "60s"           # silent this long: a worker's requests are requeued
"""
