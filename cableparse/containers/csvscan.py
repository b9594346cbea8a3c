"""Scanning a cables.csv: cutting records into field spans, over a growing byte window.

The first of the three jobs of the cables.csv reader (see :mod:`.csvfile` for the format and
the escapes): :func:`scan_record` finds where a record's fields are with ``bytes.find`` hops, no
per-character Python loop; :class:`Window` holds the bytes; :func:`skip_record` passes over a
record beyond the limit without holding it. Building envelopes is :mod:`.csvfile`'s job,
choosing split points :mod:`.csvsplit`'s.
"""

from __future__ import annotations

import re
import zlib
from typing import IO, Final

from . import _common

__all__ = ["CHUNK_SIZE", "N_COLUMNS", "Bytes", "ScanResult", "Window", "scan_record", "skip_record"]

N_COLUMNS: Final = 8
"""Columns of a cables.csv row."""

CHUNK_SIZE: Final = 1 << 22
"""Bytes read from the file at a time (4 MiB)."""

Bytes = bytes | bytearray
"""What the scanner reads: the window is a ``bytearray``, a single document ``bytes``."""

_QUOTE: Final = 0x22
_COMMA: Final = 0x2C
_LF: Final = 0x0A
_CR: Final = 0x0D
_BACKSLASH: Final = 0x5C
_PIECE = 1 << 18

# A line that can start a record: row id, then a date-looking created column (spec 3.2).
ROW_START = re.compile(rb'"?\d+"?,"?\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d(?::\d\d)?"?,')
NEXT_ROW_START = re.compile(rb'\n"?\d+"?,"?\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d(?::\d\d)?"?,')
BLANK_LINES = re.compile(rb"(?:[ \t]*\r?\n)*")
_UNESCAPED_QUOTE = re.compile(rb'"(?<!\\")')


class ScanResult:
    """Where one record's fields are in the buffer: what :func:`scan_record` found.

    Plain slots rather than attrs: one is built per record on the hottest path of the reader.
    """

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
        """Index just past the record (after its line end)."""
        self.spans = spans
        """``(start, stop, quoted)`` of each field; spans exclude the enclosing quotes."""
        self.problem = problem
        """``"unterminated"``, ``"columns"`` or None."""
        self.problem_at = problem_at
        """Where the problem is (the opening quote, or the record end), -1 when none."""
        self.stray_at = stray_at
        """First quote kept as a literal character inside a quoted field, -1 when none."""
        self.doubled = doubled
        """Whether an RFC 4180 doubled quote ``""`` occurs."""


def _escaped(buf: Bytes, at: int, floor: int = 0) -> bool:
    """Whether ``buf[at]`` is backslash-escaped: preceded by an odd run of backslashes, counting
    no further back than ``floor``. The one place this rule is written (the scanner's quotes and
    commas, and the split points' closing quotes all use it)."""
    k = at - 1
    while k >= floor and buf[k] == _BACKSLASH:
        k -= 1
    return (at - 1 - k) % 2 == 1


def scan_record(buf: Bytes, pos: int, eof: bool, *, page: bool = False) -> ScanResult | None:  # noqa: C901
    # C901: one loop over the bytes of a record, a branch per quoting state; split into
    # functions it would pay a call per field on the hottest path of a dump.

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
                    return ScanResult(n, spans, "unterminated", p, stray, doubled)
                if buf[q - 1] == _BACKSLASH and q - 1 > p and _escaped(buf, q, p + 1):
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
                if d in (_LF, _CR) or (d == _COMMA and not last):
                    break
                if stray < 0:
                    stray = q
                q += 1
            spans.append((p + 1, q, True))
            p = q + 1
        else:
            c = find(b",", p)
            while c > p and buf[c - 1] == _BACKSLASH and _escaped(buf, c, p):
                # An escaped separator (MySQL writes ``\,`` in fields that are not enclosed).
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
            return ScanResult(n if end < 0 else end + 1, spans, None, -1, stray, doubled)
        if p >= n:
            if not eof:
                return None
            return ScanResult(n, spans, None if len(spans) == N_COLUMNS else "columns", p, stray, doubled)
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
        return ScanResult(end, spans, None if len(spans) == N_COLUMNS else "columns", p, stray, doubled)


class Window:
    """A growing window on a binary stream: ``buf`` holds the bytes from absolute ``base``.

    A ``bytearray`` grown in place: with ``bytes`` every refill copied the whole record, and a
    200 MB field reached 1.2-1.7 GB RSS (issue 13). Dropping the front is O(1) in CPython.
    """

    __slots__ = ("base", "buf", "eof", "error", "file")

    def __init__(self, file: IO[bytes], base: int) -> None:
        self.file = file
        self.base = base
        self.buf = bytearray()
        self.eof = False
        self.error: str | None = None

    def more(self, keep_from: int, *, record: bool = False) -> int:
        """Drop ``buf[:keep_from]``, read more bytes; returns how far indices moved left.

        Reads about as much as is held (so a long record is rescanned a logarithmic number of
        times). ``record``: ``buf[keep_from:]`` is one record, which never needs more than
        ``MAX_RECORD_BYTES + 1`` bytes to be judged, so the buffer does not grow past that.
        """
        remaining = len(self.buf) - keep_from
        want = max(CHUNK_SIZE, remaining)
        if record:
            want = max(1, min(want, _common.MAX_RECORD_BYTES + 1 - remaining))
        if keep_from:
            del self.buf[:keep_from]
            self.base += keep_from
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
                self.buf += piece
                got += len(piece)
        except (EOFError, OSError, zlib.error) as error:
            self.error = f"input could not be read to its end: {error}"
        if not got:
            self.eof = True
        return keep_from


def skip_record(window: Window, pos: int, search_from: int) -> tuple[int, int]:
    """Skip an over-limit record at ``pos`` without holding it: read on until the next line
    that looks like a record start. Returns (window index of that line or the end, newlines
    skipped); ``buf[:pos]`` and the record's bytes are dropped from the window on the way."""
    newlines = 0
    while True:
        buf = window.buf
        match = NEXT_ROW_START.search(buf, max(pos, search_from))
        if match is not None:
            stop = match.start() + 1
            return stop, newlines + buf.count(b"\n", pos, stop)
        if window.eof:
            return len(buf), newlines + buf.count(b"\n", pos)
        # Keep the last (partial) line, up to 4 KiB, where a record start may be cut.
        keep = max(pos, len(buf) - 4096, buf.rfind(b"\n", pos))
        newlines += buf.count(b"\n", pos, keep)
        shift = window.more(keep)
        pos = search_from = keep - shift


def resync(buf: Bytes, pos: int, limit: int) -> int:
    """Start of the first line after the one at ``pos`` (and before ``limit``) that looks like
    a record start, else ``limit``."""
    match = NEXT_ROW_START.search(buf, pos, limit)
    return limit if match is None else match.start() + 1
