"""The header's field grammars (grammars/header_fields.lark, cableparse/header.py).

The shapes are those of spec section 1; where a real corpus cable shows a behaviour, it is
named (its fixture is in fixtures/). Timing belongs to benchmarks/header_fields.py.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import logger as lark_logger

import cableparse
from cableparse import spans, transform
from cableparse.containers import text as text_container
from cableparse.grammar import build_parser, cached_parser, terminal_regex
from cableparse.header import FIELD_STARTS, dtg_of, parse_dtg, parse_recipient
from cableparse.models import Recipient
from cableparse.strategies import cable_texts, mutated_texts

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FORMATS = {".csv-row": "csv", ".html": "html", ".txt": "auto"}


def header_of(text: str) -> cableparse.Header:
    cable = cableparse.parse(text, format="text")
    assert cable.header is not None, text
    return cable.header


def codes(text: str) -> list[str]:
    return [d.code for d in cableparse.parse(text, format="text").defects]


# --- the grammar ---------------------------------------------------------------------------------


def test_field_grammar_is_lalr_without_conflicts(caplog: pytest.LogCaptureFixture) -> None:
    lark_logger.propagate = True
    with caplog.at_level(logging.DEBUG, logger="lark"):
        parser = build_parser("header_fields", debug=True, start=list(FIELD_STARTS))
    assert parser.options.lexer == "contextual"
    assert [r.getMessage() for r in caplog.records if "conflict" in r.getMessage().lower()] == []


def test_header_helpers_stay_importable_from_transform() -> None:
    # render.py, strategies.py and outside callers import these from transform.
    assert transform.dtg_of is dtg_of and transform.parse_dtg is parse_dtg
    assert transform.parse_recipient is parse_recipient
    assert transform.parse_recipient("RUEHC/SECSTATE WASHDC 0049") == Recipient(
        routing_indicator="RUEHC", address="SECSTATE WASHDC", serial="0049"
    )


# --- regexes that remain agree with the grammar -----------------------------------------------------

# Raw-text anchor -> the header grammar's line terminals a line it accepts must lex as.
ANCHOR_LINES = {
    "fl2": {"FL2"},
    "fl3": {"FL3"},
    "fl4": {"FL4"},
    "fl5": {"FL5"},
    "dtg": {"FL5"},
    "fm": {"FM"},
    "info": {"INFO"},
    "addressee": {"TO", "INFO"},
}

GENERATED_LINES = [
    "RR RUEHC RUEHAM RHEHNSC",
    "OO RUEHWEB",
    "R RUEHC",  # one letter: neither an FL2 line nor an anchor (prosigns are doubled)
    "DE RUEHME #0023/01 0042201",
    "DE RUCNDT #0094 0352219",
    "ZNY CCCCC ZZH",
    "ZNR UUUUU ZZH (CCY ADX0B40820 WSC9649)",
    "R 042201Z JAN 08",
    "O P 291457Z OCT 08  ZDK UR SVC #03389",
    "P 221856Z APR 2015",
    "291359Z Nov 00",
    "FM AMEMBASSY MEXICO",
    "TO RUEHC/SECSTATE WASHDC 0049",
    "TO SECSTATE WASHDC NIACT IMMEDIATE 0051",
    "INFO AMEMBASSY PANAMA",
    "INFO  LOG-00   NP-00    AID-00",
    "INFO RUEHXC/ALL US CONSULATES IN MEXICO COLLECTIVE",
    "TO THE MINISTER",
    "OR RATHER",
]


def _lexed_as(line: str) -> str | None:
    tokens = list(cached_parser("header").lex(line + "\n"))
    return tokens[0].type if len(tokens) == 1 else None


def _corpus_header_lines() -> list[str]:
    if not CORPUS.is_dir():
        return []
    lines: list[str] = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix not in FORMATS:
            continue
        cable = cableparse.parse(path.read_bytes(), format=FORMATS[path.suffix])
        if cable.header is not None:
            lines.extend(line.strip() for line in cableparse.render(cable).split("\n\n")[0].split("\n"))
    return [line for line in lines if line]


@pytest.mark.parametrize("source", ["generated", "corpus"])
def test_text_anchors_agree_with_the_header_grammar(source: str) -> None:
    lines = GENERATED_LINES if source == "generated" else _corpus_header_lines()
    if not lines:
        pytest.skip("../shared/corpus is not there")
    anchors = text_container._anchors()
    checked = 0
    for line in lines:
        for name, expected in ANCHOR_LINES.items():
            if getattr(anchors, name).match(line):
                checked += 1
                assert _lexed_as(line) in expected, (name, line)
    assert checked > (len(lines) // 2 if source == "generated" else 0)


def test_text_anchors_are_the_terminals() -> None:
    anchors = text_container._anchors()
    assert anchors.fl3.pattern == terminal_regex("terminals", "FL3_ANCHOR")
    assert anchors.page_line.pattern == terminal_regex("terminals", "OLD_PAGE_LINE")
    assert re.fullmatch(terminal_regex("terminals", "DTG_GROUP"), "042201Z JAN 08")


# --- addressee entries ----------------------------------------------------------------------------

ACP126 = "P 291438Z MAY 91\nFM AMEMBASSY BOGOTA\n"


def test_entries_without_routing_indicator() -> None:
    # 91BOGOTA8074 (fixture): ACP 126 lists, a precedence on an INFO entry, an office.
    header = header_of(
        ACP126 + "TO SECSTATE WASHDC PRIORITY 5609\nINFO DEPTJUSTICE WASHDC PRIORITY\nAMEMBASSY PANAMA\n"
        "CDR4THPSYOPG FT BRAGG NC//AORC-POG-F//\n\nSECRET BOGOTA 08074\n"
    )
    assert header.to == (Recipient(address="SECSTATE WASHDC", precedence="PRIORITY", serial="5609"),)
    assert header.info == (
        Recipient(address="DEPTJUSTICE WASHDC", precedence="PRIORITY"),
        Recipient(address="AMEMBASSY PANAMA"),
        Recipient(address="CDR4THPSYOPG FT BRAGG NC", office="AORC-POG-F"),
    )


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # A wrapped address: the line ends in a connecting word, or the next starts COLLECTIVE.
        ("RUEHXC/ALL US CONSULATES IN\nMEXICO COLLECTIVE", [("RUEHXC", "ALL US CONSULATES IN MEXICO COLLECTIVE", None, None)]),
        ("RUEHZL/EUROPEAN POLITICAL\nCOLLECTIVE PRIORITY", [("RUEHZL", "EUROPEAN POLITICAL COLLECTIVE", "PRIORITY", None)]),
        # The precedence and serial wrapped onto a line of their own.
        ("RUEHC/SECSTATE WASHDC\nNIACT IMMEDIATE 0051", [("RUEHC", "SECSTATE WASHDC", "NIACT IMMEDIATE", "0051")]),
        # An office wrapped onto the next line.
        ("RUEKJCS/JOINT STAFF WASHDC\n//J-3/J-5//", [("RUEKJCS", "JOINT STAFF WASHDC", None, None)]),
        # Several entries, none wrapped; a precedence word inside an address is a word.
        (
            "RUEHBO/AMEMBASSY BOGOTA 1234\nAMEMBASSY PRIORITY HOUSE\nRUEHLP/AMEMBASSY LA PAZ JUN 9467",
            [
                ("RUEHBO", "AMEMBASSY BOGOTA", None, "1234"),
                (None, "AMEMBASSY PRIORITY HOUSE", None, None),
                ("RUEHLP", "AMEMBASSY LA PAZ JUN", None, "9467"),
            ],
        ),
        # A lone trailing "//" opens no office.
        ("RUEAIIA/CIA WASHINGTON DC//", [("RUEAIIA", "CIA WASHINGTON DC//", None, None)]),
    ],
)
def test_continuation_lines(lines: str, expected: list[tuple[str | None, str, str | None, str | None]]) -> None:
    header = header_of(ACP126 + "TO RUEHC/SECSTATE WASHDC 0049\nINFO " + lines + "\n\nUNCLAS BOGOTA 001234\n")
    assert [(r.routing_indicator, r.address, r.precedence, r.serial) for r in header.info] == expected


def test_slashes_as_written_and_xmt_slash() -> None:
    header = header_of(ACP126 + "TO //\nINFO ////\nRUEHZL/EUROPEAN POLITICAL COLLECTIVE\nXMT/AMEMBASSY SOFIA\nAMEMBASSY BUCHAREST\n")
    assert [r.address for r in header.to] == ["//"]
    assert [r.address for r in header.info] == ["////", "EUROPEAN POLITICAL COLLECTIVE"]
    # Spec 1.11: XMT/ and the line after it are both exempted.
    assert [r.address for r in header.exempted] == ["AMEMBASSY SOFIA", "AMEMBASSY BUCHAREST"]


def test_office_between_double_slashes() -> None:
    header = header_of(ACP126 + "TO RUEKJCS/JOINT STAFF WASHDC//J-3/J-5// IMMEDIATE\n\nUNCLAS BOGOTA 001234\n")
    assert header.to == (
        Recipient(routing_indicator="RUEKJCS", address="JOINT STAFF WASHDC", office="J-3/J-5", precedence="IMMEDIATE"),
    )


def test_info_cut_by_an_old_format_page_header() -> None:
    # Spec 1.10: the print format repeats the page header, with its classification line,
    # inside the address list; the addresses after it still belong to INFO.
    text = (
        "P 271108Z APR 89\nFM AMEMBASSY LAGOS\nTO SECSTATE WASHDC PRIORITY 0111\nINFO AMEMBASSY BONN\n"
        "AMEMBASSY LONDON\nCONFIDENTIAL\n\nPAGE 02        LAGOS  01234  271108Z\nAMEMBASSY PARIS\nUSMISSION USNATO\n\n"
        "CONFIDENTIAL LAGOS 01234\n\nE.O. 12356: DECL: OADR\nSUBJECT: X\n\n1. TEXT.\n"
    )
    cable = cableparse.parse(text, format="text")
    assert cable.header is not None
    assert [r.address for r in cable.header.info] == [
        "AMEMBASSY BONN", "AMEMBASSY LONDON", "AMEMBASSY PARIS", "USMISSION USNATO",
    ]
    assert "page-line-in-addressees" in [d.code for d in cable.defects]
    assert cable.body is not None and cable.body.subject == "X"


def test_page_line_on_the_info_line() -> None:
    # 09STATE37566 (fixture): "INFO PAGE 02        STATE   037566  161435Z" then addressees.
    header = header_of("O 161435Z MAR 09\nFM SECSTATE WASHDC\nTO AMEMBASSY X\nINFO PAGE 02 STATE 037566 161435Z\nAMEMBASSY Y\n")
    assert [r.address for r in header.info] == ["AMEMBASSY Y"]


# --- fragments of the address list ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "to", "info"),
    [
        ("INFO RUEHBO/AMEMBASSY BOGOTA 1234\nRUEHCV/AMEMBASSY CARACAS 5678", [], ["AMEMBASSY BOGOTA", "AMEMBASSY CARACAS"]),
        ("TO RUEHC/SECSTATE WASHDC 0049", ["SECSTATE WASHDC"], []),
        ("INFO AMEMBASSY PANAMA", [], ["AMEMBASSY PANAMA"]),
        ("TO SECSTATE WASHDC IMMEDIATE 1234\nINFO AMEMBASSY PANAMA\nAMCONSUL MONTERREY", ["SECSTATE WASHDC"], ["AMEMBASSY PANAMA", "AMCONSUL MONTERREY"]),
        # BT, the break sign after the last address, is none (ACP 127; it gave an INFO "BT").
        ("INFO RUEHGV/USMISSION GENEVA 1234\nRUEHC/SECSTATE WASHDC 5678\nBT", [], ["USMISSION GENEVA", "SECSTATE WASHDC"]),
    ],
)
def test_fragment_of_addressee_lines_is_a_header(text: str, to: list[str], info: list[str]) -> None:
    cable = cableparse.parse(text)
    assert cable.header is not None
    assert [r.address for r in cable.header.to] == to
    assert [r.address for r in cable.header.info] == info
    assert cable.body is None
    if "RUEHBO" in text:
        assert [r.serial for r in cable.header.info] == ["1234", "5678"]


@pytest.mark.parametrize("text", ["XMT AMCONSUL JUBA", "XMT RUEHJB/AMCONSUL JUBA\nAMEMBASSY NAIROBI"])
def test_fragment_of_exempted_addressees_is_a_header(text: str) -> None:
    # An XMT line alone (issue 12's first hand-check) gave no header and the signers XMT,
    # AMCONSUL and JUBA.
    cable = cableparse.parse(text)
    assert cable.header is not None
    assert [r.address for r in cable.header.exempted] == ["AMCONSUL JUBA", "AMEMBASSY NAIROBI"][: text.count("\n") + 1]
    assert cable.body is None


def test_bt_ends_the_heading_of_a_whole_cable() -> None:
    text = ("FM AMEMBASSY GENEVA\nTO RUEHC/SECSTATE WASHDC 0001\nINFO RUEHGV/USMISSION GENEVA 1234\nBT\n"
            "UNCLAS GENEVA 001234\n\nE.O. 12958: N/A\nTAGS: PREL\n\n1. Text.\n")
    cable = cableparse.parse(text)
    assert cable.header is not None and [r.address for r in cable.header.info] == ["USMISSION GENEVA"]
    assert cable.body is not None and cable.body.banner is not None
    assert cable.defects == ()
    # An address that ends in the letters BT keeps them.
    cable = cableparse.parse("INFO AMEMBASSY BT\n")
    assert cable.header is not None and [r.address for r in cable.header.info] == ["AMEMBASSY BT"]


def test_prose_starting_with_to_is_no_header() -> None:
    cable = cableparse.parse("TO THE MINISTER OF FOREIGN AFFAIRS WE SAID NOTHING.\nINFO WAS SCARCE.")
    assert cable.header is None
    assert cable.body is not None and cable.body.text.startswith("TO THE MINISTER")



# --- addressee lines as header fragments are quoted (issue 12, outside cases) -----------------------


def _entries(recipients: tuple[Recipient, ...]) -> list[tuple[str | None, str, str | None, str | None]]:
    return [(r.routing_indicator, r.address, r.precedence, r.serial) for r in recipients]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Quoted run together: a routing indicator and its slash start the next entry.
        (
            "INFO RUEHFR/AMEMBASSY PARIS 4567 RUEHLO/AMEMBASSY LONDON 1234",
            [("RUEHFR", "AMEMBASSY PARIS", None, "4567"), ("RUEHLO", "AMEMBASSY LONDON", None, "1234")],
        ),
        (
            "INFO RUEHFR/AMEMBASSY PARIS PRIORITY 4567 RUEHLO/AMEMBASSY LONDON IMMEDIATE",
            [("RUEHFR", "AMEMBASSY PARIS", "PRIORITY", "4567"), ("RUEHLO", "AMEMBASSY LONDON", "IMMEDIATE", None)],
        ),
        (
            "INFO RUEHFR/AMEMBASSY PARIS RUEHLO/AMEMBASSY LONDON",
            [("RUEHFR", "AMEMBASSY PARIS", None, None), ("RUEHLO", "AMEMBASSY LONDON", None, None)],
        ),
        # An office ends its entry too; the slashes inside it (09STATE37561) split nothing.
        (
            "INFO RHMFIUU/DIA WASHINGTON DC//DHI-1B/CLM//DP// 1234 RUEHLO/AMEMBASSY LONDON",
            [("RHMFIUU", "DIA WASHINGTON DC", None, "1234"), ("RUEHLO", "AMEMBASSY LONDON", None, None)],
        ),
        # A slash inside an address word is no indicator's.
        ("INFO RUEHHO/AMCONSUL HONOLULU HI/CC 1234", [("RUEHHO", "AMCONSUL HONOLULU HI/CC", None, "1234")]),
    ],
)
def test_two_addressees_on_one_line(line: str, expected: list[tuple[str | None, str, str | None, str | None]]) -> None:
    cable = cableparse.parse(line)
    assert cable.header is not None
    assert _entries(cable.header.info) == expected


def test_two_addressees_on_one_line_of_a_whole_cable_keep_their_spans() -> None:
    text = ("FM AMEMBASSY GENEVA\nTO RUEHC/SECSTATE WASHDC 0001 RUEHFR/AMEMBASSY PARIS 0002\n\n"
            "UNCLAS GENEVA 001234\n\nE.O. 12958: N/A\nTAGS: PREL\n\n1. Text.\n")
    cable = cableparse.parse(text, spans=True)
    assert cable.header is not None
    assert [r.address for r in cable.header.to] == ["SECSTATE WASHDC", "AMEMBASSY PARIS"]
    assert cable.spans is not None
    (start, end), = cable.spans["header.to[1]"]
    assert text[start:end] == "RUEHFR/AMEMBASSY PARIS 0002"
    assert list(spans.check(cable, text)) == []


@pytest.mark.parametrize(
    ("text", "to", "info"),
    [
        ("TO: RUEHC/SECSTATE WASHDC 0049\nINFO: RUEHFR/AMEMBASSY PARIS 4567", ["SECSTATE WASHDC"], ["AMEMBASSY PARIS"]),
        ("To RUEHC/SECSTATE WASHDC 0049\nInfo RUEHFR/AMEMBASSY PARIS 4567", ["SECSTATE WASHDC"], ["AMEMBASSY PARIS"]),
        ("Info: AMEMBASSY PANAMA\nAMCONSUL MONTERREY", [], ["AMEMBASSY PANAMA", "AMCONSUL MONTERREY"]),
        ("To:SECSTATE WASHDC IMMEDIATE 1234", ["SECSTATE WASHDC"], []),
    ],
)
def test_keywords_with_a_colon_or_in_mixed_case(text: str, to: list[str], info: list[str]) -> None:
    cable = cableparse.parse(text)
    assert cable.header is not None
    assert [r.address for r in cable.header.to] == to
    assert [r.address for r in cable.header.info] == info
    assert cable.body is None


@pytest.mark.parametrize(
    "text",
    [
        "To the Minister: we said nothing.\nInfo was scarce.",
        "TO: THE AMBASSADOR\nINFO: DCM, POL",
        # A post's distribution printout (03ABUDHABI2641): "To:" and "INFO:" before no address.
        "To:       No Action Addressee\nAction:   Unknown\n",
    ],
)
def test_quoted_keywords_before_no_address_are_no_header(text: str) -> None:
    assert cableparse.parse(text).header is None


def test_wrapped_entry_with_an_indented_second_line() -> None:
    header = header_of(ACP126 + "TO RUEHC/SECSTATE WASHDC 0049\nINFO RUEHFR/AMEMBASSY\n PARIS PRIORITY 4567\n"
                       "RUEHLO/AMEMBASSY LONDON 1234\n\nUNCLAS BOGOTA 001234\n")
    assert _entries(header.info) == [
        ("RUEHFR", "AMEMBASSY PARIS", "PRIORITY", "4567"),
        ("RUEHLO", "AMEMBASSY LONDON", None, "1234"),
    ]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # The next line starts an entry of its own: its indicator, or no indicator on the
        # first line (ACP 126 lists put one address per line).
        ("RUEHFR/AMEMBASSY\n RUEHLO/AMEMBASSY LONDON 1234", [("RUEHFR", "AMEMBASSY"), ("RUEHLO", "AMEMBASSY LONDON")]),
        ("AMEMBASSY PARIS\n AMEMBASSY LONDON", [(None, "AMEMBASSY PARIS"), (None, "AMEMBASSY LONDON")]),
        # Not indented: two entries.
        ("RUEHFR/AMEMBASSY PARIS\nAMEMBASSY LONDON", [("RUEHFR", "AMEMBASSY PARIS"), (None, "AMEMBASSY LONDON")]),
    ],
)
def test_lines_that_are_no_wrap(lines: str, expected: list[tuple[str | None, str]]) -> None:
    header = header_of(ACP126 + "TO RUEHC/SECSTATE WASHDC 0049\nINFO " + lines + "\n\nUNCLAS BOGOTA 001234\n")
    assert [(r.routing_indicator, r.address) for r in header.info] == expected


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("INFO ZEN/AMEMBASSY PARIS\nRUEHLO/AMEMBASSY LONDON 1234", "info",
         [("ZEN", "AMEMBASSY PARIS", None, None), ("RUEHLO", "AMEMBASSY LONDON", None, "1234")]),
        ("XMT ZEN/AMEMBASSY SOFIA", "exempted", [("ZEN", "AMEMBASSY SOFIA", None, None)]),
        ("INFO RUEHLO/AMEMBASSY LONDON 1234 ZEN/AMEMBASSY PARIS", "info",
         [("RUEHLO", "AMEMBASSY LONDON", None, "1234"), ("ZEN", "AMEMBASSY PARIS", None, None)]),
    ],
)
def test_zen_takes_the_routing_indicator_slot(text: str, field: str, expected: list[tuple[str | None, str, str | None, str | None]]) -> None:
    # ZEN (ACP 127: delivered by other means) is written where the indicator goes; the address
    # is the PLAD alone.
    cable = cableparse.parse(text)
    assert cable.header is not None
    assert _entries(getattr(cable.header, field)) == expected
    assert parse_recipient("ZEN/AMEMBASSY PARIS") == Recipient(routing_indicator="ZEN", address="AMEMBASSY PARIS")

# --- FL2, FL3, FL5 -------------------------------------------------------------------------------------


def test_routing_lines_over_several_lines() -> None:
    header = header_of("VZCZCXRO5183\nRR RUEHC RUEHAM\nRUEHBO RUEHCV\nDE RUEHME #0023/01 0042201\nZNR UUUUU ZZH\nR 042201Z JAN 08\n")
    assert (header.precedence, header.routing_indicators) == ("RR", ("RUEHC", "RUEHAM", "RUEHBO", "RUEHCV"))
    assert (header.station, header.station_serial, header.section, header.filed) == ("RUEHME", 23, 1, "0042201")
    assert header.security == "ZNR UUUUU ZZH"


def test_fl3_without_hash() -> None:
    # Plain ACP 127 writes the serial without "#" (spec 1.6).
    header = header_of("VZCZCXRO5183\nDE RUEHME 0023 0042201\n")
    assert (header.station_serial, header.filed) == (23, "0042201")
    assert "fl3-irregular" in codes("VZCZCXRO5183\nDE RUEHME ABC\n")


@pytest.mark.parametrize("where", ["serial", "section"])
def test_thousands_of_digits_are_a_defect_not_a_crash(where: str) -> None:
    digits = "9" * 5000
    line = f"DE RUEHME #{digits} 0042201" if where == "serial" else f"DE RUEHME #0023/{digits} 0042201"
    text = f"VZCZCXRO5183\nRR RUEHC\n{line}\n\nUNCLAS MEXICO 000023\n"
    cable = cableparse.parse(text)
    assert cable.header is not None and cable.header.station == "RUEHME"
    assert "fl3-number-too-long" in [d.code for d in cable.defects]
    with pytest.raises(cableparse.CableParseError):
        cableparse.parse(text, strict=True)


@pytest.mark.parametrize(
    ("line", "letters", "irregular"),
    [
        ("R 042201Z JAN 08", ("R",), False),
        ("O P 042201Z JAN 08", ("O", "P"), False),
        ("RR 042201Z JAN 08", ("RR",), True),
        ("r 042201Z JAN 08", ("r",), True),
        ("O O P R Z 042201Z JAN 08", ("O", "O", "P", "R", "Z"), False),
        ("X 042201Z JAN 08", ("X",), True),
    ],
)
def test_fl5_date_read_whatever_the_precedence_letters(line: str, letters: tuple[str, ...], irregular: bool) -> None:
    cable = cableparse.parse(line + "\nFM AMEMBASSY MEXICO\nTO SECSTATE WASHDC\n\nUNCLAS MEXICO 000023\n", format="text")
    assert cable.header is not None and cable.header.precedences == letters
    assert cable.header.dtg is not None and (cable.header.dtg.day, cable.header.dtg.hour) == (4, 22)
    assert ("fl5-irregular-precedence" in [d.code for d in cable.defects]) == irregular


def test_fl5_with_a_long_run_of_spaces_keeps_its_signals() -> None:
    # Issue 13: the old FL5 regex was quadratic here (40k spaces took 8 s); see
    # benchmarks/header_fields.py for the times.
    header = header_of("R 042201Z JAN 08 ZDK" + " " * 20_000 + "CTG RUEHDO #3763\nFM AMEMBASSY X\n")
    assert header.operating_signals == ("ZDK", "CTG", "RUEHDO", "#3763")
    assert header.dtg_text == "042201Z JAN 08"


def test_address_with_a_long_run_of_spaces() -> None:
    # The old _TAIL regex (precedence, serial) was quadratic on runs of spaces.
    header = header_of("R 042201Z JAN 08\nFM AMEMBASSY X\nTO RUEHC/SECSTATE WASHDC" + " " * 20_000 + "PRIORITY  0049\n")
    assert header.to == (Recipient(routing_indicator="RUEHC", address="SECSTATE WASHDC", precedence="PRIORITY", serial="0049"),)


def test_dtg_helpers() -> None:
    assert dtg_of("042201Z JAN 08") is not None
    assert dtg_of("311299Z FEB 08") is None
    values, defects = parse_dtg("O 042201Z JAN 08 ZDK (CCY ADC1AECC MSI3311-632)", 5, 1)
    assert values["operating_signals"] == ("ZDK", "(CCY ADC1AECC MSI3311-632)")
    assert defects == []
    assert parse_dtg("no date here", 1, 1)[1][0][0] == "dtg-unreadable"


# --- the combined field parse without Lark (header._fields_of_tokens) ------------------------------


def _fields_by_lark(text: str, fast: bool) -> object:
    from lark.exceptions import UnexpectedInput

    from cableparse.header import FieldTransformer

    parser = _FIELD_PARSERS.get(fast) or _FIELD_PARSERS.setdefault(
        fast, build_parser("header_fields", FieldTransformer(), start=list(FIELD_STARTS), fast=fast)
    )
    try:
        return parser.parse(text, start="fields")
    except UnexpectedInput:
        return None


_FIELD_PARSERS: dict[bool, object] = {}


def _assert_fields_as_lark(text: str) -> None:
    from cableparse.header import _fields_of_tokens

    found = _fields_of_tokens(text)
    assert found == _fields_by_lark(text, fast=False), text
    assert found == _fields_by_lark(text, fast=True), text


def _combined_field_texts(sources: list[tuple[bytes | str, str]]) -> list[str]:
    """The combined field texts (every part after its mark) that parsing ``sources`` reads."""
    from cableparse import header as header_module
    from cableparse._cache import clear_caches

    seen: list[str] = []
    original = header_module._fields_of_tokens

    def spy(text: str) -> object:
        seen.append(text)
        return original(text)

    clear_caches()  # a header parsed before would not reach the spy
    header_module._fields_of_tokens = spy  # type: ignore[assignment]
    try:
        for data, fmt in sources:
            cableparse.parse(data, format=fmt)  # type: ignore[arg-type]
    finally:
        header_module._fields_of_tokens = original  # type: ignore[assignment]
    return seen


def _corpus_and_fixture_sources() -> list[tuple[bytes, str]]:
    """Every corpus file and fixture in a format the parser reads, with that format."""
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    paths = [*sorted(CORPUS.iterdir()), *sorted(fixtures.iterdir())]
    return [(path.read_bytes(), FORMATS[path.suffix]) for path in paths if path.suffix in FORMATS]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_combined_fields_without_lark_are_larks_on_every_corpus_and_fixture_header() -> None:
    sources = _corpus_and_fixture_sources()
    texts = _combined_field_texts(sources)
    assert len(texts) > 50 and any("\x1eT" in t for t in texts) and any("\x1eI" in t for t in texts)
    for text in texts:
        _assert_fields_as_lark(text)


_FIELD_LINES = {
    "\x1e2": ["RR RUEHC RUEHAM\n", "RUEHBO RUEHCV\n", "OO RUEHWEB\n", "PP\n", "RR RUEH1\n"],
    "\x1e3": ["DE RUEHME #0023/01 0042201\n", "DE RUEHME 0023 0042201\n", "DE RUEHME ABC\n", "DE RUEHME #0023/ 0042201 X\n", "DE RUEHME\n"],
    "\x1e4": ["ZNR UUUUU ZZH\n", "ZNY CCCCC\n"],
    "\x1e5": ["R 042201Z JAN 08\n", "O P 042201Z JAN 08 ZDK (CCY ADC1AECC)\n", "291359Z Nov 00\n", "RR 311299Z FEB 08\n", "X 042201Z JAN 08 ZDK\n"],
}
_ADDRESS_LINES = [
    "TO RUEHC/SECSTATE WASHDC IMMEDIATE 0049\n", "INFO RUEHFR/AMEMBASSY PARIS 4567 RUEHLO/AMEMBASSY LONDON 1234\n",
    "RUEHBO/AMEMBASSY BOGOTA PRIORITY\n", "AMEMBASSY PANAMA\n", "RUEAIIA/CIA WASHINGTON DC//\n", "DIA WASHINGTON DC//DHI-1B/CLM//DP//\n",
    "XMT AMCONSUL JUBA\n", "XMT\n", "XMT/AMEMBASSY SOFIA\n", "Info: RUEHC/SECSTATE WASHDC\n", "ALL US CONSULATES IN\n", "MEXICO COLLECTIVE\n",
    "COLLECTIVE\n", "//J-3/J-5//\n", "IMMEDIATE 0050\n", "0051\n", "RUEHFR/AMEMBASSY\n", "  PARIS 4567\n", "PAGE 02        STATE   037566  161435Z\n",
    "INFO PAGE 02 STATE 037566 161435Z\n", "UNCLASSIFIED\n\nPAGE 03 STATE 037566 161435Z\n", "ZEN/AMEMBASSY PARIS\n", "RUEHC/SECSTATE WASHDC 0049 ZEN/USMISSION GENEVA\n",
    "\n", "HI/CC A/S\n",
]


@st.composite
def _combined_texts(draw: st.DrawFn) -> str:
    """Marked parts in the grammar's order or not, of lines of each field's shapes."""
    marks = draw(st.lists(st.sampled_from(["\x1e2", "\x1e3", "\x1e4", "\x1e5", "\x1eT", "\x1eI", "\x1eX"]), max_size=5))
    if draw(st.booleans()):
        marks = sorted(set(marks), key="\x1e2\x1e3\x1e4\x1e5\x1eT\x1eI\x1eX".index)
    parts = []
    for mark in marks:
        lines = _FIELD_LINES.get(mark, _ADDRESS_LINES)
        parts.append(mark + "".join(draw(st.lists(st.sampled_from(lines), min_size=1, max_size=4))))
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(_combined_texts())
def test_combined_fields_without_lark_are_larks_on_generated_headers(text: str) -> None:
    _assert_fields_as_lark(text)


@settings(max_examples=40, deadline=None)
@given(cable_texts())
def test_combined_fields_without_lark_are_larks_on_generated_cables(text: str) -> None:
    for combined in _combined_field_texts([(text, "text")]):
        _assert_fields_as_lark(combined)


# --- the header grammar without Lark's parse (header._header_of_tokens) -----------------------------


def _comparable(result: object) -> object:
    """A header parse's result with each part's tokens as their types, text and positions (a
    lark Token compares as its text only)."""
    if result is None:
        return None
    header, pending, lines, parts = result  # type: ignore[misc]
    return header, pending, lines, [
        (part.name, part.values, part.defects, part.line,
         [(t.type, str(t), t.start_pos, t.end_pos, t.line, t.column, t.end_line, t.end_column) for t in part.tokens])
        for part in parts
    ]


def _header_by_lark(text: str, fast: bool) -> object:
    from lark.exceptions import UnexpectedInput

    from cableparse.header import HeaderTransformer

    parser = _HEADER_PARSERS.get(fast) or _HEADER_PARSERS.setdefault(fast, build_parser("header", HeaderTransformer(), fast=fast))
    try:
        return parser.parse(text)  # type: ignore[attr-defined]
    except UnexpectedInput:
        return None


_HEADER_PARSERS: dict[bool, object] = {}


def _assert_header_as_lark(text: str) -> None:
    from cableparse.header import _header_of_tokens

    found = _comparable(_header_of_tokens(text))
    assert found == _comparable(_header_by_lark(text, fast=False)), text
    assert found == _comparable(_header_by_lark(text, fast=True)), text


def _header_texts(sources: list[tuple[bytes | str, str]]) -> list[str]:
    """The header texts the header grammar reads while ``sources`` are parsed."""
    from cableparse import core

    seen: list[str] = []
    original = core._run

    def spy(name: str, text: str, defects: object) -> object:
        if name == "header":
            seen.append(text)
        return original(name, text, defects)  # type: ignore[arg-type]

    core._run = spy  # type: ignore[assignment]
    try:
        for data, fmt in sources:
            cableparse.parse(data, format=fmt)  # type: ignore[arg-type]
    finally:
        core._run = original
    return seen


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_headers_without_lark_are_larks_on_every_corpus_and_fixture_header() -> None:
    sources = _corpus_and_fixture_sources()
    texts = set(_header_texts(sources))
    assert len(texts) > 50 and any("\nINFO " in t for t in texts)
    for text in texts:
        _assert_header_as_lark(text)


@settings(max_examples=60, deadline=None)
@given(st.one_of(cable_texts(), cable_texts().flatmap(mutated_texts)))
def test_headers_without_lark_are_larks_on_generated_and_damaged_cables(text: str) -> None:
    for header in _header_texts([(text, "text")]):
        _assert_header_as_lark(header)


_HEADER_LINES = [
    "This record is a partial extract of the original cable.\n", "291359Z Nov 00\n", "VZCZCXRO5183\n", "RR RUEHC RUEHAM\n",
    "RUEHBO RUEHCV\n", "DE RUEHME #0023/01 0042201\n", "ZNR UUUUU ZZH\n", "R 042201Z JAN 08\n", "FM AMEMBASSY MEXICO\n",
    "TO RUEHC/SECSTATE WASHDC IMMEDIATE 0049\n", "INFO RUEHFR/AMEMBASSY PARIS 4567\n", "XMT AMCONSUL JUBA\n", "XMT\n",
    "RUEHBO/AMEMBASSY BOGOTA\n", "INFO  LOG-00   NP-00\n", "BT\n", "\n", "  \n", "Some printout line\n", "To: SECSTATE WASHDC\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_HEADER_LINES), min_size=1, max_size=10))
def test_headers_without_lark_are_larks_on_generated_line_orders(lines: list[str]) -> None:
    _assert_header_as_lark("".join(lines))
