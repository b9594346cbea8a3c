"""A cables.csv row embedded in other text: news republications (spec 3.6, the SEED page).

The row is found by its start, a line matching ``^\\d+,\\d{1,2}/\\d{1,2}/\\d{4} \\d{1,2}:\\d\\d,``
(quotes around the first two fields tolerated), and read with the cables.csv field logic of
:mod:`~cableparse.containers.csvfile` in *page* mode: the row ends after its 8th field whatever
follows, and the 8th field only closes at a quote followed by a line end (a site that dropped
the backslashes of ``\\"`` must not end the body at the first ``"no",``).

Lost closing quote (the SEED: scoop.co.nz printed ``...Leslie BASSETT`` and then its own
footer, without the row's final ``"``). Rule chosen: the body runs to the end of the text, then
is cut before the first line that *cannot belong to a telegram*, and trailing blank lines are
dropped. A line cannot belong to a telegram when it holds a character that no teletype sent and
that the Cablegate export never produced: a symbol (Unicode category ``So``: ``©``, ``®``,
``™``), a bullet (``•``, ``·``) or a no-break/other non-ASCII space. Curly quotes and dashes are
*not* such characters (drafting software put them in cables.csv). For the SEED the cut falls
on ``© Scoop Media``. A ``csv-unterminated-quote`` defect records where the body's opening quote
is and where the cut was made.
"""

from __future__ import annotations

import re
import unicodedata

import attrs

from ..envelope import Envelope
from ..models import Defect
from ._common import line_col
from .csvfile import read_csv_document

__all__ = ["ROW_START", "find_row", "read_page", "trim_boilerplate"]

ROW_START = re.compile(r'^"?\d+"?,"?\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d"?,', re.MULTILINE)
"""Start of a cables.csv row at a line start (spec 3.6)."""

_BULLETS = frozenset("\u2022\u00b7\u2023\u25e6\u2043")


def _foreign_line(line: str) -> bool:
    """Does ``line`` hold a character no telegram can contain (see the module docstring)?"""
    if line.isascii():
        return False
    for char in line:
        if char.isascii():
            continue
        if char in _BULLETS:
            return True
        category = unicodedata.category(char)
        if category == "So" or category == "Zs":
            return True
    return False


def trim_boilerplate(body: str) -> tuple[str, int | None]:
    """Cut ``body`` before its first foreign line; returns (text, 0-based index of that line)."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if i > 0 and _foreign_line(line):
            kept = lines[:i]
            while kept and not kept[-1].strip():
                kept.pop()
            return "\n".join(kept), i
    kept = lines
    while len(kept) > 1 and not kept[-1].strip():
        kept = kept[:-1]
    return "\n".join(kept), None


def find_row(text: str) -> int | None:
    """Character index of the first embedded cables.csv row start in ``text``, or None."""
    match = ROW_START.search(text)
    return None if match is None else match.start()


def read_page(text: str, *, source: str | None = None) -> Envelope | None:
    """Envelope of the first cables.csv row embedded in ``text``; None when there is none."""
    index = find_row(text)
    if index is None:
        return None
    data = text.encode("utf-8")
    start = len(text[:index].encode("utf-8"))
    row_line = text.count("\n", 0, index) + 1
    found = read_csv_document(data, container="page", page=True, start=start, line=row_line, source=source)
    if found is None:  # pragma: no cover - the regex guarantees a row
        return None
    envelope, scan = found
    if scan.problem != "unterminated":
        return envelope
    # Lost closing quote: cut the page boilerplate off the last field (see module docstring).
    defects = [d for d in envelope.defects if d.code != "csv-unterminated-quote"]
    opened = data[: scan.problem_at].decode("utf-8", errors="replace")
    line, column = line_col(opened + "x", len(opened))
    field = len(scan.spans)
    if field == 8:
        body, cut = trim_boilerplate(envelope.body_text or "")
        where = "" if cut is None else f"; cut before page line {envelope.body_line + cut} (not telegram text)"
        defects.insert(0, Defect(
            code="csv-unterminated-quote",
            message=f"the body's closing quote is missing (opened at line {line}, column {column}){where}",
            line=line, column=column,
        ))
        return attrs.evolve(envelope, body_text=body or None, defects=tuple(defects))
    defects.insert(0, Defect(
        code="csv-unterminated-quote",
        message=f"field {field} is not closed (opened at line {line}, column {column}); the row is incomplete",
        line=line, column=column,
    ))
    return attrs.evolve(envelope, defects=tuple(defects))
