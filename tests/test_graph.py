"""The citation graph: edges and nodes in Python, ``cableparse graph`` outputs, the SQLite table."""

from __future__ import annotations

import csv
import datetime as dt
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import attrs
import pytest

import cableparse
from cableparse.cli import main
from cableparse.graph import Citation, Node, cable_citations, citations, iter_graph, nodes_path, write_graph
from cableparse.models import Body, Cable, CableError, Reference
from cableparse.sinks.graph import GraphSink
from cableparse.sinks.sqlite import SqliteSink

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "sample-dump.csv"
CORPUS = ROOT.parent / "shared" / "corpus"
UTC = dt.timezone.utc  # datetime.UTC needs Python 3.11

needs_corpus = pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").is_file(), reason="../shared/corpus is not available here")


def _cable(reference_id: str, refs: Iterable[tuple[str | None, str | None]] = (), column: tuple[str, ...] = ()) -> Cable:
    """A cable citing ``refs`` (bullet, cited id; ``None`` id: an e-mail) and ``column``."""
    return Cable(
        reference_id=reference_id,
        canonical_id=reference_id,
        container="csv",
        created=dt.datetime(2008, 1, 4, 22, 1, tzinfo=UTC),
        origin="Embassy Mexico",
        references=column,
        body=Body(
            subject=f"SUBJECT OF {reference_id}",
            refs=tuple(
                Reference(bullet=bullet, kind="cable" if cited else "email", text=cited or "EMAIL OF 3 JAN", cable_id=cited)
                for bullet, cited in refs
            ),
        ),
    )


# --- edges of one cable ----------------------------------------------------------------------


def test_edges_of_one_cable() -> None:
    cable = _cable(
        "08MEXICO23",
        refs=[("A", "08STATE145633"), ("B", None), ("C", "07MEXICO6400")],
        column=("08STATE145633", "07STATE1", "07STATE1"),
    )
    edges = cable_citations(cable)
    assert [(e.cited_id, e.bullet, e.source) for e in edges] == [
        ("08STATE145633", "A", "both"),  # in the REF block and in the column
        ("07MEXICO6400", "C", "ref-block"),
        ("07STATE1", None, "references-column"),  # listed twice in the column, one edge
    ]
    assert {e.citing_id for e in edges} == {"08MEXICO23"}
    assert {e.date for e in edges} == {cable.created}


def test_two_bullets_citing_one_cable_are_two_edges() -> None:
    edges = cable_citations(_cable("08MEXICO23", refs=[("A", "08STATE1"), ("B", "08STATE1")]))
    assert [(e.bullet, e.source) for e in edges] == [("A", "ref-block"), ("B", "ref-block")]


def test_a_cable_without_id_cites_nothing() -> None:
    cable = cableparse.parse("REF: STATE 145633\n\n1. TEXT.\n", reference_id=None)
    assert cable.canonical_id is None
    assert cable_citations(cable) == ()


# --- the streaming graph ---------------------------------------------------------------------


def test_graph_keeps_first_occurrence_and_adds_missing_nodes_last() -> None:
    first = _cable("08MEXICO23", refs=[("A", "08STATE1")])
    again = _cable("08MEXICO23", refs=[("A", "09OTHER5")], column=("09OTHER6",))
    cited_held = _cable("08STATE1", refs=[(None, "07ZAGREB9")])
    items = list(iter_graph([first, CableError(message="unreadable"), again, cited_held]))
    nodes = [item for item in items if isinstance(item, Node)]
    edges = [item for item in items if isinstance(item, Citation)]
    assert [(n.id, n.in_input) for n in nodes] == [("08MEXICO23", True), ("08STATE1", True), ("07ZAGREB9", False)]
    assert nodes[0].subject == "SUBJECT OF 08MEXICO23"
    assert nodes[-1] == Node(id="07ZAGREB9", in_input=False)
    # The repeated cable's citations (09OTHER5, 09OTHER6) are not counted a second time.
    assert [(e.citing_id, e.cited_id) for e in edges] == [("08MEXICO23", "08STATE1"), ("08STATE1", "07ZAGREB9")]
    assert list(citations([first, again, cited_held])) == edges


def _independent_counts(cables: Iterable[Cable]) -> tuple[int, int]:
    """Nodes and edges of the graph, counted from the cables without cableparse.graph."""
    ids: set[str] = set()
    cited: set[str] = set()
    edges = 0
    for cable in cables:
        if cable.canonical_id is None or cable.canonical_id in ids:
            continue
        ids.add(cable.canonical_id)
        refs = [r.cable_id for r in (cable.body.refs if cable.body else ()) if r.kind == "cable" and r.cable_id]
        edges += len(refs) + len(set(cable.references) - set(refs))
        cited.update(refs, cable.references)
    return len(ids | cited), edges


# --- on the corpus ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_cables() -> list[Cable]:
    return [c for c in cableparse.iter_cables(CORPUS, errors="skip") if isinstance(c, Cable)]


@needs_corpus
def test_corpus_edge_ids_are_canonical(corpus_cables: list[Cable]) -> None:
    edges = list(citations(corpus_cables))
    assert edges
    bad = [e for e in edges if cableparse.canonical_id(e.citing_id) != e.citing_id or cableparse.canonical_id(e.cited_id) != e.cited_id]
    assert bad == []


@needs_corpus
def test_corpus_column_edges_equal_the_column(corpus_cables: list[Cable]) -> None:
    with_column = 0
    for cable in corpus_cables:
        edges = cable_citations(cable)
        from_column = {e.cited_id for e in edges if e.source in ("references-column", "both")}
        assert from_column == set(cable.references), cable.reference_id
        with_column += bool(cable.references)
    assert with_column > 0


@needs_corpus
def test_corpus_ref_also_in_column_is_both(corpus_cables: list[Cable]) -> None:
    both = 0
    for cable in corpus_cables:
        refs = [r.cable_id for r in (cable.body.refs if cable.body else ()) if r.kind == "cable" and r.cable_id]
        for edge in cable_citations(cable):
            if edge.source in ("ref-block", "both"):
                assert edge.cited_id in refs
                assert edge.source == ("both" if edge.cited_id in cable.references else "ref-block")
                both += edge.source == "both"
    assert both > 0


@needs_corpus
def test_corpus_graph_has_one_node_per_manifest_cable(corpus_cables: list[Cable]) -> None:
    manifest = [line.split("\t") for line in (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    expected = {cableparse.canonical_id(row[1]) for row in manifest}
    held = [item.id for item in iter_graph(corpus_cables) if isinstance(item, Node) and item.in_input]
    assert len(held) == len(set(held))
    assert set(held) == expected


def _row(row_id: int, reference_id: str, refs: str, column: str) -> str:
    """One cables.csv record citing ``refs`` in its REF line and ``column`` in the column."""
    serial = int(reference_id.removeprefix("09MEXICO"))
    body = f"UNCLAS MEXICO {serial:06d}\n\nE.O. 12958: N/A\nTAGS: PREL, MX\nSUBJECT: TEST {row_id}\n\nREF: {refs}\n\n1. TEXT.\n"
    return f'"{row_id}","1/4/2009 22:01","{reference_id}","Embassy Mexico","UNCLASSIFIED","{column}","","{body}"\n'


def test_command_line_graph_with_jobs_equals_python(tmp_path: Path) -> None:
    # More files than one worker task takes, so the cables are spread over worker parts; the
    # cable that comes again (09MEXICO5) falls into a later part than its first occurrence.
    directory = tmp_path / "rows"
    directory.mkdir()
    for i in range(300):
        reference_id = "09MEXICO5" if i == 290 else f"09MEXICO{i}"
        refs = "A. STATE 7 B. MEXICO 3" if i == 290 else f"A. STATE {i % 7} B. MEXICO {i + 1}"
        (directory / f"{i:04d}.csv-row").write_text(_row(i + 1, reference_id, refs, f"09STATE{i % 5}"))
    cables = [c for c in cableparse.iter_cables(directory) if isinstance(c, Cable)]
    expected = list(citations(cables))
    assert ("09MEXICO5", "09STATE7") not in {(e.citing_id, e.cited_id) for e in expected}
    out = tmp_path / "edges.csv"
    assert main(["graph", str(directory), "-o", str(out), "-j", "2", "-q"]) == 0
    with open(out, encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["citing_id"], r["cited_id"], r["bullet"] or None, r["source"]) for r in rows] == [
        (e.citing_id, e.cited_id, e.bullet, e.source) for e in expected
    ]
    with open(tmp_path / "edges.nodes.csv", encoding="utf-8", newline="") as file:
        nodes = list(csv.DictReader(file))
    assert [(n["id"], n["in_input"]) for n in nodes] == [(n.id, "true" if n.in_input else "false") for n in iter_graph(cables) if isinstance(n, Node)]
    assert len(nodes) == _independent_counts(cables)[0]


# --- outputs ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_cables() -> list[Cable]:
    return [c for c in cableparse.iter_cables(SAMPLE) if isinstance(c, Cable)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_graphml_loads_in_networkx(tmp_path: Path, sample_cables: list[Cable], jobs: int) -> None:
    nx = pytest.importorskip("networkx")
    out = tmp_path / "citations.graphml"
    write_graph(SAMPLE, out, jobs=jobs)
    graph = nx.read_graphml(out, force_multigraph=True)
    nodes, edges = _independent_counts(sample_cables)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    first = sample_cables[0]
    assert graph.nodes[first.canonical_id]["subject"] == first.body.subject  # type: ignore[union-attr]
    assert graph.nodes[first.canonical_id]["in_input"] is True
    for citing, cited, data in graph.edges(data=True):
        assert data["source"] in ("ref-block", "references-column", "both")
        assert graph.nodes[citing]["in_input"] is True
        assert "in_input" in graph.nodes[cited]


def test_graphml_escapes_text_and_drops_control_characters(tmp_path: Path) -> None:
    nx = pytest.importorskip("networkx")
    cable = _cable("08MEXICO23", refs=[("A", "08STATE1")])
    assert cable.body is not None
    # Scanned printouts carry form feeds, which XML cannot hold even escaped.
    cable = attrs.evolve(cable, body=attrs.evolve(cable.body, subject='US & "EU" <TALKS>\x0c'))
    out = tmp_path / "g.graphml"
    with GraphSink(out) as sink:
        sink.write(cable)
    graph = nx.read_graphml(out)
    assert graph.nodes["08MEXICO23"]["subject"] == 'US & "EU" <TALKS>\ufffd'


def _parquet_rows(path: Path) -> list[dict[str, object]]:
    pq = pytest.importorskip("pyarrow.parquet")
    rows: list[dict[str, object]] = pq.read_table(path).to_pylist()
    return rows


@pytest.mark.parametrize("jobs", [1, 2])
def test_parquet_edges_and_nodes(tmp_path: Path, sample_cables: list[Cable], jobs: int) -> None:
    out = tmp_path / "citations.parquet"
    write_graph(SAMPLE, out, jobs=jobs)
    assert nodes_path(out) == str(tmp_path / "citations.nodes.parquet")
    edges = _parquet_rows(out)
    assert edges == [
        {"citing_id": e.citing_id, "cited_id": e.cited_id, "bullet": e.bullet, "source": e.source, "date": e.date}
        for e in citations(sample_cables)
    ]
    nodes = _parquet_rows(tmp_path / "citations.nodes.parquet")
    assert len(nodes) == _independent_counts(sample_cables)[0]
    held = [n for n in nodes if n["in_input"]]
    assert [n["id"] for n in held] == [c.canonical_id for c in sample_cables]
    assert held[0]["created"] == sample_cables[0].created
    missing = [n["id"] for n in nodes if not n["in_input"]]
    assert missing == sorted(missing) and all(n["created"] is None for n in nodes if not n["in_input"])


def test_parquet_dataset(tmp_path: Path) -> None:
    out = tmp_path / "graph"
    write_graph(SAMPLE, f"{out}/", jobs=2)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet")) == [
        "edges/part-00000.parquet",
        "nodes/part-00000.parquet",
    ]
    single = tmp_path / "single.parquet"
    write_graph(SAMPLE, single, jobs=1)
    assert _parquet_rows(out / "edges") == _parquet_rows(single)
    assert _parquet_rows(out / "nodes") == _parquet_rows(tmp_path / "single.nodes.parquet")
    write_graph(SAMPLE, out, jobs=1)  # an old graph dataset is replaced
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not a cableparse graph dataset"):
        write_graph(SAMPLE, out, jobs=1)
    assert (out / "notes.txt").read_text() == "mine"


def test_csv_and_command_line(tmp_path: Path, sample_cables: list[Cable], capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "edges.csv"
    assert main(["graph", str(SAMPLE), "-o", str(out), "-j", "1"]) == 0
    err = capsys.readouterr().err
    assert f"{len(sample_cables)} cables, 0 rejected" in err
    assert f"nodes: {tmp_path / 'edges.nodes.csv'}" in err
    with open(out, encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    expected = list(citations(sample_cables))
    assert [(r["citing_id"], r["cited_id"], r["source"]) for r in rows] == [(e.citing_id, e.cited_id, e.source) for e in expected]
    assert rows[0]["date"] == expected[0].date.isoformat()  # type: ignore[union-attr]
    with open(tmp_path / "edges.nodes.csv", encoding="utf-8", newline="") as file:
        nodes = list(csv.DictReader(file))
    assert {n["in_input"] for n in nodes} == {"true", "false"}


def test_errors_exit_2_and_write_nothing(tmp_path: Path) -> None:
    assert main(["graph", str(SAMPLE), "-o", str(tmp_path / "edges.docx")]) == 2
    assert main(["graph", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "edges.csv")]) == 2
    assert main(["graph", str(SAMPLE), "-o", str(tmp_path / "nodir" / "edges.csv")]) == 2
    assert list(tmp_path.iterdir()) == []


# --- SQLite ----------------------------------------------------------------------------------


def test_sqlite_citations_table(tmp_path: Path) -> None:
    cables = [
        _cable("08MEXICO23", refs=[("A", "08STATE1"), ("B", "07ZAGREB9")], column=("08STATE1", "06LIMA4")),
        _cable("08STATE1"),
    ]
    out = tmp_path / "c.sqlite"
    with SqliteSink(out) as sink:
        for cable in cables:
            sink.write(cable)
    db = sqlite3.connect(out)
    try:
        rows = db.execute(
            "SELECT cable_id, citing_id, cited_id, bullet, source, date, cited_cable FROM citations ORDER BY cable_id, position"
        ).fetchall()
        declared = {(row[2], row[3], row[4]) for row in db.execute("PRAGMA foreign_key_list(citations)")}
        violations = db.execute("PRAGMA foreign_key_check(citations)").fetchall()
    finally:
        db.close()
    when = cables[0].created.isoformat()  # type: ignore[union-attr]
    assert rows == [
        (1, "08MEXICO23", "08STATE1", "A", "both", when, 2),  # the cited cable is row 2
        (1, "08MEXICO23", "07ZAGREB9", "B", "ref-block", when, None),
        (1, "08MEXICO23", "06LIMA4", None, "references-column", when, None),
    ]
    assert declared == {("cables", "cable_id", "id"), ("cables", "cited_cable", "id")}
    assert violations == []


def test_sqlite_citations_with_jobs(tmp_path: Path, sample_cables: list[Cable]) -> None:
    from cableparse.batch import convert

    out = tmp_path / "c.sqlite"
    convert([SAMPLE], out, jobs=2)
    db = sqlite3.connect(out)
    try:
        rows = db.execute("SELECT c.canonical_id, t.cited_id, t.source FROM citations t JOIN cables c ON c.id = t.cable_id ORDER BY t.cable_id, t.position").fetchall()
    finally:
        db.close()
    assert rows == [(e.citing_id, e.cited_id, e.source) for c in sample_cables for e in cable_citations(c)]


# --- README ----------------------------------------------------------------------------------


def test_readme_recipe_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("networkx")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The citation graph") :]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    monkeypatch.chdir(ROOT)
    exec(compile(code.group(1), "README.md", "exec"), {})  # our own documentation
    printed = capsys.readouterr().out.strip()
    expected = next(line for line in code.group(1).splitlines() if line.startswith("# "))[2:]
    assert printed == expected


def test_graph_refuses_rejects_that_name_its_input(tmp_path: Path) -> None:
    # As convert does (issue 13): --rejects naming the input would empty it.
    dump = tmp_path / "in.csv"
    dump.write_bytes((Path(__file__).resolve().parents[1] / "fixtures" / "sample-dump.csv").read_bytes())
    before = dump.read_bytes()
    code = main(["graph", str(dump), "-o", str(tmp_path / "edges.csv"), "--rejects", str(dump), "-q"])
    assert code == 2
    assert dump.read_bytes() == before
    assert not (tmp_path / "edges.csv").exists()
