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

import codecs
import errno
import gzip
import io
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final, Literal, cast

import attrs

from ..envelope import Envelope
from ..errors import CableParseError
from ..models import CableError, Defect
from . import _common
from ._common import (
    RAW_PREFIX_BYTES,
    SNIFF_BYTES,
    ErrorsMode,
    FormatName,
    decode,
    normalize_newlines,
    not_text_reason,
    remove_nuls,
    too_large_record,
)
from .csvfile import iter_csv_envelopes, read_csv_document, split_byte_ranges
from .htmlpage import read_html
from .page import ROW_START, read_page
from .text import split_text

__all__ = [
    "CABLE_SUFFIXES",
    "Format",
    "NotRegularFileError",
    "detect_format",
    "extract",
    "iter_csv_envelopes",
    "iter_envelopes",
    "open_regular",
    "split_byte_ranges",
    "walk",
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
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = _utf16_to_utf8(data[:SNIFF_BYTES * 2])
    elif data.startswith(_GZIP_MAGIC):
        # Sniff the decompressed head (bounded), never the compressed bytes (issue 13).
        try:
            data = zlib.decompressobj(wbits=31).decompress(data, SNIFF_BYTES)
        except zlib.error:
            return "text"
    return _by_content(data)


def _document_text(source: str | bytes) -> tuple[str, list[Defect]]:
    if isinstance(source, str):
        # A str is text by definition: never rejected (only bytes can be "not text at all").
        return remove_nuls(source.lstrip("\ufeff"))
    source = gunzip_bounded(source)
    reason = not_text_reason(source)
    if reason:
        raise CableParseError(reason, code="not-text")
    text, defects = decode(source)
    # A few stray NULs in a damaged page are removed, as in a str (issue 13).
    text, nul_defects = remove_nuls(text)
    return text, nul_defects + defects


def gunzip_bounded(data: bytes) -> bytes:
    """``data`` decompressed when it starts with the gzip magic bytes, else ``data`` itself.

    Decompression stops past :data:`~._common.MAX_RECORD_BYTES`: a 1 MB gzip bomb expanding to
    1 GB took 2 GB of memory in ``gzip.decompress`` (issue 13). Raises
    :class:`~cableparse.errors.CableParseError` (``record-too-large``, ``not-text``) then, or
    when the data cannot be decompressed.
    """
    if not data.startswith(_GZIP_MAGIC):
        return _utf16_to_utf8(data)
    limit = _common.MAX_RECORD_BYTES
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb") as stream:
            out, error = _read_upto(cast(IO[bytes], stream), SNIFF_BYTES)
            reason = None if error else not_text_reason(out)
            if reason:
                # A bomb of zeros is refused from its first 64 KiB, not after 128 MiB.
                raise CableParseError(reason, code="not-text")
            if not error and len(out) == SNIFF_BYTES:
                out, error = _read_upto(cast(IO[bytes], stream), limit + 1 - len(out), prefix=out)
    except (OSError, EOFError, zlib.error) as failure:
        out, error = b"", str(failure)
    if error:
        raise CableParseError(f"gzip data could not be decompressed: {error}", code="not-text")
    if len(out) > limit:
        raise CableParseError(f"gzip data decompresses to more than the {limit}-byte record limit",
                              code="record-too-large")
    return _utf16_to_utf8(out)


def _utf16_to_utf8(data: bytes) -> bytes:
    """UTF-16 with a BOM (Windows "Unicode" text) as UTF-8, so that every reader, the format
    sniffers included, sees the text; any other bytes unchanged."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").encode("utf-8", "surrogatepass")
    return data


def extract(source: str | bytes, format: str) -> Envelope:
    """Read ONE document (its text, not a path) in ``format`` into an envelope.

    ``format`` is ``"csv"`` (the first record), ``"html"``, ``"page"``, ``"text"`` or ``"auto"``.
    Lenient: structural problems become defects on the envelope. Raises
    :class:`~cableparse.errors.CableParseError` only for *bytes* that are not text at all (NUL
    bytes outside a cables.csv row, binary data, undecompressable gzip) or an unknown format; a
    ``str`` is never rejected (NUL characters in it are removed with a ``nul-character`` defect).
    """
    if isinstance(source, bytes):
        source = gunzip_bounded(source)  # before sniffing: the format of gzip bytes is unknowable
    if format == "auto":
        format = detect_format(source)
    if format == "csv":
        # surrogatepass: a lone surrogate in a str becomes bytes that are invalid UTF-8, which
        # the reader replaces with an invalid-utf8 defect instead of crashing (issue 13).
        data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else gunzip_bounded(source)
        reason = not_text_reason(data) if isinstance(source, bytes) else None
        if reason:
            raise CableParseError(reason, code="not-text")
        found = read_csv_document(data)
        if found is None:
            return Envelope(container="csv", offset=0, line=1,
                            defects=(Defect(code="empty-input", message="no cables.csv row"),))
        return found[0]
    if format not in ("html", "page", "text"):
        raise ValueError(f"unknown container format {format!r}")
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
            data, self._pending = self._pending + self._text.read().encode("utf-8", "surrogatepass"), b""
            return data
        while len(self._pending) < size:
            chunk = self._text.read(max(size, 1 << 16))
            if not chunk:
                break
            # surrogatepass: a lone surrogate becomes invalid UTF-8 bytes, which the readers
            # replace with a defect; encoding it strictly crashed iter_cables(StringIO) (issue 13).
            self._pending += chunk.encode("utf-8", "surrogatepass")
        data, self._pending = self._pending[:size], self._pending[size:]
        return data

    def readinto(self, buffer: Any) -> int:  # pragma: no cover
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def walk(directory: str | os.PathLike[str]) -> Iterator[Path]:
    """Cable files under ``directory``, recursively: in each directory its files (sorted by
    name) and then its subdirectories (sorted, depth first); hidden entries and names not
    ending in one of :data:`CABLE_SUFFIXES` are skipped.

    The one directory walk of the package (iter_cables, convert and Dask all list files with
    it, so every engine reads the same files in the same order). Entries are not opened or
    stat-ed here: a dangling or looping symlink, a FIFO or a device is listed and becomes a
    reject when it is read, never a crash or a hang (issue 13).
    """
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(CABLE_SUFFIXES):
                yield Path(root) / name


class NotRegularFileError(OSError):
    """A path that is a FIFO, a device, a socket or a directory where a file was expected."""


def open_regular(path: str | os.PathLike[str]) -> IO[bytes]:
    """Open a regular file for binary reading, refusing anything else without reading it.

    Opened non-blocking, so that a FIFO with no writer cannot hang the open (a FIFO named
    ``x.txt`` in an input directory hung ``convert`` forever, issue 13), then checked with
    ``fstat``. Raises :class:`NotRegularFileError` for a non-regular file and the ``OSError``
    of ``open`` for a missing or unreadable one.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(errno.EINVAL, "not a regular file (a FIFO, device, socket or directory)",
                                      os.fspath(path))
        if flags & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_upto(stream: IO[bytes], size: int | None, *, prefix: bytes = b"") -> tuple[bytes, str | None]:
    """Up to ``size`` bytes (all when None) and the read error that stopped it, if any.

    Reads with ``read1`` pieces where the stream has it: ``GzipFile.read`` loses everything it
    decompressed in a call that ends in a truncated-file error. ``prefix`` (bytes already
    read) comes first in the result and does not count against ``size``.
    """
    read = getattr(stream, "read1", None) or stream.read
    # BytesIO, not a list joined at the end: getvalue() hands over its buffer without a copy,
    # so a large document costs its size once, not twice.
    out = io.BytesIO()
    out.write(prefix)
    got = 0
    try:
        while size is None or got < size:
            piece = read(1 << 18 if size is None else min(size - got, 1 << 18))
            if not piece:
                break
            out.write(piece)
            got += len(piece)
    except (OSError, EOFError, zlib.error) as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def _drain(stream: IO[bytes]) -> int:
    """Read ``stream`` to its end (or its first read error) without keeping it; bytes read."""
    read = getattr(stream, "read1", None) or stream.read
    count = 0
    try:
        while piece := read(1 << 18):
            count += len(piece)
    except (OSError, EOFError, zlib.error):
        pass
    return count


def _strip_gz(name: str | None) -> str | None:
    if name and name.lower().endswith(".gz"):
        return name[:-3]
    return name


def _front_door(stream: IO[bytes], *, name: str | None, source: str, format: str) -> Iterator[Envelope | CableError]:
    """Every container input goes through here: undo compression, sniff the format, then read.

    Gzip is recognised by its magic bytes, whatever the name or the entry point (stdin, an
    open file, a path): ``gzip -c dump.csv | cableparse convert -`` read the compressed bytes
    as text because the format was guessed before decompressing (issue 13). Documents other
    than a cables.csv are read whole, but never more than the record limit.
    """
    head, error = _read_upto(stream, SNIFF_BYTES)
    if head.startswith(_GZIP_MAGIC):
        stream = cast(IO[bytes], gzip.GzipFile(fileobj=cast(IO[bytes], _Prefixed(head, stream)), mode="rb"))
        head, error = _read_upto(stream, SNIFF_BYTES)
        name = _strip_gz(name)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # UTF-16 is read whole (bounded) and re-encoded, so the sniffers and the csv reader see text.
        rest, error = (b"", error) if error else _read_upto(stream, max(0, _common.MAX_RECORD_BYTES + 1 - len(head)))
        stream = cast(IO[bytes], io.BytesIO(_utf16_to_utf8(head + rest)))
        head, _ = _read_upto(stream, SNIFF_BYTES)
    if name and name.lower().endswith(".txt"):
        name = None  # .txt: decide between text, page and csv by content (a saved news page)
    fmt = format if format != "auto" else (_by_name(name) or _by_content(head))
    if fmt == "csv":
        # The csv reader reports a read error itself, after the records read before it.
        yield from iter_csv_envelopes(cast(IO[bytes], _Prefixed(head, stream)), source=source)
        return
    reason = not_text_reason(head)
    if reason and not error:
        # Refused from its head: a gzip bomb of zeros is not decompressed to its end.
        yield CableError(message=reason, source=source, offset=0, line=1,
                         raw=head[:RAW_PREFIX_BYTES].decode("utf-8", errors="replace"))
        return
    limit = _common.MAX_RECORD_BYTES
    data, error = (head, error) if error else _read_upto(stream, max(0, limit + 1 - len(head)), prefix=head)
    if error:
        yield CableError(message=f"cannot read to the end: {error}", source=source, offset=0, line=1,
                         raw=data[:RAW_PREFIX_BYTES].decode("utf-8", errors="replace"))
        return
    if len(data) > limit:
        yield too_large_record(source=source, offset=0, line=1, length=len(data) + _drain(stream), prefix=data)
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
        return CableError(message=error.message, source=source, offset=0, line=1, raw=raw)
    except Exception as error:  # noqa: BLE001 - a reader bug must not stop a stream
        return CableError(message=f"internal error: {fmt} container could not be read: {error!r}",
                          source=source, offset=0, line=1, raw=raw)
    if envelope.header_text is None and envelope.body_text is None and envelope.reference_id is None:
        reasons = "; ".join(d.message for d in envelope.defects) or "no cable text found"
        return CableError(message=reasons, source=source, offset=0, line=1, raw=raw)
    return attrs.evolve(envelope, source=source,
                        offset=envelope.offset if envelope.offset is not None else 0,
                        line=envelope.line if envelope.line is not None else 1)


def source_name(path: str | os.PathLike[str]) -> str:
    """A path as the ``source`` of its records (and its rejects)."""
    return os.fspath(path)


def _from_path(path: Path, format: str) -> Iterator[Envelope | CableError]:
    source = source_name(path)
    try:
        stream = open_regular(path)
    except NotRegularFileError as error:
        yield CableError(message=f"not read: {error.strerror}", source=source, offset=0, line=1, raw="")
        return
    except OSError as error:
        # A dangling or looping symlink in a directory, a file removed or unreadable meanwhile.
        yield CableError(message=f"cannot open: {error}", source=source, offset=0, line=1, raw="")
        return
    with stream:
        yield from _front_door(stream, name=path.name, source=source, format=format)


def _items(source: Any, format: str) -> Iterator[Envelope | CableError]:
    if isinstance(source, str) and source == "-":
        yield from _front_door(sys.stdin.buffer, name=None, source="<stdin>", format=format)
        return
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            for file in walk(path):
                yield from _from_path(file, format)
            return
        if not path.exists() and not path.is_symlink():
            # The OSError that open() raises, as in every entry point (API.md).
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), os.fspath(source))
        yield from _from_path(path, format)
        return
    if hasattr(source, "read"):
        name = getattr(source, "name", None)
        label = str(name) if isinstance(name, (str, os.PathLike)) else "<stream>"
        probe = source.read(0)
        stream: IO[bytes] = cast(IO[bytes], _Encoded(source)) if isinstance(probe, str) else source
        base = os.path.basename(label) if label != "<stream>" else None
        yield from _front_door(stream, name=base, source=label, format=format)
        return
    raise TypeError(f"cannot read a {type(source).__name__}; give a path, an open file or '-'")


def iter_envelopes(
    source: str | os.PathLike[str] | IO[bytes] | IO[str] | Any,
    *,
    format: FormatName = "auto",
    errors: ErrorsMode = "raise",
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
        raise ValueError(f"unknown errors mode {errors!r}; expected 'raise', 'skip' or 'yield'")
    if format not in ("auto", "csv", "html", "page", "text"):
        raise ValueError(f"unknown container format {format!r}")
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
