"""Tree-to-model transformers for the body grammar (the header's are in :mod:`cableparse.header`).

The transformers are passed to the ``Lark`` constructor, so they run while the LALR parser
reduces and no parse tree is built. They are pure: each callback turns the tokens of one rule
into model pieces plus *pending defects* ``(code, message, line, column)``; the per-parse
context (strictness, position offsets, the citing cable's year for REF ids) is applied by
:mod:`cableparse.core`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from lark import Token, Transformer

from .grammar import TokenRunner
from .header import HeaderPart, HeaderTransformer, Pending, dtg_of, parse_dtg, parse_recipient
from .normalize import collapse

__all__ = [
    "TRANSFORMERS",
    "Block",
    "BodyTransformer",
    "HeaderPart",
    "HeaderTransformer",
    "Pending",
    "clean_text",
    "dtg_of",
    "group_blocks",
    "has_inline_marker",
    "interpret_subject",
    "parse_dtg",
    "parse_recipient",
    "read_blocks",
    "remove_inline_markers",
    "split_paragraph",
    "split_paragraph_at",
]

# --- header -------------------------------------------------------------------------------
# The header half lives in cableparse/header.py (block transformer and field grammars); its
# names stay importable from here, where render.py, strategies.py and older callers look.

# --- body ---------------------------------------------------------------------------------


class Block(NamedTuple):
    """One block of the body: its grammar rule, first line's position, lines and markers."""

    kind: str
    line: int
    column: int
    text: str
    markers: tuple[str, ...]
    start: int = 0
    """Offset of the block's first character in the text the grammar read (token positions)."""
    end: int = 0
    """Offset just past the block's last character there."""
    cuts: tuple[tuple[int, int], ...] = ()
    """Ranges of page-marker lines inside ``[start, end)`` that ``text`` leaves out."""


_MARKER_SPLIT = re.compile(
    r"\s*((?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)[ \t]*\n\s*)?[^\n]*?)[ \t]*\n(?:[ \t\r]*\n)*(.*)", re.S
)
_SENTENCE_END = re.compile(r"[.:;!?\"')\]]\s*$")


# Blocks that take no continuation lines in the grammar: text after a marker that
# interrupts one of them starts a block of its own.
_NO_CONTINUATION = frozenset({"caption", "trailer"})


_Piece = tuple[str, int, int, int, int]
"""A body token as the grouping reads it: ``(text, start, end, line, column)``."""


def _split_at_markers(kind: str, head: _Piece, markers: list[_Piece]) -> list[Block]:
    """The head block with each interrupting marker removed, and the text after it.

    The result is what the lexer makes of the rejoined text (so a second parse of the text
    without markers gives the same blocks): text continuing a sentence joins the block it
    interrupts; text after a finished sentence starts a new text block, as after a blank line.
    Each block's text is kept as a list of pieces and joined once: a paragraph cut by thousands
    of markers stays linear.
    """
    head_text, head_start, head_end, head_line, head_column = head
    blocks: list[tuple[str, int, int, list[str], list[str], list[int]]] = [
        (kind, head_line, head_column, [head_text], [], [head_start, head_end])
    ]
    for token_text, token_start, token_end, token_line, _ in markers:
        match = _MARKER_SPLIT.match(token_text)
        if match is None:  # pragma: no cover - MARKER always has a marker line
            continue
        last_kind, _, _, pieces, found, place = blocks[-1]
        found.append(collapse(match.group(1)))
        # Where the marker lines are, for field spans (issue 17): [start, end, cut start, cut end...].
        place.extend((token_start, token_start + match.start(2)))
        rest = match.group(2)
        place[1] = token_end or place[1]
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
        rest_line = token_line + token_text.count("\n", 0, match.start(2))
        place[1] = place[-2]  # the block ends before the marker that ends it
        del place[-2:]
        blocks.append(("text", rest_line, 1, [rest], [], [token_start + match.start(2), token_end]))
    return [
        Block(kind, line, column, "".join(pieces), tuple(found), place[0], place[1], tuple(zip(place[2::2], place[3::2])))
        for kind, line, column, pieces, found, place in blocks
    ]


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


# The block kind of each head terminal of body.lark; MARKER is no head: it belongs to the
# block before it (or, before any block, to a "markers" block of its own).
_KINDS = {
    "BANNER": "banner",
    "CAPTION": "caption",
    "EO": "eo",
    "TAGS": "tags",
    "SUBJECT": "subject",
    "REFS": "refs",
    "CLASSIFIED_BY": "classified_by",
    "PARA": "paragraph",
    "TEXT": "text",
    "TRAILER": "trailer",
}


def group_blocks(tokens: Sequence[tuple[str, str, int, int, int, int]]) -> list[Block]:
    """The body's blocks from its tokens in order, ``(type, text, start, end, line, column)``:
    each head token starts a block, and the MARKER tokens after it are cut out of it (see
    :func:`_split_at_markers`); markers before any block make a ``"markers"`` block."""
    blocks: list[Block] = []
    count = len(tokens)
    index = 0
    while index < count and tokens[index][0] == "MARKER":
        index += 1
    if index:
        # Markers before any block (a body that starts on page 2).
        first = tokens[0]
        blocks.extend(_split_at_markers("markers", ("", 0, 0, first[4], first[5]), [token[1:] for token in tokens[:index]]))
    while index < count:
        type_, text, start, end, line, column = tokens[index]
        index += 1
        if index < count and tokens[index][0] == "MARKER":
            first_marker = index
            while index < count and tokens[index][0] == "MARKER":
                index += 1
            markers = [token[1:] for token in tokens[first_marker:index]]
            blocks.extend(_split_at_markers(_KINDS[type_], (text, start, end, line, column), markers))
        else:
            # tuple.__new__ without the NamedTuple's own __new__ (its defaults cost a call).
            blocks.append(_new_block(Block, (_KINDS[type_], line, column, text, (), start, end, ())))
    return blocks


_new_block = tuple.__new__


class BodyTransformer(Transformer[Token, Any]):
    """Turns the body grammar's one reduction, ``start`` over the flat token list, into
    :class:`Block` values, in order (see :func:`group_blocks`)."""

    def start(self, children: list[Token]) -> list[Block]:
        return group_blocks(
            [(token.type, str(token), token.start_pos or 0, token.end_pos or 0, token.line or 1, token.column or 1) for token in children]
        )


@functools.lru_cache(maxsize=1)
def _body_runner() -> TokenRunner:
    return TokenRunner("body")


def read_blocks(text: str) -> list[Block] | None:
    """The blocks of a body ``text``, as the body grammar with :class:`BodyTransformer` gives
    them, without a Lark call; ``None`` where the grammar's lexer finds no terminal (the
    caller then runs Lark, which reports it).

    body.lark's start rule takes its terminals in any order, so the parse is the lexing: the
    grammar's own per-state lexers and parse table, run by :class:`TokenRunner`, give the
    tokens; Lark's per-token work (a Token object, the parser's stack, the lexer thread) was
    about half of the body's parse time. Line and column are counted as Lark counts them.
    """
    tokens = _body_runner().tokens(text)
    if tokens is None:
        return None
    # Most bodies have no page marker: each token is then a block of its own, made here in
    # the same pass that counts the lines (what group_blocks makes of them, without a list of
    # positioned tokens between; -4 us per csv row).
    blocks: list[Block] = []
    append = blocks.append
    kinds = _KINDS
    line = 1
    counted = 0  # text[:counted] has line - 1 line ends
    for type_, value, start, end in tokens:
        if type_ == "MARKER":
            break
        line += text.count("\n", counted, start)
        counted = start
        append(_new_block(Block, (kinds[type_], line, start - text.rfind("\n", 0, start), value, (), start, end, ())))
    else:
        return blocks
    positioned: list[tuple[str, str, int, int, int, int]] = []
    line = 1
    counted = 0  # text[:counted] has line - 1 line ends
    for type_, value, start, end in tokens:
        line += text.count("\n", counted, start)
        counted = start
        positioned.append((type_, value, start, end, line, start - text.rfind("\n", 0, start)))
    return group_blocks(positioned)


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


# The full stop is optional: PARA_NUMBER also takes a number before a portion mark alone
# (04CHENNAI1392: "1 (U) SUMMARY:").
_PARAGRAPH = re.compile(r"\s*[¶\ufffd]?(\d{1,2})\s*\.?\s*(?:\(\s*([A-Za-z][A-Za-z/\- ]{0,30}?)\s*\))?\s*")


def split_paragraph(text: str) -> tuple[int | None, str | None, str]:
    """A numbered paragraph's number, portion mark and text."""
    return split_paragraph_at(text)[:3]


def split_paragraph_at(text: str) -> tuple[int | None, str | None, str, int]:
    """:func:`split_paragraph`, and how many characters of ``text`` its number and portion
    mark take (:func:`paragraph_prefix_length`), which field spans start the paragraph after."""
    match = _PARAGRAPH.match(text)
    if match is None:  # pragma: no cover - PARA blocks always start with a number
        return None, None, clean_text(text), 0
    number, portion = match.groups()
    if portion and len(portion) >= _ENTIRE_TEXT_CHARS:
        # 88BAGHDAD28: "1.  (C-ENTIRE TEXT)": the mark with its scope; the mark is "C".
        portion = _ENTIRE_TEXT.sub("", portion) or portion
    end = match.end()
    return int(number), portion.upper() if portion else None, clean_text(text[end:]), end


def paragraph_prefix_length(text: str) -> int:
    """How many characters of a numbered paragraph's block are its number and portion mark
    (what :func:`split_paragraph` takes off)."""
    match = _PARAGRAPH.match(text)
    return match.end() if match else 0


_ENTIRE_TEXT = re.compile(r"[\s\-]*(?i:ENTIRE[ \t]+TEXT)$")
_ENTIRE_TEXT_CHARS = len("ENTIRE TEXT")
"""The fewest characters ``_ENTIRE_TEXT`` matches: a shorter mark ("C", "SBU") is not searched."""


_BLANK_RUN = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Block text as stored in models: trailing spaces off each line, outer blank lines off,
    runs of blank lines inside made one blank line (the paragraph separator)."""
    # map(str.rstrip) runs in C: five times faster than a regex substitution here. Stripping
    # the text first gives the same as stripping the joined lines (either way: from the first
    # to the last visible character, each line without its trailing white space), and leaves
    # no blank line at either end: a run of blank lines needs two empty lines in the list, which
    # is counted in C, where the search for one scanned every paragraph (none has one).
    lines = list(map(str.rstrip, text.strip().split("\n")))
    cleaned = "\n".join(lines)
    return _BLANK_RUN.sub("\n\n", cleaned) if lines.count("") > 1 and "\n\n\n" in cleaned else cleaned
