"""Query the SQLite databases that ``cableparse convert ... -o cables.db`` writes.

>>> from cableparse.sqlite import search
>>> for hit in search("cables.db", 'extradition "unbalanced'):      # doctest: +SKIP
...     print(hit.reference_id, hit.subject, hit.snippet)

:func:`search` runs a full-text query on ``cables_fts`` with the user's words *quoted*, so any
text a person types (``"unbalanced``, ``NEAR(``, ``a OR``) is searched for as words instead of
being read as FTS5 query syntax, which raises ``sqlite3.OperationalError`` on such input.
:func:`datasette_metadata` and :func:`write_datasette_metadata` give the ``metadata.json``
that ``convert --datasette`` writes beside the database (facets, labels, full-text search).
The tables are described in ``docs/batch.md``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from .models import Cable

__all__ = ["SearchHit", "datasette_metadata", "fts_query", "search", "write_datasette_metadata"]


@attrs.frozen(kw_only=True)
class SearchHit:
    """One cable found by :func:`search`, best match first."""

    id: int
    """``cables.id``: the cable's 1-based position in the converted output."""
    reference_id: str | None
    """As published (``"08MEXICO23"``)."""
    subject: str | None
    """The SUBJECT line."""
    snippet: str
    """Words around the match in the body text, the matches between ``[`` and ``]``."""
    rank: float
    """FTS5 ``rank`` (bm25): lower is better."""
    record: str = attrs.field(repr=False)
    """The ``to_dict`` JSON of the cable (see :meth:`cable`)."""

    def cable(self) -> Cable:
        """The whole :class:`~cableparse.Cable`, read back from the database's ``json`` column."""
        from .serialize import from_dict

        return from_dict(json.loads(self.record))


def fts_query(words: str | Iterable[str]) -> str:
    """An FTS5 query that matches every one of ``words`` as plain words (AND), never as syntax.

    ``words`` is a string (split at whitespace) or an iterable of words. Each word becomes an
    FTS5 string (double quotes, inner ones doubled), in which ``OR``, ``NEAR(``, ``*``, ``:``
    and quotes are just text. Returns ``""`` when there is no word.
    """
    items = words.split() if isinstance(words, str) else [w for word in words for w in str(word).split()]
    return " ".join('"' + item.replace('"', '""') + '"' for item in items)


def search(
    db: str | os.PathLike[str] | sqlite3.Connection,
    words: str | Iterable[str],
    *,
    limit: int | None = 20,
) -> list[SearchHit]:
    """The cables whose subject or body text contain all of ``words``, best match first.

    ``db``: the path of a database written by ``cableparse convert`` (opened read-only) or an
    open connection. ``words`` is quoted with :func:`fts_query`, so user input never raises;
    no words give no hits. ``limit=None`` returns every hit. Raises :class:`ValueError` when
    the database has no ``cables_fts`` table (a Python whose sqlite3 lacks FTS5 wrote it) and
    :class:`FileNotFoundError` when there is no file at ``db``.
    """
    if limit is not None and limit < 0:
        raise ValueError("limit must be at least 0")
    query = fts_query(words)
    if not query:
        return []
    if isinstance(db, sqlite3.Connection):
        connection, own = db, False
    else:
        path = Path(db)
        if not path.is_file():
            raise FileNotFoundError(2, "No such file", os.fspath(db))
        # Read-only URI: searching must never create or modify the database.
        connection, own = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True), True
    try:
        found = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cables_fts'"
        ).fetchone()
        if found is None:
            raise ValueError("the database has no full-text index (cables_fts): it was written without FTS5")
        sql = (
            "SELECT c.id, c.reference_id, c.subject, snippet(cables_fts, 1, '[', ']', '...', 12), "
            "cables_fts.rank, c.json FROM cables_fts JOIN cables c ON c.id = cables_fts.rowid "
            "WHERE cables_fts MATCH ? ORDER BY cables_fts.rank, c.id"
        )
        params: tuple[Any, ...] = (query,)
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        return [
            SearchHit(
                id=row[0], reference_id=row[1], subject=row[2], snippet=" ".join((row[3] or "").split()), rank=row[4],
                record=row[5],
            )
            for row in connection.execute(sql, params)
        ]
    finally:
        if own:
            connection.close()


def datasette_metadata(db: str | os.PathLike[str], *, title: str | None = None) -> dict[str, Any]:
    """Datasette metadata for the database at ``db`` (only its file name is used).

    Datasette names a database after its file's stem, so the metadata is keyed by it. The
    ``cables`` table gets facets on origin, classification, year and tag (an array facet on
    ``tag_codes``), ``reference_id`` as the label that rows of the child tables show for their
    ``cable_id``, newest cables first, and its FTS table for the search
    box (Datasette's default, escaped search mode: what a person types is taken as words).
    """
    stem = Path(db).stem
    return {
        "title": title or "Diplomatic cables",
        "description": "Cables parsed by cableparse: search the full text, facet by origin, classification, year and tag.",
        "databases": {
            stem: {
                "tables": {
                    "cables": {
                        "label_column": "reference_id",
                        "facets": ["origin", "classification", "year", {"array": "tag_codes"}],
                        "facet_size": 8,
                        "sort_desc": "created",
                        "fts_table": "cables_fts",
                        "fts_pk": "id",
                        "searchmode": "escaped",
                    },
                    "cables_fts": {"hidden": True},
                    "tags": {"facets": ["code", "kind"]},
                    "defects": {"facets": ["code"]},
                    "recipients": {"facets": ["role"]},
                    "refs": {"facets": ["kind"]},
                }
            }
        },
    }


def write_datasette_metadata(
    db: str | os.PathLike[str], path: str | os.PathLike[str] | None = None, *, title: str | None = None
) -> Path:
    """Write :func:`datasette_metadata` as JSON to ``path`` (default: ``metadata.json`` beside ``db``).

    Returns the path written. Browse with ``datasette cables.db -m metadata.json`` (the
    ``web`` extra installs Datasette).
    """
    target = Path(path) if path is not None else Path(db).parent / "metadata.json"
    text = json.dumps(datasette_metadata(db, title=title), indent=2, ensure_ascii=False) + "\n"
    target.write_text(text, encoding="utf-8")
    return target
