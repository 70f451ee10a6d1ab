"""Dates a page writes for people: "Updated 2 December 2026, 14:05 GMT", in English,
German, French, Spanish, Italian, Dutch and Portuguese, and machine dates, read as UTC.

A date is `YYYY-MM-DDTHH:MM:SS.ffffffZ` (the contract's time format), or the day alone,
`YYYY-MM-DD`, when the page gives a day but no time. A visible time with no zone is read
in the usual zone of the page's language (Berlin for German, New York for American
English, UTC when unknown): a guess, but the same guess on every capture. Likewise a
numeric date is day first except on American English pages, and English ones of no
region ("12/02/2026": 2 December in Berlin and Dublin, 12 February in Boston). Relative
stamps ("5 minutes ago") and stamps without a day ("Updated 14:05") give no date.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml.html import HtmlElement

from diffing.metadata import collapse, to_iso8601

_DAY_ONLY = re.compile(r"\d{4}-\d\d-\d\d")


def to_utc(text: str) -> str | None:
    """A machine-readable date as UTC in the contract's format; a day alone stays a day.

    >>> to_utc("2026-12-02T15:05:00+01:00"), to_utc("2026-12-02"), to_utc("soon")
    ('2026-12-02T14:05:00.000000Z', '2026-12-02', None)
    """
    text = collapse(text)
    if _DAY_ONLY.fullmatch(text):
        try:
            return date.fromisoformat(text).isoformat() if _plausible(int(text[:4])) else None
        except ValueError:
            return None
    iso = to_iso8601(text)
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return _format(moment.replace(tzinfo=moment.tzinfo or UTC))


def _plausible(year: int) -> bool:
    return 1990 <= year <= 2100  # placeholders like 0001-01-01 and typos are no dates


def _format(moment: datetime) -> str | None:
    if not _plausible(moment.year):
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- the visible "Updated ..." stamp ----------------------------------------------------

_MONTHS = {
    1: "january jan januar jänner janvier janv enero ene gennaio gen januari janeiro",
    2: "february feb februar feber février fevrier févr fevr febrero febbraio februari "
    "fevereiro fev",
    3: "march mar märz maerz mrz mär mars marzo maart mrt março marco",
    4: "april apr avril avr abril abr aprile",
    5: "may mai mayo maggio mag mei maio",
    6: "june jun juni juin junio giugno giu junho",
    7: "july jul juli juillet juil julio luglio lug julho",
    8: "august aug août aout agosto ago augustus",
    9: "september sep sept septembre septiembre setiembre settembre set setembro",
    10: "october oct oktober okt octobre octubre ottobre ott outubro out",
    11: "november nov novembre noviembre novembro",
    12: "december dec dezember dez décembre decembre déc diciembre dic dicembre dezembro",
}
_MONTH = {name: number for number, names in _MONTHS.items() for name in names.split()}
MONTH_WORDS = "|".join(sorted(_MONTH, key=len, reverse=True))
_WEEKDAYS = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur "
    "thurs fri sat sun montag dienstag mittwoch donnerstag freitag samstag sonnabend "
    "sonntag mo di mi do fr sa so lundi mardi mercredi jeudi vendredi samedi dimanche "
    "lunes martes miércoles miercoles jueves viernes sábado sabado domingo lunedì lunedi "
    "martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi sabato domenica "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag segunda terça terca quarta "
    "quinta sexta feira"
)
_CONNECTORS = (
    "on at am um den dem le la à a el las los il alle ore op om em às no na de del du of the"
)
FILLER_WORDS = "|".join(sorted({*_WEEKDAYS.split(), *_CONNECTORS.split()}, key=len, reverse=True))
_CONNECT = re.compile(rf"(?:[\s:,.\-–—|/@]|(?:{FILLER_WORDS})(?![\w]))*", re.IGNORECASE)
_DATES = (
    ("ymd", re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")),
    ("num", re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?![\d.:/-]?\d)")),
    (
        "dmy",
        re.compile(
            rf"(\d{{1,2}})(?:er|st|nd|rd|th|º|°|\.)?\s*(?:de\s+|of\s+)?({MONTH_WORDS})\.?,?\s*"
            r"(?:de\s+)?(\d{4})(?!\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "mdy",
        re.compile(
            rf"({MONTH_WORDS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE
        ),
    ),
)
_TIME = re.compile(
    r"(\d{1,2})(?:\s?[:.h]\s?(\d{2})(?:[:.](\d{2}))?)?(?![./]?\d)\s*"
    r"(?:(a\.?\s?m\b\.?|p\.?\s?m\b\.?)|(uhr|h|hrs?|hs|horas|heures?)\b)?",
    re.IGNORECASE,
)
_HOURS: dict[str, float] = {"GMT": 0, "UTC": 0, "Z": 0, "WET": 0, "BST": 1, "WEST": 1}
_HOURS |= {"CET": 1, "MEZ": 1}
_HOURS |= {"CEST": 2, "MESZ": 2, "EET": 2, "EEST": 3, "BRT": -3, "EST": -5, "EDT": -4}
_HOURS |= {"CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AEST": 10}
_HOURS |= {"IST": 5.5}  # English pages that say IST are Indian ones
_ZONE_NAMES = {"ET": "America/New_York", "CT": "America/Chicago", "PT": "America/Los_Angeles"}
_ZONE = re.compile(
    r"\s*\(?\s*(?:(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d\d))?|([+-])(\d\d):?(\d\d)"
    rf"|({'|'.join(sorted([*_HOURS, *_ZONE_NAMES], key=len, reverse=True))})(?![A-Za-z]))"
)
_LANGUAGE_ZONES = {
    "de": "Europe/Berlin",
    "fr": "Europe/Paris",
    "es": "Europe/Madrid",
    "it": "Europe/Rome",
    "nl": "Europe/Amsterdam",
    "pt": "Europe/Lisbon",
    "pt-br": "America/Sao_Paulo",
    "en-us": "America/New_York",
    "en-gb": "Europe/London",
    "en-ie": "Europe/Dublin",
}
_DAY_FIRST_ENGLISH = ("en-gb", "en-ie", "en-au", "en-nz", "en-in", "en-za")
# The label of an update stamp, by language; "Stand:" only with its colon (tagesschau).
_STAMP_LABELS = {
    "en": r"last\s+updated|updated|last\s+modified|modified|revised",
    "de": r"zuletzt\s+aktualisiert|aktualisiert|geändert|stand(?=\s*:)",
    "fr": r"mise?\s+à\s+jour|modifié|actualisé|màj",
    "es": r"última\s+actualización|actualizad[oa]|actualización|modificad[oa]",
    "it": r"ultimo\s+aggiornamento|aggiornat[oa]|aggiornamento|modificat[oa]",
    "nl": r"laatst\s+bijgewerkt|bijgewerkt|laatst\s+gewijzigd|gewijzigd|aangepast",
    "pt": r"última\s+a(?:c)?tualização|a(?:c)?tualizad[oa]|a(?:c)?tualização|alterad[oa]",
}
_STAMP_LABEL = re.compile(
    r"(?:^|[,|·•;–—/(]\s*|\d\s+)(?:"
    + "|".join(f"(?P<{lang}>{labels})" for lang, labels in _STAMP_LABELS.items())
    + r")(?![\w])",
    re.IGNORECASE,
)
_STAMP_WORD_ANYWHERE = re.compile(
    rf"\b(?:{'|'.join(_STAMP_LABELS.values())})(?![\w])", re.IGNORECASE
)
_RELATIVE = re.compile(
    r"\bago\b|\bjust\s+now\b|\btoday\b|\byesterday\b|\bvor\s+(?:\d+|einer?|wenigen)\b|\bheute\b"
    r"|\bgestern\b|\bgerade\b|il\s+y\s+a\b|\baujourd|\bhier\b|\bhace\b|\bhoy\b|\bayer\b|\bfa\b"
    r"|\boggi\b|\bieri\b|\bgeleden\b|\bvandaag\b|\bgisteren\b|\bhá\s+\d|\batrás\b|\bhoje\b"
    r"|\bontem\b|\bminutes?\b|\bminuten\b|\bhours?\b|\bstunden?\b",
    re.IGNORECASE,
)
# a word of some stamp label, found in lower-cased text: the cheap first filter
STAMP_STEMS = re.compile(
    r"updat|aktualisiert|geändert|stand:|à jour|modifi|actualis|actualiz|aggiorna|bijgewerkt"
    r"|gewijzigd|aangepast|atualiza|alterad|revised|màj"
)
_NOT_STAMP_PLACES = {"script", "style", "noscript", "template", "nav", "footer", "aside", "a"}
_NOT_STAMP_PLACES |= {"option", "select", "button", "textarea", "title", "h1", "h2", "h3"}
_RELATIVE_STAMP, _NO_DAY = "relative", "no day"


def first_stamp(
    candidates: Iterable[tuple[str, HtmlElement, HtmlElement]], language: str | None
) -> str | None:
    """The date of the first "Updated ..." stamp among `candidates` (text nodes holding
    a `STAMP_STEMS` word, each with its owner element and the element around it), in
    page order; None when that stamp is relative or has no day, or there is none. A
    relative stamp in the page's own masthead (a `<header>` outside `<article>` and
    `<main>`: "Updated 5 minutes ago" about the site) is skipped, not the article's."""
    for text, owner, context in itertools.islice(candidates, 100):
        if inside(owner, _NOT_STAMP_PLACES):
            continue
        found = _stamp_near(collapse(text), context, language)
        if found == _RELATIVE_STAMP and _in_masthead(owner):
            continue
        if found is not None:
            return None if found in (_RELATIVE_STAMP, _NO_DAY) else found
    return None


def _in_masthead(node: HtmlElement) -> bool:
    return inside(node, {"header"}) and not inside(node, {"article", "main"})


def inside(node: HtmlElement, tags: set[str]) -> bool:
    return any(n.tag in tags for n in (node, *node.iterancestors()))


def _stamp_near(text: str, context: HtmlElement, language: str | None) -> str | None:
    """The stamp whose label is in `text`, read in `context` or up to two of its ancestors
    (the day is often in the next element); a marker for a useless stamp; None when
    `text` holds no stamp."""
    if len(text) > 300 or not _STAMP_WORD_ANYWHERE.search(text):
        return None
    if _STAMP_LABEL.search(text):
        for whole, node in _stamp_boxes(text, context):
            for label in _STAMP_LABEL.finditer(whole):
                found = _stamp_after(whole, label, node, language)
                if found is not None:
                    return found
    # "vor 3 Minuten aktualisiert", "Updated 5 mins ago"
    return _RELATIVE_STAMP if len(text) <= 80 and _RELATIVE.search(text) else None


def _stamp_boxes(text: str, context: HtmlElement) -> Iterator[tuple[str, HtmlElement | None]]:
    """The text around a label, growing: its element, the parent, the grandparent. A box
    of many parts is no stamp's (and its text may be the whole page)."""
    node: HtmlElement | None = context
    for _ in range(3):
        if node is None or len(node) > 12:
            if node is context:
                yield text, None
            return
        whole = collapse(node.text_content())
        if len(whole) > 300:
            return
        yield whole, node
        node = node.getparent()


def _stamp_after(
    text: str, label: re.Match[str], context: HtmlElement | None, language: str | None
) -> str | None:
    position = _skip(text, label.end())
    for time in () if context is None else context.iter("time"):
        shown = collapse(time.text_content())
        if shown and text.find(shown, label.end()) == position:
            if _RELATIVE.search(shown):
                return _RELATIVE_STAMP
            found = to_utc(time.get("datetime") or "")
            if found:
                return found
    found = _read_stamp(text, position, (language or label.lastgroup or "").lower())
    if found is None and _RELATIVE.search(text[position : position + 25]):
        return _RELATIVE_STAMP
    return found


def _read_stamp(text: str, position: int, language: str) -> str | None:
    """The day and time written at `position`: "2 December 2026, 14:05 GMT",
    "14:05 Uhr, 02.12.2026", "Dec. 2, 2026 2:05 p.m. ET"."""
    day = _match_date(text, position, language)
    if day is None:
        clock = _TIME.match(text, position)
        if clock is None or not _is_time(clock):
            return None
        named = _ZONE.match(text, clock.end())  # "9:22 PM EST, Mon November 6, 2023"
        day = _match_date(text, _skip(text, named.end() if named else clock.end()), language)
        if day is None:
            return _NO_DAY
    else:
        clock = _TIME.match(text, _skip(text, day[1]))
    if clock is None or not _is_time(clock):
        return day[0].isoformat()
    hour, minute, second = int(clock[1]), int(clock[2] or 0), int(clock[3] or 0)
    if clock[4]:
        hour = hour % 12 + (12 if clock[4].lower().startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        return day[0].isoformat()
    zone = _zone_at(text, clock.end()) or _language_zone(language)
    local = datetime(day[0].year, day[0].month, day[0].day, hour, minute, second)
    return _format(local.replace(tzinfo=zone))


def _skip(text: str, position: int) -> int:
    """Past the punctuation, weekdays and little words ("on", "am", "à", "às") at `position`."""
    connected = _CONNECT.match(text, position)
    return connected.end() if connected else position


def _is_time(clock: re.Match[str]) -> bool:
    return bool(clock[2] or clock[4] or clock[5])


def _match_date(text: str, position: int, language: str) -> tuple[date, int] | None:
    for kind, pattern in _DATES:
        found = pattern.match(text, position)
        if not found:
            continue
        a, b, c = found.groups()
        if kind == "ymd":
            year, month, day = int(a), int(b), int(c)
        elif kind == "num":
            first, second = int(a), int(b)
            month_first = language.startswith("en") and not language.startswith(_DAY_FIRST_ENGLISH)
            if second > 12 or (month_first and first <= 12):
                first, second = second, first
            day, month, year = first, second, int(c) + (2000 if len(c) == 2 else 0)
        elif kind == "dmy":
            day, month, year = int(a), _MONTH[b.lower()], int(c)
        else:
            month, day, year = _MONTH[a.lower()], int(b), int(c)
        try:
            moment = date(year, month, day)
        except ValueError:
            return None
        return (moment, found.end()) if _plausible(year) else None
    return None


def _zone_at(text: str, position: int) -> tzinfo | None:
    found = _ZONE.match(text, position)
    if not found:
        return None
    sign, hours, minutes = found[1] or found[4], found[2] or found[5], found[3] or found[6]
    if sign:
        offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
        return timezone(-offset if sign == "-" else offset)
    name = found[7]
    if name in _ZONE_NAMES:
        return _zone(_ZONE_NAMES[name])
    return timezone(timedelta(hours=_HOURS[name]))


def _language_zone(language: str) -> tzinfo:
    name = _LANGUAGE_ZONES.get(language) or _LANGUAGE_ZONES.get(language[:2])
    return _zone(name) if name else UTC


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:  # no tz database: stay deterministic
        return UTC
