"""Imported by the extraction pool's fork server only: the extractor loaded and run once,
so every worker forked from it starts warm (trafilatura sets itself up on its first
page, ~0.1 s)."""

from diffing.extract import extract_article

extract_article(
    "<html><head><title>Warm</title></head><body><article><h1>Warm</h1>"
    "<p>A page extracted once before the workers are forked from this process.</p>"
    "</article></body></html>",
    "https://example.org/warm",
)
