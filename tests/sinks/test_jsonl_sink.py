"""JSON Lines sink: exact line format, round trip, atomic replacement, stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sink_samples import full_cable, sample_cables

from cableparse.serialize import to_dict
from cableparse.sinks import JsonlSink, open_sink, read_output, sink_kind
from cableparse.sinks.jsonl import read_jsonl


def test_round_trip(tmp_path: Path) -> None:
    cables = sample_cables(9)
    out = tmp_path / "out.jsonl"
    with open_sink(out) as sink:
        for cable in cables:
            sink.write(cable)
    assert list(read_jsonl(out)) == cables
    assert read_output(out) == cables


def test_line_format_is_compact_utf8(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with open_sink(out) as sink:
        sink.write(full_cable())
    data = out.read_bytes()
    expected = json.dumps(to_dict(full_cable()), ensure_ascii=False, separators=(",", ":"))
    assert data == expected.encode("utf-8") + b"\n"
    assert "\u2019".encode() in data  # not \u-escaped


def test_nothing_at_output_until_close(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    sink = open_sink(out)
    sink.write(full_cable())
    assert not out.exists()
    hidden = [p.name for p in tmp_path.iterdir()]
    assert len(hidden) == 1 and hidden[0].startswith(".out.jsonl.") and hidden[0].endswith(".tmp")
    sink.close()
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_exception_keeps_old_file_and_removes_temp(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    with pytest.raises(RuntimeError), open_sink(out) as sink:
        sink.write(full_cable())
        raise RuntimeError("boom")
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_append_part_and_count(tmp_path: Path) -> None:
    cables = sample_cables(5)
    part = tmp_path / "part.jsonl"
    with open_sink(part) as sink:
        for cable in cables[2:]:
            sink.write(cable)
    out = tmp_path / "out.jsonl"
    with open_sink(out) as sink:
        for cable in cables[:2]:
            sink.write(cable)
        sink.append_part(part)
        assert sink.count == 5
    assert list(read_jsonl(out)) == cables


def test_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert sink_kind("-") == "jsonl"
    with JsonlSink("-") as sink:
        sink.write(full_cable())
    line = capsysbinary.readouterr().out
    assert json.loads(line) == to_dict(full_cable())


def test_missing_directory_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_sink(tmp_path / "no" / "out.jsonl")
