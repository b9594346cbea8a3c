"""The Dask integration gives exactly what one sequential pass gives, record for record.

Every check runs on the synchronous scheduler and on a two-process ``distributed`` cluster
(created once for the module: its start-up is most of this file's time).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

import fsspec
import pyarrow.parquet as pq
from distributed import Client, LocalCluster

import cableparse
import cableparse.dask as cdask
from cableparse import Cable, CableError, to_dict
from cableparse.batch import convert as batch_convert
from cableparse.cli import main
from cableparse.containers import iter_envelopes
from cableparse.sinks.jsonl import read_jsonl
from cableparse.sinks.parquet import cable_schema, read_parquet

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS_ROWS = sorted((SHARED / "corpus").glob("*.csv-row")) if (SHARED / "corpus").is_dir() else []


def _generator() -> Any:
    """benchmarks/generate_dump.py (not a package) as a module."""
    spec = importlib.util.spec_from_file_location("generate_dump", ROOT / "benchmarks" / "generate_dump.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def key(record: Cable | CableError) -> object:
    """What must be equal: the whole to_dict of a cable, every field of an error."""
    if isinstance(record, CableError):
        return ("error", record.message, record.source, record.offset, record.line, record.raw)
    return to_dict(record)


def sequential(path: Path | str) -> list[object]:
    return [key(record) for record in cableparse.iter_cables(str(path), errors="yield")]


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster() -> Iterator[Client]:
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as local, Client(local, set_as_default=False) as client:
        yield client


@pytest.fixture(params=["sync", "cluster"])
def scheduler(request: pytest.FixtureRequest) -> Any:
    """Run a test on the synchronous scheduler and on the distributed cluster."""
    if request.param == "sync":
        return "sync"
    return request.getfixturevalue("cluster")


@pytest.fixture(scope="module")
def corpus_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus's cables.csv rows, one after another, as one cables.csv."""
    if not CORPUS_ROWS:
        pytest.skip("../shared/corpus is not available here")
    path = tmp_path_factory.mktemp("corpus") / "corpus.csv"
    with path.open("wb") as out:
        for row in CORPUS_ROWS:
            data = row.read_bytes()
            out.write(data if data.endswith(b"\n") else data + b"\n")
    return path


BROKEN_ROW = '999999,"1/1/2009 10:00","09BROKEN1","Embassy Nowhere","UNCLASSIFIED","","only seven"\n'


@pytest.fixture(scope="module")
def dump_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """About 300 generated records (2 MB) with one malformed row in the middle."""
    generator = _generator()
    directory = tmp_path_factory.mktemp("dump")
    whole = directory / "whole.csv"
    rows = generator.generate(whole, 2_000_000, seed=6)
    lines = whole.read_text(encoding="utf-8")
    # Insert the malformed row (7 columns) before a record start in the middle.
    cut = lines.index("\n" + str(rows // 2) + ",") + 1
    path = directory / "dump.csv"
    path.write_text(lines[:cut] + BROKEN_ROW + lines[cut:], encoding="utf-8")
    return path, rows


def _escape(field: str) -> str:
    return field.replace("\\", "\\\\").replace('"', '\\"')


FAKE_LINES = (
    '12345,1/4/2008 22:01,08FAKE1,"x"',
    '12346,1/4/2008 22:02,08FAKE2,"Embassy X","UNCLASSIFIED","","HDR","BODY"',
    '12347,1/4/2008 22:03,08FAKE3,"Embassy Y","SECRET","","HDR","BODY"',
    "12348,1/4/2008 22:04,08FAKE4,Embassy Z,SECRET,,HDR,BODY",
)


@pytest.fixture(scope="module")
def trap_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """Records whose quoted bodies hold lines that look like whole cables.csv rows.

    Returns the file and the byte offsets at which those lookalike lines start.
    """
    records = []
    for number in range(1, 41):
        body = (
            f"UNCLAS SECTION 01 OF 01 FREEDONIA {number:06d}\n\nE.O. 12958: N/A\nTAGS: PREL, FR\n"
            f"SUBJECT: QUOTED ROWS {number}\n\n1. (U) The export below was pasted into the cable:\n"
            + "\n".join(FAKE_LINES)
            + "\nC:\\TEMP\\\n"
            + FAKE_LINES[number % len(FAKE_LINES)]
            + '\n2. (U) A line ending in an escaped quote: "\n'
            + FAKE_LINES[1]
            + "\n\nBASSETT\n"
        )
        header = f"R 0{number % 9 + 1}2201Z JAN 08\nFM AMEMBASSY FREEDONIA\nTO RUEHC/SECSTATE WASHDC {number:04d}"
        fields = [f"1/{number % 28 + 1}/2008 22:01", f"08FREEDONIA{number}", "Embassy Freedonia",
                  "UNCLASSIFIED", "", header, body]
        records.append(str(number) + "," + ",".join(f'"{_escape(f)}"' for f in fields) + "\n")
    data = "".join(records).encode("utf-8")
    path = tmp_path_factory.mktemp("trap") / "trap.csv"
    path.write_bytes(data)
    starts = []
    for fake in FAKE_LINES:
        escaped = ("\n" + _escape(fake)).encode("utf-8")
        at = data.find(escaped)
        while at >= 0:
            starts.append(at + 1)
            at = data.find(escaped, at + 1)
    return path, sorted(starts)


# --- read_cables --------------------------------------------------------------------------------


def test_importing_cableparse_does_not_import_dask() -> None:
    code = "import sys, cableparse, cableparse.batch, cableparse.cli; assert 'dask' not in sys.modules, 'dask'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_dask_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['dask'] = None\n"
        "try:\n    import cableparse.dask\nexcept ImportError as error:\n    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert "pip install 'cableparse[dask]'" in result.stdout


def test_corpus_equals_sequential(corpus_csv: Path, scheduler: Any) -> None:
    expected = sequential(corpus_csv)
    bag = cdask.read_cables(corpus_csv, errors="yield", blocksize=40_000)
    assert bag.npartitions > 40
    assert [key(record) for record in bag.compute(scheduler=scheduler)] == expected
    assert len(expected) == len(CORPUS_ROWS)


def test_generated_dump_equals_sequential(dump_csv: tuple[Path, int], scheduler: Any) -> None:
    path, rows = dump_csv
    expected = sequential(path)
    # Every record, the malformed one as an error with its line, in the same place.
    assert len(expected) == rows + 1
    errors = [item for item in expected if isinstance(item, tuple)]
    assert len(errors) == 1 and "columns" in str(errors[0][1])
    bag = cdask.read_cables(path, errors="yield", blocksize=20_000)
    assert bag.npartitions >= 100
    assert [key(record) for record in bag.compute(scheduler=scheduler)] == expected


def test_block_boundaries_inside_quoted_lookalike_rows(trap_csv: tuple[Path, list[int]]) -> None:
    path, starts = trap_csv
    expected = sequential(path)
    assert len(expected) == 40 and not any(isinstance(item, tuple) for item in expected)
    # Cut exactly at lookalike lines, just before them (inside the previous body line) and
    # inside them; then sweep block sizes so that boundaries fall everywhere.
    sizes = {starts[0], starts[0] - 5, starts[0] + 7, starts[5], starts[17] - 1, starts[30] + 2}
    sizes.update(range(251, 4000, 347))
    for size in sorted(sizes):
        bag = cdask.read_cables(path, errors="yield", blocksize=size)
        got = [key(record) for record in bag.compute(scheduler="sync")]
        assert got == expected, f"blocksize {size}"


def test_boundary_in_a_long_blank_run(tmp_path: Path, trap_csv: tuple[Path, list[int]]) -> None:
    # 5,000 blank lines before a record: a boundary 100 bytes into them snaps to the blank
    # line, and re-checking the record from a window that no longer reaches the previous
    # record's closing quote refuses it; the block must still hold that record, with its line.
    path, _ = trap_csv
    data = path.read_bytes()
    at = data.index(b"\n21,") + 1
    blank = tmp_path / "blank.csv"
    blank.write_bytes(data[:at] + b"\n" * 5000 + data[at:])
    expected = sequential(blank)
    assert len(expected) == 40
    for size in (at + 100, at + 3000, (at + 200) // 2):
        got = [key(record) for record in cdask.read_cables(blank, errors="yield", blocksize=size).compute(scheduler="sync")]
        assert got == expected, f"blocksize {size}"


def test_block_boundaries_on_the_cluster(trap_csv: tuple[Path, list[int]], cluster: Client) -> None:
    path, starts = trap_csv
    bag = cdask.read_cables(path, errors="yield", blocksize=starts[3])
    assert [key(record) for record in bag.compute(scheduler=cluster)] == sequential(path)


def test_errors_modes(dump_csv: tuple[Path, int]) -> None:
    path, rows = dump_csv
    skipped = cdask.read_cables(path, blocksize=200_000, errors="skip").compute(scheduler="sync")
    assert len(skipped) == rows and all(isinstance(record, Cable) for record in skipped)
    with pytest.raises(cableparse.CableParseError, match="columns"):
        cdask.read_cables(path, blocksize=200_000, errors="raise").compute(scheduler="sync")
    with pytest.raises(ValueError):  # misuse, not unreadable data
        cdask.read_cables(path, errors="sometimes")
    with pytest.raises(ValueError, match="standard input"):  # a worker cannot read the client's stdin
        cdask.read_cables("-")


def test_fsspec_urls(corpus_csv: Path, cluster: Client) -> None:
    expected = sequential(corpus_csv)
    # file:// on the cluster (the workers open the URL themselves) ...
    bag = cdask.read_cables(corpus_csv.as_uri(), errors="yield", blocksize=50_000)
    assert [key(record) for record in bag.compute(scheduler=cluster)] == expected
    # ... and memory:// in this process (each process has its own memory file system).
    url = "memory://cableparse-test/corpus.csv"
    with fsspec.open(url, "wb") as out:
        out.write(corpus_csv.read_bytes())
    try:
        bag = cdask.read_cables("memory://cableparse-test/*.csv", errors="yield", blocksize=50_000)
        assert [key(record) for record in bag.compute(scheduler="sync")] == expected
    finally:
        fsspec.filesystem("memory").rm("/cableparse-test", recursive=True)


def test_whole_files_and_directories(tmp_path: Path, corpus_csv: Path, scheduler: Any,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared/corpus is not available here")
    pages = sorted((SHARED / "corpus").glob("*.html"))[:12] + sorted((SHARED / "corpus").glob("*.txt"))[:4]
    directory = tmp_path / "mixed"
    (directory / "sub").mkdir(parents=True)
    for number, page in enumerate(pages):
        target = directory / ("sub" if number % 3 == 0 else ".") / page.name
        target.write_bytes(page.read_bytes())
    (directory / "cables.csv").write_bytes(corpus_csv.read_bytes()[:300_000])
    (directory / "README.md").write_text("not a cable\n")
    (directory / "empty.txt").write_text("")
    # A relative path: the cluster's workers run elsewhere, yet errors name files as given.
    monkeypatch.chdir(tmp_path)
    expected = sequential("mixed")
    bag = cdask.read_cables(["mixed"], errors="yield", blocksize=40_000)
    assert bag.npartitions > 5
    assert [key(record) for record in bag.compute(scheduler=scheduler)] == expected
    assert any(isinstance(item, tuple) for item in expected)  # the empty file is an error
    # The same directory on a remote file system (memory://, so in this process only).
    memory = fsspec.filesystem("memory")
    for file in sorted(directory.rglob("*")):
        if file.is_file():
            memory.pipe(f"/cableparse-dir/{file.relative_to(directory).as_posix()}", file.read_bytes())
    try:
        got = cdask.read_cables("memory://cableparse-dir", errors="yield", blocksize=40_000).compute(scheduler="sync")
        assert [key(record) for record in got if isinstance(record, Cable)] == [
            item for item in expected if not isinstance(item, tuple)]
    finally:
        memory.rm("/cableparse-dir", recursive=True)


# --- dataframe and Parquet ----------------------------------------------------------------------


def test_to_dataframe_matches_the_sink_schema(dump_csv: tuple[Path, int], scheduler: Any) -> None:
    path, rows = dump_csv
    frame = cdask.read_dataframe(path, blocksize=100_000, errors="skip")
    meta = cdask.dataframe_meta()
    assert list(frame.columns) == cable_schema().names
    assert list(frame.dtypes) == list(meta.dtypes)
    result = frame.compute(scheduler=scheduler)
    assert list(result.dtypes) == list(meta.dtypes)
    assert len(result) == rows  # the malformed row has no row
    cables = [record for record in cableparse.iter_cables(str(path), errors="skip")]
    assert list(result["reference_id"]) == [cable.reference_id for cable in cables]
    assert list(result["row_id"]) == [cable.row_id for cable in cables]


def test_to_parquet_round_trip(tmp_path: Path, dump_csv: tuple[Path, int], scheduler: Any) -> None:
    path, rows = dump_csv
    out = tmp_path / "out.parquet"
    rejects = tmp_path / "rejects.jsonl"
    bag = cdask.read_cables(path, blocksize=150_000, errors="yield")
    summary = cdask.to_parquet(bag, out, rejects=rejects, scheduler=scheduler)
    assert summary.cables == rows and summary.rejects == 1
    assert summary.input_bytes == path.stat().st_size
    assert out.is_dir() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert sorted(p.name for p in out.iterdir()) == [f"part-{n:05d}.parquet" for n in range(bag.npartitions)]
    assert pq.read_table(out).schema.remove_metadata() == cable_schema().remove_metadata()
    expected = [to_dict(c) for c in cableparse.iter_cables(str(path), errors="skip") if isinstance(c, Cable)]
    assert [to_dict(cable) for cable in read_parquet(out)] == expected
    assert len(rejects.read_text().splitlines()) == 1
    # A second run replaces the dataset (it holds only part files).
    again = cdask.to_parquet(cdask.read_cables(path, blocksize=10**9, errors="skip"), out, scheduler="sync")
    assert again.cables == rows and again.rejects == 0
    assert len(list(out.iterdir())) == 1


def test_to_parquet_of_any_bag_or_dataframe(tmp_path: Path, dump_csv: tuple[Path, int]) -> None:
    """Collections derived from read_cables / read_dataframe are written from their partitions."""
    path, _ = dump_csv
    cables = [c for c in cableparse.iter_cables(str(path), errors="skip") if isinstance(c, Cable)]
    limit = sorted(c.row_id for c in cables if c.row_id is not None)[len(cables) // 3]
    wanted = [to_dict(c) for c in cables if c.row_id is not None and c.row_id >= limit]
    bag = cdask.read_cables(path, blocksize=300_000, errors="yield").filter(
        lambda c: isinstance(c, Cable) and c.row_id is not None and c.row_id >= limit)
    summary = cdask.to_parquet(bag, tmp_path / "bag", scheduler="sync")
    assert summary.cables == len(wanted) and summary.rejects == 0
    assert [to_dict(c) for c in read_parquet(tmp_path / "bag")] == wanted
    frame = cdask.read_dataframe(path, blocksize=300_000, errors="skip")
    whole = cdask.to_parquet(frame, tmp_path / "frame", scheduler="sync")
    assert [to_dict(c) for c in read_parquet(tmp_path / "frame")] == [to_dict(c) for c in cables]
    even = cdask.to_parquet(frame[frame.row_id >= limit], tmp_path / "even", scheduler="sync")
    assert [to_dict(c) for c in read_parquet(tmp_path / "even")] == wanted
    # Defects are counted from the rows as from the cables.
    streamed = cdask.to_parquet(cdask.read_cables(path, blocksize=300_000, errors="skip"), tmp_path / "s",
                                scheduler="sync")
    assert (whole.cables, whole.defects, whole.cables_with_defects) == (
        streamed.cables, streamed.defects, streamed.cables_with_defects)
    assert sum(1 for c in wanted if c["defects"]) == even.cables_with_defects


def test_to_parquet_paths_is_a_deprecated_alias(tmp_path: Path, dump_csv: tuple[Path, int]) -> None:
    path, rows = dump_csv
    with pytest.warns(DeprecationWarning, match="read_cables") as warned:
        old = cdask.to_parquet(path, tmp_path / "old", blocksize=150_000, rejects=tmp_path / "old.jsonl",
                               scheduler="sync")
    assert len(warned) == 1
    new = cdask.to_parquet(cdask.read_cables(path, blocksize=150_000, errors="yield"), tmp_path / "new",
                           rejects=tmp_path / "new.jsonl", scheduler="sync")
    assert (old.cables, old.rejects, old.defects) == (new.cables, new.rejects, new.defects) == (
        rows, 1, new.defects)
    assert [to_dict(c) for c in read_parquet(tmp_path / "old")] == [to_dict(c) for c in read_parquet(tmp_path / "new")]
    assert (tmp_path / "old.jsonl").read_bytes() == (tmp_path / "new.jsonl").read_bytes()
    # The old keywords belong to the old form only.
    with pytest.raises(TypeError, match="blocksize"):
        cdask.to_parquet(cdask.read_cables(path), tmp_path / "x", blocksize=1000)


def test_to_parquet_refuses_other_directories(tmp_path: Path, corpus_csv: Path) -> None:
    out = tmp_path / "data"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not a cableparse Parquet dataset"):
        cdask.to_parquet(cdask.read_cables(corpus_csv), out, scheduler="sync")
    assert (out / "notes.txt").read_text() == "keep me"


def test_to_parquet_on_an_fsspec_url(dump_csv: tuple[Path, int]) -> None:
    path, rows = dump_csv
    memory = fsspec.filesystem("memory")
    try:
        summary = cdask.to_parquet(cdask.read_cables(path, blocksize=400_000, errors="yield"),
                                   "memory://cableparse-out/ds", rejects="memory://cableparse-out/rejects.jsonl",
                                   scheduler="sync")
        assert summary.cables == rows and summary.rejects == 1
        assert sorted(name.rsplit("/", 1)[-1] for name in memory.ls("/cableparse-out", detail=False)) == ["ds", "rejects.jsonl"]
        assert len(memory.cat("/cableparse-out/rejects.jsonl").splitlines()) == 1
        table = pq.read_table("/cableparse-out/ds", filesystem=memory)
        assert table.num_rows == rows
    finally:
        memory.rm("/cableparse-out", recursive=True)


# --- the two engines -----------------------------------------------------------------------------


def _with_broken_row(source: Path, target: Path) -> Path:
    """``source`` with a malformed row (seven columns) before its middle record."""
    data = source.read_bytes()
    starts = [e.offset for e in iter_envelopes(str(source), errors="yield") if e.offset]
    cut = starts[len(starts) // 2]
    target.write_bytes(data[:cut] + BROKEN_ROW.encode() + data[cut:])
    return target


@pytest.mark.parametrize("dump", ["corpus", "generated"])
def test_process_pool_and_dask_write_the_same_records_and_rejects(
        tmp_path: Path, dump: str, request: pytest.FixtureRequest) -> None:
    """convert --jobs 2 (cut at verified record starts on the client) and Dask (raw cuts, snapped
    by the workers) give the same cables, the same rejects file byte for byte and the same counts."""
    if dump == "corpus":
        path = _with_broken_row(request.getfixturevalue("corpus_csv"), tmp_path / "corpus.csv")
        blocksize = 40_000
    else:
        path, blocksize = request.getfixturevalue("dump_csv")[0], 20_000
    # The raw block boundaries fall inside records, not only at their starts.
    starts = {e.offset for e in iter_envelopes(str(path), errors="yield")}
    boundaries = range(blocksize, path.stat().st_size, blocksize)
    assert len(boundaries) > 20 and sum(boundary not in starts for boundary in boundaries) > 20
    pool = batch_convert([path], tmp_path / "pool.jsonl", jobs=2, rejects=tmp_path / "pool-rejects.jsonl",
                         progress=False)
    bag = cdask.read_cables(path, blocksize=blocksize, errors="yield")
    on_dask = cdask.to_parquet(bag, tmp_path / "dask", rejects=tmp_path / "dask-rejects.jsonl", scheduler="sync")
    assert [to_dict(c) for c in read_parquet(tmp_path / "dask")] == [to_dict(c) for c in read_jsonl(tmp_path / "pool.jsonl")]
    rejects = (tmp_path / "pool-rejects.jsonl").read_bytes()
    assert (tmp_path / "dask-rejects.jsonl").read_bytes() == rejects and len(rejects.splitlines()) == 1
    assert json.loads(rejects)["raw"] == BROKEN_ROW  # the whole row, from both engines
    assert (on_dask.cables, on_dask.rejects, on_dask.defects, on_dask.cables_with_defects, on_dask.input_bytes) == (
        pool.cables, pool.rejects, pool.defects, pool.cables_with_defects, pool.input_bytes)


# --- command line -------------------------------------------------------------------------------


def test_cli_convert_engine_dask(tmp_path: Path, dump_csv: tuple[Path, int], cluster: Client,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    path, rows = dump_csv
    address = cluster.scheduler.address
    out = tmp_path / "cables.parquet"
    rejects = tmp_path / "rejects.jsonl"
    code = main(["convert", str(path), "-o", str(out), "--engine", "dask", "--scheduler", address,
                 "--rejects", str(rejects)])
    assert code == 1  # the malformed row is a reject
    assert pq.read_table(out).num_rows == rows
    assert len(rejects.read_text().splitlines()) == 1
    assert f"{rows:,} cables, 1 rejected" in capsys.readouterr().err


def test_cli_convert_engine_dask_local(tmp_path: Path, corpus_csv: Path) -> None:
    out = tmp_path / "dataset"
    assert main(["convert", str(corpus_csv), "-o", f"{out}/", "--engine", "dask", "--jobs", "1", "-q"]) == 0
    assert pq.read_table(out).num_rows == len(CORPUS_ROWS)


def test_cli_engine_dask_needs_a_dataset(tmp_path: Path, corpus_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(corpus_csv), "-o", str(tmp_path / "out.jsonl"), "--engine", "dask"]) == 2
    assert "Parquet dataset" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


def test_to_dataframe_is_a_deprecated_alias(dump_csv: tuple[Path, int]) -> None:
    path, _ = dump_csv
    with pytest.warns(DeprecationWarning, match="read_dataframe"):
        frame = cdask.to_dataframe(path, blocksize=100_000, errors="skip")
    assert list(frame.columns) == list(cdask.read_dataframe(path, blocksize=100_000, errors="skip").columns)
