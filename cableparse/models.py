"""The typed result of parsing a cable: frozen, keyword-only attrs classes.

Models hold data only. Serialization lives in :mod:`cableparse.serialize`, rendering back to
cable text in :mod:`cableparse.render`. Every collection is a tuple so that a ``Cable`` is
hashable and safe to share between threads.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Literal

import attrs

ContainerKind = Literal["text", "csv", "html", "page"]
"""Where a cable came from: raw text, a cables.csv row, a Cablegate HTML page, or a page that
republishes a cables.csv row."""

HeaderKind = Literal["acp127", "acp126", "partial", "other"]
"""Family of the header (spec 1.1): full ACP 127 format lines, ACP 126 style (no FL1-FL4), the
"partial extract" placeholder, or anything else (printouts, junk)."""

TagKind = Literal["subject", "program", "geo", "organization", "person", "unknown"]
"""Kind of a TAGS entry (spec 2.5)."""

ReferenceKind = Literal["cable", "email", "telcon", "memo", "letter", "fam", "report", "other"]
"""Kind of a REF entry (spec 2.7)."""

LEVELS: tuple[str, ...] = (
    "UNCLASSIFIED",
    "LIMITED OFFICIAL USE",
    "CONFIDENTIAL",
    "SECRET",
    "TOP SECRET",
)
"""Classification levels, lowest first."""


@attrs.frozen(kw_only=True)
class Defect:
    """A tolerated irregularity, located in the input as given (like ``email`` defects)."""

    code: str
    """Stable kebab-case identifier, e.g. ``"tags-label-typo"``."""
    message: str
    """Human-readable explanation."""
    line: int | None = None
    """1-based line in the input as given, when known."""
    column: int | None = None
    """1-based column in the input as given, when known."""


@attrs.frozen(kw_only=True)
class Classification:
    """A classification level with its caveats (``SECRET//NOFORN``)."""

    level: str
    """One of :data:`LEVELS` when recognised, else the text as written."""
    caveats: tuple[str, ...] = ()
    """Dissemination caveats in order, e.g. ``("NOFORN",)`` or ``("FOR OFFICIAL USE ONLY",)``."""


@attrs.frozen(kw_only=True)
class Recipient:
    """One addressee line of FM/TO/INFO/XMT (spec 1.10)."""

    routing_indicator: str | None = None
    """Routing indicator before the slash (``"RUEHC"``), if any."""
    address: str
    """Plain-language address (PLAD) as written, ``"SECSTATE WASHDC"``."""
    precedence: str | None = None
    """Precedence word when the line carries one (``"IMMEDIATE"``)."""
    serial: str | None = None
    """Message continuity number as written (``"0049"``)."""
    office: str | None = None
    """Office suffix between ``//`` marks (``"J-3/J-5"``), if any."""


@attrs.frozen(kw_only=True)
class Header:
    """The ACP 127 format lines (spec 1)."""

    kind: HeaderKind = "other"
    """Header family."""
    transmission_id: str | None = None
    """FL1 as written, ``"VZCZCXRO5183"``."""
    precedence: str | None = None
    """FL2 precedence prosign as written, ``"RR"``."""
    routing_indicators: tuple[str, ...] = ()
    """FL2 routing indicators, over all wrapped lines."""
    station: str | None = None
    """FL3 originating station routing indicator, ``"RUEHME"``."""
    station_serial: int | None = None
    """FL3 station serial number (SSN), ``23``."""
    section: int | None = None
    """FL3 section/part number after the slash, ``1`` for ``#0023/01``."""
    filed: str | None = None
    """FL3 Julian filing time as written, ``"0042201"``."""
    security: str | None = None
    """FL4 as written, ``"ZNR UUUUU ZZH"``."""
    precedences: tuple[str, ...] = ()
    """FL5 precedence letters, action first (``("O", "P")``)."""
    dtg: _dt.datetime | None = None
    """FL5 date-time group as an aware UTC datetime."""
    dtg_text: str | None = None
    """FL5 date-time group as written (``"042201Z JAN 08"``); kept when it is no real date."""
    operating_signals: tuple[str, ...] = ()
    """Operating signals after the DTG on FL5 (``("ZDK",)``)."""
    sender: str | None = None
    """FM line address, ``"AMEMBASSY MEXICO"``."""
    to: tuple[Recipient, ...] = ()
    """Action addressees (TO and its continuation lines)."""
    info: tuple[Recipient, ...] = ()
    """Information addressees (INFO and its continuation lines)."""
    exempted: tuple[Recipient, ...] = ()
    """Exempted addressees (XMT lines)."""
    preamble: str | None = None
    """Lines before the format lines (printouts, partial-extract sentence), joined."""


@attrs.frozen(kw_only=True)
class Banner:
    """The classification line that opens the body (spec 2.1)."""

    level: str | None = None
    """Normalised level (``"UNCLASSIFIED"`` for ``UNCLAS``), ``None`` when unreadable."""
    marking: str
    """The marking as written, ``"UNCLAS"`` or ``"C O N F I D E N T I A L"``."""
    section: tuple[int, int] | None = None
    """``(n, m)`` from ``SECTION n OF m``."""
    origin: str | None = None
    """MRN origin words, ``"MEXICO"``."""
    serial: str | None = None
    """MRN serial as written, ``"000023"``."""


@attrs.frozen(kw_only=True)
class ExecutiveOrder:
    """The E.O. (declassification) line (spec 2.4)."""

    order: str | None = None
    """Executive order number as written, ``"12958"``."""
    declassify: str | None = None
    """Declassification instruction as written after the colon, ``"N/A"``, ``"DECL: 01/31/2016"``."""
    declassify_on: _dt.date | None = None
    """The declassification date when the line gives one."""


@attrs.frozen(kw_only=True)
class Tag:
    """One TAGS entry (spec 2.5)."""

    code: str
    """The tag as written (upper case), ``"PTER"`` or a person ``"CLINTON, HILLARY"``; tags run
    together (``PHUMBA``) come apart, with a ``tags-run-together`` defect."""
    kind: TagKind = "unknown"
    """What the tag names."""


@attrs.frozen(kw_only=True)
class Reference:
    """One entry of the REF block (spec 2.7)."""

    bullet: str | None = None
    """Its letter or number without punctuation (``"A"``), ``None`` for a single REF."""
    kind: ReferenceKind = "other"
    """What is referenced."""
    text: str
    """The entry as written (spaces collapsed), ``"STATE 145633"``."""
    cable_id: str | None = None
    """Canonical id of the cited cable when it is one, ``"08STATE145633"``."""


@attrs.frozen(kw_only=True)
class ClassifiedBy:
    """The ``Classified By`` block (spec 2.8)."""

    name: str | None = None
    """Who classified it, ``"Ambassador Tony Garza"``."""
    title: str | None = None
    """Their title or role when it is given apart from the name."""
    reasons: tuple[str, ...] = ()
    """Reasons normalised to ``"1.4(b)"`` form."""
    text: str = ""
    """The block as written, spaces collapsed; without a paragraph that a reflowed page ran
    onto the line after the reasons (that paragraph is one of the body's paragraphs)."""


@attrs.frozen(kw_only=True)
class Paragraph:
    """A paragraph of the text (spec 2.9)."""

    number: int | None = None
    """Its number, ``None`` for unnumbered text."""
    classification: str | None = None
    """Portion mark without parentheses, ``"C"``, ``"SBU"``, ``"S/NF"``."""
    text: str
    """Paragraph text without number and portion mark, markers removed."""


@attrs.frozen(kw_only=True)
class Body:
    """The cable text and its front matter (spec 2)."""

    preamble: str | None = None
    """Lines before the classification line (a date line, a metadata dump), when there are any."""
    banner: Banner | None = None
    """The classification line."""
    captions: tuple[str, ...] = ()
    """Handling captions, each once, in order (``("SIPDIS", "SENSITIVE")``)."""
    passing: tuple[str, ...] = ()
    """Passing / attention lines before the E.O. line."""
    executive_order: ExecutiveOrder | None = None
    """The E.O. line."""
    tags: tuple[Tag, ...] = ()
    """TAGS entries in order."""
    subject: str | None = None
    """SUBJECT on one line: spaces collapsed, portion mark removed."""
    subject_classification: str | None = None
    """The subject's portion mark without parentheses, ``"C"``."""
    refs: tuple[Reference, ...] = ()
    """REF entries."""
    classified_by: ClassifiedBy | None = None
    """The Classified By block."""
    paragraphs: tuple[Paragraph, ...] = ()
    """Text paragraphs after the front matter."""
    summary: str | None = None
    """Text between ``Summary:`` and ``End Summary``, spaces collapsed."""
    signers: tuple[str, ...] = ()
    """Signature names (``("BASSETT",)``)."""
    page_markers: tuple[str, ...] = ()
    """Page and section markers removed from the text, as written."""
    text: str = ""
    """Body text with page and section markers removed."""


@attrs.frozen(kw_only=True)
class Cable:
    """One diplomatic cable: container metadata, header and body."""

    reference_id: str | None = None
    """Id as published by the container, else derived (``"08MEXICO23"``)."""
    canonical_id: str | None = None
    """``canonical_id(reference_id)``."""
    container: ContainerKind = "text"
    """Where it came from."""
    row_id: int | None = None
    """cables.csv first column."""
    created: _dt.datetime | None = None
    """Container date, else header DTG (aware UTC)."""
    released: _dt.datetime | None = None
    """Release date (HTML pages only)."""
    origin: str | None = None
    """Human post name, ``"Embassy Mexico"``."""
    classification: Classification | None = None
    """Container value, else from the body banner or header."""
    references: tuple[str, ...] = ()
    """Container references column as canonical ids."""
    header: Header | None = None
    """ACP 127 format lines, ``None`` when the cable has none."""
    body: Body | None = None
    """Body, ``None`` when there is no text at all."""
    defects: tuple[Defect, ...] = ()
    """Everything irregular that was tolerated, in input order."""
    spans: Mapping[str, tuple[tuple[int, int], ...]] | None = attrs.field(default=None, eq=False, repr=False)
    """With ``parse(..., spans=True)``: field path (``"body.subject"``, ``"body.tags[2]"``) to
    its ``(start, end)`` character ranges in the input as given; ``None`` otherwise. Not part
    of equality: two parses of one cable are equal with or without spans."""


@attrs.frozen(kw_only=True)
class CableError:
    """A record that could not be read, yielded in its place by ``errors="yield"``."""

    message: str
    """Why it could not be read."""
    source: str | None = None
    """File (or ``"<stdin>"``) it came from."""
    offset: int | None = None
    """Byte offset of the record in the source."""
    line: int | None = None
    """1-based line of the record in the source."""
    raw: str = ""
    """The record's text, so nothing is lost."""
