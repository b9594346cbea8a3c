"""Containers: find the cable text and the container's metadata, nothing else.

A container reader turns one input (a cables.csv row, a Cablegate/PlusD HTML page, a page that
republishes a row, or raw text) into an :class:`~cableparse.envelope.Envelope`: the header and
body text, where they start, and the container's metadata. Interpreting the text is the
grammar's job (:mod:`cableparse.core`).

Public entry points:

* :func:`detect_format` - ``"csv" | "html" | "page" | "text"`` from a name and/or content;
* :func:`extract` - one document to one envelope (lenient: structural problems are defects);
* :func:`iter_envelopes` - stream every record of a path (file, ``.gz``, directory), an open
  file or stdin, with ``errors="raise" | "skip" | "yield"``;
* :func:`~cableparse.containers.csvfile.iter_csv_envelopes` and
  :func:`~cableparse.containers.csvfile.split_byte_ranges` for parallel cables.csv readers.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final, Literal, cast

import attrs

from ..envelope import Envelope
from ..errors import CableParseError
from ..models import CableError, Defect
from ._common import SNIFF_BYTES, decode, line_col, normalize_newlines, not_text_reason
from .csvfile import iter_csv_envelopes, read_csv_document, split_byte_ranges
from .htmlpage import read_html
from .page import ROW_START, read_page
from .text import split_text

__all__ = [
    "CABLE_SUFFIXES",
    "Format",
    "detect_format",
    "extract",
    "iter_csv_envelopes",
    "iter_envelopes",
    "split_byte_ranges",
]

Format = Literal["csv", "html", "page", "text"]
"""A container format name."""

CABLE_SUFFIXES: Final = (".csv", ".csv.gz", ".csv-row", ".html", ".htm", ".html.gz", ".txt", ".txt.gz", ".text")
"""File name endings read when a directory is walked (anything else, e.g. ``MANIFEST.tsv`` or
``README.md``, is skipped)."""

_HTML_MARK = re.compile(rb"<(?:html|pre|!doctype\s+html|table|body|head)\b", re.IGNORECASE)
_GZIP_MAGIC = b"\x1f\x8b"


def _by_name(name: str | None) -> Format | None:
    if not name:
        return None
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    if lower.endswith((".csv", ".csv-row")):
        return "csv"
    if lower.endswith((".html", ".htm", ".xhtml")):
        return "html"
    return None


def _by_content(sample: bytes) -> Format:
    head = sample.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML_MARK.search(sample[:SNIFF_BYTES]) and head.startswith(b"<"):
        return "html"
    text = sample.decode("utf-8", errors="replace").lstrip("\ufeff")
    match = ROW_START.search(text)
    if match is not None:
        return "csv" if not text[: match.start()].strip("\ufeff \t\r\n") else "page"
    if _HTML_MARK.search(sample[:SNIFF_BYTES]):
        return "html"
    return "text"


def detect_format(data: bytes | str, name: str | None = None) -> Format:
    """Guess the container format of ``data`` (optionally named ``name``).

    By name: ``.csv``/``.csv.gz``/``.csv-row`` -> csv, ``.html``/``.htm`` -> html. Otherwise
    (``.txt`` included: a saved news page is a ``.txt`` too, like the SEED) by content: an HTML
    document -> html; a cables.csv row start on the first non-blank line -> csv; a row start
    further down -> page; anything else -> text.
    """
    by_name = _by_name(name)
    if by_name is not None:
        return by_name
    if isinstance(data, str):
        data = data.encode("utf-8", errors="replace")
    return _by_content(data)


def _document_text(source: str | bytes) -> tuple[str, list[Defect]]:
    if isinstance(source, str):
        # A str is text by definition: never rejected (only bytes can be "not text at all").
        text = source.lstrip("\ufeff")
        if "\x00" in text:
            line, column = line_col(text, text.index("\x00"))
            return text.replace("\x00", ""), [Defect(code="nul-character", message="NUL characters removed",
                                                     line=line, column=column)]
        return text, []
    if source.startswith(_GZIP_MAGIC):
        try:
            source = gzip.decompress(source)
        except (OSError, EOFError, zlib.error) as error:
            raise CableParseError(f"gzip data could not be decompressed: {error}", code="not-text") from error
    reason = not_text_reason(source)
    if reason:
        raise CableParseError(reason, code="not-text")
    return decode(source)


def extract(source: str | bytes, format: str) -> Envelope:
    """Read ONE document (its text, not a path) in ``format`` into an envelope.

    ``format`` is ``"csv"`` (the first record), ``"html"``, ``"page"``, ``"text"`` or ``"auto"``.
    Lenient: structural problems become defects on the envelope. Raises
    :class:`~cableparse.errors.CableParseError` only for *bytes* that are not text at all (NUL
    bytes outside a cables.csv row, binary data, undecompressable gzip) or an unknown format; a
    ``str`` is never rejected (NUL characters in it are removed with a ``nul-character`` defect).
    """
    if format == "auto":
        format = detect_format(source)
    if format == "csv":
        data = source.encode("utf-8") if isinstance(source, str) else source
        if isinstance(source, bytes) and data.startswith(_GZIP_MAGIC):
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError, zlib.error) as error:
                raise CableParseError(f"gzip data could not be decompressed: {error}", code="not-text") from error
        reason = not_text_reason(data, allow_nul=True) if isinstance(source, bytes) else None
        if reason:
            raise CableParseError(reason, code="not-text")
        found = read_csv_document(data)
        if found is None:
            return Envelope(container="csv", offset=0, line=1,
                            defects=(Defect(code="empty-input", message="no cables.csv row"),))
        return found[0]
    if format not in ("html", "page", "text"):
        raise CableParseError(f"unknown container format {format!r}", code="bad-format")
    text, defects = _document_text(source)
    text = normalize_newlines(text)
    if format == "html":
        envelope = read_html(text)
    elif format == "page":
        found_page = read_page(text)
        if found_page is None:
            envelope = _text_envelope(text, container="page")
            defects.append(Defect(code="page-no-row", message="no cables.csv row in the page; read as raw text"))
        else:
            envelope = found_page
    else:
        envelope = _text_envelope(text)
    if defects:
        envelope = attrs.evolve(envelope, defects=tuple(defects) + envelope.defects)
    return envelope


def _text_envelope(text: str, *, container: Literal["text", "page"] = "text") -> Envelope:
    split = split_text(text)
    defects: tuple[Defect, ...] = ()
    if split.header_text is None and split.body_text is None:
        defects = (Defect(code="empty-input", message="no text"),)
    return Envelope(
        container=container,
        header_text=split.header_text,
        body_text=split.body_text,
        header_line=split.header_line,
        body_line=split.body_line,
        offset=0,
        line=1,
        defects=defects + split.defects,
    )


# --- streaming -----------------------------------------------------------------------------


class _Prefixed(io.RawIOBase):
    """A binary stream that first returns ``prefix`` (bytes already sniffed), then ``rest``."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._prefix = prefix
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            data, self._prefix = self._prefix, b""
            return data + self._rest.read()
        if self._prefix:
            data, self._prefix = self._prefix[:size], self._prefix[size:]
            return data
        return self._rest.read(size)

    def readinto(self, buffer: Any) -> int:  # pragma: no cover - read() is what we use
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Encoded(io.RawIOBase):
    """A text stream seen as UTF-8 bytes (offsets are offsets in that encoding)."""

    def __init__(self, text: IO[str]) -> None:
        super().__init__()
        self._text = text
        self._pending = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            data, self._pending = self._pending + self._text.read().encode("utf-8"), b""
            return data
        while len(self._pending) < size:
            chunk = self._text.read(max(size, 1 << 16))
            if not chunk:
                break
            self._pending += chunk.encode("utf-8")
        data, self._pending = self._pending[:size], self._pending[size:]
        return data

    def readinto(self, buffer: Any) -> int:  # pragma: no cover
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _walk(directory: Path) -> Iterator[Path]:
    """Cable files under ``directory``, recursively: in each directory its files (sorted by
    name) and then its subdirectories (sorted, depth first); hidden entries are skipped."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(CABLE_SUFFIXES):
                yield Path(root) / name


def _read_upto(stream: IO[bytes], size: int | None) -> tuple[bytes, str | None]:
    """Up to ``size`` bytes (all when None) and the read error that stopped it, if any.

    Reads with ``read1`` pieces where the stream has it: ``GzipFile.read`` loses everything it
    decompressed in a call that ends in a truncated-file error.
    """
    read = getattr(stream, "read1", None) or stream.read
    pieces: list[bytes] = []
    got = 0
    try:
        while size is None or got < size:
            piece = read(1 << 18 if size is None else min(size - got, 1 << 18))
            if not piece:
                break
            pieces.append(piece)
            got += len(piece)
    except (OSError, EOFError) as error:
        return b"".join(pieces), str(error)
    return b"".join(pieces), None


def _from_stream(stream: IO[bytes], *, name: str | None, source: str, format: str) -> Iterator[Envelope | CableError]:
    """Records of one binary stream (format detected from name and content when "auto")."""
    head, error = _read_upto(stream, SNIFF_BYTES)
    fmt = format if format != "auto" else (_by_name(name) or _by_content(head))
    if fmt == "csv":
        # The csv reader reports a read error itself, after the records read before it.
        yield from iter_csv_envelopes(cast(IO[bytes], _Prefixed(head, stream)), source=source)
        return
    rest, error = (b"", error) if error else _read_upto(stream, None)
    data = head + rest
    if error:
        yield CableError(message=f"cannot read to the end: {error}", source=source, offset=0, line=1,
                         raw=data.decode("utf-8", errors="replace"))
        return
    if format == "auto" and fmt == "text" and len(data) > len(head):
        fmt = _by_content(data)  # a row start beyond the sniffed head makes it a page
    yield _single(data, fmt, source)


def _single(data: bytes, fmt: str, source: str) -> Envelope | CableError:
    """One html/page/text document as an envelope, or an error when nothing is readable."""
    raw = data.decode("utf-8", errors="replace")
    if not data.strip():
        return CableError(message="empty input: no cable", source=source, offset=0, line=1, raw=raw)
    try:
        envelope = extract(data, fmt)
    except CableParseError as error:
        return CableError(message=error.message, source=source, offset=0, line=1, raw=raw[:1 << 20])
    except Exception as error:  # noqa: BLE001 - a reader bug must not stop a stream
        return CableError(message=f"{fmt} container could not be read: {error!r}", source=source, offset=0,
                          line=1, raw=raw[:1 << 20])
    if envelope.header_text is None and envelope.body_text is None and envelope.reference_id is None:
        reasons = "; ".join(d.message for d in envelope.defects) or "no cable text found"
        return CableError(message=reasons, source=source, offset=0, line=1, raw=raw[:1 << 20])
    return attrs.evolve(envelope, source=source,
                        offset=envelope.offset if envelope.offset is not None else 0,
                        line=envelope.line if envelope.line is not None else 1)


def _from_path(path: Path, format: str) -> Iterator[Envelope | CableError]:
    source = str(path)
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        yield CableError(message=f"cannot open: {error}", source=source, offset=0, line=1, raw="")
        return
    with raw:
        # gzip by content, whatever the name (a downloaded dump is often saved without .gz).
        stream: IO[bytes] = raw
        if raw.peek(2)[:2] == _GZIP_MAGIC:
            stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
        name = path.name
        if name.lower().endswith(".txt") or name.lower().endswith(".txt.gz"):
            name = ""  # .txt: decide between text, page and csv by content
        yield from _from_stream(stream, name=name or None, source=source, format=format)


def _items(source: Any, format: str) -> Iterator[Envelope | CableError]:
    if isinstance(source, str) and source == "-":
        yield from _from_stream(sys.stdin.buffer, name=None, source="<stdin>", format=format)
        return
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            for file in _walk(path):
                yield from _from_path(file, format)
            return
        if not path.exists():
            raise CableParseError(f"no such file or directory: {path}", code="io-error")
        yield from _from_path(path, format)
        return
    if hasattr(source, "read"):
        name = getattr(source, "name", None)
        label = str(name) if isinstance(name, (str, os.PathLike)) else "<stream>"
        probe = source.read(0)
        stream: IO[bytes]
        if isinstance(probe, str):
            stream = cast(IO[bytes], _Encoded(source))
        else:
            stream = source
        base = os.path.basename(label) if label != "<stream>" else None
        if base and base.lower().endswith(".txt"):
            base = None
        if base and base.lower().endswith(".gz") and not isinstance(probe, str):
            stream = cast(IO[bytes], gzip.GzipFile(fileobj=stream, mode="rb"))
        yield from _from_stream(stream, name=base, source=label, format=format)
        return
    raise CableParseError(f"cannot read a {type(source).__name__}; give a path, an open file or '-'",
                          code="bad-source")


def iter_envelopes(
    source: str | os.PathLike[str] | IO[bytes] | IO[str] | Any,
    *,
    format: str = "auto",
    errors: str = "raise",
) -> Iterator[Envelope | CableError]:
    """Every record of ``source`` as an envelope (or a :class:`CableError` in its place).

    ``source``: a path (a cables.csv, ``.csv.gz``, an HTML page, a text or page file, or a
    directory, walked recursively in sorted order with each file's format detected), an open
    binary or text file, or ``"-"`` for stdin. ``format`` forces one format for every file.
    cables.csv input is streamed (memory stays flat); other files are read whole, one document
    each. ``errors``: ``"raise"`` raises :class:`CableParseError` at the first unreadable record
    (its message gives source, byte offset and line), ``"skip"`` drops it, ``"yield"`` yields
    the :class:`CableError`. Envelopes always carry ``source``, ``offset`` and ``line``.
    """
    if errors not in ("raise", "skip", "yield"):
        raise CableParseError(f"unknown errors mode {errors!r}", code="bad-errors-mode")
    if format not in ("auto", "csv", "html", "page", "text"):
        raise CableParseError(f"unknown container format {format!r}", code="bad-format")
    for item in _items(source, format):
        if isinstance(item, CableError):
            if errors == "raise":
                raise CableParseError(
                    f"{item.source}: byte {item.offset}: {item.message}",
                    code="unreadable-record",
                    line=item.line,
                    context=item.raw[:80] or None,
                )
            if errors == "skip":
                continue
        yield item
