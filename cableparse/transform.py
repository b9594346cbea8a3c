"""Tree-to-model transformers for the header and body grammars.

The transformers are passed to the ``Lark`` constructor, so they run while the LALR parser
reduces and no parse tree is built. They are pure: each callback turns the tokens of one rule
into model pieces plus *pending defects* ``(code, message, line, column)``; the per-parse
context (strictness, position offsets, the citing cable's year for REF ids) is applied by
:mod:`cableparse.core`.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, NamedTuple

from lark import Token, Transformer

from .defects import DefectCode
from .models import Header, HeaderKind, Recipient
from .normalize import MONTHS, UTC, collapse, full_year

Pending = tuple[DefectCode, str, int | None, int | None]
"""A defect not yet placed in a parse: code, message, line, column (1-based, in the part)."""


# --- header -------------------------------------------------------------------------------

_FL3 = re.compile(r"\s*DE\s+([A-Z][A-Z0-9]*)\s*(?:#\s*)?(\d+)?(?:/(\d+))?\s*(\S+)?")
_FL5 = re.compile(
    r"\s*((?:[A-Z]\s+){0,4})((\d\d)(\d\d)(\d\d)Z?\s+([A-Za-z]{3})[A-Za-z]*\s+(\d{2,4}))\s*(.*?)\s*$"
)
_SIGNAL = re.compile(r"\([^)]*\)?|[^\s(]+")
_ADDRESS_RI = re.compile(r"([QRU][A-Z0-9]{3,7})\s*/\s*(.*)$")
# Office suffixes sit between the first and the last "//": 09STATE37561 has two,
# "DIA WASHINGTON DC//DHI-1B/CLM//DP//". A lone trailing "//" is kept as written.
_OFFICE = re.compile(r"^(.*?)\s*//(.+)//\s*(.*)$")
_TAIL = re.compile(
    r"^(.*?)(?:\s+(FLASH|NIACT\s+IMMEDIATE|IMMEDIATE|PRIORITY|ROUTINE|PRIOITY|PRORITY|IMMEDIAT))?(?:\s+(\d{3,4}))?\s*$"
)
# State-originated cables repeat the page header inside the address list (spec 1.10).
_PAGE_LINE = re.compile(r"^PAGE\s+\d{1,3}\s+\S+")


class HeaderPart(NamedTuple):
    """One part of the header as the grammar found it."""

    name: str
    values: dict[str, Any]
    defects: list[Pending]
    line: int | None = None
    """Line of the part's first token, where a later check may point."""


def parse_recipient(line: str) -> Recipient:
    """One addressee line without its TO/INFO/XMT keyword (spec 1.10)."""
    text = collapse(line)
    routing_indicator = None
    match = _ADDRESS_RI.match(text)
    if match:
        routing_indicator, text = match.group(1), match.group(2)
    office = None
    match = _OFFICE.match(text)
    if match:
        text, office = match.group(1), match.group(2)
        if match.group(3):
            text = f"{text} {match.group(3)}"
    match = _TAIL.match(text)
    precedence = serial = None
    if match:
        text, precedence, serial = match.group(1), match.group(2), match.group(3)
        if precedence:
            precedence = collapse(precedence)
    return Recipient(
        routing_indicator=routing_indicator,
        address=text.strip(),
        precedence=precedence,
        serial=serial,
        office=office,
    )


def dtg_of(group: str) -> _dt.datetime | None:
    """The aware UTC datetime of a date-time group (``042201Z JAN 08``), ``None`` if it is no date."""
    values, _ = parse_dtg(group, None, None)
    return values.get("dtg")


def parse_dtg(value: str, line: int | None, column: int | None) -> tuple[dict[str, Any], list[Pending]]:
    """FL5: precedence letters, date-time group (aware UTC), operating signals."""
    match = _FL5.match(value)
    if match is None:
        return {}, [("dtg-unreadable", f"cannot read the date-time group {value.strip()!r}", line, column)]
    letters, group, day, hour, minute, month, year, rest = match.groups()
    values: dict[str, Any] = {
        "precedences": tuple(letters.split()),
        "dtg_text": collapse(group),
        "operating_signals": tuple(_SIGNAL.findall(rest)),
    }
    defects: list[Pending] = []
    month_number = MONTHS.get(month.upper())
    try:
        if month_number is None:
            raise ValueError(month)
        values["dtg"] = _dt.datetime(
            full_year(int(year)), month_number, int(day), int(hour), int(minute), tzinfo=UTC
        )
    except ValueError:
        defects.append(("dtg-invalid", f"date-time group {value.strip()!r} is not a real date", line, column))
    if month != month.upper() and letters.strip():
        # Partial extracts write a bare "291359Z Nov 00" (00HARARE6677): normal for them, odd
        # on a real FL5 line.
        defects.append(("dtg-mixed-case-month", f"month {month!r} is not upper case", line, column))
    return values, defects


_KEYWORD = {word: re.compile(rf"^{word}\b[\s/]*") for word in ("TO", "INFO", "XMT")}


def _addressees(tokens: list[Token], keyword: str) -> tuple[list[Recipient], list[Pending]]:
    recipients: list[Recipient] = []
    defects: list[Pending] = []
    for index, token in enumerate(tokens):
        text = str(token).strip()
        if index == 0:
            text = _KEYWORD[keyword].sub("", text, count=1)
        if _PAGE_LINE.match(text):
            defects.append(("page-line-in-addressees", f"page header line dropped: {text!r}", token.line, token.column))
            continue
        if not text:
            continue
        recipients.append(parse_recipient(text))
    return recipients, defects


class HeaderTransformer(Transformer[Token, Any]):
    """Turns header grammar reductions into :class:`HeaderPart` values and a :class:`Header`."""

    def preamble(self, tokens: list[Token]) -> HeaderPart:
        partial = any(token.type == "PARTIAL" for token in tokens)
        text = "\n".join(str(token).rstrip() for token in tokens)
        return HeaderPart("preamble", {"preamble": text, "partial": partial}, [])

    def fl2(self, tokens: list[Token]) -> HeaderPart:
        words = str(tokens[0]).split()
        indicators = words[1:]
        for token in tokens[1:]:
            indicators.extend(str(token).split())
        return HeaderPart("fl2", {"precedence": words[0], "routing_indicators": tuple(indicators)}, [])

    def routing(self, children: list[Any]) -> HeaderPart:
        values: dict[str, Any] = {}
        defects: list[Pending] = []
        for child in children:
            if isinstance(child, HeaderPart):
                values.update(child.values)
                continue
            token: Token = child
            text = str(token).strip()
            if token.type == "FL1":
                values["transmission_id"] = text
            elif token.type == "FL3":
                match = _FL3.match(text)
                if match:
                    station, serial, section, filed = match.groups()
                    values["station"] = station
                    values["station_serial"] = int(serial) if serial else None
                    values["section"] = int(section) if section else None
                    values["filed"] = filed
                if not match or not match.group(2):
                    defects.append(("fl3-irregular", f"FL3 {text!r} lacks a station serial", token.line, token.column))
            elif token.type == "FL4":
                values["security"] = text
        return HeaderPart("routing", values, defects)

    def dtg(self, tokens: list[Token]) -> HeaderPart:
        token = tokens[0]
        values, defects = parse_dtg(str(token), token.line, token.column)
        return HeaderPart("dtg", values, defects, token.line)

    def sender(self, tokens: list[Token]) -> HeaderPart:
        return HeaderPart("sender", {"sender": collapse(re.sub(r"^\s*FM\s+", "", str(tokens[0])))}, [])

    def action(self, tokens: list[Token]) -> HeaderPart:
        recipients, defects = _addressees(tokens, "TO")
        return HeaderPart("action", {"to": tuple(recipients)}, defects)

    def info(self, tokens: list[Token]) -> HeaderPart:
        recipients, defects = _addressees(tokens, "INFO")
        return HeaderPart("info", {"info": tuple(recipients)}, defects)

    def exempt(self, tokens: list[Token]) -> HeaderPart:
        recipients: list[Recipient] = []
        defects: list[Pending] = []
        group: list[Token] = []
        for token in [*tokens, None]:
            if token is None or token.type == "XMT":
                if group:
                    found, problems = _addressees(group, "XMT")
                    recipients.extend(found)
                    defects.extend(problems)
                group = []
            if token is not None:
                group.append(token)
        return HeaderPart("exempt", {"exempted": tuple(recipients)}, defects)

    def start(self, parts: list[HeaderPart]) -> tuple[Header, list[Pending], dict[str, int | None]]:
        values: dict[str, Any] = {}
        defects: list[Pending] = []
        names = set()
        preambles: list[str] = []
        partial = False
        for part in parts:
            names.add(part.name)
            defects.extend(part.defects)
            if part.name == "preamble":
                # A partial extract can have two: before and after its bare DTG line.
                preambles.append(part.values["preamble"])
                partial = partial or part.values["partial"]
                continue
            values.update(part.values)
        if preambles:
            values["preamble"] = "\n".join(preambles)
        kind: HeaderKind
        if "routing" in names:
            kind = "acp127"
        elif partial:
            kind = "partial"
        elif names & {"dtg", "sender", "action"}:
            kind = "acp126"
        else:
            kind = "other"
        lines: dict[str, int | None] = {part.name: part.line for part in parts if part.line is not None}
        return Header(kind=kind, **values), defects, lines


# --- body ---------------------------------------------------------------------------------


class Block(NamedTuple):
    """One block of the body: its grammar rule, first line's position, lines and markers."""

    kind: str
    line: int
    column: int
    text: str
    markers: tuple[str, ...]


_MARKER_SPLIT = re.compile(
    r"\s*((?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)[ \t]*\n\s*)?[^\n]*?)[ \t]*\n(?:[ \t\r]*\n)*(.*)", re.S
)
_SENTENCE_END = re.compile(r"[.:;!?\"')\]]\s*$")


# Blocks that take no continuation lines in the grammar: text after a marker that
# interrupts one of them starts a block of its own.
_NO_CONTINUATION = frozenset({"caption", "trailer"})


def _split_at_markers(kind: str, head: Token, markers: list[Token]) -> list[Block]:
    """The head block with each interrupting marker removed, and the text after it.

    The result is what the lexer makes of the rejoined text (so a second parse of the text
    without markers gives the same blocks): text continuing a sentence joins the block it
    interrupts; text after a finished sentence starts a new text block, as after a blank line.
    Each block's text is kept as a list of pieces and joined once: a paragraph cut by thousands
    of markers stays linear.
    """
    blocks: list[tuple[str, int, int, list[str], list[str]]] = [(kind, head.line or 1, head.column or 1, [str(head)], [])]
    for token in markers:
        match = _MARKER_SPLIT.match(str(token))
        if match is None:  # pragma: no cover - MARKER always has a marker line
            continue
        last_kind, _, _, pieces, found = blocks[-1]
        found.append(collapse(match.group(1)))
        rest = match.group(2)
        if not rest.strip():
            continue
        stripped = pieces[-1].rstrip()
        while not stripped and len(pieces) > 1:
            pieces.pop()
            stripped = pieces[-1].rstrip()
        pieces[-1] = stripped
        paragraph_break = (not stripped or _SENTENCE_END.search(stripped[-3:]) is not None) and rest[:1].isupper()
        if stripped and not paragraph_break and last_kind not in _NO_CONTINUATION:
            pieces.append("\n" + rest)
            continue
        if stripped:
            pieces.append("\n\n" if paragraph_break else "\n")
        rest_line = (token.line or 1) + str(token).count("\n", 0, match.start(2))
        blocks.append(("text", rest_line, 1, [rest], []))
    return [Block(kind, line, column, "".join(pieces), tuple(found)) for kind, line, column, pieces, found in blocks]


# A page marker inside a line: pages that reflowed the text (07TRIPOLI1039: "... Expressing
# surprise, TRIPOLI 00001039 002 OF 002 Sawani said ..."). The search starts on the padded
# serial's "00", a literal the regex engine scans for quickly; the origin before it is the
# cable's own MRN origin cut to ten characters, so it is matched against that.
_INLINE_MARKER = re.compile(r"00\d{6}[ \t]+\d{3}(?:\.\d+)?[ \t]+OF[ \t]+\d{3}\b")


def has_inline_marker(text: str) -> bool:
    """Whether ``text`` may hold a page marker inside a line (cheap: one literal-led search)."""
    return _INLINE_MARKER.search(text) is not None


_LAST_WORD = re.compile(r"[A-Z][A-Z.'\-]*$")
# How far before a marker's serial its origin may start: ten characters of origin, spaces.
_ORIGIN_WINDOW = 32


def remove_inline_markers(text: str, origin: str | None) -> tuple[str, tuple[str, ...]]:
    """``text`` without the page markers written inside its lines, and the markers removed.

    ``origin`` is the cable's MRN origin (``"BUENOS AIRES"``); without it the one word before
    the serial is taken for the origin. The origin is looked for in a short window before each
    serial and the text is rebuilt once, so the cost is linear in the text and the markers.
    """
    found: list[str] = []
    out: list[str] = []
    copied = 0  # text[:copied] is in ``out`` already
    search_from = 0
    expected = collapse(origin)[:10].rstrip() if origin else None
    while True:
        match = _INLINE_MARKER.search(text, search_from)
        if match is None:
            break
        window = max(copied, match.start() - _ORIGIN_WINDOW)
        before = text[window : match.start()].rstrip(" \t")
        if expected and before.upper().endswith(expected):
            start = window + len(before) - len(expected)
        else:
            word = _LAST_WORD.search(before)
            start = window + word.start() if word else -1
        if start < copied or (start > 0 and not text[start - 1].isspace()) or (start == window and window > copied):
            search_from = match.end()
            continue
        found.append(collapse(text[start : match.end()]))
        head = text[copied:start].rstrip(" \t")
        if head:
            out.append(head)
        elif out:
            out[-1] = out[-1].rstrip(" \t")
        copied = match.end()
        while copied < len(text) and text[copied] in " \t":
            copied += 1
        if out and out[-1] and copied < len(text) and not out[-1].endswith("\n") and text[copied] != "\n":
            out.append(" ")
        search_from = copied
    if not found:
        return text, ()
    out.append(text[copied:])
    return "".join(out), tuple(found)


def _block(kind: str, children: list[Token]) -> Block | list[Block]:
    if len(children) == 1:
        head = children[0]
        return Block(kind, head.line or 1, head.column or 1, str(head), ())
    return _split_at_markers(kind, children[0], children[1:])


class BodyTransformer(Transformer[Token, Any]):
    """Turns body grammar reductions into :class:`Block` values, in order."""

    def banner(self, children: list[Token]) -> Block | list[Block]:
        return _block("banner", children)

    def caption(self, children: list[Token]) -> Block | list[Block]:
        return _block("caption", children)

    def eo(self, children: list[Token]) -> Block | list[Block]:
        return _block("eo", children)

    def tags(self, children: list[Token]) -> Block | list[Block]:
        return _block("tags", children)

    def subject(self, children: list[Token]) -> Block | list[Block]:
        return _block("subject", children)

    def refs(self, children: list[Token]) -> Block | list[Block]:
        return _block("refs", children)

    def classified_by(self, children: list[Token]) -> Block | list[Block]:
        return _block("classified_by", children)

    def paragraph(self, children: list[Token]) -> Block | list[Block]:
        return _block("paragraph", children)

    def text(self, children: list[Token]) -> Block | list[Block]:
        return _block("text", children)

    def trailer(self, children: list[Token]) -> Block | list[Block]:
        return _block("trailer", children)

    def start(self, children: list[Any]) -> list[Block]:
        blocks: list[Block] = []
        leading = [child for child in children if isinstance(child, Token)]
        if leading:
            # Markers before any block (a body that starts on page 2).
            first = leading[0]
            empty = Token("MARKER", "", 0, first.line, first.column)
            blocks.extend(_split_at_markers("markers", empty, leading))
        for child in children:
            if isinstance(child, Block):
                blocks.append(child)
            elif isinstance(child, list):
                blocks.extend(child)
        return blocks


TRANSFORMERS: dict[str, type[Transformer[Any, Any]]] = {"header": HeaderTransformer, "body": BodyTransformer}


# --- block interpretation (used by the body assembler) ------------------------------------

_SUBJECT_LABEL = re.compile(r"^\s*(SUBJECT|Subject|SUBJ|Subj|UBJECT)\s*[:.]?\s*")
_PORTION = re.compile(r"^\(\s*([A-Za-z][A-Za-z/\- ]{0,30}?)\s*\)\s*")


def interpret_subject(text: str) -> tuple[str, str | None, str]:
    """The label as written, the portion mark, and the subject on one line."""
    match = _SUBJECT_LABEL.match(text)
    label = match.group(1) if match else ""
    rest = collapse(text[match.end() :] if match else text)
    portion = None
    mark = _PORTION.match(rest)
    if mark:
        portion, rest = mark.group(1).upper(), rest[mark.end() :]
    return label, portion, rest


_REFS_LABEL = re.compile(
    r"^\s*(?:PROGRAM\s+)?(?:REF(?:S|TEL|TELS|ERENCE|ERENCES)?|Refs?|RETELS?|Reftels?)\s*(?:\((?:S|s)\))?\s*[:.]?\s*(?:REF\s*:\s*)?"
)


def interpret_refs(text: str) -> str:
    """The REF block without its label."""
    match = _REFS_LABEL.match(text)
    return text[match.end() :] if match else text


_PARAGRAPH = re.compile(r"\s*[¶\ufffd]?(\d{1,2})\s*\.\s*(?:\(\s*([A-Za-z][A-Za-z/\- ]{0,30}?)\s*\))?\s*")


def split_paragraph(text: str) -> tuple[int | None, str | None, str]:
    """A numbered paragraph's number, portion mark and text."""
    match = _PARAGRAPH.match(text)
    if match is None:  # pragma: no cover - PARA blocks always start with a number
        return None, None, clean_text(text)
    number, portion = match.groups()
    return int(number), portion.upper() if portion else None, clean_text(text[match.end() :])


_BLANK_RUN = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Block text as stored in models: trailing spaces off each line, outer blank lines off,
    runs of blank lines inside made one blank line (the paragraph separator)."""
    # map(str.rstrip) runs in C: five times faster than a regex substitution here.
    cleaned = "\n".join(map(str.rstrip, text.split("\n"))).strip()
    return _BLANK_RUN.sub("\n\n", cleaned) if "\n\n\n" in cleaned else cleaned
