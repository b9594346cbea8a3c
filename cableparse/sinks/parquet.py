"""Parquet sink: one row per cable, with nested structs and lists mirroring the models.

pyarrow is imported lazily (the ``parquet`` extra), so ``import cableparse`` never needs it.
The schema is published as :func:`cable_schema` and documented in ``docs/batch.md``: every
model field is a column or struct field of the same name, tuples are lists, datetimes are
``timestamp[us, tz=UTC]``, dates are ``date32``, and ``Banner.section`` ``(n, m)`` is a struct
``{number, total}``. pandas, polars and DuckDB read it without help.

Rows are turned into Arrow record batches :data:`BATCH_ROWS` cables at a time, so that the
Python objects of only that many cables are alive at once, and written one row group at a time
(:data:`ROW_GROUP_SIZE` cables), so memory stays flat however large the input is.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..models import Cable
from ..serialize import from_dict, to_native_dict
from ._atomic import (
    AtomicPath,
    current_umask,
    remove_tree,
    replace_directory,
    temp_directory_for,
)
from .base import PART_FILE, AtomicFile, AtomicOutput, Sink, SinkError, parent_must_exist

__all__ = [
    "SCHEMA_VERSION",
    "ParquetDatasetSink",
    "ParquetSink",
    "RowGroupWriter",
    "cable_row",
    "cable_schema",
    "cables_frame",
    "read_parquet",
    "row_to_dict",
]

SCHEMA_VERSION = "1"
"""Version of :func:`cable_schema`, stored in the file metadata as ``cableparse.schema``."""

ROW_GROUP_SIZE = 500
"""Cables per row group (about 4 MB of text): large enough for good compression (the file is
within 1% of the size with 2,000) and for readers that work per row group, small enough that
the writer's buffers stay small. With 2,000, and the rows of a whole group held as Python
dicts, the 200 MB generated dump peaked at 306 MB RSS (issue 14)."""

BATCH_ROWS = 100
"""Cables whose row dicts are held before they become one Arrow record batch."""

_PART_NAME = PART_FILE


def _pyarrow() -> tuple[Any, Any]:
    """``(pyarrow, pyarrow.parquet)``, imported on first use with a helpful error."""
    try:
        pa = importlib.import_module("pyarrow")
        pq = importlib.import_module("pyarrow.parquet")
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Parquet output needs pyarrow: pip install 'cableparse[parquet]'"
        ) from error
    return pa, pq


_SCHEMA: Any = None


def cable_schema() -> Any:
    """The Arrow schema (a ``pyarrow.Schema``) of the Parquet files written by cableparse.

    Column names and nesting follow the models field for field (see ``docs/batch.md``).
    """
    global _SCHEMA
    if _SCHEMA is not None:
        return _SCHEMA
    pa, _ = _pyarrow()
    text = pa.string()
    texts = pa.list_(text)
    integer = pa.int64()
    timestamp = pa.timestamp("us", tz="UTC")
    recipient = pa.struct(
        [
            ("routing_indicator", text),
            ("address", text),
            ("precedence", text),
            ("serial", text),
            ("office", text),
        ]
    )
    header = pa.struct(
        [
            ("kind", text),
            ("transmission_id", text),
            ("precedence", text),
            ("routing_indicators", texts),
            ("station", text),
            ("station_serial", integer),
            ("section", integer),
            ("filed", text),
            ("security", text),
            ("precedences", texts),
            ("dtg", timestamp),
            ("dtg_text", text),
            ("operating_signals", texts),
            ("sender", text),
            ("to", pa.list_(recipient)),
            ("info", pa.list_(recipient)),
            ("exempted", pa.list_(recipient)),
            ("preamble", text),
        ]
    )
    banner = pa.struct(
        [
            ("level", text),
            ("marking", text),
            ("section", pa.struct([("number", integer), ("total", integer)])),
            ("origin", text),
            ("serial", text),
        ]
    )
    executive_order = pa.struct(
        [("order", text), ("declassify", text), ("declassify_on", pa.date32())]
    )
    tag = pa.struct([("code", text), ("kind", text)])
    reference = pa.struct(
        [("bullet", text), ("kind", text), ("text", text), ("cable_id", text)]
    )
    classified_by = pa.struct(
        [("name", text), ("title", text), ("reasons", texts), ("text", text)]
    )
    paragraph = pa.struct([("number", integer), ("classification", text), ("text", text)])
    body = pa.struct(
        [
            ("preamble", text),
            ("banner", banner),
            ("captions", texts),
            ("passing", texts),
            ("executive_order", executive_order),
            ("tags", pa.list_(tag)),
            ("subject", text),
            ("subject_classification", text),
            ("refs", pa.list_(reference)),
            ("classified_by", classified_by),
            ("paragraphs", pa.list_(paragraph)),
            ("summary", text),
            ("signers", texts),
            ("page_markers", texts),
            ("text", text),
        ]
    )
    defect = pa.struct(
        [("code", text), ("message", text), ("line", integer), ("column", integer)]
    )
    classification = pa.struct([("level", text), ("caveats", texts)])
    schema = pa.schema(
        [
            ("reference_id", text),
            ("canonical_id", text),
            ("container", text),
            ("row_id", integer),
            ("created", timestamp),
            ("released", timestamp),
            ("origin", text),
            ("classification", classification),
            ("references", texts),
            ("header", header),
            ("body", body),
            ("defects", pa.list_(defect)),
        ],
        metadata={"cableparse.schema": SCHEMA_VERSION},
    )
    _SCHEMA = schema
    return schema


# --- model -> row ---------------------------------------------------------------------------

def cable_row(cable: Cable) -> dict[str, Any]:
    """The Parquet row of one cable as a plain ``dict`` (values as pyarrow accepts them)."""
    row = to_native_dict(cable)
    body = row["body"]
    if body is not None and body["banner"] is not None and body["banner"]["section"] is not None:
        number, total = body["banner"]["section"]
        body["banner"]["section"] = {"number": number, "total": total}
    return row


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return value


def row_to_dict(row: dict[str, Any]) -> dict[str, Any]:
    """A row read back from Parquet as :func:`~cableparse.to_dict` data (for ``from_dict``)."""
    data: dict[str, Any] = _plain(row)
    body = data.get("body")
    if body is not None and body.get("banner") is not None:
        section = body["banner"].get("section")
        if section is not None:
            body["banner"]["section"] = [section["number"], section["total"]]
    return data


def cables_frame(cables: Iterable[Cable]) -> Any:
    """The rows of ``cables`` as a pandas DataFrame of :func:`cable_schema`'s columns, each with
    the pandas ``ArrowDtype`` of its Arrow type (nullable integers stay integers, structs and
    lists stay Arrow structs and lists). Needs pandas."""
    table = _pyarrow()[0].Table.from_pylist([cable_row(cable) for cable in cables], schema=cable_schema())
    return table.to_pandas(types_mapper=importlib.import_module("pandas").ArrowDtype)


# --- writers ---------------------------------------------------------------------------------


class RowGroupWriter:
    """Buffers rows and writes a row group every ``row_group_size`` cables into ``where``: a
    path, or a binary file object (an fsspec file: Dask's part files are written by this
    writer too, so both engines write the same files)."""

    def __init__(self, where: str | os.PathLike[str] | IO[bytes], row_group_size: int = ROW_GROUP_SIZE,
                 compression: str = "zstd") -> None:
        pa, pq = _pyarrow()
        self._pa = pa
        self._schema = cable_schema()
        self._writer = pq.ParquetWriter(where, self._schema, compression=compression)
        self._rows: list[dict[str, Any]] = []
        self._batches: list[Any] = []
        self._pending = 0  # rows in self._batches
        self._size = row_group_size
        self._batch_rows = min(BATCH_ROWS, row_group_size)

    def add(self, row: dict[str, Any]) -> None:
        """Buffer one row (:func:`cable_row`); a full buffer becomes a row group."""
        self._rows.append(row)
        if len(self._rows) >= self._batch_rows:
            self._to_batch()
            if self._pending >= self._size:
                self.flush()

    def _to_batch(self) -> None:
        # Row dicts are the bulkiest form of a cable (several times its text); they are
        # released as soon as Arrow holds the values.
        if self._rows:
            self._batches.append(self._pa.RecordBatch.from_pylist(self._rows, schema=self._schema))
            self._pending += len(self._rows)
            self._rows = []

    def flush(self) -> None:
        """Write the buffered rows as a row group."""
        self._to_batch()
        if self._batches:
            table = self._pa.Table.from_batches(self._batches, schema=self._schema)
            self._batches = []
            self._pending = 0
            self._writer.write_table(table, row_group_size=self._size)
            del table
            # Arrow's allocator keeps freed blocks for reuse; handing them back after each row
            # group keeps the sink's peak down (200 MB generated dump, 1 job: 201 -> 195 MiB).
            self._pa.default_memory_pool().release_unused()

    def copy_row_groups(self, part: str | os.PathLike[str]) -> int:
        """Append a part file's row groups unchanged in content (one group in memory)."""
        _, pq = _pyarrow()
        self.flush()
        source = pq.ParquetFile(part)
        count = 0
        for index in range(source.num_row_groups):
            table = source.read_row_group(index)
            count += table.num_rows
            self._writer.write_table(table.cast(self._schema))
        source.close()
        return count

    def write_frame(self, frame: Any) -> Any:
        """Write a pandas frame of this schema's rows (a partition of
        :func:`cableparse.dask.read_dataframe`) in row groups; return it as an Arrow table."""
        self.flush()
        table = self._pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)
        self._writer.write_table(table, row_group_size=self._size)
        return table

    def close(self) -> None:
        """Write what is buffered and the footer (a file object given is left open)."""
        self.flush()
        self._writer.close()


class ParquetSink(AtomicFile, Sink):
    """Writes one Parquet file, atomically, in row groups of ``row_group_size`` cables.

    ``compression`` defaults to zstd: cable text compresses about 3x and pandas, polars and
    DuckDB all read it. The parallel converter writes its temporary parts with lz4, which the
    parent decodes at a third of zstd's cost when it merges them.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        row_group_size: int = ROW_GROUP_SIZE,
        compression: str = "zstd",
    ) -> None:
        self.path = os.fspath(path)
        self.count = 0
        parent_must_exist(Path(self.path))
        self._atomic = AtomicPath(self.path)
        try:
            self._writer = RowGroupWriter(self._atomic.temp, row_group_size, compression)
        except BaseException:
            self._atomic.discard()
            raise

    def write(self, cable: Cable) -> None:
        """Buffer one cable; a full buffer becomes a row group."""
        self._writer.add(cable_row(cable))
        self.count += 1

    def append_part(self, part: str | os.PathLike[str]) -> None:
        """Append a Parquet part's row groups (decoded and re-encoded one group at a time)."""
        self.count += self._writer.copy_row_groups(part)

    def _release(self) -> None:
        """Write the last row group and the footer."""
        self._writer.close()


def _is_old_dataset(directory: Path) -> bool:
    """True for an empty directory or one holding only our own ``part-NNNNN.parquet`` files."""
    return all(_PART_NAME.match(entry.name) for entry in directory.iterdir())


class ParquetDatasetSink(AtomicOutput, Sink):
    """Writes a directory of ``part-NNNNN.parquet`` files (a Parquet dataset).

    Chosen when the output path ends with ``/`` or is an existing directory. The parts are
    built in a hidden temporary directory next to the output, which is renamed into place on
    :meth:`close`. An existing output directory is replaced only if it is empty or holds
    nothing but a previous dataset's part files; anything else is refused.
    """

    def __init__(self, path: str | os.PathLike[str], *, row_group_size: int = ROW_GROUP_SIZE) -> None:
        self.path = os.fspath(path)
        self.count = 0
        self._final = Path(self.path.rstrip("/") or "/")
        self._size = row_group_size
        if self._final.exists() and not (self._final.is_dir() and _is_old_dataset(self._final)):
            raise SinkError(f"{self.path}: exists and is not a cableparse Parquet dataset")
        parent_must_exist(self._final)
        self._temp = temp_directory_for(self._final, "tmp")
        # mkdtemp makes the directory private (0700); the dataset should get the usual mode.
        os.chmod(self._temp, 0o777 & ~current_umask())
        self._parts = 0
        self._writer: RowGroupWriter | None = None

    def _next_part(self) -> Path:
        path = self._temp / f"part-{self._parts:05d}.parquet"
        self._parts += 1
        return path

    def _finish_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def write(self, cable: Cable) -> None:
        """Add one cable to the current part file."""
        if self._writer is None:
            self._writer = RowGroupWriter(self._next_part(), self._size)
        self._writer.add(cable_row(cable))
        self.count += 1

    def append_part(self, part: str | os.PathLike[str]) -> None:
        """Move a finished part file into the dataset (a rename: no data is copied)."""
        self._finish_writer()
        _, pq = _pyarrow()
        self.count += pq.ParquetFile(part).metadata.num_rows
        os.replace(part, self._next_part())

    def _finish(self) -> None:
        """Sync every part and rename the directory into place."""
        self._finish_writer()
        if self._parts == 0:
            # An empty dataset still carries the schema, so readers can open it.
            RowGroupWriter(self._next_part(), self._size).close()
        replace_directory(self._temp, self._final)

    def _release(self) -> None:
        self._finish_writer()

    def _discard(self) -> None:
        remove_tree(self._temp)


def _files(path: str | os.PathLike[str]) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix == ".parquet" and not p.name.startswith("."))
    return [path]


def read_parquet(path: str | os.PathLike[str], *, batch_size: int = 512) -> Iterator[Cable]:
    """Read cables back from a Parquet file or dataset directory written by cableparse."""
    _, pq = _pyarrow()
    for file in _files(path):
        source = pq.ParquetFile(file)
        try:
            for batch in source.iter_batches(batch_size=batch_size):
                for row in batch.to_pylist():
                    yield from_dict(row_to_dict(row))
        finally:
            source.close()
