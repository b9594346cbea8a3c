"""SQLite sink: tables, child rows, FTS5, part merging, round trip through ``json``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sink_samples import full_cable, sample_cables

from cableparse.sinks import open_sink
from cableparse.sinks.sqlite import SqliteSink, has_fts5, read_sqlite


def _write(path: Path, cables: list, **options: object) -> None:  # type: ignore[type-arg]
    with SqliteSink(path, **options) as sink:  # type: ignore[arg-type]
        for cable in cables:
            sink.write(cable)


def test_round_trip(tmp_path: Path) -> None:
    cables = sample_cables(10)
    out = tmp_path / "out.sqlite"
    with open_sink(out) as sink:
        for cable in cables:
            sink.write(cable)
    assert list(read_sqlite(out)) == cables


def test_tables(tmp_path: Path) -> None:
    out = tmp_path / "out.sqlite"
    _write(out, [full_cable()], batch_size=1)
    db = sqlite3.connect(out)
    row = db.execute(
        "SELECT reference_id, created, origin, classification, caveats, subject, station_serial,"
        " banner_section, banner_sections, eo_declassify_on, defect_count FROM cables"
    ).fetchone()
    assert row == (
        "08MEXICO23",
        "2008-01-04T22:01:00+00:00",
        "Embassy Mexico",
        "UNCLASSIFIED",
        "FOR OFFICIAL USE ONLY",
        "DRAFT COUNTRY TERRORISM REPORT FOR 2007",
        23,
        1,
        3,
        "2016-01-31",
        2,
    )
    roles = db.execute("SELECT role, position, routing_indicator, address, office FROM recipients ORDER BY rowid").fetchall()
    assert roles[0] == ("to", 0, "RUEHC", "SECSTATE WASHDC", None)
    assert roles[2] == ("info", 1, "RHMFIUU", "CDR USSOUTHCOM MIAMI FL", "J-3/J-5")
    assert roles[3][0] == "exempted"
    assert db.execute("SELECT code, kind FROM tags WHERE position = 1").fetchone() == ("MX", "geo")
    assert db.execute("SELECT bullet, kind, cable_ref FROM refs WHERE position = 0").fetchone() == (
        "A",
        "cable",
        "08STATE145633",
    )
    assert db.execute("SELECT code, line, column_number FROM defects WHERE position = 0").fetchone() == (
        "tags-label-typo",
        12,
        1,
    )
    db.close()


@pytest.mark.skipif(not has_fts5(), reason="sqlite3 without FTS5")
def test_full_text_search(tmp_path: Path) -> None:
    out = tmp_path / "out.sqlite"
    _write(out, sample_cables(6))
    db = sqlite3.connect(out)
    hits = db.execute(
        "SELECT c.id, c.reference_id FROM cables_fts JOIN cables c ON c.id = cables_fts.rowid"
        " WHERE cables_fts MATCH 'terrorism' ORDER BY c.id"
    ).fetchall()
    db.close()
    assert [h[0] for h in hits] == [1, 4]


def test_append_part_shifts_ids(tmp_path: Path) -> None:
    cables = sample_cables(7)
    part = tmp_path / "part.sqlite"
    _write(part, cables[3:], part=True)
    out = tmp_path / "out.sqlite"
    with SqliteSink(out) as sink:
        for cable in cables[:3]:
            sink.write(cable)
        sink.append_part(part)
        assert sink.count == 7
    assert list(read_sqlite(out)) == cables
    db = sqlite3.connect(out)
    # cable 4 (the first of the part) is a full cable: its children point at id 4.
    assert db.execute("SELECT DISTINCT cable_id FROM tags ORDER BY 1").fetchall() == [(1,), (4,), (7,)]
    if has_fts5():  # the appended rows are searchable under their new ids
        hits = db.execute("SELECT rowid FROM cables_fts WHERE cables_fts MATCH 'terrorism' ORDER BY rowid")
        assert hits.fetchall() == [(1,), (4,), (7,)]
        assert db.execute("SELECT count(*) FROM cables_fts").fetchone() == (7,)
    db.close()


def test_abort_keeps_old_database(tmp_path: Path) -> None:
    out = tmp_path / "out.sqlite"
    _write(out, sample_cables(2))
    with pytest.raises(RuntimeError), open_sink(out) as sink:
        sink.write(full_cable())
        raise RuntimeError("stop")
    assert len(list(read_sqlite(out))) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["out.sqlite"]
