"""Split points of a cables.csv: verified record starts, so that byte ranges read apart give
exactly the records of one sequential pass (the third job of the reader; see :mod:`.csvfile`
for the rules a candidate must pass)."""

from __future__ import annotations

import os
import sys
from typing import IO, Final

from . import _common
from .csvscan import BLANK_LINES, NEXT_ROW_START, ROW_START, Bytes, Window, _escaped, scan_record

__all__ = ["TO_EOF", "VERIFY_RECORDS", "snap", "split_byte_ranges", "stream_size"]

VERIFY_RECORDS: Final = 3
"""Records that must parse cleanly after a candidate split point."""

TO_EOF: Final = sys.maxsize
"""An ``end`` offset meaning "to the end of the input" (used for ``.gz`` files, whose
uncompressed size is not known without decompressing them)."""

_QUOTE: Final = 0x22
_COMMA: Final = 0x2C
_LF: Final = 0x0A
_BOM = b"\xef\xbb\xbf"


def stream_size(file: IO[bytes]) -> int | None:
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


def _verify(window: Window, c: int, quoted_style: bool) -> bool:
    """Is window index ``c`` (a line start matching the row pattern) a real record start?

    The window only grows here (indices stay valid for the caller).
    """
    p = c
    quoted_last = False
    for _ in range(VERIFY_RECORDS):
        while True:
            buf = window.buf
            m = BLANK_LINES.match(buf, p)
            q = m.end() if m else p
            if q >= len(buf) and not window.eof:
                window.more(0)
                continue
            break
        p = q
        if p >= len(buf):
            break
        if not ROW_START.match(buf, p):
            return False
        while True:
            scan = scan_record(window.buf, p, window.eof)
            if scan is not None:
                break
            if len(window.buf) - p > _common.MAX_RECORD_BYTES:
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
    return _closes_record(buf, e)


def _closes_record(buf: Bytes, e: int) -> bool:
    """Does the line ending at ``buf[e]`` surely end a record with the closing quote of its
    last field, whatever came before the line?

    Inside a quoted field the reader takes quotes in pairs (RFC ``""``) and closes the field
    at an unpaired quote before the line end. So a line ending in a run of ``k`` quotes closes
    a record when ``k`` is odd, and stays inside the field when ``k`` is even: a body ending
    in ``""`` followed by lines shaped like rows at a split point gave 13 cables and 2 rejects
    with ``--jobs 2`` where ``--jobs 1`` gave 8 (issue 13). A backslash-escaped first quote
    does not count. A run at the start of a line is read the same way (the body's closing
    quote alone on the last line, as in most real rows). When the run follows a comma, the
    first quote may also open an empty field: that cannot be decided from here, so the
    candidate is refused
    and the split moves on to the next one (a later verified start, or none: then the
    previous range simply reads on).
    """
    k = e
    while k > 0 and buf[k - 1] == _QUOTE:
        k -= 1
    run = e - k
    if run == 0:
        return False
    if _escaped(buf, k):
        run -= 1  # the first quote of the run is escaped text
        return run % 2 == 1
    if k == 0 or buf[k - 1] == _COMMA:
        return False
    return run % 2 == 1


_CONTEXT = 4096  # bytes kept before a candidate for the previous-line check


def quoted_style(file: IO[bytes]) -> bool:
    """Does the file's first record enclose its last field in quotes (as all real rows do)?

    Then every verified split point must follow a line ending in a closing quote, even when
    the candidate rows themselves are bare (a body that ends with bare lookalike rows).
    """
    file.seek(0)
    window = Window(file, 0)
    window.more(0)
    pos = 3 if window.buf.startswith(_BOM) else 0
    while True:
        m = BLANK_LINES.match(window.buf, pos)
        p = m.end() if m else pos
        scan = scan_record(window.buf, p, window.eof)
        if scan is not None:
            return scan.problem is None and scan.spans[-1][2]
        if window.eof or len(window.buf) > _common.MAX_RECORD_BYTES:
            return False
        window.more(0)


def snap(file: IO[bytes], offset: int, quoted_style: bool) -> int:
    """The first verified record start at or after ``offset`` (the stream size when none)."""
    if offset <= 0:
        return 0
    back = min(offset, _CONTEXT)
    file.seek(offset - back)
    window = Window(file, offset - back)
    while len(window.buf) <= back and not window.eof:
        window.more(0)
    if len(window.buf) <= back:
        return window.base + len(window.buf)
    c: int | None = back if window.buf[back - 1] == _LF else None
    search_from = back
    while True:
        buf = window.buf
        if c is None:
            match = NEXT_ROW_START.search(buf, search_from)
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
        style = quoted_style(file) if n > 1 else False
        for i in range(1, n):
            bounds.append(max(bounds[-1], snap(file, size * i // n, style)))
    bounds.append(size)
    # Empty ranges are dropped: the Spark recipe in docs/dask.md gave each range a partition,
    # and split_byte_ranges(sample, 64) returned 46 empty ones (issue 16).
    return [(bounds[i], bounds[i + 1]) for i in range(n) if bounds[i] < bounds[i + 1]]
