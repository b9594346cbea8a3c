"""The header: block grammar transformer and field grammars (spec 1).

Two layers. ``grammars/header.lark`` cuts the header into lines, one token per line, and
:class:`HeaderTransformer` turns each part (routing block, FL5, FM, TO/INFO/XMT and their
continuation lines) into values. What is inside those lines is read by the field grammars of
``grammars/header_fields.lark`` (one start rule per field), whose transformer,
:class:`FieldTransformer`, builds the values while the parser reduces. One field parse per
part: a header costs a handful of parses, not one per line.

Everything here is pure: values plus *pending defects* ``(code, message, line, column)``
that :mod:`cableparse.core` places in the input.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable
from typing import Any, NamedTuple

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput

from ._cache import bounded_cache
from .defects import DefectCode
from .grammar import TokenRunner, build_parser, cached_parser
from .models import Header, HeaderKind, Recipient
from .normalize import MONTHS, UTC, collapse, full_year

__all__ = [
    "FIELD_STARTS",
    "FieldTransformer",
    "HeaderPart",
    "HeaderTransformer",
    "Pending",
    "dtg_of",
    "field_parser",
    "parse_addressees",
    "parse_dtg",
    "parse_recipient",
]

Pending = tuple[DefectCode, str, int | None, int | None]
"""A defect not yet placed in a parse: code, message, line, column (1-based, in the part)."""

FIELD_STARTS = ("fields", "fl2", "fl3", "fl4", "fl5", "addressees")
"""The start rules of ``header_fields.lark``, one per field."""

_MAX_NUMBER_DIGITS = 4000
"""Longer digit runs are not converted: ``int()`` and ``str()`` refuse numbers over 4,300
digits (Python's guard against quadratic conversion), and a header must never raise."""

_REGULAR_PRECEDENCES = frozenset("ZOPRYM")


class HeaderPart(NamedTuple):
    """One part of the header as the grammar found it."""

    name: str
    values: dict[str, Any]
    defects: list[Pending]
    line: int | None = None
    """Line of the part's first token, where a later check may point."""
    tokens: tuple[Token, ...] = ()
    """The part's line tokens, for the field grammar."""


class _PageLine(NamedTuple):
    """A page header repeated inside an address list, with its line in the field text."""

    text: str
    line: int


_Tok = tuple[str, str, int, int]
"""A field token as the readers below take it: type, text, start and end offsets (what
:meth:`TokenRunner.tokens <cableparse.grammar.TokenRunner.tokens>` gives; a lark Token costs
more to make than the rest of a token's work)."""

_Values = tuple[dict[str, Any], list[tuple[DefectCode, str]]]


def _tok(token: Token) -> _Tok:
    return (token.type, str(token), token.start_pos or 0, token.end_pos or 0)


def _joined(tokens: list[_Tok]) -> str:
    """Tokens as written, one space where white space (or a wrapped line end) separated them."""
    parts: list[str] = []
    end = -1
    for _, value, start, stop in tokens:
        if parts and start != end:
            parts.append(" ")
        parts.append(value)
        end = stop
    return collapse("".join(parts))


def _number(digits: str) -> int | None:
    if not digits or len(digits) > _MAX_NUMBER_DIGITS:
        return None
    try:
        return int(digits)
    except ValueError:  # a lower limit set with sys.set_int_max_str_digits()
        return None


def _fl2(tokens: list[_Tok]) -> _Values:
    indicators: list[str] = []
    for token in tokens[1:]:
        indicators.extend(token[1].split())
    return {"precedence": tokens[0][1], "routing_indicators": tuple(indicators)}, []


def _fl3(tokens: list[_Tok]) -> _Values:
    values: dict[str, Any] = {"station": tokens[1][1], "station_serial": None, "section": None, "filed": None}
    defects: list[tuple[DefectCode, str]] = []
    serial = False
    for kind, value, _, _ in tokens[2:]:
        if kind == "SERIAL":
            serial = True
            values["station_serial"] = number = _number(value.lstrip("# \t"))
            if number is None:
                # A damaged line can hold thousands of digits; int() would refuse them.
                defects.append(("fl3-number-too-long", "FL3 serial is too long to be a number"))
        elif kind == "SECTION_NUMBER":
            digits = value[1:]
            values["section"] = number = _number(digits)
            if number is None and digits:
                defects.append(("fl3-number-too-long", "FL3 section is too long to be a number"))
        elif kind in ("DIGITS", "FILED_WORD"):
            values["filed"] = value
    if not serial:
        defects.append(("fl3-irregular", "lacks a station serial"))
    return values, defects


def _fl5(tokens: list[_Tok]) -> _Values:
    letters = tokens[0][1].split() if tokens[0][0] == "PRECEDENCE_LETTERS" else []
    group = next(value for kind, value, _, _ in tokens if kind == "DTG_GROUP")
    signals = tuple(value for kind, value, _, _ in tokens if kind in ("SIGNAL", "SIGNAL_GROUP"))
    # DTG_GROUP is "DDHHMM[Z] MON[TH] YY[YY]": the terminal fixed the pieces' shapes.
    time_part, month_word, year = group.split()
    month = month_word[:3]
    values: dict[str, Any] = {
        "precedences": tuple(letters),
        "dtg_text": collapse(group),
        "operating_signals": signals,
    }
    defects: list[tuple[DefectCode, str]] = []
    irregular = [letter for letter in letters if letter not in _REGULAR_PRECEDENCES]
    if irregular:
        defects.append(("fl5-irregular-precedence", f"precedence letters {' '.join(irregular)!r} are irregular"))
    month_number = MONTHS.get(month.upper())
    try:
        if month_number is None:
            raise ValueError(month)
        values["dtg"] = _dt.datetime(
            full_year(int(year)), month_number, int(time_part[0:2]), int(time_part[2:4]), int(time_part[4:6]),
            tzinfo=UTC,
        )
    except ValueError:
        defects.append(("dtg-invalid", f"date-time group {values['dtg_text']!r} is not a real date"))
    if month != month.upper() and letters:
        # Partial extracts write a bare "291359Z Nov 00" (00HARARE6677): normal for them,
        # odd on a real FL5 line.
        defects.append(("dtg-mixed-case-month", f"month {month!r} is not upper case"))
    return values, defects


def _entry(tokens: list[_Tok]) -> Recipient | None:
    routing_indicator = office = precedence = serial = None
    words: list[_Tok] = []
    for token in tokens:
        kind, value = token[0], token[1]
        if kind == "KEYWORD":
            if len(tokens) == 1:
                return None  # "XMT" alone: its entries follow on the next lines
        elif kind == "ADDRESS_RI_SLASH":
            routing_indicator = value.rstrip(" \t/")
        elif kind == "OFFICE":
            office = collapse(value[2:-2])
        elif kind == "TAIL_PRECEDENCE":
            precedence = collapse(value)
        elif kind == "TAIL_SERIAL":
            serial = value
        else:  # ADDRESS, SLASHES
            words.append(token)
    return Recipient(
        routing_indicator=routing_indicator,
        address=_joined(words),
        precedence=precedence,
        serial=serial,
        office=office,
    )


class FieldTransformer(Transformer[Token, Any]):
    """Builds field values from ``header_fields.lark`` reductions.

    ``fl2``..``fl5`` give ``(values, defects)``, defects without position (the caller knows
    the line); ``addressees`` gives recipients and the page lines found among them. Each rule
    is read by a function of the tokens as plain tuples, which :func:`_fields_of_tokens` calls
    too, on the tokens of :class:`~cableparse.grammar.TokenRunner`.
    """

    def fields(self, children: list[Any]) -> list[Any]:
        return children

    def fl2(self, tokens: list[Token]) -> _Values:
        return _fl2([_tok(token) for token in tokens])

    def fl3(self, tokens: list[Token]) -> _Values:
        return _fl3([_tok(token) for token in tokens])

    def fl4(self, tokens: list[Token]) -> _Values:
        return {}, []

    def fl5(self, tokens: list[Token]) -> _Values:
        return _fl5([_tok(token) for token in tokens])

    # --- addressees ---

    def entry(self, tokens: list[Token]) -> Recipient | None:
        return _entry([_tok(token) for token in tokens])

    def addressees(self, children: list[Any]) -> list[Recipient | _PageLine]:
        return [child for child in children if child is not None]

    def page_line(self, tokens: list[Token]) -> _PageLine:
        token = tokens[-1]
        return _PageLine(str(token).strip(), token.line or 1)


@bounded_cache(1 << 8, key_chars=2048)
def _parsed_whole(text: str) -> tuple[Header, tuple[Pending, ...], dict[str, int | None], tuple[HeaderPart, ...]]:
    result: Any = _header_of_tokens(text)
    if result is None:
        result = Lark.parse(cached_parser("header"), text)  # Lark's own parse, no recovery: raises
    header: Header
    pending: list[Pending]
    lines: dict[str, int | None]
    parts: list[HeaderPart]
    header, pending, lines, parts = result
    return header, tuple(pending), lines, tuple(parts)


def parse_whole(text: str) -> tuple[Header, list[Pending], dict[str, int | None], list[HeaderPart]]:
    """What the header grammar and :class:`HeaderTransformer` make of ``text``, kept per text
    (the same header text gives the same result, positions included; 256 texts of up to 2048
    characters are kept: a dump's boilerplate headers are a handful, and a result holds its
    tokens, so the bound keeps the memory to a few MB); raises
    :class:`lark.exceptions.UnexpectedInput` where the text needs error recovery, which is
    then the caller's to run. The lists and dict are the caller's own."""
    header, pending, lines, parts = _parsed_whole(text)
    return header, list(pending), dict(lines), list(parts)


@functools.lru_cache(maxsize=1)
def field_parser() -> Lark:
    """The process-wide parser of ``header_fields.lark``, one start rule per field."""
    return build_parser("header_fields", FieldTransformer(), start=list(FIELD_STARTS))


def _field(start: str, text: str) -> Any:
    """Parse ``text`` with field rule ``start``; ``None`` when it does not fit."""
    try:
        return field_parser().parse(text, start=start)
    except UnexpectedInput:
        return None


def _placed(found: list[tuple[DefectCode, str]], line: int | None, column: int | None) -> list[Pending]:
    return [(code, message, line, column) for code, message in found]


# --- public helpers ---------------------------------------------------------------------------


def parse_recipient(line: str) -> Recipient:
    """One addressee line without its TO/INFO/XMT keyword (spec 1.10)."""
    found = _field("addressees", line.strip() or " ")
    recipients = [item for item in found or () if isinstance(item, Recipient)]
    if len(recipients) == 1:
        return recipients[0]
    return Recipient(address=collapse(line))


def dtg_of(group: str) -> _dt.datetime | None:
    """The aware UTC datetime of a date-time group (``042201Z JAN 08``), ``None`` if it is no date."""
    values, _ = parse_dtg(group, None, None)
    return values.get("dtg")


def parse_dtg(value: str, line: int | None, column: int | None) -> tuple[dict[str, Any], list[Pending]]:
    """FL5: precedence letters, date-time group (aware UTC), operating signals."""
    found = _field("fl5", value)
    if found is None:
        return {}, [("dtg-unreadable", f"cannot read the date-time group {collapse(value)[:60]!r}", line, column)]
    values, defects = found
    return values, _placed(defects, line, column)


def parse_addressees(tokens: list[Token]) -> tuple[list[Recipient], list[Pending]]:
    """The recipients of a TO, INFO or XMT line and its continuation lines (header tokens)."""
    found = _field("addressees", _text(tokens))
    if found is None:
        return _addressees_by_line(tokens)
    return _place_addressees(found, tokens, 1)


def _text(tokens: list[Token]) -> str:
    # U+001E marks the parts of the combined field text; a stray one in the input is a space.
    return "".join(str(token) for token in tokens).replace("\x1e", " ")


def _place_addressees(
    found: list[Recipient | _PageLine], tokens: list[Token], first_line: int
) -> tuple[list[Recipient], list[Pending]]:
    recipients: list[Recipient] = []
    defects: list[Pending] = []
    for item in found:
        if isinstance(item, _PageLine):
            token = tokens[max(0, min(item.line - first_line, len(tokens) - 1))]
            defects.append(("page-line-in-addressees", f"page header line dropped: {item.text!r}", token.line, token.column))
        else:
            recipients.append(item)
    return recipients, defects


def _addressees_by_line(tokens: list[Token]) -> tuple[list[Recipient], list[Pending]]:
    # One line that does not fit must not cost the others: read them one by one.
    recipients: list[Recipient] = []
    defects: list[Pending] = []
    for token in tokens:
        text = _text([token])
        found = _field("addressees", text)
        if found is None:
            words = text.split(None, 1)
            # The keyword as the header grammar takes it: "INFO", "Info", "INFO:" (quoted pages).
            if words and words[0].rstrip(":").upper() in ("TO", "INFO", "XMT"):
                text = words[1] if len(words) > 1 else ""
            defects.append(("addressee-unreadable", f"addressee line not read: {collapse(text)[:60]!r}", token.line, token.column))
            if text.strip():
                recipients.append(Recipient(address=collapse(text)))
            continue
        more, problems = _place_addressees(found, [token], 1)
        recipients.extend(more)
        defects.extend(problems)
    return recipients, defects


# --- the header grammar's transformer ---------------------------------------------------------

_ADDRESS_MARKS = {"action": "\x1eT", "info": "\x1eI", "exempt": "\x1eX"}
_MARKS = {"fl2": "\x1e2", "fl3": "\x1e3", "fl4": "\x1e4", "fl5": "\x1e5"}
_ADDRESS_FIELDS = {"action": "to", "info": "info", "exempt": "exempted"}


class _Segment(NamedTuple):
    """A header part's lines that a field rule reads: the rule, the part, the tokens."""

    start: str
    part: int
    tokens: list[Token]
    mark: str


@functools.lru_cache(maxsize=1)
def _fields_runner() -> TokenRunner:
    return TokenRunner("header_fields", start="fields")


# The rule each mark of the combined text opens (header_fields.lark's ``fields``), read from
# the rule's tokens; ``None`` for an address list (``addressees``).
_MARKED_RULES: dict[str, Callable[[list[_Tok]], _Values] | None] = {
    "_MARK_FL2": _fl2,
    "_MARK_FL3": _fl3,
    "_MARK_FL4": lambda tokens: ({}, []),  # FieldTransformer.fl4
    "_MARK_FL5": _fl5,
    "_MARK_TO": None,
    "_MARK_INFO": None,
    "_MARK_XMT": None,
}
# What separates the entries of an address list (its one-line page headers too).
_ENTRY_SEPARATORS = frozenset({"_NL", "_ENTRY_BREAK"})


def _fields_of_tokens(text: str) -> list[Any] | None:
    """What ``fields`` and :class:`FieldTransformer` make of ``text``, from the grammar's own
    tokens (:class:`~cableparse.grammar.TokenRunner`: its lexers and parse table) and without
    Lark's parse, ``None`` where the grammar does not take the text (~50 µs a header with
    Lark, most of it a Token and a callback per token).

    The tree's shape follows from the token types: each mark opens its rule, which takes the
    tokens up to the next mark; an address list's entries (``entry``, or ``page_line`` where
    one holds PAGE_LINE) are separated by ``_NL`` and ``_ENTRY_BREAK``; the other tokens whose
    names start with an underscore are Lark's to filter out. tests/test_header.py
    proves the values equal Lark's on every corpus header and on generated ones.
    """
    tokens = _fields_runner().tokens(text)
    if not tokens or tokens[0][0] not in _MARKED_RULES:
        return None if tokens is None else []  # the grammar opens every part with its mark
    found: list[Any] = []
    first = 0
    for index in range(1, len(tokens) + 1):
        if index == len(tokens) or tokens[index][0] in _MARKED_RULES:
            rule = _MARKED_RULES[tokens[first][0]]
            part = tokens[first + 1 : index]
            found.append(_addressees(part, text) if rule is None else rule([t for t in part if t[0][0] != "_"]))
            first = index
    return found


def _addressees(tokens: list[_Tok], text: str) -> list[Recipient | _PageLine]:
    """The ``addressees`` rule of an address list's tokens: its entries and page lines."""
    found: list[Recipient | _PageLine] = []
    kept: list[_Tok] = []
    for token in (*tokens, ("_NL", "", 0, 0)):
        kind = token[0]
        if kind not in _ENTRY_SEPARATORS:
            if kind[0] != "_":
                kept.append(token)
            continue
        if not kept:
            continue
        if any(kind == "PAGE_LINE" for kind, _, _, _ in kept):
            _, value, start, _ = kept[-1]
            found.append(_PageLine(value.strip(), text.count("\n", 0, start) + 1))
        elif (recipient := _entry(kept)) is not None:
            found.append(recipient)
        kept = []
    return found


def _read_fields(segments: list[_Segment]) -> list[tuple[Any, int]]:
    """The field values of every segment and the line of the parsed text it started on: all
    in one parse, or segment by segment where that fails."""
    text = "".join(segment.mark + _text(segment.tokens) for segment in segments)
    combined = _fields_of_tokens(text)
    if combined is not None and len(combined) == len(segments):
        lines: list[int] = []
        line = 1
        for segment in segments:
            lines.append(line)
            line += len(segment.tokens)  # every header token is one line
        return list(zip(combined, lines))
    return [(_field(segment.start, _text(segment.tokens)), 1) for segment in segments]


class HeaderTransformer(Transformer[Token, Any]):
    """Turns header grammar reductions into :class:`HeaderPart` values and a :class:`Header`.

    The rule callbacks keep each part's line tokens; ``start`` reads the fields of all parts
    with the field grammar in one parse and builds the :class:`Header`.
    """

    def preamble(self, tokens: list[Token]) -> HeaderPart:
        partial = any(token.type == "PARTIAL" for token in tokens)
        text = "\n".join(str(token).rstrip() for token in tokens)
        return HeaderPart("preamble", {"preamble": text, "partial": partial}, [])

    def fl2(self, tokens: list[Token]) -> HeaderPart:
        return HeaderPart("fl2", {}, [], tokens[0].line, tuple(tokens))

    def routing(self, children: list[Any]) -> HeaderPart:
        tokens: list[Token] = []
        values: dict[str, Any] = {}
        for child in children:
            if isinstance(child, HeaderPart):
                tokens.extend(child.tokens)
            elif child.type == "FL1":
                values["transmission_id"] = str(child).strip()
            else:
                tokens.append(child)
        return HeaderPart("routing", values, [], None, tuple(tokens))

    def dtg(self, tokens: list[Token]) -> HeaderPart:
        return HeaderPart("dtg", {}, [], tokens[0].line, tuple(tokens))

    def sender(self, tokens: list[Token]) -> HeaderPart:
        # The FM terminal is "FM", white space, the address: drop the label.
        return HeaderPart("sender", {"sender": collapse(str(tokens[0]).strip()[2:])}, [], None, tuple(tokens))

    def action(self, tokens: list[Token]) -> HeaderPart:
        return HeaderPart("action", {}, [], None, tuple(tokens))

    def info(self, tokens: list[Token]) -> HeaderPart:
        return HeaderPart("info", {}, [], None, tuple(tokens))

    def exempt(self, tokens: list[Token]) -> HeaderPart:
        # Every XMT line may start a group of its own (08STATE116943 repeats XMT); the field
        # grammar takes a keyword at any line, so the groups read as one list.
        return HeaderPart("exempt", {}, [], None, tuple(tokens))

    def start(self, parts: list[HeaderPart]) -> tuple[Header, list[Pending], dict[str, int | None], list[HeaderPart]]:
        parts = _with_fields(parts)
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
        elif names & {"dtg", "sender", "action", "info", "exempt"}:
            # ACP 126 style, or a fragment of the address list ("INFO AMEMBASSY PANAMA").
            kind = "acp126"
        else:
            kind = "other"
        lines: dict[str, int | None] = {part.name: part.line for part in parts if part.line is not None}
        # The parts go back with their tokens: field spans are found from them (issue 17).
        return Header(kind=kind, **values), defects, lines, parts


def _with_fields(parts: list[HeaderPart]) -> list[HeaderPart]:
    """The parts with the values their lines hold, read by the field grammar."""
    segments: list[_Segment] = []
    for index, part in enumerate(parts):
        if part.name == "routing":
            fl2 = [token for token in part.tokens if token.type in ("FL2", "RI_LINE")]
            if fl2:
                segments.append(_Segment("fl2", index, fl2, _MARKS["fl2"]))
            segments.extend(
                _Segment(token.type.lower(), index, [token], _MARKS[token.type.lower()])
                for token in part.tokens
                if token.type in ("FL3", "FL4")
            )
        elif part.name == "dtg":
            segments.append(_Segment("fl5", index, list(part.tokens), _MARKS["fl5"]))
        elif part.name in _ADDRESS_FIELDS:
            segments.append(_Segment("addressees", index, list(part.tokens), _ADDRESS_MARKS[part.name]))
    if not segments:
        return parts
    found = _read_fields(segments)
    values: list[dict[str, Any]] = [dict(part.values) for part in parts]
    defects: list[list[Pending]] = [list(part.defects) for part in parts]
    for segment, (result, first_line) in zip(segments, found):
        first = segment.tokens[0]
        part_values, part_defects = values[segment.part], defects[segment.part]
        if segment.start == "addressees":
            if result is None:
                recipients, problems = _addressees_by_line(segment.tokens)
            else:
                recipients, problems = _place_addressees(result, segment.tokens, first_line)
            key = _ADDRESS_FIELDS[parts[segment.part].name]
            part_values[key] = tuple(recipients)
            part_defects.extend(problems)
            continue
        if result is None:
            if segment.start == "fl5":
                part_defects.append(("dtg-unreadable", f"cannot read the date-time group {collapse(str(first))[:60]!r}", first.line, first.column))
            else:
                code: DefectCode = (
                    "fl2-unreadable" if segment.start == "fl2" else "fl3-unreadable" if segment.start == "fl3" else "fl4-unreadable"
                )
                part_defects.append((code, f"cannot read {segment.start.upper()} {collapse(str(first))[:60]!r}", first.line, first.column))
            continue
        found_values, found_defects = result
        part_values.update(found_values)
        if segment.start == "fl4":
            part_values["security"] = str(first).strip()
        for code, message in found_defects:
            if code == "fl3-irregular":
                message = f"FL3 {str(first).strip()!r} {message}"
            part_defects.append((code, message, first.line, first.column))
    return [part._replace(values=values[i], defects=defects[i]) for i, part in enumerate(parts)]


# --- the header grammar without Lark's parse -----------------------------------------------------


@functools.lru_cache(maxsize=1)
def _header_runner() -> TokenRunner:
    return TokenRunner("header")


@functools.lru_cache(maxsize=1)
def _header_transformer() -> HeaderTransformer:
    return HeaderTransformer()


_ROUTING_LINES = frozenset({"FL1", "FL2", "RI_LINE", "FL3", "FL4"})
_PREAMBLE_LINES = frozenset({"PARTIAL", "LINE"})
_ADDRESS_RULES = {"TO": "action", "INFO": "info", "XMT": "exempt"}


def _lark_tokens(text: str, found: list[tuple[str, str, int, int]]) -> list[Token]:
    """The tokens Lark's lexer gives for ``found`` (TokenRunner's, which the parse keeps): those
    whose names start with an underscore left out, positions counted as Lark counts them."""
    tokens: list[Token] = []
    line = 1
    counted = 0  # text[:counted] has line - 1 line ends
    for kind, value, start, end in found:
        if kind[0] == "_":
            continue
        line += text.count("\n", counted, start)
        counted = start
        column = start - text.rfind("\n", 0, start)
        newlines = value.count("\n")
        if newlines:
            end_line, end_column = line + newlines, end - start - value.rindex("\n")
        else:
            end_line, end_column = line, column + len(value)
        tokens.append(Token(kind, value, start, line, column, end_line, end_column, end))
    return tokens


def _header_of_tokens(text: str) -> Any:
    """What header.lark and :class:`HeaderTransformer` make of ``text``, from the grammar's own
    tokens (:class:`~cableparse.grammar.TokenRunner`: its lexers and parse table) and without
    Lark's parse; ``None`` where the grammar does not take the text (Lark then reports where).

    The tree follows from the token types, in the order ``start`` takes its parts: a run of
    PARTIAL and LINE lines is a ``preamble`` (before the format lines, or after the DTG); a run
    of FL1-FL4 lines is ``routing``, FL2 with the RI_LINE lines after it its ``fl2``; FL5 is
    ``dtg``, FM ``sender``; TO, INFO and XMT take the LINE lines after them (XMT further XMT
    lines too). The callbacks are :class:`HeaderTransformer`'s, given the tokens Lark would
    give them. tests/test_header.py proves the result equal to Lark's, positions included.
    """
    found = _header_runner().tokens(text)
    if found is None:
        return None
    tokens = _lark_tokens(text, found)
    transformer = _header_transformer()
    parts: list[HeaderPart] = []
    count = len(tokens)
    index = 0
    while index < count:
        kind = tokens[index].type
        end = index + 1
        if kind in _PREAMBLE_LINES:
            while end < count and tokens[end].type in _PREAMBLE_LINES:
                end += 1
            parts.append(transformer.preamble(tokens[index:end]))
        elif kind in _ROUTING_LINES:
            children: list[Any] = []
            end = index
            while end < count and tokens[end].type in _ROUTING_LINES:
                if tokens[end].type == "FL2":
                    stop = end + 1
                    while stop < count and tokens[stop].type == "RI_LINE":
                        stop += 1
                    children.append(transformer.fl2(tokens[end:stop]))
                    end = stop
                else:
                    children.append(tokens[end])
                    end += 1
            parts.append(transformer.routing(children))
        elif kind == "FL5":
            parts.append(transformer.dtg(tokens[index:end]))
        elif kind == "FM":
            parts.append(transformer.sender(tokens[index:end]))
        elif kind in _ADDRESS_RULES:
            while end < count and (tokens[end].type == "LINE" or (kind == "XMT" and tokens[end].type == "XMT")):
                end += 1
            parts.append(getattr(transformer, _ADDRESS_RULES[kind])(tokens[index:end]))
        else:  # pragma: no cover - every token of header.lark's start is one of the above
            return None
        index = end
    return transformer.start(parts)
