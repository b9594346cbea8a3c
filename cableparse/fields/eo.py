"""The E.O. line (spec 2.4), read by ``grammars/eo.lark``."""

from __future__ import annotations

import functools
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


class _EoTransformer(Transformer[Token, Any]):
    """Reduces an E.O. line to its order, the span of its instruction and its date."""

    def start(self, tokens: list[Token]) -> _Line:
        order = None
        decl_start: int | None = None
        decl_end = 0
        following: int | None = None
        date = None
        for token in tokens:
            kind = token.type
            if kind == "ORDER":
                order = str(token).strip(" \t()")
            elif kind == "FOLLOWING":
                following = token.start_pos
            elif kind in ("DATE", "WORD_DATE", "DECL", "WORD"):
                if decl_start is None:
                    decl_start = token.start_pos
                if any(c.isalnum() for c in str(token)):
                    # Up to the last word: not a page's stray backslash (06BERN1971.html).
                    decl_end = token.end_pos or decl_end
                if date is None and kind in ("DATE", "WORD_DATE"):
                    date = str(token)
        return _Line(order, decl_start, decl_end, following, date)


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    return build_parser("eo", _EoTransformer())


# An E.O. line wraps onto a line or two at most; what the block holds beyond this (text that
# continues it without a blank line) is kept in the instruction as written but not read word by
# word, so a megabyte of it costs a copy, not a parse (the linear-time property tests).
_HEAD_LINES = 4
_HEAD_CHARACTERS = 1000


@bounded_cache(1 << 12, key_chars=2048)
def _read(text: str) -> tuple[ExecutiveOrder, str]:
    head = "\n".join(text.split("\n", _HEAD_LINES)[:_HEAD_LINES])[:_HEAD_CHARACTERS]
    tail = text[len(head) :]
    try:
        parsed: Any = _parser().parse(head)
        line: _Line = parsed
    except LarkError:
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
