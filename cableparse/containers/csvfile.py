"""Streaming reader for the Cablegate ``cables.csv`` (spec section 3).

The file has 8 columns and no header row::

    row_id, created (M/D/YYYY H:MM, UTC), reference_id, origin, classification,
    references (``|``-separated), header text, body text

It is a MySQL ``SELECT ... INTO OUTFILE`` export (spec 3.5): fields enclosed in ``"`` (any field
may also be bare), ``\\`` as escape character, newlines inside quoted fields kept literally.

How the reader works
--------------------
A hand-written scanner over *bytes*: the file is read in chunks of :data:`CHUNK_SIZE` and a
record is cut out of the buffer with ``bytes.find`` hops (quote to quote inside quoted fields,
comma/newline for bare fields), so there is no per-character Python loop. Only the bytes of a
record are decoded (UTF-8, per field). Memory holds one chunk plus the largest record; a record
that grows beyond :data:`MAX_RECORD_BYTES` without closing its quotes is given up as malformed.

Escapes (spec 3.5; decided here):

* ``\\"`` -> ``"``, ``\\\\`` -> ``\\``, ``\\'`` -> ``'`` (the real rows are full of ``\\'``:
  ``BRAZIL\\'S ARSLANIAN`` in 03BRASILIA2231), backslash-newline -> newline (defect
  ``csv-escaped-newline``: the real file keeps newlines literal).
* ``\\0`` is MySQL's spelling of a NUL character. A NUL has no place in telegram text (and breaks
  most downstream tools), so ``\\0`` is **dropped** with a ``csv-escaped-nul`` defect.
* ``\\,`` -> ``,`` in bare fields only (MySQL escapes the separator only when fields are not
  enclosed).
* Every other backslash pair is kept verbatim: real text contains literal backslashes
  (``CONFIDENTIAL\\nPAGE 02 ROME`` in 02ROME1196).
* RFC 4180 ``""`` inside a quoted field -> ``"`` (defect ``csv-doubled-quote``).
* A quote inside a quoted field that is neither escaped, doubled, nor followed by a comma or a
  line end is kept as a literal character (defect ``csv-stray-quote``).
* CRLF record ends are accepted; CRLF inside fields becomes LF (a file converted to DOS line
  ends; line numbers are unchanged).

Malformed records (unterminated quote, a column count other than 8, a NUL byte in a bare
field, a row id that is not a number, a record beyond :data:`MAX_RECORD_BYTES`) are yielded as
:class:`~cableparse.models.CableError` carrying the raw text; the reader then resynchronises at
the next line that looks like a record start (``"?<digits>"?,"?M/D/YYYY H:MM"?,``) and goes on,
so that rows in == envelopes + errors out.

The reader is three modules: :mod:`.csvscan` cuts records into field spans over a byte
window (scanning), this module turns spans into envelopes or rejects (envelopes), and
:mod:`.csvsplit` finds verified record starts (split points). Everything public is importable
from here.

Splitting for parallel readers
------------------------------
:func:`split_byte_ranges` cuts a file at *verified* record starts, and
:func:`iter_csv_envelopes` snaps its ``start`` and ``end`` to the same verified starts, so the
ranges of a split, read independently, give exactly the records of one sequential pass. A
candidate offset ``c`` is accepted when (1) it begins a line matching the record-start
pattern, (2) the line before it ends with an unescaped closing quote (when the file's first
record, or the records read from ``c``, have a quoted last field, as all real rows do) and (3)
the next
:data:`VERIFY_RECORDS` records parse cleanly. Inside a backslash-escaped quoted body no line can
end with an unescaped quote, so continuation lines that look like rows (``123,"``, or a whole
fake row) are never chosen. Residual risk: a body line ending in an RFC-doubled quote ``""``
immediately followed by lines that parse as clean rows; the effect would be one record read as
two (an extra record), never a lost one.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterator
from typing import IO, Final

from ..envelope import Envelope
from ..models import CableError, ContainerKind, Defect
from . import _common
from ._common import RAW_PREFIX_BYTES, too_large_record
from .csvscan import (
    BLANK_LINES,
    CHUNK_SIZE,
    N_COLUMNS,
    ROW_START,
    Bytes,
    ScanResult,
    Window,
    resync,
    scan_record,
    skip_record,
)
from .csvsplit import TO_EOF, VERIFY_RECORDS, quoted_style, snap, split_byte_ranges, stream_size

__all__ = [
    "CHUNK_SIZE",
    "MAX_RECORD_BYTES",
    "N_COLUMNS",
    "TO_EOF",
    "VERIFY_RECORDS",
    "ScanResult",
    "iter_csv_envelopes",
    "parse_created",
    "read_csv_document",
    "read_record_at",
    "split_byte_ranges",
    "split_references",
]

MAX_RECORD_BYTES: Final = _common.MAX_RECORD_BYTES
"""A record that has not ended after 128 MiB is malformed (the largest real body is far below
1 MiB; the limit keeps memory flat when a quote is never closed). The readers use
:data:`cableparse.containers._common.MAX_RECORD_BYTES` at call time; this is its value."""

_Scan = ScanResult  # the old private name, for code that reached for it

# Kept importable from here: the row-start pattern is part of how the format is described.
_ROW_START = ROW_START
_CREATED = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d\d)(?::(\d\d))?\s*")
_UNESCAPE_SLOW = re.compile(r'\\(.)|""', re.DOTALL)
_BOM = b"\xef\xbb\xbf"
_UTC = _dt.timezone.utc
_INT64_MAX = (1 << 63) - 1
_ROW_ID_DIGITS = 19


def parse_created(value: str) -> _dt.datetime | None:
    """Column 2, ``M/D/YYYY H:MM`` (24-hour clock, UTC; spec 3.2), as an aware datetime."""
    try:  # fast path for the exact real shape
        day, time = value.split(" ")
        month_s, day_s, year_s = day.split("/")
        hour_s, minute_s = time.split(":")
        if len(year_s) == 4 and len(minute_s) == 2 and len(month_s) <= 2 and len(day_s) <= 2 and len(hour_s) <= 2:
            return _dt.datetime(int(year_s), int(month_s), int(day_s), int(hour_s), int(minute_s), tzinfo=_UTC)
    except ValueError:
        pass
    match = _CREATED.fullmatch(value)
    if match is None:
        return None
    month, day, year, hour, minute, second = match.groups()
    try:
        return _dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=_dt.timezone.utc
        )
    except ValueError:
        return None


def split_references(value: str) -> tuple[str, ...]:
    """Column 6: ids separated by ``|`` (spec 3.2); ``,`` only when there is no ``|``."""
    if not value:
        return ()
    separator = "|" if "|" in value or "," not in value else ","
    return tuple(part.strip() for part in value.split(separator) if part.strip())


class _Record:
    """Turns one scanned record into an :class:`Envelope` (or the reason it cannot be one)."""

    __slots__ = ("buf", "defects", "escape_pieces", "line", "pos")

    def __init__(self, buf: Bytes, pos: int, line: int) -> None:
        self.buf = buf
        self.pos = pos
        self.line = line
        self.defects: list[Defect] = []
        self.escape_pieces: list[str] | None = None
        """The last field's pieces between its backslash escapes (see Envelope.escape_pieces)."""

    def where(self, at: int) -> tuple[int, int]:
        """File line and column (in characters) of buffer index ``at``."""
        buf = self.buf
        start = buf.rfind(b"\n", 0, at) + 1
        line = self.line + buf.count(b"\n", self.pos, at)
        column = len(buf[start:at].decode("utf-8", errors="replace")) + 1
        return line, column

    def add(self, code: str, message: str, at: int) -> None:
        """Record a defect at buffer index ``at``."""
        line, column = self.where(at)
        self.defects.append(Defect(code=code, message=message, line=line, column=column))

    def decode_bad(self, raw: Bytes, a: int) -> str:
        """Decode a field with invalid UTF-8 (replacement characters plus a defect)."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            self.add("invalid-utf8", f"invalid UTF-8 at byte {a + error.start - self.pos} of the record replaced",
                     a + error.start)
            return raw.decode("utf-8", errors="replace")

    def unescape(self, value: str, a: int, quoted: bool, doubled: bool) -> str:
        """Resolve the backslash escapes of a field value that contains a backslash.

        Fast path (almost every real body: ``\\'`` and ``\\"`` only): split on backslashes, and
        when every piece after one starts with a quote character, join without them. Anything
        else goes through the left-to-right slow path. (``str.replace`` and multi-character
        ``in`` tests measured 5x slower than this on real bodies.)
        """
        if not doubled:
            parts = value.split("\\")
            if len(parts) > 64:
                # Many escapes: counting beats a Python loop over the pieces. Equal counts mean
                # every backslash is followed by a quote character.
                if len(parts) - 1 == value.count("\\'") + value.count('\\"'):
                    self.escape_pieces = parts
                    return "".join(parts)
            else:
                for part in parts[1:]:
                    if not part or (part[0] != "'" and part[0] != '"'):
                        break
                else:
                    self.escape_pieces = parts
                    return "".join(parts)
        return self._unescape_slow(value, a, quoted)

    def _unescape_slow(self, value: str, a: int, quoted: bool) -> str:
        """Left-to-right unescaping for the rare fields with ``\\\\``, ``\\0``, ``\\<LF>`` or ``""``."""
        seen: dict[str, int] = {}

        def replace(match: re.Match[str]) -> str:
            char = match.group(1)
            if char is None:  # ""
                if quoted:
                    seen.setdefault("csv-doubled-quote", match.start())
                    return '"'
                return match.group(0)
            if char in "\\\"'":
                return char
            if char == "\n":
                seen.setdefault("csv-escaped-newline", match.start())
                return "\n"
            if char == "0":
                seen.setdefault("csv-escaped-nul", match.start())
                return ""
            if char == "," and not quoted:
                return ","
            return match.group(0)

        result = _UNESCAPE_SLOW.sub(replace, value)
        messages = {
            "csv-doubled-quote": 'RFC 4180 doubled quote "" read as one quote',
            "csv-escaped-newline": "backslash-newline read as a newline",
            "csv-escaped-nul": "MySQL NUL escape \\0 dropped",
        }
        for code, index in seen.items():
            at = a + len(value[:index].encode("utf-8"))
            self.add(code, messages[code], at)
        return result

    def build(  # noqa: C901 - the eight columns in order, each with its own repair; one place reads them
        self, scan: ScanResult, *, lenient: bool, source: str | None, offset: int, container: ContainerKind = "csv"
    ) -> Envelope | str:
        """The envelope, or (when not ``lenient``) the reason the record is unreadable."""
        buf = self.buf
        spans = scan.spans
        problem = _describe(scan, self)
        if problem is not None and not lenient:
            return problem
        if problem is not None:
            code = "csv-unterminated-quote" if scan.problem == "unterminated" else "csv-column-count"
            self.add(code, problem, scan.problem_at if scan.problem_at >= 0 else self.pos)
        for a, b, quoted in spans:
            if not quoted and buf.find(b"\x00", a, b) >= 0:
                message = "NUL byte in a bare field"
                if not lenient:
                    return message
                self.add("csv-nul-byte", message, buf.index(b"\x00", a, b))
        if scan.stray_at >= 0:
            self.add("csv-stray-quote", "quote inside a quoted field kept as a literal character", scan.stray_at)
        doubled = scan.doubled
        first, stop = spans[0][0], spans[-1][1]
        has_cr = buf.find(b"\r", first, stop) >= 0
        has_nul = buf.find(b"\x00", first, stop) >= 0
        values: list[str] = []
        # The header's and body's pieces between escapes, for field spans (Envelope.escape_pieces).
        pieces: list[list[str] | str | None] = [None, None]
        one_for_one = not has_cr and not has_nul  # the text's characters are the row's
        for index, (a, b, quoted) in enumerate(spans[:N_COLUMNS]):
            raw = buf[a:b]
            try:
                value = raw.decode("utf-8")
            except UnicodeDecodeError:
                value = self.decode_bad(raw, a)
                one_for_one = False  # replacement characters
            if has_cr and "\r" in value:
                value = value.replace("\r\n", "\n")
            if has_nul and "\x00" in value:
                # Only reachable in quoted fields (a NUL in a bare field rejects the record).
                self.add("csv-nul-byte", "NUL character removed from a quoted field", a + raw.index(b"\x00"))
                value = value.replace("\x00", "")
            if "\\" in value:
                self.escape_pieces = None
                value = self.unescape(value, a, quoted, doubled)
                if index >= 6 and one_for_one:
                    pieces[index - 6] = self.escape_pieces
            elif doubled and quoted and '""' in value:
                value = self._unescape_slow(value, a, quoted)
            elif index >= 6 and one_for_one:
                pieces[index - 6] = value  # no escape: the text is the field as written
            values.append(value)
        values += [""] * (N_COLUMNS - len(values))
        row_text = values[0].strip()
        row_id: int | None = None
        if row_text.isascii() and row_text.isdigit():
            # Bounded before int(): a row id of thousands of digits hit int()'s string length
            # limit and aborted whole batches, and one above 2^63 broke the SQLite and Parquet
            # sinks (issue 13). Real row ids have at most 6 digits.
            if len(row_text) <= _ROW_ID_DIGITS and int(row_text) <= _INT64_MAX:
                row_id = int(row_text)
            elif not lenient:
                return f"row id {values[0][:40]!r} is out of range (more than a 64-bit integer)"
            else:
                self.add("csv-row-id", f"row id {values[0][:40]!r} is out of range (more than a 64-bit integer)",
                         spans[0][0])
        elif not lenient:
            return f"row id {values[0][:40]!r} is not a number"
        else:
            self.add("csv-row-id", f"row id {values[0][:40]!r} is not a number", spans[0][0] if spans else self.pos)
        created = parse_created(values[1])
        if created is None and len(spans) > 1:
            self.add("csv-created", f"created {values[1][:40]!r} is not M/D/YYYY H:MM", spans[1][0])
        header_line = body_line = self.line
        if len(spans) > 6:
            header_line = self.line + buf.count(b"\n", self.pos, spans[6][0])
        if len(spans) > 7:
            body_line = header_line + buf.count(b"\n", spans[6][0], spans[7][0])
        return Envelope(
            container=container,
            header_text=values[6] or None,
            body_text=values[7] or None,
            header_line=header_line,
            body_line=body_line,
            row_id=row_id,
            reference_id=values[2].strip() or None,
            created=created,
            origin=values[3] or None,
            classification=values[4] or None,
            references=split_references(values[5]),
            source=source,
            offset=offset,
            line=self.line,
            defects=tuple(self.defects),
            escape_pieces=(pieces[0], pieces[1]),
        )


def _describe(scan: ScanResult, record: _Record) -> str | None:
    """Why a scanned record is structurally broken, or None."""
    if scan.problem == "unterminated":
        line, column = record.where(scan.problem_at)
        return (f"unterminated quoted field {len(scan.spans)} (quote opened at line {line}, column {column}); "
                "the record runs to the end of the input")
    if scan.problem == "columns":
        return f"record has {len(scan.spans)} columns, expected {N_COLUMNS}"
    return None


def _runaway(record: _Record, scan: ScanResult, stop: int) -> str | None:
    """Explain a record that ran into the next one: which quoted field was never closed."""
    for index, (a, b, quoted) in enumerate(scan.spans):
        if quoted and a <= stop <= b + 1:
            line, column = record.where(a - 1)
            next_line = record.where(stop)[0]
            return (f"unterminated quoted field {index + 1} (quote opened at line {line}, column {column}); "
                    f"the next record starts at line {next_line}")
    return None


def _count_lines(file: IO[bytes], upto: int, *, since: int = 0) -> int:
    """Newlines in bytes ``[since, upto)`` of ``file`` (which is left at an unknown position)."""
    file.seek(since)
    count = 0
    left = upto - since
    while left > 0:
        data = file.read(min(left, 1 << 24))
        if not data:
            break
        count += data.count(b"\n")
        left -= len(data)
    return count


def iter_csv_envelopes(  # noqa: C901 - the streaming loop: window refill, record, reject, resync in one place
    binary_file: IO[bytes],
    *,
    source: str | os.PathLike[str] | None,
    start: int = 0,
    end: int | None = None,
    first_line: int | None = None,
    line_at_start: int | None = None,
) -> Iterator[Envelope | CableError]:
    """Stream the records of a cables.csv opened in binary mode, as envelopes or errors.

    Yields records that start in ``[start, end)``, both snapped to verified record starts (the
    points :func:`split_byte_ranges` returns are already snapped, so its ranges partition the
    records exactly). ``end=None`` or :data:`TO_EOF` reads to the end. ``start``/``end`` other
    than the defaults need a seekable file (a ``gzip.open`` file is, slowly). Offsets are byte
    offsets in the (uncompressed) stream. ``first_line`` is the line number at ``start`` when
    the caller knows it; ``line_at_start`` is the line number at the *raw* ``start``, before
    snapping (what a caller that cut the file at arbitrary offsets knows: it counted the
    newlines of the ranges before); otherwise the lines before ``start`` are counted (a fast
    pass).

    Never raises for malformed data: a record that cannot be read is yielded as a
    :class:`CableError` (with its raw text) and reading resumes at the next record start.
    """
    src = None if source is None else os.fspath(source)
    if end is not None and end >= TO_EOF:
        end = None
    if end is not None:
        size = stream_size(binary_file)
        if size is not None and end >= size:
            end = None
    style = quoted_style(binary_file) if start > 0 or end is not None else False
    raw_start = start
    if start > 0:
        start = snap(binary_file, start, style)
    if first_line is None and line_at_start is not None:
        first_line = line_at_start + _count_lines(binary_file, start, since=raw_start)
    if end is not None:
        end = snap(binary_file, end, style)
        if start >= end:
            return
    line = first_line if first_line is not None else (1 + _count_lines(binary_file, start) if start > 0 else 1)
    if start > 0 or end is not None:
        binary_file.seek(start)
    window = Window(binary_file, start)
    window.more(0)
    pos = 0
    if start == 0:
        while len(window.buf) < 3 and not window.eof:
            window.more(0)
        if window.buf.startswith(_BOM):
            pos = 3
    error_reported = False
    while True:
        buf = window.buf
        # Skip blank lines between records.
        m = BLANK_LINES.match(buf, pos)
        q = m.end() if m else pos
        if q >= len(buf) and not window.eof:
            line += buf.count(b"\n", pos, q)
            pos = q
            pos -= window.more(pos)
            continue
        if q > pos:
            line += buf.count(b"\n", pos, q)
            pos = q
        if pos >= len(buf):
            break
        offset = window.base + pos
        if end is not None and offset >= end:
            return
        scan = scan_record(buf, pos, window.eof)
        if scan is None:
            limit_bytes = _common.MAX_RECORD_BYTES
            if len(buf) - pos > limit_bytes:
                limit = min(len(buf), pos + limit_bytes)
                stop = resync(buf, pos, limit)
                if stop < limit:
                    # An unclosed quote ran into later rows: the record ends at the next row.
                    yield CableError(
                        message="unterminated quoted field: the record runs into the next row",
                        source=src, offset=offset, line=line, raw=buf[pos:stop].decode("utf-8", errors="replace"),
                    )
                    line += buf.count(b"\n", pos, stop)
                    pos = stop
                    continue
                # Over the limit (issue 13: a 200 MB field, a gzip bomb of zeros): one reject
                # with the offset, the length and a capped prefix; the rest is skipped unread.
                prefix = bytes(buf[pos:pos + RAW_PREFIX_BYTES])
                stop, newlines = skip_record(window, pos, max(pos, limit - 4096))
                length = window.base + stop - offset
                yield too_large_record(source=src, offset=offset, line=line, length=length, prefix=prefix)
                line += newlines
                pos = stop
                continue
            pos -= window.more(pos, record=True)
            continue
        if scan.end - pos > _common.MAX_RECORD_BYTES:
            # Complete within one read, but over the limit all the same.
            yield too_large_record(source=src, offset=offset, line=line, length=scan.end - pos,
                                   prefix=bytes(buf[pos:pos + RAW_PREFIX_BYTES]))
            line += buf.count(b"\n", pos, scan.end)
            pos = scan.end
            continue
        record = _Record(buf, pos, line)
        result = record.build(scan, lenient=False, source=src, offset=offset)
        if isinstance(result, Envelope):
            yield result
            stop = scan.end
        else:
            stop = min(scan.end, resync(buf, pos, scan.end))
            if stop < scan.end:
                result = _runaway(record, scan, stop) or result
            if scan.problem == "unterminated" and window.error and not error_reported:
                result += f" ({window.error})"
                error_reported = True
            yield CableError(
                message=result, source=src, offset=offset, line=line,
                raw=buf[pos:stop].decode("utf-8", errors="replace"),
            )
        line += buf.count(b"\n", pos, stop)
        pos = stop
    if window.error and not error_reported:
        yield CableError(message=window.error, source=src, offset=window.base + len(window.buf), line=line, raw="")


def read_csv_document(data: bytes, *, container: ContainerKind = "csv", page: bool = False, start: int = 0,
                      line: int = 1, source: str | None = None) -> tuple[Envelope, ScanResult] | None:
    """Leniently read the one record starting at ``data[start:]`` (after blank lines).

    Used for single documents (``format="csv"`` and ``"page"``): the result is always an
    envelope; structural problems become defects. Returns None when there is no record at all.
    """
    pos = start
    if pos == 0 and data.startswith(_BOM):
        pos = 3
    m = BLANK_LINES.match(data, pos)
    if m:
        line += data.count(b"\n", pos, m.end())
        pos = m.end()
    if pos >= len(data):
        return None
    scan = scan_record(data, pos, True, page=page)
    assert scan is not None  # eof=True always completes
    record = _Record(data, pos, line)
    envelope = record.build(scan, lenient=True, source=source, offset=pos, container=container)
    assert isinstance(envelope, Envelope)
    return envelope, scan


def read_record_at(binary_file: IO[bytes], offset: int) -> bytes:
    """The bytes of the record that starts at ``offset`` of a seekable cables.csv, to its end
    (its first :data:`RAW_PREFIX_BYTES` when it is over the record limit). For rejects, which
    keep the whole record."""
    binary_file.seek(offset)
    window = Window(binary_file, offset)
    window.more(0, record=True)
    while True:
        scan = scan_record(window.buf, 0, window.eof)
        if scan is not None:
            return bytes(window.buf[: scan.end])
        if len(window.buf) > _common.MAX_RECORD_BYTES:
            return bytes(window.buf[:RAW_PREFIX_BYTES])
        window.more(0, record=True)
