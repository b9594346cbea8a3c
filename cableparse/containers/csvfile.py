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
import sys
from collections.abc import Iterator
from typing import IO, Final

from ..envelope import Envelope
from ..models import CableError, ContainerKind, Defect

__all__ = [
    "CHUNK_SIZE",
    "MAX_RECORD_BYTES",
    "N_COLUMNS",
    "TO_EOF",
    "VERIFY_RECORDS",
    "iter_csv_envelopes",
    "parse_created",
    "read_csv_document",
    "split_byte_ranges",
    "split_references",
]

N_COLUMNS: Final = 8
"""Columns of a cables.csv row."""

CHUNK_SIZE: Final = 1 << 22
"""Bytes read from the file at a time (4 MiB)."""

MAX_RECORD_BYTES: Final = 1 << 27
"""A record that has not ended after 128 MiB is malformed (the largest real body is far below
1 MiB; the limit keeps memory flat when a quote is never closed)."""

VERIFY_RECORDS: Final = 3
"""Records that must parse cleanly after a candidate split point."""

TO_EOF: Final = sys.maxsize
"""An ``end`` offset meaning "to the end of the input" (used for ``.gz`` files, whose
uncompressed size is not known without decompressing them)."""

_QUOTE: Final = 0x22
_COMMA: Final = 0x2C
_LF: Final = 0x0A
_CR: Final = 0x0D
_BACKSLASH: Final = 0x5C

# A line that can start a record: row id, then a date-looking created column (spec 3.2).
_ROW_START = re.compile(rb'"?\d+"?,"?\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d(?::\d\d)?"?,')
_NEXT_ROW_START = re.compile(rb'\n"?\d+"?,"?\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d(?::\d\d)?"?,')
_BLANK_LINES = re.compile(rb"(?:[ \t]*\r?\n)*")
_CREATED = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d\d)(?::(\d\d))?\s*")
_UNESCAPED_QUOTE = re.compile(rb'"(?<!\\")')
_UNESCAPE_SLOW = re.compile(r'\\(.)|""', re.DOTALL)
_BOM = b"\xef\xbb\xbf"
_UTC = _dt.timezone.utc
_PIECE = 1 << 18


class _Scan:
    """Where one record's fields are in the buffer (spans exclude the enclosing quotes)."""

    __slots__ = ("doubled", "end", "problem", "problem_at", "spans", "stray_at")

    def __init__(
        self,
        end: int,
        spans: list[tuple[int, int, bool]],
        problem: str | None,
        problem_at: int,
        stray_at: int,
        doubled: bool,
    ) -> None:
        self.end = end
        self.spans = spans
        self.problem = problem
        self.problem_at = problem_at
        self.stray_at = stray_at
        self.doubled = doubled


def _scan(buf: bytes, pos: int, eof: bool, *, page: bool = False) -> _Scan | None:
    """Cut the record starting at ``pos`` into field spans; ``None`` when more bytes are needed.

    ``page``: the row is embedded in other text (spec 3.6), so the record ends after field 8
    whatever follows, and field 8 only closes at a quote followed by a line end.
    """
    n = len(buf)
    find = buf.find
    spans: list[tuple[int, int, bool]] = []
    p = pos
    stray = -1
    doubled = False
    while True:
        if p < n and buf[p] == _QUOTE:
            last = page and len(spans) == N_COLUMNS - 1
            q = p + 1
            escaped = 0
            while True:
                if escaped < 8:
                    q = find(b'"', q)
                else:
                    # Escape-dense text (a body quoting speeches): hop over ``\"`` in C. The
                    # regex skips every quote preceded by a backslash; a ``\\"`` (escaped
                    # backslash, then maybe a real quote) before its hit is checked the slow way.
                    hit = _UNESCAPED_QUOTE.search(buf, q)
                    c = -1 if hit is None else hit.start()
                    x = find(b'\\\\"', q, n if c < 0 else c)
                    q = x + 2 if x >= 0 else c
                if q < 0:
                    if not eof:
                        return None
                    spans.append((p + 1, n, True))
                    return _Scan(n, spans, "unterminated", p, stray, doubled)
                if buf[q - 1] == _BACKSLASH and q - 1 > p:
                    k = q - 1
                    while k > p and buf[k] == _BACKSLASH:
                        k -= 1
                    if (q - 1 - k) % 2:
                        q += 1
                        escaped += 1
                        continue
                if q + 1 >= n:
                    if not eof:
                        return None
                    break
                d = buf[q + 1]
                if d == _QUOTE:
                    q += 2
                    doubled = True
                    continue
                if d == _LF or d == _CR or (d == _COMMA and not last):
                    break
                if stray < 0:
                    stray = q
                q += 1
            spans.append((p + 1, q, True))
            p = q + 1
        else:
            c = find(b",", p)
            while c > p and buf[c - 1] == _BACKSLASH:
                # An escaped separator (MySQL writes ``\,`` in fields that are not enclosed).
                k = c - 1
                while k >= p and buf[k] == _BACKSLASH:
                    k -= 1
                if (c - 1 - k) % 2 == 0:
                    break
                c = find(b",", c + 1)
            nl = find(b"\n", p) if c < 0 else find(b"\n", p, c)
            if nl >= 0:
                stop = nl - 1 if nl > p and buf[nl - 1] == _CR else nl
                spans.append((p, stop, False))
                p = nl - 1 if stop < nl else nl
            elif c >= 0:
                spans.append((p, c, False))
                p = c
            else:
                if not eof:
                    return None
                stop = n - 1 if n > p and buf[n - 1] == _CR else n
                spans.append((p, stop, False))
                p = n
        if page and len(spans) == N_COLUMNS:
            end = buf.find(b"\n", p)
            return _Scan(n if end < 0 else end + 1, spans, None, -1, stray, doubled)
        if p >= n:
            if not eof:
                return None
            return _Scan(n, spans, None if len(spans) == N_COLUMNS else "columns", p, stray, doubled)
        d = buf[p]
        if d == _COMMA:
            p += 1
            continue
        if d == _CR:
            if p + 1 >= n and not eof:
                return None
            end = p + 2 if p + 1 < n and buf[p + 1] == _LF else p + 1
        else:
            end = p + 1
        return _Scan(end, spans, None if len(spans) == N_COLUMNS else "columns", p, stray, doubled)


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

    __slots__ = ("buf", "defects", "line", "pos")

    def __init__(self, buf: bytes, pos: int, line: int) -> None:
        self.buf = buf
        self.pos = pos
        self.line = line
        self.defects: list[Defect] = []

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

    def decode_bad(self, raw: bytes, a: int) -> str:
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
                    return "".join(parts)
            else:
                for part in parts[1:]:
                    if not part or (part[0] != "'" and part[0] != '"'):
                        break
                else:
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

    def build(
        self, scan: _Scan, *, lenient: bool, source: str | None, offset: int, container: ContainerKind = "csv"
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
        for a, b, quoted in spans[:N_COLUMNS]:
            raw = buf[a:b]
            try:
                value = raw.decode("utf-8")
            except UnicodeDecodeError:
                value = self.decode_bad(raw, a)
            if has_cr and "\r" in value:
                value = value.replace("\r\n", "\n")
            if has_nul and "\x00" in value:
                # Only reachable in quoted fields (a NUL in a bare field rejects the record).
                self.add("csv-nul-byte", "NUL character removed from a quoted field", a + raw.index(b"\x00"))
                value = value.replace("\x00", "")
            if "\\" in value:
                value = self.unescape(value, a, quoted, doubled)
            elif doubled and quoted and '""' in value:
                value = self._unescape_slow(value, a, quoted)
            values.append(value)
        values += [""] * (N_COLUMNS - len(values))
        row_text = values[0].strip()
        row_id: int | None = None
        if row_text.isascii() and row_text.isdigit():
            row_id = int(row_text)
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
        )


def _describe(scan: _Scan, record: _Record) -> str | None:
    """Why a scanned record is structurally broken, or None."""
    if scan.problem == "unterminated":
        line, column = record.where(scan.problem_at)
        return (f"unterminated quoted field {len(scan.spans)} (quote opened at line {line}, column {column}); "
                "the record runs to the end of the input")
    if scan.problem == "columns":
        return f"record has {len(scan.spans)} columns, expected {N_COLUMNS}"
    return None


def _runaway(record: _Record, scan: _Scan, stop: int) -> str | None:
    """Explain a record that ran into the next one: which quoted field was never closed."""
    for index, (a, b, quoted) in enumerate(scan.spans):
        if quoted and a <= stop <= b + 1:
            line, column = record.where(a - 1)
            next_line = record.where(stop)[0]
            return (f"unterminated quoted field {index + 1} (quote opened at line {line}, column {column}); "
                    f"the next record starts at line {next_line}")
    return None


class _Buffer:
    """A growing window on a binary stream: ``buf`` holds the bytes from absolute ``base``."""

    __slots__ = ("base", "buf", "eof", "error", "file")

    def __init__(self, file: IO[bytes], base: int) -> None:
        self.file = file
        self.base = base
        self.buf = b""
        self.eof = False
        self.error: str | None = None

    def more(self, keep_from: int) -> int:
        """Drop ``buf[:keep_from]``, read more bytes; returns how far indices moved left."""
        remaining = len(self.buf) - keep_from
        want = max(CHUNK_SIZE, remaining)
        pieces: list[bytes] = []
        got = 0
        try:
            # Read in pieces with read1: a truncated .gz raises EOFError (a corrupt one
            # BadGzipFile, an OSError), and GzipFile.read(n) then loses everything it had
            # decompressed in that call; read1 pieces keep all but the last one.
            read = getattr(self.file, "read1", None) or self.file.read
            while got < want:
                piece = read(min(want - got, _PIECE))
                if not piece:
                    break
                pieces.append(piece)
                got += len(piece)
        except (EOFError, OSError) as error:
            self.error = f"input could not be read to its end: {error}"
        data = pieces[0] if len(pieces) == 1 else b"".join(pieces)
        if keep_from:
            self.buf = self.buf[keep_from:] + data if data else self.buf[keep_from:]
            self.base += keep_from
        elif data:
            self.buf += data
        if not data:
            self.eof = True
        return keep_from


def _resync(buf: bytes, pos: int, limit: int) -> int:
    """Start of the first line after the one at ``pos`` (and before ``limit``) that looks like
    a record start, else ``limit``."""
    match = _NEXT_ROW_START.search(buf, pos, limit)
    return limit if match is None else match.start() + 1


def _stream_size(file: IO[bytes]) -> int | None:
    """Size of a regular file or an in-memory buffer; None when unknown (gzip, pipes)."""
    if type(file).__name__ == "GzipFile":
        return None
    try:
        return os.fstat(file.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        pass
    try:
        if file.seekable():
            here = file.tell()
            size = file.seek(0, os.SEEK_END)
            file.seek(here)
            return size
    except (AttributeError, OSError, ValueError):
        pass
    return None


def _verify(window: _Buffer, c: int, quoted_style: bool) -> bool:
    """Is window index ``c`` (a line start matching the row pattern) a real record start?

    The window only grows here (indices stay valid for the caller).
    """
    p = c
    quoted_last = False
    for _ in range(VERIFY_RECORDS):
        while True:
            buf = window.buf
            m = _BLANK_LINES.match(buf, p)
            q = m.end() if m else p
            if q >= len(buf) and not window.eof:
                window.more(0)
                continue
            break
        p = q
        if p >= len(buf):
            break
        if not _ROW_START.match(buf, p):
            return False
        while True:
            scan = _scan(window.buf, p, window.eof)
            if scan is not None:
                break
            if len(window.buf) - p > MAX_RECORD_BYTES:
                return False
            window.more(0)
        buf = window.buf
        if scan.problem is not None or scan.stray_at >= 0:
            return False
        if not buf[scan.spans[0][0]:scan.spans[0][1]].strip().isdigit():
            return False
        quoted_last = quoted_last or scan.spans[-1][2]
        p = scan.end
    if not (quoted_last or quoted_style):
        return True
    # The previous non-blank line must end with the unescaped closing quote of a record: inside
    # a backslash-escaped quoted field no line can.
    buf = window.buf
    e = c
    while e > 0 and buf[e - 1] in b" \t\r\n":
        e -= 1
    if e == 0:
        return window.base == 0
    if buf[e - 1] != _QUOTE:
        return False
    k = e - 2
    while k >= 0 and buf[k] == _BACKSLASH:
        k -= 1
    return (e - 2 - k) % 2 == 0


_CONTEXT = 4096  # bytes kept before a candidate for the previous-line check


def _quoted_style(file: IO[bytes]) -> bool:
    """Does the file's first record enclose its last field in quotes (as all real rows do)?

    Then every verified split point must follow a line ending in a closing quote, even when
    the candidate rows themselves are bare (a body that ends with bare lookalike rows).
    """
    file.seek(0)
    window = _Buffer(file, 0)
    window.more(0)
    pos = 3 if window.buf.startswith(_BOM) else 0
    while True:
        m = _BLANK_LINES.match(window.buf, pos)
        p = m.end() if m else pos
        scan = _scan(window.buf, p, window.eof)
        if scan is not None:
            return scan.problem is None and scan.spans[-1][2]
        if window.eof or len(window.buf) > MAX_RECORD_BYTES:
            return False
        window.more(0)


def _snap(file: IO[bytes], offset: int, quoted_style: bool) -> int:
    """The first verified record start at or after ``offset`` (the stream size when none)."""
    if offset <= 0:
        return 0
    back = min(offset, _CONTEXT)
    file.seek(offset - back)
    window = _Buffer(file, offset - back)
    while len(window.buf) <= back and not window.eof:
        window.more(0)
    if len(window.buf) <= back:
        return window.base + len(window.buf)
    c: int | None = back if window.buf[back - 1] == _LF else None
    search_from = back
    while True:
        buf = window.buf
        if c is None:
            match = _NEXT_ROW_START.search(buf, search_from)
            if match is None:
                if window.eof:
                    return window.base + len(buf)
                # Resume at the last line start (its row pattern may be cut by the window end),
                # keeping some context before it.
                resume = max(search_from, buf.rfind(b"\n"))
                shift = window.more(max(0, resume - _CONTEXT))
                search_from = resume - shift
                continue
            c = match.start() + 1
        if _verify(window, c, quoted_style):
            return window.base + c
        search_from = c
        c = None


def _count_lines(file: IO[bytes], upto: int) -> int:
    """Newlines in the first ``upto`` bytes of ``file`` (which is left at an unknown position)."""
    file.seek(0)
    count = 0
    left = upto
    while left > 0:
        data = file.read(min(left, 1 << 24))
        if not data:
            break
        count += data.count(b"\n")
        left -= len(data)
    return count


def iter_csv_envelopes(
    binary_file: IO[bytes],
    *,
    source: str | os.PathLike[str] | None,
    start: int = 0,
    end: int | None = None,
    first_line: int | None = None,
) -> Iterator[Envelope | CableError]:
    """Stream the records of a cables.csv opened in binary mode, as envelopes or errors.

    Yields records that start in ``[start, end)``, both snapped to verified record starts (the
    points :func:`split_byte_ranges` returns are already snapped, so its ranges partition the
    records exactly). ``end=None`` or :data:`TO_EOF` reads to the end. ``start``/``end`` other
    than the defaults need a seekable file (a ``gzip.open`` file is, slowly). Offsets are byte
    offsets in the (uncompressed) stream. ``first_line`` is the line number at ``start`` when
    the caller knows it; otherwise the lines before ``start`` are counted (a fast pass).

    Never raises for malformed data: a record that cannot be read is yielded as a
    :class:`CableError` (with its raw text) and reading resumes at the next record start.
    """
    src = None if source is None else os.fspath(source)
    if end is not None and end >= TO_EOF:
        end = None
    if end is not None:
        size = _stream_size(binary_file)
        if size is not None and end >= size:
            end = None
    style = _quoted_style(binary_file) if start > 0 or end is not None else False
    if start > 0:
        start = _snap(binary_file, start, style)
    if end is not None:
        end = _snap(binary_file, end, style)
        if start >= end:
            return
    line = first_line if first_line is not None else (1 + _count_lines(binary_file, start) if start > 0 else 1)
    if start > 0 or end is not None:
        binary_file.seek(start)
    window = _Buffer(binary_file, start)
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
        m = _BLANK_LINES.match(buf, pos)
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
        scan = _scan(buf, pos, window.eof)
        if scan is None:
            if len(buf) - pos > MAX_RECORD_BYTES:
                limit = min(len(buf), pos + MAX_RECORD_BYTES)
                stop = _resync(buf, pos, limit)
                raw = buf[pos:stop].decode("utf-8", errors="replace")
                yield CableError(
                    message=f"record exceeds {MAX_RECORD_BYTES} bytes without ending (unterminated quote?)",
                    source=src, offset=offset, line=line, raw=raw,
                )
                line += buf.count(b"\n", pos, stop)
                pos = stop
                continue
            pos -= window.more(pos)
            continue
        record = _Record(buf, pos, line)
        result = record.build(scan, lenient=False, source=src, offset=offset)
        if isinstance(result, Envelope):
            yield result
            stop = scan.end
        else:
            stop = min(scan.end, _resync(buf, pos, scan.end))
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
                      line: int = 1, source: str | None = None) -> tuple[Envelope, _Scan] | None:
    """Leniently read the one record starting at ``data[start:]`` (after blank lines).

    Used for single documents (``format="csv"`` and ``"page"``): the result is always an
    envelope; structural problems become defects. Returns None when there is no record at all.
    """
    pos = start
    if pos == 0 and data.startswith(_BOM):
        pos = 3
    m = _BLANK_LINES.match(data, pos)
    if m:
        line += data.count(b"\n", pos, m.end())
        pos = m.end()
    if pos >= len(data):
        return None
    scan = _scan(data, pos, True, page=page)
    assert scan is not None  # eof=True always completes
    record = _Record(data, pos, line)
    envelope = record.build(scan, lenient=True, source=source, offset=pos, container=container)
    assert isinstance(envelope, Envelope)
    return envelope, scan


def split_byte_ranges(path: str | os.PathLike[str], n: int) -> list[tuple[int, int]]:
    """Cut the cables.csv at ``path`` into ``n`` byte ranges that begin at record starts.

    Returns at most ``n`` non-empty ``(start, end)`` pairs covering the file in order: fewer
    when cut points snap to the same record (a file with fewer records than ``n``), none for
    an empty file. Feed each to :func:`iter_csv_envelopes`. A ``.gz`` file cannot be cut
    without decompressing it, so it gives one range ``(0, TO_EOF)``.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    name = os.fspath(path)
    if name.endswith(".gz"):
        return [(0, TO_EOF)]
    size = os.path.getsize(name)
    bounds = [0]
    with open(name, "rb") as file:
        style = _quoted_style(file) if n > 1 else False
        for i in range(1, n):
            bounds.append(max(bounds[-1], _snap(file, size * i // n, style)))
    bounds.append(size)
    # Empty ranges are dropped: the Spark recipe in docs/dask.md gave each range a partition,
    # and split_byte_ranges(sample, 64) returned 46 empty ones (issue 16).
    return [(bounds[i], bounds[i + 1]) for i in range(n) if bounds[i] < bounds[i + 1]]
