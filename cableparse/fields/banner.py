"""The classification line that opens a body (spec 2.1), and portion marks (spec 2.9).

Both are read by ``grammars/classification.lark``; the marking, caveat, SECTION and MRN shapes
are those of ``grammars/terminals.lark`` that the body grammar uses to find the line.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError

from .._cache import bounded_cache
from ..grammar import build_parser, terminal_regexes
from ..models import Banner


class _Line(NamedTuple):
    kind: str  # "banner" or "portion"
    tokens: dict[str, str]


class _ClassificationTransformer(Transformer[Token, Any]):
    """Collects the pieces of a classification line or portion mark by terminal name."""

    def banner(self, children: list[Token]) -> _Line:
        tokens: dict[str, str] = {}
        caveats: list[str] = []
        for token in children:
            if token.type == "CAVEAT":
                caveats.append(" ".join(str(token).split()))
            else:
                tokens[token.type] = str(token)
        tokens["CAVEATS"] = "\n".join(caveats)
        return _Line("banner", tokens)

    def portion(self, children: list[Token]) -> _Line:
        return _Line("portion", {token.type: str(token) for token in children})

    def start(self, children: list[_Line]) -> _Line:
        return children[0]


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    return build_parser("classification", _ClassificationTransformer())


def _parse_with_grammar(text: str) -> _Line | None:
    """The line as ``classification.lark`` reads it, through Lark (the reference of :func:`_scan`)."""
    try:
        parsed: Any = _parser().parse(text)
        result: _Line = parsed
    except LarkError:
        return None
    return result


_TERMINALS = ("_LEAD", "MARKING", "CAVEAT", "SECTION_PART", "MRN_PART", "REST", "_NL", "OTHERS", "PORTION_MARK")


@functools.lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    # The grammar's own terminals, compiled as its lexer compiles them.
    return {name: re.compile(regex) for name, regex in terminal_regexes("classification", _TERMINALS).items()}


def _scan(text: str) -> _Line | None:
    """The grammar's parse, run without Lark: a classification line is one pass left to right,
    so its contextual lexer comes down to one terminal tried after another.

    In each parser state the lexer tries the terminals that state accepts, by priority (CAVEAT
    5, SECTION_PART 4, MRN_PART 3, then REST or the line end, which cannot both match), and
    takes the first that matches; the only state that can fail is the first one. A Lark call
    costs ~10 µs per banner, this ~2 µs; ``tests/test_field_fast_paths.py`` proves the two equal.
    """
    patterns = _patterns()
    lead = patterns["_LEAD"].match(text)
    position = lead.end() if lead else 0
    tokens: dict[str, str] = {}
    marking = patterns["MARKING"].match(text, position)
    if marking is not None:
        kind = "banner"
        tokens["MARKING"] = marking.group()
        position = marking.end()
        caveats: list[str] = []
        while (caveat := patterns["CAVEAT"].match(text, position)) is not None:
            caveats.append(" ".join(caveat.group().split()))
            position = caveat.end()
        for name in ("SECTION_PART", "MRN_PART"):
            if (found := patterns[name].match(text, position)) is not None:
                tokens[name] = found.group()
                position = found.end()
    else:
        portion = patterns["PORTION_MARK"].match(text, position)
        if portion is None:
            return None
        kind = "portion"
        tokens["PORTION_MARK"] = portion.group()
        position = portion.end()
    if (rest := patterns["REST"].match(text, position)) is not None:
        tokens["REST"] = rest.group()
        position = rest.end()
    if (newline := patterns["_NL"].match(text, position)) is not None:
        position = newline.end()
        if (others := patterns["OTHERS"].match(text, position)) is not None:
            tokens["OTHERS"] = others.group()
    if kind == "banner":
        tokens["CAVEATS"] = "\n".join(caveats)
    return _Line(kind, tokens)


@bounded_cache(1 << 12, key_chars=2048)
def _parse(text: str) -> _Line | None:
    return _scan(text)


_NOT_LETTERS = re.compile(r"[^A-Z]")


def level_from_marking(marking: str) -> str | None:
    """The level named by a (possibly spaced or damaged) classification marking.

    The marking's letters are compared without spaces, so that ``C O N F I D E N T I A L``,
    ``SS E C R E T`` and ``UUNCLAS`` (damaged copies in Cablegate, spec 2.1) name their level;
    ``None`` when the text names none.
    """
    letters = _NOT_LETTERS.sub("", marking.upper())
    if "UNCLAS" in letters or letters.startswith("UNCL") or letters.endswith("NCLAS"):
        return "UNCLASSIFIED"
    if "LIMITED" in letters:
        return "LIMITED OFFICIAL USE"
    if letters.startswith("TOP"):
        return "TOP SECRET"
    if "ONFIDENTIAL" in letters:
        return "CONFIDENTIAL"
    if "ECRET" in letters:
        return "SECRET"
    return None


def read_banner(text: str) -> tuple[Banner, str, str]:
    """The banner of a classification block, the rest of its first line, and its other lines.

    The rest of the first line is what follows the MRN serial (``SIPDIS NOFORN``, or the whole
    front matter on a reflowed page); the other lines are returned as written. A first line
    that starts with no marking gives a banner whose marking is its first word and whose level
    is ``None``.
    """
    line = _parse(text)
    if line is None or line.kind != "banner":
        first, _, others = text.partition("\n")
        words = first.split()
        marking = words[0] if words else ""
        return Banner(level=level_from_marking(marking), marking=marking), first.strip()[len(marking) :].strip(), others
    tokens = line.tokens
    marking = tokens["MARKING"]
    section = None
    if "SECTION_PART" in tokens:
        # "SECTION 01 OF 03": the second and fourth words.
        words = tokens["SECTION_PART"].split()
        section = (int(words[1]), int(words[3]))
    origin = serial = None
    if "MRN_PART" in tokens:
        *origin_words, serial = tokens["MRN_PART"].split()
        origin = " ".join(origin_words).upper()
    banner = Banner(level=level_from_marking(marking), marking=marking, section=section, origin=origin, serial=serial)
    return banner, tokens.get("REST", "").strip(), tokens.get("OTHERS", "")


def banner_caveats(text: str) -> tuple[str, ...]:
    """The caveats written on a classification line after the marking (``E F T O``, ``NOFORN``)."""
    line = _parse(text)
    if line is None or line.kind != "banner" or not line.tokens["CAVEATS"]:
        return ()
    return tuple(line.tokens["CAVEATS"].split("\n"))


def read_portion_mark(text: str) -> tuple[str | None, str]:
    """The portion mark that opens ``text`` (``(C)``, ``(SBU)``, ``(S//NF)``, ``(U//FOUO)``),
    upper case without parentheses, and the text after it on one line; ``(None, text)`` when
    ``text`` opens with none."""
    line = _parse(text)
    if line is None or line.kind != "portion":
        return None, text
    mark = " ".join(line.tokens["PORTION_MARK"].strip("() \t").split()).upper()
    rest = line.tokens.get("REST", "").strip()
    others = line.tokens.get("OTHERS", "")
    return mark, f"{rest}\n{others}" if others else rest
