"""A header text parsed before gives its earlier result (a dump repeats its boilerplate
headers), and everything that a fresh parse gives: its defects, every time, and lists that are
the caller's own."""

from __future__ import annotations

import cableparse
from cableparse._cache import clear_caches
from cableparse.grammar import build_parser
from cableparse.header import HeaderTransformer, parse_whole
from cableparse.transform import TRANSFORMERS

_PARTIAL = "This record is a partial extract of the original cable. The full text of the original cable is not available.\n"
_HEADER = "VZCZCXRO5183\nRR RUEHC\nDE RUEHME #0023 0042201\nZNR UUUUU ZZH\nR 042201Z JAN 08\nFM AMEMBASSY MEXICO\nTO RUEHC/SECSTATE WASHDC 0049\n"


def test_a_header_read_again_is_what_the_grammar_reads() -> None:
    fresh = build_parser("header", HeaderTransformer())
    for text in (_PARTIAL, _HEADER, _HEADER.replace("0049", "0050")):
        clear_caches()
        first = parse_whole(text)
        again = parse_whole(text)
        assert first == again == tuple(fresh.parse(text))
        assert TRANSFORMERS["header"] is HeaderTransformer


def test_the_caller_may_change_what_it_was_given() -> None:
    header, pending, lines, parts = parse_whole(_HEADER)
    expected = (header, list(pending), dict(lines), list(parts))
    pending.append(("x", "y", 1, 1))
    lines["dtg"] = 99
    parts.clear()
    assert parse_whole(_HEADER) == expected


def test_a_header_that_needs_recovery_reports_its_defects_on_every_parse() -> None:
    text = "VZCZCXRO5183\nRR RUEHC\nDE RUEHME #0023 0042201\nZNR UUUUU ZZH\nJUNK LINE HERE\nR 042201Z JAN 08\nFM AMEMBASSY MEXICO\n"
    for _ in range(3):
        cable = cableparse.parse(text, format="text")
        assert cable.header is not None and cable.header.sender == "AMEMBASSY MEXICO"
        assert [(d.code, d.line, d.column) for d in cable.defects] == [("header-unexpected-line", 5, 1)]


def test_the_same_partial_extract_header_gives_each_cable_its_own_body() -> None:
    first = cableparse.parse(_PARTIAL + "\nUNCLAS MEXICO 000023\n\nSUBJECT: ONE\n", format="text")
    second = cableparse.parse(_PARTIAL + "\nUNCLAS MEXICO 000023\n\nSUBJECT: TWO\n", format="text")
    assert first.header == second.header and first.header is not None and first.header.kind == "partial"
    assert (first.body and first.body.subject, second.body and second.body.subject) == ("ONE", "TWO")
