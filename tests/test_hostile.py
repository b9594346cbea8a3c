"""Issue 13, nothing lost and nothing hangs: each reproducer of the issue, as a test.

Hostile records become rejects or defects and never abort a batch; paths that would destroy
data are refused before anything is written; non-regular files are never read; compressed
input is recognised by its bytes in every entry point. Time and memory are measured by
``benchmarks/hostile.py``, not here.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import os
import sys
from pathlib import Path

import pytest

import cableparse
from cableparse import Cable, CableError, CableParseError
from cableparse.batch import convert
from cableparse.cli import main
from cableparse.containers import _common, iter_envelopes
from cableparse.containers.csvfile import iter_csv_envelopes, split_byte_ranges
from cableparse.normalize import canonical_id
from cableparse.pipeline import INTERNAL_ERROR
from cableparse.sinks import read_output

ROOT = Path(__file__).resolve().parents[1]
DUMP = ROOT / "fixtures" / "sample-dump.csv"
PAGE = ROOT / "fixtures" / "08MEXICO23.page.txt"


def _rows() -> list[bytes]:
    """The sample dump cut into its records (bytes, each ending with its newline)."""
    data = DUMP.read_bytes()
    offsets = [item.offset for item in iter_envelopes(io.BytesIO(data))]
    assert all(offset is not None for offset in offsets)
    bounds = [*(o for o in offsets if o is not None), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


ROWS = _rows()


def _with_row_id(row: bytes, row_id: bytes) -> bytes:
    assert row.startswith(b'"')
    return b'"' + row_id + row[row.index(b'"', 1):]


def _with_reference_id(row: bytes, reference_id: str) -> bytes:
    parts = row.split(b'","', 3)
    parts[2] = reference_id.encode()
    return b'","'.join(parts)


HOSTILE = {
    "digits": _with_row_id(ROWS[1], b"9" * 5000),  # int() string-length limit
    "superscript": _with_reference_id(ROWS[2], "\u00b2\u00b2X1"),  # isdigit() but not int()
    "int64": _with_row_id(ROWS[3], b"9" * 20),  # above 2^63: SQLite and Parquet overflow
}


def _hostile_dump() -> bytes:
    rows = list(ROWS)
    rows[1], rows[2], rows[3] = HOSTILE["digits"], HOSTILE["superscript"], HOSTILE["int64"]
    return b"".join(rows)


def _counts(summary: cableparse.batch.Summary) -> tuple[int, int]:
    return summary.cables, summary.rejects


# --- parse() raises nothing but CableParseError ----------------------------------------------


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("strict", [False, True])
def test_parse_hostile_row_raises_only_cable_parse_error(name: str, strict: bool) -> None:
    try:
        cable = cableparse.parse(HOSTILE[name], format="csv", strict=strict)
    except CableParseError:
        assert strict
        return
    assert cable.container == "csv"
    assert "internal-error" not in [d.code for d in cable.defects]
    if name == "superscript":
        assert cable.reference_id == "\u00b2\u00b2X1"
    else:
        assert cable.row_id is None and "csv-row-id" in [d.code for d in cable.defects]


def test_parse_de_serial_of_thousands_of_digits() -> None:
    # The FL3 field grammar reports the number instead of handing it to int().
    text = PAGE.read_bytes().replace(b"#0023/01", b"#" + b"9" * 5000 + b"/01")
    cable = cableparse.parse(text, format="page")
    codes = [d.code for d in cable.defects]
    assert "internal-error" not in codes
    assert "fl3-number-too-long" in codes
    assert cable.header is not None and cable.header.station_serial is None


def test_parse_de_serial_never_raises_in_lenient_mode() -> None:
    text = PAGE.read_bytes().replace(b"#0023/01", b"#" + b"9" * 5000 + b"/01")
    cable = cableparse.parse(text, format="page")
    assert cable.reference_id == "08MEXICO23"
    with pytest.raises(CableParseError):
        cableparse.parse(text, format="page", strict=True)


# --- one hostile record never aborts a batch ---------------------------------------------------


@pytest.mark.parametrize("ext", [".jsonl", ".sqlite", ".parquet"])
def test_hostile_rows_in_plain_csv_are_converted_or_rejected(tmp_path: Path, ext: str) -> None:
    if ext == ".parquet":
        pytest.importorskip("pyarrow")
    source = tmp_path / "in.csv"
    source.write_bytes(_hostile_dump())
    summary = convert([source], tmp_path / f"out{ext}", jobs=1, rejects=tmp_path / "rejects.jsonl")
    assert summary.cables + summary.rejects == len(ROWS)
    assert summary.internal_errors == 0
    cables = read_output(tmp_path / f"out{ext}")
    assert len(cables) == summary.cables >= len(ROWS) - 2
    # The 20-digit row id does not fit the sinks' 64-bit integers: kept out, with a defect.
    assert all(c.row_id is None or c.row_id < 2**63 for c in cables)


def test_hostile_rows_in_csv_gz_and_in_a_directory(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "dump.csv.gz", "wb") as file:
        file.write(_hostile_dump())
    pages = tmp_path / "pages"
    pages.mkdir()
    for name, row in HOSTILE.items():
        (pages / f"{name}.csv-row").write_bytes(row)
        (pages / f"{name}.txt").write_bytes(row)
    summary = convert([tmp_path / "dump.csv.gz", pages], tmp_path / "out.sqlite", jobs=1,
                      rejects=tmp_path / "rejects.jsonl")
    assert summary.cables + summary.rejects == len(ROWS) + 2 * len(HOSTILE)
    # At most the two out-of-range row ids are rejects, in each of the three containers.
    assert summary.rejects <= 3 * 2 and summary.internal_errors == 0
    assert len(read_output(tmp_path / "out.sqlite")) == summary.cables


def test_reject_raw_keeps_the_whole_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cableparse.core

    real = cableparse.core.parse_envelope
    victim = int(ROWS[1][1:ROWS[1].index(b'"', 1)])

    def failing(envelope: object, **kwargs: object) -> Cable:
        if getattr(envelope, "row_id", None) == victim:
            raise KeyError("a parser bug")
        return real(envelope, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cableparse.core, "parse_envelope", failing)
    source = tmp_path / "in.csv"
    source.write_bytes(b"".join(ROWS))
    rejects = tmp_path / "rejects.jsonl"
    summary = convert([source], tmp_path / "out.jsonl", jobs=1, rejects=rejects)
    assert (summary.rejects, summary.internal_errors) == (1, 1)
    [record] = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert record["message"].startswith(INTERNAL_ERROR)
    row = ROWS[1]
    assert record["raw"] == row.decode()  # row id, date and id columns included
    assert "internal errors" in summary.report()


# --- paths: collisions, symlinks, FIFOs, non-UTF-8 names -------------------------------------


def test_rejects_path_collisions_are_refused_before_writing(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"".join(ROWS))
    original = source.read_bytes()
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"previous")
    os.link(source, tmp_path / "hardlink.csv")
    for rejects in (source, out, tmp_path / "hardlink.csv", tmp_path / "." / "in.csv"):
        assert main(["convert", str(source), "-o", str(out), "--rejects", str(rejects), "-j", "1", "-q"]) == 2
    assert main(["convert", str(tmp_path), "-o", str(out), "--rejects", str(source), "-q"]) == 2
    assert main(["convert", str(source), "-o", "-", "--rejects", "-", "-q"]) == 2
    assert source.read_bytes() == original and out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hardlink.csv", "in.csv", "out.jsonl"]
    with pytest.raises(ValueError):
        convert([source], out, jobs=1, rejects=source)


def test_symlinks_fifos_and_non_utf8_names_in_a_directory(tmp_path: Path) -> None:
    directory = tmp_path / "in"
    directory.mkdir()
    (directory / "a.csv").write_bytes(b"".join(ROWS[:3]))
    (directory / "dangling.txt").symlink_to(directory / "missing.txt")
    (directory / "loop.txt").symlink_to(directory / "loop.txt")
    if hasattr(os, "mkfifo"):
        os.mkfifo(directory / "x.txt")  # no writer: reading it would block forever
    if sys.platform != "darwin":  # macOS file systems refuse non-UTF-8 names
        with open(os.path.join(os.fsencode(directory), b"bad\xff.txt"), "wb") as bad:
            bad.write(b"\x00" * 4096)
    items = list(cableparse.iter_cables(directory, errors="yield"))
    assert sum(isinstance(i, Cable) for i in items) == 3
    rejects = [i for i in items if isinstance(i, CableError)]
    names = {os.path.basename(r.source or "") for r in rejects}
    assert {"dangling.txt", "loop.txt"} <= names
    if hasattr(os, "mkfifo"):
        assert any("not a regular file" in r.message for r in rejects if r.source and r.source.endswith("x.txt"))
    rejects_file = tmp_path / "rejects.jsonl"
    summary = convert([directory], tmp_path / "out.jsonl", jobs=1, rejects=rejects_file)
    assert (summary.cables, summary.rejects) == (3, len(rejects))
    lines = [json.loads(line) for line in rejects_file.read_bytes().splitlines()]
    assert len(lines) == len(rejects)  # the non-UTF-8 name is written, escaped, not a crash


# --- record limit, gzip bombs -----------------------------------------------------------------


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """A record limit of 8 KiB, so that over-limit records are cheap to make."""
    monkeypatch.setattr(_common, "MAX_RECORD_BYTES", 8192)
    monkeypatch.setattr(_common, "RAW_PREFIX_BYTES", 1024)
    return 8192


def test_record_over_the_limit_is_one_reject_with_offset_and_length(tmp_path: Path, small_limit: int) -> None:
    small = [r for r in ROWS if len(r) < small_limit]
    huge = b'"7","1/1/2000 1:00","00X7","E","S","","h","' + b"A" * (5 * small_limit) + b'"\n'
    data = small[0] + huge + b"".join(small[1:])
    items = list(iter_csv_envelopes(io.BytesIO(data), source="x.csv"))
    errors = [i for i in items if isinstance(i, CableError)]
    assert len(items) == len(small) + 1 and len(errors) == 1
    [error] = errors
    assert error.offset == len(small[0]) and f"{len(huge)} bytes" in error.message
    assert "record too large" in error.message and len(error.raw) == 1024
    # Unclosed quote through the end of a gzip bomb of zeros: one reject, not one per limit.
    bomb = tmp_path / "bomb.csv.gz"
    with gzip.open(bomb, "wb") as file:
        file.write(small[0] + b"\x00" * (40 * small_limit))
    items = list(iter_envelopes(bomb, errors="yield"))
    assert [type(i).__name__ for i in items] == ["Envelope", "CableError"]


def test_documents_over_the_limit_are_rejected_not_read_whole(tmp_path: Path, small_limit: int) -> None:
    for name in ("bomb.txt.gz", "bomb.html.gz"):
        with gzip.open(tmp_path / name, "wb") as file:
            file.write(b"UNCLAS " + b"A" * (20 * small_limit))
    items = list(iter_envelopes(tmp_path, errors="yield"))
    assert len(items) == 2 and all(isinstance(i, CableError) and "record too large" in i.message for i in items)
    with pytest.raises(CableParseError) as raised:
        cableparse.parse(gzip.compress(b"UNCLAS " + b"A" * (20 * small_limit)))
    assert raised.value.code == "record-too-large"


def test_long_distinct_ids_are_not_cached() -> None:
    info = canonical_id.cache_info  # type: ignore[attr-defined]
    before = info().currsize
    for i in range(50):
        assert canonical_id(f"08STATE{i}" + "X" * 5000).startswith("08STATE")
    assert info().currsize == before


# --- text that is text -----------------------------------------------------------------------


def test_a_few_nul_bytes_are_text_mostly_nul_is_not() -> None:
    text = PAGE.read_bytes()
    damaged = text[:500] + b"\x00\x00" + text[500:]
    cable = cableparse.parse(damaged, format="page")
    assert cable.reference_id == "08MEXICO23" and "nul-character" in [d.code for d in cable.defects]
    for binary in (b"\x00" * 50_000 + text, b"%PDF-1.5\n" + text, b"PK\x03\x04" + text):
        with pytest.raises(CableParseError) as raised:
            cableparse.parse(binary)
        assert raised.value.code == "not-text"


def test_utf16_with_bom_is_decoded() -> None:
    cable = cableparse.parse(PAGE.read_text(encoding="utf-8").encode("utf-16"))
    assert cable.reference_id == "08MEXICO23" and cable.body is not None and cable.body.tags


def test_lone_surrogates_survive_iter_cables_and_the_jsonl_sink(tmp_path: Path) -> None:
    text = ROWS[0].decode() + ROWS[1].decode().replace("TAGS", "TA\ud800GS", 1)
    items = list(cableparse.iter_cables(io.StringIO(text), errors="yield"))
    assert len(items) == 2 and all(isinstance(i, Cable) for i in items)
    cable = cableparse.parse("UNCLAS \udcff TEXT\nSUBJECT: A \ud800 B\n")
    from cableparse.sinks.jsonl import JsonlSink, read_jsonl

    with JsonlSink(tmp_path / "out.jsonl") as sink:
        sink.write(cable)
    assert list(read_jsonl(tmp_path / "out.jsonl")) == [cable]


def test_gzip_is_recognised_by_its_bytes_in_every_entry_point(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    packed = gzip.compress(b"".join(ROWS))
    assert len(list(cableparse.iter_cables(io.BytesIO(packed)))) == len(ROWS)
    unnamed = tmp_path / "dump.data"  # no .gz in the name
    unnamed.write_bytes(packed)
    assert len(list(cableparse.iter_cables(unnamed, format="csv"))) == len(ROWS)
    assert cableparse.parse(packed).row_id == 182
    page = tmp_path / "page.bin"
    page.write_bytes(gzip.compress(PAGE.read_bytes()))
    assert main(["show", str(page)]) == 0
    assert "08MEXICO23" in capsys.readouterr().out


def test_gzip_on_stdin(tmp_path: Path) -> None:
    import subprocess

    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "cableparse", "convert", "-", "-o", str(out), "-j", "1", "-q"],
        input=gzip.compress(b"".join(ROWS)), capture_output=True, env=dict(os.environ, PYTHONPATH=str(ROOT)),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(out.read_bytes().splitlines()) == len(ROWS)


# --- split points never change the records ---------------------------------------------------


def _fake_row(n: int) -> bytes:
    return f'{n},"1/1/2000 1:00","00FAKE{n}","E","S","","h","b"'.encode()


def test_split_at_a_doubled_quote_line_end_never_changes_the_records() -> None:
    # A quoted body (RFC doubled quotes) whose line ends in "" and is followed by lines that
    # are whole clean rows: with --jobs 2 these were read as extra records (issue 13).
    body = b'text ""quoted""\n' + b"\n".join(_fake_row(900 + i) for i in range(5)) + b'\nend of body'
    tricky = b'"500","1/1/2000 1:00","00REAL500","E","S","","header","' + body + b'"\n'
    data = b"".join(ROWS[:4]) + tricky + b"".join(ROWS[4:8])
    sequential = [(i.offset, type(i).__name__) for i in iter_csv_envelopes(io.BytesIO(data), source=None)]
    starts = [0] + [k + 1 for k in range(len(data)) if data[k] == 0x0A]
    for cut in starts:
        first = list(iter_csv_envelopes(io.BytesIO(data), source=None, end=cut))
        second = list(iter_csv_envelopes(io.BytesIO(data), source=None, start=cut))
        got = [(i.offset, type(i).__name__) for i in first + second]
        assert got == sequential, cut


def test_split_byte_ranges_partition_the_records(tmp_path: Path) -> None:
    body = b'x""\n' + b"\n".join(_fake_row(900 + i) for i in range(5)) + b'\n'
    tricky = b'"500","1/1/2000 1:00","00REAL500","E","S","","header","' + body + b'"\n'
    path = tmp_path / "in.csv"
    path.write_bytes(b"".join(ROWS[:6]) + tricky + b"".join(ROWS[6:]))
    sequential = [i.offset for i in iter_csv_envelopes(path.open("rb"), source=None)]
    for n in range(2, 9):
        offsets = []
        for start, end in split_byte_ranges(path, n):
            with path.open("rb") as file:
                offsets += [i.offset for i in iter_csv_envelopes(file, source=None, start=start, end=end)]
        assert offsets == sequential, n
