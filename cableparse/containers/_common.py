"""Helpers shared by the container readers: decoding, positions, "is this text at all".

Positions in defects are 1-based lines and columns *in the input as given*: for bytes input
that is the decoded text (columns count characters, not bytes).
"""

from __future__ import annotations

import codecs
import re
from typing import Literal

from ..models import CableError, Defect

FormatName = Literal["auto", "csv", "html", "text", "page"]
"""The ``format`` argument of every entry point: a container format, or ``"auto"``."""

ErrorsMode = Literal["raise", "skip", "yield"]
"""The ``errors`` argument of every entry point that streams records."""

BOM = "\ufeff"
"""The byte order mark as a character (a UTF-8 BOM decodes to it)."""

SNIFF_BYTES = 1 << 16
"""How much of an input the format sniffers and the binary check look at."""

# C0 control characters that never occur in telegram text. TAB, LF, VT, FF and CR do (cables
# printed with form feeds between pages), and so does ESC in some teletype dumps.
_CONTROL = re.compile("[\x01-\x08\x0e-\x1a\x1c-\x1f]")


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of ``text[index]``, counting LF as the only line separator."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def decode(data: bytes, *, line_offset: int = 0) -> tuple[str, list[Defect]]:
    """Decode ``data`` as UTF-8 (UTF-16 when it starts with a UTF-16 BOM), never raising.

    A leading BOM is removed. Invalid bytes become U+FFFD and one ``invalid-utf8`` defect is
    added, placed at the first bad byte (``line_offset`` is added to its line).
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Not seen in the corpus; Windows tools save "Unicode" text this way.
        return data.decode("utf-16", errors="replace"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        prefix = data[: error.start].decode("utf-8", errors="replace")
        line, column = line_col(prefix + "\n", len(prefix))
        if not _has_utf8_sequences(text):
            # No non-ASCII character decoded as UTF-8 at all: an 8-bit file. Text extracted
            # from Cablegate PDFs is Windows-1252, its paragraph marks byte 0xB6 (07KINGSTON382).
            return data.decode("cp1252", errors="replace"), [
                Defect(
                    code="decoded-cp1252",
                    message=f"not UTF-8 (byte {error.start}); decoded as Windows-1252",
                    line=line + line_offset,
                    column=column,
                )
            ]
        bad = text.count("\ufffd") - prefix.count("\ufffd")
        defect = Defect(
            code="invalid-utf8",
            message=f"invalid UTF-8 at byte {error.start} ({bad} replacement character(s))",
            line=line + line_offset,
            column=column,
        )
        return text, [defect]


def _has_utf8_sequences(text: str) -> bool:
    """Whether any non-ASCII character other than U+FFFD came out of a lenient UTF-8 decode."""
    return any(ord(char) > 127 and char != "\ufffd" for char in text)


MAX_RECORD_BYTES = 1 << 27
"""A record (a cables.csv row, or one whole page or text file, after decompression) larger
than this (128 MiB) is not read: it becomes a reject that gives its offset and length and keeps
its first :data:`RAW_PREFIX_BYTES`. The largest real body is far below 1 MiB; the limit keeps
memory flat on an unclosed quote or a gzip bomb. Read at call time, so tests may lower it."""

RAW_PREFIX_BYTES = 1 << 16
"""How much of an over-limit record a reject keeps (the source still holds the rest)."""

BINARY_SIGNATURES: tuple[bytes, ...] = (
    b"%PDF-", b"PK\x03\x04", b"PK\x05\x06", b"\x89PNG\r\n", b"GIF87a", b"GIF89a", b"\xff\xd8\xff",
    b"7z\xbc\xaf\x27\x1c", b"\x7fELF", b"BZh91", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd", b"Rar!\x1a\x07",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"SQLite format 3\x00", b"PAR1", b"MZ\x90\x00",
)
"""Leading bytes of file formats that are never text: PDF, zip (docx, xlsx), PNG, GIF, JPEG,
7z, ELF, bzip2, xz, zstd, RAR, OLE2 (doc, xls), SQLite, Parquet, Windows executables."""


def not_text_reason(data: bytes | str, *, allow_nul: bool = False) -> str | None:
    """Why ``data`` is not text at all, else None.

    Bytes are refused when they start with a known binary signature
    (:data:`BINARY_SIGNATURES`), or when most of the first :data:`SNIFF_BYTES` are NULs, other
    control characters or undecodable bytes. A few stray NULs (a damaged page) do not make
    input binary: the readers remove them with a ``nul-character`` defect. UTF-16 with a BOM is
    text. A ``str`` is always text. ``allow_nul`` is accepted for compatibility and ignored.
    """
    del allow_nul
    if isinstance(data, str):
        return None
    if data.startswith(BINARY_SIGNATURES):
        return "input is not text: it starts with the signature of a binary file format"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    sample = data[:SNIFF_BYTES]
    text = sample.decode("utf-8", errors="replace")
    if not text:
        return None
    # A cut in the middle of a multi-byte character at the sample end is not evidence.
    bad = text.count("\ufffd") - (1 if len(sample) == SNIFF_BYTES else 0)
    bad += text.count("\x00") + len(_CONTROL.findall(text))
    if bad > max(8, len(text) // 2):
        return f"input is not text: {bad} of the first {len(text)} characters are NUL, control or undecodable bytes"
    return None


def remove_nuls(text: str) -> tuple[str, list[Defect]]:
    """``text`` without NUL characters, and a ``nul-character`` defect at the first one."""
    if "\x00" not in text:
        return text, []
    line, column = line_col(text, text.index("\x00"))
    return text.replace("\x00", ""), [Defect(code="nul-character", message="NUL characters removed",
                                              line=line, column=column)]


def normalize_newlines(text: str) -> str:
    """CRLF to LF (line numbers do not change; the cable grammar expects LF only)."""
    return text.replace("\r\n", "\n") if "\r" in text else text


def too_large_record(*, source: str | None, offset: int, line: int, length: int, prefix: bytes) -> CableError:
    """The reject for a record over the limit: where it is, how long, and its first bytes."""
    limit = MAX_RECORD_BYTES
    kept = prefix[:RAW_PREFIX_BYTES]
    return CableError(
        message=(f"record too large: {length} bytes at byte {offset} exceed the {limit}-byte record limit; "
                 f"raw keeps its first {len(kept)} bytes, the rest is in the source"),
        source=source, offset=offset, line=line, raw=kept.decode("utf-8", errors="replace"),
    )
