"""The article as a reader sees it: the value every part of redline passes around."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Article:
    """What extraction finds in one page. Text fields are raw (not yet normalised)."""

    url: str
    headline: str = ""
    byline: str = ""
    published: str | None = None
    updated: str | None = None
    paragraphs: tuple[str, ...] = field(default_factory=tuple)
    canonical_url: str | None = None
    language: str | None = None
    # Every headline form the page gives, by form: "visible", "title", "social",
    # "structured" (see DESIGN.md); a form the page lacks has no key.
    headlines: dict[str, str] = field(default_factory=dict, hash=False)
    # The version of the extractor that made it (diffing.extract.EXTRACTOR_VERSION); 1 for
    # an extraction stored before versions were recorded. A revision extracted by an older
    # version is re-extracted before it is compared (the contract's upgrade rule).
    extractor: int = 1
    # What the page acknowledges (diffing.disclosure): the structured modification date,
    # an absolute visible "Updated ..." stamp (UTC ISO 8601), and the correction, update
    # and editor's notes (also paragraphs of the body: a note is article text).
    modified: str | None = None
    visible_updated: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["paragraphs"] = list(self.paragraphs)
        data["headlines"] = dict(self.headlines)
        data["notes"] = list(self.notes)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        known: dict[str, Any] = {k: data.get(k) for k in cls.__dataclass_fields__ if k in data}
        known["paragraphs"] = tuple(data.get("paragraphs") or ())
        known["headlines"] = dict(data.get("headlines") or {})
        known["extractor"] = int(data.get("extractor") or 1)
        known["notes"] = tuple(data.get("notes") or ())
        for key in ("headline", "byline"):
            known[key] = known.get(key) or ""
        return cls(**known)
