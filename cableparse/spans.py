"""Field provenance: where each field of a :class:`~cableparse.models.Cable` is in the input.

``parse(source, spans=True)`` fills ``Cable.spans``: a mapping from a field path
(``"body.subject"``, ``"body.tags[2]"``, ``"header.to[1]"``) to the field's character ranges
``((start, end), ...)`` in the input as given, container included (the cables.csv row with its
``""`` escapes, the HTML page with its tags and entities). A field that a page marker cuts has
one range per piece.

How the ranges are found, in three steps, none of which runs unless spans are asked for:

1. **Blocks and lines from the grammars.** Every body block and header line is a token of the
   block grammars, and tokens carry their offsets in the text the grammar read; a block that
   page markers interrupt also carries the markers' ranges (its ``cuts``).
2. **The value inside its block.** A field reader turns a block into a value (a subject without
   its label, a tag code, a REF entry); the value's first and last word are found inside the
   block, past the previous value of a list, and the text between is checked to be the value
   (whitespace aside, and for codes and ids their letters and digits only). A value that does
   not check gets no range rather than a wrong one.
3. **Back to the input.** The text the grammar read differs from the input by what the
   container and the parser undid: csv escapes, HTML tags and entities, CR LF line ends, front
   matter that a page ran onto one line, page markers cut out of lines. :func:`align` walks
   the two texts once, in runs of equal characters found by C-speed comparisons, and maps each
   range; a range whose input text has anything but white space, quotes and HTML tags in the
   middle (a page marker) is cut in two there.

The span law, tested on every corpus cable and on generated cables: for every path, the input
text of its ranges, decoded (see :func:`span_text`) and with white space collapsed, is the field's
value as written (see :func:`written`).
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from .models import Body, Cable, Header, Recipient

__all__ = [
    "Range",
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

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
# Input characters that the containers drop without a trace in the text: csv quote escapes,
# backslashes, CR of CR LF, a byte-order mark, NULs.
# What may sit between two runs of one field's text in the input without cutting the range:
# white space, csv escapes and HTML tags (a TAGS line whose codes are links).
_TRIVIAL_GAP = re.compile(r'(?:\s|<[^<>]*>|["\\\ufeff\x00¶])*')
# How far ahead the input is searched for text that the alignment lost (a removed marker).
_RESYNC_WINDOW = 8192


class _Run(NamedTuple):
    text_start: int
    text_end: int
    raw_start: int
    raw_end: int


# Where the input may stop being the text, by container: its escapes, tags and entities, CR
# (and a byte-order mark or NUL, which the containers drop). A run of equal characters never
# goes past one of these; the walk decides what each one is.
_SPECIALS = {
    "html": re.compile("[<&\r\ufeff\x00¶]"),
    "csv": re.compile('[\\\\"\r\ufeff\x00]'),
    "text": re.compile("[\r\ufeff\x00]"),
}
_SPECIALS["page"] = _SPECIALS["csv"]


def _common_prefix(text: str, i: int, raw: str, j: int, special: re.Pattern[str]) -> int:
    """Length of the common prefix of ``text[i:]`` and ``raw[j:]``, up to the input's next
    special character.

    The stretch up to that character is compared in one go (the texts rarely differ
    elsewhere), else by doubling, then halving, the compared stretch. Each comparison runs in
    C and copies only the characters it compares.
    """
    limit = min(len(text) - i, len(raw) - j)
    if limit <= 0 or text[i] != raw[j]:
        return 0
    stop = special.search(raw, j + 1, j + limit)
    if stop is not None:
        limit = stop.start() - j
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
        self._starts = [run.text_start for run in runs]

    def ranges(self, start: int, end: int) -> list[Range]:
        """The input ranges of ``text[start:end]``: one per stretch of the input that holds it
        without a page marker (or other dropped text) in between."""
        if end <= start or not self.runs:
            return []
        index = max(0, bisect.bisect_right(self._starts, start) - 1)
        run = self.runs[index]
        if run.text_start <= start and end <= run.text_end and run.text_end - run.text_start == run.raw_end - run.raw_start:
            # Inside one stretch of equal text: the common case, no walk.
            return [(run.raw_start + start - run.text_start, run.raw_start + end - run.text_start)]
        pieces: list[list[int]] = []
        runs = self.runs
        for position in range(index, len(runs)):  # not runs[index:]: that copies the rest
            run = runs[position]
            if run.text_start >= end:
                break
            if run.text_end <= start:
                continue
            linear = run.text_end - run.text_start == run.raw_end - run.raw_start
            low = run.raw_start + (max(start, run.text_start) - run.text_start if linear else 0)
            high = run.raw_end - (run.text_end - min(end, run.text_end) if linear else 0)
            if pieces and _TRIVIAL_GAP.fullmatch(self.raw, pieces[-1][1], low) is not None:
                pieces[-1][1] = high
            else:
                pieces.append([low, high])
        return [(low, high) for low, high in pieces if high > low]


def align(raw: str, text: str, start: int = 0, container: str = "text") -> TextMap:
    """Map ``text`` (what a grammar read) onto ``raw`` (the input), from ``raw[start:]`` on.

    Equal stretches are found by C-speed prefix comparisons; between them the walk reads what
    the container changed (``container``: HTML tags and entities, csv escapes, CR), lets white
    space differ, and after anything else (a page marker cut out of a line) finds the text
    again a little further on.
    """
    special = _SPECIALS.get(container, _SPECIALS["text"])
    runs: list[_Run] = []
    i, j = 0, start
    n, m = len(text), len(raw)
    # Start where the text's first line is, when the input has it as written: a flat HTML
    # <pre> holds the header lines before the body on the same physical line (06BERN1971).
    first_line = text[: text.find("\n")].strip()[:40] if "\n" in text else text.strip()[:40]
    if first_line:
        found = raw.find(first_line, start)
        if found >= 0:
            j = found
            i = text.find(first_line)
    while i < n and j < m:
        c, r = text[i], raw[j]
        if special.match(r):
            step = _special(text, i, raw, j, container)
            if step is not None:
                text_step, raw_step = step
                if text_step:
                    runs.append(_Run(i, i + text_step, j, j + raw_step))
                i, j = i + text_step, j + raw_step
                continue
        if c == r:
            k = _common_prefix(text, i, raw, j, special)
            runs.append(_Run(i, i + k, j, j + k))
            i, j = i + k, j + k
        elif c.isspace() and r.isspace():
            runs.append(_Run(i, i + 1, j, j + 1))
            i, j = i + 1, j + 1
        elif r.isspace():
            j += 1
        elif c.isspace():
            i += 1  # a line break the parser put in (front matter run onto one line)
        else:
            if runs and runs[-1].text_end == i and not text[i - 1].isspace() and runs[-1].text_end - runs[-1].text_start < 12:
                # The word began to match by chance: 09BRASILIA1216's "B" of a page marker
                # "BRASILIA 00001216 004 OF 004" taken for the "B" of "Brazil" after it. Look for
                # the whole word again, past that start.
                back = runs.pop()
                i, j = back.text_start, back.raw_start + 1
            # The next word of the text (at most 12 characters): the text after it may be
            # written with entities in the input.
            word_end = i + 1
            while word_end < n and word_end - i < 12 and not text[word_end].isspace():
                word_end += 1
            found = raw.find(text[i:word_end], j, j + _RESYNC_WINDOW)
            if found > j:
                j = found
            else:
                i += 1  # a character the input does not have here: left unmapped
    return TextMap(raw, runs)


def _special(text: str, i: int, raw: str, j: int, container: str) -> tuple[int, int] | None:
    """What the input's special character at ``raw[j]`` is: ``(text characters, input
    characters)`` it stands for, or ``None`` to treat it as an ordinary character."""
    r = raw[j]
    c = text[i]
    if r == "<" and container == "html":
        close = raw.find(">", j + 1, j + 2048)
        if close > 0 and raw.find("<", j + 1, close) < 0:
            return 0, close + 1 - j  # a tag: nothing in the text
        return None
    if r == "&" and container == "html":
        entity = _ENTITY.match(raw, j)
        if entity is None:
            return None
        decoded = html.unescape(entity.group())
        if decoded and text.startswith(decoded, i):
            return len(decoded), entity.end() - j
        if decoded.isspace() and c.isspace():
            return 1, entity.end() - j
        return None
    if r in "\\\"" and container in ("csv", "page"):
        if j + 1 < len(raw) and raw[j + 1] == c and (r == "\\" or c == '"'):
            return 1, 2  # an escape: \' \" \\ or ""
        return None if c == r else (0, 1)
    if c == r:
        return None
    return 0, 1  # CR, a byte-order mark, a NUL or a paragraph anchor that the text does not keep


def line_offset(raw: str, line: int) -> int:
    """Offset of the first character of 1-based ``line`` in ``raw`` (its end when too short)."""
    offset = 0
    for _ in range(line - 1):
        found = raw.find("\n", offset)
        if found < 0:
            return len(raw)
        offset = found + 1
    return offset


# --- step 2: values inside their blocks -------------------------------------------------------

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s*")


class Finder:
    """Finds field values in the text a grammar read, inside ranges its tokens gave."""

    def __init__(self, text: str, cuts: Iterable[Range] = ()) -> None:
        self.text = text
        self.cuts = sorted(cuts)
        self._cut_starts = [cut[0] for cut in self.cuts]
        self._upper: str | None = None

    def _pieces(self, start: int, end: int) -> list[Range]:
        """``[start, end)`` without the page-marker lines inside it, each piece trimmed."""
        if not self.cuts:
            trimmed = self._trim(start, end)
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
        return [trimmed for piece in pieces if (trimmed := self._trim(*piece))]

    def _trim(self, start: int, end: int) -> Range | None:
        text = self.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if end > start else None

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
        head = value.split(None, 1)
        if not head:
            return None
        first, last = head[0], value.rsplit(None, 1)[-1]
        solid = _solid_length(value)
        text = self.text
        at = text.find(first, start, limit)
        for _ in range(4):
            if at < 0:
                return None
            if len(head) == 1:
                return self._pieces(at, at + len(first))
            # The first fit of the last word, else the last one in the block (a rule line
            # "- - -" ends 00TASHKENT4223's paragraph 2: the first "-" is not its end).
            least = at + solid - len(last)
            for end in (text.find(last, least, limit), text.rfind(last, least, limit)):
                if end >= 0:
                    pieces = self._pieces(at, end + len(last))
                    if sum(_solid_length(text[a:b]) for a, b in pieces) == solid:
                        return pieces
            walked = self._walk(value.split(), at, limit)
            if walked:
                return walked
            at = text.find(first, at + 1, limit)
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
        return self._pieces(at, position)

    def find_words(self, words: Sequence[str], start: int, limit: int) -> list[Range] | None:
        """Where the letter-and-digit words ``words`` are written in ``[start, limit)`` in this
        order, with nothing but punctuation and white space between them (codes, cable ids,
        addressees: ``(RICE, CONDOLEEZZA)`` for the person tag ``RICE CONDOLEEZZA``), in any
        case."""
        if not words:
            return None
        if self._upper is None:
            self._upper = self.text.upper()
        upper = self._upper
        first, last = words[0].upper(), words[-1].upper()
        wanted = [word.upper() for word in words]
        at = upper.find(first, start, limit)
        for _ in range(4):
            if at < 0:
                return None
            if at > 0 and (upper[at - 1].isalnum() and not _glued_code(upper, at)):
                at = upper.find(first, at + 1, limit)
                continue
            end = upper.find(last, at + len(first) - len(last) if len(words) == 1 else at + len(first), limit)
            if end >= 0:
                pieces = self._pieces(at, end + len(last))
                if _WORD.findall(" ".join(upper[a:b] for a, b in pieces)) == wanted:
                    return pieces
            at = upper.find(first, at + 1, limit)
        return None


def _skip_spaces(text: str, position: int) -> int:
    spaces = _SPACES.match(text, position)
    return spaces.end() if spaces is not None else position


def _solid_length(text: str) -> int:
    """How many characters of ``text`` are not white space (the white space of cables: blanks,
    tabs, line ends, form feeds)."""
    return len(text) - text.count(" ") - text.count("\n") - text.count("\t") - text.count("\r") - text.count("\f")


def _glued_code(upper: str, at: int) -> bool:
    """A code run into the one before it (``PRELPGOV``): allowed to start mid-word when the
    word before it is capitals too (only codes are looked for this way)."""
    return upper[at - 1].isalpha()


def words_of(*values: str | None) -> list[str]:
    """The letter-and-digit words of ``values`` in order (see :meth:`Finder.find_words`)."""
    found: list[str] = []
    for value in values:
        if value:
            found.extend(_WORD.findall(value))
    return found


def recipient_words(recipient: Recipient) -> list[str]:
    """An addressee's words in the order an entry line writes them (spec 1.10)."""
    return words_of(recipient.routing_indicator, recipient.address, recipient.office, recipient.precedence, recipient.serial)


# --- the span law -----------------------------------------------------------------------------

_TAG = re.compile(r"<[^<>]*>")
_WORDY_PATHS = ("body.tags[", "body.refs[", "header.to[", "header.info[", "header.exempted[")


_LINE_END_BACKSLASH = re.compile(r"\\(?=\s|$)")
_CSV_ESCAPE = re.compile(r'\\(.)|""', re.DOTALL)


def _csv_unescape(match: re.Match[str]) -> str:
    char = match.group(1)
    if char is None:
        return '"'
    return "" if char == "0" else char


def source_text(source: str | bytes) -> str:
    """The text that span offsets count in: a ``str`` as given; ``bytes`` gunzipped and decoded
    as the containers decode them (UTF-8, Windows-1252 for 8-bit files, UTF-16 with a BOM;
    a UTF-8 BOM dropped)."""
    if isinstance(source, str):
        return source
    from .containers import gunzip_bounded
    from .containers._common import decode

    return decode(gunzip_bounded(bytes(source)))[0]


def span_text(source: str, ranges: Iterable[Range], container: str = "text") -> str:
    """The text of ``ranges`` of ``source`` as the cable has it, pieces joined by a space:
    for a cables.csv row (``container`` ``"csv"`` or ``"page"``) its escapes decoded
    (``\\'``, ``\\"``, ``""``), for an HTML page its tags out and entities decoded."""
    pieces = []
    for start, end in ranges:
        piece = source[start:end]
        if container in ("csv", "page"):
            if "\\" in piece or '""' in piece:
                piece = _CSV_ESCAPE.sub(_csv_unescape, piece)
        elif container == "html":
            if "<" in piece:
                piece = _TAG.sub("", piece)
            if "&" in piece:
                piece = html.unescape(piece)
            # 06BERN1971: the page keeps the dump's backslash before each line end; the
            # paragraph anchors (<a href='#par1'>¶</a>) are the page's, not the cable's.
            piece = piece.replace("¶", "")
        pieces.append(piece)
    return " ".join(pieces)


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


def frozen(spans: dict[str, list[Range]]) -> Spans:
    """A read-only copy of collected spans, empty paths left out."""
    return MappingProxyType({path: tuple(ranges) for path, ranges in spans.items() if ranges})


# --- step 1 and 2 together: the fields of a body and a header ----------------------------------


class _Blocky(Protocol):
    start: int
    end: int
    text: str


def _region(blocks: Sequence[_Blocky]) -> Range:
    return blocks[0].start, max(block.end for block in blocks)


def body_ranges(
    finder: Finder,
    body: Body,
    sources: Mapping[str, Sequence[_Blocky]],
    drafts: Sequence[Sequence[_Blocky]],
    paragraph_drafts: Sequence[int],
) -> dict[str, list[Range]]:
    """The ranges, in the text the body grammar read, of the body's fields.

    ``sources`` names the blocks each front-matter field came from, ``drafts`` the blocks of
    each drafted paragraph and ``paragraph_drafts`` the draft of each paragraph (see
    :class:`~cableparse.assemble.BodyBuilder`).
    """
    found = _front_matter_ranges(finder, body, sources)
    _list_ranges(finder, found, "body.tags", [words_of(tag.code) for tag in body.tags], sources.get("tags"))
    _list_ranges(finder, found, "body.refs", [words_of(ref.text) for ref in body.refs], sources.get("refs"))
    _text_ranges(finder, found, body, drafts, paragraph_drafts)
    return found


def _front_matter_ranges(finder: Finder, body: Body, sources: Mapping[str, Sequence[_Blocky]]) -> dict[str, list[Range]]:
    """The classification line, E.O. line, subject and Classified By."""
    found: dict[str, list[Range]] = {}
    banner = sources.get("banner")
    if banner and body.banner is not None:
        line_end = finder.text.find("\n", banner[0].start, banner[0].end)
        found["body.banner"] = finder._pieces(banner[0].start, line_end if line_end >= 0 else banner[0].end)
    eo = sources.get("eo")
    if eo and body.executive_order is not None:
        found["body.executive_order"] = finder._pieces(*_region(eo))
    for path, value, key in (
        ("body.subject", body.subject, "subject"),
        ("body.classified_by", body.classified_by.text if body.classified_by else None, "classified_by"),
    ):
        blocks = sources.get(key)
        if blocks and value and (pieces := finder.find(value, *_region(blocks))):
            found[path] = pieces
    return found


def _list_ranges(
    finder: Finder, found: dict[str, list[Range]], name: str, items: Sequence[Sequence[str]], blocks: Sequence[_Blocky] | None
) -> None:
    """Entries of a TAGS or REF block, each looked for after the one before."""
    if not blocks:
        return
    cursor, limit = _region(blocks)
    for index, words in enumerate(items):
        pieces = finder.find_words(words, cursor, limit)
        if pieces:
            found[f"{name}[{index}]"] = pieces
            cursor = pieces[-1][1]


def _text_ranges(
    finder: Finder, found: dict[str, list[Range]], body: Body, drafts: Sequence[Sequence[_Blocky]], paragraph_drafts: Sequence[int]
) -> None:
    """Paragraphs (each after the one before), the summary inside them, the signers after."""
    cursor = 0
    for index, paragraph in enumerate(body.paragraphs):
        start, limit = _region(drafts[paragraph_drafts[index]])
        pieces = finder.find(paragraph.text, max(start, cursor), limit)
        if pieces:
            found[f"body.paragraphs[{index}]"] = pieces
            cursor = pieces[-1][1]
    if body.summary:
        first = found.get("body.paragraphs[0]")
        pieces = finder.find(body.summary, first[0][0] if first else 0, len(finder.text))
        if pieces:
            found["body.summary"] = pieces
    for index, signer in enumerate(body.signers):
        pieces = finder.find(signer, cursor, len(finder.text))
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
                pieces = finder.find_words(recipient_words(recipient), cursor, limit)
                if not pieces:
                    break  # the next entries are in the next part of this kind
                found[path] = pieces
                cursor = pieces[-1][1]
            cursors[name] = cursor
    return found
