"""The sample cable (08MEXICO23, a news page republishing its cables.csv row) parses to the
seed values of API.md."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

import cableparse
from cableparse import Banner, ExecutiveOrder, Recipient, Reference, Tag

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def cable() -> cableparse.Cable:
    return cableparse.parse((FIXTURES / "08MEXICO23.page.txt").read_bytes(), format="page")


def test_container_values(cable: cableparse.Cable) -> None:
    assert cable.reference_id == "08MEXICO23"
    assert cable.canonical_id == "08MEXICO23"
    assert cable.container == "page"
    assert cable.row_id == 136383
    assert cable.created == dt.datetime(2008, 1, 4, 22, 1, tzinfo=UTC)
    assert cable.origin == "Embassy Mexico"
    assert cable.classification == cableparse.Classification(level="UNCLASSIFIED", caveats=("FOR OFFICIAL USE ONLY",))
    assert cable.references == ("08STATE145633",)


def test_header_seed_values(cable: cableparse.Cable) -> None:
    header = cable.header
    assert header is not None
    assert header.kind == "acp127"
    assert header.transmission_id == "VZCZCXRO5183"
    assert header.precedence == "RR"
    assert header.routing_indicators == (
        "RUEHCD", "RUEHGD", "RUEHHO", "RUEHMC", "RUEHNG", "RUEHNL", "RUEHRD", "RUEHRS", "RUEHTM",
    )
    assert header.station == "RUEHME"
    assert header.station_serial == 23
    assert header.section == 1
    assert header.filed == "0042201"
    assert header.security == "ZNR UUUUU ZZH"
    assert header.dtg == dt.datetime(2008, 1, 4, 22, 1, tzinfo=UTC)
    assert header.sender == "AMEMBASSY MEXICO"
    assert header.to == (Recipient(routing_indicator="RUEHC", address="SECSTATE WASHDC", serial="0049"),)
    assert [(r.routing_indicator, r.address) for r in header.info] == [
        ("RUEHXC", "ALL US CONSULATES IN MEXICO COLLECTIVE"),
        ("RUEAWJA", "DEPT OF JUSTICE WASHDC"),
        ("RUEHC", "DEPT OF LABOR WASHDC"),
        ("RUEATRS", "DEPT OF TREASURY WASHDC"),
        ("RUCPDOC", "DEPT OF COMMERCE WASHDC"),
        ("RHMFIUU", "CDR USSOUTHCOM MIAMI FL"),
        ("RHMFIUU", "CDR USNORTHCOM"),
        ("RUEAHLA", "DEPT OF HOMELAND SECURITY"),
        ("RHEHNSC", "NSC WASHDC"),
        ("RUEABND", "DEA HQS WASHINGTON DC"),
    ]
    assert header.exempted == ()


def test_body_seed_values(cable: cableparse.Cable) -> None:
    body = cable.body
    assert body is not None
    assert body.banner == Banner(level="UNCLASSIFIED", marking="UNCLAS", section=(1, 3), origin="MEXICO", serial="000023")
    assert body.captions == ("SIPDIS", "SENSITIVE")
    assert body.passing == ("STATE FOR S/CT (Secretary/Counter terrorism)- RHONDA SHORE AND WHA/MEX",)
    assert body.executive_order == ExecutiveOrder(order="12958", declassify="N/A", declassify_on=None)
    assert body.tags == (
        Tag(code="PTER", kind="subject"),
        Tag(code="ASEC", kind="subject"),
        Tag(code="PGOV", kind="subject"),
        Tag(code="MX", kind="geo"),
    )
    assert body.subject == "DRAFT COUNTRY TERRORISM REPORT FOR 2007"
    assert body.refs == (Reference(bullet=None, kind="cable", text="STATE 145633", cable_id="08STATE145633"),)
    assert body.classified_by is None
    assert body.signers == ("BASSETT",)
    assert body.page_markers == ("MEXICO 00000023 002 OF 003", "MEXICO 00000023 003 OF 003")


def test_page_markers_are_gone_and_the_cut_sentence_is_whole(cable: cableparse.Cable) -> None:
    body = cable.body
    assert body is not None
    assert "00000023" not in body.text
    assert all("00000023" not in p.text for p in body.paragraphs)
    # "... share real-time / MEXICO 00000023 002 OF 003 / information regarding ..." is one paragraph.
    assert any("real-time\ninformation regarding ongoing" in p.text for p in body.paragraphs)
    assert body.paragraphs[0].text.startswith("Mexico is a key ally")
    assert all(p.number is None for p in body.paragraphs)
    assert "Scoop" not in body.text


def test_sample_only_defect_is_the_lost_closing_quote(cable: cableparse.Cable) -> None:
    # The news site dropped the row's closing quote; the cable itself is regular.
    assert [(d.code, d.line) for d in cable.defects] == [("csv-unterminated-quote", 41)]
    with pytest.raises(cableparse.CableParseError) as raised:
        cableparse.parse((FIXTURES / "08MEXICO23.page.txt").read_text(encoding="utf-8"), format="page", strict=True)
    assert raised.value.code == "csv-unterminated-quote"


def test_sample_row_text_is_regular_in_strict_mode(cable: cableparse.Cable) -> None:
    # The same cable as a well-formed cables.csv row: no defect at all, even in strict mode.
    assert cable.header is not None and cable.body is not None
    row = (
        '136383,1/4/2008 22:01,08MEXICO23,"Embassy Mexico",UNCLASSIFIED//FOR OFFICIAL USE ONLY,08STATE145633,"'
        + cableparse.render(attrs.evolve(cable, body=None)).rstrip("\n")
        + '","'
        + cable.body.text.replace("\\", "\\\\").replace('"', '\\"')
        + '"\n'
    )
    strict = cableparse.parse(row, format="csv", strict=True)
    assert strict.defects == ()
    assert strict.header == cable.header
    assert strict.body is not None and strict.body.subject == cable.body.subject
