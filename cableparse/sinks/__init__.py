"""Output sinks for batch conversion, chosen by the output path's extension.

================  ===========================================================
``*.jsonl``, -    JSON Lines, one :func:`~cableparse.to_dict` record per line
``*.ndjson``      the same (``*.jsonl.gz``, ``*.ndjson.gz``: gzip-compressed while written)
``*.parquet``     one Parquet file (needs pyarrow)
``dir/``          a Parquet dataset: a directory of ``part-NNNNN.parquet`` files
``*.sqlite``      a SQLite database with child tables and FTS5 (also ``.db``, ``.sqlite3``)
================  ===========================================================

:data:`OUTPUT_FORMATS` names the formats for ``--to``, which overrides the extension.

Every file sink writes to a hidden temporary file in the output's directory, syncs it and
renames it into place when closed, so an interrupted run never leaves a complete-looking file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from ..models import Cable
from .base import NullSink, Sink, SinkError
from .jsonl import JsonlSink, read_jsonl
from .sqlite import SqliteSink, read_sqlite

__all__ = [
    "OUTPUT_FORMATS",
    "SINK_KINDS",
    "NullSink",
    "Sink",
    "SinkError",
    "SinkKind",
    "open_sink",
    "part_suffix",
    "read_output",
    "sink_kind",
]

SinkKind = Literal["jsonl", "parquet", "parquet-dataset", "sqlite", "null", "graph"]
"""The output formats (``null`` keeps nothing: ``cableparse check`` only counts; ``graph`` is the
citation graph of ``cableparse graph``, never chosen by extension: see :mod:`.graph`)."""

SINK_KINDS: dict[str, SinkKind] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".parquet": "parquet",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".db": "sqlite",
}
"""Output extension -> sink kind (``.gz`` JSON Lines are compressed by the sink)."""

OUTPUT_FORMATS: dict[str, SinkKind] = {"jsonl": "jsonl", "parquet": "parquet", "sqlite": "sqlite"}
"""``--to`` names -> sink kind, for output names whose extension says nothing (``-o cables``)."""


def sink_kind(path: str | os.PathLike[str]) -> SinkKind:
    """The sink kind for an output path; raises :class:`SinkError` for an unknown extension."""
    text = os.fspath(path)
    if text == "-":
        return "jsonl"
    if text.endswith(("/", os.sep)) or Path(text).is_dir():
        return "parquet-dataset"
    name = Path(text).name.lower()
    # Longest extension first, so that ".jsonl.gz" is not taken for an unknown ".gz".
    for suffix in sorted(SINK_KINDS, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            return SINK_KINDS[suffix]
    known = ", ".join(sorted(SINK_KINDS))
    raise SinkError(f"{text}: unknown output format (use {known}, '-' or a directory/; or --to jsonl|parquet|sqlite)")


def part_suffix(kind: SinkKind) -> str:
    """The file extension of a part file of this kind (dataset parts are Parquet files)."""
    if kind == "null":
        return ".null"
    return ".parquet" if kind == "parquet-dataset" else f".{kind}"


def open_sink(
    path: str | os.PathLike[str], *, kind: SinkKind | None = None, part: bool = False
) -> Sink:
    """Open the sink for ``path`` (kind from the extension unless given).

    ``part=True`` opens a part file for the parallel converter (SQLite parts skip indexes and
    FTS; a dataset part is a plain Parquet file).
    """
    kind = kind or sink_kind(path)
    if kind == "null":
        return NullSink()
    if kind == "graph":
        from .graph import GraphSink

        return GraphSink(path, part=part)
    if kind == "jsonl":
        return JsonlSink(path)
    if kind == "sqlite":
        return SqliteSink(path, part=part)
    from .parquet import ParquetDatasetSink, ParquetSink  # pyarrow is optional

    if kind == "parquet" and part:
        return ParquetSink(path, compression="lz4")  # merged (re-encoded) by the parent
    if kind == "parquet" or part:
        return ParquetSink(path)  # a dataset part is final: zstd
    return ParquetDatasetSink(path)


def read_output(path: str | os.PathLike[str], *, kind: SinkKind | None = None) -> list[Cable]:
    """All cables of an output file, in order (a convenience for tests and small files)."""
    kind = kind or sink_kind(path)
    if kind == "jsonl":
        return list(read_jsonl(path))
    if kind == "sqlite":
        return list(read_sqlite(path))
    from .parquet import read_parquet

    return list(read_parquet(path))
