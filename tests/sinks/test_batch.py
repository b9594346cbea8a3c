"""Batch conversion: rows in == rows out + rejects, --jobs 2 == --jobs 1, no partial output
after a kill, and real cables (seed page, corpus) through every sink and back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sink_samples import BROKEN_ROW, ROOT, SHARED, generate_csv

import cableparse
from cableparse.batch import Summary, convert
from cableparse.models import Cable
from cableparse.sinks import read_output

SINKS = [".jsonl", ".sqlite", ".parquet"]


def _needs(ext: str) -> None:
    if ext == ".parquet" or ext.endswith("/"):
        pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """~400 KB of generated cables.csv with two broken records among the good ones."""
    path = tmp_path_factory.mktemp("input") / "cables.csv"
    rows = generate_csv(path, 400_000, broken_after=(3, 20))
    return path, rows


@pytest.mark.parametrize("ext", SINKS)
def test_rows_in_equal_rows_out_plus_rejects(tmp_path: Path, small_csv: tuple[Path, int], ext: str) -> None:
    _needs(ext)
    source, rows = small_csv
    out = tmp_path / f"out{ext}"
    rejects = tmp_path / "rejects.jsonl"
    summary = convert([source], out, jobs=1, rejects=rejects, progress=False)
    assert isinstance(summary, Summary)
    assert summary.cables == rows
    assert summary.rejects == 2
    back = read_output(out)
    assert len(back) == rows
    errors = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert len(errors) == 2
    for error in errors:
        assert set(error) == {"message", "source", "offset", "line", "raw"}
        assert "only seven fields" in error["raw"]
        assert error["source"] == str(source)
        data = source.read_bytes()
        assert data[error["offset"]:].startswith(BROKEN_ROW.encode())
        assert error["line"] == data[: error["offset"]].count(b"\n") + 1
    assert summary.cables_per_second > 0


@pytest.mark.parametrize("ext", [".jsonl", ".sqlite", ".parquet", "-dataset/"])
def test_two_jobs_equal_one_job(tmp_path: Path, small_csv: tuple[Path, int], ext: str) -> None:
    _needs(ext)
    source, rows = small_csv
    results: dict[int, list[Cable]] = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}{ext}"
        rejects = tmp_path / f"rejects{jobs}.jsonl"
        summary = convert([source], f"{out}/" if ext.endswith("/") else out, jobs=jobs, rejects=rejects, progress=False)
        assert (summary.cables, summary.rejects) == (rows, 2)
        assert summary.jobs == jobs
        results[jobs] = read_output(out)
    assert results[2] == results[1]
    assert (tmp_path / "rejects1.jsonl").read_bytes() == (tmp_path / "rejects2.jsonl").read_bytes()
    if ext == ".jsonl":
        assert (tmp_path / "out1.jsonl").read_bytes() == (tmp_path / "out2.jsonl").read_bytes()
    # Nothing but the outputs is left behind (no part directories, no temp files).
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_defect_counts_match_output(tmp_path: Path, small_csv: tuple[Path, int]) -> None:
    source, _ = small_csv
    out = tmp_path / "out.jsonl"
    summary = convert(source, out, jobs=1, progress=False)
    cables = read_output(out)
    counted: dict[str, int] = {}
    for cable in cables:
        assert isinstance(cable, Cable)
        for defect in cable.defects:
            counted[defect.code] = counted.get(defect.code, 0) + 1
    assert dict(summary.defects) == counted
    assert "cables/s" in summary.report()


def test_check_mode_writes_nothing(tmp_path: Path, small_csv: tuple[Path, int]) -> None:
    source, rows = small_csv
    summary = convert([source], None, jobs=2, progress=False)
    assert (summary.cables, summary.rejects, summary.output) == (rows, 2, None)


def test_missing_input_and_bad_output(tmp_path: Path, small_csv: tuple[Path, int]) -> None:
    with pytest.raises(FileNotFoundError):
        convert([tmp_path / "missing.csv"], tmp_path / "out.jsonl", jobs=1)
    with pytest.raises(ValueError):
        convert([small_csv[0]], tmp_path / "out.xlsx", jobs=1)
    with pytest.raises(FileNotFoundError):
        convert([small_csv[0]], tmp_path / "no" / "out.jsonl", jobs=1)
    assert list(tmp_path.iterdir()) == []


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file() and not p.name.startswith(".")}


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
@pytest.mark.parametrize("ext, jobs", [(".sqlite", 2), (".jsonl", 1)])
def test_killed_run_leaves_no_complete_looking_output(tmp_path: Path, ext: str, jobs: int) -> None:
    source = tmp_path / "big.csv"
    generate_csv(source, 24_000_000, seed=11)
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / f"cables{ext}"
    out.write_bytes(b"previous output")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "cableparse", "convert", str(source), "-o", str(out), "--jobs", str(jobs), "--no-progress"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill reaches the workers too
    )
    try:
        # Wait until output is being written: a part file in the hidden parts directory
        # (parallel) or a non-empty hidden temp file (one job).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if jobs > 1:
                writing = any(p.is_dir() and any(p.iterdir()) for p in outdir.glob(".*.parts"))
            else:
                writing = any(p.stat().st_size > 0 for p in outdir.glob(f".{out.name}.*.tmp"))
            if writing:
                break
            assert process.poll() is None, "conversion finished before it could be killed"
            time.sleep(0.02)
        else:
            pytest.fail("no output was being written within 60 s")
        time.sleep(0.2)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert process.stderr is not None
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    # The old output is untouched and nothing else looks like output.
    assert _snapshot(outdir) == {out.name: b"previous output"}
    leftovers = [p.name for p in outdir.iterdir() if p.name != out.name]
    assert all(name.startswith(".") for name in leftovers)


# --- real cables through every sink ----------------------------------------------------------


def _seed() -> Path:
    for candidate in (ROOT / "fixtures", SHARED / "seeds"):
        for path in sorted(candidate.glob("*1aae6199d2509f02*")) if candidate.is_dir() else ():
            return path
    pytest.skip("the seed page is not available here")


@pytest.fixture(scope="module")
def real_cables() -> list[Cable]:
    """The seed cable and every corpus cable, parsed (skips when ../shared is absent)."""
    cables = [cableparse.parse(_seed().read_bytes(), format="page")]
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        for path in sorted(corpus.iterdir()):
            if path.suffix in (".csv-row", ".html", ".txt"):
                cables.append(cableparse.parse(path.read_bytes()))
    return cables


@pytest.mark.parametrize("ext", [*SINKS, "-dataset/"])
def test_real_cables_round_trip(tmp_path: Path, real_cables: list[Cable], ext: str) -> None:
    _needs(ext)
    from cableparse.sinks import open_sink

    out = f"{tmp_path / 'out'}{ext}"
    with open_sink(out) as sink:
        for cable in real_cables:
            sink.write(cable)
    assert read_output(out) == real_cables
    assert real_cables[0].reference_id == "08MEXICO23"


def test_corpus_directory_two_jobs_equal_one(tmp_path: Path) -> None:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not available here")
    first = convert([corpus], tmp_path / "one.jsonl", jobs=1, progress=False)
    second = convert([corpus], tmp_path / "two.jsonl", jobs=2, progress=False)
    assert first.cables == second.cables > 400
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    # The same cables, in the same order, as iter_cables reads from the directory.
    expected = [c for c in cableparse.iter_cables(corpus, errors="skip") if isinstance(c, Cable)]
    assert read_output(tmp_path / "one.jsonl") == expected


def test_generator_works_without_shared(tmp_path: Path) -> None:
    # generate_dump.py must not need ../shared: --builtin uses only its own synthetic cable.
    out = tmp_path / "builtin.csv"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate_dump.py"), "--size", "50KB", "--builtin", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size >= 50_000
    rows = int(result.stderr.split(": ", 1)[1].split(" rows", 1)[0].replace(",", ""))
    summary = convert(out, None, jobs=1, progress=False)
    assert (summary.cables, summary.rejects) == (rows, 0)
    assert rows >= 5
