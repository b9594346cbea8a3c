"""Normalization: canonical ids, tag kinds, dates, REF entries, classification reasons.

Everything here works on strings the grammar has already isolated (one TAGS block, one REF
block, one E.O. line); nothing searches a whole cable. The tables are package data
(``cableparse/data``), loaded once on first use.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Iterable
from importlib import resources

from dateutil import parser as _dateparser

from ._cache import bounded_cache
from .models import LEVELS, Classification, Reference, ReferenceKind, TagKind

UTC = _dt.timezone.utc

# --- package data -------------------------------------------------------------------------


def _data_lines(name: str) -> Iterable[str]:
    text = resources.files("cableparse").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n")


@functools.lru_cache(maxsize=None)
def _pairs(name: str) -> dict[str, str]:
    return dict(tuple(line.split("\t", 1)) for line in _data_lines(name))  # type: ignore[misc]


@functools.lru_cache(maxsize=None)
def _word_set(name: str) -> frozenset[str]:
    return frozenset(line.strip().upper() for line in _data_lines(name))


@functools.lru_cache(maxsize=None)
def _id_noise() -> tuple[tuple[re.Pattern[str], str], ...]:
    rules = []
    for line in _data_lines("id-noise.tsv"):
        pattern, replacement = line.split("\t", 1)
        rules.append((re.compile(pattern), replacement))
    return tuple(rules)


# --- ids ----------------------------------------------------------------------------------

_ID_SHAPE = re.compile(r"^(\d\d)([A-Z][A-Z\-']*?)0*(\d{1,7})$")


def canonical_station(origin: str) -> str:
    """The canonical spelling of a station (MRN origin with spaces removed): ``SECSTATE`` -> ``STATE``."""
    key = re.sub(r"[\s'\-.]", "", origin.upper())
    return _pairs("station-aliases.tsv").get(key, key)


@bounded_cache(1 << 16)
def canonical_id(reference_id: str) -> str:
    """The id a cable should have: ``"08SECSTATE145633"`` -> ``"08STATE145633"``.

    Known malformed published ids are replaced from a table, then leaked noise is removed by
    the rules of ``data/id-noise.tsv``, the station is mapped through the alias table and the
    serial loses its leading zeros. A string that is not an id comes back stripped and upper
    cased, never raising.
    """
    value = re.sub(r"\s+", "", reference_id).upper()
    fixed = _pairs("malformed-ids.tsv").get(value)
    if fixed is not None:
        return fixed
    for pattern, replacement in _id_noise():
        value = pattern.sub(replacement, value)
    match = _ID_SHAPE.match(value)
    if match is None:
        return value
    year, station, serial = match.groups()
    return f"{year}{canonical_station(station)}{int(serial)}"


def is_cable_id(value: str) -> bool:
    """Whether ``value`` has the shape of a cable id (``08MEXICO23``)."""
    return _ID_SHAPE.match(value) is not None


def make_id(year: int | str, origin: str, serial: str | int) -> str:
    """A canonical id from its parts: ``(2008, "RIO DE JAN", "0138")`` -> ``"08RIODEJANEIRO138"``."""
    yy = f"{int(year) % 100:02d}"
    return f"{yy}{canonical_station(origin)}{int(serial)}"


# --- dates --------------------------------------------------------------------------------

MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}


def full_year(year: int) -> int:
    """Two-digit years as Cablegate uses them (spec 1.8): 66-99 -> 19xx, 00-65 -> 20xx."""
    if year >= 100:
        return year
    return 1900 + year if year >= 66 else 2000 + year


_NUMERIC_DATE = re.compile(r"(\d{1,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2,4})")
_WORD_DATE = re.compile(
    r"(?i)\b(?:\d{1,2}\s+)?(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*\.?\s+(?:\d{1,2},?\s+)?\d{4}\b"
)


def parse_decl_date(text: str) -> _dt.date | None:
    """The date in a declassification instruction, if it has one.

    ``MM/DD/YYYY``, ``M/D/YY``, ``YYYY/MM/DD``, ``YYYY-MM-DD`` by hand; dates with month names
    (``JUNE 12, 2009``) with python-dateutil, only when day, month and year are all present.
    """
    match = _NUMERIC_DATE.search(text)
    if match:
        first, second, third = match.groups()
        try:
            if len(first) == 4:
                return _dt.date(int(first), int(second), int(third))
            return _dt.date(full_year(int(third)) if len(third) == 2 else int(third), int(first), int(second))
        except ValueError:
            return None
    match = _WORD_DATE.search(text)
    if match and re.search(r"\d{1,2}\D+\d{4}|\d{4}\D+\d{1,2}\b", match.group(0)):
        try:
            return _dateparser.parse(match.group(0), default=_dt.datetime(2000, 1, 1)).date()
        except (ValueError, OverflowError):
            return None
    return None


# --- classification -----------------------------------------------------------------------

_LEVEL_OF_FL4 = {"U": "UNCLASSIFIED", "E": "UNCLASSIFIED", "C": "CONFIDENTIAL", "S": "SECRET", "T": "TOP SECRET"}


def level_from_security(security: str) -> str | None:
    """The level that FL4's classification characters give (``ZNY CCCCC`` -> CONFIDENTIAL)."""
    match = re.match(r"\s*ZN[RY]\s+([A-Z])", security)
    return _LEVEL_OF_FL4.get(match.group(1)) if match else None


def parse_classification(text: str) -> Classification | None:
    """A container classification (``UNCLASSIFIED//FOR OFFICIAL USE ONLY``) split at ``//``."""
    parts = [p.strip() for p in text.upper().split("//") if p.strip()]
    if not parts:
        return None
    # Imported here: the fields package imports this module (tag kinds, ids, dates).
    from .fields.banner import level_from_marking

    level = parts[0] if parts[0] in LEVELS else (level_from_marking(parts[0]) or parts[0])
    return Classification(level=level, caveats=tuple(parts[1:]))


# --- tags ---------------------------------------------------------------------------------

_AREA_LETTERS = frozenset("ACEMOPSBT")


@bounded_cache(1 << 14)
def tag_kind(code: str) -> TagKind:
    """The kind of a TAGS entry from the shipped tables and the tag shapes of spec 2.5."""
    if code in _word_set("tags-subject.txt"):
        return "subject"
    if code in _word_set("tags-program.txt"):
        return "program"
    if code in _word_set("tags-organization.txt"):
        return "organization"
    if len(code) == 2 and code.isalpha():
        return "geo"
    if len(code) == 4 and code.isalpha():
        if code[0] == "K":
            return "program"
        if code[0] in _AREA_LETTERS:
            return "subject"
    return "unknown"


# --- REF entries --------------------------------------------------------------------------

_BULLET = re.compile(
    r"(?:(?<=\s)|^)(?:\(([A-Z]|\d{1,2})\)|\[([A-Z])\]|([A-Z]|\d{1,2})[.):](?:\s*\)|\s*\([A-Z]\))?"
    # A bare letter before a station and serial: "REF A WELLINGTON 721 B WELLINGTON 690".
    r"|([A-Z])(?=\s+(?:\d{2}\s+)?[A-Z][A-Z'\-]+(?:\s[A-Z][A-Z'\-]+){0,3}\s+\d))(?=\s)"
)
_CABLE_REF = re.compile(
    # Possessive word runs and separators outside the word class: one way to split the
    # origin's words, so a long hyphenated entry cannot make the engine backtrack.
    r"^(?:'?\(?(?P<year>\d{2}|\d{4})\)?[\s\-]*)?(?P<origin>[A-Z][A-Z']*+(?:[ \-][A-Z][A-Z']*+){0,4})[\s\-:]*0*(?P<serial>\d{1,7})\b"
    r"(?:\s*\((?P<year2>\d{2})\))?"
)
_NOT_ORIGIN = re.compile(
    # Full month names only: "RIO DE JAN" is Rio de Janeiro cut to ten characters.
    r"\b(?:SECTION|EMAIL|E-MAIL|PARAGRAPH|PARA|CONFIDENTIAL|SECRET|UNCLASSIFIED|"
    r"JANUARY|FEBRUARY|MARCH|APRIL|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|"
    r"FAM|FAH|UNSCR|RESOLUTION|DTG|TELCON|MEMO|LETTER|REPORT|IIR|OSC|PAGE|NOTAL|AND)\b"
)
_KIND_WORDS: tuple[tuple[ReferenceKind, re.Pattern[str]], ...] = (
    ("email", re.compile(r"\bE-?MAILS?\b")),
    ("telcon", re.compile(r"\bTELCONS?\b|\bPHONE\b|\bTELEPHONE\b")),
    ("memo", re.compile(r"\bMEMO(?:RANDUM)?S?\b")),
    ("letter", re.compile(r"\bLETTERS?\b")),
    ("fam", re.compile(r"\b\d+\s*FA[MH]\b|\bFA[MH]\s*\d")),
    ("report", re.compile(r"\bREPORTS?\b|\bIIR\b|\bOSC\b")),
)


def _split_bullets(text: str) -> list[tuple[str | None, str]]:
    """Split a REF block into ``(bullet, entry)`` pairs; bullets must run A, B, C ... or 1, 2, 3."""
    text = text.strip()
    candidates = list(_BULLET.finditer(text))
    chosen: list[tuple[re.Match[str], str]] = []
    expected: str | None = None
    for match in candidates:
        label = next(g for g in match.groups() if g)
        if expected is None:
            if label in ("A", "1"):
                chosen.append((match, label))
                expected = chr(ord(label) + 1) if label == "A" else "2"
        elif label == expected:
            chosen.append((match, label))
            expected = chr(ord(label) + 1) if label.isalpha() else str(int(label) + 1)
    if len(chosen) < 2 and not (chosen and chosen[0][0].start() == 0):
        return [(None, text.strip())] if text.strip() else []
    entries: list[tuple[str | None, str]] = []
    head = text[: chosen[0][0].start()].strip()
    if head:
        entries.append((None, head))
    for index, (match, label) in enumerate(chosen):
        end = chosen[index + 1][0].start() if index + 1 < len(chosen) else len(text)
        entries.append((label, text[match.end() : end].strip(" \t\n;,")))
    return entries


def parse_refs(text: str, *, year: int | None) -> tuple[Reference, ...]:
    """The entries of a REF block (label already removed).

    Cable references become canonical ids; a missing year is the citing cable's ``year``.
    """
    refs: list[Reference] = []
    for bullet, entry in _split_bullets(text):
        entry = " ".join(entry.split())
        if not entry:
            continue
        first = classify_ref(entry, bullet=bullet, year=year)
        refs.append(first)
        if first.kind == "cable" and first.cable_id:
            # "STATE 41252 AND 44603": the second serial is a cable of the same station.
            for serial in _MORE_SERIALS.findall(entry):
                refs.append(Reference(bullet=bullet, kind="cable", text=serial,
                                      cable_id=first.cable_id[:2] + _station_of(first.cable_id) + str(int(serial))))
    return tuple(refs)


_MORE_SERIALS = re.compile(r"\bAND\s+(?:[A-Z]+\s+)?0*(\d{2,7})\b")


def _station_of(cable_id: str) -> str:
    match = _ID_SHAPE.match(cable_id)
    return match.group(2) if match else ""


def classify_ref(entry: str, *, bullet: str | None, year: int | None) -> Reference:
    """One REF entry: its kind and, for a cable, the canonical id it cites."""
    upper = entry.upper()
    for kind, pattern in _KIND_WORDS:
        if pattern.search(upper):
            return Reference(bullet=bullet, kind=kind, text=entry, cable_id=None)
    match = _CABLE_REF.match(upper)
    if match and not _NOT_ORIGIN.search(match.group("origin")):
        cited_year = match.group("year") or match.group("year2")
        if cited_year is None and year is None:
            return Reference(bullet=bullet, kind="cable", text=entry, cable_id=None)
        yy = int(cited_year) if cited_year is not None else int(year or 0)
        cable_id = make_id(yy, match.group("origin"), match.group("serial"))
        if 7 <= len(cable_id) <= 25:
            return Reference(bullet=bullet, kind="cable", text=entry, cable_id=cable_id)
    return Reference(bullet=bullet, kind="other", text=entry, cable_id=None)


def collapse(text: str) -> str:
    """``text`` on one line with runs of white space made single spaces."""
    return " ".join(text.split())
