"""Normalization: canonical ids, tag kinds, dates, classification reasons.

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
from .models import LEVELS, Classification, TagKind

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


@functools.lru_cache(maxsize=1)
def _any_id_noise() -> re.Pattern[str]:
    """Any rule of ``id-noise.tsv``: where none matches an id, none applies (each rule only
    changes what it matches), and the rules' substitutions one after another are left out."""
    return re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _id_noise()))


_CAPITALS_AND_DIGITS = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@functools.lru_cache(maxsize=1)
def _id_noise_in_plain_ids() -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """For a value of capitals and digits only (most ids): the rules that can match it, as
    ``(rules anchored at the start, tried there; other rules, searched)``. A rule that is not
    anchored and cannot start with a capital or a digit (first characters read from its
    regex, as the field lexers read them) cannot match such a value anywhere: the union search
    tried each rule at every position of each id (~1 µs an id)."""
    from .grammar import _first_characters

    anchored: list[str] = []
    searched: list[str] = []
    for pattern, _ in _id_noise():
        regex = pattern.pattern
        if regex.startswith("^") and not pattern.flags & re.MULTILINE:
            anchored.append(regex)
            continue
        first = _first_characters(regex)
        if first is None or first & _CAPITALS_AND_DIGITS:
            searched.append(regex)
    return (
        re.compile("|".join(f"(?:{regex})" for regex in anchored) or "(?!)"),
        re.compile("|".join(f"(?:{regex})" for regex in searched)) if searched else None,
    )


def _has_id_noise(value: str) -> bool:
    """Whether any rule of ``id-noise.tsv`` matches ``value`` (``_any_id_noise().search``)."""
    # Capitals and digits only: ASCII letters and digits, none of them lower case.
    if value.isascii() and value.isalnum() and (value.isupper() or value.isdigit()):
        at_start, searched = _id_noise_in_plain_ids()
        return at_start.match(value) is not None or (searched is not None and searched.search(value) is not None)
    return _any_id_noise().search(value) is not None


# --- ids ----------------------------------------------------------------------------------

# ASCII digits only: an id is ASCII, and int() of other digit characters is no serial.
_ID_SHAPE = re.compile(r"^([0-9]{2})([A-Z][A-Z\-']*?)0*([0-9]{1,7})$")
# Offices that prefix a post's name in REF lines and leaked ids (spec 5.2 step 2):
# "EMBASSY VIENNA 1450", "AMEMBASSY HANOI", "USMISSION GENEVA".
_OFFICE_PREFIXES = ("AMEMBASSY", "EMBASSY", "USMISSION", "AMCONSULATE", "AMCONSUL", "CONSULATE")


_KEY_DROPS = str.maketrans("", "", " \t\n\r'-.")


def _station_key(origin: str) -> str:
    key = origin.upper()
    if not key.isalnum():  # letters and digits only (most origins): nothing to drop
        key = key.translate(_KEY_DROPS)
    if key.startswith(_OFFICE_PREFIXES):  # one test in C for the usual origin without an office
        for prefix in _OFFICE_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix) + 1:
                return key[len(prefix) :]
    return key


def canonical_station(origin: str) -> str:
    """The canonical spelling of a station (MRN origin with spaces removed): ``SECSTATE`` -> ``STATE``,
    ``EMBASSY VIENNA`` -> ``VIENNA``."""
    key = _station_key(origin)
    return _pairs("station-aliases.tsv").get(key, key)


@functools.lru_cache(maxsize=None)
def known_stations() -> frozenset[str]:
    """Station spellings known to be posts: the alias table (both sides) and the posts of
    ``data/cablegate-origins.txt`` (``Embassy Abu Dhabi`` -> ``ABUDHABI``)."""
    names = set(_pairs("station-aliases.tsv"))
    names.update(_pairs("station-aliases.tsv").values())
    for line in _data_lines("cablegate-origins.txt"):
        words = line.replace(",", " ").split()
        while words and words[0].upper() in ("EMBASSY", "EMBASY", "CONSULATE", "AMERICAN", "MISSION", "US", "REO",
                                             "**", "USMISSION", "OFFICE", "DELEGATION", "INTERESTS", "SECTION"):
            words = words[1:]
        if words:
            names.add(_station_key(" ".join(words)))
    return frozenset(names)


@bounded_cache(1 << 12)
def origin_suffix(origin: str) -> str:
    """The origin among the words before a serial: the longest run of last words that is a
    known station (``SEE STATE`` -> ``STATE``, ``PORT AU PRINCE`` kept whole), else all of
    them (an origin no table knows, ``USDAO PARIS``)."""
    words = origin.split()
    known = known_stations()
    for start in range(len(words)):
        suffix = " ".join(words[start:])
        if _station_key(suffix) in known:
            return suffix
    return origin


@bounded_cache(1 << 16)
def canonical_id(reference_id: str) -> str:
    """The id a cable should have: ``"08SECSTATE145633"`` -> ``"08STATE145633"``.

    Known malformed published ids are replaced from a table, then leaked noise is removed by
    the rules of ``data/id-noise.tsv`` (a section part, typos included: ``07SETION02OF02BAKU1501``
    -> ``07BAKU1501``), the station is mapped through the alias table and the serial loses its
    leading zeros. A string that is not an id comes back without white space and upper cased,
    never raising. Only short ids are cached (``bounded_cache``).
    """
    value = "".join(reference_id.split()).upper()
    fixed = _pairs("malformed-ids.tsv").get(value)
    if fixed is not None:
        return fixed
    if _has_id_noise(value):
        for pattern, replacement in _id_noise():
            value = pattern.sub(replacement, value)
    match = _ID_SHAPE.match(value)
    if match is None:
        return value
    year, station, serial = match.groups()
    if station.startswith("REF") and station not in known_stations():
        # A REF label and bullet glued to the origin ("REF A STATE 122214" read as one id,
        # issue 12: 09REFASTATE122214): an id never holds them. Only cut when what is left
        # is a known station, so a station that starts with REF stays whole.
        for cut in (3, 4):
            if station[cut:] and canonical_station(station[cut:]) in known_stations():
                station = station[cut:]
                break
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


@functools.lru_cache(maxsize=1)
def _table_kinds() -> dict[str, TagKind]:
    """Each code of the tag tables with its kind; a code in two tables has the kind of the
    first of subject, program, organization."""
    kinds: dict[str, TagKind] = {}
    tables: tuple[tuple[str, TagKind], ...] = (
        ("tags-organization.txt", "organization"), ("tags-program.txt", "program"), ("tags-subject.txt", "subject")
    )
    for name, kind in tables:
        kinds.update(dict.fromkeys(_word_set(name), kind))
    return kinds


def tag_kind(code: str) -> TagKind:
    """The kind of a TAGS entry from the shipped tables and the tag shapes of spec 2.5."""
    # One dict lookup and a few string tests: cheaper than a cache in front of them, which
    # cost more than the work when a dump's tags were seen for the first time.
    kind = _table_kinds().get(code)
    if kind is not None:
        return kind
    if len(code) == 2 and code.isalpha():
        return "geo"
    if len(code) == 4 and code.isalpha():
        if code[0] == "K":
            return "program"
        if code[0] in _AREA_LETTERS:
            return "subject"
    return "unknown"


def collapse(text: str) -> str:
    """``text`` on one line with runs of white space made single spaces."""
    return " ".join(text.split())
