"""The citation graph of a dump: which cable cites which, from REF blocks and references columns.

Cables cite cables in two places: the REF block of the body (``REF: A. STATE 145633``, parsed
into :attr:`Body.refs <cableparse.models.Body.refs>` with canonical ids) and, in cables.csv, the
references column (:attr:`Cable.references <cableparse.models.Cable.references>`). Network
studies of the release start by rebuilding this graph; this module gives it directly.

- :func:`cable_citations` gives the edges of one cable: one :class:`Citation` per REF entry that
  names a cable, then one for each id of the references column that no REF entry names. A REF
  entry whose id the column also lists has ``source="both"``.
- :func:`citations` streams the edges of many cables, :func:`iter_graph` the nodes and edges
  together (every cable seen, then, at the end, the cited ids the input does not hold, as
  :class:`Node` with ``in_input=False``). A cable whose canonical id was already seen (the same
  cable as a csv row and as an HTML page) is skipped: the first occurrence wins, so a cable's
  citations are never counted twice. Memory holds only two sets of ids, however large the input.
- :func:`write_graph` (``cableparse graph``) writes the edges and nodes to CSV, Parquet, a
  Parquet dataset or GraphML, with worker processes like ``cableparse convert``.

The SQLite sink of ``cableparse convert`` has the same edges as its ``citations`` table.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Literal

import attrs

from .models import Cable, CableError

if TYPE_CHECKING:
    from .batch import Summary
    from .containers._common import FormatName

__all__ = [
    "SOURCES",
    "Citation",
    "CitationSource",
    "GraphBuilder",
    "Node",
    "cable_citations",
    "cable_node",
    "citations",
    "iter_graph",
    "nodes_path",
    "write_graph",
]

CitationSource = Literal["ref-block", "references-column", "both"]
"""Where a citation was found: the body's REF block, the container's references column, or both."""

SOURCES: tuple[CitationSource, ...] = ("ref-block", "references-column", "both")
"""The values of :attr:`Citation.source`."""


@attrs.frozen(kw_only=True)
class Citation:
    """One edge of the citation graph: ``citing_id`` cites ``cited_id``."""

    citing_id: str
    """Canonical id of the citing cable."""
    cited_id: str
    """Canonical id of the cited cable."""
    bullet: str | None = None
    """The REF entry's bullet (``"A"``); ``None`` for a single REF or a references-column edge."""
    source: CitationSource
    """``"ref-block"``, ``"references-column"`` or ``"both"``."""
    date: _dt.datetime | None = None
    """The citing cable's date (:attr:`Cable.created <cableparse.models.Cable.created>`)."""


@attrs.frozen(kw_only=True)
class Node:
    """One node of the citation graph: a cable of the input, or a cited id the input lacks."""

    id: str
    """Canonical id."""
    created: _dt.datetime | None = None
    """The cable's date (``None`` for a cable not in the input)."""
    origin: str | None = None
    """Human post name, ``"Embassy Mexico"``."""
    classification: str | None = None
    """Classification level, ``"CONFIDENTIAL"``."""
    caveats: str | None = None
    """Caveats joined with ``//`` (``"NOFORN"``), ``None`` when there are none."""
    subject: str | None = None
    """The body's SUBJECT."""
    in_input: bool = True
    """False for a cable that is cited but not held by the input."""


def cable_citations(cable: Cable) -> tuple[Citation, ...]:
    """The citations made by one cable, REF entries first (in order), then the references column.

    A REF entry counts when it names a cable (``kind == "cable"`` with a ``cable_id``); each
    entry is one edge, with its bullet, so two bullets citing the same cable are two edges. An
    id of the references column gives its own edge only when no REF entry names it; otherwise
    the REF entry's edge has ``source="both"``. A cable without a canonical id cites nothing
    (an edge needs both ends).
    """
    citing = cable.canonical_id
    if not citing:
        return ()
    column = tuple(dict.fromkeys(cable.references))  # drop repeats, keep order
    listed = set(column)
    date = cable.created
    edges: list[Citation] = []
    from_refs: set[str] = set()
    if cable.body is not None:
        for ref in cable.body.refs:
            if ref.kind != "cable" or not ref.cable_id:
                continue
            source: CitationSource = "both" if ref.cable_id in listed else "ref-block"
            edges.append(Citation(citing_id=citing, cited_id=ref.cable_id, bullet=ref.bullet, source=source, date=date))
            from_refs.add(ref.cable_id)
    for cited in column:
        if cited and cited not in from_refs:
            edges.append(Citation(citing_id=citing, cited_id=cited, source="references-column", date=date))
    return tuple(edges)


def cable_node(cable: Cable) -> Node | None:
    """The node of a cable (``None`` for a cable without a canonical id)."""
    if not cable.canonical_id:
        return None
    classification = cable.classification
    return Node(
        id=cable.canonical_id,
        created=cable.created,
        origin=cable.origin,
        classification=classification.level if classification else None,
        caveats="//".join(classification.caveats) if classification and classification.caveats else None,
        subject=cable.body.subject if cable.body else None,
    )


class GraphBuilder:
    """The streaming state of a graph: the ids seen and cited, nothing else.

    Feed it nodes and edges in input order with :meth:`add_node` (a cable's node before its
    edges) and :meth:`add_edge`; it says which to keep. :meth:`missing` gives, at the end, the
    nodes of the cited ids no cable of the input had. Both :func:`iter_graph` and the graph
    sink (which sees the rows of worker part files, not cables) run on it, so the Python and
    command-line graphs are the same.
    """

    __slots__ = ("_cited", "_current", "_seen", "duplicates")

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._cited: set[str] = set()
        self._current: str | None = None
        self.duplicates = 0
        """Cables skipped because a cable with the same canonical id came earlier."""

    def add_node(self, node: Node) -> bool:
        """Whether to keep this cable's node (and the edges that follow it)."""
        if node.id in self._seen:
            self._current = None
            self.duplicates += 1
            return False
        self._seen.add(node.id)
        self._current = node.id
        return True

    def add_edge(self, edge: Citation) -> bool:
        """Whether to keep this edge: it belongs to the cable last kept."""
        if edge.citing_id != self._current:
            return False
        self._cited.add(edge.cited_id)
        return True

    def missing(self) -> Iterator[Node]:
        """Nodes for the cited ids that no cable of the input had, in id order."""
        for cited in sorted(self._cited - self._seen):
            yield Node(id=cited, in_input=False)


def iter_graph(cables: Iterable[Cable | CableError]) -> Iterator[Node | Citation]:
    """Nodes and edges of the citation graph of ``cables``, streaming.

    For each cable with a canonical id not seen before: its :class:`Node`, then its
    :class:`Citation` edges (:func:`cable_citations`). After the last cable: a node with
    ``in_input=False`` for every cited id that no cable had, in id order. Records that could not
    be read (:class:`~cableparse.CableError`) and cables without a canonical id are skipped.
    """
    builder = GraphBuilder()
    for cable in cables:
        if isinstance(cable, CableError):
            continue
        node = cable_node(cable)
        if node is None or not builder.add_node(node):
            continue
        yield node
        for edge in cable_citations(cable):
            if builder.add_edge(edge):
                yield edge
    yield from builder.missing()


def citations(cables: Iterable[Cable | CableError]) -> Iterator[Citation]:
    """The citation edges of ``cables``, streaming (the edges of :func:`iter_graph`).

    ``cables`` is anything that yields cables, such as :func:`cableparse.iter_cables`. A cable
    seen again under the same canonical id adds no edges.

    >>> import cableparse
    >>> from cableparse.graph import citations
    >>> edges = list(citations(cableparse.iter_cables("fixtures/sample-dump.csv")))
    """
    for item in iter_graph(cables):
        if isinstance(item, Citation):
            yield item


def nodes_path(output: str | os.PathLike[str]) -> str | None:
    """Where ``cableparse graph`` writes the nodes table for an edges ``output``.

    ``citations.parquet`` -> ``citations.nodes.parquet``, ``edges.csv`` -> ``edges.nodes.csv``.
    ``None`` for GraphML (one file holds both) and for a Parquet dataset directory (its
    ``nodes/`` subdirectory, beside ``edges/``).
    """
    from .sinks.graph import graph_format

    text = os.fspath(output)
    kind = graph_format(text)
    if kind in ("graphml", "dataset"):
        return None
    stem, _, suffix = text.rpartition(".")
    return f"{stem}.nodes.{suffix}"


def write_graph(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    format: FormatName = "auto",
    rejects: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
) -> Summary:
    """Write the citation graph of ``inputs`` to ``output`` (what ``cableparse graph`` runs).

    ``output`` picks the format: ``.csv`` or ``.parquet`` (edges there, nodes in
    :func:`nodes_path`), ``.graphml`` (both in one file), or a directory (path ending in ``/``:
    a Parquet dataset with ``edges/`` and ``nodes/`` subdirectories). The other arguments are
    those of :func:`cableparse.batch.convert`, and so are the behaviours: worker processes cut
    a cables.csv at record starts, the output is the same whatever ``jobs`` is, and nothing
    appears at the output paths unless the whole run succeeded.
    """
    from .batch import convert

    return convert(inputs, output, jobs=jobs, format=format, rejects=rejects, progress=progress, kind="graph")
