"""Behaviour of parse() on raw cable text: header families, body front matter, leniency."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

import cableparse
from cableparse import CableParseError

UTC = dt.timezone.utc
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

HEADER = """VZCZCXRO5183
OO RUEHAG RUEHROV
DE RUEHFR #0245/01 0351625
ZNY CCCCC ZZH
O P 041625Z FEB 08 ZDK
FM AMEMBASSY PARIS
TO RUEHC/SECSTATE WASHDC IMMEDIATE 2232
INFO RUEHZL/EUROPEAN POLITICAL COLLECTIVE PRIORITY
RUEKJCS/JOINT STAFF WASHDC//J-3/J-5//
XMT AMEMBASSY SOFIA
"""

BODY = """C O N F I D E N T I A L SECTION 01 OF 02 PARIS 000245

SIPDIS
NOFORN

E.O. 12958: DECL: 02/04/2018
TAGS: PREL, KDEM, NATO, FR, OVIP (SARKOZY, NICOLAS)
SUBJECT: (C) FRANCE AND NATO: A LONG
LINE THAT WRAPS

REF: A. STATE 12345
B. 07 PARIS 4321
C. LEE-GOLDSTEIN EMAIL 05/11/07

Classified By: Ambassador Craig Stapleton for reasons 1.4 (b) and (d).

1. (C) Summary: France wants to rejoin. End Summary.

2. (S/NF) More text here
that wraps onto a second line.

PARIS 00000245 002 OF 002


3. (U) Final paragraph.
STAPLETON
"""


@pytest.fixture(scope="module")
def cable() -> cableparse.Cable:
    return cableparse.parse(HEADER + BODY, format="text")


def test_header_fields(cable: cableparse.Cable) -> None:
    header = cable.header
    assert header is not None and header.kind == "acp127"
    assert header.precedences == ("O", "P")
    assert header.operating_signals == ("ZDK",)
    assert header.dtg == dt.datetime(2008, 2, 4, 16, 25, tzinfo=UTC)
    assert header.to[0].precedence == "IMMEDIATE" and header.to[0].serial == "2232"
    assert header.info[0].precedence == "PRIORITY"
    assert header.info[1].office == "J-3/J-5"
    assert header.info[1].address == "JOINT STAFF WASHDC"
    assert [r.address for r in header.exempted] == ["AMEMBASSY SOFIA"]


def test_body_front_matter(cable: cableparse.Cable) -> None:
    body = cable.body
    assert body is not None
    assert body.banner is not None
    assert (body.banner.level, body.banner.marking) == ("CONFIDENTIAL", "C O N F I D E N T I A L")
    assert body.banner.section == (1, 2)
    assert body.captions == ("SIPDIS", "NOFORN")
    assert body.executive_order is not None
    assert body.executive_order.declassify_on == dt.date(2018, 2, 4)
    assert [(t.code, t.kind) for t in body.tags] == [
        ("PREL", "subject"), ("KDEM", "program"), ("NATO", "organization"), ("FR", "geo"),
        ("OVIP", "subject"), ("SARKOZY, NICOLAS", "person"),
    ]
    assert body.subject == "FRANCE AND NATO: A LONG LINE THAT WRAPS"
    assert body.subject_classification == "C"
    assert [(r.bullet, r.kind, r.cable_id) for r in body.refs] == [
        ("A", "cable", "08STATE12345"), ("B", "cable", "07PARIS4321"), ("C", "email", None),
    ]
    assert body.classified_by is not None
    assert body.classified_by.reasons == ("1.4(b)", "1.4(d)")
    assert body.classified_by.title == "Ambassador"
    assert body.classified_by.name == "Craig Stapleton"


def test_paragraphs_summary_signature(cable: cableparse.Cable) -> None:
    body = cable.body
    assert body is not None
    assert [(p.number, p.classification) for p in body.paragraphs] == [(1, "C"), (2, "S/NF"), (3, "U")]
    assert body.paragraphs[1].text == "More text here\nthat wraps onto a second line."
    assert body.paragraphs[2].text == "Final paragraph."
    assert body.summary == "France wants to rejoin."
    assert body.signers == ("STAPLETON",)
    assert body.page_markers == ("PARIS 00000245 002 OF 002",)
    assert cable.reference_id == "08PARIS245"
    assert cable.classification is not None and cable.classification.level == "CONFIDENTIAL"


def test_render_round_trip(cable: cableparse.Cable) -> None:
    again = cableparse.parse(cableparse.render(cable), format="text")
    assert again.header == cable.header
    assert cable.body is not None
    # render writes the text without its page markers, so those are the one field not back.
    assert again.body == attrs.evolve(cable.body, page_markers=())


def test_dict_round_trip(cable: cableparse.Cable) -> None:
    assert cableparse.from_dict(cableparse.to_dict(cable)) == cable


@pytest.mark.parametrize(
    ("year", "expected"), [("66", 1966), ("99", 1999), ("00", 2000), ("08", 2008), ("10", 2010)]
)
def test_two_digit_years(year: str, expected: int) -> None:
    cable = cableparse.parse(f"P R 281848Z DEC {year}\nFM AMEMBASSY BUENOS AIRES\nTO SECSTATE WASHDC PRIORITY\n", format="text")
    assert cable.header is not None and cable.header.kind == "acp126"
    assert cable.header.dtg is not None and cable.header.dtg.year == expected


def test_partial_extract_header() -> None:
    text = (
        "This record is a partial extract of the original cable. The full text of the original cable is not available.\n"
        "\n291359Z Nov 00\n"
    )
    header = cableparse.parse(text, format="text").header
    assert header is not None and header.kind == "partial"
    assert header.dtg == dt.datetime(2000, 11, 29, 13, 59, tzinfo=UTC)


def test_fragment_yields_its_fields() -> None:
    cable = cableparse.parse("TAGS: PREL, PGOV")
    assert cable.body is not None
    assert [t.code for t in cable.body.tags] == ["PREL", "PGOV"]
    ref = cableparse.parse("REF: STATE 145633", reference_id="08MEXICO23")
    assert ref.body is not None and ref.body.refs[0].cable_id == "08STATE145633"
    assert ref.reference_id == "08MEXICO23"


@pytest.mark.parametrize("text", ["", "\n\n", "garbage ###\x01", "(((((", "1.", "TO", "VZCZC"])
def test_garbage_is_lenient(text: str) -> None:
    cable = cableparse.parse(text)
    assert isinstance(cable, cableparse.Cable)


def test_damaged_marking_and_label_typo_are_defects() -> None:
    text = "SS E C R E T STATE 015220\n\nE.O. 12958: DECL: 1/20/2019\nAGS: PREL, IR\nSUBJECT: TEST\n"
    cable = cableparse.parse(text, format="text")
    assert cable.body is not None and cable.body.banner is not None
    assert cable.body.banner.level == "SECRET"
    assert [t.code for t in cable.body.tags] == ["PREL", "IR"]
    codes = [(d.code, d.line) for d in cable.defects]
    assert ("tags-label-typo", 4) in codes
    with pytest.raises(CableParseError) as raised:
        cableparse.parse(text, format="text", strict=True)
    assert raised.value.code == "tags-label-typo"
    assert raised.value.line == 4


def test_binary_input_raises_the_one_error_type() -> None:
    with pytest.raises(CableParseError):
        cableparse.parse(b"\x00\x01\x02" * 100)
    assert issubclass(CableParseError, ValueError)


def test_header_line_out_of_place_is_a_positioned_defect() -> None:
    text = "VZCZCXRO5183\nRR RUEHC\nDE RUEHME #0023 0042201\nZNR UUUUU ZZH\nJUNK LINE HERE\nR 042201Z JAN 08\nFM AMEMBASSY MEXICO\n"
    cable = cableparse.parse(text, format="text")
    assert cable.header is not None and cable.header.sender == "AMEMBASSY MEXICO"
    assert [(d.code, d.line, d.column) for d in cable.defects] == [("header-unexpected-line", 5, 1)]


def test_reflowed_front_matter_is_split() -> None:
    # 10STATE284 on the Cablegate site: the whole front matter on the classification line.
    text = (
        "C O N F I D E N T I A L SECTION 01 OF 02 STATE 000284 SIPDIS E.O. 12958: DECL: 01/04/2020 "
        "TAGS: MASS, MARR, PK SUBJECT: ARMS SALES\n\n1. (C) Text.\n"
    )
    cable = cableparse.parse(text, format="text")
    assert cable.body is not None
    assert cable.body.subject == "ARMS SALES"
    assert [t.code for t in cable.body.tags] == ["MASS", "MARR", "PK"]
    assert cable.body.captions == ("SIPDIS",)
    assert "reflowed-front-matter" in [d.code for d in cable.defects]


def test_front_matter_glued_without_blanks_is_split() -> None:
    # 10BERLIN81 on the Cablegate site: the items run together with no blank between them.
    text = (
        "Cable dated:2010-01-21T11:33:00C O N F I D E N T I A L SECTION 01 OF 03 BERLIN 000081SIPDIS"
        "E.O. 12958: DECL: 01/22/2020TAGS: PGOV PREL KNNP IR GM\n\n1. (C) SUMMARY. Text. END SUMMARY.\n"
    )
    cable = cableparse.parse(text, format="text")
    assert cable.body is not None and cable.body.banner is not None
    assert (cable.body.banner.origin, cable.body.banner.serial) == ("BERLIN", "000081")
    assert cable.body.executive_order is not None and str(cable.body.executive_order.declassify_on) == "2020-01-22"
    assert [t.code for t in cable.body.tags] == ["PGOV", "PREL", "KNNP", "IR", "GM"]
    assert [p.number for p in cable.body.paragraphs] == [1]
    # A number glued to a word that is no front-matter item is left alone.
    prose = "C O N F I D E N T I A L STATE 000284\n\n1. (C) The 2010TAGGED items and 12SECRETS of a very long line of text.\n"
    assert cableparse.parse(prose, format="text").body.paragraphs[0].text.startswith("The 2010TAGGED items and 12SECRETS")


def test_canonical_id() -> None:
    assert cableparse.canonical_id("08SECSTATE145633") == "08STATE145633"
    assert cableparse.canonical_id("08ECTION01OF02MANAMA492") == "08MANAMA492"
    assert cableparse.canonical_id("09SECTION01OF03SANJOSE525") == "09SANJOSE525"
    assert cableparse.canonical_id("06EFTOBAKU1165") == "06BAKU1165"
    assert cableparse.canonical_id("06MADRID002583ZFR2585") == "06MADRID2583"
    assert cableparse.canonical_id("90STATE255577TOSEC140323") == "90STATE255577"
    assert cableparse.canonical_id("08MEXICO023") == "08MEXICO23"
    assert cableparse.canonical_id("XXXXXXXXXXXX") == "XXXXXXXXXXXX"


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        ("REF: A WELLINGTON 721 B WELLINGTON 690", [("A", "08WELLINGTON721"), ("B", "08WELLINGTON690")]),
        ("REF: A. 08 RIO DE JAN 138", [("A", "08RIODEJANEIRO138")]),
        ("REF: (99) ROME 2196", [(None, "99ROME2196")]),
        ("REF: STATE 41252 AND 44603", [(None, "08STATE41252"), (None, "08STATE44603")]),
        ("REF: '07 BUENOS AIRES 1491", [(None, "07BUENOSAIRES1491")]),
        ("REF: 10-OTTAWA-57", [(None, "10OTTAWA57")]),
        ("REF: A) SECSTATE 74879 B) USUN NEW YORK 827", [("A", "08STATE74879"), ("B", "08USUNNEWYORK827")]),
    ],
)
def test_ref_forms_resolve_to_canonical_ids(refs: str, expected: list[tuple[str | None, str]]) -> None:
    # spec 2.7 forms; the citing cable (08MEXICO23) gives the year where the entry has none.
    cable = cableparse.parse(refs, reference_id="08MEXICO23")
    assert cable.body is not None
    assert [(r.bullet, r.cable_id) for r in cable.body.refs] == expected


def test_to_dict_matches_the_generic_walk_of_every_field(cable: cableparse.Cable) -> None:
    # to_dict is written out field by field for speed; the generic walk over attrs fields
    # catches a model field it forgot.
    from cableparse.serialize import to_plain

    for sample in (cable, cableparse.parse((FIXTURES / "08MEXICO23.page.txt").read_bytes(), format="page")):
        assert cableparse.to_dict(sample) == to_plain(sample)


def test_import_and_parse_load_no_optional_dependency() -> None:
    # The core stays light: hypothesis, pyarrow, dask and tqdm are extras, imported on use.
    import subprocess
    import sys

    code = (
        "import sys, cableparse; "
        "cableparse.parse(open(sys.argv[1], 'rb').read(), format='page'); "
        "print(sorted(m for m in ('hypothesis', 'pyarrow', 'dask', 'tqdm') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(FIXTURES / "08MEXICO23.page.txt")], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"


def test_container_disagreements_point_at_the_cable_line() -> None:
    # A cables.csv row whose date and id disagree with the header DTG and the banner: the
    # container values are kept, and the defects point at the DTG and banner lines.
    row = (
        '1,1/5/2008 22:01,08MEXICO99,"Embassy Mexico",SECRET,,"VZCZCXRO5183\n'
        "RR RUEHC\nDE RUEHME #0023/01 0042201\nZNR UUUUU ZZH\nR 042201Z JAN 08\n"
        'FM AMEMBASSY MEXICO\nTO RUEHC/SECSTATE WASHDC 0049","UNCLAS MEXICO 000023\n\nText.\n"\n'
    )
    cable = cableparse.parse(row, format="csv")
    assert cable.reference_id == "08MEXICO99"
    assert cable.classification is not None and cable.classification.level == "SECRET"
    lines = {d.code: d.line for d in cable.defects}
    # The DTG is line 5 of the file; the body field opens on line 7, after 'TO ...","'.
    assert lines == {"created-dtg-mismatch": 5, "id-banner-mismatch": 7, "classification-mismatch": 7}


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("PHUMBA", ["PHUM", "BA"]),
        ("ECONEFIN", ["ECON", "EFIN"]),
        ("KFRDKIRFCVISCMGTKOCIASECPHUMSMIGEG", ["KFRD", "KIRF", "CVIS", "CMGT", "KOCI", "ASEC", "PHUM", "SMIG", "EG"]),
        ("HUMANR", ["HUMANR"]),  # free text, not tags run together
    ],
)
def test_run_together_tags_come_apart(written: str, read: list[str]) -> None:
    cable = cableparse.parse(f"UNCLAS MEXICO 000023\n\nTAGS: {written}\nSUBJECT: X\n")
    assert cable.body is not None
    assert [t.code for t in cable.body.tags] == read
    assert [d.code for d in cable.defects] == (["tags-run-together"] if len(read) > 1 else [])


def test_a_reject_survives_json_and_back() -> None:
    # What --rejects writes (to_plain of a CableError) reads back into the same record.
    import json

    from cableparse.serialize import cable_error_from_dict, to_plain

    error = cableparse.CableError(message="row has 7 columns", source="cables.csv", offset=1234, line=56, raw='1,"x"\n')
    assert cable_error_from_dict(json.loads(json.dumps(to_plain(error)))) == error
