"""Classified By lines (spec 2.8), read by ``grammars/classified_by.lark``.

The grammar finds the label (repeated or not, with text before it or not), the words of who
classified the cable, the reason groups (``1.4`` and its letters) and any text after them. The
transformer splits who into name and title with a table of title and office words: leading
title words (``DCM``, ``Political Minister Counselor``, ``A/DCM``, ``EconChief``) and
comma-separated title segments (``Janice Fair, Economic Officer``) are the title, the rest the
name (``JR.``, ``III`` kept with it).
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError

from .._cache import bounded_cache
from ..grammar import TokenRunner, build_parser, terminal_regex
from ..models import ClassifiedBy
from ..normalize import collapse
from ._tokens import is_token

# Title, rank, office and connective words that come before or instead of a name. All the
# Classified By lines of the corpus were read to make it (grep -i 'classified by').
_TITLE_WORDS = frozenset(
    ["AMBASSADOR", "AMB", "AMBASSADORS", "DCM", "CHARGE", "CHARGÉ", "CHG", "D'", "D'AFFAIRES", "AFFAIRES", "A.I.", "A.I", "AI", "DEPUTY", "CHIEF", "OF", "MISSION", "COM", "CDA", "COUNSELOR", "COUNSELLOR", "COUNSELORS", "COUNS", "MINISTER", "MINISTER-COUNSELOR", "MIN", "POLITICAL", "ECONOMIC", "ECONOMICS", "ECON", "POL", "POLECON", "POLITICAL/ECONOMIC", "POL/ECON", "ECON/POL", "MIL", "POL-MIL", "POLMIL", "OFFICER", "OFFICERS", "OFF", "POLOFF", "ECONOFF", "POLCOUNS", "ECONCOUNS", "CONSUL", "GENERAL", "CG", "ACG", "PO", "PRINCIPAL", "ACTING", "A/", "ASSISTANT", "SECRETARY", "UNDER", "DAS", "PDAS", "A/S", "SENIOR", "ADVISOR", "ADVISER", "DIRECTOR", "DIR", "DEPUTY", "COORDINATOR", "COORD", "SECTION", "HEAD", "DEFENSE", "ATTACHE", "ATTACHÉ", "DATT", "LABOR", "LEGAL", "PUBLIC", "AFFAIRS", "PAO", "MANAGEMENT", "MGMT", "REGIONAL", "SECURITY", "RSO", "CONSULAR", "ENVIRONMENT", "SCIENCE", "TECHNOLOGY", "HEALTH", "COMMERCIAL", "AGRICULTURAL", "AGRICULTURE", "COUNSEL", "INTERAGENCY", "PROVINCIAL", "INTERIM", "ASSOCIATE", "SPECIAL", "ENVOY", "REPRESENTATIVE", "REP", "PERMANENT", "ALTERNATE", "EXECUTIVE", "ASSISTANT", "EXEC", "PRESIDENT", "VICE", "TEAM", "LEADER", "LEAD", "STAFF", "DESK", "CHAIR", "CHAIRMAN", "MEMBER", "CHG.", "AMB.", "THE", "FOR", "AND", "OF", "TO", "AT", "ON", "IN", "&", "-", "PA", "P/E", "E/P", "PE", "EP", "POL/C", "ECON/C", "AIT", "USEU", "USNATO", "USUN", "USOSCE", "NAS", "WHA", "EAP", "EUR", "NEA", "SCA", "AF", "ISN", "INR", "IPC", "OPS", "CTC", "SCI", "NSC", "OES", "PM", "DRL", "IO", "CA", "S/CT", "CT", "ECA", "IIP", "USAID", "AID", "DEA", "FBI", "DHS", "ICE", "DAO", "DIA", "MLO", "ODC", "OMC", "NCIS"]
)
# Words after a name that belong to it (04NEWDELHI7091 "Robert O. Blake, Jr.").
_SUFFIXES = frozenset({"JR", "JR.", "SR", "SR.", "II", "III", "IV"})
_CONNECTIVES = frozenset({"THE", "FOR", "AND", "OF", "TO", "AT", "ON", "IN"})
# "a.i.", "U.S.": the period is the abbreviation's, not the sentence's.
_ABBREVIATION = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
_LONG_TITLES = tuple(sorted(word for word in _TITLE_WORDS if len(word) >= 7))


def _strip(word: str) -> str:
    return word.strip(",.;:").upper().replace("’", "'").replace("0", "O")


@bounded_cache(1 << 12)
def _is_title(word: str) -> bool:
    """Whether a word of who is a title or office word rather than part of a name."""
    upper = _strip(word)
    if not upper:
        return True
    if upper in _TITLE_WORDS or "/" in upper:
        return True
    if "-" in upper and all(_is_title(part) for part in upper.split("-") if part):
        return True  # Economic-Political, Pol-Econ, Pol-Mil
    stripped = word.strip(",.;:")
    humps = [i for i, c in enumerate(stripped) if c.isupper() and i and stripped[i - 1].islower()]
    if humps:
        # EconChief, PolCouns: every capitalised piece a title word. LeBaron is no title.
        bounds = [0, *humps, len(stripped)]
        if all(stripped[a:b].upper() in _TITLE_WORDS for a, b in itertools.pairwise(bounds)):
            return True
    if len(upper) >= 7 and upper.isalpha():
        # Typos of long titles: 07BAKU1268 "Ambasador", 09KABUL3161 "CooQnator".
        return _near_long_title(upper)
    return False


_CUTOFF = 0.8


def _letter_bits(word: str) -> int:
    """The letters of an ASCII word as a set of (letter, occurrence) bits: the popcount of two
    words' bits AND-ed is the size of their letters' multiset intersection."""
    bits = 0
    seen: dict[str, int] = {}
    for char in word:
        count = seen.get(char, 0)
        seen[char] = count + 1
        bits |= 1 << (ord(char) * 32 + count)
    return bits


@functools.lru_cache(maxsize=1)
def _long_title_bits() -> tuple[tuple[str, int, int], ...]:
    return tuple((title, len(title), _letter_bits(title)) for title in _LONG_TITLES)


def _near_long_title(upper: str) -> bool:
    """``bool(difflib.get_close_matches(upper, _LONG_TITLES, n=1, cutoff=0.8))``, faster.

    ``get_close_matches`` keeps a title when three ratios are at least the cutoff: one from
    the lengths, one from the letters in common counted as multisets (``quick_ratio``), then the
    real one. The first two are the same sums here, the second one AND of two integers instead
    of a dictionary walk per title; the real ratio is asked of difflib for the few titles left.
    A person's name of seven letters or more ("Christopher") went through ~50 titles at ~2 µs
    each (~7 µs per csv row); ``tests/test_field_fast_paths.py`` proves the answers equal.
    """
    if not upper.isascii() or len(upper) >= 32:  # bits for 31 repeats of a letter at most
        return bool(difflib.get_close_matches(upper, _LONG_TITLES, n=1, cutoff=_CUTOFF))
    bits = _letter_bits(upper)
    length = len(upper)
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(upper)
    for title, title_length, title_bits in _long_title_bits():
        total = title_length + length
        # The formulas of difflib's _calculate_ratio, so that rounding decides alike.
        if 2.0 * min(title_length, length) / total < _CUTOFF:
            continue
        if 2.0 * (title_bits & bits).bit_count() / total < _CUTOFF:
            continue
        matcher.set_seq1(title)
        if matcher.ratio() >= _CUTOFF:
            return True
    return False


class _Reasons(NamedTuple):
    reasons: tuple[str, ...]
    tail: int | None = None  # where the text after the reasons starts


class _Who(NamedTuple):
    segments: tuple[tuple[str, ...], ...]
    start: int
    end: int


_Tok = tuple[str, str, int, int]
"""A token as ``(type, text, start, end)``: what both ways of parsing below share."""


def _as_tuple(token: Token) -> _Tok:
    return (token.type, str(token), token.start_pos or 0, token.end_pos or 0)


def _group_reasons(tokens: Sequence[_Tok]) -> list[str]:
    """The reasons of one group: its section number, then its letters."""
    number = tokens[0][1]
    section = "1.5" if number.startswith("15") else "1." + next(c for c in number[1:] if c.isdigit())
    return [f"{section}({text.lower()})" for kind, text, _, _ in tokens[1:] if kind == "LETTER"]


def _groups_reasons(groups: Sequence[list[str]]) -> _Reasons:
    return _Reasons(tuple(dict.fromkeys(reason for group in groups for reason in group)))


def _who(words: Sequence[_Tok]) -> _Who | None:
    """Who classified the cable, in comma-separated segments, from the words before the reasons."""
    segments: list[list[str]] = [[]]
    for position, (kind, text, _, _) in enumerate(words):
        if _is_eo_order(words, position):
            # "Ambassador Charles P. Ries. E.O. 12958 Reasons: 1.4 (b) and (d)": the
            # order the reasons come from, never part of the name.
            words = words[:position]
            break
        if kind == "PUNCT" and text in ",;:":
            segments.append([])
        elif kind == "WORD" and any(c.isalnum() for c in text):
            # Dashes and dots are no part of a name or title ("AF/C - John Doe").
            segments[-1].append(text)
    if not words:
        return None
    return _Who(tuple(tuple(segment) for segment in segments if segment), words[0][2], words[-1][3])


class _ClassifiedByTransformer(Transformer[Token, Any]):
    """Reduces a Classified By block to who (in segments), reasons, and where the text starts.

    The reference of :func:`_from_tokens`, which gives the same from the token stream.
    """

    def words(self, tokens: list[Token]) -> list[_Tok]:
        return [_as_tuple(token) for token in tokens]

    def group(self, tokens: list[Token]) -> list[str]:
        return _group_reasons([_as_tuple(token) for token in tokens])

    def groups(self, children: list[list[str]]) -> _Reasons:
        return _groups_reasons(children)

    def filler(self, children: list[Token]) -> None:
        return None

    def reasons(self, children: list[Any]) -> _Reasons:
        found = next((child for child in children if isinstance(child, _Reasons)), _Reasons(()))
        tail = next((child for child in children if is_token(child) and child.type == "TAIL"), None)
        return found._replace(tail=tail.start_pos) if tail is not None else found

    def body(self, children: list[Any]) -> tuple[_Who | None, _Reasons]:
        who = None
        reasons = _Reasons(())
        for child in children:
            if isinstance(child, _Reasons):
                reasons = child
            elif isinstance(child, list) and child:
                who = _who(child) or who
        return who, reasons

    def start(self, children: list[Any]) -> tuple[_Who | None, _Reasons, int]:
        labels = [child for child in children if is_token(child) and child.type == "LABEL"]
        who, reasons = children[-1]
        return who, reasons, labels[-1].end_pos if labels else 0


_WORDS = frozenset({"WORD", "PUNCT"})


def _from_tokens(tokens: list[_Tok]) -> tuple[_Who | None, _Reasons, int]:
    """What the transformer gives, from the tokens in order: the grammar's shape follows from
    their types. ``start: words LABEL+ body | LABEL+ body | body``: the labels are one run
    (the body's states accept none), the body is what follows the last; ``body: words?
    reasons?``, ``reasons: REASON filler? (groups TAIL?)? | groups TAIL?``; ``group:
    SECTION_NUMBER (LETTER | LETTER_SEPARATOR)*``."""
    after_label = 0
    body = tokens
    for index in range(len(tokens) - 1, -1, -1):
        if tokens[index][0] == "LABEL":
            after_label = tokens[index][3]
            body = tokens[index + 1 :]
            break
    count = len(body)
    index = 0
    while index < count and body[index][0] in _WORDS:
        index += 1
    who = _who(body[:index]) if index else None
    reasons = _Reasons(())
    if index < count and body[index][0] == "REASON":
        index += 1
        while index < count and body[index][0] in _WORDS:  # the filler
            index += 1
    groups: list[list[str]] = []
    while index < count and body[index][0] == "SECTION_NUMBER":
        first = index
        index += 1
        while index < count and body[index][0] in ("LETTER", "LETTER_SEPARATOR"):
            index += 1
        groups.append(_group_reasons(body[first:index]))
    if groups:
        reasons = _groups_reasons(groups)
    if index < count and body[index][0] == "TAIL":
        reasons = reasons._replace(tail=body[index][2])
    return who, reasons, after_label


@functools.lru_cache(maxsize=1)
def _eo_word() -> re.Pattern[str]:
    # The E.O. word as the body grammar writes it (terminals.lark EO_WORD), with its dots.
    return re.compile(rf"(?:{terminal_regex('terminals', 'EO_WORD')})")


def _is_eo_order(tokens: Sequence[_Tok], position: int) -> bool:
    """Whether the word at ``position`` is an E.O. word followed by the order's number."""
    kind, word, _, _ = tokens[position]
    if kind != "WORD" or word[:1] not in "Ee" or not _eo_word().fullmatch(word):
        return False
    after = tokens[position + 1][1] if position + 1 < len(tokens) else ""
    return after[:1] == "1" and after.rstrip(".,").isdigit()


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    return build_parser("classified_by", _ClassifiedByTransformer())


# A Classified By line with its reasons is at most a few hundred characters; the words of a
# paragraph that runs on after it are not read one by one (a megabyte costs a copy).
_READ_CHARACTERS = 1500


def _parse_with_grammar(text: str) -> Any:
    """The block as ``classified_by.lark`` reads it, through Lark (the reference of :func:`_parse`)."""
    try:
        return _parser().parse(text)
    except LarkError:
        return None


@functools.lru_cache(maxsize=1)
def _runner() -> TokenRunner:
    return TokenRunner("classified_by")


def _parse(text: str) -> tuple[_Who | None, _Reasons, int] | None:
    """:func:`_parse_with_grammar` from the grammar's token stream (~15 µs a line instead of
    ~50: no Lark call, no callback per reduction); ``tests/test_field_fast_paths.py`` proves
    the two equal."""
    tokens = _runner().tokens(text)
    return _from_tokens(tokens) if tokens is not None else None


@functools.lru_cache(maxsize=1)
def _label_regex() -> re.Pattern[str]:
    # Built from the grammar's own terminal: the same label shape, written once.
    return re.compile(terminal_regex("terminals", "CLASSIFIED_BY_LABEL"))


def _name_and_title(segments: tuple[tuple[str, ...], ...]) -> tuple[str | None, str | None]:
    """The name and the title of who, from its comma-separated segments."""
    name_index = None
    name: list[str] = []
    titles: list[str] = []
    for index, segment in enumerate(segments):
        if name_index is not None:
            if index == name_index + 1 and len(segment) == 1 and _strip(segment[0]).rstrip(".") in _SUFFIXES:
                name[-1] += ","
                name.append(segment[0])
            elif any(_is_title(word) and _strip(word) not in _CONNECTIVES and any(c.isalnum() for c in word) for word in segment):
                titles.append(" ".join(segment))
            continue
        if segment[0].upper().startswith("DERIVED"):
            # 09ISLAMABAD2185 "Derived from DSCG 05-01": a source, not a person.
            return None, None
        count = 0
        while count < len(segment) - 1 and _is_title(segment[count]):
            if _strip(segment[count]) in _CONNECTIVES and count + 2 < len(segment):
                # "AMBASSADOR TO SUDAN John Doe", "Counselor for Economic Affairs": the word
                # after a connective names the post or the office.
                count += 1
            count += 1
        if count == len(segment) - 1 and _is_title(segment[count]):
            count += 1
        if count:
            titles.append(" ".join(segment[:count]))
        if count < len(segment):
            name_index = index
            name = list(segment[count:])
    text = " ".join(name)
    if text.endswith(".") and not (len(name[-1]) == 2 or _strip(name[-1]) in ("JR", "SR")):
        # "Ambassador Hans H Hertell." ends a sentence; "Robert O. Blake, Jr." and an initial keep theirs.
        text = text[:-1]
    title = ", ".join(titles).strip(" ,;:")
    if title.endswith(".") and not _ABBREVIATION.search(title):
        title = title[:-1]
    return text.strip(" ,;:") or None, title or None


def read_classified_by(text: str) -> ClassifiedBy:
    """Name, title and reasons of a Classified By line (label included or not, text before the
    label allowed: ``1. (C) CONFIDENTIAL - ENTIRE TEXT. CLASSIFIED BY ...``).

    ``reasons`` are normalised to ``"1.4(b)"``; 1.5 and 1.2 reasons (older numbering) are read
    the same way. ``text`` is the block after the label, spaces collapsed.
    """
    return read_classified_by_and_tail(text)[0]


@bounded_cache(1 << 12, key_chars=2048)
def read_classified_by_and_tail(text: str) -> tuple[ClassifiedBy, str]:
    """:func:`read_classified_by`, and the text after the reasons (spaces collapsed, ``""``
    when there is none): a reflowed page runs paragraph 1 onto the line (08TRIPOLI574,
    09TOKYO1598)."""
    # Words cut by a line end ("1.4 (b) a\nnd (d)") are read on one line.
    text = collapse(text)
    parsed = _parse(text[:_READ_CHARACTERS])
    if parsed is None or not parsed[2]:
        # Text before the label that the grammar took for a Classified By of its own (a
        # paragraph that says "for reasons" before "CLASSIFIED BY"): read from the label.
        label = _label_regex().search(text, 1)
        retried = _parse(text[label.start() : label.start() + _READ_CHARACTERS]) if label is not None else None
        if label is not None and retried is not None:
            parsed, text = retried, text[label.start() :]
    if parsed is None:
        return ClassifiedBy(text=text), ""
    who: _Who | None = parsed[0]
    reasons: _Reasons = parsed[1]
    after_label: int = parsed[2]
    name, title = _name_and_title(who.segments) if who is not None else (None, None)
    found = ClassifiedBy(
        name=name,
        title=title,
        reasons=reasons.reasons,
        text=text[after_label:].lstrip(" :"),
    )
    return found, text[reasons.tail :] if reasons.tail is not None else ""
