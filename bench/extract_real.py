"""Extraction on real pages no one tuned for: redline vs plain trafilatura, per corpus.

Run: .venv/bin/python bench/extract_real.py [--half dev|held-out|both] [--corpus NAME]
                                            [--misses] [--no-baseline]
For each corpus and each half (a fixed split by a hash of the page's file name: develop
on "dev", only measure "held-out") it prints, for redline and for plain
`trafilatura.bare_extraction(html, url=url, with_metadata=True)` (its defaults, with the title
and author that trafilatura 2 leaves out by default) run in the same process:
  headline  share right: equal after NFC, case folding, collapsed whitespace and a site-name
            suffix (" | Site", " - Site") removed from either side;
  any form  share of pages where one of the page's headline forms (Article.headlines:
            visible, title, social, structured) is right: the truth's choice among
            the forms differs between sources (fundus often takes og:title);
  byline    share right among pages with one: the same set of person names;
  recall    median and p10 of the share of ground-truth words found in the body
            (characters for Chinese, Japanese and Korean); for corpora that know only the
            body's start, the share of pages whose body starts with it;
  leakage   median share of the body's words not in the ground truth (full text only);
  ms        median milliseconds per page.
--misses lists redline's misses, for the dev half only: the held-out half stays unseen.
Targets (full human-checked ground truth: readability, benchmark, fundus): headline >= 95%,
byline >= 90%, recall median >= 0.97 and p10 >= 0.85, leakage median <= 0.03, and never
below trafilatura.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extract import benchmark_pages, news_pages, percentile  # noqa: E402

from diffing.extract import ExtractionError, extract_article  # noqa: E402

# Separators before a site-name suffix; a colon is left alone (it is part of headlines).
_SUFFIX = re.compile(r"\s+(?:[|\-–—·»«/:]|::)\s+|\s*(?:[|｜_：]|--|::)\s*|\s+(?=\[)")
# One token per Chinese, Japanese or Korean character: those scripts do not space words.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"\w+")
# Soft hyphens and zero-width characters: invisible, so not part of any word.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_NAME_SPLIT = re.compile(
    r"\s*(?:[,;|/&•·]|\s(?:and|und|y|et|e|og|och|en|ve|i|és|a|и)\s)\s*", re.IGNORECASE
)
_BY = re.compile(r"^(?:by|von|par|por|door|di|da|av|af|från)\s*:?\s+", re.IGNORECASE)
_NUMBER = re.compile(r"\d")
_DATE = re.compile(
    r"\s(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s\d{1,2}\b.*$", re.IGNORECASE
)
FULL_TEXT = ("readability", "benchmark", "fundus")


@dataclass(frozen=True)
class Page:
    corpus: str
    name: str
    path: Path
    url: str
    headline: str | None
    bylines: frozenset[str] | None  # folded person names; None: the truth says nothing
    body: str | None  # full text
    prefix: str | None  # only the body's start is known


@dataclass(frozen=True)
class Extraction:
    headline: str
    byline: str
    body: str
    ms: float
    failed: bool = False
    forms: tuple[str, ...] = ()  # every headline form (redline's Article.headlines)


@dataclass
class Scores:
    headline: list[bool] = field(default_factory=list)
    any_form: list[bool] = field(default_factory=list)
    byline: list[bool] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    prefix: list[bool] = field(default_factory=list)
    leakage: list[float] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)


# --- metrics --------------------------------------------------------------------------


def norm(text: str | None) -> str:
    """NFC, case folded, whitespace collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "").casefold()).strip()


def headline_forms(title: str) -> set[str]:
    """The headline, and the headline without trailing " | Site" parts.

    A suffix is at most 6 words and shorter than what it follows, so a headline's own
    "A - B" is not cut to "A" unless B is short and A is longer.
    """
    forms = {norm(title)}
    for separator in _SUFFIX.finditer(title):
        kept, tail = title[: separator.start()], title[separator.end() :]
        if len(tail.split()) <= 6 and len(kept) > len(tail):
            forms.add(norm(kept))
    return forms - {""}


def headline_right(ours: str, truth: str) -> bool:
    return bool(headline_forms(ours) & headline_forms(truth))


def person_names(byline: str | list[str] | None) -> frozenset[str]:
    """Folded names: 'By Ann Lee and Bo Chen' -> {'ann lee', 'bo chen'}."""
    whole = byline if isinstance(byline, list) else [byline or ""]
    parts = [part for text in whole for part in _NAME_SPLIT.split(text)]
    names = (" ".join(_WORD.findall(_BY.sub("", norm(part).strip()))) for part in parts)
    # A date or a number is never a name ("By Nathan Willis, March 25, 2015").
    undated = (_DATE.sub("", name).strip() for name in names)
    return frozenset(n for n in undated if n and not _NUMBER.search(n))


def tokens(text: str | None) -> list[str]:
    """Folded words; each Chinese, Japanese or Korean character is a token of its own."""
    found = []
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text or "").casefold())
    for word in _WORD.findall(text):
        if _CJK.search(word):
            found.extend(part for part in re.split(f"({_CJK.pattern})", word) if part)
        else:
            found.append(word)
    return found


def recall_and_leakage(ours: str, truth: str) -> tuple[float, float]:
    mine, theirs = Counter(tokens(ours)), Counter(tokens(truth))
    common = sum((mine & theirs).values())
    recall = common / sum(theirs.values()) if theirs else 1.0
    leakage = 1 - common / sum(mine.values()) if mine else 0.0
    return recall, leakage


def starts_with(ours: str, prefix: str) -> bool:
    """The body starts with `prefix`, ignoring whitespace, punctuation and case."""
    return "".join(tokens(ours)).startswith("".join(tokens(prefix)))


# --- corpora --------------------------------------------------------------------------


def half(name: str) -> str:
    """A fixed split: the same page is always in the same half."""
    return "dev" if hashlib.sha256(name.encode()).digest()[0] % 2 == 0 else "held-out"


def readability(corpus: Path) -> Iterator[Page]:
    for folder, meta in news_pages(corpus):
        expected = (folder / "expected.html").read_text(encoding="utf-8")
        yield Page(
            "readability",
            folder.name,
            folder / "source.html",
            "https://example.org/",
            meta.get("title"),
            person_names(meta["byline"]) if meta.get("byline") else None,
            html_text(expected),
            None,
        )


def html_text(html: str) -> str:
    """Text of a cleaned article body, one block per line."""
    tree = lxml.html.fromstring(html)
    for block in tree.iter("p", "h1", "h2", "h3", "h4", "li", "blockquote", "div", "br", "tr"):
        block.tail = "\n" + (block.tail or "")
    return tree.text_content()


def benchmark(corpus: Path) -> Iterator[Page]:
    for path, entry in benchmark_pages(corpus):
        yield Page(
            "benchmark", path.name, path, entry["url"], None, None, entry["articleBody"], None
        )


def news_extra(corpus: Path, source: str) -> Iterator[Page]:
    folder = corpus / "pages-news-extra" / source
    for entry in json.loads((folder / "manifest.json").read_text(encoding="utf-8")):
        authors = entry.get("authors") or entry.get("byline")
        yield Page(
            source,
            entry["file"],
            folder / entry["file"],
            entry["url"],
            entry.get("headline"),
            person_names(authors) if authors else None,
            entry.get("body") if entry.get("body_complete") else None,
            entry.get("body_prefix") or (None if entry.get("body_complete") else entry.get("body")),
        )


CORPORA: dict[str, Callable[[Path], Iterator[Page]]] = {
    "readability": readability,
    "benchmark": benchmark,
    "fundus": lambda c: news_extra(c, "fundus"),
    "postlight-parser": lambda c: news_extra(c, "postlight-parser"),
    "newspaper4k": lambda c: news_extra(c, "newspaper4k"),
    "goose3": lambda c: news_extra(c, "goose3"),
    "newspaper-fulltext": lambda c: news_extra(c, "newspaper-fulltext"),
}


# --- the two extractors ---------------------------------------------------------------


def run_redline(html: bytes, url: str) -> Extraction:
    start = time.perf_counter()
    try:
        article = extract_article(html, url)
    except ExtractionError:
        return Extraction("", "", "", (time.perf_counter() - start) * 1000, failed=True)
    ms = (time.perf_counter() - start) * 1000
    forms = (article.headline, *article.headlines.values())
    return Extraction(article.headline, article.byline, article.body, ms, forms=forms)


def run_trafilatura(html: bytes, url: str) -> Extraction:
    import trafilatura

    start = time.perf_counter()
    # Defaults, but with metadata: since trafilatura 2.0 bare_extraction leaves out title
    # and author unless asked.
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    ms = (time.perf_counter() - start) * 1000
    if document is None:
        return Extraction("", "", "", ms, failed=True)
    get = document.get if isinstance(document, dict) else lambda k: getattr(document, k, None)
    # trafilatura separates authors with "; "
    authors = (get("author") or "").replace("; ", ", ")
    return Extraction(get("title") or "", authors, get("text") or "", ms)


def score(page: Page, got: Extraction, scores: Scores) -> list[str]:
    """Add one page's figures to `scores`; what it got wrong, as lines."""
    misses = []
    scores.ms.append(got.ms)
    if page.headline:
        right = headline_right(got.headline, page.headline)
        scores.headline.append(right)
        if got.forms:
            scores.any_form.append(any(headline_right(f, page.headline) for f in got.forms))
        if not right:
            misses.append(f"headline {got.headline!r} != {page.headline!r}")
    if page.bylines:
        right = person_names(got.byline) == page.bylines
        scores.byline.append(right)
        if not right:
            misses.append(f"byline {got.byline!r} != {sorted(page.bylines)}")
    if page.body:
        recall, leakage = recall_and_leakage(got.body, page.body)
        scores.recall.append(recall)
        scores.leakage.append(leakage)
        if recall < 0.9 or leakage > 0.1:
            misses.append(f"body recall {recall:.2f} leakage {leakage:.2f}")
    elif page.prefix:
        right = starts_with(got.body, page.prefix)
        scores.prefix.append(right)
        if not right:
            misses.append(f"prefix {got.body[:80]!r} != {page.prefix[:80]!r}")
    return misses


# --- the table ------------------------------------------------------------------------


def share(values: list[bool]) -> str:
    return f"{sum(values) / len(values):6.1%} ({len(values):3})" if values else " " * 12


def row(label: str, s: Scores) -> str:
    recall = (
        f"{statistics.median(s.recall):.3f} {percentile(s.recall, 0.1):.3f}"
        if s.recall
        else (f"start {share(s.prefix)}" if s.prefix else "")
    )
    leakage = f"{statistics.median(s.leakage):.3f}" if s.leakage else ""
    ms = f"{statistics.median(s.ms):6.1f}" if s.ms else ""
    any_form = f"{sum(s.any_form) / len(s.any_form):6.1%}" if s.any_form else ""
    return (
        f"{label:<40} {share(s.headline):>13} {any_form:>8} {share(s.byline):>13} "
        f"{recall:>19} {leakage:>7} {ms:>7}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=("dev", "held-out", "both"), default="both")
    parser.add_argument("--corpus", action="append", choices=sorted(CORPORA))
    parser.add_argument("--misses", action="store_true", help="list redline's dev-half misses")
    parser.add_argument("--no-baseline", action="store_true", help="skip trafilatura")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"bench/extract_real.py: the corpus is not at {CORPUS} (../shared)")
    halves = ("dev", "held-out") if args.half == "both" else (args.half,)
    tools = {"redline": run_redline}
    if not args.no_baseline:
        tools["trafilatura"] = run_trafilatura
    print(
        f"{'corpus / half / tool':<40} {'headline':>13} {'any form':>8} {'byline':>13} "
        f"{'recall med p10':>19} {'leakage':>7} {'ms':>7}"
    )
    misses = []
    for corpus_name in args.corpus or list(CORPORA):
        pages = [p for p in CORPORA[corpus_name](CORPUS) if half(p.name) in halves]
        for which in halves:
            chosen = [p for p in pages if half(p.name) == which]
            for tool, run in tools.items():
                scores = Scores()
                for page in chosen:
                    found = score(page, run(page.path.read_bytes(), page.url), scores)
                    if args.misses and which == "dev" and tool == "redline":
                        misses += [f"{corpus_name}/{page.name}: {m}" for m in found]
                target = "*" if corpus_name in FULL_TEXT else " "
                print(row(f"{target}{corpus_name} {which} {tool}", scores), flush=True)
    if misses:
        print("\nredline's misses on the dev half:\n" + "\n".join("  " + m for m in misses))


if __name__ == "__main__":
    main()
