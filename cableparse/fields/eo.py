"""The E.O. line (spec 2.4), read by ``grammars/eo.lark``."""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError

from .._cache import bounded_cache
from ..grammar import build_parser
from ..models import ExecutiveOrder
from ..normalize import collapse, parse_decl_date


class _Line(NamedTuple):
    order: str | None
    decl_start: int | None
    """Offset of the first token of the instruction, ``None`` when there is none."""
    decl_end: int
    """Offset where the instruction ends: after its last word."""
    following: int | None
    """Offset of a TAGS or SUBJECT label run onto the line, ``None`` when there is none."""
    date: str | None
    """The first date token, as written."""


_Tok = tuple[str, str, int, int]
"""A token as :func:`_line_of` reads it: type, text, start and end offsets."""


def _line_of(tokens: list[_Tok]) -> _Line:
    """The order, the span of the instruction and the date, from the line's tokens."""
    order = None
    decl_start: int | None = None
    decl_end = 0
    following: int | None = None
    date = None
    for kind, value, start, end in tokens:
        if kind == "ORDER":
            order = value.strip(" \t()")
        elif kind == "FOLLOWING":
            following = start
        elif kind in ("DATE", "WORD_DATE", "DECL", "WORD"):
            if decl_start is None:
                decl_start = start
            if any(c.isalnum() for c in value):
                # Up to the last word: not a page's stray backslash (06BERN1971.html).
                decl_end = end or decl_end
            if date is None and kind in ("DATE", "WORD_DATE"):
                date = value
    return _Line(order, decl_start, decl_end, following, date)


class _EoTransformer(Transformer[Token, Any]):
    """Reduces an E.O. line to its order, the span of its instruction and its date."""

    def start(self, tokens: list[Token]) -> _Line:
        return _line_of([(token.type, str(token), token.start_pos or 0, token.end_pos or 0) for token in tokens])


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    return build_parser("eo", _EoTransformer())


# An E.O. line wraps onto a line or two at most; what the block holds beyond this (text that
# continues it without a blank line) is kept in the instruction as written but not read word by
# word, so a megabyte of it costs a copy, not a parse (the linear-time property tests).
_HEAD_LINES = 4
_HEAD_CHARACTERS = 1000


def _line_with_grammar(head: str) -> _Line | None:
    """The E.O. line as ``eo.lark`` reads it, through Lark (the reference of :func:`_scan`)."""
    try:
        parsed: Any = _parser().parse(head)
    except LarkError:
        return None
    line: _Line = parsed
    return line


# The grammar is one sequence, so its LALR states come down to where the line has got to;
# each state accepts these terminals (and the ignored white space, in every state).
_ITEMS = ("DATE", "WORD_DATE", "DECL", "WORD", "FOLLOWING")
_STATES: dict[str, tuple[str, ...]] = {
    "start": ("_LEAD", "EO_WORD"),
    "lead": ("EO_WORD",),
    "word": ("ORDER", "SEPARATOR", *_ITEMS),
    "order": ("SEPARATOR", *_ITEMS),
    "items": _ITEMS,
    "end": (),
}
_NEXT = {"_LEAD": "lead", "EO_WORD": "word", "ORDER": "order", "SEPARATOR": "items", "FOLLOWING": "end"}
_ACCEPTING = frozenset({"word", "order", "items", "end"})


@functools.lru_cache(maxsize=1)
def _state_patterns() -> dict[str, re.Pattern[str]]:
    """One regular expression per state, as Lark's contextual lexer builds it for that state:
    the accepted terminals as named alternatives, in the order of its pure-Python lexer (by
    priority, then width), read from that lexer rather than written again here."""
    reference = build_parser("eo", fast=False)
    ignored = set(reference.ignore_tokens)
    by_names = {}
    for lexer in reference.parser.lexer.lexers.values():
        terminals = list(lexer.terminals)
        by_names[frozenset(str(t.name) for t in terminals)] = "|".join(
            f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals
        )
    return {state: re.compile(by_names[frozenset(accepted) | ignored]) for state, accepted in _STATES.items()}


def _scan(head: str) -> _Line | None:
    """:func:`_line_with_grammar` without Lark's per-call cost (~10 µs of the ~14 µs per line):
    the state's lexer regex run left to right, white space skipped, the transformer's ``start``
    given the same tokens (:func:`_line_of`). ``tests/test_field_fast_paths.py`` proves the two equal."""
    patterns = _state_patterns()
    state = "start"
    position = 0
    tokens: list[_Tok] = []
    while position < len(head):
        match = patterns[state].match(head, position)
        if match is None:
            return None
        kind = match.lastgroup or ""
        if kind.startswith("__IGNORE"):
            position = match.end()
            continue
        if not kind.startswith("_"):
            # Plain tuples: a lark Token costs more to make than the rest of the step.
            tokens.append((kind, match.group(), position, match.end()))
        state = _NEXT.get(kind, "items")
        position = match.end()
    if state not in _ACCEPTING:
        return None
    return _line_of(tokens)


@bounded_cache(1 << 12, key_chars=2048)
def _read(text: str) -> tuple[ExecutiveOrder, str]:
    head = "\n".join(text.split("\n", _HEAD_LINES)[:_HEAD_LINES])[:_HEAD_CHARACTERS]
    tail = text[len(head) :]
    line = _scan(head)
    if line is None:
        return ExecutiveOrder(declassify=collapse(text) or None), ""
    if line.following is not None:
        following = text[line.following :]
        tail = ""
    else:
        following = ""
    if line.decl_start is None or (line.decl_end <= line.decl_start and not tail.strip()):
        declassify = collapse(tail) or None
    elif tail.strip():
        declassify = collapse(head[line.decl_start :] + tail) or None
    else:
        declassify = collapse(head[line.decl_start : line.decl_end]) or None
    date = parse_decl_date(line.date) if line.date else None
    return ExecutiveOrder(order=line.order, declassify=declassify, declassify_on=date), following


def read_eo(text: str) -> ExecutiveOrder:
    """Order number, declassification instruction and date of an E.O. block.

    ``declassify`` is the instruction as written after the order (``"DECL: 01/31/2016"``,
    ``"N/A"``), spaces collapsed; ``declassify_on`` the first date written in it, wherever it
    sits. Text that is no E.O. line comes back whole as ``declassify``.
    """
    return _read(text)[0]


def split_eo(text: str) -> tuple[ExecutiveOrder, str]:
    """:func:`read_eo`, and the text from a TAGS or SUBJECT label that a reflowed page ran onto
    the E.O. line (``"TAGS: EWWT AORC ..."`` of 09LONDON67), or ``""``."""
    return _read(text)
