"""REF blocks (spec 2.7), read by ``grammars/refs.lark``.

The grammar turns a block into a flat run of items (bullets, citations, kind words,
separators, line ends, other text); this module decides which bullets start entries, where
each entry and each part of an entry ends, and builds one :class:`Reference` per cited cable
and one per non-cable entry.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple, cast

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError

from ..grammar import TokenRunner, build_parser, terminal_regex
from ..models import Reference, ReferenceKind
from ..normalize import canonical_station, collapse, origin_suffix

# --- the items the grammar yields ----------------------------------------------------------


class _Serial(NamedTuple):
    digits: str
    year: str | None
    """Digits of a year written with this serial or before the citation, else ``None``."""
    start: int
    end: int


class _Cite(NamedTuple):
    origin: str
    """The origin words as written, separators after them removed."""
    dashed: bool
    """The origin is joined to the serial by a hyphen (``10-OTTAWA-57``, ``CA-3400``)."""
    serials: tuple[_Serial, ...]


class _Item(NamedTuple):
    kind: str
    """``bullet``, ``cite``, ``kind``, ``text``, ``sep``, ``nl`` or ``stop``."""
    start: int
    end: int
    value: Any = None
    """The bullet label, the :class:`_Cite`, the reference kind, or the separator."""


_KINDS: dict[str, ReferenceKind] = {
    "EMAIL": "email", "TELCON": "telcon", "MEMO": "memo", "LETTER": "letter", "FAM": "fam", "REPORT": "report",
}


_NOT_DIGITS = re.compile(r"[^0-9]+")


def _digits(text: str) -> str:
    return _NOT_DIGITS.sub("", text)


_Tok = tuple[str, str, int, int]
"""A token as the item builders read it: ``(type, text, start, end)``."""


def _item(kind: str, value: str, start: int, end: int) -> _Item:
    """The item of a token outside a citation."""
    if kind in _KINDS:
        return _Item("kind", start, end, _KINDS[kind])
    if kind in ("BULLET", "BARE_BULLET"):
        return _Item("bullet", start, end, _bullet_label(value))
    if kind == "SEP":
        return _Item("sep", start, end, value)
    if kind == "NL":
        return _Item("nl", start, end)
    if kind == "STOP":
        return _Item("stop", start, end)
    return _Item("text", start, end, kind)


def _citation(tokens: list[_Tok]) -> _Item:
    """The item of a ``citation`` rule's tokens."""
    year: str | None = None
    station = ""
    serials: list[_Serial] = []
    for kind, value, start, end in tokens:
        if kind == "YEAR":
            year = _digits(value)
        elif kind == "STATION":
            station = value
        elif kind in ("NUM", "MORE_SERIAL"):
            # A later serial of a list inherits the year of the one before it.
            inherited = serials[-1].year if serials else year
            serials.append(_Serial(_digits(value), inherited, start, end))
        elif kind == "YEAR_AFTER":
            # "NOV 2, 1966": the year is the last number; "(2007)", "'07", "02" are years.
            last = _digits(value.replace(",", " ").split()[-1])
            serials[-1] = serials[-1]._replace(year=last)
    return _cite(station, serials, tokens[0][2], tokens[-1][3])


def _tok(token: Token) -> _Tok:
    return token.type, token.value, token.start_pos or 0, token.end_pos or 0


class _RefsTransformer(Transformer[Token, Any]):
    """Builds the items while the parser reduces; keeps no state between parses."""

    __visit_tokens__ = False  # the rules read their tokens; no callback per token

    def start(self, children: list[Any]) -> list[_Item]:
        return [child if isinstance(child, _Item) else _item(*_tok(child)) for child in children]

    def citation(self, tokens: list[Token]) -> _Item:
        return _citation([_tok(token) for token in tokens])


def _items_of(tokens: list[_Tok]) -> list[_Item]:
    """The items that the grammar and :class:`_RefsTransformer` make of the grammar's tokens
    (as :class:`TokenRunner` gives them, for a text the grammar accepts).

    The tree's shape follows from the token types: YEAR and STATION occur only in a citation
    and start it (``citation: (YEAR NL?)? STATION NL? NUM ...``), which runs to its NUM and then
    over the YEAR_AFTER and MORE_SERIAL tokens that only a citation has; every other token is
    an item of its own.
    """
    items: list[_Item] = []
    index = 0
    count = len(tokens)
    while index < count:
        if tokens[index][0] not in ("YEAR", "STATION"):
            items.append(_item(*tokens[index]))
            index += 1
            continue
        end = index + 1
        while tokens[end - 1][0] != "NUM":
            end += 1
        while end < count and tokens[end][0] in ("YEAR_AFTER", "MORE_SERIAL"):
            end += 1
        items.append(_citation(tokens[index:end]))
        index = end
    return items


@functools.lru_cache(maxsize=1)
def _runner() -> TokenRunner:
    return TokenRunner("refs")


def _cite(station: str, serials: list[_Serial], start: int, end: int) -> _Item:
    written = station.rstrip()
    return _Item("cite", start, end, _Cite(written.rstrip(" \t-:"), written.endswith("-"), tuple(serials)))


def _bullet_label(written: str) -> str:
    return written.strip("¶()[].: \t").upper()


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    return build_parser("refs", _RefsTransformer())


# --- the fast path -------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _plain_line() -> re.Pattern[str]:
    """A line holding one plain entry, ``[bullet] [year] origin serial``, built from the
    grammar's own terminals and tried in the grammar's order (a YEAR before a BULLET:
    ``(99) ROME 2196``). Nothing else can follow the serial on such a line, so the grammar
    lexes it to the same tokens; ``tests/test_refs.py`` checks that the items agree."""
    parser = _parser()
    year, bullet, station, number = (parser.get_terminal(name).pattern.to_regexp()
                                     for name in ("YEAR", "BULLET", "STATION", "NUM"))
    return re.compile(
        rf"[^\S\n]*(?:(?P<year>{year})|(?P<bullet>{bullet})[^\S\n]*(?P<year2>{year})?)?[^\S\n]*"
        rf"(?P<station>{station})(?P<serial>{number})[^\S\n]*"
    )


def _plain_items(text: str) -> list[_Item] | None:
    """The items of a block made only of plain entries, one per line (most REF blocks:
    ``STATE 145633``, ``A. BRASILIA 2193`` / ``B. BRASILIA 2157``), without running the
    parser; ``None`` when any line is more than that."""
    plain = _plain_line()
    items: list[_Item] = []
    start = 0
    while True:
        end = text.find("\n", start)
        stop = len(text) if end < 0 else end
        if text[start:stop].strip():
            match = plain.fullmatch(text, start, stop)
            if match is None:
                return None
            bullet, year, year2, station, serial = match.group("bullet", "year", "year2", "station", "serial")
            if bullet is not None:
                items.append(_Item("bullet", match.start("bullet"), match.end("bullet"), _bullet_label(bullet)))
            cited = year if year is not None else year2
            cite_start = match.start("station")
            if cited is not None:
                cite_start = match.start("year" if year is not None else "year2")
                cited = _digits(cited)
            serial_start, serial_end = match.span("serial")
            items.append(_cite(station, [_Serial(serial, cited, serial_start, serial_end)], cite_start, serial_end))
        if end < 0:
            return items
        items.append(_Item("nl", end, end + 1))
        start = end + 1


# --- the label ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _label() -> re.Pattern[str]:
    # The label shape of the body grammar (terminals.lark REFS_LABEL), repeated ("REF: REF:"),
    # with the dots of "REF..." (05NEWDELHI301, an HTML page).
    return re.compile(rf"[^\S\n]*(?:(?:{terminal_regex('terminals', 'REFS_LABEL')})[^\S\n]*)+[.:]*+")


def strip_refs_label(block: str) -> str:
    """A REF block's entries without the label (``REF:``, ``REFTELS:``, ``Ref(s):``)."""
    match = _label().match(block)
    return block[match.end() :] if match else block


# --- from items to references ---------------------------------------------------------------

_NO_ENTRY = frozenset({"NONE", "N/A", "NA", "NIL", "NOT APPLICABLE"})
_CONTENT = frozenset({"cite", "kind", "text"})


def _next_label(label: str) -> str:
    return str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)


def _bullets(items: list[_Item], text: str) -> dict[int, str]:
    """Which bullet items start entries (index -> label); the others are text.

    Bullets must run A, B, C ... or 1, 2, 3; a bullet repeating the last one with nothing
    between them is a doubled bullet (``A. A)``, ``A. (A)``, ``A. REF A``) and is dropped.
    """
    chosen: dict[int, str] = {}
    doubled: set[int] = set()
    expected: str | None = None
    last: str | None = None
    content_since = False
    content_before_first = False
    for index, item in enumerate(items):
        if item.kind == "bullet":
            label = item.value
            if last is not None and label == last and not content_since:
                doubled.add(index)
                continue
            if (expected is None and label in ("A", "1")) or label == expected:
                if not chosen and content_since:
                    content_before_first = True
                chosen[index] = label
                expected, last, content_since = _next_label(label), label, False
                continue
        if item.kind in _CONTENT and _has_content(text, item):
            content_since = True
    if len(chosen) == 1 and content_before_first:
        # A lone "A." after some text is a letter of that text, not a bullet.
        return {}
    for index in doubled:
        chosen.setdefault(index, "")
    return chosen


def _has_content(text: str, item: _Item) -> bool:
    return item.kind != "text" or any(ch.isalnum() for ch in text[item.start : item.end])


def _entries(items: list[_Item], text: str) -> list[tuple[str | None, list[_Item]]]:
    """The entries: at chosen bullets when there are any, else one per line."""
    chosen = _bullets(items, text)
    entries: list[tuple[str | None, list[_Item]]] = [(None, [])]
    for index, item in enumerate(items):
        if item.kind == "stop":
            break
        label = chosen.get(index)
        if label == "":
            continue  # a doubled bullet
        if label is not None:
            entries.append((label, []))
        elif item.kind == "nl":
            if not chosen:
                entries.append((None, []))
        else:
            entries[-1][1].append(item)
    return [(label, entry) for label, entry in entries if entry]


def _parts(entry: list[_Item]) -> list[list[_Item]]:
    """An entry cut where its references part: at a semicolon; at a colon before a citation
    (``TEHRAN 1091: TEHRAN 263``); at punctuation before a kind word (``STATE 1, EMAIL ...``)
    after a citation; and before each further citation, which takes the text that follows it."""
    # following[i]: the next item after i that is not punctuation (one pass from the end, so
    # that a long entry costs linear time).
    following: list[_Item | None] = [None] * len(entry)
    after: _Item | None = None
    for index in range(len(entry) - 1, -1, -1):
        following[index] = after
        if entry[index].value != "PUNCT":
            after = entry[index]
    parts: list[list[_Item]] = [[]]
    has_cite = has_kind = False
    for index, item in enumerate(entry):
        ahead = following[index]
        if item.kind == "sep" and (item.value == ";" or (ahead is not None and ahead.kind == "cite")):
            parts.append([])
            has_cite = has_kind = False
            continue
        if item.kind == "cite" and (has_cite or has_kind):
            parts.append([])
            has_cite = has_kind = False
        parts[-1].append(item)
        has_cite = has_cite or item.kind == "cite"
        has_kind = has_kind or item.kind == "kind"
        if item.value == "PUNCT" and has_cite and ahead is not None and ahead.kind == "kind":
            parts.append([])
            has_cite = has_kind = False
    return [part for part in parts if part]


_EDGE = " \t\n,;:\\-"


def _span(text: str, part: list[_Item]) -> str:
    written = collapse(text[part[0].start : part[-1].end]).strip(_EDGE).lstrip(".")
    return written[:-4].rstrip(_EDGE) if written.upper().endswith(" AND") else written


def _serial_text(written: str) -> str:
    """A later serial of a list as written, without the separator before it (``AND 2764``)."""
    written = written.lstrip(",&/ \t")
    return written[3:].lstrip() if written[:3].upper() == "AND" else written


def _cable_id(cite: _Cite, serial: _Serial, year: int | None) -> str | None:
    """The canonical id a citation's serial gives, ``""`` when it is no cable id, ``None``
    when the year is unknown."""
    digits = serial.digits.lstrip("0") or "0"
    station = _station(cite.origin, cite.dashed)
    if not station or len(digits) > 7 or not 7 <= 2 + len(station) + len(digits) <= 25:
        return ""
    cited_year = int(serial.year[-2:]) if serial.year is not None else year
    return None if cited_year is None else f"{cited_year % 100:02d}{station}{digits}"


def _station(origin: str, dashed: bool) -> str:
    """The canonical station of a citation's origin words, ``""`` when they are no origin."""
    if len(origin) <= 64:
        return _station_cached(origin, dashed)
    return _station_cached.__wrapped__(origin, dashed)


# "REF: YOUR 1234", "OUR 77": a message of the addressee's or the drafter's own station, named
# by pronoun; which station that is the citation does not say, so it gives no cable id.
_PRONOUNS = frozenset({"YOUR", "YOURS", "OUR", "MY", "HIS", "HER", "THEIR", "THIS", "THAT", "THE"})


@functools.lru_cache(maxsize=1 << 12)
def _station_cached(origin: str, dashed: bool) -> str:
    if dashed and sum(ch.isalpha() for ch in origin.rsplit(None, 1)[-1]) < 3:
        # "CA-3400", "A-077": airgram numbers; "TD-314/39339-02": a report number.
        return ""
    station = canonical_station(origin_suffix(origin))
    return "" if station in _PRONOUNS else station


def _references(text: str, items: list[_Item], year: int | None) -> list[Reference]:
    # Each citation's ids, by its position. A citation whose first serial gives no cable id
    # (an airgram "CA-3400", an id too long) is text, so that it neither starts a part nor
    # makes its entry a cable.
    ids: dict[int, list[str | None]] = {}
    for index, item in enumerate(items):
        if item.kind == "cite":
            found = [_cable_id(item.value, serial, year) for serial in item.value.serials]
            if found[0] == "":
                items[index] = item._replace(kind="text", value="WORD")
            else:
                ids[item.start] = found
    refs: list[Reference] = []
    for bullet, entry in _entries(items, text):
        for part in _parts(entry):
            written = _span(text, part)
            if not any(ch.isalnum() for ch in written) or written.upper().rstrip(".") in _NO_ENTRY:
                continue
            kind = next((i.value for i in part if i.kind == "kind"), None)
            cite = next((i for i in part if i.kind == "cite"), None)
            if kind is None and cite is not None:
                found = ids[cite.start]
                refs.append(Reference(bullet=bullet, kind="cable", text=written, cable_id=found[0]))
                for serial, cable_id in zip(cite.value.serials[1:], found[1:]):
                    if cable_id != "":
                        more = _serial_text(text[serial.start : serial.end])
                        refs.append(Reference(bullet=bullet, kind="cable", text=more, cable_id=cable_id))
                continue
            refs.append(Reference(bullet=bullet, kind=kind or "other", text=written, cable_id=None))
    return refs


def _plain_references(text: str, items: list[_Item], year: int | None) -> list[Reference] | None:
    """:func:`_references` of the items of a block of plain lines (:func:`_plain_items`), where
    each line is one entry: no line has a bullet, or every line has one and they run A, B, C
    ... or 1, 2, 3 (most REF blocks). Then each entry is its one citation, and the walk over
    bullets and parts comes to nothing. ``None`` for any other block, and where a citation
    gives no cable id, which the general walk turns into text; ``tests/test_refs.py`` proves
    the two equal."""
    refs: list[Reference] = []
    bulleted: bool | None = None  # whether the lines have bullets, once the first line tells
    bullet: str | None = None  # the bullet of the line being read
    expected: str | None = None
    for item in items:
        kind = item.kind
        if kind == "nl":
            continue
        if kind == "bullet":
            label = item.value
            if bulleted is False or bullet is not None or not ((expected is None and label in ("A", "1")) or label == expected):
                return None
            bulleted, bullet, expected = True, label, _next_label(label)
            continue
        if bulleted is None:
            bulleted = False
        elif bulleted and bullet is None:
            return None  # a line without a bullet among lines with one
        cite: _Cite = item.value
        cable_id = _cable_id(cite, cite.serials[0], year)
        if cable_id == "":
            return None
        written = _span(text, [item])
        if not any(ch.isalnum() for ch in written) or written.upper().rstrip(".") in _NO_ENTRY:
            return None
        refs.append(Reference(bullet=bullet, kind="cable", text=written, cable_id=cable_id))
        bullet = None
    return refs


@functools.lru_cache(maxsize=1 << 12)
def _read_cached(text: str, year: int | None) -> tuple[Reference, ...]:
    return _read(text, year)


def _read(text: str, year: int | None) -> tuple[Reference, ...]:
    try:
        items = _plain_items(text)
        if items is not None and (plain := _plain_references(text, items, year)) is not None:
            return tuple(dict.fromkeys(plain))
        if items is None:
            # The grammar's own lexers and table without Lark's parse (a Lark call was most
            # of a REF block's time); Lark where the grammar does not accept the text.
            tokens = _runner().tokens(text)
            items = _items_of(tokens) if tokens is not None else cast(list[_Item], _parser().parse(text))
    except LarkError:
        # Not expected (every character has a terminal and the lookaheads guarantee the rest
        # of a citation), but a REF block must never lose the cable: keep it as one entry.
        written = collapse(text)
        return (Reference(bullet=None, kind="other", text=written, cable_id=None),) if written else ()
    return tuple(dict.fromkeys(_references(text, items, year)))


_READ_CHARS = 16_384
"""The longest REF text read. Real blocks stay under a few KB (26 lettered entries of a line
each); the text beyond this is still in ``Body.text``, it only gives no more entries. Issue 13's
160,000 lines of ``REF: A. STATE 1`` would otherwise hold 250 MB of entries."""


def read_refs(text: str, *, year: int | None) -> tuple[Reference, ...]:
    """The entries of a REF block's text (label removed); cable entries get canonical ids, a
    missing year being the citing cable's ``year``.

    Each cited cable is one :class:`Reference` (``BRASILIA 2799 AND 2764`` gives two, with the
    same bullet); a non-cable entry (e-mail, telcon, memo, letter, FAM, report, a date-time
    group, a resolution) is one reference with its kind and no ``cable_id``. ``REF: NONE``
    gives none; an entry repeated word for word under the same bullet is given once. Only the
    first ``_READ_CHARS`` characters are read, up to the last line end before them.
    """
    if len(text) > _READ_CHARS:
        end = text.rfind("\n", 0, _READ_CHARS)
        text = text[: end if end > 0 else _READ_CHARS]
    if len(text) <= 1024:
        # Blocks repeat across a dump (and a cable's csv row and page); the bound on the key
        # length keeps the cache under about 4 MB, bounded by size, not only by count (issue 13).
        return _read_cached(text, year)
    return _read(text, year)
