"""Raw text cables: find where the header (ACP 127/126 format lines) ends and the body begins.

Nothing here interprets the lines beyond recognising their shape. The rules (spec 1.1, 1.12):

*Is there a header?* Look at the first :data:`LOOKAHEAD` lines after leading blank lines for an
*anchor*: a transmission id ``VZCZC...``, the partial-extract sentence, an FL2/FL3/FL4 line
(``RR RUEH...``, ``DE RUEH... #``, ``ZNY CCCCC``), an FL5 line (``R 042201Z JAN 08``), a bare DTG,
``FM``, or a ``TO``/``INFO`` line whose entry is an address (``INFO RUEHBO/AMEMBASSY BOGOTA``,
``INFO AMEMBASSY PANAMA``, not ``TO THE MINISTER``): a fragment of the address list is a
header. The line shapes are terminals of ``grammars/terminals.lark`` (``FL2_ANCHOR`` ...), built
from the same pieces as the header grammar's lines. ``VZCZC`` and the partial-extract sentence count wherever they are
(post printouts put a page of preamble before ``VZCZC``: 03ABUDHABI2641, spec 1.12 d); the
weaker anchors only count when no body front matter (``E.O.``, ``TAGS:``, ``SUBJECT:``) comes
before them, so a body that quotes another telegram's ``FM`` line is not taken for a header.
Lines before the anchor (printouts, ``PAGE 01`` blocks: 09USEUBRUSSELS1177, 1974ATHENS03099_b)
belong to the header as its preamble.

*Where does it end?* At the first of, from the anchor on:

- a classification line (``UNCLAS ...``, ``CONFIDENTIAL SECTION 01 OF 03 NEW DELHI 005138``,
  spaced ``C O N F I D E N T I A L ...``, ``SECRET``/``LIMITED OFFICIAL USE`` + origin + serial).
  Raw text files have no blank line between the INFO list and this line (06NEWDELHI5138);
- a body front-matter line (``E.O.``, ``TAGS:``, ``SUBJECT:``, ``SIPDIS``, ``Classified By``);
- a blank line once the addressee block (``FM``/``TO``/``INFO``/``XMT``) has begun, or a blank
  line before it unless more format lines follow before anything that opens a body (partial
  extracts carry a DTG, a NARA id line and a printout between blank lines: 01HOCHIMINHCITY1082).
  Inside the addressee block, an old-format page header (``PAGE 02  LAGOS  01234  271108Z``,
  with its lone classification line and blank lines) followed by more addresses does not end
  the header (spec 1.10).

The blank lines between header and body stay at the end of ``header_text`` (as in cables.csv,
whose partial-extract header field ends with ``\\n\\n``), so ``header_text + body_text`` is the
text from the header's first line on. Leading blank lines are skipped and ``header_line`` /
``body_line`` count them. Without an anchor everything is body.
"""

from __future__ import annotations

import functools
import re
from typing import Final, NamedTuple

import attrs

from ..grammar import terminal_regexes
from ..models import Defect

__all__ = ["LOOKAHEAD", "TextSplit", "is_classification_line", "split_text"]

LOOKAHEAD: Final = 60
"""Lines searched for a header anchor (spec 1.12: printouts run to ~40 lines before VZCZC)."""

_VZCZC = re.compile(r"\s*VZCZC")
_PARTIAL = re.compile(r"\s*This record is a partial extract of the original cable", re.IGNORECASE)


class _Anchors(NamedTuple):
    """The header line shapes, compiled from ``grammars/terminals.lark`` (matched on a line
    without leading white space and without its line end)."""

    fl2: re.Pattern[str]
    """FL2: precedence prosign then routing indicators only (``OR RATHER`` is not one)."""
    fl3: re.Pattern[str]
    fl4: re.Pattern[str]
    fl5: re.Pattern[str]
    dtg: re.Pattern[str]
    fm: re.Pattern[str]
    address: re.Pattern[str]
    info: re.Pattern[str]
    """FL8 INFO, not the printout's office list ``INFO  LOG-00   AF-00`` (spec 1.12 c)."""
    addressee: re.Pattern[str]
    """A TO or INFO line whose entry is an address (``INFO AMEMBASSY PANAMA``)."""
    address_line: re.Pattern[str]
    page_line: re.Pattern[str]
    lone_classification: re.Pattern[str]


_ANCHOR_TERMINALS = (
    "FL2_ANCHOR", "FL3_ANCHOR", "FL4_ANCHOR", "FL5_ANCHOR", "DTG_ANCHOR", "FM_ANCHOR", "ADDRESS_ANCHOR",
    "INFO_ANCHOR", "ADDRESSEE_ANCHOR", "ADDRESS_LINE_ANCHOR", "OLD_PAGE_LINE", "LONE_CLASSIFICATION",
)


@functools.lru_cache(maxsize=1)
def _anchors() -> _Anchors:
    # Built on first use: loading the terminals costs about 20 ms, which an import of the
    # package should not pay.
    found = terminal_regexes("terminals", _ANCHOR_TERMINALS)
    return _Anchors(*(re.compile(found[name]) for name in _ANCHOR_TERMINALS))

_FRONT_MATTER = re.compile(
    r"\s*(?:E\.\s?O\.\s*\d|EO\s+\d{5}|TAGS?\s*:|SUBJE?C?T?\s*:|SIPDIS\s*$|CLASSIFIED\s+BY\b)", re.IGNORECASE
)

_PARAGRAPH = re.compile(r"\s{0,3}\d{1,2}\.\s+\S")
_MRN_SERIAL = re.compile(r"[A-Z]\s+\d{3,}\s*$")
_SPACED_LINE = re.compile(
    r"\s*(?:C O N F I D E N T I A L|S E C R E T|T O P  ?S E C R E T|U N C L A S|L I M I T E D)\b"
)
_CLASS_WORD = re.compile(
    r"\s*(?P<word>UNCLAS(?:SIFIED)?|LIMITED OFFICIAL USE|CONFIDENTIAL|TOP SECRET|SECRET)(?![A-Z])(?P<rest>.*)$"
)
_CLASS_REST = re.compile(
    # ".*[A-Z.'] +digits": an origin word, a space, the MRN serial. A printout's page stamp
    # "UNCLASSIFIED     PTQ8986" (01HOCHIMINHCITY1265) glues letters to its digits.
    r"\s*(?:$|//|SECTION\b|E\s?F\s?T\s?O\b|NOFORN|SIPDIS\b|EXDIS\b|NODIS\b|LIMDIS\b|STADIS\b|.*[A-Za-z.'][ \t]+\d{2,}\s*$)"
)


def is_classification_line(line: str) -> bool:
    """Does ``line`` look like a body classification line (spec 2.1)?

    ``SECRET SERVICE WASHDC`` (an addressee) is not one: after the level word there must be
    nothing, a caveat, ``SECTION``, or words ending in the MRN serial digits.
    """
    if _SPACED_LINE.match(line):
        return True
    match = _CLASS_WORD.match(line)
    return match is not None and _CLASS_REST.match(match.group("rest")) is not None


def _is_anchor(line: str) -> bool:
    stripped = line.lstrip()
    anchors = _anchors()
    return bool(
        _VZCZC.match(line)
        or _PARTIAL.match(line)
        or anchors.fl2.match(stripped)
        or anchors.fl3.match(stripped)
        or anchors.fl4.match(stripped)
        or anchors.fl5.match(stripped)
        or anchors.dtg.match(stripped)
        or anchors.fm.match(stripped)
        or anchors.addressee.match(stripped)
    )


def _after_page_header(lines: list[str], start: int) -> int | None:
    """Inside the address list, at a blank line, a lone classification line or a ``PAGE``
    line: the index of the address line after an old-format page header (spec 1.10), or None
    when what follows is no page header with addresses after it."""
    anchors = _anchors()
    j = start
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j < len(lines) and anchors.lone_classification.match(lines[j].strip()):
        j += 1
        while j < len(lines) and not lines[j].strip():
            j += 1
    if j >= len(lines) or not anchors.page_line.match(lines[j].lstrip()):
        return None
    j += 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j < len(lines) and (anchors.address_line.match(lines[j].lstrip()) or anchors.info.match(lines[j].lstrip())):
        return j
    return None


def _is_body_class_line(line: str) -> bool:
    """A classification line that opens a body: not the indented stamp of a State printout
    (``                           UNCLASSIFIED     PTO9103`` in 01HOCHIMINHCITY1082)."""
    return not line.startswith("     ") and is_classification_line(line)


def _header_continues(lines: list[str], start: int) -> bool:
    """After a blank line that comes before the addressee block: do format lines follow?

    Scans ahead (at most :data:`LOOKAHEAD` lines) for a format line (``FM``, FL5, ``VZCZC``...)
    before anything that opens a body: a classification line, front matter or a numbered
    paragraph. Partial extracts put a DTG, a NARA id line (``2001HOCHI01082 - UNCLASSIFIED``)
    and a whole distribution printout between blank lines before ``FM`` (01HOCHIMINHCITY1082).
    """
    for j in range(start, min(len(lines), start + LOOKAHEAD)):
        line = lines[j]
        if not line.strip():
            continue
        if _is_anchor(line) or _anchors().info.match(line.lstrip()):
            return True
        if _is_body_class_line(line) or _FRONT_MATTER.match(line) or _PARAGRAPH.match(line):
            return False
    return False


@attrs.frozen(kw_only=True)
class TextSplit:
    """Where the header and the body of a raw text are."""

    header_text: str | None
    """Header lines (with their line ends and the blank lines after them), or None."""
    body_text: str | None
    """Body from its first non-blank line, or None when there is none."""
    header_line: int
    """1-based line of the header's first line (of the body when there is no header)."""
    body_line: int
    """1-based line of the body's first line (one past the header when there is no body)."""
    defects: tuple[Defect, ...] = ()
    """Problems found while splitting."""


def _find_anchor(lines: list[str], first: int) -> int | None:
    limit = min(len(lines), first + LOOKAHEAD)
    front_matter_seen = False
    for i in range(first, limit):
        line = lines[i]
        if _VZCZC.match(line) or _PARTIAL.match(line):
            return i
        if front_matter_seen:
            continue
        if _FRONT_MATTER.match(line):
            front_matter_seen = True
            continue
        if _MRN_SERIAL.search(line) and _is_body_class_line(line):
            # A class line with its MRN serial opens a body, unless a format line follows at
            # once: State's ACP 126 variant starts ``UNCLASSIFIED   STATE   00100153`` then FL5
            # (09STATE100153, spec 1.12 a); ``S E C R E T STATE 00119085`` before VZCZC is found
            # by the VZCZC branch. A bare ``CONFIDENTIAL`` is a printout page stamp
            # (1974ATHENS03099_b), not a body.
            if i + 1 < len(lines) and _is_anchor(lines[i + 1]):
                continue
            front_matter_seen = True
            continue
        if _is_anchor(line):
            return i
    return None


def split_text(text: str, *, line_offset: int = 0) -> TextSplit:
    """Split raw cable text (LF line ends) into header and body; see the module docstring.

    ``line_offset`` is added to the reported lines (text that starts inside a larger input).
    """
    lines = text.split("\n")
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first >= len(lines):
        return TextSplit(header_text=None, body_text=None, header_line=1 + line_offset,
                         body_line=1 + line_offset)
    anchor = _find_anchor(lines, first)
    if anchor is None:
        return TextSplit(header_text=None, body_text="\n".join(lines[first:]), header_line=first + 1 + line_offset,
                         body_line=first + 1 + line_offset)
    end = len(lines)
    addressees = False
    anchors = _anchors()
    i = anchor - 1
    while i + 1 < len(lines):
        i += 1
        line = lines[i]
        stripped = line.lstrip()
        if addressees and (not stripped or anchors.lone_classification.match(stripped)):
            # Old print format: a page header cuts the address list (spec 1.10).
            resume = _after_page_header(lines, i)
            if resume is not None:
                i = resume - 1
                continue
        if not stripped:
            if addressees:
                end = i
                break
            if _header_continues(lines, i + 1):
                continue
            end = i
            break
        if i > anchor and (_is_body_class_line(line) or _FRONT_MATTER.match(line)):
            end = i
            break
        if anchors.address.match(stripped) or anchors.info.match(stripped):
            addressees = True
    body_start = end
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    header = "\n".join(lines[first:body_start])
    if body_start < len(lines):
        header += "\n"
        body: str | None = "\n".join(lines[body_start:])
    else:
        body = None
    return TextSplit(
        header_text=header or None,
        body_text=body,
        header_line=first + 1 + line_offset,
        body_line=body_start + 1 + line_offset,
    )
