"""Extraction quality and speed on the real-world corpus (../shared/corpus).

Run: .venv/bin/python bench/extract.py
Prints headline and byline accuracy on the readability news pages, body token F1 on the
article-extraction benchmark, noise-only recapture pairs that differ (must be 0), and
milliseconds per page next to trafilatura's plain extract() measured in the same run.
The metric functions are reused by tests/test_extract.py.
"""

from __future__ import annotations

import itertools
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))

from diffing.extract import extract_article  # noqa: E402

# Readability test pages from news outlets, whatever their metadata says.
NEWS_NAMES = re.compile(
    r"^(nytimes|bbc|guardian|wapo|cnn|telegraph|lemonde|liberation|folha|la-nacion|"
    r"seattletimes|herald-sun|salon|yahoo|msn|aktualne|breitbart|buzzfeed|citylab|"
    r"engadget|theverge|cnet|ars|heise|lwn|quanta|tmz|medicalnewstoday|gmw|qq|"
    r"pixnet|aclu|spiceworks|ehow|webmd|iab|topicseed|simplyfound)"
)
_SUFFIX = re.compile(r"\s+(?:[|\-–—:·»«/_]|::)\s*|\s*[|_]\s+|_|\s+(?=\[)")


def normalise(text: str | None) -> str:
    """NFC and collapsed whitespace: how redline compares article text."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def fold(text: str | None) -> str:
    """For fair headline/byline comparison: case, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(re.findall(r"\w+", text))


def same_headline(ours: str, expected: str) -> bool:
    """Equal after folding, with or without a " | Site" suffix on either side."""
    return bool(fold(ours)) and (set(_title_forms(ours)) & set(_title_forms(expected))) != set()


def _title_forms(title: str) -> Iterator[str]:
    yield fold(title)
    for separator in _SUFFIX.finditer(title):
        yield fold(title[: separator.start()])
        yield fold(title[separator.end() :])


def same_byline(ours: str, expected: str) -> bool:
    ours_f, expected_f = fold(re.sub(r"^\s*by\s+", "", ours, flags=re.IGNORECASE)), fold(expected)
    expected_f = re.sub(r"^by ", "", expected_f)
    return bool(ours_f) and (ours_f in expected_f or expected_f in ours_f)


def token_f1(ours: str, expected: str) -> float:
    """Multiset word-token F1, the article-extraction-benchmark's measure."""
    a, b = Counter(fold(ours).split()), Counter(fold(expected).split())
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def news_pages(corpus: Path) -> list[tuple[Path, dict]]:
    """Readability pages that are news: a news outlet's name, or a byline and a date."""
    pages = []
    for folder in sorted((corpus / "pages-readability").iterdir()):
        meta_file = folder / "expected-metadata.json"
        if not meta_file.is_file():
            continue
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if NEWS_NAMES.match(folder.name) or (meta.get("byline") and meta.get("publishedTime")):
            pages.append((folder, meta))
    return pages


def benchmark_pages(corpus: Path) -> list[tuple[Path, dict]]:
    folder = corpus / "pages-extraction-benchmark"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return [(folder / entry["path"], entry) for entry in manifest]


def recapture_pairs_differing(corpus: Path) -> tuple[int, list[str]]:
    """(pairs compared, 'name vA/vB field' for each pair whose article differs)."""
    pairs, differing = 0, []
    for folder in sorted(p for p in (corpus / "recaptures-noise-only").iterdir() if p.is_dir()):
        seen = {f.name: article_key(f, folder.name) for f in sorted(folder.glob("v*.html"))}
        for (name_a, a), (name_b, b) in itertools.combinations(seen.items(), 2):
            pairs += 1
            for field, value_a, value_b in zip(("headline", "byline", "body"), a, b):
                if value_a != value_b:
                    differing.append(f"{folder.name} {name_a}/{name_b} {field}")
                    break
    return pairs, differing


def article_key(path: Path, name: str) -> tuple[str, str, tuple[str, ...]]:
    article = extract_article(path.read_bytes(), f"https://{name.rstrip('0123456789')}/article")
    paragraphs = tuple(normalise(p) for p in article.paragraphs)
    return normalise(article.headline), normalise(article.byline), paragraphs


def measure_headlines(corpus: Path) -> tuple[int, int, int, int, list[str]]:
    """(pages, right headlines, pages with a byline, right bylines, misses)."""
    right = bylines = right_bylines = 0
    misses = []
    pages = news_pages(corpus)
    for folder, meta in pages:
        article = extract_article((folder / "source.html").read_bytes(), "https://example.org/")
        if same_headline(article.headline, meta["title"]):
            right += 1
        else:
            misses.append(f"headline {folder.name}: {article.headline!r} != {meta['title']!r}")
        if meta.get("byline"):
            bylines += 1
            if same_byline(article.byline, meta["byline"]):
                right_bylines += 1
            else:
                misses.append(f"byline {folder.name}: {article.byline!r} != {meta['byline']!r}")
    return len(pages), right, bylines, right_bylines, misses


def measure_bodies(corpus: Path) -> tuple[list[float], list[float], list[float]]:
    """(F1 per page, our ms per page, trafilatura.extract ms per page)."""
    import trafilatura

    scores, ours_ms, baseline_ms = [], [], []
    for path, entry in benchmark_pages(corpus):
        html = path.read_bytes()
        start = time.perf_counter()
        article = extract_article(html, entry["url"])
        ours_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        trafilatura.extract(html.decode("utf-8", errors="replace"), url=entry["url"])
        baseline_ms.append((time.perf_counter() - start) * 1000)
        scores.append(token_f1(article.body, entry["articleBody"]))
    return scores, ours_ms, baseline_ms


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    if not CORPUS.is_dir():
        sys.exit(f"bench/extract.py: the corpus is not at {CORPUS} (../shared beside the repo)")
    verbose = "-v" in sys.argv
    pages, right, bylines, right_bylines, misses = measure_headlines(CORPUS)
    print(f"headline: {right}/{pages} news pages right ({right / pages:.1%}; target >= 95%)")
    print(f"byline:   {right_bylines}/{bylines} pages with an expected byline right")
    if verbose:
        print("\n".join("  " + m for m in misses))
    scores, ours_ms, baseline_ms = measure_bodies(CORPUS)
    print(
        f"body F1 over {len(scores)} pages: median {statistics.median(scores):.3f} "
        f"mean {statistics.mean(scores):.3f} p10 {percentile(scores, 0.1):.3f} (target >= 0.9)"
    )
    pairs, differing = recapture_pairs_differing(CORPUS)
    print(f"noise-only recaptures: {len(differing)} of {pairs} pairs differ (must be 0)")
    if verbose or differing:
        print("\n".join("  " + d for d in differing))
    ours, baseline = statistics.median(ours_ms), statistics.median(baseline_ms)
    print(
        f"ms per page: median {ours:.1f} p95 {percentile(ours_ms, 0.95):.1f}; "
        f"trafilatura.extract() median {baseline:.1f} (ratio {ours / baseline:.2f})"
    )


if __name__ == "__main__":
    main()
