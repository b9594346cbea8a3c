"""Dask integration: parse cables on a cluster (the optional ``dask`` extra).

``pip install 'cableparse[dask]'``. Importing :mod:`cableparse` never imports Dask; this module
does, at the top.

- :func:`read_cables`: a :class:`dask.bag.Bag` of :class:`~cableparse.Cable` (and
  :class:`~cableparse.CableError` with ``errors="yield"``);
- :func:`to_dataframe`: a :class:`dask.dataframe.DataFrame` with the columns and types of the
  Parquet sink (:func:`cableparse.sinks.parquet.cable_schema`);
- :func:`to_parquet`: a Parquet dataset written by the workers, one part file per block;
- :func:`convert`: what ``cableparse convert --engine dask`` runs.

How inputs are cut
------------------
A cables.csv is cut into blocks of ``blocksize`` bytes. Each block task opens the file through
fsspec and calls :func:`~cableparse.containers.csvfile.iter_csv_envelopes` with its raw
``[start, end)``: that function snaps both ends to *verified* record starts (the logic behind
``split_byte_ranges`` and ``convert --jobs``), yields only the records that start inside the
range and reads past ``end`` to finish the last one. Neighbouring blocks snap their shared
boundary to the same record start, so no cable is cut, lost or read twice, and the records of
all blocks, in block order, are exactly those of one sequential pass.

Line numbers (of records and defects) are file lines, as in a sequential pass. A block cannot
know how many lines precede it without reading them, so every block but the last also gets a
cheap task that counts the newlines of its raw range; a block task receives the counts of the
blocks before it. (Letting each block count from byte 0, as ``iter_csv_envelopes`` does when
not told the line, would read the file quadratically often.)

Compressed cables.csv files, HTML pages, text files and pages cannot be cut; they are read
whole with :func:`cableparse.containers.iter_envelopes`, consecutive ones grouped into
partitions of about ``blocksize`` bytes (at most :data:`FILES_PER_PARTITION` files).

Paths are local paths or any fsspec URL (``s3://``, ``gs://``, ``https://``, ``file://``,
``memory://``; globs allowed); ``storage_options`` go to fsspec. Every worker must be able to
open them: on a cluster, use object storage or a file system that all machines mount.
"""

from __future__ import annotations

import glob as _glob
import importlib
import io
import json
import os
import sys
import time
import uuid
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Literal

import attrs

try:
    import dask
    import dask.bag as dask_bag
    import dask.dataframe as dask_dataframe
    import fsspec  # type: ignore[import-untyped,unused-ignore]
    from dask.base import compute
    from dask.delayed import Delayed, delayed
    from dask.utils import parse_bytes
except ImportError as _error:  # pragma: no cover - depends on the environment
    raise ImportError(
        f"cableparse.dask needs Dask ({_error}): pip install 'cableparse[dask]'"
    ) from _error

from .containers import CABLE_SUFFIXES, iter_envelopes, walk
from .containers.csvfile import iter_csv_envelopes
from .envelope import Envelope
from .errors import CableParseError
from .models import Cable, CableError
from .pipeline import FORMATS, ErrorsMode, Format, Stats, Summary, TaskResult, file_size, fit_for_sinks, parse_or_reject
from .serialize import to_plain
from .sinks import SinkError
from .sinks._atomic import AtomicPath, replace_directory
from .sinks.base import PART_FILE

__all__ = [
    "DEFAULT_BLOCKSIZE",
    "FILES_PER_PARTITION",
    "auto_blocksize",
    "convert",
    "dataframe_meta",
    "read_cables",
    "read_dataframe",
    "to_dataframe",
    "to_parquet",
]

DEFAULT_BLOCKSIZE = "64MiB"
"""Bytes of cables.csv per partition: about 9,000 cables, 10 s of parsing on one core."""

FILES_PER_PARTITION = 256
"""At most this many whole files (HTML pages, text files) in one partition."""

_PART_NAME = PART_FILE
"""A part file of a dataset (what may be replaced when the output directory exists)."""

_COUNT_CHUNK = 1 << 23
"""Bytes read at a time when counting the newlines of a block."""

Paths = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
"""One path or URL (globs allowed), or several."""


# --- planning (on the client: file listings and sizes only, no data) ---------------------------


@attrs.frozen(kw_only=True)
class _Input:
    """One input file: how to open it and the name its records carry."""

    url: str
    """What the worker opens (an absolute local path, or an fsspec URL)."""
    label: str
    """``CableError.source`` / ``Envelope.source``: the path as a sequential pass names it."""
    remote: bool
    """Opened through fsspec with ``storage_options`` (else a plain local path)."""
    size: int


@attrs.frozen(kw_only=True)
class _Block:
    """One partition: a byte range of a cables.csv, or a group of whole files."""

    index: int
    kind: Literal["csv", "files"]
    inputs: tuple[_Input, ...]
    start: int = 0
    end: int | None = None
    format: Format = "auto"
    storage_options: Mapping[str, Any] = attrs.field(factory=dict)
    first_of_file: bool = True
    """The block starts at byte 0 (its lines need no count of earlier blocks)."""


def _is_local(path: str) -> bool:
    return "://" not in path and not path.startswith("file:")


def _walk_local(directory: str) -> Iterator[str]:
    """Cable files under a local directory: the one walk of :func:`cableparse.containers.walk`,
    so that ``CableError.source`` and the order equal a sequential pass over the directory."""
    return (str(path) for path in walk(directory))


def _walk_remote(fs: Any, root: str) -> Iterator[tuple[str, int]]:
    """``(path, size)`` of the cable files under a remote directory, in the local walk's order."""
    entries = sorted(fs.ls(root, detail=True), key=lambda entry: str(entry["name"]))
    subdirectories: list[str] = []
    for entry in entries:
        name = str(entry["name"]).rstrip("/")
        base = name.rsplit("/", 1)[-1]
        if base.startswith(".") or name == root.rstrip("/"):
            continue
        if entry.get("type") == "directory":
            subdirectories.append(name)
        elif base.lower().endswith(CABLE_SUFFIXES):
            yield name, int(entry.get("size") or 0)
    for subdirectory in subdirectories:
        yield from _walk_remote(fs, subdirectory)


def _expand(paths: Paths, storage_options: Mapping[str, Any]) -> list[_Input]:
    """Input files in order: directories walked, globs expanded (sorted)."""
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    found: list[_Input] = []
    for item in items:
        text = os.fspath(item)
        if _is_local(text):
            if os.path.isdir(text):
                names = list(_walk_local(text))
            elif os.path.lexists(text):
                names = [str(Path(text))]  # iter_cables names records str(Path(path))
            elif _glob.has_magic(text):
                names = sorted(_glob.glob(text))
                if not names:
                    raise FileNotFoundError(2, "no input matches", text)
            else:
                raise FileNotFoundError(2, "input does not exist", text)
            for name in [n for match in names for n in (_walk_local(match) if os.path.isdir(match) else [match])]:
                found.append(_Input(url=os.path.abspath(name), label=name, remote=False,
                                    size=file_size(name)))
            continue
        fs, root = fsspec.core.url_to_fs(text, **storage_options)
        if _glob.has_magic(root):
            matches = sorted(fs.glob(root))
            if not matches:
                raise FileNotFoundError(2, "no input matches", text)
            for match in matches:
                listed = list(_walk_remote(fs, match)) if fs.isdir(match) else [(match, int(fs.size(match) or 0))]
                for name, size in listed:
                    url = fs.unstrip_protocol(name)
                    found.append(_Input(url=url, label=url, remote=True, size=size))
        elif fs.isfile(root):
            # isfile first: over HTTP, isdir is true for any page with links (a cable page).
            found.append(_Input(url=text, label=text, remote=True, size=int(fs.size(root) or 0)))
        elif fs.isdir(root):
            for name, size in _walk_remote(fs, root):
                url = fs.unstrip_protocol(name)
                found.append(_Input(url=url, label=url, remote=True, size=size))
        else:
            raise FileNotFoundError(2, "input does not exist", text)
    return found


def _open(source: _Input, storage_options: Mapping[str, Any]) -> IO[bytes]:
    """A seekable binary file object for one input (not decompressed)."""
    if not source.remote:
        return open(source.url, "rb")  # the caller closes it
    opened: IO[bytes] = fsspec.open(source.url, mode="rb", **storage_options).open()
    return opened


def _splittable(source: _Input, format: str, storage_options: Mapping[str, Any]) -> bool:
    """Can this input be cut into byte ranges? The same rule as ``convert --jobs``."""
    if format not in ("auto", "csv"):
        return False
    if format == "auto" and not source.label.lower().endswith(".csv"):
        return False
    if source.size == 0:
        return False
    with _open(source, storage_options) as file:
        return file.read(2) != b"\x1f\x8b"  # a gzip stream cannot be entered mid-way


def _plan(
    paths: Paths, *, blocksize: int, format: Format, storage_options: Mapping[str, Any]
) -> list[_Block]:
    """The partitions, in input order."""
    blocks: list[_Block] = []
    group: list[_Input] = []
    group_bytes = 0

    def flush() -> None:
        nonlocal group, group_bytes
        if group:
            blocks.append(_Block(index=len(blocks), kind="files", inputs=tuple(group), format=format,
                                 storage_options=storage_options))
            group, group_bytes = [], 0

    for source in _expand(paths, storage_options):
        if _splittable(source, format, storage_options):
            flush()
            starts = list(range(0, source.size, blocksize))
            for number, start in enumerate(starts):
                end = starts[number + 1] if number + 1 < len(starts) else None
                blocks.append(_Block(index=len(blocks), kind="csv", inputs=(source,), start=start, end=end,
                                     format="csv", storage_options=storage_options,
                                     first_of_file=start == 0))
            continue
        group.append(source)
        group_bytes += source.size
        if group_bytes >= blocksize or len(group) >= FILES_PER_PARTITION:
            flush()
    flush()
    return blocks


# --- work on the workers ----------------------------------------------------------------------


def _newlines(file: IO[bytes], start: int, end: int) -> int:
    """Newlines in bytes ``[start, end)`` of ``file``, read a chunk at a time."""
    file.seek(start)
    left = end - start
    count = 0
    while left > 0:
        data = file.read(min(left, _COUNT_CHUNK))
        if not data:
            break
        count += data.count(b"\n")
        left -= len(data)
    return count


def _count_newlines(block: _Block) -> int:
    """Newlines in the raw byte range of a csv block (for the line numbers of later blocks)."""
    source = block.inputs[0]
    with _open(source, block.storage_options) as file:
        return _newlines(file, block.start, source.size if block.end is None else block.end)


def _first_lines(blocks: Sequence[_Block], counts: Sequence[int | None]) -> list[int | None]:
    """The file line at each block's raw start (``None`` for a block at byte 0)."""
    lines: list[int | None] = []
    line = 1
    for block, count in zip(blocks, counts):
        if block.first_of_file:
            line = 1
        lines.append(None if block.first_of_file else line)
        line += count or 0
    return lines


def _csv_envelopes(block: _Block, line_at_start: int | None) -> Iterator[Envelope | CableError]:
    """The records that start in a csv block, with file line numbers."""
    source = block.inputs[0]
    with _open(source, block.storage_options) as file:
        # line_at_start is the line at the block's raw start; the reader adds the newlines up
        # to the record start it snaps to.
        yield from iter_csv_envelopes(file, source=source.label, start=block.start, end=block.end,
                                      line_at_start=line_at_start)


class _NamedStream(io.RawIOBase):
    """An fsspec file with a ``name``, so the container layer detects format and gzip by name."""

    def __init__(self, file: IO[bytes], name: str) -> None:
        super().__init__()
        self._file = file
        self.name = name

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        # Straight through: RawIOBase.read would copy, and readall would loop in 8 KiB reads.
        data: bytes = self._file.read(-1 if size is None else size)
        return data

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer: Any) -> int:
        data = self._file.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _file_envelopes(block: _Block) -> Iterator[Envelope | CableError]:
    """The records of a group of whole files, read as ``iter_cables`` reads each file."""
    for source in block.inputs:
        if not source.remote:
            # Open the absolute path (a worker's working directory may differ from the
            # client's) but name the records as a sequential pass over the given path does.
            for item in iter_envelopes(source.url, format=block.format, errors="yield"):
                yield item if source.url == source.label else attrs.evolve(item, source=source.label)
            continue
        with _open(source, block.storage_options) as file:
            yield from iter_envelopes(_NamedStream(file, source.label), format=block.format, errors="yield")


def _records(block: _Block, line_at_start: int | None, errors: str) -> Iterator[Cable | CableError]:
    """Parse a block's records, with ``errors`` applied as :func:`cableparse.iter_cables` does.

    A record the parser refuses becomes the pipeline's :func:`~cableparse.pipeline.reject`
    (the whole record kept; a parser bug says so), as in ``convert``: on a cluster a bug
    would otherwise throw away every other block's work.
    """
    items = _csv_envelopes(block, line_at_start) if block.kind == "csv" else _file_envelopes(block)
    for item in items:
        record = item if isinstance(item, CableError) else parse_or_reject(item)
        if isinstance(record, CableError):
            if errors == "raise":
                # The message iter_envelopes(errors="raise") gives.
                raise CableParseError(f"{record.source}: byte {record.offset}: {record.message}",
                                      code="unreadable-record", line=record.line, context=record.raw[:80] or None)
            if errors == "skip":
                continue
        yield record


def _block_list(block: _Block, lines: Sequence[int | None], errors: str) -> list[Cable | CableError]:
    """A bag partition: the parsed records of one block."""
    return list(_records(block, lines[block.index], errors))


def _block_frame(block: _Block, lines: Sequence[int | None], errors: str) -> Any:
    """A dataframe partition: the Parquet sink's rows of one block's cables."""
    from .sinks.parquet import cable_row, cable_schema

    rows = [cable_row(record) for record in _records(block, lines[block.index], errors) if isinstance(record, Cable)]
    return _arrow_table(rows, cable_schema()).to_pandas(types_mapper=_pandas().ArrowDtype)


def _arrow_table(rows: list[dict[str, Any]], schema: Any) -> Any:
    return importlib.import_module("pyarrow").Table.from_pylist(rows, schema=schema)


def _pandas() -> Any:
    # via importlib: pandas and pyarrow ship no type information
    return importlib.import_module("pandas")


_PartResult = TaskResult
"""What a writer task sends back: the pipeline's task result (counts and file names)."""


def _write_block(
    block: _Block,
    lines: Sequence[int | None],
    errors: str,
    directory: str,
    rejects_directory: str | None,
    output_options: Mapping[str, Any],
) -> _PartResult:
    """Parse one block and write its Parquet part (and its rejects) on the worker."""
    from .sinks.parquet import ROW_GROUP_SIZE, cable_row, cable_schema

    pq = importlib.import_module("pyarrow.parquet")

    schema = cable_schema()
    fs, root = fsspec.core.url_to_fs(directory, **output_options)
    part = f"{root.rstrip('/')}/part-{block.index:05d}.parquet"
    rejects_part = None if rejects_directory is None else f"{rejects_directory.rstrip('/')}/rejects-{block.index:05d}.jsonl"
    stats = Stats()
    rows: list[dict[str, Any]] = []
    writer: Any = None
    file: Any = None
    reject_file: Any = None
    try:
        for record in _records(block, lines[block.index], errors):
            if isinstance(record, CableError):
                stats.add_reject(record)
                if rejects_part is not None:
                    if reject_file is None:
                        reject_file = fsspec.open(rejects_part, "wb", **output_options).open()
                    line = json.dumps(to_plain(record), ensure_ascii=False, separators=(",", ":"))
                    reject_file.write(line.encode("utf-8", "backslashreplace") + b"\n")
                continue
            record = fit_for_sinks(record)
            stats.add_cable(record)
            rows.append(cable_row(record))
            if len(rows) >= ROW_GROUP_SIZE:
                if writer is None:
                    file = fs.open(part, "wb")
                    # zstd, like the Parquet sink: the same files whichever engine wrote them.
                    writer = pq.ParquetWriter(file, schema, compression="zstd")
                writer.write_table(_arrow_table(rows, schema))
                rows = []
        if rows:
            if writer is None:
                file = fs.open(part, "wb")
                writer = pq.ParquetWriter(file, schema, compression="zstd")
            writer.write_table(_arrow_table(rows, schema))
    finally:
        if writer is not None:
            writer.close()
        if file is not None:
            file.close()
        if reject_file is not None:
            reject_file.close()
    # An empty block (its cut points snapped to the same record) writes no part file.
    return stats.result(block.index, part=part if writer is not None else None,
                        rejects_part=rejects_part if reject_file is not None else None)


# --- graphs ---------------------------------------------------------------------------------


def _check_errors(errors: str, format: str) -> None:
    # Misuse is a ValueError, as in every entry point (docs/design.md, error policy).
    if errors not in ("raise", "skip", "yield"):
        raise ValueError(f"unknown errors mode {errors!r}; expected 'raise', 'skip' or 'yield'")
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")


def _blocks_and_lines(
    paths: Paths, blocksize: int | str, format: Format, storage_options: Mapping[str, Any] | None
) -> tuple[list[_Block], Delayed]:
    """The blocks, and a delayed list of each block's first line (from newline-count tasks)."""
    size = parse_bytes(blocksize) if isinstance(blocksize, str) else int(blocksize)
    if size < 1:
        raise ValueError("blocksize must be at least 1 byte")
    blocks = _plan(paths, blocksize=size, format=format, storage_options=dict(storage_options or {}))
    # Only a csv block followed by another block of the same file needs its newlines counted.
    counts: list[Any] = []
    for number, block in enumerate(blocks):
        following = blocks[number + 1] if number + 1 < len(blocks) else None
        if block.kind == "csv" and following is not None and not following.first_of_file:
            counts.append(delayed(_count_newlines, pure=True)(block))
        else:
            counts.append(None)
    lines: Delayed = delayed(_first_lines, pure=True)(blocks, counts)
    return blocks, lines


def read_cables(
    paths: Paths,
    *,
    blocksize: int | str = DEFAULT_BLOCKSIZE,
    format: Format = "auto",
    errors: ErrorsMode = "raise",
    storage_options: Mapping[str, Any] | None = None,
) -> Any:
    """A :class:`dask.bag.Bag` of the cables of ``paths``, in input order.

    ``paths``: a path or fsspec URL (``s3://bucket/cables.csv``, ``file://``, ``memory://``,
    globs such as ``data/*.csv``, directories), or a list of them. A cables.csv is cut into
    blocks of about ``blocksize`` bytes (an int or ``"64MiB"``) at verified record starts, the
    same cut points ``convert --jobs`` uses, so no cable is split or read twice; other files
    are read whole, several to a partition. ``format`` is as for :func:`cableparse.iter_cables`.
    ``errors``: ``"yield"`` puts a :class:`~cableparse.CableError` in the place of each
    unreadable record, ``"skip"`` drops it, ``"raise"`` (the default everywhere a stream is
    read, as in :func:`cableparse.iter_cables`) fails the computation with
    :class:`~cableparse.CableParseError`. ``storage_options`` go to fsspec.

    The records equal ``iter_cables(path, errors=...)`` for each path in turn, record for
    record and in order, except that a parser bug (an exception other than CableParseError)
    becomes a CableError instead of stopping everything. Listing and sizing the files happens
    now, on the client; reading and parsing happen when the bag is computed.
    """
    _check_errors(errors, format)
    blocks, lines = _blocks_and_lines(paths, blocksize, format, storage_options)
    parts = [delayed(_block_list, pure=True)(block, lines, errors) for block in blocks]
    if not parts:
        return dask_bag.from_sequence([], npartitions=1)  # type: ignore[no-untyped-call]
    return dask_bag.from_delayed(parts)  # type: ignore[no-untyped-call]


def dataframe_meta() -> Any:
    """The empty pandas DataFrame that describes :func:`to_dataframe`'s partitions.

    Its columns are those of :func:`cableparse.sinks.parquet.cable_schema`, each with the
    pandas ``ArrowDtype`` of its Arrow type (``string[pyarrow]``, ``int64[pyarrow]``,
    ``timestamp[us, tz=UTC][pyarrow]``, structs and lists kept as Arrow structs and lists), so
    nullable integers stay integers and nested fields are not flattened to Python objects.
    """
    from .sinks.parquet import cable_schema

    return cable_schema().empty_table().to_pandas(types_mapper=_pandas().ArrowDtype)


def read_dataframe(
    paths: Paths,
    *,
    blocksize: int | str = DEFAULT_BLOCKSIZE,
    format: Format = "auto",
    errors: ErrorsMode = "raise",
    storage_options: Mapping[str, Any] | None = None,
) -> Any:
    """A :class:`dask.dataframe.DataFrame` with one row per cable, as the Parquet sink writes it.

    Columns and types: :func:`dataframe_meta`. Arguments as for :func:`read_cables`, with
    ``errors="raise"`` by default as everywhere; a dataframe has no place for unreadable
    records, so ``"skip"`` and ``"yield"`` both drop them (use :func:`to_parquet` or
    :func:`read_cables` to keep them).
    """
    _check_errors(errors, format)
    blocks, lines = _blocks_and_lines(paths, blocksize, format, storage_options)
    meta = dataframe_meta()
    mode = "skip" if errors == "yield" else errors
    parts = [delayed(_block_frame, pure=True)(block, lines, mode) for block in blocks]
    if not parts:
        return dask_dataframe.from_pandas(meta, npartitions=1)  # type: ignore[no-untyped-call]
    return dask_dataframe.from_delayed(parts, meta=meta, verify_meta=False)


def to_dataframe(paths: Paths, **options: Any) -> Any:
    """Deprecated name of :func:`read_dataframe` (Dask names functions that read paths
    ``read_*``); kept working, with a :class:`DeprecationWarning`."""
    warnings.warn("cableparse.dask.to_dataframe is deprecated; use read_dataframe", DeprecationWarning, stacklevel=2)
    return read_dataframe(paths, **options)


# --- writing a dataset ------------------------------------------------------------------------


def _output_fs(out_dir: str | os.PathLike[str], options: Mapping[str, Any]) -> tuple[Any, str, bool]:
    """``(filesystem, path, local)`` of the output directory."""
    text = os.fspath(out_dir)
    if _is_local(text):
        return fsspec.filesystem("file"), os.path.abspath(text.rstrip("/") or "/"), True
    fs, root = fsspec.core.url_to_fs(text, **options)
    return fs, root.rstrip("/"), False


def _check_output(fs: Any, root: str, local: bool) -> None:
    """Refuse to replace anything but a previous dataset (the rule of the Parquet sink)."""
    if local and not os.path.isdir(os.path.dirname(root)):
        raise FileNotFoundError(2, "output directory does not exist", os.path.dirname(root))
    if not fs.exists(root):
        return
    if not fs.isdir(root):
        raise SinkError(f"{root}: exists and is not a cableparse Parquet dataset")
    for name in fs.ls(root, detail=False):
        if not _PART_NAME.fullmatch(str(name).rstrip("/").rsplit("/", 1)[-1]):
            raise SinkError(f"{root}: exists and is not a cableparse Parquet dataset")


def _commit(fs: Any, temp: str, root: str, local: bool) -> None:
    """Put the finished dataset in place of ``root``."""
    if local:
        replace_directory(temp, root)
        return
    # Object stores have no rename: copy, then delete (not atomic; the parts are complete).
    if fs.exists(root):
        fs.rm(root, recursive=True)
    fs.mv(temp, root, recursive=True)


def _empty_part(fs: Any, path: str) -> None:
    """A zero-row part, so that an empty dataset still carries the schema."""
    from .sinks.parquet import cable_schema

    pq = importlib.import_module("pyarrow.parquet")

    with fs.open(path, "wb") as file:
        pq.ParquetWriter(file, cable_schema(), compression="zstd").close()


def _scheduler_workers(scheduler: Any) -> int:
    """How many workers a compute will use (for the summary)."""
    if scheduler is not None and hasattr(scheduler, "scheduler_info"):
        try:
            return max(1, len(scheduler.scheduler_info().get("workers", {})))
        except Exception:  # noqa: BLE001 - a figure for the report only
            return 1
    if scheduler in ("sync", "synchronous", "single-threaded"):
        return 1
    return int(dask.config.get("num_workers", None) or os.cpu_count() or 1)


def to_parquet(
    paths: Paths,
    out_dir: str | os.PathLike[str],
    *,
    blocksize: int | str = DEFAULT_BLOCKSIZE,
    format: Format = "auto",
    errors: ErrorsMode = "yield",
    storage_options: Mapping[str, Any] | None = None,
    output_storage_options: Mapping[str, Any] | None = None,
    rejects: str | os.PathLike[str] | None = None,
    scheduler: Any = None,
    num_workers: int | None = None,
) -> Summary:
    """Write the cables of ``paths`` as a Parquet dataset ``out_dir``; the workers write it.

    Each block (see :func:`read_cables`) is parsed by one task, which writes
    ``part-NNNNN.parquet`` (NNNNN: the block's number, so name order is input order) with the
    Parquet sink's schema, compression and row groups, and sends back only counts: no parsed
    cable travels to the client. Blocks without cables write no part; a dataset with no cable
    at all gets one empty part carrying the schema.

    The parts are written to a hidden directory next to ``out_dir`` and moved into place when
    every task has succeeded; for a local path that is a rename, so ``out_dir`` holds the old
    dataset or the complete new one, never a partial one. An existing ``out_dir`` is replaced
    only if it holds nothing but ``part-NNNNN.parquet`` files. ``out_dir`` may be an fsspec URL
    (``output_storage_options``, default ``storage_options``).

    ``errors``: ``"yield"`` (default) counts unreadable records as rejects and, with
    ``rejects`` (a path or URL), writes them there as JSON Lines of ``to_plain(CableError)``
    in input order (the file is written even when empty); ``"skip"`` drops them uncounted;
    ``"raise"`` fails at the first. ``scheduler`` and ``num_workers`` go to
    :func:`dask.compute` (``None``: Dask's current default, such as an active
    ``distributed.Client``; parsing holds the GIL, so prefer ``"processes"`` or a cluster over
    threads). Returns the same :class:`~cableparse.batch.Summary` as ``convert``.
    """
    started = time.perf_counter()
    _check_errors(errors, format)
    output_options = dict(output_storage_options if output_storage_options is not None else storage_options or {})
    fs, root, local = _output_fs(out_dir, output_options)
    _check_output(fs, root, local)
    blocks, lines = _blocks_and_lines(paths, blocksize, format, storage_options)
    parent, _, name = root.rpartition("/")
    token = uuid.uuid4().hex[:12]
    temp = f"{parent}/.{name}.{token}.tmp"
    reject_temp = f"{parent}/.{name}.{token}.rejects" if rejects is not None and errors == "yield" else None
    fs.makedirs(temp, exist_ok=True)
    if reject_temp is not None:
        fs.makedirs(reject_temp, exist_ok=True)
    temp_url = temp if local else fs.unstrip_protocol(temp)
    reject_url = None if reject_temp is None else reject_temp if local else fs.unstrip_protocol(reject_temp)
    try:
        tasks = [delayed(_write_block, pure=False)(block, lines, errors, temp_url, reject_url, output_options)
                 for block in blocks]
        options: dict[str, Any] = {}
        if scheduler is not None:
            options["scheduler"] = scheduler
        if num_workers is not None:
            options["num_workers"] = num_workers
        results: Sequence[_PartResult] = ()
        if tasks:
            results = compute(*tasks, **options)  # type: ignore[no-untyped-call]
        if not any(result.part for result in results):
            _empty_part(fs, f"{temp}/part-00000.parquet")
        if rejects is not None:
            _write_rejects(rejects, [r.rejects_part for r in results if r.rejects_part], output_options)
        _commit(fs, temp, root, local)
    except BaseException:
        if fs.exists(temp):
            fs.rm(temp, recursive=True)
        raise
    finally:
        if reject_temp is not None and fs.exists(reject_temp):
            fs.rm(reject_temp, recursive=True)
    stats = Stats()
    for result in results:
        stats.add_result(result)
    return stats.summary(
        seconds=time.perf_counter() - started,
        input_bytes=sum(source.size for block in blocks for source in block.inputs
                        if block.kind == "files" or block.first_of_file),
        jobs=num_workers or _scheduler_workers(scheduler),
        output=os.fspath(out_dir),
    )


def _write_rejects(target: str | os.PathLike[str], parts: Iterable[str], options: Mapping[str, Any]) -> None:
    """Concatenate the rejects parts, in block order, into ``target`` (written even when empty)."""
    text = os.fspath(target)
    if _is_local(text):
        atomic = AtomicPath(text)  # hidden temp file renamed into place, like convert's
        try:
            with open(atomic.temp, "wb") as out:
                _copy_parts(parts, out, options)
            atomic.commit()
        except BaseException:
            atomic.discard()
            raise
        return
    with fsspec.open(text, "wb", **options) as out:
        _copy_parts(parts, out, options)


def _copy_parts(parts: Iterable[str], out: IO[bytes], options: Mapping[str, Any]) -> None:
    for part in sorted(parts):
        with fsspec.open(part, "rb", **options) as source:
            while chunk := source.read(1 << 20):
                out.write(chunk)


# --- command line -------------------------------------------------------------------------------


def auto_blocksize(paths: Paths, workers: int, storage_options: Mapping[str, Any] | None = None) -> int:
    """A block size giving each of ``workers`` about four blocks, at most :data:`DEFAULT_BLOCKSIZE`.

    Four blocks per worker even out the load (cable sizes vary a hundredfold), and a file
    smaller than ``workers`` default blocks is still spread over every worker. Lists the
    inputs (sizes only).
    """
    total = sum(source.size for source in _expand(paths, dict(storage_options or {})))
    largest = parse_bytes(DEFAULT_BLOCKSIZE)
    return max(1 << 20, min(largest, -(-total // (4 * max(1, workers)))))


def convert(
    inputs: Paths,
    output: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    format: Format = "auto",
    rejects: str | os.PathLike[str] | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    blocksize: int | str | None = None,
) -> Summary:
    """What ``cableparse convert --engine dask`` runs: :func:`to_parquet` on a scheduler.

    ``output``: a Parquet dataset directory (an existing directory, a path ending in ``/``, or
    a path ending in ``.parquet``, which becomes a directory of that name as Dask and Spark
    write it). ``scheduler``: the address of a ``distributed`` scheduler
    (``tcp://host:8786``); without it the work runs in ``jobs`` local processes (default: the
    number of CPUs). ``blocksize``: default :func:`auto_blocksize` for the worker threads
    there are. ``progress``: a Dask progress bar on stderr for local runs (default: when
    stderr is a terminal).
    """
    text = os.fspath(output)
    if text == "-" or not (text.endswith("/") or text.lower().endswith(".parquet")
                           or (_is_local(text) and os.path.isdir(text))):
        raise SinkError(f"{text}: --engine dask writes a Parquet dataset: OUT must be a directory "
                        "(ending in '/') or end with '.parquet'")
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}")
    if any(os.fspath(item) == "-" for item in ([inputs] if isinstance(inputs, (str, os.PathLike)) else inputs)):
        raise ValueError("--engine dask cannot read standard input ('-'); name a file or URL")
    if jobs is not None and jobs < 1:
        raise ValueError("jobs must be at least 1")
    if progress is None:
        progress = sys.stderr.isatty()
    if scheduler is not None:
        from distributed import Client

        # The cluster decides how many workers there are; ``jobs`` is for the local run only.
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            threads = sum(int(worker.get("nthreads", 1))
                          for worker in client.scheduler_info().get("workers", {}).values())
            size = blocksize if blocksize is not None else auto_blocksize(inputs, threads)
            return to_parquet(inputs, text, blocksize=size, format=format, rejects=rejects, scheduler=client)
    workers = jobs or os.cpu_count() or 1
    size = blocksize if blocksize is not None else auto_blocksize(inputs, workers)
    # Parsing holds the GIL: local work needs processes, not Dask's default threads.
    local = "processes" if workers > 1 else "sync"
    if not progress:
        return to_parquet(inputs, text, blocksize=size, format=format, rejects=rejects,
                          scheduler=local, num_workers=workers)
    from dask.diagnostics.progress import ProgressBar

    with ProgressBar(out=sys.stderr):  # type: ignore[no-untyped-call]
        return to_parquet(inputs, text, blocksize=size, format=format, rejects=rejects,
                          scheduler=local, num_workers=workers)
