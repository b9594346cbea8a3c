"""Big and repetitive inputs parse to the right structure.

How their time grows is measured by ``benchmarks/hostile.py`` (families ``megabyte-line``,
``header-lines``, ``long-ref-line`` ...), not here: the machine is shared and timed tests fail by
chance. These check what a user would see: nothing lost, nothing raised.
"""

from __future__ import annotations

import cableparse

FRONT = "UNCLAS MEXICO 000023\n\nE.O. 12958: N/A\n"
HEADER = (
    "VZCZCXRO5183\nRR RUEHC\nDE RUEHME #0023 0042201\nZNR UUUUU ZZH\nR 042201Z JAN 08\n"
    "FM AMEMBASSY MEXICO\nTO RUEHC/SECSTATE WASHDC 0049\n"
)


def test_a_megabyte_line_is_kept_whole() -> None:
    cable = cableparse.parse(FRONT + "word " * 200_000 + "\n", format="text")
    assert cable.body is not None
    assert cable.body.text.count("word") == 200_000


def test_many_addressee_lines_are_all_recipients() -> None:
    cable = cableparse.parse(HEADER + "RUEHC/SECSTATE WASHDC\n" * 2_000 + "\n" + FRONT + "Text.\n", format="text")
    assert cable.header is not None
    assert len(cable.header.to) == 2_001


def test_nested_parentheses_in_tags() -> None:
    cable = cableparse.parse(FRONT + "TAGS: PREL " + "(" * 1_000 + "X" + ")" * 1_000 + "\n\nText.\n", format="text")
    assert cable.body is not None
    assert cable.body.tags[0].code == "PREL"


def test_many_ref_entries_on_one_line() -> None:
    entries = " ".join(f"{chr(65 + i)}. STATE {i + 1}" for i in range(26))
    cable = cableparse.parse(FRONT + "REF: " + entries + "\n\nText.\n", format="text", reference_id="08MEXICO23")
    assert cable.body is not None
    assert [ref.cable_id for ref in cable.body.refs] == [f"08STATE{i + 1}" for i in range(26)]


def test_a_long_paragraph_keeps_its_signature() -> None:
    cable = cableparse.parse(FRONT + "\n1. (C) " + "the embassy said so\n" * 5_000 + "\nBASSETT\n", format="text")
    assert cable.body is not None
    assert cable.body.signers == ("BASSETT",)
    assert cable.body.paragraphs[0].text.count("the embassy said so") == 5_000


def test_a_run_of_blanks_in_an_early_line() -> None:
    cable = cableparse.parse(FRONT + "\nSome a" + " " * 5_000 + "b text.\n", format="text")
    assert cable.body is not None
    assert "b text." in cable.body.text


def test_a_hyphenated_ref_entry_is_no_cable() -> None:
    cable = cableparse.parse(FRONT + "REF: " + "-".join("A" * 40) + " X\n\nText.\n", format="text", reference_id="08MEXICO23")
    assert cable.body is not None
    assert all(ref.cable_id is None for ref in cable.body.refs)
