"""The SQLite output as sqlite-utils, Datasette and a Python user see it (issue 16).

Expectations are computed from the parsed sample dump itself (which cables mention a word,
how many cables each origin has), never written down as numbers.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sink_samples import ROOT

import cableparse
from cableparse.cli import main
from cableparse.sinks.sqlite import SCHEMA_VERSION, has_fts5
from cableparse.sqlite import datasette_metadata, fts_query, search

SAMPLE = ROOT / "fixtures" / "sample-dump.csv"
WORD = "terrorism"

pytestmark = pytest.mark.skipif(not has_fts5(), reason="sqlite3 without FTS5")


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample dump converted the way a user does it, with Datasette metadata."""
    out = tmp_path_factory.mktemp("web") / "sample.db"
    assert main(["convert", str(SAMPLE), "-o", str(out), "--datasette", "-q", "-j", "1"]) == 0
    return out


@pytest.fixture(scope="module")
def sample_cables() -> list[cableparse.Cable]:
    return [c for c in cableparse.iter_cables(SAMPLE) if isinstance(c, cableparse.Cable)]


def _mentions(cable: cableparse.Cable, word: str) -> bool:
    text = " ".join(x for x in (cable.body.subject, cable.body.text) if x) if cable.body else ""
    return re.search(rf"\b{word}\b", text, re.IGNORECASE) is not None


def test_schema_version_and_foreign_keys(sample_db: Path) -> None:
    db = sqlite3.connect(sample_db)
    assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert SCHEMA_VERSION >= 1  # 0 is SQLite's "never set"
    for table in ("recipients", "tags", "refs", "defects"):
        keys = db.execute(f"PRAGMA foreign_key_list({table})").fetchall()
        assert [(k[2], k[3], k[4]) for k in keys] == [("cables", "cable_id", "id")], table
    # The declared keys hold: every child row points at a cable.
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_sqlite_utils_finds_the_full_text_index(sample_db: Path, sample_cables: list[cableparse.Cable]) -> None:
    sqlite_utils = pytest.importorskip("sqlite_utils")
    table = sqlite_utils.Database(sample_db)["cables"]
    assert table.detect_fts() == "cables_fts"
    found = {row["reference_id"] for row in table.search(WORD, columns=["reference_id"])}
    expected = {c.reference_id for c in sample_cables if _mentions(c, WORD)}
    assert expected and found == expected


def test_search_finds_the_cables_that_mention_a_word(sample_db: Path, sample_cables: list[cableparse.Cable]) -> None:
    hits = search(sample_db, WORD.upper(), limit=None)
    assert {h.reference_id for h in hits} == {c.reference_id for c in sample_cables if _mentions(c, WORD)}
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)
    first = hits[0]
    assert "[" in first.snippet and WORD in first.snippet.lower()
    assert first.cable() == next(c for c in sample_cables if c.reference_id == first.reference_id)
    assert len(search(sample_db, WORD, limit=1)) == 1


@pytest.mark.parametrize("text", ['"unbalanced', "NEAR(", "a OR", "AND", "*", "col:umn", '""', "  ", "^x", "-"])
def test_search_never_raises_on_user_input(sample_db: Path, text: str) -> None:
    hits = search(sample_db, text)
    assert isinstance(hits, list)


def test_search_takes_input_as_words() -> None:
    assert fts_query('a OR "b') == '"a" "OR" """b"'
    assert fts_query(["two words", "x"]) == '"two" "words" "x"'
    assert fts_query("   ") == ""
    # A raw MATCH of 'a OR' is a syntax error; the quoted query is a plain AND of two words.
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    with pytest.raises(sqlite3.OperationalError):
        connection.execute("SELECT * FROM t WHERE t MATCH 'a OR'").fetchall()
    assert connection.execute("SELECT * FROM t WHERE t MATCH ?", (fts_query("a OR"),)).fetchall() == []


def test_search_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        search(tmp_path / "missing.db", "x")
    assert not (tmp_path / "missing.db").exists()
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE cables (id INTEGER PRIMARY KEY)").connection.commit()
    with pytest.raises(ValueError, match="full-text"):
        search(plain, "x")


def test_metadata_json_is_written_beside_the_database(sample_db: Path) -> None:
    metadata = json.loads((sample_db.parent / "metadata.json").read_text(encoding="utf-8"))
    assert metadata == datasette_metadata(sample_db)
    cables = metadata["databases"]["sample"]["tables"]["cables"]
    assert cables["facets"] == ["origin", "classification", "year", {"array": "tag_codes"}]
    assert cables["label_column"] == "reference_id" and cables["fts_table"] == "cables_fts"


def test_datasette_needs_a_sqlite_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(SAMPLE), "-o", str(tmp_path / "x.jsonl"), "--datasette", "-q"]) == 2
    assert "--datasette needs a SQLite output" in capsys.readouterr().err
    assert not (tmp_path / "x.jsonl").exists() and not (tmp_path / "metadata.json").exists()


def _datasette_get(db: Path, *paths: str) -> list[dict[str, Any]]:
    datasette_app = pytest.importorskip("datasette.app")
    metadata = json.loads((db.parent / "metadata.json").read_text(encoding="utf-8"))

    async def run() -> list[dict[str, Any]]:
        ds = datasette_app.Datasette([str(db)], metadata=metadata)
        await ds.invoke_startup()
        answers = []
        for path in paths:
            response = await ds.client.get(path)
            assert response.status_code == 200, (path, response.text[:300])
            answers.append(response.json())
        return answers

    return asyncio.run(run())


def test_datasette_full_text_query_and_facets(sample_db: Path, sample_cables: list[cableparse.Cable]) -> None:
    origins = Counter(c.origin for c in sample_cables if c.origin)
    origin, count = origins.most_common(1)[0]
    tagged = {c.reference_id for c in sample_cables if c.body and any(t.code == "PTER" for t in c.body.tags)}
    search_page, facet_page, tag_page, hostile = _datasette_get(
        sample_db,
        f"/sample/cables.json?_search={WORD}&_shape=objects&_size=max",
        "/sample/cables.json?_shape=objects&_size=max&_facet_size=max",
        "/sample/cables.json?tag_codes__arraycontains=PTER&_shape=objects&_size=max",
        "/sample/cables.json?_search=%22unbalanced+NEAR(&_shape=objects",
    )
    # The full-text query finds the cables that mention the word, and only those.
    assert {row["reference_id"] for row in search_page["rows"]} == {
        c.reference_id for c in sample_cables if _mentions(c, WORD)
    }
    # The facets of metadata.json are computed, with the right counts.
    facets = facet_page["facet_results"]
    assert {"origin", "classification", "year", "tag_codes"} <= set(facets)
    origin_counts = {item["value"]: item["count"] for item in facets["origin"]["results"]}
    assert origin_counts[origin] == count
    year_counts = {item["value"]: item["count"] for item in facets["year"]["results"]}
    assert year_counts == dict(Counter(c.created.year for c in sample_cables if c.created))
    # The tag facet's filter gives the cables with that tag.
    assert tagged and {row["reference_id"] for row in tag_page["rows"]} == tagged
    assert hostile["rows"] == []


def test_datasette_labels_child_rows_with_the_reference_id(sample_db: Path, sample_cables: list[cableparse.Cable]) -> None:
    (page,) = _datasette_get(sample_db, "/sample/tags.json?_shape=objects&_labels=on&_size=1")
    assert page["rows"][0]["cable_id"] == {"value": 1, "label": sample_cables[0].reference_id}
