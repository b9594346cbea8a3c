"""Raw text cables: where the header ends and the body begins."""

from __future__ import annotations

from pathlib import Path

import pytest

from cableparse.containers import extract
from cableparse.containers.text import is_classification_line, split_text

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus"

SEED_HEADER = """VZCZCXRO5183
RR RUEHCD RUEHGD RUEHHO RUEHMC RUEHNG RUEHNL RUEHRD RUEHRS RUEHTM
DE RUEHME #0023/01 0042201
ZNR UUUUU ZZH
R 042201Z JAN 08
FM AMEMBASSY MEXICO
TO RUEHC/SECSTATE WASHDC 0049
INFO RUEHXC/ALL US CONSULATES IN MEXICO COLLECTIVE
RUEAWJA/DEPT OF JUSTICE WASHDC
"""
SEED_BODY = """UNCLAS SECTION 01 OF 03 MEXICO 000023

SIPDIS

E.O. 12958: N/A
TAGS: PTER ASEC PGOV MX
SUBJECT: DRAFT COUNTRY TERRORISM REPORT FOR 2007
"""


def check(text: str, header: str | None, body: str | None) -> None:
    split = split_text(text)
    assert (split.header_text, split.body_text) == (header, body)
    lines = text.split("\n")
    if header is not None:
        assert lines[split.header_line - 1] == header.split("\n")[0]
    if body is not None:
        assert lines[split.body_line - 1] == body.split("\n")[0]


def test_acp127_without_blank_line_before_class_line() -> None:
    check(SEED_HEADER + SEED_BODY, SEED_HEADER, SEED_BODY)


def test_leading_blank_line_and_blank_separator() -> None:
    check("\n \n" + SEED_HEADER + "\n" + SEED_BODY, SEED_HEADER + "\n", SEED_BODY)
    split = split_text("\n \n" + SEED_HEADER + "\n" + SEED_BODY)
    assert split.header_line == 3 and split.body_line == 3 + SEED_HEADER.count("\n") + 1


@pytest.mark.parametrize(
    "body_first",
    [
        "CONFIDENTIAL SECTION 01 OF 03 NEW DELHI 005138 ",
        "C O N F I D E N T I A L SECTION 01 OF 02 STATE 000284",
        "SECRET UNVIE VIENNA 000289 ",
        "LIMITED OFFICIAL USE LIMA 001234",
        "UNCLAS",
        "S E C R E T TEHRAN 8233",
        "E.O. 12958: N/A",
        "TAGS: PREL",
    ],
)
def test_header_ends_at_class_or_front_matter_line(body_first: str) -> None:
    header = "P 271108Z APR 89\nFM AMEMBASSY LAGOS\nTO SECSTATE WASHDC PRIORITY 0111\nINFO AMCONSUL KADUNA\n"
    body = body_first + "\n\n1. TEXT.\n"
    check(header + body, header, body)


def test_addressee_that_is_not_a_class_line() -> None:
    header = "O 011200Z JAN 75\nFM AMEMBASSY X\nTO SECSTATE WASHDC\nINFO SECRET SERVICE WASHDC\nCONFIDENTIAL\n"
    # "SECRET SERVICE WASHDC" is an address; the bare "CONFIDENTIAL" ends the header.
    split = split_text(header + "1. TEXT.\n")
    assert split.header_text == "O 011200Z JAN 75\nFM AMEMBASSY X\nTO SECSTATE WASHDC\nINFO SECRET SERVICE WASHDC\n"
    assert is_classification_line("CONFIDENTIAL SECTION 01 OF 03 NEW DELHI 005138")
    assert is_classification_line("UNCLAS E F T O STATE 012345")
    assert not is_classification_line("SECRET SERVICE WASHDC")
    assert not is_classification_line("SECRETARY OF STATE")


def test_partial_extract() -> None:
    sentence = ("This record is a partial extract of the original cable. The full text of the original "
                "cable is not available.")
    check(sentence + "\n\nC O N F I D E N T I A L BRASILIA 002231\n", sentence + "\n\n",
          "C O N F I D E N T I A L BRASILIA 002231\n")
    check(sentence + "\n\n291359Z Nov 00\n\nUNCLAS HARARE 006677\n", sentence + "\n\n291359Z Nov 00\n\n",
          "UNCLAS HARARE 006677\n")
    check(sentence + "\n", sentence + "\n", None)


def test_acp126_and_state_variant() -> None:
    header = "P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES\nTO SECSTATE WASHDC PRIORITY\nINFO USCINCSO\nCINCLANT\n"
    check(header + "\nCONFIDENTIAL BUENOS AIRES 2481\n", header + "\n", "CONFIDENTIAL BUENOS AIRES 2481\n")
    state = "S E C R E T   STATE   00119085\nVZCZCXRO1\nOO RUEHC\nDE RUEHC #9085 1231234\nZNY SSSSS ZZH\nO 031234Z MAY 09\nFM SECSTATE WASHDC\nTO ALL DIPLOMATIC POSTS\n"
    check(state + "S E C R E T STATE 119085\n", state, "S E C R E T STATE 119085\n")
    # 09STATE100153: the class/MRN line, then FL5 at once.
    acp126 = ("UNCLASSIFIED   STATE   00100153 \nO 251814Z SEP 09\nFM SECSTATE WASHDC\n"
              "TO ALL DIPLOMATIC AND CONSULAR POSTS COLLECTIVE IMMEDIATE\nRUEHTRO/AMEMBASSY TRIPOLI IMMEDIATE 9888\n")
    check(acp126 + "UNCLAS SECTION 01 OF 02 STATE 100153 \n \nSENSITIVE \n", acp126,
          "UNCLAS SECTION 01 OF 02 STATE 100153 \n \nSENSITIVE \n")


def test_printout_preamble() -> None:
    printout = (
        "INFO  LOG-00   AF-00    AMAD-00  CIAE-00\n"
        "      PESU-00  SANA-00    /000W\n"
        " \n"
        "R 251550Z AUG 09\n"
        "FM USEU BRUSSELS\n"
        "TO SECSTATE WASHDC\n"
        "US CUSTOMS AND BORDER PROTECTION WASHINGTON DC\n"
    )
    check("\n" + printout + "UNCLAS USEU BRUSSELS 001177 \n \nE.O. 12958: N/A\n", printout,
          "UNCLAS USEU BRUSSELS 001177 \n \nE.O. 12958: N/A\n")


def test_no_header() -> None:
    check("UNCLAS STATE 012345\n\nSUBJECT: X\n\n1. FOLLOWING IS TEXT.\nFM AMEMBASSY PARIS\nTO SECSTATE\n", None,
          "UNCLAS STATE 012345\n\nSUBJECT: X\n\n1. FOLLOWING IS TEXT.\nFM AMEMBASSY PARIS\nTO SECSTATE\n")
    check("\n\nTAGS: PREL, PGOV\n", None, "TAGS: PREL, PGOV\n")
    check("OR RATHER NOT.\nJUST TEXT\n", None, "OR RATHER NOT.\nJUST TEXT\n")
    empty = split_text("\n \n")
    assert (empty.header_text, empty.body_text) == (None, None)


def test_extract_text_normalises_crlf_and_bom() -> None:
    data = ("\ufeff\r\n" + SEED_HEADER + SEED_BODY).replace("\n", "\r\n").encode("utf-8")
    e = extract(data, "text")
    assert e.container == "text"
    assert e.header_text == SEED_HEADER and e.body_text == SEED_BODY
    assert e.header_line == 2 and e.body_line == 2 + SEED_HEADER.count("\n")


def test_extract_text_eight_bit_file_is_read_as_cp1252() -> None:
    # Cablegate text extracted from PDFs is Windows-1252: 0xB6 is the paragraph mark.
    data = (SEED_HEADER + SEED_BODY).encode() + b"\xb61. Para\n"
    e = extract(data, "text")
    line = (SEED_HEADER + SEED_BODY).count("\n") + 1
    assert [(d.code, d.line, d.column) for d in e.defects] == [("decoded-cp1252", line, 1)]
    assert (e.body_text or "").endswith("\u00b61. Para\n")


def test_extract_text_invalid_utf8_defect() -> None:
    # Real UTF-8 elsewhere in the file: the bad byte is replaced, the rest stays UTF-8.
    data = (SEED_HEADER + SEED_BODY).encode() + "caf\u00e9 \u2019\n".encode() + b"\xa71. Para\n"
    e = extract(data, "text")
    line = (SEED_HEADER + SEED_BODY).count("\n") + 2
    assert [(d.code, d.line, d.column) for d in e.defects] == [("invalid-utf8", line, 1)]
    assert (e.body_text or "").endswith("caf\u00e9 \u2019\n\ufffd1. Para\n")


def test_corpus_text_files() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not available here")
    files = sorted(CORPUS.glob("*.txt"))
    assert files
    for path in files:
        data = path.read_bytes()
        e = extract(data, "text")
        lines = data.decode("utf-8", errors="replace").replace("\r\n", "\n").split("\n")
        header, body = e.header_text or "", e.body_text or ""
        assert header and body, path.name
        assert is_classification_line(lines[e.body_line - 1]), (path.name, lines[e.body_line - 1])
        assert not lines[e.header_line - 1 - 1].strip()  # the files start with a blank line
        last = header.rstrip("\n").split("\n")[-1]
        assert "/" in last or "WASHINGTON DC" in last or last.startswith(("TO ", "INFO ")), (path.name, last)
    e = extract((CORPUS / "06NEWDELHI5138.txt").read_bytes(), "text")
    assert (e.header_line, e.body_line) == (2, 32)
    assert (e.header_text or "").endswith("RUEKJCS/JOINT STAFF WASHDC\n")
    assert (e.body_text or "").startswith("CONFIDENTIAL SECTION 01 OF 03 NEW DELHI 005138")


def test_corpus_rows_split_back_to_their_own_fields() -> None:
    """Header + body of every cables.csv row, as one raw text, splits where the row did.

    Covers partial extracts with a DTG, a NARA id line and a distribution printout between
    blank lines (01HOCHIMINHCITY1082), and headers without VZCZC (89LAGOS6503).
    """
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not available here")
    from cableparse.containers import iter_envelopes

    rows = sorted(CORPUS.glob("*.csv-row"))
    assert rows
    for path in rows:
        [e] = list(iter_envelopes(path))
        header = e.header_text or ""
        if header and not header.endswith("\n"):
            header += "\n"
        split = split_text(header + (e.body_text or ""))
        assert (split.header_text, split.body_text) == (header or None, e.body_text), path.name


def test_printout_after_partial_extract() -> None:
    header = ("This record is a partial extract of the original cable. The full text of the original cable "
              "is not available.\n\n200031Z Sep 01\n\n2001HOCHI01082 - UNCLASSIFIED\n \n"
              "                           UNCLASSIFIED     PTO9103\n\nPAGE 01        HO CHI  01082  200051Z \n"
              "ACTION EAP-00   \n\nINFO  LOG-00   NP-00    AMAD-00\n      NFAT-00  SAS-00     /007W\n"
              "                  ------------------21D3FB  200051Z /38    \n"
              "FM AMCONSUL HO CHI MINH CITY\nTO SECSTATE WASHDC PRIORITY 5540\nINFO AMEMBASSY HANOI PRIORITY \n")
    check(header + "UNCLAS HO CHI MINH CITY 001082 \n \nSIPDIS \n", header, "UNCLAS HO CHI MINH CITY 001082 \n \nSIPDIS \n")
    sentence = header.split("\n")[0]
    check(sentence + "\n\n1. TEXT ABOUT IT.\nFM AMEMBASSY X\n", sentence + "\n\n", "1. TEXT ABOUT IT.\nFM AMEMBASSY X\n")
