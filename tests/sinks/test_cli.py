"""``cableparse convert/show/check``: outputs and exit codes (0 ok, 1 rejects, 2 errors)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sink_samples import ROOT, SHARED, generate_csv

from cableparse.cli import main
from cableparse.sinks import read_output


@pytest.fixture(scope="module")
def clean_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("cli") / "clean.csv"
    return path, generate_csv(path, 60_000, seed=3)


@pytest.fixture(scope="module")
def broken_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("cli") / "broken.csv"
    return path, generate_csv(path, 60_000, seed=4, broken_after=(2,))


def test_convert_ok(tmp_path: Path, clean_csv: tuple[Path, int], capsys: pytest.CaptureFixture[str]) -> None:
    source, rows = clean_csv
    out = tmp_path / "out.sqlite"
    assert main(["convert", str(source), "-o", str(out), "--jobs", "1"]) == 0
    assert len(read_output(out)) == rows
    err = capsys.readouterr().err
    assert f"{rows:,} cables, 0 rejected" in err
    assert "cables/s" in err


def test_convert_with_rejects_exits_1(tmp_path: Path, broken_csv: tuple[Path, int], capsys: pytest.CaptureFixture[str]) -> None:
    source, rows = broken_csv
    out = tmp_path / "out.jsonl"
    rejects = tmp_path / "rejects.jsonl"
    code = main(["convert", str(source), "-o", str(out), "-j", "2", "--rejects", str(rejects), "--format", "csv"])
    assert code == 1
    assert len(read_output(out)) == rows
    assert len(rejects.read_text().splitlines()) == 1
    assert "1 rejected" in capsys.readouterr().err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_convert_to_stdout(
    clean_csv: tuple[Path, int], capfdbinary: pytest.CaptureFixture[bytes], jobs: str
) -> None:
    source, rows = clean_csv
    assert main(["convert", str(source), "-o", "-", "-j", jobs, "-q"]) == 0
    captured = capfdbinary.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == rows
    assert json.loads(lines[0])["container"] == "csv"
    assert captured.err == b""


def test_usage_and_io_errors_exit_2(tmp_path: Path, clean_csv: tuple[Path, int], capsys: pytest.CaptureFixture[str]) -> None:
    source, _ = clean_csv
    assert main(["convert", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert "missing.csv" in capsys.readouterr().err
    assert main(["convert", str(source), "-o", str(tmp_path / "o.docx")]) == 2
    assert main(["convert", str(source), "-o", str(tmp_path / "nodir" / "o.jsonl")]) == 2
    assert main(["check", str(tmp_path / "missing.csv")]) == 2
    assert main(["show", str(tmp_path / "missing.txt")]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["convert", str(source)])  # no -o
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["convert", str(source), "-o", "x.jsonl", "--jobs", "0"])
    assert exit_info.value.code == 2
    assert list(tmp_path.iterdir()) == []


def test_missing_input_exit_code_from_the_command(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "cableparse", "convert", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.jsonl")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "nope.csv" in result.stderr and "Traceback" not in result.stderr


def test_check(broken_csv: tuple[Path, int], clean_csv: tuple[Path, int], capsys: pytest.CaptureFixture[str]) -> None:
    source, rows = broken_csv
    assert main(["check", str(source), "-j", "1"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{rows:,} cables, 1 rejected")  # the word convert uses too
    assert main(["check", str(clean_csv[0]), "-j", "1"]) == 0


def test_show_first_cable_of_a_csv(clean_csv: tuple[Path, int], capsys: pytest.CaptureFixture[str]) -> None:
    source, _ = clean_csv
    assert main(["show", str(source)]) == 0
    out = capsys.readouterr().out
    assert "container:      csv, row 1" in out
    assert "defects:" in out
    assert main(["show", str(source), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["row_id"] == 1


def test_show_seed_page(capsys: pytest.CaptureFixture[str]) -> None:
    seed = SHARED / "seeds" / "002_1aae6199d2509f02.txt"
    if not seed.is_file():
        pytest.skip("../shared/seeds is not available here")
    assert main(["show", str(seed), "--format", "page"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("08MEXICO23")
    assert "DRAFT COUNTRY TERRORISM REPORT FOR 2007" in out
    assert "Embassy Mexico" in out
    assert main(["show", str(seed), "--format", "page", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reference_id"] == "08MEXICO23"


def test_ri_still_wired(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ri", "RUEHME"]) == 0
    assert "RUEHME" in capsys.readouterr().out
