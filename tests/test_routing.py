"""Routing indicators: decoding, ACP 117 resolution, the ``ri`` command, lazy table loading."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cableparse import routing
from cableparse.cli import main
from cableparse.routing import RoutingIndicator, ri_command, routing_indicator

PACKAGE_ROOT = Path(routing.__file__).resolve().parents[1]
TABLE = Path(routing.__file__).resolve().parent / "data" / "ri-to-plad-acp117-2010.csv"
SHAPE = re.compile(r"[QR][A-Z]{3,6}")
BELTSVILLE = ("RGN RELAY FACILITY BELTSVILLE MD",)


def _rows() -> list[tuple[int, str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return [(n, row[0], row[1]) for n, row in enumerate(csv.reader(handle), start=1)]


ROWS = _rows()
SINGLE_ROWS = [row for row in ROWS if "THRU" not in row[1]]
RANGE_ROWS = [row for row in ROWS if "THRU" in row[1]]
SINGLE_CODES = {code for _, code, _ in SINGLE_ROWS}


def _params(rows: list[tuple[int, str, str]]) -> list[object]:
    return [pytest.param(*row, id=f"row{row[0]}-{row[1].replace(' ', '_')}") for row in rows]


def _inside(low: str, high: str) -> list[str]:
    """First, a middle and last code of a range whose bounds differ in the last letter only."""
    assert len(low) == len(high) and low[:-1] == high[:-1], (low, high)
    letters = [chr(c) for c in range(ord(low[-1]), ord(high[-1]) + 1)]
    return [low[:-1] + letter for letter in (letters[0], letters[len(letters) // 2], letters[-1])]


# -- seed values (API.md) ---------------------------------------------------------------------


def test_seed_mexico_city() -> None:
    ri = routing_indicator("RUEHME")
    assert ri == RoutingIndicator(
        code="RUEHME",
        valid=True,
        network="R",
        nation="U",
        relay="RUEH",
        tributary="ME",
        plads=("AMEMBASSY MEXICO CITY",),
        relay_plads=BELTSVILLE,
        collective=False,
    )


def test_seed_collective() -> None:
    ri = routing_indicator("RUEHXC")
    assert ri.collective and ri.valid
    assert ri.plads == ()
    assert ri.relay_plads == BELTSVILLE


def test_seed_range_row() -> None:
    assert routing_indicator("RHFJAIB").plads == ("NAVCOMTELSTA JACKSONVILLE FL",)
    assert "RHFJAIB" not in SINGLE_CODES


def test_seed_unlisted_codes() -> None:
    gateway = routing_indicator("RHMFIUU")
    assert gateway.valid and not gateway.collective
    assert gateway.plads == ()
    assert gateway.relay == "RHMF"
    assert gateway.relay_plads == ("DISA CONTROLLED RI (DMS MFI)",)

    treasury = routing_indicator("RUEATRS")
    assert treasury.valid and not treasury.collective
    assert treasury.plads == ()
    assert treasury.relay_plads == ()


def test_listed_lookalikes_are_not_collective() -> None:
    # Spec 1.5: only *unlisted* RUEHX?/RUEHZ?/RUCN??? codes are collectives.
    assert not routing_indicator("RUCNDT").collective
    assert routing_indicator("RUCNDT").plads == ("USMISSION USUN NEW YORK NY",)
    assert not routing_indicator("RUEHZP").collective
    assert routing_indicator("RUCNMEM").collective
    assert routing_indicator("RUEHZL").collective


def test_code_on_several_rows_and_in_a_range_keeps_table_order() -> None:
    # RULGPQZ has two rows of its own, then falls inside RULGPQA THRU RULGPQZ.
    assert routing_indicator("RULGPQZ").plads == (
        "CTG 40.0",
        "CTG 40.3",
        "NAVCOMTELSTA JACKSONVILLE FL",
    )


def test_repeated_plad_is_listed_once() -> None:
    assert routing_indicator("RUESJC").plads == ("CIA DCI JCS REP WASHINGTON DC",)


def test_bare_relay() -> None:
    ri = routing_indicator("RUEH")
    assert ri.relay == "RUEH" and ri.tributary is None
    assert ri.plads == ri.relay_plads == BELTSVILLE


@pytest.mark.parametrize(
    "code", ["", " ", "ruehme", "RUEHME1", "R", "RUE", "RUEHMEXC", "A" * 40, "RÜEHME", "U" + "EHME"]
)
def test_malformed_codes_are_invalid(code: str) -> None:
    ri = routing_indicator(code)
    assert not ri.valid
    assert (ri.network, ri.nation, ri.relay, ri.tributary) == (None, None, None, None)
    assert ri.plads == ri.relay_plads == ()
    assert not ri.collective


def test_surrounding_whitespace_is_stripped() -> None:
    assert routing_indicator("  RUEHME\n") == routing_indicator("RUEHME")


# -- the whole table resolves -----------------------------------------------------------------


def test_table_shape() -> None:
    assert len(ROWS) == 1656
    assert len(RANGE_ROWS) == 51


@pytest.mark.parametrize(("number", "code", "plad"), _params(SINGLE_ROWS))
def test_every_listed_code_resolves(number: int, code: str, plad: str) -> None:
    ri = routing_indicator(code)
    assert ri.valid, (number, code)
    assert plad in ri.plads, (number, code)
    assert not ri.collective


@pytest.mark.parametrize(("number", "cell", "plad"), _params(RANGE_ROWS))
def test_every_range_row_resolves(number: int, cell: str, plad: str) -> None:
    low, high = cell.split(" THRU ")
    for code in _inside(low, high):
        assert plad in routing_indicator(code).plads, (number, code)
    # Just outside the range (next letter past the upper bound) the row must not apply.
    if high[-1] != "Z":
        outside = high[:-1] + chr(ord(high[-1]) + 1)
        assert outside in SINGLE_CODES or plad not in routing_indicator(outside).plads


def test_cell_with_several_codes_and_ranges() -> None:
    # The 2010 table has one code or one range per cell, but ACP 117 cells may list several.
    table = routing._Table(
        [
            ["RHFJAAA THRU RHFJACZ,RHFJAIA THRU RHFJAIZ RUEHQQ", "FIRST"],
            ["RUEHQQ, RHFJAAB", "SECOND"],
            [],
        ]
    )
    assert table.plads("RHFJAAB") == ("FIRST", "SECOND")
    assert table.plads("RHFJAIQ") == ("FIRST",)
    assert table.plads("RHFJADA") == ()
    assert table.plads("RUEHQQ") == ("FIRST", "SECOND")
    assert table.plads("RHFJAB") == ()  # shorter than the bounds, though it sorts between them


# -- the sample cable (08MEXICO23) ------------------------------------------------------------

FL2 = ["RUEHCD", "RUEHGD", "RUEHHO", "RUEHMC", "RUEHNG", "RUEHNL", "RUEHRD", "RUEHRS", "RUEHTM"]
FL3 = ["RUEHME"]
TO = ["RUEHC"]
INFO = ["RUEHXC", "RUEAWJA", "RUEHC", "RUEATRS", "RUCPDOC", "RHMFIUU", "RHEHNSC", "RUEABND", "RUEAHLA"]
UNLISTED = {"RHMFIUU", "RUEATRS"}


@pytest.mark.parametrize("code", sorted(set(FL2 + FL3 + TO + INFO) - UNLISTED))
def test_sample_cable_codes_are_listed_or_collective(code: str) -> None:
    ri = routing_indicator(code)
    assert ri.valid
    assert bool(ri.plads) != ri.collective, ri


def test_sample_cable_specific_addressees() -> None:
    assert routing_indicator("RUEHC").plads == ("DEPT OF STATE WASHINGTON DC",)
    assert routing_indicator("RUEAWJA").plads == ("DEPT OF JUSTICE WASHINGTON DC",)  # range row
    assert routing_indicator("RUEHCD").plads == ("AMCONSUL CIUDAD JUAREZ",)
    assert routing_indicator("RUEHXC").collective


@pytest.mark.parametrize("code", sorted(UNLISTED))
def test_sample_cable_unlisted_codes(code: str) -> None:
    ri = routing_indicator(code)
    assert ri.valid and ri.plads == () and not ri.collective
    assert ri.relay_plads == {"RHMF": ("DISA CONTROLLED RI (DMS MFI)",), "RUEA": ()}[code[:4]]


# -- properties -------------------------------------------------------------------------------


@given(st.text())
def test_never_raises_and_validity_is_the_shape(text: str) -> None:
    ri = routing_indicator(text)
    assert isinstance(ri, RoutingIndicator)
    if not SHAPE.fullmatch(text):
        # Stripping surrounding whitespace is the only normalisation, so a padded RI is valid.
        assert ri.valid == bool(SHAPE.fullmatch(text.strip()))
    else:
        assert ri.valid


@given(st.from_regex(r"[QR][A-Z]{3,6}", fullmatch=True))
def test_valid_codes_decode_into_slices(code: str) -> None:
    ri = routing_indicator(code)
    assert ri.valid and ri.code == code
    assert ri.network == code[0] and ri.network in ("Q", "R")
    assert ri.nation == code[1]
    assert ri.relay == code[:4]
    assert (ri.relay or "") + (ri.tributary or "") == code
    assert ri.tributary is None or ri.tributary == code[4:]
    assert ri.relay_plads == routing_indicator(code[:4]).plads
    assert not (ri.collective and ri.plads)


@given(st.lists(st.text(), max_size=5))
def test_command_writes_one_line_per_code(codes: list[str]) -> None:
    for as_json in (False, True):
        out = io.StringIO()
        status = ri_command(codes, as_json=as_json, out=out)
        lines = out.getvalue().split("\n")
        assert lines[-1] == "" and len(lines) == len(codes) + 1
        assert status == (0 if all(routing_indicator(c).valid for c in codes) else 1)
        if as_json:
            for line in lines[:-1]:
                json.loads(line)


# -- command line -----------------------------------------------------------------------------


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ri", "RUEHME", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["code"] == "RUEHME"
    assert record["plads"] == ["AMEMBASSY MEXICO CITY"]
    assert record["relay_plads"] == list(BELTSVILLE)


def test_cli_text_reports_bad_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ri", "RUEHME", "bad!", "RUEATRS"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert "AMEMBASSY MEXICO CITY" in lines[0] and "RGN RELAY FACILITY BELTSVILLE MD" in lines[0]
    assert lines[1].startswith("bad!") and "invalid" in lines[1]
    assert "not in ACP 117" in lines[2]


def test_cli_bad_code_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ri", "bad!"]) == 1
    assert "invalid" in capsys.readouterr().out


# -- laziness ---------------------------------------------------------------------------------

_WATCH_TABLE = """
import sys
opened = []
sys.addaudithook(
    lambda event, args: opened.append(str(args[0]))
    if event == "open" and "ri-to-plad" in str(args[0]) else None
)
"""


def _run(code: str) -> None:
    # The package may not be installed: point the child at this checkout.
    path = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, PYTHONPATH=path)
    result = subprocess.run(
        [sys.executable, "-c", _WATCH_TABLE + code], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_importing_routing_does_not_read_the_table() -> None:
    _run(
        "import cableparse.routing as r\n"
        "assert r._table is None and opened == [], opened\n"
        # The watcher does see the read once a lookup needs it, so the check above means something.
        "assert r.routing_indicator('RUEHME').plads\n"
        "assert r._table is not None and len(opened) == 1, opened\n"
        "r.routing_indicator('RUEHC')\n"
        "assert len(opened) == 1, opened\n"
    )


def test_importing_package_does_not_read_the_table() -> None:
    _run(
        "import cableparse\n"
        "assert opened == [], opened\n"
        "r = sys.modules.get('cableparse.routing')\n"
        "assert r is None or r._table is None\n"
    )
