"""TAGS blocks (spec 2.5), read by ``grammars/tags.lark``.

The grammar gives the label, and per line the words, separators and parenthesised groups; the
transformer decides what is one entry, from the separators and the tag tables
(``cableparse/data/tags-*.txt``, through :func:`cableparse.normalize.tag_kind`):

- In a comma-separated line the words between two commas are one entry (``COUNTRY
  CLEARANCE``, ``ECONOMY AND FINANCE``), unless they are all known codes (``PREL PGOV``).
- In a line separated by spaces only, each code is an entry; words that are not code-shaped
  (``War Crimes``) run together into one entry.
- ``OVIP``/``OREP`` followed by a name (``OVIP RICE CONDOLEEZZA``, ``OVIP (RICE,
  CONDOLEEZZA)``) give the code and one ``person`` tag; so does any parenthesised name.
- A parenthesised code after a spelled-out term is the term's code, and the spelling is
  dropped (03BRASILIA1550: ``Fee Trade Agreement of America (FTAA)`` is ``FTAA``, which is also
  all that the Cablegate page of the same cable prints).
- Stopwords and punctuation (``OF``, ``AND``, ``&``, ``-``, ``N/A``) are never tags.
- A second line continues the TAGS only if the line before it ended with a separator or it is
  made of known codes; otherwise it and what follows are passing text (``TagsField.rest``).
- Codes run together (``VTPREL``, ``ETRDEINVECINPGOVCS``) come apart using the tables, in time
  and memory linear in the length of the word.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError

from .._cache import bounded_cache
from ..grammar import TokenRunner, build_parser, terminal_regex
from ..models import Tag
from ..normalize import _table_kinds, _word_set, tag_kind
from ..transform import Pending
from ._tokens import is_token


class TagsField(NamedTuple):
    """What a TAGS block holds."""

    tags: tuple[Tag, ...]
    """The entries in order, without duplicates."""
    label: str
    """The label as written (``TAGS``, ``AGS``, ``Tags``), ``""`` when the block has none."""
    rest: str
    """Lines of the block that do not continue the TAGS (they are passing text)."""
    pending: list[Pending]
    """Defects, lines counted from the block's first line."""


# Codes that a person's name follows (spec 2.5: "after OVIP/OREP").
_PERSON_CODES = frozenset({"OVIP", "OREP"})
# Words that join the words of a term but are never a tag of their own. "N/A" and "NONE" say
# there are no tags (04TEGUCIGALPA654 "TAGS: N/A"); SIPDIS is a caption that strays into TAGS.
_STOPWORDS = frozenset({"OF", "AND", "THE", "FOR", "WITH", "N/A", "NONE", "SIPDIS"})
_EDGE = ".:-&/'\"*"


def _tag(code: str) -> Tag:
    # Tags are frozen, and a dump repeats a few thousand codes: share one object per code.
    # functools' cache straight (a call in C), a long code made anew (the bound on memory).
    return _shared_tag(code) if len(code) <= 64 else Tag(code=code, kind=tag_kind(code))


@functools.lru_cache(maxsize=1 << 14)
def _shared_tag(code: str) -> Tag:
    return Tag(code=code, kind=tag_kind(code))


# A letter or digit as str.isalnum() has it (re's word characters are those and "_").
_ALNUM = re.compile(r"[^\W_]")


def _is_noise(word: str) -> bool:
    # Not cached: the test is cheaper than a cache in front of it.
    return word in _STOPWORDS or _ALNUM.search(word) is None


def _known(word: str) -> bool:
    return tag_kind(word) != "unknown"


def _code_shaped(code: str, written: str) -> bool:
    """A word that is a code by its looks in a space-separated list: known, or written short
    and upper case ("War Crimes" is no code, "IIP" is)."""
    return _known(code) or (len(code) <= 6 and code.isalnum() and written.strip(_EDGE).isupper())


@functools.lru_cache(maxsize=1)
def _split_tables() -> tuple[frozenset[str], frozenset[str], tuple[int, ...]]:
    four = _word_set("tags-subject.txt") | _word_set("tags-program.txt")
    organization = _word_set("tags-organization.txt")
    # Longest known first after the four-letter subject tags; two letters (a country) last.
    sizes = sorted({len(code) for code in organization if 2 < len(code) <= 8} - {4}, reverse=True)
    return four, organization, (4, *sizes, 2)


def split_run_together(code: str) -> tuple[str, ...] | None:
    """Tags written without separators (spec 2.5), split: ``PHUMBA`` -> ``("PHUM", "BA")``.

    Pieces are known subject and program tags (four letters), known organization tags, and
    two-letter country codes; there must be at least one known four-letter tag and no more
    country codes than those, so free text (``HUMANR``) is left alone. ``None`` when ``code``
    is no such run. Time and memory are linear in ``len(code)``: each position keeps only the
    size of the piece that starts there (issue 13: ``"AB" * 20000`` took 1.94 GB when each
    position kept its whole split).
    """
    if len(code) < 6 or not code.isalpha() or tag_kind(code) != "unknown":
        return None
    four, organization, sizes = _split_tables()
    length = len(code)
    if not any(code[start : start + 4] in four for start in range(length - 3)):
        # A split needs a known four-letter tag among its pieces; free text ("POLITICS") has
        # none, and is let go before the walk over every position and piece size.
        return None
    # size_at[i]: the size of the first piece of a split of code[i:], 0 when there is none.
    size_at = [0] * (length + 1)
    splits = [False] * length + [True]
    for start in range(length - 1, -1, -1):
        for size in sizes:
            end = start + size
            if end > length or not splits[end]:
                continue
            piece = code[start:end]
            if size == 2 or (size == 4 and piece in four) or piece in organization:
                size_at[start] = size
                splits[start] = True
                break
    if not splits[0]:
        return None
    pieces: list[str] = []
    start = 0
    while start < length:
        pieces.append(code[start : start + size_at[start]])
        start += size_at[start]
    tags = sum(1 for piece in pieces if len(piece) == 4 and piece in four)
    countries = sum(1 for piece in pieces if len(piece) == 2)
    return tuple(pieces) if tags >= 1 and countries <= tags else None


class _Group(NamedTuple):
    text: str
    words: tuple[str, ...]
    column: int


class _Entry(NamedTuple):
    code: str
    kind: str  # "tag", "person" or "term"
    column: int


class _Line(NamedTuple):
    entries: tuple[_Entry, ...]
    ends_with_separator: bool
    all_known: bool


def _clean(word: str) -> str:
    return word.upper().strip(_EDGE)


def _term(words: list[str]) -> str:
    """A multi-word term upper case, without stopwords or punctuation at its ends."""
    cleaned = [word.upper() for word in words]
    while cleaned and _is_noise(cleaned[0].strip(_EDGE)):
        cleaned.pop(0)
    while cleaned and _is_noise(cleaned[-1].strip(_EDGE)):
        cleaned.pop()
    return " ".join(cleaned).strip(_EDGE + " ")


# Words that tie the words either side of them into one term in a space-separated list.
_JOINERS = frozenset({"&", "AND", "OF"})


def _joined(words: list[tuple[str, int]]) -> frozenset[int]:
    """Indexes of the words that a joining word (``&``, ``AND``, ``OF``) ties to its
    neighbour in a space-separated list, unless both neighbours are known codes ("PREL AND
    PGOV" stays two tags; "FEE & TRADE" is one term, not FEE and TRADE)."""
    codes = [_clean(word) for word, _ in words]
    joined: set[int] = set()
    for index in range(1, len(codes) - 1):
        before, after = codes[index - 1], codes[index + 1]
        if words[index][0].upper() not in _JOINERS or not before or not after or _is_noise(before) or _is_noise(after):
            continue
        if _known(before) and _known(after):
            continue
        joined.update((index - 1, index + 1))
    return frozenset(joined)


def _codes(words: list[tuple[str, int]], *, spaced: bool) -> list[_Entry]:
    """Entries of words that are separate codes (a space-separated list, or a comma segment
    of known codes): runs of words that are not code-shaped make one term, a name after OVIP
    one person."""
    entries: list[_Entry] = []
    run: list[tuple[str, int]] = []
    person_next = False
    joined = _joined(words) if spaced else frozenset()

    def flush() -> None:
        nonlocal person_next
        if run:
            text = _term([word for word, _ in run])
            if text:
                entries.append(_Entry(text, "person" if person_next else "term", run[0][1]))
            run.clear()
        person_next = False

    for index, (word, column) in enumerate(words):
        code = _clean(word)
        if not code or _is_noise(code):
            if run and (code or word in _JOINERS):
                # Inside a run of free-text words a stopword joins them ("TAGS: EFIN ETRD
                # ECONOMY AND FINANCE" is the term ECONOMY AND FINANCE); at a run's ends
                # _term drops it again.
                run.append((word, column))
            continue
        if person_next and not _known(code):
            run.append((word, column))
            continue
        if index in joined:
            # "FEE & TRADE": short capitals that a joining word ties into a term.
            run.append((word, column))
            continue
        if _code_shaped(code, word) or split_run_together(code) is not None or not spaced:
            flush()
            entries.append(_Entry(code, "tag", column))
            person_next = code in _PERSON_CODES
            continue
        run.append((word, column))
    flush()
    return entries


def _words(words: list[tuple[str, int]], *, spaced: bool) -> list[_Entry]:
    """The entries of a run of words: a whole space-separated line, or the words between two
    commas (or between a comma and a parenthesised group)."""
    if not words:
        return []
    codes = [_clean(word) for word, _ in words]
    meaningful = [code for code in codes if code and not _is_noise(code)]
    if spaced or all(_known(code) or split_run_together(code) is not None for code in meaningful):
        return _codes(words, spaced=spaced)
    if meaningful and meaningful[0] in _PERSON_CODES:
        # "OVIP RICE CONDOLEEZZA" between commas: the code and a person.
        first = codes.index(meaningful[0])
        entries = [_Entry(meaningful[0], "tag", words[first][1])]
        name = _term([word for word, _ in words[first + 1 :]])
        if name:
            entries.append(_Entry(name, "person", words[first + 1][1]))
        return entries
    term = _term([word for word, _ in words])
    return [_Entry(term, "term", words[0][1])] if term else []


def _name_word(entry: _Entry) -> bool:
    """One word of letters that no tag table knows: a surname or given name."""
    return entry.code.replace("-", "").replace("'", "").isalpha() and not _known(entry.code)


def _given_name(entries: list[_Entry], found: list[_Entry]) -> bool:
    """Whether ``found`` (one comma segment's entries) is the given name of a person whose
    surname, after OVIP or OREP, is the last of ``entries``: each one word no table knows."""
    if len(found) != 1 or found[0].kind != "term" or not _name_word(found[0]) or not entries:
        return False
    surname = entries[-1]
    if surname.kind == "person":
        return " " not in surname.code and "," not in surname.code
    return (
        surname.kind == "term"
        and _name_word(surname)
        and len(entries) >= 2
        and entries[-2].kind == "tag"
        and entries[-2].code in _PERSON_CODES
    )


def _group(group: _Group, entries: list[_Entry]) -> None:
    """Add what a parenthesised group holds to ``entries`` (those of its segment so far)."""
    inner = _clean(group.words[0]) if len(group.words) == 1 else None
    if inner and (_known(inner) or (inner.isalnum() and inner.isupper() and len(inner) <= 8)):
        if entries and entries[-1].kind == "term":
            # "Fee Trade Agreement of America (FTAA)": the code names the spelled-out term.
            entries.pop()
        entries.append(_Entry(inner, "tag", group.column))
        return
    name = " ".join(group.text.split()).upper().strip(" ,;")
    if name:
        entries.append(_Entry(name, "person", group.column))


def _segment(pieces: list[tuple[str, int] | _Group], *, spaced: bool) -> list[_Entry]:
    """The entries of one comma-separated segment (or of a whole space-separated line), in order."""
    entries: list[_Entry] = []
    words: list[tuple[str, int]] = []
    for piece in pieces:
        if isinstance(piece, _Group):
            entries.extend(_words(words, spaced=spaced))
            words = []
            _group(piece, entries)
        else:
            words.append(piece)
    entries.extend(_words(words, spaced=spaced))
    return entries


def _words_of(token: Token) -> list[tuple[str, int]]:
    """The words of a SEGMENT token with their columns."""
    text = str(token)
    column = token.column or 1
    found = []
    position = 0
    for word in text.split():
        position = text.index(word, position)
        found.append((word, column + position))
        position += len(word)
    return found


class _TagsTransformer(Transformer[Token, Any]):
    """Reduces each TAGS line to its entries, and the block to its label and lines."""

    def group(self, children: list[Token]) -> _Group:
        parts: list[str] = []
        words: list[str] = []
        for token in children[1:-1]:
            if token.type == "SEPARATOR" and parts:
                parts[-1] += str(token)
            elif token.type == "SEGMENT":
                segment = str(token).split()
                parts.extend(segment)
                words.extend(segment)
        return _Group(" ".join(parts), tuple(words), children[0].column or 1)

    def line(self, children: list[Token | _Group]) -> _Line:
        spaced = not any(not isinstance(c, _Group) and c.type == "SEPARATOR" for c in children)
        segments: list[list[tuple[str, int] | _Group]] = [[]]
        for child in children:
            if isinstance(child, _Group):
                segments[-1].append(child)
            elif child.type == "SEPARATOR":
                segments.append([])
            elif child.type == "SEGMENT":
                segments[-1].extend(_words_of(child))
        entries: list[_Entry] = []
        for segment in segments:
            if segment:
                found = _segment(segment, spaced=spaced)
                if not spaced and _given_name(entries, found):
                    # "OVIP RICE, CONDOLEEZZA" or "OVIP, BURNS, WILLIAM": the comma is the
                    # one between surname and given name, as inside "OVIP (RICE, CONDOLEEZZA)".
                    surname = entries.pop()
                    entries.append(_Entry(f"{surname.code}, {found[0].code}", "person", surname.column))
                    continue
                entries.extend(found)
        last = children[-1] if children else None
        ends = last is not None and not isinstance(last, _Group) and last.type == "SEPARATOR"
        # A person after OVIP ("OVIP (CLINTON, HILLARY) KDEM") does not stop a line of codes.
        all_known = any(entry.kind == "tag" for entry in entries) and all(
            entry.kind == "person" or (entry.kind == "tag" and (_known(entry.code) or split_run_together(entry.code) is not None))
            for entry in entries
        )
        return _Line(tuple(entries), ends, all_known)

    def start(self, children: list[Any]) -> tuple[Token | None, list[_Line]]:
        label = next((c for c in children if is_token(c) and c.type == "LABEL"), None)
        return label, [c for c in children if isinstance(c, _Line)]


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    return build_parser("tags", _TagsTransformer())


# A TAGS line is some seventy characters; a longer line after the first is text that runs on
# without a blank line, and is not read word by word (a megabyte of it costs a copy).
_CONTINUATION_CHARACTERS = 400


@functools.lru_cache(maxsize=1)
def _fast_label() -> re.Pattern[str]:
    # The grammar's own label piece; what follows it is checked by _FAST_REST.
    label = terminal_regex("terminals", "TAGS_LABEL")
    return re.compile(rf"[^\S\n]*(?:(?P<label>{label})[^\S\n]*:?)?")


# The common line after its label: codes of letters and digits, separators and white space
# only (no group, no stray parenthesis, no punctuation a SEGMENT would carry). One character
# class per position: linear, no backtracking.
_FAST_REST = re.compile(r"(?:[A-Za-z0-9,;]|[^\S\n])*")
_FAST_CODE = re.compile(r"[A-Za-z0-9]+")
class _Label(NamedTuple):
    """The label as the fast paths give it: what the reader takes of a LABEL token (a Token
    costs more to make than the rest of a short line)."""

    value: str
    column: int

    def __str__(self) -> str:
        return self.value


_AnyLabel = Token | _Label


def _plain_match(text: str) -> re.Match[str] | None:
    """The label's match of a line of letters, digits, separators and blanks after its label
    (what the fast paths take, free text included), ``None`` for any other line."""
    match = _fast_label().match(text)
    if match is None or _FAST_REST.fullmatch(text, match.end()) is None:
        return None
    return match


def _fast_line(text: str, match: re.Match[str] | None = None) -> tuple[_AnyLabel | None, _Line] | None:
    """What the grammar and transformer make of a line of known codes, without running Lark
    (a Lark parse costs tens of microseconds, most TAGS lines are this shape); ``None`` for any
    other line (``match``: :func:`_plain_match` of the line, where the caller has it).
    tests/test_fields.py checks it gives the same as the grammar on every corpus TAGS line and
    on generated ones."""
    if match is None:
        match = _plain_match(text)
        if match is None:
            return None
    if match["label"] is not None and text[match.end() : match.end() + 1].isalnum():
        return None  # "Tags:PREL": the grammar reads ":PREL" as one segment; let it
    label: _Label | None = None
    if match["label"] is not None:
        label = _Label(match["label"], match.start("label") + 1)
    entries: list[_Entry] = []
    kinds = _table_kinds()
    new = tuple.__new__  # the NamedTuple without its own __new__ (a Python call per entry)
    for word in _FAST_CODE.finditer(text, match.end()):
        code = word.group().upper()
        # _known and _is_noise, the table looked up here first (most codes are in it), and
        # a word of letters and digits is noise only as a stopword.
        if code in _STOPWORDS or (code not in kinds and not _known(code)):
            return None  # free text, a run-together code, a stopword: the grammar decides
        entries.append(new(_Entry, (code, "tag", word.start() + 1)))
    # The rest is codes, separators and blanks: it ends with a separator when its last
    # visible character is one (the label's end is neither).
    ends = text.rstrip()[-1:] in (",", ";")
    return label, _Line(tuple(entries), ends, bool(entries))


@functools.lru_cache(maxsize=1)
def _runner() -> TokenRunner:
    return TokenRunner("tags")


_SEPARATORS = re.compile(r"[,;]")

_Words = list[tuple[str, int]]
"""A segment's words and their columns."""


def _plain_segments(text: str, match: re.Match[str] | None = None) -> tuple[_Label | None, list[_Words], bool] | None:
    """The label, the segments' words and whether the line ends with a separator, as
    :func:`_token_segments` reads them from the grammar's tokens, for a line that
    :func:`_plain_match` takes, without the lexer; ``None`` for any other line.

    The lexer's tokens of such a line are: the label, a colon after blanks, then between
    separators the text from its first to its last visible character (SEGMENT); a colon glued
    to the label opens the first segment, as the lexer takes it ("TAGS: PREL" gives ": PREL").
    A SEGMENT's words are its pieces between white space, which are the piece's between the
    separators. tests/test_fields.py checks the result against the lexer's tokens on every
    corpus TAGS line and on generated ones.
    """
    if match is None:
        match = _plain_match(text)
        if match is None:
            return None
    position = match.end()
    label: _Label | None = None
    if match["label"] is not None:
        if text[position : position + 1].isalnum():
            return None  # "Tags:PREL": one segment ":PREL", which the lexer reads
        label_start, label_end = match.span("label")
        label = _Label(match["label"], label_start + 1)
        if text.find(":", label_end, position) == label_end:
            position = label_end  # SEGMENT takes a colon that no blank separates from the label
    segments: list[_Words] = []
    for separator in _SEPARATORS.finditer(text, position):
        segments.append(_words_between(text, position, separator.start()))
        position = separator.end()
    segments.append(_words_between(text, position, len(text)))
    return label, segments, len(segments) > 1 and not segments[-1]


def _words_between(text: str, start: int, end: int) -> _Words:
    piece = text[start:end]
    words: _Words = []
    at = 0
    for word in piece.split():
        at = piece.index(word, at)
        words.append((word, start + at + 1))
        at += len(word)
    return words


def _token_segments(tokens: list[tuple[str, str, int, int]]) -> tuple[_Label | None, list[_Words], bool] | None:
    """The label, the segments' words with their columns and whether the line ends with a
    separator, from the grammar's tokens; ``None`` for a line with a parenthesis."""
    label: _Label | None = None
    segments: list[_Words] = [[]]
    last = ""
    for kind, value, start, _ in tokens:
        last = kind
        if kind == "SEGMENT":
            # _words_of: the words of the segment with their columns.
            position = 0
            for word in value.split():
                position = value.index(word, position)
                segments[-1].append((word, start + position + 1))
                position += len(word)
        elif kind == "SEPARATOR":
            segments.append([])
        elif kind == "LABEL":
            label = _Label(value, start + 1)
        elif kind != "COLON":
            return None  # a parenthesis: a group or a stray mark
    return label, segments, last == "SEPARATOR"


def _segments_line(text: str, match: re.Match[str] | None = None) -> tuple[_AnyLabel | None, _Line] | None:
    """What the grammar and transformer make of a comma-separated line without parentheses,
    from the grammar's own tokens (:class:`TokenRunner`, or :func:`_plain_segments` where the
    line is plain) but without Lark's parse and the transformer's general rules; ``None`` for
    any other line, where the grammar decides (``match``: :func:`_plain_match` of the line).

    Such a line is LABEL, SEGMENT and SEPARATOR tokens only. A segment of known codes gives its
    codes and a segment of free text one term (``Cross Strait Politics``), as :func:`_words`
    reads them; a segment that starts with OVIP/OREP, follows a lone OVIP/OREP or holds
    run-together codes is left to the grammar. tests/test_fields.py checks it against the grammar on every corpus TAGS line
    and on generated ones.
    """
    found = _plain_segments(text, match)
    return _segment_entries(found) if found is not None else _runner_segments_line(text)


def _runner_segments_line(text: str) -> tuple[_AnyLabel | None, _Line] | None:
    """:func:`_segments_line` of a line that is not plain, from the lexer's tokens."""
    tokens = _runner().tokens(text)
    if tokens is None:
        return None  # pragma: no cover - every character of a line lexes
    found = _token_segments(tokens)
    return _segment_entries(found) if found is not None else None


def _segment_entries(found: tuple[_Label | None, list[_Words], bool]) -> tuple[_AnyLabel | None, _Line] | None:
    """The entries of a comma-separated line's segments (see :func:`_segments_line`)."""
    label, segments, ends_with_separator = found
    if len(segments) == 1:
        return None  # a space-separated line: the grammar's rules for codes and runs of words
    entries: list[_Entry] = []
    kinds = _table_kinds()
    new = tuple.__new__  # the NamedTuple without its own __new__ (a Python call per entry)
    for words in segments:
        meaningful: list[tuple[str, int]] = []
        known = True
        for word, column in words:
            code = word.upper().strip(_EDGE)  # _clean
            if code and not _is_noise(code):
                meaningful.append((code, column))
                known = known and (code in kinds or _known(code))
        if known:
            # _codes of a comma segment of known codes: each one a tag, stopwords left out.
            entries.extend(new(_Entry, (code, "tag", column)) for code, column in meaningful)
            continue
        # As _words decides, and in its order: all known or run together (codes, which the
        # grammar reads), a person, else free text, one term.
        # As well as a name after a lone OVIP, in segments of its own (_given_name).
        if (
            all(_known(code) or split_run_together(code) is not None for code, _ in meaningful)
            or meaningful[0][0] in _PERSON_CODES
            or (entries and entries[-1].kind == "tag" and entries[-1].code in _PERSON_CODES)
        ):
            return None
        term = _term([word for word, _ in words])
        if term:
            entries.append(_Entry(term, "term", words[0][1]))
    all_known = any(entry.kind == "tag" for entry in entries) and all(entry.kind == "tag" for entry in entries)
    return label, _Line(tuple(entries), ends_with_separator, all_known)


@functools.lru_cache(maxsize=1)
def _transformer() -> _TagsTransformer:
    return _TagsTransformer()


def _runner_line(text: str) -> tuple[_AnyLabel | None, _Line] | None:
    """What the grammar and transformer make of a line, from the grammar's own tokens
    (:class:`TokenRunner`) and the transformer's rules, without Lark's parse; ``None`` where the
    grammar does not take the line.

    The tree's shape follows from the token types: LABEL and COLON belong to ``start``, an OPEN
    begins a ``group`` that its CLOSE ends (OPEN is only lexed where a CLOSE follows on the
    line with no parenthesis between), and every other token is an item of the ``line``.
    """
    tokens = _runner().tokens(text)
    if tokens is None:
        return None  # pragma: no cover - every character of a line lexes
    transformer = _transformer()
    label: Token | None = None
    children: list[Token | _Group] = []
    group: list[Token] | None = None
    for kind, value, start, _ in tokens:
        token = Token(kind, value, start, 1, start + 1)
        if kind == "LABEL":
            label = token
        elif kind == "COLON":
            continue
        elif kind == "OPEN":
            group = [token]
        elif group is not None:
            group.append(token)
            if kind == "CLOSE":
                children.append(transformer.group(group))
                group = None
        else:
            children.append(token)
    return label, transformer.line(children)


def _parse_line(text: str) -> tuple[_AnyLabel | None, _Line]:
    match = _plain_match(text)
    if match is not None:
        fast = _fast_line(text, match) or _segments_line(text, match) or _runner_line(text)
    else:
        fast = _runner_segments_line(text) or _runner_line(text)
    if fast is not None:
        return fast
    try:
        parsed: Any = _parser().parse(text)
    except LarkError:  # pragma: no cover - every character lexes; the text is kept for safety
        return None, _Line((), False, False)
    lines: list[_Line] = parsed[1]
    return parsed[0], lines[0]


@bounded_cache(1 << 12, key_chars=2048)
def _read(block: str) -> tuple[tuple[Tag, ...], str, str, tuple[Pending, ...]]:
    # One line at a time: whether a line continues the TAGS depends on the line before it, and
    # the lines after the TAGS end are not read at all.
    pending: list[Pending] = []
    tags: list[Tag] = []
    label = ""
    rest = ""
    offset = 0
    previous: _Line | None = None
    for index, text in enumerate(block.split("\n")):
        start, offset = offset, offset + len(text) + 1
        if not text.strip():
            continue
        if previous is not None and len(text) > _CONTINUATION_CHARACTERS:
            rest = block[start:]
            break
        label_token, line = _parse_line(text)
        if previous is None and label_token is not None:
            label = str(label_token)
            if label not in ("TAGS", "Tags", "tags"):
                # 07BUENOSAIRES1673: 'AGS:'; also TAG, TAGE.
                pending.append(("tags-label-typo", f"TAGS label written {label!r}", index + 1, label_token.column))
        if previous is not None and previous.entries and not (previous.ends_with_separator or line.all_known):
            # Spec 2.5: a line continues the TAGS only after a separator or when it is made of
            # known codes; this one is passing text, and so is what follows it.
            rest = block[start:]
            break
        previous = line
        for code, kind, column in line.entries:
            if kind == "person":
                tags.append(Tag(code=code, kind="person"))
                continue
            # (split_run_together takes no code under six characters, the most of them.)
            pieces = split_run_together(code) if kind == "tag" and len(code) >= 6 else None
            if pieces is None:
                tags.append(_shared_tag(code) if len(code) <= 64 else _tag(code))
                continue
            # 02VATICAN5296: "VTPREL"; 06SANJOSE2041: "ETRDEINVECINPGOVCS".
            message = f"TAGS entry {code!r} read as {' '.join(pieces)}"
            pending.append(("tags-run-together", message, index + 1, column))
            tags.extend(_tag(piece) for piece in pieces)
    # Without duplicates, by code and kind: a tuple hashes in C, a Tag by attrs' Python.
    # (In the order of first sight; the Tag kept is an equal one.)
    unique = {(tag.code, tag.kind): tag for tag in tags}
    return tuple(unique.values()), label, rest, tuple(pending)


def read_tags(block: str) -> TagsField:
    """The entries of a TAGS block, label included in ``block`` (a block without a label is
    read as a list of entries)."""
    tags, label, rest, pending = _read(block)
    return TagsField(tags=tags, label=label, rest=rest, pending=list(pending))
