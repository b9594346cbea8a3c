"""Helpers shared by the container readers: decoding, positions, "is this text at all".

Positions in defects are 1-based lines and columns *in the input as given*: for bytes input
that is the decoded text (columns count characters, not bytes).
"""

from __future__ import annotations

import codecs
import re

from ..models import Defect

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


def not_text_reason(data: bytes | str, *, allow_nul: bool = False) -> str | None:
    """Why ``data`` is not text at all (NUL bytes, mostly control or undecodable bytes), else None.

    Only the first :data:`SNIFF_BYTES` are judged for the control-character ratio; a NUL
    anywhere counts (telegrams never carry one; a PDF or a zip always does) unless
    ``allow_nul`` (a cables.csv row reports NUL bytes as its own defect or error).
    """
    if isinstance(data, bytes):
        if b"\x00" in data and not allow_nul:
            return "input contains NUL bytes (binary data, not text)"
        sample = data[:SNIFF_BYTES]
        text = sample.decode("utf-8", errors="replace")
        # A cut in the middle of a multi-byte character at the sample end is not evidence.
        bad = text.count("\ufffd") - (1 if len(sample) == SNIFF_BYTES else 0)
    else:
        if "\x00" in data and not allow_nul:
            return "input contains NUL characters (binary data, not text)"
        text = data[:SNIFF_BYTES]
        bad = 0
    if not text:
        return None
    bad += len(_CONTROL.findall(text))
    if bad > max(8, len(text) // 10):
        return f"input is not text: {bad} of the first {len(text)} characters are control or undecodable bytes"
    return None


def normalize_newlines(text: str) -> str:
    """CRLF to LF (line numbers do not change; the cable grammar expects LF only)."""
    return text.replace("\r\n", "\n") if "\r" in text else text
