"""Field provenance: where each field of a :class:`~cableparse.models.Cable` is in the input.

``parse(source, spans=True)`` fills ``Cable.spans``: a mapping from a field path
(``"body.subject"``, ``"body.tags[2]"``, ``"header.to[1]"``) to the field's character ranges
``((start, end), ...)`` in the input as given, container included (the cables.csv row with its
``""`` escapes, the HTML page with its tags and entities). A field that a page marker cuts has
one range per piece.

How the ranges are found, in three steps, none of which runs unless spans are asked for
(docs/design.md has the details):

1. **Blocks and lines from the grammars.** Every body block and header line is a token of the
   block grammars, and tokens carry their offsets in the text the grammar read; a block that
   page markers interrupt also carries the markers' ranges (its ``cuts``). The body builder
   keeps which blocks each field came from.
2. **The value inside its blocks** (:class:`Finder`). A paragraph that is all of its blocks
   is their range, from after the number and portion mark the builder split off; a value
   written as it is (a subject, a DTG, a code, a REF entry, a signer) is one search; other
   values start at their first word and end at their last word or where the stretch holds as
   many characters other than white space as the value, then are compared with it (squeezed
   of white space, in C); codes and addressees in other forms are matched as words. A value
   that does not check gets no range rather than a wrong one.
3. **Back to the input.** A cables.csv field maps by adding its start and the number of
   backslash escapes before an offset (:class:`ShiftMap`, from the pieces the row reader kept,
   :func:`field_map`). Elsewhere (:func:`align`) the input is decoded as its container writes
   text (csv escapes, HTML tags and entities, CR), keeping where each piece came from, and the
   grammar's text is aligned with that (white space may differ; front matter split into lines
   and page markers cut out of lines are stepped over). A range whose decoded gap holds more
   than white space (a page marker) is cut in two there.

The span law, tested on every corpus cable and on generated cables: for every path, the input
text of its ranges, decoded (see :func:`span_text`) and with white space collapsed, is the field's
value as written (see :func:`written`).
"""

from __future__ import annotations

import bisect
import functools
import html
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .transform import Block, paragraph_prefix_length

if TYPE_CHECKING:
    from .assemble import BodyBuilder, _Draft
    from .models import Body, Cable, Header, Paragraph, Recipient

__all__ = [
    "Range",
    "SpanMap",
    "Spans",
    "TextMap",
    "align",
    "check",
    "source_text",
    "span_text",
    "written",
]

Range = tuple[int, int]
"""``(start, end)`` character offsets, ``end`` exclusive."""

Spans = Mapping[str, tuple[Range, ...]]
"""Field path to its ranges in the input."""

# --- step 3: the grammar's text back to the input ---------------------------------------------

# What may sit between two runs of one field's text in the input without cutting the range:
# white space, csv escapes and HTML tags (a TAGS line whose codes are links).
_TRIVIAL_GAP = re.compile(r'(?:\s|<[^<>]*>|["\\\ufeff\x00¶])*')
# How far ahead the input is searched for text that the alignment lost (a removed marker).
_RESYNC_WINDOW = 8192


_Run = tuple[int, int, int, int]
"""A stretch of the text and where the input has it: ``(text start, text end, input start,
input end)``; plain tuples, built by the thousand on HTML pages."""


def _common_prefix(text: str, i: int, raw: str, j: int) -> int:
    """Length of the common prefix of ``text[i:]`` and ``raw[j:]``: the whole rest in one
    comparison when it matches, else by doubling, then halving, the compared stretch. Each
    comparison runs in C and copies only the characters it compares."""
    limit = min(len(text) - i, len(raw) - j)
    if limit <= 0 or text[i] != raw[j]:
        return 0
    if raw.startswith(text[i : i + limit], j):
        return limit
    good, step = 1, 32
    while good + step < limit and raw.startswith(text[i + good : i + good + step], j + good):
        good += step
        step *= 2
    bad = min(limit, good + step)
    while bad - good > 1:
        middle = (good + bad) // 2
        if raw.startswith(text[i + good : i + middle], j + good):
            good = middle
        else:
            bad = middle
    return good


class TextMap:
    """Where the characters of a text that a grammar read are in the input it came from."""

    def __init__(self, raw: str, runs: list[_Run]) -> None:
        self.raw = raw
        self.runs = runs
        self._starts = [run[0] for run in runs]
        # breaks[k]: how many of the gaps between runs 0..k hold more than white space, csv
        # escapes and tags (a page marker): a range whose two ends have the same count is one
        # piece, found without walking the runs between.
        breaks: list[int] = []
        count = 0
        previous_end = runs[0][2] if runs else 0
        for run in runs:
            if run[2] != previous_end and _TRIVIAL_GAP.fullmatch(raw, previous_end, run[2]) is None:
                count += 1
            breaks.append(count)
            previous_end = run[3]
        self._breaks = breaks

    def ranges(self, start: int, end: int) -> list[Range]:
        """The input ranges of ``text[start:end]``: one per stretch of the input that holds it
        without a page marker (or other dropped text) in between."""
        runs = self.runs
        if end <= start or not runs:
            return []
        first = bisect.bisect_right(self._starts, start) - 1
        last = bisect.bisect_right(self._starts, end - 1, first if first > 0 else 0) - 1
        if first < 0:
            first = 0
        if last < 0:
            last = 0
        if self._breaks[first] == self._breaks[last]:
            t0, t1, r0, r1 = runs[first]
            if start >= t1 and first + 1 < len(runs):
                t0, t1, r0, r1 = runs[first + 1]  # start is in text the input does not have
            low = r0 + (start - t0 if start > t0 else 0) if t1 - t0 == r1 - r0 else r0
            t0, t1, r0, r1 = runs[last]
            high = r0 + (end if end < t1 else t1) - t0 if t1 - t0 == r1 - r0 else r1
            return [(low, high)] if high > low else []
        pieces: list[list[int]] = []
        for position in range(first, len(runs)):  # not runs[first:]: that copies the rest
            run = runs[position]
            if run[0] >= end:
                break
            if run[1] <= start:
                continue
            linear = _linear(run)
            low = run[2] + (max(start, run[0]) - run[0] if linear else 0)
            high = run[3] - (run[1] - min(end, run[1]) if linear else 0)
            if pieces and _TRIVIAL_GAP.fullmatch(self.raw, pieces[-1][1], low) is not None:
                pieces[-1][1] = high
            else:
                pieces.append([low, high])
        return [(low, high) for low, high in pieces if high > low]


def _linear(run: _Run) -> bool:
    return run[1] - run[0] == run[3] - run[2]


# What a container writes for one character of the cable text, or for none: HTML tags,
# entities and paragraph anchors; csv backslash escapes and doubled quotes; CR everywhere.
# Each pattern starts with what sre can scan for quickly (a literal, a character class): an
# alternation of the codes cost 65 us per csv row, the escape alone 5.
_HTML_CODES = re.compile(
    # A paragraph anchor with its pilcrow first: the page's, dropped whole by the container.
    # A tag runs to the next ">" whatever it holds, as an HTML tokenizer reads it (a stray "<"
    # before a word takes the text up to the next tag's end with it).
    r"[<&\r\ufeff\x00](?:(?<=<)a\s[^<>]{0,200}#par[^<>]{0,200}>¶</a>|(?<=<)[A-Za-z/!?][^>]{0,4096}>"
    r"|(?<=&)(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?|(?<=\r)\n)?"
)
# CR LF and a lone CR are a line end, as the containers read them.
_RARE_CODES = "\r\n?|[\ufeff\x00]"
# The escapes the csv reader decodes (containers/csvfile.py); any other backslash stays.
_CSV_ESCAPES = r"\\[\\\"'\n0]"


_RARE_PATTERN = re.compile(_RARE_CODES)


@functools.lru_cache(maxsize=2)
def _csv_codes_without_escapes(rare: bool) -> re.Pattern[str]:
    return re.compile('""|' + _RARE_CODES if rare else '""')


@functools.lru_cache(maxsize=8)
def _csv_codes(doubled_quotes: bool, rare: bool) -> re.Pattern[str]:
    return re.compile("|".join([_CSV_ESCAPES, *(['""'] if doubled_quotes else []), *([_RARE_CODES] if rare else [])]))


def _codes(raw: str, start: int, end: int, container: str) -> re.Pattern[str] | None:
    """The pattern of the container codes that ``raw[start:end]`` holds, ``None`` if none."""
    rare = any(raw.find(char, start, end) >= 0 for char in "\r\ufeff\x00")
    if container == "html":
        return _HTML_CODES
    if container in ("csv", "page") and raw.find("\\", start, end) >= 0:
        return _csv_codes(raw.find('""', start, end) >= 0, rare)
    if container in ("csv", "page") and raw.find('""', start, end) >= 0:
        return _csv_codes_without_escapes(rare)
    return _RARE_PATTERN if rare else None


@functools.lru_cache(maxsize=1024)
def _decoded_code(code: str) -> str:
    if code[0] == "&" and len(code) > 1:
        return html.unescape(code)
    if code[0] == "\\":
        return "" if code[1] == "0" else code[1]
    if code == '""':
        return '"'
    if code in ("<", "&"):
        return code  # a lone one: text (an HTML page escapes them, but not every page does)
    if code[0] == "\r":
        return "\n"  # CR LF, or a lone CR: one line end
    return ""  # a tag, a byte-order mark, a NUL, a paragraph anchor


def decode_window(raw: str, start: int, end: int, container: str) -> tuple[str, list[_Run]]:
    """``raw[start:end]`` as the container decodes it, and the runs that map it back: each
    code a run of its own (unless it decodes to nothing), the text between them runs of
    equal text (see :func:`_decode`)."""
    decoded, out_at, raw_at = _decode(raw, start, end, container)
    runs = [
        (out_start, out_end, raw_start, raw_end)
        for out_start, out_end, raw_start, raw_end in zip(out_at, out_at[1:], raw_at, raw_at[1:])
        if out_end > out_start
    ]
    return decoded, runs


def _decode(raw: str, start: int, end: int, container: str) -> tuple[str, list[int], list[int]]:
    """``raw[start:end]`` as the container decodes it, cut into pieces (the container's codes,
    an HTML page's ``&#x000A;`` on every line or a csv row's ``\\'``, and the text between),
    and where each piece starts in the decoded text and in ``raw`` (each list ends with
    where the last piece ends). Splitting, lengths and offsets run in C: a loop over the
    codes, building a run for each, cost four times as much on an HTML page."""
    codes = _codes(raw, start, end, container)
    if codes is None:
        return raw[start:end], [0, end - start], [start, end]
    # [text, code, text, code, ..., text]: the codes decoded in place.
    window = raw[start:end]
    parts = _html_parts(window) if codes is _HTML_CODES else None
    if parts is None:
        parts = _splitter(codes).split(window)
    pieces = parts[:]
    pieces[1::2] = map(_decoded_code, parts[1::2])
    raw_at = list(itertools.accumulate(map(len, parts), initial=start))
    out_at = list(itertools.accumulate(map(len, pieces), initial=0))
    return "".join(pieces), out_at, raw_at


_HTML_LINE_END = "&#x000A;"
"""How a Cablegate page writes every line end of a cable (``<pre>`` text of one line)."""


def _html_parts(window: str) -> list[str] | None:
    """:func:`decode_window`'s ``[text, code, ..., text]`` of an HTML window, its line ends
    split out with ``str.split`` (a regex scans a page five times slower than a search for
    a string) and the regex run only on the lines that hold other markup; ``None`` (the
    regex on the whole window) where markup may run across a line end or other codes are
    about."""
    if "\r" in window or "\ufeff" in window or "\x00" in window:
        return None
    lines = window.split(_HTML_LINE_END)
    marked = [index for index, line in enumerate(lines) if "<" in line or "&" in line]
    parts = [_HTML_LINE_END] * (2 * len(lines) - 1)
    parts[::2] = lines
    if not marked:
        return parts
    splitter = _splitter(_HTML_CODES)
    for index in reversed(marked):  # from the end: earlier indices stay valid
        line = lines[index]
        if "<" in line and line.rfind(">") < line.rfind("<"):
            return None  # a tag may run on past the line end
        parts[2 * index : 2 * index + 1] = splitter.split(line)
    return parts


@functools.lru_cache(maxsize=16)
def _splitter(codes: re.Pattern[str]) -> re.Pattern[str]:
    """``codes`` as one capturing group, for ``re.split`` to keep the codes it splits at."""
    return re.compile(f"({codes.pattern})")


class ComposedMap:
    """A :class:`TextMap` onto a container's decoded text, then the decoding back to the
    input: its pieces' starts in the decoded text and in the input (:func:`_decode`)."""

    def __init__(self, inner: TextMap, decoding: list[_Run]) -> None:
        # Runs (decode_window) as piece boundaries: a stretch of the input that no run
        # covers (a tag) is a piece that decodes to nothing.
        out_at = [decoding[0][0]] if decoding else [0]
        raw_at = [decoding[0][2]] if decoding else [0]
        for out_start, out_end, raw_start, raw_end in decoding:
            if raw_start != raw_at[-1]:
                out_at.append(out_start)
                raw_at.append(raw_start)
            out_at.append(out_end)
            raw_at.append(raw_end)
        self._set(inner, out_at, raw_at, bool(decoding))

    @classmethod
    def of_pieces(cls, inner: TextMap, out_at: list[int], raw_at: list[int]) -> ComposedMap:
        """The map with the decoding given as :func:`_decode` gives it."""
        made = cls.__new__(cls)
        made._set(inner, out_at, raw_at, out_at[-1] > 0)
        return made

    def _set(self, inner: TextMap, out_at: list[int], raw_at: list[int], decoded: bool) -> None:
        self.inner = inner
        self.runs = inner.runs
        self._out_at = out_at
        self._raw_at = raw_at
        self._pieces = len(out_at) - 1
        self._decoded = decoded
        # The text is one run of the decoded text when the parser changed nothing in it.
        self._shift: int | None = None
        if len(inner.runs) == 1 and inner.runs[0][0] == 0 and _linear(inner.runs[0]):
            self._shift = inner.runs[0][2]

    def _at(self, position: int, end: bool) -> int:
        # The piece that holds the character at ``position`` (before it, for an end): the last
        # piece starting at or before it, which cannot be one that decodes to nothing (the
        # piece after such a one starts at the same place).
        out_at = self._out_at
        index = bisect.bisect_right(out_at, position - 1 if end else position, 0, self._pieces) - 1
        if index < 0:
            index = 0
        t0, t1 = out_at[index], out_at[index + 1]
        r0, r1 = self._raw_at[index], self._raw_at[index + 1]
        if t1 - t0 == r1 - r0:
            return r0 + max(0, min(position, t1) - t0)
        return r1 if end else r0

    def ranges(self, start: int, end: int) -> list[Range]:
        """The input ranges of ``text[start:end]`` (see :meth:`TextMap.ranges`)."""
        if not self._decoded:
            return []
        at = self._at
        if self._shift is not None:
            # The text is one stretch of the decoded input (the usual case): no inner walk.
            low, high = at(start + self._shift, False), at(end + self._shift, True)
            return [(low, high)] if high > low else []
        return [(low, high) for a, b in self.inner.ranges(start, end) if (high := at(b, True)) > (low := at(a, False))]

    def all_ranges(
        self, pieces_by_path: Mapping[str, Sequence[Range]], into: dict[str, tuple[Range, ...]] | None = None
    ) -> dict[str, tuple[Range, ...]]:
        """:meth:`ranges` of every piece of every path, as ``Cable.spans`` holds them (added
        to ``into`` when given; a path without ranges left out)."""
        ranges = self.ranges
        found: dict[str, tuple[Range, ...]] = {} if into is None else into
        for path, pieces in pieces_by_path.items():
            mapped = tuple([piece for low, high in pieces for piece in ranges(low, high)])
            if mapped:
                found[path] = mapped
        return found

    @property
    def raw_end(self) -> int:
        """Where in the input the mapped text ends."""
        if not self.inner.runs:
            return 0
        return self._at(self.inner.runs[-1][3], True)


class ShiftMap:
    """The text as one stretch of a cables.csv field, each of whose codes writes one character
    as two (``\\'``, ``""``): a text offset maps to the input by adding the field's start and
    the number of codes before it (one bisection), with no runs to walk."""

    def __init__(self, base: int, codes: list[int], length: int) -> None:
        self.base = base
        """Where the text starts in the input."""
        self.codes = codes
        """Text offsets of the characters written as two, in order."""
        self.raw_end = base + length + bisect.bisect_left(codes, length)
        """Where in the input the mapped text ends."""

    def ranges(self, start: int, end: int) -> list[Range]:
        """The input range of ``text[start:end]`` (one: the text is one stretch of the input)."""
        if end <= start:
            return []
        codes, base = self.codes, self.base
        return [(base + start + bisect.bisect_left(codes, start), base + end + bisect.bisect_left(codes, end))]

    def all_ranges(
        self, pieces_by_path: Mapping[str, Sequence[Range]], into: dict[str, tuple[Range, ...]] | None = None
    ) -> dict[str, tuple[Range, ...]]:
        """:meth:`ranges` of every piece of every path, as ``Cable.spans`` holds them (added
        to ``into`` when given; a path without ranges left out)."""
        codes, base, left = self.codes, self.base, bisect.bisect_left
        found: dict[str, tuple[Range, ...]] = {} if into is None else into
        for path, pieces in pieces_by_path.items():
            try:
                (a, b), = pieces  # one piece, the usual case (a try costs nothing in 3.11)
            except ValueError:
                ranges = tuple([(base + a + left(codes, a), base + b + left(codes, b)) for a, b in pieces if b > a])
                if ranges:
                    found[path] = ranges
                continue
            if b > a:
                found[path] = ((base + a + left(codes, a), base + b + left(codes, b)),)
        return found


_FIRST_CHARACTER = operator.itemgetter(slice(0, 1))
_ESCAPED_CHARACTERS = "'\"\n"
"""What a single backslash escapes in a cables.csv field (``\\0`` writes nothing)."""


def _dropped(raw: str, start: int, end: int) -> list[int] | None:
    """Offsets in ``raw[start:end]`` of the codes that write one character as two (a backslash
    escape, a doubled quote), in order; ``None`` where a code writes none (``\\0``) or a
    doubled quote overlaps an escape (``\\""``): the general alignment reads those.
    ``str.find`` runs at memory speed; a regex, even one that starts with the backslash,
    scans the row a character at a time."""
    find = raw.find
    escapes: list[int] = []
    at = find("\\", start, end)
    while at >= 0:
        follower = raw[at + 1 : at + 2]
        if follower in ("\\", "'", '"', "\n"):
            escapes.append(at)
            at = find("\\", at + 2, end)
        elif follower == "0":
            return None
        else:
            at = find("\\", at + 1, end)  # a backslash that stays
    quote = find('""', start, end)
    if quote < 0:
        return escapes
    quotes = []
    while quote >= 0:
        quotes.append(quote)
        quote = find('""', quote + 2, end)
    drops = sorted(escapes + quotes)
    if escapes and any(b - a < 2 for a, b in itertools.pairwise(drops)):
        return None
    return drops


def _shift_map(raw: str, text: str, start: int) -> ShiftMap | None:
    """A :class:`ShiftMap` of ``text`` as written from ``raw[start:]`` in a cables.csv field,
    ``None`` unless its codes each write one character as two and the field, so decoded,
    starts with ``text``.

    Such a code's first character is dropped and its second kept (``\\'`` is ``'``, ``""`` is
    ``"``), so the decoded field is the input without the codes' first characters: one join
    of slices, compared with the text in C."""
    length = len(text)
    # The text is written in at most twice its length: look no further.
    limit = start + 2 * length + 2
    # Split at the backslashes in C. Where each piece after the first starts with an escaped
    # character (every corpus row), the decoded field is the pieces joined, and the k-th
    # code's character is where the first k+1 pieces end. The window may run past the field
    # (its closing quote, the next field): only its start is compared with the text, and a
    # doubled quote in the field ('""' for '"') fails that comparison.
    parts = raw[start:limit].split("\\")
    # Every piece after the first starts with an escaped character: their first characters
    # joined and stripped of those leave nothing (all in C; an empty piece, at '\\\\', adds
    # no character, so it is counted apart).
    firsts = "".join(map(_FIRST_CHARACTER, parts[1:]))
    if len(firsts) == len(parts) - 1 and not firsts.strip(_ESCAPED_CHARACTERS):
        decoded = "".join(parts) if len(parts) > 1 else parts[0]
        # The parser's text ends with a line end that the field may not have (core._prepare):
        # compared once, without it where the field has none there.
        size = length - 1 if text[-1:] == "\n" and decoded[length - 1 : length] != "\n" else length
        if size < length and not decoded.startswith(text[:-1]):
            size = -1
        # After the text comes the field's closing quote, then a comma, a line end or nothing;
        # a quote before that may be half of a doubled quote ('""' for '"'), which the
        # comparison cannot tell from a quote and the closing one: the general path reads it.
        if (
            (size == length - 1 or (size == length and decoded.startswith(text)))
            and decoded[size : size + 1] == '"'
            and decoded[size + 1 : size + 2] in ("", ",", "\n", "\r")
            and decoded[size - 1 : size] != '"'
        ):
            # Codes past the text's end change no offset in it; raw_end counts those before.
            codes = list(itertools.accumulate(map(len, parts[:-1])))
            return ShiftMap(start, codes, length)
    drops = _dropped(raw, start, limit)
    if drops is None:
        return None
    # The k-th code's text offset: its input offset less the field start and the k before it.
    codes = [drop - start - k for k, drop in enumerate(drops)]
    kept = bisect.bisect_left(codes, length)
    del drops[kept:], codes[kept:]
    end = start + length + kept
    decoded = "".join([raw[a:b] for a, b in zip([start, *[drop + 1 for drop in drops]], [*drops, end])])
    # The parser's text ends with a line end that the field may not have (core._prepare).
    if decoded != text and not (text.endswith("\n") and decoded.startswith(text[:-1])):
        return None
    return ShiftMap(start, codes, length)


def field_map(raw: str, text: str, field: str, pieces: list[str] | str, start: int) -> ShiftMap | None:
    """A :class:`ShiftMap` of ``text`` (what the grammar read of a cables.csv ``field``) onto
    ``raw`` from ``start`` on, from the pieces between the field's backslash escapes that the
    row reader kept (:attr:`~cableparse.envelope.Envelope.escape_pieces`): no pass over the row.
    ``None`` where the text is not the field as :func:`~cableparse.core._prepare` leaves it or
    the row does not hold it where its first line is."""
    # _prepare drops blank lines before the text and ends it with a line end.
    added = 0 if field.endswith("\n") else 1
    dropped = len(field) + added - len(text)
    if dropped < 0 or not (text.startswith(field) if dropped == 0 else text.startswith(field[dropped:])):
        return None
    probe = text[:24].split("\n", 1)[0]
    found = raw.find(probe, start) if probe else -1
    if found < 0:
        return None  # its first line holds an escape: the general alignment
    base = found - dropped  # where the field starts: after its opening quote
    if raw[base - 1 : base] != '"' if base > 0 else True:
        return None
    if isinstance(pieces, str):
        return ShiftMap(found, [], len(text)) if raw.startswith(text[: len(text) - added], found) else None
    codes = list(itertools.accumulate(map(len, pieces[:-1])))
    # The k-th escape's backslash is at the field's start, plus its character's offset, plus k:
    # the first and the last checked where the row has them, with the text before the first
    # and after the last (the field's other pieces are the reader's own split of it).
    first, last = base + codes[0], base + codes[-1] + len(codes) - 1
    if (
        codes[0] < dropped
        or raw[first : first + 1] != "\\"
        or raw[last : last + 1] != "\\"
        or not raw.startswith(pieces[0], base)
        or not raw.startswith(pieces[-1], last + 1)
    ):
        return None
    if dropped:
        codes = [code - dropped for code in codes]
    return ShiftMap(found, codes, len(text))


def align(raw: str, text: str, start: int = 0, container: str = "text", *, line: int | None = None) -> ComposedMap | ShiftMap:
    """Map ``text`` (what a grammar read) onto ``raw`` (the input), from ``raw[start:]`` on.

    Two steps: the input from where the text starts is decoded as its container writes text
    (HTML tags and entities, csv escapes, CR), keeping where each piece came from; ``text`` is
    then aligned with that decoded text (:func:`align_text`), which differs only where the
    parser changed it (white space, front matter split into lines, page markers cut out of
    lines). The text starts at its first line as written, looked for from ``start``; where
    the input writes that line otherwise (an entity in it), at ``line`` (1-based), if given.
    """
    head = text[:256].lstrip() or text.lstrip()  # not a copy of the whole text
    probe = head[:24].split("\n", 1)[0].rstrip()
    # Where to look from: a Cablegate page's text is inside its <pre> (its navigation above
    # holds words such as CONFIDENTIAL); elsewhere from the part's line, when given.
    pre = (_first_pre(raw, probe) if start == 0 else raw.find("<pre", start)) if container == "html" else -1
    if pre >= 0:
        start = pre
    elif line is not None and start == 0:
        # (After a header, the body is looked for from where the header ended.)
        start = max(start, line_offset(raw, line))
    found = raw.find(probe, start) if probe else -1
    if found >= 0:
        start = found
        if probe and text.startswith(probe) and raw.startswith(text, found):
            # The input holds the text as it is (a cables.csv header, a text file): one run.
            return ShiftMap(found, [], len(text))
    # A window, not the rest of a whole dump or page: the input of a part is at most a few
    # times the length of its text (an HTML page writes eight characters for every line end).
    end = min(len(raw), start + (3 if container == "html" else 2) * len(text) + 256)
    if found >= 0 and container in ("csv", "page") and text.startswith(probe):
        # A cables.csv field as the text (the usual case): its escapes map by counting.
        shifted = _shift_map(raw, text, start)
        if shifted is not None:
            return shifted
    if container == "html":
        close = raw.find("</pre>", start, end)
        end = close if close >= 0 else end
    decoded, out_at, raw_at = _decode(raw, start, end, container)
    return ComposedMap.of_pieces(align_text(decoded, text), out_at, raw_at)


def align_text(raw: str, text: str, start: int = 0) -> TextMap:
    """Map ``text`` onto the plain text ``raw`` from ``raw[start:]`` on.

    Equal stretches are found by C-speed prefix comparisons; between them the walk lets white
    space differ and, after anything else (a page marker cut out of a line), finds the text
    again a little further on.
    """
    runs: list[_Run] = []
    i, j = 0, start
    n, m = len(text), len(raw)
    # Start where the text's first line is: a flat HTML <pre> holds the header lines before
    # the body on the same physical line (06BERN1971).
    first_line = text[: text.find("\n")].strip()[:40] if "\n" in text else text.strip()[:40]
    if first_line:
        found = raw.find(first_line, start)
        if found >= 0:
            j = found
            i = text.find(first_line)
    while i < n and j < m:
        c, r = text[i], raw[j]
        if c == r:
            k = _common_prefix(text, i, raw, j)
            runs.append((i, i + k, j, j + k))
            i, j = i + k, j + k
        elif c.isspace() and r.isspace():
            runs.append((i, i + 1, j, j + 1))
            i, j = i + 1, j + 1
        elif r.isspace():
            j += 1
        elif c.isspace():
            i += 1  # a line break the parser put in (front matter run onto one line)
        else:
            i, j = _resync(runs, text, i, raw, j)
    return TextMap(raw, runs)


def _resync(runs: list[_Run], text: str, i: int, raw: str, j: int) -> tuple[int, int]:
    """Where to go on after ``text[i]`` and ``raw[j]`` differ (not in white space): the next
    word of the text, found a little further on in the input."""
    if runs and runs[-1][1] == i and not text[i - 1].isspace():
        # The word began to match by chance: 09BRASILIA1216's "B" of a page marker
        # "BRASILIA 00001216 004 OF 004" taken for the "B" of "Brazil" after it. Look for the
        # whole word again, past that start.
        back = runs.pop()
        word = i
        while word > back[0] and not text[word - 1].isspace():
            word -= 1
        if word > back[0] and _linear(back):
            runs.append((back[0], word, back[2], back[2] + word - back[0]))
            j = back[2] + word - back[0] + 1
        else:
            j = back[2] + 1
        i = word
    word_end = i + 1
    while word_end < len(text) and word_end - i < 12 and not text[word_end].isspace():
        word_end += 1
    found = raw.find(text[i:word_end], j, j + _RESYNC_WINDOW)
    if found > j:
        return i, found
    return i + 1, j  # a character the input does not have here: left unmapped


def _first_pre(raw: str, probe: str) -> int:
    """Where the ``<pre>`` that holds ``probe`` (a part's first line) starts in a Cablegate page:
    the cable's two are the page's last, after some 60 KB of navigation, so they are looked for
    from the end (a search for "<pre" from the start cost 30 us a page); the first ``<pre>``
    from the start where the text is not right after either."""
    last = raw.rfind("<pre")
    for candidate in (raw.rfind("<pre", 0, last) if last > 0 else -1, last):
        if candidate >= 0 and probe and raw.find(probe, candidate, candidate + len(probe) + 1024) >= 0:
            return candidate
    return raw.find("<pre")


def line_offset(raw: str, line: int) -> int:
    """Offset of the first character of 1-based ``line`` in ``raw`` (its end when too short)."""
    if line <= 1:
        return 0
    rest = raw.split("\n", line - 1)  # in C: twice as fast as a loop of find()
    return len(raw) - len(rest[-1]) if len(rest) == line else len(raw)


# --- step 2: values inside their blocks -------------------------------------------------------

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s*")
_NOT_SPACE = re.compile(r"\S")


class Finder:
    """Finds field values in the text a grammar read, inside ranges its tokens gave."""

    def __init__(self, text: str, cuts: Sequence[Range] = ()) -> None:
        self.text = text
        self.cuts = sorted(cuts) if cuts else []
        self._cut_starts = [cut[0] for cut in self.cuts] if cuts else []
        self._upper: str | None = None

    _spaces_in: Callable[[str, int, int], int]
    """How white space is counted in this text (see :meth:`__getattr__`)."""

    def __getattr__(self, name: str) -> Any:
        # Worked out on first use, which few texts need: most hold no tab or form feed (CR is
        # gone), so two counts instead of five. (Called only for a missing attribute; a
        # functools.cached_property takes a lock.)
        if name != "_spaces_in":
            raise AttributeError(name)
        text = self.text
        self._spaces_in = _spaces_in if ("\t" in text or "\f" in text or "\r" in text) else _line_spaces_in
        return self._spaces_in

    def pieces(self, start: int, end: int) -> list[Range]:
        """``[start, end)`` without the page-marker lines inside it, each piece trimmed."""
        if not self.cuts:
            trimmed = self.trim(start, end)
            return [trimmed] if trimmed else []
        pieces: list[Range] = []
        index = max(0, bisect.bisect_right(self._cut_starts, start) - 1)
        low = start
        for cut_start, cut_end in itertools.islice(self.cuts, index, None):
            if cut_start >= end:
                break
            if cut_end <= low:
                continue
            pieces.append((low, max(low, cut_start)))
            low = max(low, cut_end)
        pieces.append((low, max(low, end)))
        return [trimmed for piece in pieces if (trimmed := self.trim(*piece))]

    def trim(self, start: int, end: int) -> Range | None:
        """``[start, end)`` without the white space at either end (``None`` if nothing is
        left): ``str.strip`` on a copy, in C (a stretch is at most a few paragraphs long)."""
        text = self.text
        if start < end and not text[start].isspace() and not text[end - 1].isspace():
            return (start, end)  # tight already (a line of front matter ends at its newline: no)
        stretch = text[start:end]
        left = stretch.lstrip()
        if not left:
            return None
        start += len(stretch) - len(left)
        return (start, start + len(left.rstrip()))

    def text_of(self, pieces: Sequence[Range]) -> str:
        """The text of ``pieces``, joined by a space."""
        return " ".join(self.text[a:b] for a, b in pieces)

    def find(self, value: str, start: int, limit: int) -> list[Range] | None:
        """Where ``value`` is written in ``[start, limit)``, white space aside.

        The value's first word is found, then its last word (white space only grows, so
        never nearer than the value's own characters allow), and the stretch between is
        checked to hold as many characters other than white space as the value: values are
        the text with white space changed, so equal counts mean the same characters (the span
        law, tested on every corpus cable, holds this to the full comparison). Counting runs
        in C; comparing word lists cost a third of the spans' time.
        """
        text = self.text
        if not self.cuts and value and not value[0].isspace() and not value[-1].isspace():
            # Written as it is (a one-line subject, a DTG, a sender): one search.
            at = text.find(value, start, limit)
            if at >= 0 and not _inside_word(text, at, at + len(value)):
                return [(at, at + len(value))]
        head = value.split(None, 1)
        if not head:
            return None
        first, last = head[0], value.rsplit(None, 1)[-1]
        first_at = at = text.find(first, start, limit)
        while at >= 0 and _inside_word(text, at, at + len(first)):
            first_at = at = text.find(first, at + 1, limit)  # a word, not a piece of one
        # (A value of one line was looked for as it is above.)
        if at >= 0 and not self.cuts and "\n" in value and (written_end := self.written_end(at, value, limit)) >= 0:
            return [(at, written_end)]  # written as it is (a paragraph of a block of several)
        if at >= 0 and len(head) > 1 and limit - at < 2 * len(value) + 64:
            # The value runs to the end of its region (a subject, a DTG, a sender): one check
            # of the whole stretch, squeezed in C.
            whole = self.pieces(at, limit)
            if whole and _squeezed(self.text_of(whole) if len(whole) > 1 else text[whole[0][0] : whole[0][1]]) == _squeezed(value):
                return whole
        solid = _solid_length(value)
        for _ in range(4):
            if at < 0:
                break
            if len(head) == 1:
                return self.pieces(at, at + len(first))
            end = self.solid_end(at, solid, limit, len(value))
            if end > at and text.startswith(last, end - len(last)):
                pieces = self.pieces(at, end)
                # As many characters, the same first and last word: and the same characters?
                # (09MOSCOW2688: a page marker inside the stretch, a sentence ending in the
                # same word left out at its end.)
                if _same_text(self.text_of(pieces), value):
                    return pieces
            at = text.find(first, at + 1, limit)
        # Word by word, once, from the first fit: the value leaves out something inside its
        # stretch (a lone classification line of an old page break).
        return self._walk(value.split(), first_at, limit) if first_at >= 0 else None

    def written_end(self, at: int, value: str, limit: int) -> int:
        """Where ``value`` ends when the text from ``at`` writes it as it is but for blanks
        at the ends of lines (which the cables have and clean_text drops), -1 otherwise:
        its last line found, then the stretch compared, in C."""
        text = self.text
        if text.startswith(value, at):
            return at + len(value)
        tail = value[value.rfind("\n") + 1 :]
        if not tail:
            return -1
        position = text.find(tail, at + len(value) - len(tail), limit)
        if position < 0:
            return -1
        end = position + len(tail)
        return end if text[at:end].replace(" \n", "\n") == value else -1

    def signed_end(self, at: int, value: str, limit: int) -> int:
        """Where ``value``, the text from ``at`` with a signature cut off its end, ends
        before ``limit``; -1 when the stretch is not the value."""
        end = self.written_end(at, value, limit)
        if end >= 0:
            return end  # written as it is kept, trailing blanks aside
        words = value[-64:].rsplit(None, 1)  # (a suffix of the last word will do)
        last = words[-1] if words else ""
        end = self.end_at_word(at, _solid_length(value), limit, last) if last else -1
        return end if end > at and self.text.startswith(last, end - len(last)) else -1

    def end_at_word(self, at: int, solid: int, limit: int, last: str) -> int:
        """:meth:`solid_end` of a stretch known to end in the word ``last``, with no page
        marker in ``[at, limit)``: the first place after ``last`` where the count comes right
        (the stretch is at least ``solid`` long, so it is looked for from there). One count
        where the steps took three or four."""
        text, spaces_in = self.text, self._spaces_in
        position = text.find(last, at + solid - len(last), limit)
        for _ in range(4):
            if position < 0:
                break
            end = position + len(last)
            have = end - at - spaces_in(text, at, end)
            if have == solid:
                return end
            if have > solid:
                break
            position = text.find(last, position + 1, limit)
        return self.solid_end(at, solid, limit)

    def solid_end(self, at: int, solid: int, limit: int, guess: int = 0) -> int:
        """Where the stretch from ``at`` that holds ``solid`` characters other than white
        space (page-marker lines not counted) ends; -1 when ``limit`` comes first. Each step
        reads as many characters as are still wanted, so it ends in a few counts in C.

        With ``guess``, a likely length of the stretch (the value's own, its white space
        collapsed), the first count is of that much, and the steps go back when it holds too
        many: one or two counts where a long paragraph took six."""
        text, cuts = self.text, self.cuts
        cut = bisect.bisect_right(self._cut_starts, at)
        end, have = at, 0
        if guess > 0 and (cut >= len(cuts) or cuts[cut][0] >= at + guess):
            end = min(limit, at + guess)
            have = end - at - self._spaces_in(text, at, end)
            if have >= solid:
                while have > solid:
                    back = end - (have - solid)
                    have -= end - back - self._spaces_in(text, back, end)
                    end = back
                while end > at and text[end - 1] in _SOLID_SPACES:
                    end -= 1
                return end
        while have < solid:
            step = min(limit, end + solid - have)
            if step <= end:
                return -1
            if cut < len(cuts) and cuts[cut][0] < step:
                step = cuts[cut][0]
                have += step - end - self._spaces_in(text, end, step)
                end = cuts[cut][1]
                cut += 1
                continue
            have += step - end - self._spaces_in(text, end, step)
            end = step
        return end

    def blocks_value(self, value: str, blocks: Sequence[Block], cursor: int) -> list[Range] | None:
        """``value`` as the text of ``blocks`` (a paragraph's number and portion mark off the
        first, a signature off the end): the blocks' own ranges, cut where they hold the
        value's characters. A paragraph is made of whole blocks (``_Draft.whole``), so that is
        the value by construction; its first and last word are checked all the same."""
        wanted = _solid_length(value)
        pieces: list[Range] = []
        have = 0
        for index, block in enumerate(blocks):
            start = block.start + (paragraph_prefix_length(block.text) if index == 0 and block.kind == "paragraph" else 0)
            for low, high in self.pieces(max(start, cursor), block.end):
                solid = high - low - self._spaces_in(self.text, low, high)
                if have + solid >= wanted:
                    end = self.solid_end(low, wanted - have, high)
                    pieces.extend(self.pieces(low, end) if end > low else ())
                    have = wanted
                    break
                pieces.append((low, high))
                have += solid
            if have >= wanted:
                break
        if have != wanted or not pieces:
            return None
        text, head = self.text, value.split(None, 1)
        last = value.rsplit(None, 1)[-1]
        first_ok = text.startswith(head[0], pieces[0][0])
        return pieces if first_ok and text.startswith(last, pieces[-1][1] - len(last)) else None

    def value_in(self, value: str, ranges: Sequence[Range]) -> list[Range] | None:
        """``value`` as a stretch of the text of ``ranges`` (in order), from its first word on,
        ending where it holds the value's characters; checked character for character.

        The value's first word is often written before it (a summary's "The" in the lines
        above its label): places where the next words differ from the value's are tried only
        after the others (their words may be cut by a page marker)."""
        lead = value[:64].split()[:4]
        if not lead:
            return None
        text, first = self.text, lead[0]
        last = value[-64:].rsplit(None, 1)[-1]  # (a suffix of the last word will do)
        squeezed = _squeezed(value)
        # Its first words as one line writes them (the usual case): one search.
        phrase = " ".join(lead)
        for low, high in ranges:
            at = text.find(phrase, low, high)
            if at >= 0:
                end = self._squeezed_end(at, high, len(value), last, squeezed)
                if end >= 0:
                    return [(at, end)]  # from a word to a word: tight
                break
        later: list[tuple[int, int]] = []
        tries = 0
        for index, (low, high) in enumerate(ranges):
            at = text.find(first, low, high)
            while at >= 0 and tries < 8:
                tries += 1
                if text[at : at + 96].split()[: len(lead)] != lead:
                    later.append((index, at))
                else:
                    end = self._squeezed_end(at, high, len(value), last, squeezed)
                    if end >= 0:
                        return [(at, end)]  # from a word to a word: tight
                    later.append((index, at))
                at = text.find(first, at + 1, high)
        for index, at in later:
            pieces = self._stretch_in(ranges, index, at, last, squeezed)
            if pieces is not None:
                return pieces
        return None

    def _squeezed_end(self, at: int, limit: int, length: int, last: str, squeezed: bytes) -> int:
        """Where a value of ``length`` characters that squeezes to ``squeezed`` ends, when it is
        written from ``at`` on before ``limit``; -1 when it is not. It ends with its last word
        (``last``, or a suffix of it), no sooner than its own length allows (white space only
        grows); the stretch is then compared squeezed, in C."""
        text = self.text
        end = text.find(last, at + length - len(last), limit)
        for _ in range(4):
            if end < 0:
                return -1
            stretch = _squeezed(text[at : end + len(last)])
            if stretch == squeezed:
                return end + len(last)
            if len(stretch) > len(squeezed):
                return -1
            end = text.find(last, end + 1, limit)
        return -1

    def _stretch_in(self, ranges: Sequence[Range], index: int, at: int, last: str, squeezed: bytes) -> list[Range] | None:
        """The stretch of ``ranges`` from ``at`` (in ``ranges[index]``) that squeezes to
        ``squeezed`` and ends in the word ``last``: whole ranges while the value goes on past
        them, each compared squeezed, then the last one up to the value's last word."""
        text = self.text
        pieces: list[Range] = []
        done = 0
        for start, end in [(at, ranges[index][1]), *ranges[index + 1 :]]:
            part = _squeezed(text[start:end])
            rest = squeezed[done:]
            if len(part) < len(rest):
                if not rest.startswith(part):
                    return None
                pieces.append((start, end))  # a paragraph's range: tight
                done += len(part)
                continue
            if not part.startswith(rest):
                return None
            # No sooner than the characters of the rest allow (UTF-8 writes one in at most 4).
            soonest = start + (len(rest) if rest.isascii() else len(rest) // 4) - len(last)
            position = text.find(last, max(start, soonest), end)
            for _ in range(8):
                if position < 0:
                    return None
                stretch = _squeezed(text[start : position + len(last)])
                if stretch == rest:
                    pieces.append((start, position + len(last)))
                    return pieces
                if len(stretch) > len(rest):
                    return None
                position = text.find(last, position + 1, end)
            return None
        return None

    def _walk(self, words: Sequence[str], at: int, limit: int) -> list[Range] | None:
        """``words`` one by one from ``at``, across white space and page-marker lines."""
        text = self.text
        position = at
        for word in words:
            position = _skip_spaces(text, position)
            index = bisect.bisect_right(self._cut_starts, position) - 1
            if index >= 0 and self.cuts[index][0] <= position < self.cuts[index][1]:
                position = _skip_spaces(text, self.cuts[index][1])
            if position >= limit or not text.startswith(word, position):
                return None
            position += len(word)
        return self.pieces(at, position)

    def find_words(self, words: Sequence[str], start: int, limit: int) -> list[Range] | None:
        """Where the letter-and-digit words ``words`` are written in ``[start, limit)`` in this
        order, with nothing but punctuation and white space between them (codes, cable ids,
        addressees: ``(RICE, CONDOLEEZZA)`` for the person tag ``RICE CONDOLEEZZA``), in any
        case."""
        if not words:
            return None
        # Written as the words with one blank between (a REF entry, a signer, a code): one
        # search, no capitals made.
        written = " ".join(words) if len(words) > 1 else words[0]
        text = self.text
        at = text.find(written, start, limit)
        if at >= 0 and (at == start or not text[at - 1].isalnum() or (len(words) == 1 and text[at - 1].isalpha())):
            return [(at, at + len(written))]
        upper, base = self.upper_region(start, limit)
        # Offsets in ``upper`` are those of the text less ``base``.
        start, limit = start - base, limit - base
        if len(words) == 1:
            word = words[0].upper()
            at = upper.find(word, start, limit)
            # A lone code may be run into the letters of the one before it (PRELPGOV), not
            # into a digit.
            while at > start and upper[at - 1].isalnum() and not upper[at - 1].isalpha():
                at = upper.find(word, at + 1, limit)
            return [(at + base, at + base + len(word))] if at >= 0 else None
        wanted = [word.upper() for word in words]
        first, last = wanted[0], wanted[-1]
        before_last = sum(map(len, wanted[:-1]))
        at = upper.find(first, start, limit)
        for _ in range(8):
            if at < 0:
                return None
            # A word starts after a non-word character.
            if at > start and upper[at - 1].isalnum():
                at = upper.find(first, at + 1, limit)
                continue
            # The last word as a word of its own: "GE" of RHMFISS/HQ USEUCOM VAIHINGEN GE,
            # not the "GE" inside VAIHINGEN.
            end = upper.find(last, at + before_last, limit)
            while end >= 0 and upper[end - 1].isalnum():
                end = upper.find(last, end + 1, limit)
            if end >= 0:
                if not self.cuts:
                    # The stretch from the first word to the last is tight: no trimming.
                    if _WORD.findall(upper, at, end + len(last)) == wanted:
                        return [(at + base, end + len(last) + base)]
                else:
                    pieces = self.pieces(at + base, end + len(last) + base)
                    if _WORD.findall(" ".join(upper[a - base : b - base] for a, b in pieces)) == wanted:
                        return pieces
            at = upper.find(first, at + 1, limit)
        return None

    def upper(self) -> str:
        """The text in capitals, made once (codes and addressees are matched in any case)."""
        if self._upper is None:
            self._upper = self.text.upper()
        return self._upper

    def upper_region(self, start: int, limit: int) -> tuple[str, int]:
        """``[start, limit)`` of :meth:`upper` and the offset it starts at (a TAGS line or a
        signature needs no capitals of a whole body); the whole, from 0, for a long region."""
        if self._upper is not None or 2 * (limit - start) > len(self.text):
            return self.upper(), 0
        region = self.text[start:limit].upper()
        if len(region) != limit - start:
            return self.upper(), 0  # a character that capitals write as two ("ß")
        return region, start


def _inside_word(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (a word) is a piece of a longer word there: the "SUBJ" of
    the label "SUBJECT:"."""
    return (start > 0 and text[start - 1].isalnum() and text[start].isalnum()) or (
        end < len(text) and text[end].isalnum() and text[end - 1].isalnum()
    )


def _skip_spaces(text: str, position: int) -> int:
    spaces = _SPACES.match(text, position)
    return spaces.end() if spaces is not None else position


def _line_spaces_in(text: str, start: int, end: int) -> int:
    """:func:`_spaces_in` of a text without tabs, CR or form feeds."""
    return text.count(" ", start, end) + text.count("\n", start, end)


def _spaces_in(text: str, start: int, end: int) -> int:
    """How many white-space characters ``text[start:end]`` holds (counted in C, no copy)."""
    return (
        text.count(" ", start, end) + text.count("\n", start, end) + text.count("\t", start, end)
        + text.count("\r", start, end) + text.count("\f", start, end)
    )


_SPACE_BYTES = b" \n\t\r\f"
"""The white space that squeezing deletes: what :func:`_solid_length` does not count, so that
a squeezed stretch's length is its count of solid characters (for ASCII)."""
_SOLID_SPACES = " \n\t\r\f"
"""The white space that :func:`_solid_length` does not count."""


def _squeezed(text: str) -> bytes:
    """``text`` without white space, as UTF-8: ``bytes.translate`` deletes in C at five times
    the speed of ``str.translate``, and no UTF-8 sequence of another character holds an ASCII
    byte, so two texts squeeze equal exactly when they are equal but for white space."""
    return text.encode("utf-8", "surrogatepass").translate(None, _SPACE_BYTES)


def _same_text(text: str, value: str) -> bool:
    """Are ``text`` and ``value`` the same but for white space?"""
    return _squeezed(text) == _squeezed(value)


def _solid_length(text: str) -> int:
    """How many characters of ``text`` are not white space (the white space of cables: blanks,
    tabs, line ends, form feeds)."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _SPACE_BYTES))
    return len(text) - text.count(" ") - text.count("\n") - text.count("\t") - text.count("\r") - text.count("\f")


def words_of(*values: str | None) -> list[str]:
    """The letter-and-digit words of ``values`` in order (see :meth:`Finder.find_words`)."""
    found: list[str] = []
    for value in values:
        if value:
            found.extend(_WORD.findall(value))
    return found


def recipient_words(recipient: Recipient) -> list[str]:
    """An addressee's words in the order an entry line writes them (spec 1.10)."""
    values = (recipient.routing_indicator, recipient.address, recipient.office, recipient.precedence, recipient.serial)
    return _WORD.findall(" ".join([value for value in values if value]))  # one pass


# --- the span law -----------------------------------------------------------------------------

_WORDY_PATHS = ("body.tags[", "body.refs[", "body.signers[", "header.to[", "header.info[", "header.exempted[")


_LINE_END_BACKSLASH = re.compile(r"\\(?=\s|$)")


def source_text(source: str | bytes) -> str:
    """The text that span offsets count in: a ``str`` as given; ``bytes`` gunzipped and decoded
    as the containers decode them (UTF-8, Windows-1252 for 8-bit files, UTF-16 with a BOM;
    a UTF-8 BOM dropped)."""
    if isinstance(source, str):
        return source
    if not _DECODERS:
        # Imported on first use (containers import this module's neighbours); a function-level
        # import on every call cost a microsecond.
        from .containers import gunzip_bounded
        from .containers._common import decode

        _DECODERS.append((gunzip_bounded, decode))
    unzip, decoded = _DECODERS[0]
    return decoded(unzip(source if type(source) is bytes else bytes(source)))[0]


_DECODERS: list[tuple[Callable[[bytes], bytes], Callable[[bytes], tuple[str, Any]]]] = []


def span_text(source: str, ranges: Iterable[Range], container: str = "text") -> str:
    """The text of ``ranges`` of ``source`` as the cable has it, pieces joined by a space: read
    as the container writes text (a cables.csv row's ``\\'``, ``\\"`` and ``""``; an HTML page's
    tags, entities and paragraph anchors), the way the alignment reads it."""
    return " ".join(_decode(source, start, end, container)[0] for start, end in ranges)


def written(cable: Cable, path: str) -> str | None:
    """The value of field ``path`` of ``cable`` as the input writes it, ``None`` when the cable
    has no such field. Structured fields (``body.banner``, ``body.executive_order``,
    ``header.dtg``) give the text their parser read back: the DTG as written, the
    classification line's marking, the E.O. order."""
    body, header = cable.body, cable.header
    name, _, index_text = path.partition("[")
    index = int(index_text.rstrip("]")) if index_text else 0
    try:
        if name == "body.subject" and body:
            return body.subject
        if name == "body.tags" and body:
            return body.tags[index].code
        if name == "body.refs" and body:
            return body.refs[index].text
        if name == "body.paragraphs" and body:
            return body.paragraphs[index].text
        if name == "body.summary" and body:
            return body.summary
        if name == "body.signers" and body:
            return body.signers[index]
        if name == "body.classified_by" and body and body.classified_by:
            return body.classified_by.text
        if name == "body.banner" and body and body.banner:
            return body.banner.marking
        if name == "body.executive_order" and body and body.executive_order:
            return body.executive_order.order or body.executive_order.declassify
        if name == "header.dtg" and header:
            return header.dtg_text
        if name == "header.sender" and header:
            return header.sender
        if name in ("header.to", "header.info", "header.exempted") and header:
            recipient = getattr(header, name.split(".")[1])[index]
            return " ".join(recipient_words(recipient))
    except IndexError:
        return None
    return None


def check(cable: Cable, source: str) -> Iterator[tuple[str, str, str | None]]:
    """The span law: yields ``(path, span text, value)`` for every span of ``cable`` (parsed
    from ``source`` with ``spans=True``) whose text is not its value as written."""
    for path, ranges in (cable.spans or {}).items():
        text = span_text(source, ranges, cable.container)
        value = written(cable, path)
        if value is None:
            yield path, text, value
        elif path.startswith(_WORDY_PATHS):
            if _WORD.findall(text.upper()) != _WORD.findall(value.upper()):
                yield path, text, value
        elif path in ("body.banner", "body.executive_order", "header.dtg"):
            # Read back, not copied: "1 20753Z DEC 95" is the DTG 120753Z DEC 95
            # (95ULAANBAATAR1795), "C O N F I D E N T I A L" the marking CONFIDENTIAL.
            if "".join(value.split()) not in "".join(text.split()):
                yield path, text, value
        elif _LINE_END_BACKSLASH.sub("", text).split() != _LINE_END_BACKSLASH.sub("", value).split():
            # A backslash ending a line is the dump's line continuation: some pages keep it
            # in the text (09ANKARA71), some drop it (06BERN1971).
            yield path, text, value


class SpanMap(Mapping[str, tuple[Range, ...]]):
    """``Cable.spans``: a read-only mapping from field path to ranges that pickles and copies
    (a ``MappingProxyType`` does neither, and cables cross process boundaries)."""

    __slots__ = ("_spans",)

    def __init__(self, spans: Mapping[str, tuple[Range, ...]]) -> None:
        self._spans = spans if type(spans) is dict else dict(spans)

    def __getitem__(self, path: str) -> tuple[Range, ...]:
        return self._spans[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)

    def __repr__(self) -> str:
        return f"SpanMap({self._spans!r})"

    def __reduce__(self) -> tuple[type[SpanMap], tuple[dict[str, tuple[Range, ...]]]]:
        return SpanMap, (self._spans,)


# --- step 1 and 2 together: the fields of a body and a header ----------------------------------




def _region(blocks: Sequence[Block]) -> Range:
    return blocks[0].start, max(block.end for block in blocks)


def body_ranges(
    finder: Finder, body: Body, builder: BodyBuilder, direct: tuple[dict[str, tuple[Range, ...]], ShiftMap] | None = None
) -> dict[str, list[Range]]:
    """The ranges, in the text the body grammar read, of the body's fields, from the blocks
    the :class:`~cableparse.assemble.BodyBuilder` read each of them from.

    With ``direct`` (the spans being filled and a :class:`ShiftMap` of the text), the usual
    paragraphs and codes, one range each, go straight into the spans, mapped: a second pass
    over them cost as much as finding them. The rest is returned, to be mapped."""
    sources = builder.sources
    found = _front_matter_ranges(finder, body, sources)
    _list_ranges(finder, found, "body.tags", [tag.code for tag in body.tags], sources.get("tags"), direct)
    _list_ranges(finder, found, "body.refs", [ref.text for ref in body.refs], sources.get("refs"))
    _text_ranges(finder, found, body, builder, direct)
    return found


def _front_matter_ranges(finder: Finder, body: Body, sources: Mapping[str, Sequence[Block]]) -> dict[str, list[Range]]:
    """The classification line, E.O. line, subject and Classified By."""
    found: dict[str, list[Range]] = {}
    text = finder.text
    banner = sources.get("banner")
    if banner and body.banner is not None:
        block = banner[0]
        line_end = text.find("\n", block.start, block.end)
        found["body.banner"] = finder.pieces(block.start, line_end if line_end >= 0 else block.end)
    eo = sources.get("eo")
    if eo and body.executive_order is not None:
        _, _, _, eo_text, _, start, _, cuts = eo[0]
        end = start + len(eo_text.rstrip())  # its block, closing white space off
        if len(eo) == 1 and not cuts and end > start and not text[start].isspace():
            found["body.executive_order"] = [(start, end)]
        else:
            found["body.executive_order"] = finder.pieces(*_region(eo))
    for path, value, key in (
        ("body.subject", body.subject, "subject"),
        ("body.classified_by", body.classified_by.text if body.classified_by else None, "classified_by"),
    ):
        blocks = sources.get(key)
        if not blocks or not value:
            continue
        start, limit = (blocks[0].start, blocks[0].end) if len(blocks) == 1 else _region(blocks)
        if pieces := finder.find(value, start, limit):  # (not the "SUBJ" of "SUBJECT:")
            found[path] = pieces
    return found


def _list_ranges(
    finder: Finder,
    found: dict[str, list[Range]],
    name: str,
    values: Sequence[str],
    blocks: Sequence[Block] | None,
    direct: tuple[dict[str, tuple[Range, ...]], ShiftMap] | None = None,
) -> None:
    """Entries of a TAGS or REF block (their codes, their texts), each looked for after the one
    before: as words, in any case (see :meth:`Finder.find_words`)."""
    if not blocks:
        return
    cursor, limit = _region(blocks)
    paths = _paths(name, len(values))
    text = finder.text
    spans, base, codes = (direct[0], direct[1].base, direct[1].codes) if direct is not None else ({}, 0, [])
    # No escape inside the block (a TAGS line has none): one shift for all its codes.
    shift = base + bisect.bisect_left(codes, cursor)
    if shift != base + bisect.bisect_left(codes, limit):
        direct = None  # an escape among them: mapped with the rest
    for index, value in enumerate(values):
        if value.isalnum():
            # One word (most tags), as the TAGS line writes it: find_words inlined, for its
            # call costs as much as its work. A lone code may be run into the letters of the
            # one before it (PRELPGOV), not into a digit.
            at = text.find(value, cursor, limit)
            if at >= 0 and not (at > cursor and text[at - 1].isalnum() and not text[at - 1].isalpha()):
                cursor = at + len(value)
                if direct is not None:
                    spans[paths[index]] = ((shift + at, shift + cursor),)
                else:
                    found[paths[index]] = [(at, cursor)]
                continue
        # A REF entry as the block writes it (the usual case): one search; else as words.
        # (Ending in a letter or digit: a span of an entry is its words, not its full stop.)
        at = text.find(value, cursor, limit) if value and value[0].isalnum() and value[-1].isalnum() else -1
        if at >= 0 and not _inside_word(text, at, at + len(value)):
            pieces: list[Range] | None = [(at, at + len(value))]
        else:
            pieces = finder.find_words(words_of(value), cursor, limit)
        if pieces:
            found[paths[index]] = pieces
            cursor = pieces[-1][1]


_SUMMARY_PARAGRAPHS = 8  # as far as assemble.find_summary looks


def _one_stretch(blocks: Sequence[Block]) -> bool:
    """Whether ``blocks`` follow one another with nothing between them and no page marker
    inside them."""
    if len(blocks) == 1:
        return not blocks[0].cuts
    return all(not block.cuts for block in blocks) and all(a.end == b.start for a, b in itertools.pairwise(blocks))


def _prefix_length(block_text: str, value: str) -> int:
    """How long a numbered paragraph's number and portion mark are in its block: where the
    value's first characters are, near the start (a find in C, where the prefix regex cost
    three times as much), else as :func:`~cableparse.transform.paragraph_prefix_length`."""
    head = value[:12]
    at = block_text.find(head, 0, 48) if head and "\n" not in head else -1
    return at if at >= 0 else paragraph_prefix_length(block_text)


def _paths(name: str, count: int) -> list[str]:
    """``name[0]`` ... ``name[count - 1]``: field paths, made once per process."""
    made = _PATHS.setdefault(name, [])
    while len(made) < count:
        made.append(f"{name}[{len(made)}]")
    return made


_PATHS: dict[str, list[str]] = {}


def _text_ranges(
    finder: Finder,
    found: dict[str, list[Range]],
    body: Body,
    builder: BodyBuilder,
    direct: tuple[dict[str, tuple[Range, ...]], ShiftMap] | None = None,
) -> None:
    """Paragraphs (each after the one before), the summary inside them, the signers after."""
    paragraphs = body.paragraphs
    paths = _paths("body.paragraphs", len(paragraphs))
    text = finder.text
    cursor = index = 0
    drafts, drafted = builder.drafts, builder.drafted_paragraphs
    spans, base, codes = (direct[0], direct[1].base, direct[1].codes) if direct is not None else ({}, 0, [])
    left = bisect.bisect_left
    first: list[Range] = []
    """The ranges of the first paragraphs, where the summary is looked for."""
    # The paragraphs that are their drafts, one for one from the first (all but a signed last
    # one, which is its draft cut short, in most cables); the usual shape inlined: one block,
    # all of it, no page marker in it.
    for paragraph, candidate, draft in zip(paragraphs, drafted, drafts):
        if candidate is not paragraph:
            break
        blocks = draft.blocks
        kind, _, _, block_text, _, start, end, cuts = blocks[0]  # one unpacking, not a lookup each
        if len(blocks) == 1 and not cuts and draft.whole:
            # Its text from its first word (found by the value's first characters, near the
            # start; the prefix regex cost three times as much), to its end without the
            # closing white space, as rstrip() takes it: no check needed.
            end -= len(block_text) - len(block_text.rstrip())  # a copy costs less than bytecodes
            if kind == "paragraph":
                # Its number and portion mark, as the builder split them off (or worked out).
                prefix = draft.prefix
                start += prefix if prefix >= 0 else _prefix_length(block_text, paragraph.text)
            if start < cursor:
                start = cursor
            if end > start and not text[start].isspace():
                if direct is not None:
                    spans[paths[index]] = ((base + start + left(codes, start), base + end + left(codes, end)),)
                else:
                    found[paths[index]] = [(start, end)]
                if index < _SUMMARY_PARAGRAPHS:
                    first.append((start, end))
                cursor = end
                index += 1
                continue
        cursor = _add_paragraph(found, paths, first, index, _paragraph_pieces(finder, paragraph, draft, True, cursor), cursor)
        index += 1
    if index < len(paragraphs):
        cursor = _other_paragraphs(finder, found, body, builder, index, cursor, first)
    _summary_and_signers(finder, found, body, first, cursor)


def _other_paragraphs(
    finder: Finder, found: dict[str, list[Range]], body: Body, builder: BodyBuilder, index: int, cursor: int, first: list[Range]
) -> int:
    """The paragraphs from ``index`` on, which are not their drafts as drafted (a signed last
    one, cut short) or whose drafts the builder works out; the cursor after them."""
    paragraphs, paths = body.paragraphs, _paths("body.paragraphs", len(body.paragraphs))
    drafts, drafted = builder.drafts, builder.drafted_paragraphs
    draft_of: list[int] | None = None
    intact: list[bool] = []
    for rest in range(index, len(paragraphs)):
        paragraph = paragraphs[rest]
        drafted_as = drafted[rest] if draft_of is None and rest < len(drafted) else None
        if drafted_as is not None and drafted_as.number == paragraph.number and drafted_as.text.startswith(paragraph.text):
            draft, is_intact = drafts[rest], drafted_as is paragraph  # signed: cut short
        else:
            if draft_of is None:
                draft_of, intact = builder.paragraph_drafts, builder.paragraph_intact
            draft, is_intact = drafts[draft_of[rest]], intact[rest]
        cursor = _add_paragraph(found, paths, first, rest, _paragraph_pieces(finder, paragraph, draft, is_intact, cursor), cursor)
    return cursor


def _add_paragraph(
    found: dict[str, list[Range]], paths: list[str], first: list[Range], index: int, pieces: list[Range] | None, cursor: int
) -> int:
    """Keeps paragraph ``index``'s pieces (and among the first paragraphs' ranges, where the
    summary is looked for); the cursor after it."""
    if not pieces:
        return cursor
    found[paths[index]] = pieces
    if index < _SUMMARY_PARAGRAPHS:
        first.extend(pieces)
    return pieces[-1][1]


def _paragraph_pieces(finder: Finder, paragraph: Paragraph, draft: _Draft, is_intact: bool, cursor: int) -> list[Range] | None:
    """The pieces of one paragraph, built from ``draft`` (``is_intact``: not cut short by a
    signature), from ``cursor`` on."""
    text = finder.text
    blocks = draft.blocks
    kind, _, _, block_text, _, start, end, cuts = blocks[0]
    if not (draft.whole and (not cuts if len(blocks) == 1 else _one_stretch(blocks))):
        return _scattered_paragraph(finder, paragraph.text, draft.whole and is_intact, draft.whole, blocks, cursor)
    # The paragraph is its blocks' text from its first word on, white space aside
    # (split_paragraph and clean_text change nothing else), and nothing lies between the
    # blocks: no check needed.
    if kind == "paragraph":
        start += draft.prefix if draft.prefix >= 0 else _prefix_length(block_text, paragraph.text)
    if start < cursor:
        start = cursor
    if len(blocks) > 1:
        _, _, _, block_text, _, _, end, _ = blocks[-1]
    # Its closing white space off, as rstrip() takes it (a block ends with its blank lines):
    # from a short tail (a step at a time cost seventy bytecodes a paragraph).
    tail = block_text[-32:]
    kept = len(tail.rstrip())
    end = end - len(tail) + kept if kept else end - len(block_text) + len(block_text.rstrip())
    if end < start:
        end = start
    if not is_intact:
        end = finder.signed_end(start, paragraph.text, end)
    if end > start and not text[start].isspace():
        return [(start, end)]  # starts at a word (the prefix takes the white space)
    if end >= 0:
        trimmed = finder.trim(start, end)
        return [trimmed] if trimmed else None
    return finder.blocks_value(paragraph.text, blocks, cursor)


def _scattered_paragraph(
    finder: Finder, value: str, all_of_blocks: bool, whole: bool, blocks: Sequence[Block], cursor: int
) -> list[Range] | None:
    """The pieces of a paragraph that is not one stretch of whole blocks."""
    if all_of_blocks and blocks[0].start >= cursor:
        # Blocks with something between them that the paragraph leaves out (02TEGUCIGALPA3479:
        # a SIPDIS line inside paragraph 5), or page markers inside: the paragraph is all of
        # its blocks' text, so their own ranges, without the markers, are its pieces.
        pieces: list[Range] = []
        for number, part in enumerate(blocks):
            start = part.start + (paragraph_prefix_length(part.text) if number == 0 and part.kind == "paragraph" else 0)
            pieces.extend(finder.pieces(start, part.end))
        return pieces
    if whole:
        # A signature cut off its end as well: the blocks' ranges, cut where the value ends.
        return finder.blocks_value(value, blocks, cursor)
    start, limit = _region(blocks)
    return finder.find(value, max(start, cursor), limit)


def _summary_and_signers(finder: Finder, found: dict[str, list[Range]], body: Body, first: list[Range], cursor: int) -> None:
    """The summary inside the first paragraphs (``first``: their ranges), the signers after the
    last one."""
    if body.summary:
        # The summary is read from the first paragraphs (assemble.find_summary), across their
        # numbers and portion marks when it runs over several: look in their ranges.
        pieces = finder.value_in(body.summary, first)
        if pieces:
            found["body.summary"] = pieces
    for index, signer in enumerate(body.signers):
        # As words: "KEEGAN, JR." is the signer KEEGAN JR.
        pieces = finder.find_words([signer] if signer.isalnum() else words_of(signer), cursor, len(finder.text))
        if pieces:
            found[f"body.signers[{index}]"] = pieces
            cursor = pieces[-1][1]


def header_ranges(finder: Finder, header: Header, parts: Sequence[Any]) -> dict[str, list[Range]]:
    """The ranges, in the text the header grammar read, of the header's fields (``parts`` are
    the header grammar's parts, each with its line tokens)."""
    found: dict[str, list[Range]] = {}
    lists = {"action": ("to", header.to), "info": ("info", header.info), "exempt": ("exempted", header.exempted)}
    cursors: dict[str, int] = {}
    for part in parts:
        tokens = part.tokens
        if not tokens:
            continue
        start, limit = tokens[0].start_pos or 0, tokens[-1].end_pos or 0
        if part.name == "dtg" and header.dtg_text:
            pieces = finder.find(header.dtg_text, start, limit)
            if pieces:
                found["header.dtg"] = pieces
        elif part.name == "sender" and header.sender:
            pieces = finder.find(header.sender, start, limit)
            if pieces:
                found["header.sender"] = pieces
        elif part.name in lists:
            name, recipients = lists[part.name]
            cursor = max(start, cursors.get(name, 0))
            for index, recipient in enumerate(recipients):
                path = f"header.{name}[{index}]"
                if path in found:
                    continue
                words = recipient_words(recipient)
                pieces = None
                if recipient.routing_indicator and len(words) > 1:
                    # As an entry line writes it: "RUEHC/SECSTATE WASHDC IMMEDIATE 8580".
                    written = f"{words[0]}/{' '.join(words[1:])}"
                    at = finder.text.find(written, cursor, limit)
                    if at >= 0 and not _inside_word(finder.text, at, at + len(written)):
                        pieces = [(at, at + len(written))]
                pieces = pieces or finder.find_words(words, cursor, limit)
                if not pieces:
                    break  # the next entries are in the next part of this kind
                found[path] = pieces
                cursor = pieces[-1][1]
            cursors[name] = cursor
    return found
