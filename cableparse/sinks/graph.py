"""Graph sink: the citation edges and nodes of the cables, as CSV, Parquet, a dataset or GraphML.

What :func:`cableparse.graph.write_graph` (``cableparse graph``) writes through the batch
converter. The output path picks the format (:func:`graph_format`):

===============  ===========================================================================
``*.csv``        edges in the file, nodes in ``*.nodes.csv`` beside it (UTF-8, a header row)
``*.parquet``    edges in the file, nodes in ``*.nodes.parquet`` beside it
``dir/``         a Parquet dataset: ``dir/edges/part-NNNNN.parquet``, ``dir/nodes/part-NNNNN.parquet``
``*.graphml``    one GraphML file, nodes and edges (directed; loads in networkx, Gephi, igraph)
===============  ===========================================================================

Edge columns: ``citing_id``, ``cited_id``, ``bullet``, ``source`` (``ref-block``,
``references-column``, ``both``), ``date`` (the citing cable's date). Node columns: ``id``,
``created``, ``origin``, ``classification``, ``caveats``, ``subject``, ``in_input`` (false for a
cited id that no cable of the input had). Dates are ISO 8601 text in CSV and GraphML and
``timestamp[us, tz=UTC]`` in Parquet.

Rows are written as the cables stream by; only the ids seen and cited are kept (for the
nodes of cited cables the input lacks, written last, and to skip a cable seen twice). With
worker processes each worker writes its cables' raw rows to a JSON Lines part and the parent
feeds the parts through the same :class:`~cableparse.graph.GraphBuilder` in input order, so the
output does not depend on the number of jobs. Every file is written under a hidden temporary
name and renamed into place only when the whole run succeeded.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import functools
import io
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

from ..graph import Citation, GraphBuilder, Node, cable_citations, cable_node
from ..models import Cable
from ._atomic import AtomicPath, current_umask, remove_tree, replace_directory, temp_directory_for
from .base import AtomicFile, AtomicOutput, Sink, SinkError, parent_must_exist
from .jsonl import JsonLinesFile

__all__ = [
    "EDGE_COLUMNS",
    "NODE_COLUMNS",
    "GraphFormat",
    "GraphSink",
    "edge_schema",
    "graph_format",
    "node_schema",
]

GraphFormat = Literal["csv", "parquet", "dataset", "graphml"]
"""The output formats of the graph sink."""

EDGE_COLUMNS: tuple[str, ...] = ("citing_id", "cited_id", "bullet", "source", "date")
"""Columns of the edges table, in order."""

NODE_COLUMNS: tuple[str, ...] = ("id", "created", "origin", "classification", "caveats", "subject", "in_input")
"""Columns of the nodes table, in order."""

ROWS_PER_GROUP = 10_000
"""Rows per Parquet row group (a buffer of Python rows costs about 100 MB per 50,000, so groups stay small)."""

ROWS_PER_FILE = 1_000_000
"""Rows per part file of a Parquet dataset."""

_SUFFIXES: dict[str, GraphFormat] = {".csv": "csv", ".parquet": "parquet", ".graphml": "graphml"}

_PART_NAME = re.compile(r"part-\d{5}\.parquet\Z")

# XML 1.0 cannot carry most control characters, not even escaped; cable text has some
# (form feeds of scanned printouts), so they become U+FFFD in GraphML.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def graph_format(path: str | os.PathLike[str]) -> GraphFormat:
    """The format for an output path; raises :class:`~cableparse.sinks.SinkError` for others."""
    text = os.fspath(path)
    if text.endswith(("/", os.sep)) or Path(text).is_dir():
        return "dataset"
    kind = _SUFFIXES.get(Path(text).suffix.lower())
    if kind is None:
        raise SinkError(f"{text}: unknown graph output format (use .csv, .parquet, .graphml or a directory/)")
    return kind


def _pyarrow() -> tuple[Any, Any]:
    from .parquet import _pyarrow as load  # one place for the "install the extra" message

    return load()


def edge_schema() -> Any:
    """The Arrow schema of the edges table."""
    pa, _ = _pyarrow()
    return pa.schema(
        [
            ("citing_id", pa.string()),
            ("cited_id", pa.string()),
            ("bullet", pa.string()),
            ("source", pa.string()),
            ("date", pa.timestamp("us", tz="UTC")),
        ],
        metadata={"cableparse.table": "citation-edges"},
    )


def node_schema() -> Any:
    """The Arrow schema of the nodes table."""
    pa, _ = _pyarrow()
    return pa.schema(
        [
            ("id", pa.string()),
            ("created", pa.timestamp("us", tz="UTC")),
            ("origin", pa.string()),
            ("classification", pa.string()),
            ("caveats", pa.string()),
            ("subject", pa.string()),
            ("in_input", pa.bool_()),
        ],
        metadata={"cableparse.table": "citation-nodes"},
    )


def _edge_values(edge: Citation) -> tuple[Any, ...]:
    return (edge.citing_id, edge.cited_id, edge.bullet, edge.source, edge.date)


def _node_values(node: Node) -> tuple[Any, ...]:
    return (node.id, node.created, node.origin, node.classification, node.caveats, node.subject, node.in_input)


def _iso(value: _dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _datetime(text: str | None) -> _dt.datetime | None:
    return None if text is None else _dt.datetime.fromisoformat(text)


# --- worker parts: raw rows as JSON Lines ----------------------------------------------------


def _part_lines(cable: Cable) -> list[str]:
    """A cable's node and edges as part-file lines (before any de-duplication)."""
    node = cable_node(cable)
    if node is None:
        return []
    lines = [json.dumps(["n", node.id, _iso(node.created), node.origin, node.classification, node.caveats, node.subject], ensure_ascii=False)]
    for edge in cable_citations(cable):
        lines.append(json.dumps(["e", edge.citing_id, edge.cited_id, edge.bullet, edge.source, _iso(edge.date)], ensure_ascii=False))
    return lines


def _read_part(path: str | os.PathLike[str]) -> Iterator[Node | Citation]:
    """The nodes and edges of a part file, in order."""
    with open(path, encoding="utf-8") as file:
        for line in file:
            row = json.loads(line)
            if row[0] == "n":
                _, id_, created, origin, classification, caveats, subject = row
                yield Node(id=id_, created=_datetime(created), origin=origin, classification=classification,
                           caveats=caveats, subject=subject)
            else:
                _, citing, cited, bullet, source, date = row
                yield Citation(citing_id=citing, cited_id=cited, bullet=bullet, source=source, date=_datetime(date))


# --- table writers ---------------------------------------------------------------------------


class _Tables(AtomicOutput):
    """Where kept nodes and edges go; ``close`` moves the output into place, ``abort`` drops it."""

    def add_node(self, node: Node) -> None:
        raise NotImplementedError

    def add_edge(self, edge: Citation) -> None:
        raise NotImplementedError


class _FileTables(_Tables):
    """The edges file and the nodes file beside it, each written under a temporary name."""

    def __init__(self, *outputs: tuple[Path, Callable[[Path], Any]]) -> None:
        self._atomic: list[AtomicPath] = []
        self._handles: list[Any] = []
        try:
            for path, open_handle in outputs:
                self._atomic.append(AtomicPath(path))
                self._handles.append(open_handle(self._atomic[-1].temp))
        except BaseException:
            self.abort()
            raise

    def _finish(self) -> None:
        for handle in self._handles:
            handle.close()
        # Nodes first: the edges file is the output the user named, so it appears last.
        for atomic in reversed(self._atomic):
            atomic.commit()

    def _release(self) -> None:
        for handle in self._handles:
            with contextlib.suppress(Exception):  # thrown away; close the others too
                handle.close()

    def _discard(self) -> None:
        for atomic in self._atomic:
            atomic.discard()


def _csv_text(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    return value


def _csv_file(columns: tuple[str, ...], path: Path) -> io.TextIOWrapper:
    file = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by _FileTables
    csv.writer(file).writerow(columns)
    return file


class _CsvTables(_FileTables):
    def __init__(self, edges: Path, nodes: Path) -> None:
        super().__init__((edges, functools.partial(_csv_file, EDGE_COLUMNS)), (nodes, functools.partial(_csv_file, NODE_COLUMNS)))
        self._edges = csv.writer(self._handles[0])
        self._nodes = csv.writer(self._handles[1])

    def add_node(self, node: Node) -> None:
        self._nodes.writerow([_csv_text(value) for value in _node_values(node)])

    def add_edge(self, edge: Citation) -> None:
        self._edges.writerow([_csv_text(value) for value in _edge_values(edge)])


class _ParquetTable:
    """One Parquet file written in row groups from column buffers."""

    def __init__(self, path: Path, schema: Any) -> None:
        pa, pq = _pyarrow()
        self._pa = pa
        self._schema = schema
        self._writer = pq.ParquetWriter(path, schema, compression="zstd")
        self._columns: list[list[Any]] = [[] for _ in schema.names]
        self.rows = 0

    def add(self, values: tuple[Any, ...]) -> None:
        for column, value in zip(self._columns, values):
            column.append(value)
        self.rows += 1
        if len(self._columns[0]) >= ROWS_PER_GROUP:
            self.flush()

    def flush(self) -> None:
        if self._columns[0]:
            arrays = [self._pa.array(column, type=field.type) for column, field in zip(self._columns, self._schema)]
            self._writer.write_table(self._pa.Table.from_arrays(arrays, schema=self._schema))
            self._columns = [[] for _ in self._schema.names]

    def close(self) -> None:
        self.flush()
        self._writer.close()


class _ParquetTables(_FileTables):
    def __init__(self, edges: Path, nodes: Path) -> None:
        super().__init__((edges, lambda path: _ParquetTable(path, edge_schema())),
                         (nodes, lambda path: _ParquetTable(path, node_schema())))

    def add_node(self, node: Node) -> None:
        self._handles[1].add(_node_values(node))

    def add_edge(self, edge: Citation) -> None:
        self._handles[0].add(_edge_values(edge))


def _is_old_graph_dataset(directory: Path) -> bool:
    """An empty directory, or one holding only a previous graph dataset."""
    for entry in directory.iterdir():
        if entry.name not in ("edges", "nodes") or not entry.is_dir():
            return False
        if not all(_PART_NAME.match(part.name) for part in entry.iterdir()):
            return False
    return True


class _DatasetTables(_Tables):
    """``dir/edges/part-NNNNN.parquet`` and ``dir/nodes/part-NNNNN.parquet``, built in a hidden
    directory and renamed into place (replacing only an empty directory or an old graph dataset)."""

    def __init__(self, final: Path) -> None:
        self._final = final
        if final.exists() and not (final.is_dir() and _is_old_graph_dataset(final)):
            raise SinkError(f"{final}: exists and is not a cableparse graph dataset")
        parent_must_exist(final)
        self._schemas = {"edges": edge_schema(), "nodes": node_schema()}
        self._parts = {"edges": 0, "nodes": 0}
        self._open: dict[str, _ParquetTable] = {}
        self._temp = temp_directory_for(final, "tmp")
        try:
            # mkdtemp makes the directory private (0700); the dataset should get the usual mode.
            os.chmod(self._temp, 0o777 & ~current_umask())
            for name in self._schemas:
                (self._temp / name).mkdir()
                self._roll(name)
        except BaseException:
            self.abort()
            raise

    def _roll(self, name: str) -> _ParquetTable:
        old = self._open.get(name)
        if old is not None:
            old.close()
        table = _ParquetTable(self._temp / name / f"part-{self._parts[name]:05d}.parquet", self._schemas[name])
        self._parts[name] += 1
        self._open[name] = table
        return table

    def _add(self, name: str, values: tuple[Any, ...]) -> None:
        table = self._open[name]
        if table.rows >= ROWS_PER_FILE:
            table = self._roll(name)
        table.add(values)

    def add_node(self, node: Node) -> None:
        self._add("nodes", _node_values(node))

    def add_edge(self, edge: Citation) -> None:
        self._add("edges", _edge_values(edge))

    def _finish(self) -> None:
        for table in self._open.values():
            table.close()
        replace_directory(self._temp, self._final)

    def _release(self) -> None:
        for table in self._open.values():
            with contextlib.suppress(Exception):  # thrown away; close the others too
                table.close()

    def _discard(self) -> None:
        remove_tree(self._temp)


_GRAPHML_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
<key id="created" for="node" attr.name="created" attr.type="string"/>
<key id="origin" for="node" attr.name="origin" attr.type="string"/>
<key id="classification" for="node" attr.name="classification" attr.type="string"/>
<key id="caveats" for="node" attr.name="caveats" attr.type="string"/>
<key id="subject" for="node" attr.name="subject" attr.type="string"/>
<key id="in_input" for="node" attr.name="in_input" attr.type="boolean"/>
<key id="bullet" for="edge" attr.name="bullet" attr.type="string"/>
<key id="source" for="edge" attr.name="source" attr.type="string"/>
<key id="date" for="edge" attr.name="date" attr.type="string"/>
<graph id="citations" edgedefault="directed">
"""

_GRAPHML_TAIL = "</graph>\n</graphml>\n"


def _xml(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value))


def _xml_attribute(value: str) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", value))


class _GraphmlTables(AtomicFile, _Tables):
    """GraphML written as it streams (GraphML allows nodes and edges in any order)."""

    def __init__(self, path: Path) -> None:
        self._atomic = AtomicPath(path)
        try:
            self._file = open(self._atomic.temp, "w", encoding="utf-8", buffering=1 << 20)  # noqa: SIM115
            self._file.write(_GRAPHML_HEAD)
        except BaseException:
            self._atomic.discard()
            raise
        self._edges = 0

    def _data(self, pairs: tuple[tuple[str, Any], ...]) -> str:
        parts = []
        for key, value in pairs:
            if value is None:
                continue
            if isinstance(value, bool):
                text = "true" if value else "false"
            elif isinstance(value, _dt.datetime):
                text = value.isoformat()
            else:
                text = _xml(str(value))
            parts.append(f'<data key="{key}">{text}</data>')
        return "".join(parts)

    def add_node(self, node: Node) -> None:
        data = self._data(
            (
                ("created", node.created),
                ("origin", node.origin),
                ("classification", node.classification),
                ("caveats", node.caveats),
                ("subject", node.subject),
                ("in_input", node.in_input),
            )
        )
        self._file.write(f"<node id={_xml_attribute(node.id)}>{data}</node>\n")

    def add_edge(self, edge: Citation) -> None:
        data = self._data((("bullet", edge.bullet), ("source", edge.source), ("date", edge.date)))
        self._file.write(
            f'<edge id="e{self._edges}" source={_xml_attribute(edge.citing_id)} '
            f"target={_xml_attribute(edge.cited_id)}>{data}</edge>\n"
        )
        self._edges += 1

    def _complete(self) -> None:
        self._file.write(_GRAPHML_TAIL)

    def _release(self) -> None:
        self._file.close()


def _open_tables(path: str) -> _Tables:
    from ..graph import nodes_path

    kind = graph_format(path)
    if kind == "dataset":
        return _DatasetTables(Path(path.rstrip("/" + os.sep) or "/"))
    final = Path(path)
    parent_must_exist(final)
    if kind == "graphml":
        return _GraphmlTables(final)
    nodes = Path(nodes_path(path) or "")
    if kind == "csv":
        return _CsvTables(final, nodes)
    return _ParquetTables(final, nodes)


# --- the sink --------------------------------------------------------------------------------


class GraphSink(AtomicOutput, Sink):
    """Writes the citation graph of the cables it is given (see the module docstring).

    ``part=True`` makes a worker's part file: the raw node and edge rows of its cables as JSON
    Lines, which the parent's sink reads back in :meth:`append_part`. After :meth:`close`,
    ``edges``, ``nodes`` and ``missing`` (nodes of cited ids the input lacks) give what was
    written, and ``duplicates`` the cables skipped as seen before.
    """

    def __init__(self, path: str | os.PathLike[str], *, part: bool = False) -> None:
        self.path = os.fspath(path)
        self.count = 0
        """Cables with a canonical id given to the sink (cables without one have no node)."""
        self.edges = 0
        """Edges written."""
        self.nodes = 0
        """Nodes written (cables of the input plus ``missing``)."""
        self.missing = 0
        """Nodes of cited ids that no cable of the input had."""
        self._builder = GraphBuilder()
        self._part: JsonLinesFile | None = None
        self._tables: _Tables | None = None
        if part:
            self._part = JsonLinesFile(self.path)
        else:
            self._tables = _open_tables(self.path)

    @property
    def duplicates(self) -> int:
        """Cables skipped because a cable with the same canonical id came earlier."""
        return self._builder.duplicates

    def _take(self, item: Node | Citation) -> None:
        assert self._tables is not None
        if isinstance(item, Node):
            if self._builder.add_node(item):
                self._tables.add_node(item)
                self.nodes += 1
        elif self._builder.add_edge(item):
            self._tables.add_edge(item)
            self.edges += 1

    def write(self, cable: Cable) -> None:
        """Add one cable's node and citations (nothing for a cable seen before)."""
        if self._part is not None:
            lines = _part_lines(cable)
            self.count += bool(lines)
            for line in lines:
                self._part.write_line(line)
            return
        node = cable_node(cable)
        if node is None:
            return
        self.count += 1
        self._take(node)
        for edge in cable_citations(cable):
            self._take(edge)

    def append_part(self, part: str | os.PathLike[str]) -> None:
        """Feed a worker's part file through the same de-duplication, in order."""
        if self._part is not None:  # pragma: no cover - parts are never merged into parts
            self._part.append_part(part)
            return
        for item in _read_part(part):
            if isinstance(item, Node):
                self.count += 1
            self._take(item)

    def _finish(self) -> None:
        """Write the nodes of the cited cables the input lacks, finish and move into place."""
        if self._part is not None:
            self._part.close()
            return
        assert self._tables is not None
        for node in self._builder.missing():
            self._tables.add_node(node)
            self.nodes += 1
            self.missing += 1
        self._tables.close()

    def _discard(self) -> None:
        if self._part is not None:
            self._part.abort()
        elif self._tables is not None:
            self._tables.abort()
