"""One error policy at every public entry point (issue 15, docs/design.md).

Misuse raises ValueError or TypeError (never CableParseError); a missing path raises the
OSError that open() raises; unreadable data raises CableParseError only with errors="raise",
the default everywhere a stream is read; a bug in cableparse is a reject that says so.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import cableparse
from cableparse import CableError, CableParseError
from cableparse.batch import convert
from cableparse.cli import main

ROOT = Path(__file__).resolve().parents[1]
DUMP = ROOT / "fixtures" / "sample-dump.csv"
BROKEN = '"2","1/1/2000 1:00","00X2","E","S","","h"\n'  # seven columns


def _dask() -> Any:
    pytest.importorskip("dask")
    pytest.importorskip("pyarrow")
    import cableparse.dask as cdask

    return cdask


def _entry_points(tmp_path: Path) -> dict[str, Callable[..., Any]]:
    """Each public entry point, called on a path with extra keyword arguments."""
    points: dict[str, Callable[..., Any]] = {
        "iter_cables": lambda path, **kw: list(cableparse.iter_cables(path, **kw)),
        "convert": lambda path, **kw: convert([path], tmp_path / "out.jsonl", jobs=1, **kw),
    }
    try:
        cdask = _dask()
    except pytest.skip.Exception:
        return points
    points["read_cables"] = lambda path, **kw: cdask.read_cables(path, **kw).compute(scheduler="sync")
    points["to_parquet"] = lambda path, **kw: cdask.to_parquet(cdask.read_cables(path, **kw), tmp_path / "ds",
                                                               scheduler="sync")

    def to_parquet_paths(path: Path, **kw: Any) -> Any:
        with pytest.warns(DeprecationWarning):
            return cdask.to_parquet(path, tmp_path / "ds", scheduler="sync", **kw)

    points["to_parquet(paths)"] = to_parquet_paths
    points["dask.convert"] = lambda path, **kw: cdask.convert([path], f"{tmp_path}/ds/", jobs=1, progress=False, **kw)
    return points


DASK_POINTS = ["read_cables", "to_parquet", "to_parquet(paths)"]


@pytest.mark.parametrize("name", ["parse", "iter_cables", "convert", *DASK_POINTS, "dask.convert"])
def test_unknown_format_is_misuse(tmp_path: Path, name: str) -> None:
    if name == "parse":
        call: Callable[..., Any] = lambda path, **kw: cableparse.parse(path.read_bytes(), **kw)
    else:
        points = _entry_points(tmp_path)
        if name not in points:
            pytest.skip("dask is not installed")
        call = points[name]
    with pytest.raises(ValueError, match="format") as raised:
        call(DUMP, format="xml")
    assert not isinstance(raised.value, CableParseError)


@pytest.mark.parametrize("name", ["iter_cables", *DASK_POINTS])
def test_unknown_errors_mode_is_misuse(tmp_path: Path, name: str) -> None:
    points = _entry_points(tmp_path)
    if name not in points:
        pytest.skip("dask is not installed")
    with pytest.raises(ValueError, match="errors") as raised:
        points[name](DUMP, errors="sometimes")
    assert not isinstance(raised.value, CableParseError)


def test_wrong_types_are_type_errors() -> None:
    with pytest.raises(TypeError):
        cableparse.parse(12345)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        list(cableparse.iter_cables(12345))


@pytest.mark.parametrize("name", ["iter_cables", "convert", *DASK_POINTS, "dask.convert"])
def test_missing_path_raises_the_oserror_open_raises(tmp_path: Path, name: str) -> None:
    points = _entry_points(tmp_path)
    if name not in points:
        pytest.skip("dask is not installed")
    with pytest.raises(FileNotFoundError):
        points[name](tmp_path / "missing.csv")


def test_cli_maps_misuse_and_missing_paths_to_exit_2(tmp_path: Path) -> None:
    assert main(["convert", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert main(["check", str(tmp_path / "missing.csv")]) == 2
    assert main(["show", str(tmp_path / "missing.txt")]) == 2
    assert not (tmp_path / "o.jsonl").exists()


def test_errors_raise_is_the_default_for_streams(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(DUMP.read_bytes() + BROKEN.encode())
    with pytest.raises(CableParseError):
        list(cableparse.iter_cables(path))
    items = list(cableparse.iter_cables(path, errors="yield"))
    assert isinstance(items[-1], CableError)
    points = _entry_points(tmp_path)
    if "read_cables" in points:
        for name in ("read_cables", "to_parquet"):
            with pytest.raises(CableParseError):
                points[name](path)
        assert not (tmp_path / "ds").exists()  # nothing is left half-written, not even hidden
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
        # The deprecated form and the command line's engine count rejects, as they did.
        assert points["to_parquet(paths)"](path).rejects == 1
        assert points["dask.convert"](path).rejects == 1


def test_unreadable_bytes_raise_cable_parse_error_everywhere(tmp_path: Path) -> None:
    bomb = gzip.compress(b"\x00" * 100_000)
    with pytest.raises(CableParseError):
        cableparse.parse(bomb)
    path = tmp_path / "zeros.txt.gz"
    path.write_bytes(bomb)
    with pytest.raises(CableParseError):
        list(cableparse.iter_cables(path))
    summary = convert([path], tmp_path / "out.jsonl", jobs=1)
    assert (summary.cables, summary.rejects) == (0, 1)
    assert main(["convert", str(path), "-o", str(tmp_path / "o2.jsonl"), "-q"]) == 1


def test_a_parser_bug_is_a_reject_that_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cableparse.core

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cableparse.core, "parse_envelope", broken)
    summary = convert([DUMP], tmp_path / "out.jsonl", jobs=1)
    assert summary.rejects == summary.internal_errors > 0 and summary.cables == 0
    items = list(cableparse.iter_cables(DUMP, errors="yield"))
    assert all(isinstance(i, CableError) and "internal error" in i.message for i in items)
    with pytest.raises(CableParseError, match="internal error"):
        list(cableparse.iter_cables(DUMP))


def test_engines_build_the_same_rejects_for_a_parser_bug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cdask = _dask()
    import cableparse.core

    real = cableparse.core.parse_envelope

    def sometimes(envelope: Any, **kwargs: Any) -> Any:
        if envelope.row_id is not None and envelope.row_id % 3 == 0:
            raise KeyError("a bug")
        return real(envelope, **kwargs)

    monkeypatch.setattr(cableparse.core, "parse_envelope", sometimes)

    def key(record: object) -> object:
        if isinstance(record, CableError):
            return ("error", record.message, record.source, record.offset, record.line, record.raw)
        return cableparse.to_dict(record)  # type: ignore[arg-type]

    expected = [key(r) for r in cableparse.iter_cables(str(DUMP), errors="yield")]
    got = [key(r) for r in cdask.read_cables(str(DUMP), errors="yield", blocksize=20_000).compute(scheduler="sync")]
    assert got == expected
    assert any(isinstance(k, tuple) for k in expected) and any(not isinstance(k, tuple) for k in expected)
    # Written out, the rejects files of both engines are the same bytes, and both count the bugs apart.
    local = convert([DUMP], tmp_path / "out.jsonl", jobs=1, rejects=tmp_path / "local.jsonl")
    on_dask = cdask.to_parquet(cdask.read_cables(str(DUMP), errors="yield", blocksize=20_000), tmp_path / "ds",
                               rejects=tmp_path / "dask.jsonl", scheduler="sync")
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert on_dask.internal_errors == local.internal_errors == on_dask.rejects > 0
