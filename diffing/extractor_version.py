"""The extractor's version, apart from the extractor: a crawl or ingest whose pages are
extracted in worker processes records it without importing trafilatura."""

# Bump whenever extraction gives a different Article for the same HTML, so an index built
# by an earlier version is compared by re-extracting its previous revision, never by
# reading the old extraction's output as an edit. 1: before headline forms (issue 12);
# 2: before editors and affiliations were told apart from authors; 3: before links
# labelled "By"/"Von:" were a byline source; 4: before a breadcrumb's <h1> gave way to
# the article's own header heading, and a kicker was set off by ": ".
EXTRACTOR_VERSION = 5
