"""A cables.csv row republished inside a page (the SEED), with and without its closing quote."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cableparse.containers import detect_format, extract
from cableparse.containers.page import read_page, trim_boilerplate

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED = SHARED / "seeds" / "002_1aae6199d2509f02.txt"


@pytest.fixture
def seed() -> bytes:
    if not SEED.is_file():
        pytest.skip("../shared/seeds is not available here")
    return SEED.read_bytes()


def test_seed_metadata_and_text(seed: bytes) -> None:
    assert detect_format(seed, None) == "page"
    e = extract(seed, "page")
    assert e.container == "page"
    assert e.row_id == 136383
    assert e.reference_id == "08MEXICO23"
    assert e.created == dt.datetime(2008, 1, 4, 22, 1, tzinfo=dt.timezone.utc)
    assert e.origin == "Embassy Mexico"
    assert e.classification == "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    assert e.references == ("08STATE145633",)
    header = e.header_text or ""
    body = e.body_text or ""
    assert header.startswith("VZCZCXRO5183\nRR RUEHCD")
    assert header.endswith("RUEABND/DEA HQS WASHINGTON DC")
    assert body.startswith("UNCLAS SECTION 01 OF 03 MEXICO 000023")
    assert body.endswith("Leslie BASSETT")
    assert "Scoop" not in body and "©" not in body
    assert "GOM (Government of Mexico)" in body  # the editorial insertion stays (spec 3.6)


def test_seed_positions_and_defect(seed: bytes) -> None:
    e = extract(seed, "page")
    lines = seed.decode("utf-8").split("\n")
    assert lines[e.line - 1].startswith("136383,1/4/2008 22:01,08MEXICO23")  # type: ignore[operator]
    assert lines[e.header_line - 1].endswith('"VZCZCXRO5183')
    assert lines[e.body_line - 1].endswith('"UNCLAS SECTION 01 OF 03 MEXICO 000023')
    assert seed[e.offset or 0:].startswith(b"136383,")
    [defect] = e.defects
    assert defect.code == "csv-unterminated-quote"
    assert defect.line == e.body_line
    assert lines[defect.line - 1][defect.column - 1] == '"'  # type: ignore[index,operator]
    cut = int(defect.message.rsplit("page line ", 1)[1].split()[0])
    assert lines[cut - 1] == "© Scoop Media"


def test_closing_quote_present_ends_the_row() -> None:
    text = ("Some site header\n\n"
            '5,1/4/2008 22:01,08X5,"Embassy X",SECRET,,"VZCZC\nFM X","SECRET X 000005\n\n'
            'he said "no", then left\nBASSETT"\n© Site\nmore footer\n')
    e = read_page(text)
    assert e is not None
    assert e.body_text == 'SECRET X 000005\n\nhe said "no", then left\nBASSETT'
    assert e.header_text == "VZCZC\nFM X"
    assert [d.code for d in e.defects] == ["csv-stray-quote"]
    assert e.line == 3 and e.header_line == 3 and e.body_line == 4


def test_quoted_first_fields_and_no_boilerplate() -> None:
    text = '"7","2/3/2009 4:05","09Y7","Embassy Y","CONFIDENTIAL","","","C O N F I D E N T I A L\nbody end\n\n\n'
    e = extract(text, "page")
    assert e.row_id == 7 and e.header_text is None
    assert e.body_text == "C O N F I D E N T I A L\nbody end"
    assert e.defects[0].code == "csv-unterminated-quote"


def test_page_without_row_reads_as_text() -> None:
    e = extract("Just a news story.\nNothing embedded.\n", "page")
    assert e.container == "page"
    assert e.body_text == "Just a news story.\nNothing embedded.\n"
    assert [d.code for d in e.defects] == ["page-no-row"]


def test_trim_rule() -> None:
    assert trim_boilerplate("A\nB \u2019curly\u2019 \u2014 ok\n\nC\n\n\u00a0\nfooter") == (
        "A\nB \u2019curly\u2019 \u2014 ok\n\nC", 5)
    assert trim_boilerplate("A\nB\n\n") == ("A\nB", None)
    assert trim_boilerplate("A\n\u2022 bullet")[1] == 1
