"""SQLite sink: a ``cables`` table with child tables and full-text search.

Tables (``cable_id`` in the child tables is ``cables.id``, the cable's 1-based position in the
output, because published reference ids are neither always present nor unique):

- ``cables``: ids, dates as ISO 8601 text, origin, classification level and caveats, header
  scalar fields, banner fields, subject, body text, and ``json``, the full ``to_dict`` record,
  so that :func:`read_sqlite` gives back exactly the cables that were written.
- ``recipients`` (``role`` is ``to``, ``info`` or ``exempted``), ``tags``, ``refs``
  (``cable_ref`` is the cited cable's canonical id) and ``defects``, each with a ``position``.
- ``citations``: the citation edges of :func:`cableparse.graph.cable_citations`, with foreign
  keys to the citing cable and (when the database holds it) the cited one.
- ``cables_fts``: an FTS5 index over ``subject`` and ``body_text`` (skipped, with a warning,
  when the sqlite3 library lacks FTS5), declared ``content="cables"`` with double quotes:
  sqlite-utils and Datasette find a table's FTS index by that exact spelling.

The child tables declare ``cable_id`` as a foreign key to ``cables(id)`` (not enforced while
loading; Datasette follows it to link rows), and ``PRAGMA user_version`` holds
:data:`SCHEMA_VERSION`.

Inserts are committed in batches; indexes and the FTS index are built once at the end (much
faster than maintaining them row by row). The database is built under a temporary name and
renamed into place.
"""

from __future__ import annotations

import json
import os
import sqlite3
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..graph import cable_citations
from ..models import Cable, Recipient
from ..serialize import from_dict, to_dict
from ._atomic import AtomicPath
from .base import AtomicFile, Sink, parent_must_exist

__all__ = ["CITATIONS_SCHEMA", "SCHEMA", "SCHEMA_VERSION", "SqliteSink", "has_fts5", "read_sqlite"]

SCHEMA_VERSION = 1
"""``PRAGMA user_version`` of the databases this sink writes.

Raised whenever a query written against the previous version could break or change meaning:
a table or column added, removed or renamed, a column's encoding changed (a separator, a date
format), a declared key changed. Adding an index or changing how fast things are written does
not change it. 0 (SQLite's default) is the schema before versions were recorded: no foreign
keys, FTS declared with ``content='cables'``, no ``year`` or ``tag_codes`` columns.
"""

BATCH_SIZE = 2000
"""Cables per transaction."""

_CABLE_COLUMNS: tuple[str, ...] = (
    "id",
    "reference_id",
    "canonical_id",
    "container",
    "row_id",
    "created",
    "released",
    "year",
    "origin",
    "classification",
    "caveats",
    "container_references",
    "header_kind",
    "transmission_id",
    "precedence",
    "routing_indicators",
    "station",
    "station_serial",
    "section",
    "filed",
    "security",
    "dtg",
    "dtg_text",
    "sender",
    "banner_level",
    "banner_marking",
    "banner_section",
    "banner_sections",
    "banner_origin",
    "banner_serial",
    "captions",
    "eo_order",
    "eo_declassify",
    "eo_declassify_on",
    "subject",
    "subject_classification",
    "classified_by",
    "classification_reasons",
    "summary",
    "signers",
    "body_text",
    "tag_codes",
    "defect_count",
    "json",
)

_TABLES: dict[str, tuple[str, ...]] = {
    "cables": _CABLE_COLUMNS,
    "recipients": (
        "cable_id",
        "role",
        "position",
        "routing_indicator",
        "address",
        "precedence",
        "serial",
        "office",
    ),
    "tags": ("cable_id", "position", "code", "kind"),
    "refs": ("cable_id", "position", "bullet", "kind", "text", "cable_ref"),
    "defects": ("cable_id", "position", "code", "message", "line", "column_number"),
    "citations": ("cable_id", "position", "citing_id", "cited_id", "bullet", "source", "date", "cited_cable"),
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS cables (
    id INTEGER PRIMARY KEY,          -- 1-based position in the output
    reference_id TEXT,               -- as published ("08MEXICO23")
    canonical_id TEXT,
    container TEXT NOT NULL,         -- text | csv | html | page
    row_id INTEGER,                  -- cables.csv column 1
    created TEXT,                    -- ISO 8601 with offset
    released TEXT,
    year INTEGER,                    -- of created (for facets)
    origin TEXT,                     -- "Embassy Mexico"
    classification TEXT,             -- level: "UNCLASSIFIED", "SECRET" ...
    caveats TEXT,                    -- "//"-joined: "NOFORN", "FOR OFFICIAL USE ONLY"
    container_references TEXT,       -- "|"-joined canonical ids
    header_kind TEXT,
    transmission_id TEXT,
    precedence TEXT,
    routing_indicators TEXT,         -- space-joined
    station TEXT,
    station_serial INTEGER,
    section INTEGER,
    filed TEXT,
    security TEXT,
    dtg TEXT,                        -- ISO 8601
    dtg_text TEXT,                   -- as written, "042201Z JAN 08"
    sender TEXT,
    banner_level TEXT,
    banner_marking TEXT,
    banner_section INTEGER,          -- n of SECTION n OF m
    banner_sections INTEGER,         -- m
    banner_origin TEXT,
    banner_serial TEXT,
    captions TEXT,                   -- space-joined
    eo_order TEXT,
    eo_declassify TEXT,
    eo_declassify_on TEXT,           -- ISO date
    subject TEXT,
    subject_classification TEXT,
    classified_by TEXT,              -- name
    classification_reasons TEXT,     -- space-joined "1.4(b) 1.4(d)"
    summary TEXT,
    signers TEXT,                    -- space-joined
    body_text TEXT,
    tag_codes TEXT,                  -- JSON array of the TAGS codes, '["PTER", "MX"]' (for facets)
    defect_count INTEGER NOT NULL,
    json TEXT NOT NULL               -- to_dict(cable): the lossless record
);
CREATE TABLE IF NOT EXISTS recipients (
    cable_id INTEGER NOT NULL REFERENCES cables (id),
    role TEXT NOT NULL,              -- to | info | exempted
    position INTEGER NOT NULL,       -- 0-based within the role
    routing_indicator TEXT,
    address TEXT NOT NULL,
    precedence TEXT,
    serial TEXT,
    office TEXT
);
CREATE TABLE IF NOT EXISTS tags (
    cable_id INTEGER NOT NULL REFERENCES cables (id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS refs (
    cable_id INTEGER NOT NULL REFERENCES cables (id),
    position INTEGER NOT NULL,
    bullet TEXT,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    cable_ref TEXT                   -- canonical id of the cited cable
);
CREATE TABLE IF NOT EXISTS defects (
    cable_id INTEGER NOT NULL REFERENCES cables (id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    line INTEGER,
    column_number INTEGER
);
"""
"""The table definitions (indexes and the FTS table are added when the database is closed)."""

_INDEXES = """
CREATE INDEX IF NOT EXISTS cables_canonical_id ON cables (canonical_id);
CREATE INDEX IF NOT EXISTS cables_created ON cables (created);
CREATE INDEX IF NOT EXISTS recipients_cable ON recipients (cable_id);
CREATE INDEX IF NOT EXISTS tags_cable ON tags (cable_id);
CREATE INDEX IF NOT EXISTS tags_code ON tags (code);
CREATE INDEX IF NOT EXISTS refs_cable ON refs (cable_id);
CREATE INDEX IF NOT EXISTS refs_cable_ref ON refs (cable_ref);
CREATE INDEX IF NOT EXISTS defects_cable ON defects (cable_id);
CREATE INDEX IF NOT EXISTS defects_code ON defects (code);
"""

CITATIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS citations (
    cable_id INTEGER NOT NULL REFERENCES cables (id),  -- the citing cable
    position INTEGER NOT NULL,       -- 0-based: REF entries first, then the references column
    citing_id TEXT NOT NULL,         -- canonical id of the citing cable
    cited_id TEXT NOT NULL,          -- canonical id of the cited cable
    bullet TEXT,                     -- REF bullet ("A"), NULL for a single REF or column-only
    source TEXT NOT NULL,            -- ref-block | references-column | both
    date TEXT,                       -- the citing cable's date, ISO 8601
    cited_cable INTEGER REFERENCES cables (id)  -- the cited cable when the database holds it
);
"""
"""The ``citations`` table: the edges of :func:`cableparse.graph.cable_citations` (one row per
citation of every cable row; ``cableparse graph`` instead keeps one cable per canonical id)."""

_CITATION_INDEXES = """
CREATE INDEX IF NOT EXISTS citations_cable ON citations (cable_id);
CREATE INDEX IF NOT EXISTS citations_cited_id ON citations (cited_id);
CREATE INDEX IF NOT EXISTS citations_cited_cable ON citations (cited_cable);
"""

# Run once, after the cables_canonical_id index exists: a cited id can name a cable that comes
# later in the output, so it can only be resolved at the end. The first such row wins.
_CITED_CABLE = """
UPDATE citations SET cited_cable = (SELECT min(id) FROM cables WHERE canonical_id = citations.cited_id)
"""

_FTS = """
CREATE VIRTUAL TABLE cables_fts USING fts5(
    subject, body_text, content="cables", content_rowid="id"
)
"""

_FTS_ADD = "INSERT INTO cables_fts (rowid, subject, body_text) SELECT id, subject, body_text FROM cables WHERE id > ?"

_FTS5: bool | None = None


def has_fts5() -> bool:
    """Whether this Python's sqlite3 library was built with FTS5."""
    global _FTS5
    if _FTS5 is None:
        connection = sqlite3.connect(":memory:")
        try:
            connection.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
            _FTS5 = True
        except sqlite3.OperationalError:
            _FTS5 = False
        finally:
            connection.close()
    return _FTS5


def _insert_sql(table: str) -> str:
    columns = _TABLES[table]
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _joined(items: Sequence[str], separator: str = " ") -> str | None:
    return separator.join(items) if items else None


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


def _cable_row(cable_id: int, cable: Cable, record: str) -> tuple[Any, ...]:
    header = cable.header
    body = cable.body
    banner = body.banner if body else None
    order = body.executive_order if body else None
    classified = body.classified_by if body else None
    classification = cable.classification
    return (
        cable_id,
        cable.reference_id,
        cable.canonical_id,
        cable.container,
        cable.row_id,
        _iso(cable.created),
        _iso(cable.released),
        cable.created.year if cable.created else None,
        cable.origin,
        classification.level if classification else None,
        _joined(classification.caveats, "//") if classification else None,
        _joined(cable.references, "|"),
        header.kind if header else None,
        header.transmission_id if header else None,
        header.precedence if header else None,
        _joined(header.routing_indicators) if header else None,
        header.station if header else None,
        header.station_serial if header else None,
        header.section if header else None,
        header.filed if header else None,
        header.security if header else None,
        _iso(header.dtg) if header else None,
        header.dtg_text if header else None,
        header.sender if header else None,
        banner.level if banner else None,
        banner.marking if banner else None,
        banner.section[0] if banner and banner.section else None,
        banner.section[1] if banner and banner.section else None,
        banner.origin if banner else None,
        banner.serial if banner else None,
        _joined(body.captions) if body else None,
        order.order if order else None,
        order.declassify if order else None,
        _iso(order.declassify_on) if order else None,
        body.subject if body else None,
        body.subject_classification if body else None,
        classified.name if classified else None,
        _joined(classified.reasons) if classified else None,
        body.summary if body else None,
        _joined(body.signers) if body else None,
        body.text if body else None,
        json.dumps([tag.code for tag in body.tags], ensure_ascii=False) if body and body.tags else None,
        len(cable.defects),
        record,
    )


def _recipient_row(cable_id: int, role: str, position: int, recipient: Recipient) -> tuple[Any, ...]:
    return (
        cable_id,
        role,
        position,
        recipient.routing_indicator,
        recipient.address,
        recipient.precedence,
        recipient.serial,
        recipient.office,
    )


class SqliteSink(AtomicFile, Sink):
    """Writes a SQLite database atomically (see the module docstring for the tables).

    ``part=True`` makes a bare part database for the parallel converter: no indexes and no
    FTS table. The final database indexes the text of each batch (or appended part) as it
    goes, so that with parallel workers the parent tokenizes while the workers still parse;
    the other indexes are built once at the end, which is faster than keeping them up to date.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        batch_size: int = BATCH_SIZE,
        part: bool = False,
    ) -> None:
        self.path = os.fspath(path)
        self.count = 0
        self._part = part
        self._batch_size = batch_size
        self._pending: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _TABLES}
        self._pending_cables = 0
        parent_must_exist(Path(self.path))
        self._atomic = AtomicPath(self.path)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction a batch.
            self._db = sqlite3.connect(self._atomic.temp, isolation_level=None)
            # The file is thrown away on failure, so crash safety inside it buys nothing;
            # a memory journal and no syncs make bulk loading several times faster. The
            # finished file is synced once before the rename.
            self._db.execute("PRAGMA journal_mode = MEMORY")
            self._db.execute("PRAGMA synchronous = OFF")
            self._db.execute("PRAGMA page_size = 8192")
            self._db.executescript(SCHEMA)
            self._db.executescript(CITATIONS_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._fts = not part and has_fts5()
            self._fts_upto = 0  # cables.id up to which cables_fts is filled
            if self._fts:
                self._db.execute(_FTS)
            elif not part:  # pragma: no cover - depends on how sqlite3 was built
                warnings.warn("sqlite3 lacks FTS5: the database has no cables_fts table", stacklevel=2)
        except BaseException:
            self.abort()
            raise

    def write(self, cable: Cable) -> None:
        """Queue one cable's rows; a full batch is inserted in one transaction."""
        self.count += 1
        cable_id = self.count
        record = json.dumps(to_dict(cable), ensure_ascii=False, separators=(",", ":"))
        pending = self._pending
        pending["cables"].append(_cable_row(cable_id, cable, record))
        header = cable.header
        if header is not None:
            for role, recipients in (("to", header.to), ("info", header.info), ("exempted", header.exempted)):
                for position, recipient in enumerate(recipients):
                    pending["recipients"].append(_recipient_row(cable_id, role, position, recipient))
        body = cable.body
        if body is not None:
            for position, tag in enumerate(body.tags):
                pending["tags"].append((cable_id, position, tag.code, tag.kind))
            for position, ref in enumerate(body.refs):
                pending["refs"].append((cable_id, position, ref.bullet, ref.kind, ref.text, ref.cable_id))
        for position, edge in enumerate(cable_citations(cable)):
            pending["citations"].append(
                (cable_id, position, edge.citing_id, edge.cited_id, edge.bullet, edge.source, _iso(edge.date), None)
            )
        for position, defect in enumerate(cable.defects):
            pending["defects"].append(
                (cable_id, position, defect.code, defect.message, defect.line, defect.column)
            )
        self._pending_cables += 1
        if self._pending_cables >= self._batch_size:
            self._flush()

    def _flush(self) -> None:
        if not self._pending_cables:
            return
        self._db.execute("BEGIN")
        for table, rows in self._pending.items():
            if rows:
                self._db.executemany(_insert_sql(table), rows)
                rows.clear()
        self._index_text(self.count)
        self._db.execute("COMMIT")
        self._pending_cables = 0

    def _index_text(self, upto: int) -> None:
        """Add the cables with ids up to ``upto`` to the FTS index (inside a transaction)."""
        if self._fts and upto > self._fts_upto:
            self._db.execute(_FTS_ADD, (self._fts_upto,))
            self._fts_upto = upto

    def append_part(self, part: str | os.PathLike[str]) -> None:
        """Copy a part database's rows, shifting its cable ids past the ones already here."""
        self._flush()
        offset = self.count
        self._db.execute("ATTACH DATABASE ? AS part", (os.fspath(part),))
        try:
            self._db.execute("BEGIN")
            for table, columns in _TABLES.items():
                key = "id" if table == "cables" else "cable_id"
                select = ", ".join(f"{c} + ?" if c == key else c for c in columns)
                self._db.execute(
                    f"INSERT INTO main.{table} ({', '.join(columns)}) "
                    f"SELECT {select} FROM part.{table} ORDER BY rowid",
                    (offset,),
                )
            (added,) = self._db.execute("SELECT count(*) FROM part.cables").fetchone()
            self._index_text(offset + int(added))
            self._db.execute("COMMIT")
        finally:
            self._db.execute("DETACH DATABASE part")
        self.count += int(added)

    def _complete(self) -> None:
        """Insert what is queued, build indexes and FTS."""
        self._flush()
        if not self._part:
            self._db.executescript(_INDEXES)
            self._db.executescript(_CITATION_INDEXES)
            self._db.execute(_CITED_CABLE)

    def _release(self) -> None:
        db: sqlite3.Connection | None = getattr(self, "_db", None)
        if db is not None:
            db.close()


def read_sqlite(path: str | os.PathLike[str]) -> Iterator[Cable]:
    """Read cables back, in output order, from the ``json`` column of a database."""
    # Read-only URI: reading must never create or modify the file.
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    db = sqlite3.connect(uri, uri=True)
    try:
        for (record,) in db.execute("SELECT json FROM cables ORDER BY id"):
            yield from_dict(json.loads(record))
    finally:
        db.close()
