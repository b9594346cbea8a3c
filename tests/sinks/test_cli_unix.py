"""The command line behaves like a Unix tool (issue 16): version, pipes, empty input, names."""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sink_samples import ROOT

import cableparse
from cableparse.cli import build_parser, main
from cableparse.sinks import read_output

SAMPLE = ROOT / "fixtures" / "sample-dump.csv"


def _run(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "cableparse", *args], input=stdin, capture_output=True,
                          env=env, cwd=cwd, timeout=120, check=False)


def _sample_rows() -> int:
    return sum(1 for c in cableparse.iter_cables(SAMPLE, errors="yield"))


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"cableparse {cableparse.__version__}"


@pytest.mark.parametrize("args", [["convert", str(SAMPLE), "-o", "-", "-j", "1"], ["show", str(SAMPLE), "--json"]])
def test_closed_pipe_ends_quietly(args: list[str]) -> None:
    """``cableparse convert dump.csv -o - | head -c 10``: no traceback, no error message."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-m", "cableparse", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env)
    assert process.stdout is not None and process.stderr is not None
    assert len(process.stdout.read(10)) == 10
    process.stdout.close()  # what head does after 10 bytes
    stderr = process.stderr.read().decode()
    code = process.wait(timeout=120)
    assert code in (0, 141), (code, stderr)
    assert "Traceback" not in stderr and "Broken pipe" not in stderr and "error" not in stderr.lower()


def test_text_without_cable_structure_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.jsonl"
    assert main(["convert", str(ROOT / "README.md"), "-o", str(out), "-j", "1"]) == 0
    assert "1 cable, 0 rejected, 1 with defects" in capsys.readouterr().err
    (cable,) = read_output(out)
    assert [d.code for d in cable.defects] == ["no-cable-structure"]


def test_no_cable_in_a_directory_warns_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.md").write_text("not a cable file name\n")
    assert main(["convert", str(tmp_path / "in"), "-o", str(tmp_path / "o.jsonl"), "-j", "1"]) == 1
    assert "warning: no cable found in" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "in"), "-j", "1"]) == 1
    assert "warning: no cable found in" in capsys.readouterr().err


def test_empty_file_and_empty_stdin_alike(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    from_file = _run("convert", str(empty), "-o", "-", "-j", "1")
    from_stdin = _run("convert", "-", "-o", "-", "-j", "1")
    assert from_file.returncode == from_stdin.returncode == 1
    assert from_file.stdout == from_stdin.stdout == b""

    def counts(result: subprocess.CompletedProcess[bytes]) -> list[str]:
        return [line for line in result.stderr.decode().splitlines() if "rejected" in line or "warning" in line]

    assert counts(from_file) == [line.replace("-", str(empty)) if "warning" in line else line for line in counts(from_stdin)]
    assert any("no cable found" in line for line in counts(from_file))


@pytest.mark.parametrize("name", ["out.ndjson", "out.jsonl.gz", "out.db", "out.sqlite3"])
def test_output_names(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    assert main(["convert", str(SAMPLE), "-o", str(out), "-q", "-j", "1"]) == 0
    expected = [c for c in cableparse.iter_cables(SAMPLE) if isinstance(c, cableparse.Cable)]
    assert read_output(out) == expected
    head = out.read_bytes()[:16]
    if name.endswith(".gz"):
        assert head[:2] == b"\x1f\x8b"
        lines = gzip.decompress(out.read_bytes()).decode().splitlines()
        assert [json.loads(line)["reference_id"] for line in lines] == [c.reference_id for c in expected]
    elif name.endswith((".db", ".sqlite3")):
        assert head == b"SQLite format 3\x00"
    else:
        assert head.startswith(b'{"')


def test_jsonl_gz_with_workers_is_the_same_file(tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl.gz", tmp_path / "two.jsonl.gz"
    assert main(["convert", str(SAMPLE), "-o", str(one), "-q", "-j", "1"]) == 0
    assert main(["convert", str(SAMPLE), "-o", str(two), "-q", "-j", "2"]) == 0
    assert gzip.decompress(one.read_bytes()) == gzip.decompress(two.read_bytes())


def test_to_overrides_the_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cables.out"
    assert main(["convert", str(SAMPLE), "-o", str(out), "-q"]) == 2
    assert "--to" in capsys.readouterr().err
    assert main(["convert", str(SAMPLE), "-o", str(out), "--to", "sqlite", "-q", "-j", "1"]) == 0
    assert sqlite3.connect(out).execute("SELECT count(*) FROM cables").fetchone() == (_sample_rows(),)
    assert main(["convert", str(SAMPLE), "-o", str(out), "--to", "jsonl", "-q", "-j", "1"]) == 0
    assert len(out.read_text().splitlines()) == _sample_rows()


def test_show_picks_by_id_from_a_csv_a_directory_and_gzip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(SAMPLE), "--id", "08MEXICO23"]) == 0
    assert capsys.readouterr().out.startswith("08MEXICO23\n")
    # gzip recognized by content: the name says nothing.
    packed = tmp_path / "dump.bin"
    packed.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    assert main(["show", str(packed), "--id", "08MEXICO23", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reference_id"] == "08MEXICO23"
    directory = tmp_path / "pages"
    directory.mkdir()
    for name in ("06SKOPJE105.html", "07KINGSTON382.txt"):
        (directory / name).write_bytes((ROOT / "fixtures" / name).read_bytes())
    assert main(["show", str(directory), "--id", "07KINGSTON382"]) == 0
    assert capsys.readouterr().out.startswith("07KINGSTON382\n")
    assert main(["show", str(directory)]) == 0  # no --id: the first cable, in name order
    assert capsys.readouterr().out.startswith("06SKOPJE105\n")
    assert main(["show", str(directory), "--id", "99NOWHERE1"]) == 1
    assert "no cable 99NOWHERE1" in capsys.readouterr().err


def test_check_quiet_and_one_word_for_rejects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-q", str(SAMPLE), "-j", "1"]) == 0
    assert capsys.readouterr().out == ""
    broken = tmp_path / "broken.csv"
    # One good row and one with the wrong number of columns.
    from cableparse.containers import iter_envelopes

    second = [e.offset for e in iter_envelopes(SAMPLE)][1]
    assert second is not None
    broken.write_bytes(SAMPLE.read_bytes()[:second] + b'2,"only","three"\n')
    assert main(["check", "-q", str(broken), "-j", "1"]) == 1
    assert capsys.readouterr().out == ""
    assert main(["check", str(broken), "-j", "1"]) == 1
    check_line = capsys.readouterr().out.splitlines()[0]
    assert main(["convert", str(broken), "-o", str(tmp_path / "o.jsonl"), "-j", "1"]) == 1
    convert_line = capsys.readouterr().err.splitlines()[0]
    assert check_line == convert_line
    assert check_line.startswith("1 cable, 1 rejected, ")


def test_every_argument_has_help() -> None:
    parser = build_parser()
    missing = []
    parsers = [("cableparse", parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            parsers += [(f"cableparse {name}", sub) for name, sub in action.choices.items()]
            for choice in action._choices_actions:
                if not choice.help:
                    missing.append(f"command {choice.dest}")
    for name, command in parsers:
        for action in command._actions:
            if not isinstance(action, argparse._SubParsersAction) and not action.help:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []
