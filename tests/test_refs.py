"""REF blocks (spec 2.7) and canonical ids (spec 5): what a user querying citations sees.

Real cables of ../shared/corpus where one shows the shape (skipped where the corpus is absent),
else the shape as the spec or issue 12 writes it.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lark import logger as lark_logger
from lark.exceptions import LarkError

import cableparse
from cableparse import normalize
from cableparse.fields import refs as refs_module
from cableparse.fields import strip_refs_label
from cableparse.grammar import build_parser

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not available here")
FORMATS = {"csv-row": "csv", "html": "html", "txt": "auto"}


def _corpus(name: str) -> cableparse.Cable:
    path = CORPUS / name
    return cableparse.parse(path.read_bytes(), format=FORMATS[path.suffix.lstrip(".")])


def _refs(cable: cableparse.Cable) -> list[tuple[str | None, str, str | None]]:
    assert cable.body is not None
    return [(r.bullet, r.kind, r.cable_id) for r in cable.body.refs]


def _ids(cable: cableparse.Cable) -> list[str | None]:
    assert cable.body is not None
    return [r.cable_id for r in cable.body.refs if r.kind == "cable"]


def _text(block: str, reference_id: str = "09STATE37566") -> list[tuple[str | None, str, str | None]]:
    """The REF entries of a fragment holding ``block``, cited from 2009 unless told."""
    return _refs(cableparse.parse(block, reference_id=reference_id))


# --- the grammar ----------------------------------------------------------------------------


def test_grammar_is_lalr_without_conflicts(caplog: pytest.LogCaptureFixture) -> None:
    lark_logger.propagate = True
    with caplog.at_level(logging.DEBUG, logger="lark"):
        parser = build_parser("refs", debug=True, fast=False)
    assert (parser.options.parser, parser.options.lexer) == ("lalr", "contextual")
    assert [r.getMessage() for r in caplog.records if "conflict" in r.getMessage().lower()] == []


def test_parser_is_built_once_per_process() -> None:
    assert refs_module._parser() is refs_module._parser()


# --- bullets --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "block",
    [
        "REF: A. STATE 1234 B. PARIS 567",
        "REF: A) STATE 1234 B) PARIS 567",
        "REF: (A) STATE 1234 (B) PARIS 567",
        "REF: [A] STATE 1234 [B] PARIS 567",
        "REF: A: STATE 1234 B: PARIS 567",
        "REF: A.) STATE 1234 B.) PARIS 567",
        "REF: a) STATE 1234 b) PARIS 567",
        "REF: ¶A. STATE 1234 ¶B. PARIS 567",
        "REF: A. STATE 1234\n     B. PARIS 567",
    ],
)
def test_bullet_styles(block: str) -> None:
    assert _text(block) == [("A", "cable", "09STATE1234"), ("B", "cable", "09PARIS567")]


@pytest.mark.parametrize("block", ["REF: 1. STATE 1234 2. PARIS 567", "REF: 1) STATE 1234 2) PARIS 567",
                                   "REF: (1) STATE 1234 (2) PARIS 567"])
def test_numbered_bullets(block: str) -> None:
    assert _text(block) == [("1", "cable", "09STATE1234"), ("2", "cable", "09PARIS567")]


@needs_corpus
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Doubled bullets: "A. A)", "A. (A)", "A. A." count once.
        ("04ADANA126.csv-row", [("A", "cable", "04ANKARA3236"), ("B", "cable", "04ADANA119")]),
        ("02RANGOON1304.csv-row", [("A", "cable", "02RANGOON941"), ("B", "cable", "02RANGOON1070")]),
        ("05BRASILIA532.html", [("A", "cable", "05BRASILIA369"), ("B", "cable", "05BRASILIA437"),
                                ("C", "cable", "05BRASILIA464")]),
        # A bullet glued to the origin, and an origin whose serial is on the next line.
        ("07STATE152317.html", [("A", "cable", "07STATE71143"), ("B", "cable", "07STATE73601"),
                                ("C", "cable", "07STATE72896"), ("D", "cable", "07BEIJING5361"),
                                ("E", "cable", "07STATE148514")]),
        # Glued to a year: "A)04 Dar es Salaam 2602".
        ("05DARESSALAAM57.csv-row", [("A", "cable", "04DARESSALAAM2602"), ("B", "cable", "04DARESSALAAM2600"),
                                     ("C", "cable", "04DARESSALAAM2341"), ("D", "cable", "04DARESSALAAM1935")]),
        # "A. REF: TEGUCIGALPA 1724": a label inside the entry is dropped.
        ("04TEGUCIGALPA234.csv-row", [("A", "cable", "04TEGUCIGALPA1724"), ("B", "cable", "04TEGUCIGALPA2846")]),
        ("04BOGOTA1067.csv-row", [("1", "cable", "04BOGOTA3026"), ("2", "cable", "04BOGOTA5259"),
                                  ("3", "cable", "04BOGOTA8486")]),
        ("02TEGUCIGALPA3479.csv-row", [("A", "cable", "01TEGUCIGALPA2872")]),
    ],
)
def test_bullets_of_real_cables(name: str, expected: list[tuple[str | None, str, str | None]]) -> None:
    assert _refs(_corpus(name)) == expected


def test_written_out_and_bare_letter_bullets() -> None:
    # issue 12: "REF A STATE 122214" once gave the id 09REFASTATE122214.
    assert _text("REF A STATE 122214") == [("A", "cable", "09STATE122214")]
    assert _text("REF: A. REF A STATE 122214") == [("A", "cable", "09STATE122214")]
    assert _text("REF A WELLINGTON 721 B WELLINGTON 690") == [
        ("A", "cable", "09WELLINGTON721"), ("B", "cable", "09WELLINGTON690"),
    ]


def test_mixed_case_written_out_label_before_a_bullet() -> None:
    # 06REYKJAVIK120 (fixtures/): "Ref A: Reykjavik 107" and "Ref B: Reykjavik 108" on two lines
    # were two lines of text and no REF at all.
    text = "UNCLAS REYKJAVIK 000120\n\nSUBJECT: X\n\nRef A: Reykjavik 107\nRef B: Reykjavik 108\n\n1. Text.\n"
    cable = cableparse.parse(text, format="text", reference_id="06REYKJAVIK120")
    assert _refs(cable) == [("A", "cable", "06REYKJAVIK107"), ("B", "cable", "06REYKJAVIK108")]
    # Mixed-case "Ref" followed by a word is no label: the line is text.
    cable = cableparse.parse("UNCLAS REYKJAVIK 000120\n\n1. The talks went on.\nRef Smith said no.\n", format="text")
    assert cable.body is not None and cable.body.refs == ()
    assert [p.number for p in cable.body.paragraphs] == [1]


def test_a_letter_out_of_sequence_is_text() -> None:
    # Only A (or 1) starts a sequence: "E." of an e-mail address is no bullet.
    assert _text("REF: EMAIL E.BESTIC-J.BERNTSEN 4/9/04") == [(None, "email", None)]
    # A skipped letter is no bullet, but the cable it stands before is still cited.
    assert _text("REF: A. STATE 1234 C. PARIS 567") == [("A", "cable", "09STATE1234"), ("A", "cable", "09PARIS567")]


# --- serial lists, origins, years ------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("REF: STATE 123, 456", [(None, "cable", "09STATE123"), (None, "cable", "09STATE456")]),
        ("REF: STATE 123 AND STATE 456", [(None, "cable", "09STATE123"), (None, "cable", "09STATE456")]),
        ("REF: A. BRASILIA 2799 AND 2764 B. PORT AU PRINCE 2325",
         [("A", "cable", "09BRASILIA2799"), ("A", "cable", "09BRASILIA2764"), ("B", "cable", "09PORTAUPRINCE2325")]),
        # Not a list: a numbered bullet, and the year of the next citation.
        ("REF: 1) BOGOTA 3026, 2) BOGOTA 5259", [("1", "cable", "09BOGOTA3026"), ("2", "cable", "09BOGOTA5259")]),
        ("REF: STATE 123, 07 PARIS 55", [(None, "cable", "09STATE123"), (None, "cable", "07PARIS55")]),
    ],
)
def test_serial_lists_give_one_reference_per_cable(block: str, expected: list[tuple[str | None, str, str | None]]) -> None:
    assert _text(block) == expected


@needs_corpus
def test_serial_lists_of_real_cables() -> None:
    for name in ("04BRASILIA2863.csv-row", "04BRASILIA2863.html"):
        assert _refs(_corpus(name)) == [
            ("A", "cable", "04BRASILIA2799"), ("A", "cable", "04BRASILIA2764"), ("B", "cable", "04PORTAUPRINCE2325"),
        ]
    assert _ids(_corpus("06TRIPOLI198.html")) == ["06TRIPOLI33", "06TRIPOLI53"]


@pytest.mark.parametrize(
    ("block", "cable_id"),
    [
        ("REF: SECSTATE 74879", "09STATE74879"),
        ("REF: STATE: 73097", "09STATE73097"),
        ("REF: 07 BRASILIA 1868", "07BRASILIA1868"),
        ("REF: (2007) MANAGUA 2135", "07MANAGUA2135"),
        ("REF: 2007 MANAGUA 2135", "07MANAGUA2135"),
        ("REF: '07 BUENOS AIRES 1491", "07BUENOSAIRES1491"),
        ("REF: STATE 1234 (07)", "07STATE1234"),
        ("REF: STATE 1234 (2007)", "07STATE1234"),
        ("REF: 09DHAKA1041", "09DHAKA1041"),
        ("REF: 2005PANAMA2342", "05PANAMA2342"),
        ("REF: 10-OTTAWA-57", "10OTTAWA57"),
        ("REF: 094 QUITO 841", "94QUITO841"),
        ("REF: RIO DE JAN 138", "09RIODEJANEIRO138"),
        ("REF: EMBASSY VIENNA 1450", "09VIENNA1450"),
        ("REF: LONDON 002351", "09LONDON2351"),
        ("REF: N'DJAMENA 511", "09NDJAMENA511"),
        ("REF: Dar es Salaam 2602", "09DARESSALAAM2602"),
        ("REF: SEE STATE 1234", "09STATE1234"),
    ],
)
def test_origins_and_years(block: str, cable_id: str) -> None:
    assert [ref[2] for ref in _text(block)] == [cable_id]


def test_the_citing_year_fills_a_missing_year() -> None:
    assert _text("REF: STATE 145633", reference_id="08MEXICO23") == [(None, "cable", "08STATE145633")]
    # No citing cable: a cable reference without an id.
    assert _refs(cableparse.parse("REF: STATE 145633")) == [(None, "cable", None)]


@needs_corpus
@pytest.mark.parametrize(
    ("name", "ids"),
    [
        ("03OTTAWA494.csv-row", ["03STATE45598"]),  # SECSTATE
        ("03GUATEMALA1084.csv-row", ["02GUATEMALA2605"]),  # "02 GUATEMALA 2605"
        ("04CARACAS708.csv-row", ["03CARACAS4142"]),  # "2003 CARACAS 4142"
        ("02HOCHIMINHCITY400.csv-row", ["99HANOI3601", "99HANOI1755"]),  # "HANOI 3601 (1999)"
        ("09STATE29290.html", ["06STATE49307"]),  # "STATE 049307 (2006)"
        # 03MONTREAL910 is itself serial 910: "Montreal 1093 02" can only be from 2002.
        ("03MONTREAL910.csv-row", ["02MONTREAL1093", "02MONTREAL1656"]),
        # A STATE serial 156430 is August, so not in January 2003: "AUG 02" is its date.
        ("03TEGUCIGALPA99.csv-row", ["02STATE156430"]),
        ("04TAIPEI3523.csv-row", ["03AITTAIPEI219", "04AITTAIPEI84", "04BEIJING17510"]),
        ("05NEWDELHI301.html", ["04CHENNAI575"]),  # "REF...04 CHENNAI 575"
    ],
)
def test_years_and_origins_of_real_cables(name: str, ids: list[str]) -> None:
    assert _ids(_corpus(name)) == ids


# --- non-cable entries ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "kind"),
    [
        ("REF: LEE-GOLDSTEIN EMAIL 05/11/07", "email"),
        ("REF: WILKINS/CARTER TELCON 10/17/2005", "telcon"),
        ("REF: DEPARTMENT MEMO OF MAY 12", "memo"),
        ("REF: AMBASSADOR'S LETTER OF 12 MAY 2009", "letter"),
        ("REF: 7 FAM 180", "fam"),
        ("REF: OSC EUP20080707950031", "report"),
        ("REF: SECDEF MSG DTG 301601Z SEP 08", "other"),
        ("REF: 301601Z SEP 08", "other"),
        ("REF: UNSCR 1737", "other"),
        ("REF: UNSC RESOLUTION 1737", "other"),
        ("REF: PARIS POINTS JULY 15", "other"),
    ],
)
def test_non_cable_entries_have_a_kind_and_no_id(block: str, kind: str) -> None:
    assert _text(block) == [(None, kind, None)]


def test_a_non_cable_entry_ends_at_the_next_bullet() -> None:
    assert _text("REF: A. E-MAIL FROM POL 3/4 ABOUT STATE PLANS B. STATE 1234 C. 12 FAM 123") == [
        ("A", "email", None), ("B", "cable", "09STATE1234"), ("C", "fam", None),
    ]


@needs_corpus
def test_non_cable_entries_of_real_cables() -> None:
    assert _refs(_corpus("02TEGUCIGALPA3076.csv-row")) == [
        ("A", "email", None), ("B", "cable", "02STATE205386"), ("C", "report", None),  # TD-314/39339-02
        ("D", "email", None), ("E", "cable", "02TEGUCIGALPA618"),
    ]
    assert _refs(_corpus("04TEGUCIGALPA654.csv-row")) == [("A", "telcon", None), ("B", "email", None)]
    madrid = _refs(_corpus("09MADRID612.html"))
    assert madrid[0] == ("A", "email", None) and madrid[2] == ("C", "report", None)
    # TEHRAN'S A-077 is an airgram, and the colon starts the next entry.
    assert _refs(_corpus("72TEHRAN4789.csv-row")) == [(None, "other", None), (None, "cable", "72TEHRAN3312")]


def test_no_entry() -> None:
    for block in ("REF: NONE", "REF: N/A", "REF: None.", "REF: \\"):
        assert _text(block) == []


# --- layouts --------------------------------------------------------------------------------


def test_entries_over_several_lines_without_bullets() -> None:
    assert _text("REF: STATE 1234\nPARIS 567\n08 ROME 89") == [
        (None, "cable", "09STATE1234"), (None, "cable", "09PARIS567"), (None, "cable", "08ROME89"),
    ]


@needs_corpus
def test_layouts_of_real_cables() -> None:
    # Reflowed onto one line by the HTML page; the csv row has one entry a line, with a blank
    # line after the first that once ended the block.
    for name in ("04BRASILIA776.html", "04BRASILIA776.csv-row"):
        assert _ids(_corpus(name)) == ["04BRASILIA564", "04BRASILIA572", "04BRASILIA458"]
    # Blank lines between all entries, and the label alone on its line.
    assert _refs(_corpus("08LONDON1163.html")) == [("A", "cable", "08STATE33385"), ("B", "email", None),
                                                   ("C", "email", None)]
    # Semicolons and line ends between entries without bullets.
    assert _ids(_corpus("10CAIRO147.html")) == ["10CAIRO47", "09CAIRO2164", "09CAIRO2064", "09CAIRO451", "07CAIRO3214"]
    assert _ids(_corpus("72TEHRAN1164.csv-row")) == ["72TEHRAN1091", "72TEHRAN263", "72MOSCOW1603"]
    # Classified By run onto the REF line ("CAIRO 1725Classified By: ...").
    assert _ids(_corpus("09CAIRO1727.html")) == ["09CAIRO1725"]


def test_a_cable_id_never_holds_a_label_or_bullet_or_section_word() -> None:
    for block in ("REF A STATE 122214", "REF: A. REF: STATE 122214", "REF: SECTION 2 STATE 122214",
                  "REF: PARA 3 OF STATE 122214", "REF: (A) REF A STATE 122214"):
        ids = [ref[2] for ref in _text(block) if ref[2]]
        assert ids == ["09STATE122214"], block


@given(st.text(alphabet="AB().:;,- \n0123456789STATEPARISREFandE-MAIL'¶", max_size=80))
def test_any_block_gives_references_and_ids_of_id_shape(block: str) -> None:
    for ref in refs_module.read_refs(block, year=9):
        assert ref.kind in ("cable", "email", "telcon", "memo", "letter", "fam", "report", "other")
        if ref.cable_id is not None:
            assert normalize.is_cable_id(ref.cable_id)
            assert "REF" not in ref.cable_id


def test_the_label() -> None:
    assert strip_refs_label("REF: STATE 1") == "STATE 1"
    assert strip_refs_label("REF: REF: STATE 1") == "STATE 1"
    assert strip_refs_label("Ref(s): STATE 1") == "STATE 1"
    assert strip_refs_label("REFTELS: A. STATE 1") == "A. STATE 1"
    assert strip_refs_label("REF...04 CHENNAI 575") == "04 CHENNAI 575"


# --- the fast path agrees with the grammar ---------------------------------------------------


def _blocks() -> list[str]:
    blocks = ["STATE 145633", "A. BRASILIA 2193 \n     B. BRASILIA 2157", "(99) ROME 2196", "07 PARIS 123\n\n08 ROME 5",
              "A. 07 PARIS 12", "(10) STATE 1", "1. STATE 1\n2. PARIS 2", "A. STATE 1 B. PARIS 2", "STATE 1 (07)",
              "BEIJING \n5361", "A. 301601Z SEP 08"]
    if CORPUS.is_dir():
        for path in sorted(CORPUS.iterdir()):
            if path.suffix.lstrip(".") not in FORMATS:
                continue
            cable = _corpus(path.name)
            blocks.extend(ref.text for ref in (cable.body.refs if cable.body else ()))
    return blocks


def test_plain_lines_give_the_grammars_items() -> None:
    plain = 0
    for block in _blocks():
        items = refs_module._plain_items(block)
        if items is not None:
            plain += 1
            assert items == refs_module._parser().parse(block), block
    assert plain >= 5


def _ref_blocks() -> list[str]:
    """Whole REF texts (label removed) of the corpus's cables, as the body assembly hands them
    to ``read_refs``, and the hand-made blocks above."""
    from cableparse.containers import extract
    from cableparse.core import parse_body
    from cableparse.errors import Defects

    blocks = _blocks()
    if CORPUS.is_dir():
        for path in sorted(CORPUS.iterdir()):
            if path.suffix.lstrip(".") in FORMATS:
                envelope = extract(path.read_bytes(), FORMATS[path.suffix.lstrip(".")])
                refs_text = parse_body(envelope.body_text, Defects())[1] if envelope.body_text else None
                if refs_text:
                    blocks.append(refs_text)
    return blocks


def _tokens_agree(block: str) -> bool:
    """Whether the items built from the grammar's tokens are the items of Lark's parse with the
    transformer (and the runner gives no tokens where Lark fails); whether it had tokens."""
    tokens = refs_module._runner().tokens(block)
    try:
        parsed = refs_module._parser().parse(block)
    except LarkError:
        assert tokens is None, block
        return False
    assert tokens is not None, block
    assert refs_module._items_of(tokens) == parsed, block
    return True


def test_items_from_the_grammars_tokens_are_lark_s_on_every_corpus_ref_block() -> None:
    blocks = _ref_blocks()
    assert sum(_tokens_agree(block) for block in blocks) >= 5


@given(st.text(alphabet="AB().:;,- \n0123456789STATEPARISREFandE-MAIL'¶(07)NOV", max_size=80))
def test_items_from_the_grammars_tokens_are_lark_s_on_generated_blocks(block: str) -> None:
    _tokens_agree(block)


def _plain_agrees(block: str) -> bool:
    """Whether the references of a block of plain lines, read line by line, are those of the
    general walk over bullets and parts (for a citing year and without one); whether the
    line-by-line reading took the block."""
    items = refs_module._plain_items(block)
    if items is None:
        return False
    taken = False
    for year in (None, 9):
        plain = refs_module._plain_references(block, list(items), year)
        if plain is not None:
            taken = True
            assert plain == refs_module._references(block, list(items), year), block
    return taken


def test_plain_blocks_read_line_by_line_give_the_general_walk_s_references() -> None:
    blocks = _ref_blocks()
    assert sum(_plain_agrees(block) for block in blocks) >= 5


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "A. ", "B. ", "C) ", "(A) ", "1. ", "2. ", "A ", "¶B. "]),
            st.sampled_from(["", "07 ", "(07) "]),
            st.sampled_from(["STATE ", "BRASILIA ", "SECSTATE ", "YOUR ", "CA-", "10-OTTAWA-", "RIO DE JANEIRO "]),
            st.sampled_from(["145633", "2799", "0057", "1"]),
            st.sampled_from(["", " ", ".", " AND"]),
        ),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["\n", "\n\n", " \n"]),
)
def test_plain_blocks_read_line_by_line_on_generated_blocks(lines: list[tuple[str, str, str, str, str]], between: str) -> None:
    _plain_agrees(between.join("".join(parts) for parts in lines) + "\n")


# --- canonical ids --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "canonical"),
    [
        ("07SETION02OF02BAKU1501", "07BAKU1501"),
        ("09SECTION01OF03SANJOSE525", "09SANJOSE525"),
        ("08ECTION01OF02MANAMA492", "08MANAMA492"),
        ("08SECTIO01OF02MANAMA492", "08MANAMA492"),
        ("08SECTON1OF2MANAMA492", "08MANAMA492"),
        ("08SECTION01GF02BISHIEK21", "08BISHKEK1021"),
        ("06EFTOBAKU1165", "06BAKU1165"),
        ("09AMEMBASSYHANOI1284", "09HANOI1284"),
        ("06MADRID002583ZFR2585", "06MADRID2583"),
        ("08SECSTATE145633", "08STATE145633"),
        ("08 MEXICO 023", "08MEXICO23"),
        # issue 12: a REF label and bullet glued to the origin are no part of an id.
        ("09REFASTATE122214", "09STATE122214"),
        ("09REFBPARIS12", "09PARIS12"),
        # ... but only where a known station is left: other REF... stays as it is.
        ("09REFXYZ12", "09REFXYZ12"),
        # issue 12 (malformed ids as other parsers test them): an id copied out of prose or a
        # table, with quotes or a full stop around it, a four-digit year or separators.
        ('"09STATE12345".', "09STATE12345"),
        ("(09STATE12345)", "09STATE12345"),
        ("2009STATE12345", "09STATE12345"),
        ("09-STATE-12345", "09STATE12345"),
        ("2009-STATE-12345", "09STATE12345"),
        # A PlusD id keeps its own form.
        ("1974ATHENS03099_b", "1974ATHENS03099_B"),
        ("09_STATE_012345", "09STATE12345"),
        ("09 state 12345 ", "09STATE12345"),
        # The classification word leaks whole as well as cut (09SIFIEDABUJA1673), and before a
        # section part.
        ("09CONFIDENTIALABUJA1673", "09ABUJA1673"),
        ("09SECRETSECTION01OF02ABUJA1673", "09ABUJA1673"),
        # What is no id is left alone: a one-digit year is not guessed.
        ("9STATE12345", "9STATE12345"),
        ("(NONE)", "(NONE)"),
    ],
)
def test_canonical_ids(published: str, canonical: str) -> None:
    assert cableparse.canonical_id(published) == canonical


@given(st.one_of(st.text(alphabet="0123456789SECTIONOFGZFRDKTOUNCLASIFEMBYRMX ", max_size=40), st.text(max_size=30)))
def test_ids_that_no_noise_rule_matches_skip_the_rules_unchanged(value: str) -> None:
    # canonical_id runs the id-noise rules only where their union matches.
    value = "".join(value.split()).upper()
    if normalize._any_id_noise().search(value) is None:
        for pattern, replacement in normalize._id_noise():
            assert pattern.sub(replacement, value) == value


@given(
    st.one_of(
        st.text(alphabet="0123456789SECTIONOFGZFRDKTOUNCLASIFEMBYRMXW", max_size=40),
        st.text(alphabet="0123456789STATEOFZFR-_./\"'()abc ", max_size=30),
        st.text(max_size=30),
    )
)
def test_noise_is_found_in_ids_of_capitals_and_digits_as_the_union_search_finds_it(value: str) -> None:
    # An id of capitals and digits is tried only against the rules that can match one.
    assert normalize._has_id_noise(value) == (normalize._any_id_noise().search(value) is not None)


@pytest.mark.parametrize(
    "value",
    ["2009STATE12345", "09SECTION01OF03SANJOSE525", "06EFTOBAKU1165", "06MADRID002583ZFR2585", "09STATE1TOSEC5", "0000", "08STATE145633",
     "09state1", "09abc", "08STATE145633x"],
)
def test_noise_in_ids_of_capitals_and_digits(value: str) -> None:
    assert normalize._has_id_noise(value) == (normalize._any_id_noise().search(value) is not None)


@given(st.text(max_size=60))
def test_canonical_id_never_raises(value: str) -> None:
    assert isinstance(cableparse.canonical_id(value), str)


def test_canonical_id_cache_keeps_no_long_ids() -> None:
    info = normalize.canonical_id.cache_info  # type: ignore[attr-defined]
    before = info().currsize
    for index in range(50):
        assert cableparse.canonical_id(f"08STATE{index}" + "X" * 5000) == f"08STATE{index}" + "X" * 5000
    assert info().currsize == before


# --- the same cable as a cables.csv row and as an HTML page ----------------------------------

# Pairs whose REF ids differ because WikiLeaks edited the page, each with its reason.
PAGE_EDITS = {
    "04BOGOTA12829": "the page lost the REF label: 'BOGOTA 12512 Classified By: ...'",
    "05ISTANBUL38": "the page cuts the REF block short: 'B. ANKAR...'",
}


@needs_corpus
def test_csv_row_and_html_page_cite_the_same_cables() -> None:
    names = {path.name for path in CORPUS.iterdir()}
    pairs = sorted(name[: -len(".csv-row")] for name in names
                   if name.endswith(".csv-row") and name.replace(".csv-row", ".html") in names)
    differ = {rid for rid in pairs if _ids(_corpus(f"{rid}.csv-row")) != _ids(_corpus(f"{rid}.html"))}
    assert differ == set(PAGE_EDITS) & set(pairs)


# --- hostile blocks (issue 13): bounded work and output, no timing -------------------------


def test_a_repeated_entry_is_given_once_and_a_huge_block_is_read_in_part() -> None:
    assert _text("REF: STATE 1234; STATE 1234") == [(None, "cable", "09STATE1234")]
    huge = "A. STATE 1\n" * 50_000 + "B. PARIS 2\n"
    refs = refs_module.read_refs(huge, year=9)
    # The block is read up to its first 16 KB: the entry after 550 KB is not, and the
    # thousands of identical lines give at most a couple of distinct references.
    assert {ref.cable_id for ref in refs} == {"09STATE1"}
    assert len(refs) <= 2


def test_a_citation_by_pronoun_gives_no_cable_id() -> None:
    # "REF: YOUR 1234" is the addressee's own message 1234: the citation does not say which
    # station that is, so it is text, not 09YOUR1234 (found by probing the kind of fragments
    # other parsers test on).
    cable = cableparse.parse("REF: A. YOUR 1234 B. STATE 5678", reference_id="09PARIS55")
    assert cable.body is not None
    assert [(ref.kind, ref.cable_id) for ref in cable.body.refs] == [("other", None), ("cable", "09STATE5678")]
