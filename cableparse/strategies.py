"""Hypothesis strategies for cables (needs the ``hypothesis`` extra).

Downstream projects fuzz their own cable consumers with these::

    from hypothesis import given
    from cableparse.strategies import cables, cable_texts, csv_rows

    @given(cables())
    def test_index(cable): ...

The generators build cable text from components laid out the way real cables are (spec
sections 1 and 2, the 08MEXICO23 sample): ACP 127 format lines, a classification line,
captions, passing lines, E.O., TAGS, SUBJECT, REF, Classified By, numbered or unnumbered
paragraphs with portion marks, page markers between and inside paragraphs, a signer. Free
text is drawn from a fixed vocabulary that can never start a front-matter line (no ``TAGS``,
``REF``, ``SUBJECT``, paragraph numbers, ``PAGE``, ``SIPDIS`` ... at a line start), so what a
generated cable *means* is known: :func:`cable_parts` returns that meaning next to the text.

Importing :mod:`cableparse` never imports this module (it needs hypothesis); Hypothesis
calls :func:`cableparse._hypothesis.setup` through the entry point in ``pyproject.toml``,
which makes ``st.from_type(Cable)`` draw from :func:`cables` (importing this module on the
first draw only).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from typing import Any


def _hypothesis_setup_hook() -> None:
    """Register ``st.from_type(Cable)``; the old entry point target, kept for older installs.

    The entry point now names :func:`cableparse._hypothesis.setup`, which does not import this
    module at all. Defined before this module imports hypothesis: when a user imports
    ``cableparse.strategies`` first, the hypothesis import runs the entry point while this
    module is still half-initialized, so the hook must exist already and resolve
    :func:`cables` only when a Cable is drawn (``setup`` defers it).
    """
    from ._hypothesis import setup

    setup()


import attrs  # imports after the hook on purpose, see above
from hypothesis import strategies as st

from .models import Cable, Recipient, Reference

__all__ = [
    "CableParts",
    "CsvRecord",
    "body_grammar_texts",
    "cable_parts",
    "cable_texts",
    "cables",
    "csv_records",
    "csv_rows",
    "irregular_cable_texts",
    "mutated_texts",
    "parse_text",
]

UTC = _dt.timezone.utc

# --- vocabulary ---------------------------------------------------------------------------

# (MRN origin as in the classification line, station RI for FL3, FM address, cables.csv origin).
# Multi-word origins matter: they are cut to 10 characters in page markers (BUENOS AIR).
_POSTS: tuple[tuple[str, str, str, str], ...] = (
    ("MEXICO", "RUEHME", "AMEMBASSY MEXICO", "Embassy Mexico"),
    ("BUENOS AIRES", "RUEHBU", "AMEMBASSY BUENOS AIRES", "Embassy Buenos Aires"),
    ("STATE", "RUEHC", "SECSTATE WASHDC", "Secretary of State"),
    ("USUN NEW YORK", "RUCNDT", "USMISSION USUN NEW YORK", "USUN New York"),
    ("RIO DE JANEIRO", "RUEHRI", "AMCONSUL RIO DE JANEIRO", "Consulate Rio De Janeiro"),
    ("BAGHDAD", "RUEHGB", "AMEMBASSY BAGHDAD", "Embassy Baghdad"),
    ("TEGUCIGALPA", "RUEHTG", "AMEMBASSY TEGUCIGALPA", "Embassy Tegucigalpa"),
    ("LA PAZ", "RUEHLP", "AMEMBASSY LA PAZ", "Embassy La Paz"),
    ("PARIS", "RUEHFR", "AMEMBASSY PARIS", "Embassy Paris"),
    ("UNVIE VIENNA", "RUEHUNV", "USMISSION UNVIE VIENNA", "UNVIE"),
    ("HO CHI MINH CITY", "RUEHHM", "AMCONSUL HO CHI MINH CITY", "Consulate Ho Chi Minh City"),
    ("KABUL", "RUEHBUL", "AMEMBASSY KABUL", "Embassy Kabul"),
)
# REF origins and the station each canonicalizes to (spec 5.2 aliases included on purpose).
_REF_ORIGINS: tuple[tuple[str, str], ...] = (
    ("STATE", "STATE"),
    ("SECSTATE", "STATE"),
    ("MEXICO", "MEXICO"),
    ("BUENOS AIRES", "BUENOSAIRES"),
    ("USUN NEW YORK", "USUNNEWYORK"),
    ("RIO DE JANEIRO", "RIODEJANEIRO"),
    ("LIMA", "LIMA"),
    ("BAGHDAD", "BAGHDAD"),
    ("TEGUCIGALPA", "TEGUCIGALPA"),
    ("LONDON", "LONDON"),
)
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_PRECEDENCE_RANK = {"Z": 0, "O": 1, "P": 2, "R": 3}
_TRIBUTARIES = ("ME", "C", "BU", "CD", "GD", "HO", "MC", "NG", "NL", "RD", "RS", "TM", "XC", "BUL", "FR", "LP", "GB")
_OTHER_RIS = ("RUEAWJA", "RUEATRS", "RUCPDOC", "RHMFIUU", "RHMFISS", "RUEAHLA", "RHEHNSC", "RUEABND", "RUEKJCS")
# (RI or None, PLAD): PLADs never end in a precedence word or digits, so the split is known.
_ADDRESSEES: tuple[tuple[str | None, str], ...] = (
    ("RUEHC", "SECSTATE WASHDC"),
    ("RUEHC", "DEPT OF LABOR WASHDC"),
    ("RUEHBU", "AMEMBASSY BUENOS AIRES"),
    ("RUEHME", "AMEMBASSY MEXICO"),
    ("RUEHXC", "ALL US CONSULATES IN MEXICO COLLECTIVE"),
    ("RUEAWJA", "DEPT OF JUSTICE WASHDC"),
    ("RHMFIUU", "CDR USSOUTHCOM MIAMI FL"),
    ("RHMFISS", "CDR USNORTHCOM"),
    ("RHEHNSC", "NSC WASHDC"),
    ("RUEKJCS", "SECDEF WASHDC"),
    ("RUCNDT", "USMISSION USUN NEW YORK"),
    ("RUEHZL", "EUROPEAN POLITICAL COLLECTIVE"),
    (None, "AMEMBASSY LA PAZ"),
    (None, "USINT HAVANA"),
)
_PRECEDENCE_WORDS = ("IMMEDIATE", "PRIORITY", "ROUTINE", "NIACT IMMEDIATE", "FLASH")
_EXEMPTED = ("AMCONSUL JOHANNESBURG", "USINT HAVANA", "AMEMBASSY SOFIA", "AMEMBASSY BUCHAREST")

# Markings per level: (marking as written, FL4 security line, container classification).
_MARKINGS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "UNCLASSIFIED": (("UNCLAS", "UNCLASSIFIED"), "ZNR UUUUU ZZH", ("UNCLASSIFIED", "UNCLASSIFIED//FOR OFFICIAL USE ONLY")),
    "CONFIDENTIAL": (("CONFIDENTIAL", "C O N F I D E N T I A L"), "ZNY CCCCC ZZH", ("CONFIDENTIAL", "CONFIDENTIAL//NOFORN")),
    "SECRET": (("SECRET", "S E C R E T"), "ZNY SSSSS ZZH", ("SECRET", "SECRET//NOFORN")),
}
_CAPTIONS = {
    "UNCLASSIFIED": ("SIPDIS", "SENSITIVE", "EXDIS"),
    "CONFIDENTIAL": ("SIPDIS", "NOFORN", "EXDIS"),
    "SECRET": ("SIPDIS", "NOFORN", "EXDIS"),
}
_PASSING = (
    "STATE FOR WHA/MEX AND S/CT",
    "DEPT FOR WHA/AND",
    "DEPT PASS TO USAID",
    "NSC FOR SENIOR DIRECTOR RESTREPO",
    "TREASURY FOR OFAC",
    "USSOUTHCOM ALSO FOR POLAD",
)
_ORDERS = ("12958", "13526", "12356", "12065")
_TAGS_SUBJECT = ("PREL", "PGOV", "PTER", "ECON", "EFIN", "ASEC", "CVIS", "MARR", "PHUM", "SNAR")
_TAGS_PROGRAM = ("KDEM", "KCRM", "KNNP", "KPAO", "KJUS", "KTFN")
_TAGS_GEO = ("MX", "IZ", "RS", "CH", "UK", "SP", "BR", "AR", "KN", "XR")
_TAGS_ORGANIZATION = ("NATO", "EUN", "UNSC", "IAEA", "OAS", "OSCE", "UNGA", "WTO")
_PEOPLE = (("CLINTON", "HILLARY"), ("KISSINGER", "HENRY A."), ("STEINBERG", "JAMES B."), ("GARZA", "ANTONIO"))
_PORTIONS_CLASSIFIED = ("C", "S", "S/NF", "C/NF", "U", "SBU", "S//NF", "C/REL UK")
_PORTIONS_UNCLASSIFIED = ("U", "SBU", "SBU/NF", "U//FOUO")
# Subject words: upper case, no digits, never a keyword (REFORM would start like REF).
_SUBJECT_WORDS = (
    "DRAFT", "COUNTRY", "TERRORISM", "ANNUAL", "MEXICO", "BRAZIL", "NUCLEAR", "SUBMARINE", "AMBITIONS",
    "ELECTION", "OUTLOOK", "MINISTER", "VISIT", "TRADE", "TALKS", "BORDER", "SECURITY", "COOPERATION",
    "ENERGY", "POLICY", "NARCOTICS", "CONGRESS", "DEBATE", "BUDGET", "HUMAN", "RIGHTS", "UPDATE",
)
# Paragraph words: no keywords (summary, classified, ref, tags, subject, page), no digits.
_TEXT_WORDS = (
    "the", "embassy", "government", "continued", "to", "work", "with", "us", "on", "border", "security",
    "and", "law", "enforcement", "cooperation", "officials", "said", "that", "new", "measures", "would",
    "improve", "information", "sharing", "between", "both", "countries", "in", "coming", "years", "of",
    "a", "for", "its", "commitment", "remains", "strong", "despite", "recent", "setbacks", "program",
    "minister", "told", "ambassador", "plans", "real-time", "bilateral", "U.S.", "GOM", "USG", "Mexico",
    "Calderon", "Navy", "Army", "authorities", "agreed", "meeting", "week", "local", "press",
)
_RARE_TEXT_WORDS = ('"special"', "O'Neill's", "C:\\temp", "50%", "co-operation;", "(EPR)", "Sao", "Bogota")
_SIGNERS = (("BASSETT",), ("GARZA",), ("Leslie", "BASSETT"), ("Tony", "GARZA"), ("CLINTON",), ("RICE",))
_CLASSIFIERS = (
    "Ambassador Tony Garza",
    "DCM Leslie Bassett",
    "Political Counselor Charles V. Barclay",
    "Charge d'Affaires Geeta Pasi",
    "POLOFF John Smith",
)
_REASONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("1.4 (b) and (d)", ("1.4(b)", "1.4(d)")),
    ("1.4(b),(d)", ("1.4(b)", "1.4(d)")),
    ("1.4 (b, d)", ("1.4(b)", "1.4(d)")),
    ("1.4 b and d", ("1.4(b)", "1.4(d)")),
    ("1.4 (B/D)", ("1.4(b)", "1.4(d)")),
    ("1.4 (d)", ("1.4(d)",)),
    ("1.5 (b) and (d)", ("1.5(b)", "1.5(d)")),
)
_SENTENCE_END = re.compile(r"[.:;!?\"')\]]\s*$")


# --- what a generated cable means ---------------------------------------------------------


@attrs.frozen(kw_only=True)
class CableParts:
    """A generated cable: its text, its two parts, and what the parser should read from it."""

    text: str
    """Header, a blank line, body (what :func:`cable_texts` yields)."""
    header_text: str
    """The header format lines, each ending in a newline; ``""`` when there is no header."""
    body_text: str
    """The body, ending in a newline."""
    expected: dict[str, Any]
    """Field values the parser must recover (keys named after model fields)."""
    post: tuple[str, str, str, str]
    """(MRN origin, station RI, FM address, container origin) of the sending post."""


def _wrap(words: Sequence[str], width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


@st.composite
def _sentence(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(_TEXT_WORDS), min_size=3, max_size=14))
    if draw(st.integers(0, 9)) == 0:
        words.insert(draw(st.integers(0, len(words))), draw(st.sampled_from(_RARE_TEXT_WORDS)))
    words[0] = words[0][:1].upper() + words[0][1:]
    # A sentence never begins with a rare word that could look like a portion mark or a number.
    if not words[0][:1].isalpha():
        words[0] = "The"
    return " ".join(words) + "."


@st.composite
def _paragraph_lines(draw: st.DrawFn, prefix: str) -> list[str]:
    sentences = draw(st.lists(_sentence(), min_size=1, max_size=4))
    width = draw(st.integers(45, 69))
    return _wrap((prefix + " ".join(sentences)).split(" "), width)


@st.composite
def _recipient(draw: st.DrawFn) -> tuple[str, Recipient]:
    ri, plad = draw(st.sampled_from(_ADDRESSEES))
    precedence = draw(st.none() | st.sampled_from(_PRECEDENCE_WORDS))
    serial = draw(st.none() | st.integers(0, 9999).map(lambda n: f"{n:04d}"))
    line = f"{ri}/{plad}" if ri else plad
    for part in (precedence, serial):
        if part:
            line += f" {part}"
    return line, Recipient(routing_indicator=ri, address=plad, precedence=precedence, serial=serial)


def _routing_indicator() -> st.SearchStrategy[str]:
    # Spec 1.5: R + nation + area + relay/tributary, 5-7 letters; mostly RUEH + post letters.
    return st.one_of(
        st.sampled_from(_TRIBUTARIES).map(lambda t: "RUEH" + t),
        st.sampled_from(_OTHER_RIS),
        st.from_regex(r"R[A-Z]{4,6}", fullmatch=True),
    )


@st.composite
def _header(draw: st.DrawFn, post: tuple[str, str, str, str], level: str, dtg: _dt.datetime, serial: int,
            section: int | None) -> tuple[list[str], dict[str, Any]]:
    """Header lines and the Header field values they carry."""
    kind = draw(st.sampled_from(("acp127", "acp127", "acp127", "acp127", "acp126")))
    letters = draw(st.sampled_from((("R",), ("P",), ("O",), ("Z",), ("O", "P"), ("O", "R"), ("P", "R"))))
    lines: list[str] = []
    values: dict[str, Any] = {"kind": kind}
    if kind == "acp127":
        transmission = "VZCZC" + draw(st.sampled_from(("XRO", "XYZ"))) + f"{draw(st.integers(0, 9999)):04d}"
        highest = min(letters, key=_PRECEDENCE_RANK.__getitem__)
        indicators = draw(st.lists(_routing_indicator(), min_size=1, max_size=14))
        per_line = draw(st.integers(4, 9))
        lines.append(transmission)
        lines.append(" ".join([highest * 2, *indicators[:per_line]]))
        for start in range(per_line, len(indicators), per_line):
            lines.append(" ".join(indicators[start : start + per_line]))
        filed = f"{dtg.timetuple().tm_yday:03d}{dtg.hour:02d}{dtg.minute:02d}"
        fl3 = f"DE {post[1]} #{serial % 10000:04d}"
        if section is not None:
            fl3 += f"/{section:02d}"
        lines.append(f"{fl3} {filed}")
        security = _MARKINGS[level][1]
        lines.append(security)
        values.update(
            transmission_id=transmission,
            precedence=highest * 2,
            routing_indicators=tuple(indicators),
            station=post[1],
            station_serial=serial % 10000,
            section=section,
            filed=filed,
            security=security,
        )
    lines.append(f"{' '.join(letters)} {dtg:%d%H%M}Z {_MONTHS[dtg.month - 1]} {dtg.year % 100:02d}")
    values.update(precedences=letters, dtg=dtg)
    lines.append(f"FM {post[2]}")
    values["sender"] = post[2]
    for keyword, field, low, high in (("TO", "to", 1, 3), ("INFO", "info", 0, 5)):
        recipients = draw(st.lists(_recipient(), min_size=low, max_size=high))
        for index, (line, _) in enumerate(recipients):
            lines.append(f"{keyword} {line}" if index == 0 else line)
        values[field] = tuple(r for _, r in recipients)
    exempted = draw(st.lists(st.sampled_from(_EXEMPTED), max_size=2, unique=True)) if values["info"] else []
    for index, plad in enumerate(exempted):
        lines.append(f"XMT {plad}" if index == 0 else plad)
    values["exempted"] = tuple(Recipient(address=plad) for plad in exempted)
    return lines, values


@st.composite
def _dtg(draw: st.DrawFn) -> _dt.datetime:
    # Cablegate years 1966-2010 (two-digit years 66..10), every month.
    year = draw(st.integers(1966, 2010))
    return _dt.datetime(year, draw(st.integers(1, 12)), draw(st.integers(1, 28)), draw(st.integers(0, 23)),
                        draw(st.integers(0, 59)), tzinfo=UTC)


@st.composite
def _eo(draw: st.DrawFn, year: int) -> tuple[str, dict[str, Any]]:
    order = draw(st.sampled_from(_ORDERS))
    form = draw(st.sampled_from(("na", "date", "oadr", "x1")))
    on = None
    if form == "na":
        decl = "N/A"
    elif form == "date":
        on = _dt.date(draw(st.integers(year, year + 25)), draw(st.integers(1, 12)), draw(st.integers(1, 28)))
        decl = f"DECL: {on:%m/%d/%Y}"
    elif form == "oadr":
        decl = "DECL: OADR"
    else:
        decl = "DECL: " + draw(st.sampled_from(("X1", "X5", "25X1")))
    return f"E.O. {order}: {decl}", {"order": order, "declassify": decl, "declassify_on": on}


@st.composite
def _tags(draw: st.DrawFn) -> tuple[list[str], tuple[tuple[str, str], ...]]:
    pool = st.one_of(
        st.sampled_from(_TAGS_SUBJECT).map(lambda t: (t, "subject")),
        st.sampled_from(_TAGS_PROGRAM).map(lambda t: (t, "program")),
        st.sampled_from(_TAGS_GEO).map(lambda t: (t, "geo")),
        st.sampled_from(_TAGS_ORGANIZATION).map(lambda t: (t, "organization")),
    )
    tags = draw(st.lists(pool, min_size=1, max_size=8, unique_by=lambda t: t[0]))
    items = [code for code, _ in tags]
    expected = list(tags)
    if draw(st.booleans()):
        surname, given = draw(st.sampled_from(_PEOPLE))
        position = draw(st.integers(0, len(items)))
        items.insert(position, f"OVIP ({surname}, {given})")
        added = [] if any(code == "OVIP" for code, _ in expected) else [("OVIP", "subject")]
        expected[position:position] = [*added, (f"{surname}, {given}", "person")]
    separator = draw(st.sampled_from((" ", ", ")))
    label = draw(st.sampled_from(("TAGS:", "TAGS: ")))
    text = f"{label.strip()} " + separator.join(items)
    lines = [text]
    if len(items) > 3 and draw(st.booleans()):
        # Wrapped TAGS: the first line ends with the separator (a comma when there is one).
        cut = draw(st.integers(2, len(items) - 1))
        lines = [f"TAGS: {separator.join(items[:cut])}{separator.rstrip()}", separator.join(items[cut:])]
    return lines, tuple(expected)


@st.composite
def _refs(draw: st.DrawFn, year: int | None) -> tuple[list[str], tuple[Reference, ...]]:
    def entry() -> tuple[str, str | None]:
        origin, station = draw(st.sampled_from(_REF_ORIGINS))
        serial = draw(st.integers(1, 999999))
        written = draw(st.sampled_from((str(serial), f"{serial:06d}")))
        cited = draw(st.none() | st.integers(1966, 2010))
        text = f"{origin} {written}" if cited is None else f"{cited % 100:02d} {origin} {written}"
        if cited is None and year is None:
            return text, None  # no header, so no DTG: the citing year is unknown
        yy = (cited if cited is not None else year or 0) % 100
        return text, f"{yy:02d}{station}{serial}"

    count = draw(st.integers(1, 4))
    if count == 1:
        text, cable_id = entry()
        return [f"REF: {text}"], (Reference(bullet=None, kind="cable", text=text, cable_id=cable_id),)
    lines = []
    refs = []
    for index in range(count):
        text, cable_id = entry()
        bullet = "ABCD"[index]
        lines.append(f"REF: {bullet}. {text}" if index == 0 else f"{bullet}. {text}")
        refs.append(Reference(bullet=bullet, kind="cable", text=text, cable_id=cable_id))
    return lines, tuple(refs)


def _marker(origin: str, serial: int, page: int, pages: int) -> str:
    # Spec 2.10: origin cut to 10 characters, serial padded to 8, page and total to 3.
    return f"{origin[:10].rstrip()} {serial:08d} {page:03d} OF {pages:03d}"


@st.composite
def cable_parts(draw: st.DrawFn) -> CableParts:  # noqa: C901 - one optional draw per part of the format, in order
    """A generated cable as :class:`CableParts`: text, header and body parts, expected fields."""
    post = draw(st.sampled_from(_POSTS))
    origin = post[0]
    level = draw(st.sampled_from(tuple(_MARKINGS)))
    dtg = draw(_dtg())
    serial = draw(st.integers(1, 999999))
    n_markers = draw(st.integers(0, 3))
    pages = n_markers + 1
    section: tuple[int, int] | None = (1, pages) if n_markers and draw(st.integers(0, 4)) else None
    if section is None and draw(st.integers(0, 9)) == 0:
        section = (1, 1)
    expected: dict[str, Any] = {}

    has_header = draw(st.integers(0, 9)) > 0
    header_lines: list[str] = []
    if has_header:
        header_lines, expected["header"] = draw(_header(post, level, dtg, serial, 1 if section else None))

    # Body front matter.
    marking = draw(st.sampled_from(_MARKINGS[level][0]))
    body: list[str] = []
    banner = marking
    if section is not None:
        banner += f" SECTION {section[0]:02d} OF {section[1]:02d}"
    banner += f" {origin} {serial:06d}"
    body += [banner, ""]
    expected["banner"] = {"level": level, "marking": marking, "section": section, "origin": origin,
                          "serial": f"{serial:06d}"}
    captions = draw(st.lists(st.sampled_from(_CAPTIONS[level]), max_size=4))
    for caption in captions:
        body.append(caption)
        if draw(st.booleans()):
            body.append("")
    expected["captions"] = tuple(dict.fromkeys(captions))
    passing = draw(st.lists(st.sampled_from(_PASSING), max_size=2, unique=True))
    if passing:
        body += [*passing, ""]
    expected["passing"] = tuple(passing)
    eo_line, expected["executive_order"] = draw(_eo(dtg.year))
    body.append(eo_line)
    expected["tags"] = ()
    if draw(st.integers(0, 9)):
        tag_lines, expected["tags"] = draw(_tags())
        body += tag_lines
    expected["subject"] = expected["subject_classification"] = None
    if draw(st.integers(0, 9)):
        words = draw(st.lists(st.sampled_from(_SUBJECT_WORDS), min_size=1, max_size=16))
        portion = draw(st.none() | st.sampled_from(_PORTIONS_CLASSIFIED if level != "UNCLASSIFIED" else _PORTIONS_UNCLASSIFIED))
        prefix = f"SUBJECT: ({portion}) " if portion else "SUBJECT: "
        body += _wrap((prefix + " ".join(words)).split(" "), draw(st.integers(40, 69)))
        expected["subject"] = " ".join(words)
        expected["subject_classification"] = portion
    body.append("")
    expected["refs"] = ()
    if draw(st.booleans()):
        ref_lines, expected["refs"] = draw(_refs(dtg.year if has_header else None))
        body += [*ref_lines, ""]
    expected["reasons"] = None
    if level != "UNCLASSIFIED" and draw(st.integers(0, 4)):
        reasons, expected["reasons"] = draw(st.sampled_from(_REASONS))
        who = draw(st.sampled_from(_CLASSIFIERS))
        label = draw(st.sampled_from(("Classified By:", "CLASSIFIED BY:", "Classified by:")))
        if draw(st.booleans()):
            body += [f"{label} {who}", f"for reasons {reasons}.", ""]
        else:
            body += [f"{label} {who} for reasons {reasons}.", ""]

    # Paragraphs, numbered (1. (C) ...) or not, and page markers between or inside them.
    numbered = draw(st.booleans())
    portions = _PORTIONS_CLASSIFIED if level != "UNCLASSIFIED" else _PORTIONS_UNCLASSIFIED
    marked = numbered and draw(st.booleans())
    n_paragraphs = draw(st.integers(1, 6))
    summary = numbered and draw(st.integers(0, 3)) == 0
    paragraphs: list[list[str]] = []
    numbers: list[tuple[int | None, str | None]] = []
    for index in range(n_paragraphs):
        portion = draw(st.sampled_from(portions)) if marked else None
        prefix = ""
        if numbered:
            prefix = f"{index + 1}. " + (f"({portion}) " if portion else "")
        lines = draw(_paragraph_lines(prefix))
        if summary and index == 0:
            inner = draw(_paragraph_lines(""))
            lines = _wrap((prefix + "Summary: " + " ".join(inner) + " End Summary.").split(" "), 64)
            expected["summary"] = " ".join(" ".join(inner).split())
        paragraphs.append(lines)
        numbers.append((index + 1 if numbered else None, portion))
    expected.setdefault("summary", None)
    expected["numbered"] = tuple(numbers) if numbered else None
    expected["paragraph_words"] = " ".join(" ".join(p) for p in paragraphs).split()
    # Where markers go: ("between", i) after paragraph i, or ("inside", i, j) after line j.
    slots: list[tuple[int, int | None]] = [(i, None) for i in range(n_paragraphs - 1)]
    for i, lines in enumerate(paragraphs):
        for j in range(len(lines) - 1):
            # Inside a sentence only: at a sentence end the marker would read as a paragraph break.
            if not _SENTENCE_END.search(lines[j]):
                slots.append((i, j))
    chosen = draw(st.lists(st.sampled_from(slots), max_size=n_markers, unique=True)) if slots else []
    markers: list[str] = []
    for i, lines in enumerate(paragraphs):
        for j, line in enumerate(lines):
            body.append(line)
            if (i, j) in chosen:
                marker = _marker(origin, serial, len(markers) + 2, pages)
                markers.append(marker)
                body += ["", marker, "", ""]
        body.append("")
        if (i, None) in chosen:
            marker = _marker(origin, serial, len(markers) + 2, pages)
            markers.append(marker)
            body += [marker, "", ""]
    expected["page_markers"] = tuple(markers)
    signer = draw(st.sampled_from(_SIGNERS))
    body.append(" ".join(signer))
    expected["signers"] = tuple(w for w in signer if w.isupper())

    body_text = "\n".join(body) + "\n"
    header_text = "".join(f"{line}\n" for line in header_lines)
    text = header_text + "\n" + body_text if header_text else body_text
    yy = dtg.year % 100
    expected["reference_id"] = f"{yy:02d}{origin.replace(' ', '')}{serial}"
    expected["created"] = dtg if has_header else None
    expected["level"] = level
    return CableParts(text=text, header_text=header_text, body_text=body_text, expected=expected, post=post)


def cable_texts() -> st.SearchStrategy[str]:
    """Rendered cable texts (header, blank line, body) shaped like real State cables."""
    return cable_parts().map(lambda parts: parts.text)


# --- parsing what was generated -----------------------------------------------------------

def parse_text(text: str | bytes, *, strict: bool = False, reference_id: str | None = None) -> Cable:
    """``cableparse.parse(text, format="text", ...)``: what :func:`cables` applies to texts."""
    from .core import parse

    return parse(text, format="text", strict=strict, reference_id=reference_id)


def cables() -> st.SearchStrategy[Cable]:
    """:class:`~cableparse.Cable` objects: generated texts parsed by :func:`cableparse.parse`."""
    return cable_texts().map(parse_text)


# --- cables.csv rows ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CsvRecord:
    """A generated cables.csv row with the values of its columns."""

    row: str
    """The row as it appears in the file (ends with a newline)."""
    row_id: int
    created: _dt.datetime
    reference_id: str
    origin: str
    classification: str
    references: tuple[str, ...]
    header_text: str
    """Column 7 unescaped, plus the newline the row drops (so ``header_text + "\\n" + body_text``
    is the cable as text)."""
    body_text: str
    """Column 8 unescaped."""
    parts: CableParts


def _escape(value: str) -> str:
    # Spec 3.5: MySQL's export writes a backslash before the quote and the backslash itself;
    # newlines stay literal inside the enclosed field.
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _field(value: str, quoted: bool) -> str:
    return f'"{_escape(value)}"' if quoted else value


@st.composite
def csv_records(draw: st.DrawFn) -> CsvRecord:
    """A cables.csv row built from a generated cable, as :class:`CsvRecord`."""
    parts = draw(cable_parts())
    expected = parts.expected
    # The container's created column equals the DTG (spec 3.2); header-less rows still have one.
    created = expected["created"] or draw(_dtg())
    row_id = draw(st.integers(1, 251287))
    level = expected["level"]
    captions = expected["captions"]
    choices = _MARKINGS[level][2]
    caveat = captions and (("SENSITIVE" in captions) if level == "UNCLASSIFIED" else ("NOFORN" in captions))
    classification = choices[1] if caveat else choices[0]
    references = tuple(dict.fromkeys(ref.cable_id for ref in expected["refs"] if ref.cable_id))
    reference_id = expected["reference_id"]
    if expected["created"] is None:
        reference_id = f"{created.year % 100:02d}{reference_id[2:]}"
    date = f"{created.month}/{created.day}/{created.year} {created.hour}:{created.minute:02d}"
    header = parts.header_text[:-1] if parts.header_text.endswith("\n") else parts.header_text
    body = parts.body_text[:-1] if parts.body_text.endswith("\n") else parts.body_text
    bare = draw(st.booleans())  # the SEED leaves columns 1, 2, 3, 5, 6 bare; others quote all
    columns = [
        _field(str(row_id), not bare),
        _field(date, not bare),
        _field(reference_id, not bare),
        _field(parts.post[3], True),
        _field(classification, not bare),
        _field("|".join(references), not bare),
        _field(header, True),
        _field(body, True),
    ]
    return CsvRecord(
        row=",".join(columns) + "\n",
        row_id=row_id,
        created=created,
        reference_id=reference_id,
        origin=parts.post[3],
        classification=classification,
        references=references,
        header_text=header + "\n" if header else "",
        body_text=body,
        parts=parts,
    )


def csv_rows() -> st.SearchStrategy[str]:
    """cables.csv rows (8 columns, backslash escapes, literal newlines in quoted fields)."""
    return csv_records().map(lambda record: record.row)


# --- irregular forms (spec section 6) -----------------------------------------------------

_DAMAGED_MARKINGS = ("SS E C R E T", "UUNCLAS", "E C R E T", "CC O N F I D E N T I A L", "O N F I D E N T I A L",
                     "SE C R E T", "C ONFIDENTIAL", "S e c r e t", "C o n f i d e n t i a l")


def _lines_replace(text: str, pattern: str, replacement: str) -> str:
    return re.sub(pattern, replacement, text, count=1, flags=re.M)


@st.composite
def _irregularity(draw: st.DrawFn, parts: CableParts) -> str:  # noqa: C901 - one branch per kind of damage
    body = parts.body_text
    header = parts.header_text
    kind = draw(st.sampled_from((
        "marking", "tags-label", "subject-label", "lower", "reflow", "sipdis", "marker-to", "marker-tags",
        "marker-subject", "marker-ref", "truncate", "duplicate-banner", "pilcrow", "crlf", "ref-ref", "eo-typo",
        "trailing-space", "trailer",
    )))
    origin, serial = parts.expected["banner"]["origin"], int(parts.expected["banner"]["serial"])
    marker = _marker(origin, serial, 2, 3)
    if kind == "marking":
        first, _, rest = body.partition("\n")
        body = first.replace(parts.expected["banner"]["marking"], draw(st.sampled_from(_DAMAGED_MARKINGS)), 1) + "\n" + rest
    elif kind == "tags-label":
        body = _lines_replace(body, r"^TAGS:", draw(st.sampled_from(("AGS:", "TAGS", "Tags:", "TAG:", "TAGE"))))
    elif kind == "subject-label":
        body = _lines_replace(body, r"^SUBJECT:", draw(st.sampled_from(("UBJECT:", "Subject:", "SUBJ:", "SUBJECT"))))
    elif kind == "lower":
        body = body.lower() if draw(st.booleans()) else body.partition("\n")[0].lower() + "\n" + body.partition("\n")[2]
    elif kind == "reflow":
        lines = body.split("\n")
        end = next((i for i, line in enumerate(lines) if line.startswith(("SUBJECT", "REF"))), 6)
        body = " ".join(line for line in lines[: end + 1] if line.strip()) + "\n" + "\n".join(lines[end + 1 :])
    elif kind == "sipdis":
        lines = body.split("\n")
        position = draw(st.integers(1, max(1, len(lines) - 1)))
        lines.insert(position, draw(st.sampled_from(("SIPDIS", "Sipdis", "sipdis"))))
        body = "\n".join(lines)
    elif kind == "marker-to" and header:
        lines = header.split("\n")
        to = next((i for i, line in enumerate(lines) if line.startswith("TO ")), None)
        if to is not None:
            lines.insert(to + 1, f"TO PAGE 02 {origin[:6]} {serial % 1000000:06d} 182333Z")
            lines.insert(to + 1, "PAGE 02 STATE 015113 182333Z")
        header = "\n".join(lines)
    elif kind in ("marker-tags", "marker-subject", "marker-ref"):
        label = {"marker-tags": "TAGS", "marker-subject": "SUBJECT", "marker-ref": "REF"}[kind]
        lines = body.split("\n")
        at = next((i for i, line in enumerate(lines) if line.startswith(label)), None)
        if at is not None:
            lines[at + 1 : at + 1] = ["", marker, ""]
        body = "\n".join(lines)
    elif kind == "truncate":
        # A truncated partial extract ends mid-sentence, but keeps its classification line.
        body = body[: draw(st.integers(len(body.partition("\n")[0]) + 1, max(len(body), 1)))]
    elif kind == "duplicate-banner":
        first = body.partition("\n")[0]
        lines = body.split("\n")
        lines.insert(min(len(lines), draw(st.integers(1, 6))), first)
        body = "\n".join(lines)
    elif kind == "pilcrow":
        body = re.sub(r"(?m)^(\d{1,2}\.|[A-D]\.)", lambda m: "\u00b6" + m.group(1), body)
    elif kind == "crlf":
        header, body = header.replace("\n", "\r\n"), body.replace("\n", "\r\n")
    elif kind == "ref-ref":
        body = _lines_replace(body, r"^REF:", "REF: REF:")
    elif kind == "eo-typo":
        body = _lines_replace(body, r"^E\.O\. \d+:", draw(st.sampled_from(("E.O 12598:", "EO 12958", "E.o. 12958: decl:", "E.O. 19523:"))))
    elif kind == "trailing-space":
        body = body.replace("\n", " \n")
    elif kind == "trailer":
        body = body + draw(st.sampled_from(("NNNN\n", "End Cable Text\n", "2004CARACA02200 - CONFIDENTIAL\n", "BT\n#0023\nNNNN\n")))
    return header + "\n" + body if header else body


def irregular_cable_texts() -> st.SearchStrategy[str]:
    """Cable texts with one irregularity of spec section 6 (damaged markings, label typos ...)."""
    return cable_parts().flatmap(_irregularity)


_NOISE_CHARS = st.characters(codec="utf-8")  # utf-8 already excludes surrogates
_KEYWORD_LINES = ("TAGS: PREL", "REF: STATE 1", "SUBJECT: X", "1. (C) X", "SIPDIS", "E.O. 12958: N/A", "MEXICO 00000023 002 OF 003",
                  "Classified By: X for reasons 1.4 (b)", "VZCZCXRO0001", "FM AMEMBASSY MEXICO", "TO RUEHC/SECSTATE WASHDC 0049",
                  "R 042201Z JAN 08", "DE RUEHME #0023/01 0042201", "UNCLAS MEXICO 000023", "PAGE 02 ROME 01196 01 OF 02 082030Z", "")


@st.composite
def mutated_texts(draw: st.DrawFn, base_text: str) -> str:
    """``base_text`` with lines deleted, duplicated, swapped, inserted, truncated or chars flipped."""
    lines = base_text.split("\n")
    for _ in range(draw(st.integers(1, 6))):
        operation = draw(st.sampled_from(("delete", "duplicate", "swap", "insert", "truncate", "flip", "cut-line")))
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        if operation == "delete" and len(lines) > 1:
            del lines[i]
        elif operation == "duplicate":
            lines.insert(i, lines[i])
        elif operation == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif operation == "insert":
            lines.insert(i, draw(st.sampled_from(_KEYWORD_LINES)))
        elif operation == "truncate":
            lines = lines[: i + 1]
        elif operation == "cut-line":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif operation == "flip" and lines[i]:
            k = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:k] + draw(_NOISE_CHARS) + lines[i][k + 1 :]
    return "\n".join(lines)


def body_grammar_texts() -> st.SearchStrategy[str]:
    """Strings drawn from ``grammars/body.lark`` with ``hypothesis.extra.lark.from_lark``.

    A second, grammar-driven generator. Hypothesis ignores the regex lookaheads of CONT and
    MARKER, and ``\\d``/``\\s`` draw any Unicode digit or space, so these are not always
    parsable as the grammar means: they are lenient-parse fuzz input, not round-trip input.
    Drawing is fast enough (about 0.1 s per example with the body grammar).
    """
    from hypothesis.extra.lark import from_lark
    from lark import Lark

    from .grammar import grammar_dir, grammar_text

    return from_lark(Lark(grammar_text("body"), parser="lalr", lexer="contextual", import_paths=[str(grammar_dir())]))


