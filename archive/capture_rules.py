"""Which WARC records the index takes as captures: one rule for ingest, reindex and verify.

Records come from other tools' files too, so nothing in them is trusted: a target URI
that is not http(s) (a `javascript:` link would become a clickable script in the
published site) or a WARC-Date that does not parse is a fault on that record, never a
capture and never a crash.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import quote, unquote, urlsplit

CAPTURE_TYPES = ("response", "revisit")
WEB_SCHEMES = ("http", "https")
# Heritrix writes DNS lookups and whois answers as response records: normal, not a fault.
QUIET_SCHEMES = ("dns", "whois")
# Dates outside these years are typos or garbage; beyond 9999 datetime itself fails.
EARLIEST_YEAR, LATEST_YEAR = 1970, 8999
_FOREIGN_ID = "<urn:redline:record-id:"  # a record id that is not <urn:...>, made one


def capture_date(date: str | None) -> str | None:
    """A WARC-Date (0-9 fractional digits) in the index's form: UTC, six digits, `Z`.

    None when it is missing, does not parse, or is out of range. A date without a time
    zone is UTC, as WARC dates always are.
    """
    if not date:
        return None
    try:
        when = datetime.fromisoformat(date.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    when = when.astimezone(timezone.utc)
    if not EARLIEST_YEAR <= when.year <= LATEST_YEAR:
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def is_web_uri(uri: str | None) -> bool:
    """An absolute http(s) URI with a host: the only kind that may become a link."""
    try:
        parts = urlsplit((uri or "").strip())
    except ValueError:  # e.g. an unbalanced `[` in the host
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def _scheme(uri: str | None) -> str:
    try:
        return urlsplit((uri or "").strip()).scheme.lower()
    except ValueError:
        return ""


def skip_reason(warc_type: str, target_uri: str | None, date: str | None) -> str | None:
    """Why a response or revisit record is not indexed as a capture; None when it is.

    "" means skipped quietly (a DNS or whois record: not a web page, not a fault).
    """
    if not is_web_uri(target_uri):
        if _scheme(target_uri) in QUIET_SCHEMES:
            return ""
        return f"target URI {_short(target_uri)} is not http(s): not a capture"
    if capture_date(date) is None:
        return f"{warc_type} record of {_short(target_uri)} has a bad WARC-Date {_short(date)}"
    return None


def _short(text: str | None, limit: int = 80) -> str:
    text = repr(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def refers_id(record_id: str) -> str:
    """A WARC-Refers-To value for any record id (ARC records have none, other tools
    write ids that are not `<urn:...>`); `from_refers_id` undoes it."""
    if re.fullmatch(r"<urn:[^<>\s]+>", record_id):
        return record_id
    return f"{_FOREIGN_ID}{quote(record_id, safe='')}>"


def from_refers_id(value: str) -> str:
    if value.startswith(_FOREIGN_ID) and value.endswith(">"):
        return unquote(value[len(_FOREIGN_ID) : -1])
    return value
