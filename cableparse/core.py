"""Parsing: header and body text through the grammars, and the merge into a :class:`Cable`.

``parse`` -> container (find text and metadata) -> ``parse_envelope`` -> grammar with its
transformer (``parse_header``, ``parse_body``) -> normalization -> ``Cable``.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as _dt
import os
import re
import warnings
from collections.abc import Callable, Iterator
from typing import IO, Any

import attrs
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from . import spans
from .assemble import BodyBuilder
from .containers._common import ErrorsMode, FormatName
from .defects import DefectCode
from .envelope import Envelope
from .errors import CableParseError, Defects
from .fields import read_banner, read_refs
from .grammar import cached_parser
from .header import parse_whole
from .models import Body, Cable, CableError, Classification, Defect, Header
from .normalize import (
    canonical_id,
    is_cable_id,
    level_from_security,
    make_id,
    parse_classification,
)
from .spans import Range, Spans
from .transform import (
    Block,
    Pending,
    has_inline_marker,
    read_blocks,
    remove_inline_markers,
)

# --- running a grammar --------------------------------------------------------------------

_UNCHANGED = contextlib.nullcontext()
"""In place of ``Defects.shifted(0)`` and ``Defects.mapped(None)``, which change nothing: most
parts have no blank line to skip and no reflowed line, and a generator context costs ~0.6 µs."""



def _prepare(text: str) -> tuple[str, int]:
    """Normalise line ends, drop leading blank lines (returning how many), end with a newline."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    stripped = text.lstrip("\n")
    skipped = len(text) - len(stripped)
    # Lines of only spaces before the first text are blank too.
    while True:
        first, newline, rest = stripped.partition("\n")
        if newline and not first.strip():
            stripped = rest
            skipped += 1
        else:
            break
    if stripped and not stripped.endswith("\n"):
        stripped += "\n"
    return stripped, skipped


def _run(name: str, text: str, defects: Defects) -> Any:
    """Parse ``text`` with grammar ``name``; skip what does not fit, as positioned defects."""

    def recover(error: UnexpectedInput) -> bool:
        if isinstance(error, UnexpectedToken):
            token = error.token
            if token.type == "$END":
                return False
            defects.add(
                "header-unexpected-line" if name == "header" else "body-unexpected-line",
                f"{name} line out of place, skipped: {str(token).strip()[:60]!r}",
                token.line,
                token.column,
                str(token),
            )
            return True
        return False

    # The grammars' own lexers and tables read a text that needs no recovery (the parsers'
    # ``parse`` does so first too): the Lark parser, ~0.1 s to build, is built only for a
    # text that needs it, which most processes never meet.
    try:
        if name == "header":
            return parse_whole(text)
        if name == "body" and (blocks := read_blocks(text)) is not None:
            return blocks
    except UnexpectedInput:
        pass
    try:
        return cached_parser(name).parse(text, on_error=recover)
    except UnexpectedCharacters as error:
        # The grammars cover every line (BLANK/BLANKS and LINE/TEXT), so the lexer has no
        # dead end; if one appears all the same, the text is kept whole as unparsed lines
        # rather than resuming inside the lexer (lark-cython cannot resume there).
        code: DefectCode = "header-unreadable" if name == "header" else "body-unreadable"
        defects.add(code, f"unreadable {name} text: {error.char!r}", error.line, error.column)
        if name == "header":
            return Header(kind="other", preamble=text.strip()), [], {}, []
        return [Block("text", 1, 1, text, ())]


def _place(defects: Defects, pending: list[Pending]) -> None:
    for code, message, line, column in pending:
        defects.add(code, message, line, column)


def parse_header(text: str, defects: Defects, provenance: list[Any] | None = None) -> Header | None:
    """The :class:`Header` of a header part, ``None`` when it is empty.

    With ``provenance`` (a list), the text the grammar read and its parts are appended to it,
    for field spans.
    """
    prepared, skipped = _prepare(text)
    if not prepared.strip():
        return None
    with defects.shifted(skipped) if skipped else _UNCHANGED:
        try:
            header: Header
            pending: list[Pending]
            header, pending, lines, parts = _run("header", prepared, defects)
            if provenance is not None:
                provenance.append((prepared, parts))
            _place(defects, pending)
            if lines.get("dtg") is not None:
                defects.mark("dtg", lines["dtg"], 1)
        except LarkError as error:  # pragma: no cover - recovery makes this unreachable in practice
            defects.add("header-unparsed", f"header could not be parsed: {error}", 1, 1)
            header = Header(kind="other", preamble=prepared.strip())
    if header.kind == "other" and header.preamble is None:
        return attrs.evolve(header, preamble=prepared.strip())
    return header


# --- body ---------------------------------------------------------------------------------

# Pages that reflowed the front matter onto one line (10STATE284): the keywords that start
# the next front-matter item, for splitting that one line back into lines.
_REFLOWED_KEYWORDS = re.compile(
    # (?<!\s) and the possessive \s++ try each run of blanks once: linear on long runs.
    r"(?<!\s)\s++(?=(?:SIPDIS|NOFORN|E\.O\.\s*1\d{3,4}|EO\s+1\d{3,4}|TAGS?:|SUBJECT:|SUBJ:|REF:|REFS:|Classified By:|CLASSIFIED BY:)(?!\w))"
)
# 10BERLIN81 glues the items with no blank at all: "Cable dated:2010-01-21T11:33:00C O N F I D
# E N T I A L ... BERLIN 000081SIPDISE.O. 12958: DECL: 01/22/2020TAGS: ...". Without a blank,
# an item starts only after the digits of a serial, date or time, or after SIPDIS. The match
# takes that digit or SIPDIS; see _glued for when it is searched at all.
_GLUED_KEYWORDS = re.compile(
    r"\d(?=C O N F I D E N T I A L|S E C R E T|SIPDIS|E\.O\.\s*1\d{3,4}[\s:]|TAGS?:|SUBJECT:)"
    r"|SIPDIS(?=E\.O\.\s*1\d{3,4}[\s:]|TAGS?:|SUBJECT:)"
)


def _glued(text: str, start: int, end: int) -> bool:
    """Does ``text[start:end]`` run front-matter items together without blanks? Only a line
    holding SIPDIS or TAGS: is searched: digits are everywhere in a page's paragraphs."""
    return (text.find("SIPDIS", start, end) >= 0 or text.find("TAGS:", start, end) >= 0) and (
        _GLUED_KEYWORDS.search(text, start, end) is not None
    )


def _unreflow(text: str, defects: Defects) -> tuple[str, Callable[[int], int] | None]:
    """Split front-matter lines that carry several items (reflowed HTML pages).

    10STATE284 runs the whole front matter onto the classification line; 07TRIPOLI1039 runs
    ``CLASSIFIED BY:`` onto the REF line. Only long lines among the first 40 are looked at.
    Returns the text and, when lines were split, a map from its lines to the input's lines
    so that defects keep pointing into the input.
    """
    # Most bodies have no long line among their first 40: one split and max() in C tell.
    if max(map(len, text.split("\n", 40)[:40]), default=0) < 90:
        return text, None
    # Find the early long lines without splitting (and so copying) the whole body.
    start = 0
    long_lines: list[tuple[int, int, int]] = []
    for index in range(40):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        if end - start >= 90 and (_REFLOWED_KEYWORDS.search(text, start, end) or _glued(text, start, end)):
            long_lines.append((index, start, end))
        if end >= len(text):
            break
        start = end + 1
    if not long_lines:
        return text, None
    pieces: list[str] = []
    origins = [0]
    position = 0
    previous_line = 0
    for index, start, end in long_lines:
        origins.extend(range(previous_line + 1, index + 1))
        split = _REFLOWED_KEYWORDS.sub("\n", text[start:end])
        if _glued(split, 0, len(split)):
            split = _GLUED_KEYWORDS.sub("\\g<0>\n", split)
        pieces.append(text[position:start])
        pieces.append(split)
        origins.extend([index + 1] * (split.count("\n") + 1))
        position, previous_line = end, index + 1
    pieces.append(text[position:])
    defects.add("reflowed-front-matter", "front-matter items run onto one line", long_lines[0][0] + 1, 1)
    last_new, last_input = len(origins) - 1, origins[-1]

    def to_input_line(line: int) -> int:
        # Lines after the last split line keep their distance from it.
        return origins[line] if 0 < line <= last_new else last_input + line - last_new

    return "".join(pieces), to_input_line


def parse_body(text: str, defects: Defects, provenance: list[Any] | None = None) -> tuple[Body, str | None]:
    """The :class:`Body` of a body part without its REF entries, and the REF block's text.

    REF entries need the citing cable's year, which only the merge knows. With
    ``provenance`` (a list), the text the grammar read and the :class:`BodyBuilder` that read
    its blocks are appended to it, for field spans.
    """
    prepared, skipped = _prepare(text)
    if not prepared.strip():
        return Body(text=""), None
    with defects.shifted(skipped) if skipped else _UNCHANGED:
        prepared, unreflow_map = _unreflow(prepared, defects)
        with defects.mapped(unreflow_map) if unreflow_map is not None else _UNCHANGED:
            blocks = _run("body", prepared, defects)
            cleaned = _without_inline_markers(blocks, prepared)
            if cleaned is blocks:
                builder = BodyBuilder(blocks, defects)
                if provenance is not None:
                    provenance.append((prepared, builder))
                return builder.build()
            # Markers written inside lines were cut out of them: the lines around may now form
            # other blocks. Parse that text once more, so that the structure comes from the
            # text the Body keeps and parse(render(c)) finds the same blocks. Lines of the
            # second pass are mapped back to the first pass's lines.
            markers = tuple(marker for block in cleaned for marker in block.markers)
            joined, rejoin_map = _rejoined(cleaned)
            with defects.mapped(rejoin_map):
                builder = BodyBuilder(_run("body", joined, defects), defects)
                if provenance is not None:
                    provenance.append((joined, builder))
                body, refs_text = builder.build()
            return attrs.evolve(body, page_markers=markers), refs_text


def _rejoined(blocks: list[Block]) -> tuple[str, Callable[[int], int]]:
    """The blocks' text with markers gone, and a map from its lines to the blocks' lines."""
    starts: list[int] = []
    origins: list[int] = []
    line = 1
    for block in blocks:
        starts.append(line)
        origins.append(block.line)
        line += block.text.count("\n")

    def to_block_line(rejoined: int) -> int:
        index = bisect.bisect_right(starts, rejoined) - 1
        return origins[index] + rejoined - starts[index] if index >= 0 else rejoined

    return "".join(block.text for block in blocks), to_block_line


def _without_inline_markers(blocks: list[Block], text: str) -> list[Block]:
    """Blocks with page markers inside their lines removed (reflowed pages); ``blocks``
    itself when there were none. ``text`` is what the blocks were read from."""
    # A block's text is pieces of ``text`` joined by line ends, and the marker holds no line
    # end: a text without one has no block with one (one search, not one per block; most
    # bodies have none).
    if not has_inline_marker(text) or not any(has_inline_marker(block.text) for block in blocks):
        return blocks
    origin = next((read_banner(b.text)[0].origin for b in blocks if b.kind == "banner"), None)
    cleaned = []
    for block in blocks:
        text, found = remove_inline_markers(block.text, origin)
        cleaned.append(block._replace(text=text, markers=block.markers + found) if found else block)
    return cleaned


# --- the merge ----------------------------------------------------------------------------


def _derived_id(body: Body | None, year: int | None) -> str | None:
    if body is None or body.banner is None or body.banner.origin is None or body.banner.serial is None or year is None:
        return None
    return make_id(year, body.banner.origin, body.banner.serial)


def _year_of(cable_id: str | None) -> int | None:
    """The two-digit year of an id: ``08MEXICO23`` and PlusD's ``1974ATHENS03099`` alike."""
    # isascii: "\u00b2\u00b2X1" passes isdigit() but not int() (issue 13).
    if not cable_id or not cable_id[:2].isascii() or not cable_id[:2].isdigit():
        return None
    if cable_id[:4].isascii() and cable_id[:4].isdigit() and cable_id[:2] in ("19", "20"):
        return int(cable_id[2:4])  # 1974ATHENS03099_b: a four-digit year
    return int(cable_id[:2])


def parse_envelope(
    envelope: Envelope,
    *,
    strict: bool = False,
    reference_id: str | None = None,
    spans_of: str | None = None,
    spans_line: int = 1,
) -> Cable:
    """Parse the header and body an :class:`Envelope` carries and merge in its metadata.

    Where the container and the cable disagree, the container value is kept and a defect
    records the disagreement. With ``spans_of`` (the input the envelope was read from, as
    text, whose first line is line ``spans_line`` of the envelope's source), ``Cable.spans``
    gives each field's ranges in it (:mod:`cableparse.spans`).
    """
    header_provenance: list[Any] | None = [] if spans_of is not None else None
    body_provenance: list[Any] | None = [] if spans_of is not None else None
    defects = Defects(strict=strict, reference_id=envelope.reference_id or reference_id)
    for defect in envelope.defects:
        defects.record(defect)
    defects.flat = not envelope.text_lines_are_input_lines

    header = None
    if envelope.header_text and envelope.header_text.strip():
        defects.line_offset = envelope.header_line - 1
        header = parse_header(envelope.header_text, defects, header_provenance)
    body = None
    refs_text = None
    if envelope.body_text is not None and envelope.body_text.strip():
        defects.line_offset = envelope.body_line - 1
        body, refs_text = parse_body(envelope.body_text, defects, body_provenance)
    defects.line_offset = 0

    created = _created(envelope, header, defects)
    year = _year_of(envelope.reference_id or reference_id)
    if year is None and created is not None:
        year = created.year % 100
    derived = _derived_id(body, year)
    published = envelope.reference_id or reference_id
    canonical = canonical_id(published) if published else derived
    _check_ids(published, canonical, derived, header, body, defects)
    if body is not None and refs_text:
        body = attrs.evolve(body, refs=read_refs(refs_text, year=year))
    classification = _classification(envelope, header, body, defects)
    references = _references(envelope, defects)

    if _no_cable_structure(envelope, header, body):
        # README.md converted as a cable gave "1 cables, 0 with defects" (issue 16): text with
        # nothing of a cable in it must say so, or a batch silently fills up with non-cables.
        line = envelope.body_line if envelope.body_text and envelope.body_text.strip() else envelope.header_line
        defects.add(
            "no-cable-structure",
            "no cable structure found (no header, classification line, TAGS, SUBJECT or DTG)",
            1 if defects.flat else line,
            1,
            placed=True,
        )

    return Cable(
        reference_id=published or derived,
        canonical_id=canonical,
        container=envelope.container,
        row_id=envelope.row_id,
        created=created,
        released=envelope.released,
        origin=envelope.origin,
        classification=classification,
        references=references,
        header=header,
        body=body,
        defects=tuple(defects.items),
        spans=None
        if spans_of is None
        else _spans(spans_of, spans_line, envelope, header, body, header_provenance, body_provenance),
    )


_source_text = spans.source_text  # parse() has an argument named spans


def _spans(
    source: str,
    source_line: int,
    envelope: Envelope,
    header: Header | None,
    body: Body | None,
    header_provenance: list[Any] | None,
    body_provenance: list[Any] | None,
) -> Spans:
    """Each field's ranges in ``source`` (see :mod:`cableparse.spans`)."""
    found: dict[str, tuple[Range, ...]] = {}
    raw_end = 0
    # The part lines count in the envelope's source; ``source`` may start further down (a batch
    # gives a cables.csv record's own text).
    before = source_line - 1
    header_text: str | None = header_provenance[0][0] if header is not None and header_provenance else None
    # A header without a field to point at (most cables.csv rows: "This record is a partial
    # extract ...") needs no search, and is aligned only if the body needs where it ends.
    if header is not None and header_provenance and (header.dtg_text or header.sender or header.to or header.info or header.exempted):
        header_found = spans.header_ranges(spans.Finder(header_text or ""), header, header_provenance[0][1])
        if header_found:
            text_map = spans.align(source, header_text or "", 0, envelope.container, line=max(1, envelope.header_line - before))
            text_map.all_ranges(header_found, found)
            raw_end = text_map.raw_end
            header_text = None
    if body is not None and body_provenance:
        text, builder = body_provenance[0]
        pieces = envelope.escape_pieces[1]
        # A cables.csv body: the reader kept the pieces between its escapes.
        shifted = spans.field_map(source, text, envelope.body_text, pieces, raw_end) if pieces is not None and envelope.body_text else None
        if shifted is None and header_text is not None:
            raw_end = spans.align(source, header_text, 0, envelope.container, line=max(1, envelope.header_line - before)).raw_end
        body_map = shifted or spans.align(source, text, raw_end, envelope.container, line=max(1, envelope.body_line - before))
        # A block cut by page markers keeps them (transform._split_at_markers): none, no cuts.
        cuts = [cut for block in builder.blocks for cut in block.cuts] if body.page_markers else []
        direct = (found, body_map) if isinstance(body_map, spans.ShiftMap) else None
        body_map.all_ranges(spans.body_ranges(spans.Finder(text, cuts), body, builder, direct), found)
    return spans.SpanMap(found)


def _created(envelope: Envelope, header: Header | None, defects: Defects) -> _dt.datetime | None:
    """The container's date checked against the header's DTG, else the DTG."""
    dtg = header.dtg if header else None
    created = envelope.created
    if created is None or dtg is None:
        return created if created is not None else dtg
    if envelope.created_time_reliable:
        if created != dtg:
            defects.add(
                "created-dtg-mismatch",
                f"container date {created:%Y-%m-%d %H:%M} differs from DTG {dtg:%Y-%m-%d %H:%M}",
                *defects.at("dtg"),
                placed=True,
            )
        return created
    # Cablegate pages print the hour where the minutes belong (spec 4.1): take the DTG when it
    # falls on the same day.
    if created.date() == dtg.date():
        return dtg
    defects.add(
        "created-dtg-mismatch",
        f"container date {created:%Y-%m-%d} differs from DTG {dtg:%Y-%m-%d}",
        *defects.at("dtg"),
        placed=True,
    )
    return created


def _check_ids(
    published: str | None, canonical: str | None, derived: str | None, header: Header | None, body: Body | None, defects: Defects
) -> None:
    """Defects where the published id, the classification line and FL3's serial disagree."""
    banner = body.banner if body is not None else None
    if published and derived and canonical != derived and banner is not None:
        defects.add(
            "id-banner-mismatch",
            f"id {published} does not match the classification line ({derived})",
            *defects.at("banner"),
            placed=True,
        )
    serial = banner.serial if banner is not None else None
    if (
        header
        and header.station_serial is not None
        and serial
        and serial.isascii()
        and serial.isdigit()
        and int(serial) % 10000 != header.station_serial
    ):
        defects.add(
            "serial-mismatch",
            f"FL3 serial #{header.station_serial:04d} does not match {serial}",
            *defects.at("banner"),
            placed=True,
        )


def _classification(envelope: Envelope, header: Header | None, body: Body | None, defects: Defects) -> Classification | None:
    """The container's classification checked against the cable's, else the cable's."""
    classification = parse_classification(envelope.classification) if envelope.classification else None
    cable_level = None
    if body is not None and body.banner is not None:
        cable_level = body.banner.level
    elif header is not None and header.security:
        cable_level = level_from_security(header.security)
    if classification is None and cable_level is not None:
        caveats = tuple(c for c in (body.captions if body else ()) if c in ("NOFORN",))
        return Classification(level=cable_level, caveats=caveats)
    if classification is not None and cable_level is not None and classification.level != cable_level:
        defects.add(
            "classification-mismatch",
            f"container says {classification.level}, cable says {cable_level}",
            *defects.at("banner"),
            placed=True,
        )
    return classification


def _references(envelope: Envelope, defects: Defects) -> tuple[str, ...]:
    """The container's references column as canonical ids."""
    references = []
    for reference in envelope.references:
        value = canonical_id(reference)
        if not is_cable_id(value):
            defects.add("reference-id-invalid", f"references column entry {reference!r} is not a cable id")
        references.append(value)
    return tuple(references)


def _no_cable_structure(envelope: Envelope, header: Header | None, body: Body | None) -> bool:
    """Whether the envelope had text but nothing that makes it a cable (nor container metadata)."""
    if not ((envelope.header_text and envelope.header_text.strip()) or (envelope.body_text and envelope.body_text.strip())):
        return False  # empty input has its own defect
    if envelope.reference_id is not None or envelope.row_id is not None or envelope.created is not None:
        return False  # the container (a cables.csv row, a Cablegate page) says it is a cable
    if header is not None and (header.dtg is not None or header.station or header.sender or header.to):
        return False
    return body is None or (body.banner is None and not body.tags and body.subject is None)


# --- public entry points ------------------------------------------------------------------

FORMATS = ("auto", "text", "csv", "html", "page")


def parse(
    source: str | bytes | os.PathLike[str],
    *,
    format: FormatName = "auto",
    strict: bool = False,
    reference_id: str | None = None,
    spans: bool = False,
) -> Cable:
    """Parse one cable from raw text, a cables.csv row, a Cablegate HTML page or a page.

    ``source`` is the document itself (``str`` or ``bytes``), or an :class:`os.PathLike`
    (a :class:`pathlib.Path`), which is read as :func:`parse_file` reads it. A ``str`` is
    always text, never a file name: a one-line ``str`` naming an existing file is parsed as
    text but gets a ``source-is-a-path`` defect and a :class:`UserWarning` (see docs/api.md).

    Lenient by default: returns whatever could be read, with ``defects`` for the rest. With
    ``strict=True`` the first defect raises :class:`CableParseError`, the only exception this
    function raises for text (in lenient mode only for input that is not text at all).

    With ``spans=True``, ``Cable.spans`` maps each field's path to its character ranges in
    the input (for ``bytes``, in the input decoded as UTF-8; see :mod:`cableparse.spans`).
    Off by default, so that the default costs nothing.
    """
    from .containers import detect_format, extract

    if isinstance(source, os.PathLike):
        return parse_file(source, format=format, strict=strict, reference_id=reference_id, spans=spans)
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    if not isinstance(source, (str, bytes, bytearray, memoryview)):
        raise TypeError(f"cannot parse a {type(source).__name__}; give str or bytes (the document), or a path")
    if isinstance(source, (bytearray, memoryview)):
        source = bytes(source)
    path_defect = _looks_like_a_path(source)
    if path_defect is not None and strict:
        raise CableParseError(path_defect.message, code=path_defect.code, line=1, column=1)
    if format == "auto":
        format = detect_format(source, None)
    try:
        envelope = extract(source, format)
    except CableParseError:
        raise
    except Exception as error:  # a container bug must not escape lenient mode
        # The containers are tested never to raise; this keeps the API's promise if one does.
        if strict:
            raise CableParseError(f"{format} container could not be read: {error}", code="container-error") from error
        text = source if isinstance(source, str) else source.decode("utf-8", errors="replace")
        problem = Defect(code="container-error", message=f"{format} container could not be read ({error}); parsed as text")
        envelope = Envelope(container="text", body_text=text, defects=(problem,))
    if path_defect is not None:
        envelope = attrs.evolve(envelope, defects=(path_defect, *envelope.defects))
    spans_of = None
    if spans:
        spans_of = _source_text(source)
    try:
        return parse_envelope(envelope, strict=strict, reference_id=reference_id, spans_of=spans_of)
    except CableParseError:
        raise
    except Exception as error:  # the API promises CableParseError only
        # A bug in the parser (issue 13: int() of a DE serial of thousands of digits). Strict
        # mode raises the promised error; lenient mode keeps the container's metadata and
        # says what happened in an internal-error defect rather than raising.
        message = f"internal error (a cableparse bug, please report it): {type(error).__name__}: {error}"
        if strict:
            raise CableParseError(message, code="internal-error") from error
        published = envelope.reference_id or reference_id
        return Cable(
            reference_id=published,
            canonical_id=canonical_id(published) if published else None,
            container=envelope.container,
            row_id=envelope.row_id,
            created=envelope.created,
            released=envelope.released,
            origin=envelope.origin,
            defects=(*envelope.defects, Defect(code="internal-error", message=message[:500])),
        )


def _looks_like_a_path(source: str | bytes) -> Defect | None:
    """A defect when ``source`` is a one-line ``str`` that names an existing file.

    ``parse("fixtures/x.txt")`` used to parse the file *name* as a cable, with no defect at
    all (issue 16). Reading the file instead would make the meaning of a ``str`` depend on the
    current directory, and would open files whose names arrive as text from elsewhere; so the
    text is still parsed as text, and the caller is told loudly.
    """
    if not isinstance(source, str) or not source or len(source) > 4096 or "\n" in source or "\x00" in source:
        return None
    try:
        exists = os.path.isfile(source)
    except (OSError, ValueError):  # a name too long or undecodable for this file system
        return None
    if not exists:
        return None
    message = (
        f"the text {source!r} is the name of an existing file; parse() takes the document itself: "
        "use cableparse.parse_file(path) or pass a pathlib.Path to read the file"
    )
    warnings.warn(message, UserWarning, stacklevel=3)
    return Defect(code="source-is-a-path", message=message, line=1, column=1)


def parse_file(
    path: str | os.PathLike[str],
    *,
    format: FormatName = "auto",
    strict: bool = False,
    reference_id: str | None = None,
    spans: bool = False,
) -> Cable:
    """Parse the one cable in the file at ``path`` (text, a cables.csv row, an HTML page or a page).

    Gzip is recognized by content, whatever the name. ``format="auto"`` looks at the name
    first (``.csv``, ``.csv-row``, ``.html``, with or without ``.gz``) and then at the content.
    A cables.csv with many rows gives its first; use :func:`iter_cables` for whole dumps. A
    missing or unreadable path raises the :class:`OSError` that :func:`open` raises; the
    other arguments are those of :func:`parse`.
    """
    from .containers import detect_format, gunzip_bounded

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"parse_file() takes a path, not a {type(path).__name__}")
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    with open(path, "rb") as file:
        data = file.read()
    data = gunzip_bounded(data)  # gzip by content, bounded like every other entry point
    if format == "auto":
        format = detect_format(data, os.path.basename(os.fspath(path)))
    return parse(data, format=format, strict=strict, reference_id=reference_id, spans=spans)


def iter_cables(
    source: str | IO[bytes] | IO[str] | Any,
    *,
    format: FormatName = "auto",
    errors: ErrorsMode = "raise",
    strict: bool = False,
) -> Iterator[Cable | CableError]:
    """Stream the cables of a file, a directory, an open file or ``"-"`` (stdin).

    ``errors``: ``"raise"`` stops at the first record that cannot be read, ``"skip"`` drops
    it, ``"yield"`` yields a :class:`CableError` in its place. With ``strict=True`` a record
    with a defect counts as one that cannot be read.
    """
    from .containers import iter_envelopes

    if errors not in ("raise", "skip", "yield"):
        raise ValueError(f"unknown errors mode {errors!r}; expected 'raise', 'skip' or 'yield'")
    from .pipeline import reject

    for item in iter_envelopes(source, format=format, errors=errors):
        if isinstance(item, CableError):
            yield item
            continue
        # One reject builder for every entry point (raw keeps the whole record); a parser
        # bug is a reject whose message says so, never an exception out of a stream.
        try:
            record: Cable | CableError = parse_envelope(item, strict=strict)
        except CableParseError as error:
            if errors == "raise":
                raise
            record = reject(item, error)
        except Exception as error:  # the API promises CableParseError only
            record = reject(item, error)
            if errors == "raise":
                raise CableParseError(record.message, code="internal-error", line=record.line) from error
        if errors == "skip" and isinstance(record, CableError):
            continue
        yield record

