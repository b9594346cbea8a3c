"""The catalogue of defect and error codes: every code cableparse emits, with its meaning.

A :class:`~cableparse.models.Defect` code is public API: users count them (``cableparse check``),
filter on them and store them. This module is the one place they are listed, in the manner of
the standard library's ``email.errors``: each code has a one-line meaning and the section of the
cable format specification (``shared/spec/cable-format.md``) that describes the irregularity.

- :data:`DefectCode` is the ``Literal`` type of every defect code. ``Defects.add`` takes one, so
  that ``mypy --strict`` rejects a misspelt code instead of silently creating a new "stable" one.
- :data:`ErrorCode` is the same for the codes that only :class:`~cableparse.CableParseError`
  carries (input refused as a whole, misuse). In strict mode a ``CableParseError`` carries the
  defect code of the first defect instead.
- :data:`DEFECT_CODES` and :data:`ERROR_CODES` map each code to its :class:`CodeInfo`.
- :func:`catalogue_markdown` renders the table of ``docs/defects.md``
  (:func:`write_catalogue` regenerates it; ``tests/test_defects.py`` fails when it is stale).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Literal

import attrs

DefectCode = Literal[
    # Input and encoding
    "empty-input",
    "nul-character",
    "invalid-utf8",
    "decoded-cp1252",
    "container-error",
    "no-cable-structure",
    "source-is-a-path",
    "internal-error",
    "integer-out-of-range",
    # cables.csv rows
    "csv-column-count",
    "csv-unterminated-quote",
    "csv-stray-quote",
    "csv-doubled-quote",
    "csv-escaped-newline",
    "csv-escaped-nul",
    "csv-nul-byte",
    "csv-row-id",
    "csv-created",
    "page-no-row",
    # Cablegate HTML pages
    "html-unparsable",
    "html-nesting-too-deep",
    "html-unclosed-pre",
    "html-extra-pre",
    "html-dump-row",
    "html-no-pre",
    "html-metadata-missing",
    "html-created",
    # Header (ACP 127 format lines)
    "header-unexpected-line",
    "header-unreadable",
    "header-unparsed",
    "fl3-irregular",
    "fl3-number-too-long",
    "fl2-unreadable",
    "fl3-unreadable",
    "fl4-unreadable",
    "fl5-irregular-precedence",
    "addressee-unreadable",
    "dtg-unreadable",
    "dtg-invalid",
    "dtg-mixed-case-month",
    "page-line-in-addressees",
    # Body front matter
    "body-unexpected-line",
    "body-unreadable",
    "reflowed-front-matter",
    "text-before-banner",
    "duplicate-banner",
    "duplicate-eo",
    "tags-label-typo",
    "tags-run-together",
    "duplicate-subject",
    "subject-label-typo",
    # Container against cable
    "created-dtg-mismatch",
    "id-banner-mismatch",
    "serial-mismatch",
    "classification-mismatch",
    "reference-id-invalid",
]
"""Every code a :class:`~cableparse.models.Defect` can carry (the keys of :data:`DEFECT_CODES`)."""

ErrorCode = Literal[
    "unreadable",
    "not-text",
    "io-error",
    "bad-format",
    "bad-errors-mode",
    "bad-source",
    "unreadable-record",
    "container-error",
    "internal-error",
    "record-too-large",
]
"""Codes a :class:`~cableparse.CableParseError` carries besides defect codes (strict mode)."""


@attrs.frozen(kw_only=True)
class CodeInfo:
    """What one code means and where the specification describes the irregularity."""

    code: str
    """The stable kebab-case code, e.g. ``"tags-label-typo"``."""
    meaning: str
    """One line: what was irregular and what the parser did about it."""
    section: str | None
    """Section of the cable format specification, e.g. ``"2.5"`` (``SECTIONS`` gives its title);
    ``None`` for misuse of the API, which no section describes."""

    @property
    def section_title(self) -> str:
        """The section number with its title, e.g. ``"2.5 TAGS"``; ``"-"`` without a section."""
        return "-" if self.section is None else f"{self.section} {SECTIONS[self.section]}"


SECTIONS: Mapping[str, str] = MappingProxyType({
    "1.2": "Canonical line order",
    "1.5": "Routing indicators (RI)",
    "1.6": "FL3",
    "1.7": "FL4 — security warning and handling",
    "1.8": "FL5",
    "1.10": "FL7 TO, FL8 INFO",
    "1.12": "Non-ACP-127 header variants",
    "2": "Body front matter and text",
    "2.1": "Classification line",
    "2.4": "E.O. line",
    "2.5": "TAGS",
    "2.6": "SUBJECT",
    "3.1": "cables.csv file facts",
    "3.2": "cables.csv columns",
    "3.3": "Classification column values",
    "3.5": "Quoting and escaping",
    "3.6": "Republished rows",
    "4.1": "WikiLeaks Cablegate HTML page",
    "4.2": "PlusD",
    "5.2": "Canonical id",
    "6": "Irregularities a robust parser must tolerate",
})
"""Titles (shortened) of the specification sections that codes point at."""


def _table(rows: Iterable[tuple[str, str, str | None]]) -> Mapping[str, CodeInfo]:
    return MappingProxyType({code: CodeInfo(code=code, meaning=meaning, section=section)
                             for code, meaning, section in rows})


DEFECT_CODES: Mapping[str, CodeInfo] = _table([
    ("empty-input", "no cable text at all (an empty document, or a cables.csv file without a row)", "6"),
    ("nul-character", "NUL characters in a text document were removed", "6"),
    ("invalid-utf8", "bytes that are not UTF-8 were replaced by U+FFFD", "3.1"),
    ("decoded-cp1252", "the document is 8-bit text, not UTF-8, and was decoded as Windows-1252", "3.1"),
    ("container-error", "the container reader failed (a cableparse bug); the input was parsed as plain text",
     "6"),
    ("no-cable-structure", "the input has text but nothing of a cable: no header, classification line, TAGS, "
     "SUBJECT or DTG, and no container metadata (a README converted as a cable)", "6"),
    ("source-is-a-path", "parse() was given a one-line str that names an existing file: the name was parsed as "
     "text (use parse_file or a pathlib.Path to read the file)", None),
    ("internal-error", "a bug in cableparse stopped the parse; the container's metadata is kept (please report it)",
     "6"),
    ("integer-out-of-range", "a number does not fit in 64 bits; the SQLite and Parquet sinks store it as null", "3.2"),
    ("csv-column-count", "a cables.csv row does not have 8 fields; missing fields are empty", "3.2"),
    ("csv-unterminated-quote", "a quoted cables.csv field is never closed; it runs to the end of the input",
     "3.6"),
    ("csv-stray-quote", "a quote inside a quoted field is not escaped; kept as a literal character", "3.5"),
    ("csv-doubled-quote", 'an RFC 4180 doubled quote "" was read as one quote', "3.5"),
    ("csv-escaped-newline", "a backslash-newline in a field was read as a newline", "3.5"),
    ("csv-escaped-nul", "a MySQL NUL escape \\0 in a field was dropped", "3.5"),
    ("csv-nul-byte", "a NUL byte inside a cables.csv field was removed", "3.5"),
    ("csv-row-id", "the first column (row id) is not a number", "3.2"),
    ("csv-created", "the created column is not M/D/YYYY H:MM", "3.2"),
    ("page-no-row", "a page holds no cables.csv row; it was read as raw cable text", "3.6"),
    ("html-unparsable", "the HTML parser stopped part-way through the page", "4.1"),
    ("html-nesting-too-deep", "elements nested more than 128 deep (a hostile page); the deeper start tags were read as text", "4.1"),
    ("html-unclosed-pre", "a <pre> block is not closed before the end of the page", "4.1"),
    ("html-extra-pre", "the page has more than two <pre> blocks; the middle ones are ignored", "4.1"),
    ("html-dump-row", "the body <pre> holds a row of the tab-separated database dump; its body column is read", "4.1"),
    ("html-no-pre", "the page has no cable text (<pre> block or PlusD raw content pane)", "4.1"),
    ("html-metadata-missing", "the page has no <table class='cable'> metadata table", "4.1"),
    ("html-created", "the page's created date is not YYYY-MM-DD HH:MM", "4.1"),
    ("header-unexpected-line", "a header line out of the ACP 127 line order was skipped", "1.2"),
    ("header-unreadable", "the header text could not be tokenized; kept whole as the preamble", "1.12"),
    ("header-unparsed", "the header grammar failed; the header was kept as unparsed text", "1.12"),
    ("fl3-irregular", "the FL3 line lacks a station serial number", "1.6"),
    ("fl3-number-too-long", "an FL3 serial or section number has too many digits to be one; it is left out", "1.6"),
    ("fl2-unreadable", "the FL2 routing line does not fit its field grammar; its values are left out", "1.5"),
    ("fl3-unreadable", "the FL3 line does not fit its field grammar; its values are left out", "1.6"),
    ("fl4-unreadable", "the FL4 security line does not fit its field grammar; its values are left out", "1.7"),
    ("fl5-irregular-precedence", "the FL5 precedence letters are irregular (RR, lower case, X); the DTG is read",
     "1.8"),
    ("addressee-unreadable", "an addressee line does not fit the addressee grammar; it is left out", "1.10"),
    ("dtg-unreadable", "the date-time group of FL5 cannot be read", "1.8"),
    ("dtg-invalid", "the date-time group names no real date (day 31 of a 30-day month, hour 25)", "1.8"),
    ("dtg-mixed-case-month", "the month of the date-time group is not upper case", "1.8"),
    ("page-line-in-addressees", "a page header line inside the TO/INFO addressees was dropped", "1.10"),
    ("body-unexpected-line", "a body line out of the front-matter order was skipped", "2"),
    ("body-unreadable", "the body text could not be tokenized; kept whole as text", "2"),
    ("reflowed-front-matter", "front-matter items (E.O., TAGS, SUBJECT) run onto one line, as on reflowed pages",
     "6"),
    ("text-before-banner", "lines precede the classification line", "2.1"),
    ("duplicate-banner", "the classification line is repeated; the copy is ignored", "2.1"),
    ("duplicate-eo", "a second E.O. line was ignored", "2.4"),
    ("tags-label-typo", "the TAGS label is misspelt or in an unusual case (TAG, AGS, TAGE)", "2.5"),
    ("tags-run-together", "tags written without separators were split (PHUMBA: PHUM BA)", "2.5"),
    ("duplicate-subject", "a second SUBJECT line was ignored", "2.6"),
    ("subject-label-typo", "the SUBJECT label is misspelt (UBJECT)", "2.6"),
    ("created-dtg-mismatch", "the container's created date differs from the header's DTG; the container's is kept",
     "3.2"),
    ("id-banner-mismatch", "the published id does not match the classification line's origin and serial",
     "5.2"),
    ("serial-mismatch", "the FL3 station serial does not match the classification line's serial", "1.6"),
    ("classification-mismatch", "the container's classification differs from the cable's; the container's is kept",
     "3.3"),
    ("reference-id-invalid", "an entry of the references column is not a cable id", "3.2"),
])
"""Every defect code, with its meaning and spec section, in catalogue order."""

ERROR_CODES: Mapping[str, CodeInfo] = _table([
    ("unreadable", "the record or document cannot be read (the default code)", "6"),
    ("not-text", "the input is not text at all (mostly NUL or control bytes, binary, broken gzip)", "6"),
    ("io-error", "a path does not exist or cannot be read", None),
    ("bad-format", "an unknown format name was given", None),
    ("bad-errors-mode", "an unknown errors mode was given (raise, skip, yield)", None),
    ("bad-source", "the source is neither a path, an open file nor '-'", None),
    ("unreadable-record", "a record of a stream cannot be read (errors='raise')", "3.5"),
    ("container-error", "the container reader failed (a cableparse bug), in strict mode", "6"),
    ("internal-error", "a bug in cableparse stopped the parse, in strict mode (please report it)", "6"),
    ("record-too-large", "a record is over the 128 MiB record limit (also after decompression)", "3.5"),
])
"""Codes that only :class:`~cableparse.CableParseError` carries, with meaning and spec section."""


def describe(code: str) -> CodeInfo:
    """The :class:`CodeInfo` of a defect or error code; ``ValueError`` for an unknown code."""
    info = DEFECT_CODES.get(code) or ERROR_CODES.get(code)
    if info is None:
        raise ValueError(f"{code!r} is not a registered cableparse defect or error code")
    return info


def unregistered(codes: Iterable[str]) -> list[str]:
    """The codes of ``codes`` that are not registered defect codes, sorted, each once."""
    return sorted({code for code in codes if code not in DEFECT_CODES})


def catalogue_markdown() -> str:
    """The Markdown page ``docs/defects.md``: the tables of :data:`DEFECT_CODES` and :data:`ERROR_CODES`."""
    lines = [
        "# Defect codes",
        "",
        "<!-- Generated by cableparse.defects.write_catalogue('docs/defects.md'); do not edit by hand. -->",
        "",
        "Every `Defect.code` cableparse emits is listed here, with what it means and the section of",
        "the cable format specification (`shared/spec/cable-format.md`) that describes the",
        "irregularity. The codes are stable: a code is never renamed or reused for another meaning.",
        "In Python the same table is `cableparse.DEFECT_CODES` (code to `CodeInfo`), and",
        "`cableparse.defects.DefectCode` is its `Literal` type. In strict mode, `CableParseError.code`",
        "is the code of the first defect.",
        "",
        "| code | meaning | spec |",
        "|---|---|---|",
    ]
    lines += [f"| `{i.code}` | {_cell(i.meaning)} | {i.section_title} |" for i in DEFECT_CODES.values()]
    lines += [
        "",
        "## Error codes",
        "",
        "Codes that only `CableParseError` carries, for input refused as a whole",
        "(`cableparse.defects.ERROR_CODES`, `cableparse.defects.ErrorCode`).",
        "",
        "| code | meaning | spec |",
        "|---|---|---|",
    ]
    lines += [f"| `{i.code}` | {_cell(i.meaning)} | {i.section_title} |" for i in ERROR_CODES.values()]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    # Markdown tables end a cell at "|" and render "<pre>" as a tag.
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")



def write_catalogue(path: str | os.PathLike[str]) -> None:
    """Write :func:`catalogue_markdown` to ``path`` (``docs/defects.md`` of a checkout)."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(catalogue_markdown())
