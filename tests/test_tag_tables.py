"""The TAGS tables (cableparse/data/tags-*): they load, each code has one kind, and known codes of
real cables come out with the kind a reader expects."""

from __future__ import annotations

import collections
from importlib import resources
from pathlib import Path

import pytest
from _corpus import parsed_corpus

import cableparse

ROOT = Path(__file__).resolve().parents[1]
SPEC_DATA = ROOT.parent / "shared" / "spec" / "data"
AREA_LETTERS = set("ABCEMOPST")


def _lines(name: str) -> list[str]:
    # The tables' format: one entry a line, '#' lines and blank lines are comments.
    text = resources.files("cableparse").joinpath("data", name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _table(kind: str) -> list[str]:
    if kind == "geo":
        return [line.split("\t", 1)[0] for line in _lines("tags-geo.tsv")]
    return [line.strip().upper() for line in _lines(f"tags-{kind}.txt")]


KINDS = ("subject", "program", "organization", "geo")


@pytest.mark.parametrize("kind", KINDS)
def test_each_table_loads_without_duplicates(kind: str) -> None:
    codes = _table(kind)
    assert codes, kind
    duplicates = [code for code, n in collections.Counter(codes).items() if n > 1]
    assert duplicates == []


def test_codes_have_the_shape_of_their_kind() -> None:
    assert all(len(c) == 4 and c.isalpha() and c[0] in AREA_LETTERS for c in _table("subject"))
    assert all(len(c) == 4 and c.isalpha() and c[0] == "K" for c in _table("program"))
    geo = _lines("tags-geo.tsv")
    assert all(len(line.split("\t")[0]) == 2 and line.split("\t")[0].isalpha() for line in geo)
    # Every geographic code names its place.
    assert all(len(line.split("\t")) == 2 and line.split("\t")[1].strip() for line in geo)


def test_no_code_has_two_kinds() -> None:
    owner: dict[str, list[str]] = collections.defaultdict(list)
    for kind in KINDS:
        for code in _table(kind):
            owner[code].append(kind)
    assert {code: kinds for code, kinds in owner.items() if len(kinds) > 1} == {}


@pytest.mark.parametrize("kind", ["subject", "program", "organization"])
def test_the_spec_tables_are_kept(kind: str) -> None:
    spec = SPEC_DATA / f"tags-{kind}.txt"
    if not spec.is_file():
        pytest.skip("../shared/spec/data is not available here")
    ours = set(_table(kind))
    theirs = {line.strip().upper() for line in spec.read_text(encoding="utf-8").splitlines() if line.strip()}
    # AL and BP are Albania (97TIRANA3065) and the Solomon Islands, in the geographic table.
    removed = {"AL", "BP"} if kind == "organization" else set()
    assert theirs - ours == removed
    assert len(ours) > len(theirs) - len(removed)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("PREL", "subject"),
        ("ECIN", "subject"),  # 04MANAMA1899
        ("PINT", "subject"),  # 73TEHRAN8233
        ("KICC", "program"),  # 03TEGUCIGALPA1243
        ("KSEP", "program"),  # 04PARAMARIBO104
        ("OPCW", "organization"),  # 08TRIPOLI574: an organization, not a P-subject
        ("UNCHR", "organization"),  # 03GUATEMALA533
        ("NATO", "organization"),
        ("AL", "geo"),  # 97TIRANA3065: Albania, not an organization
        ("IZ", "geo"),
        ("SR", "geo"),  # 09BELGRADE841
    ],
)
def test_known_codes_get_their_kind(code: str, kind: str) -> None:
    cable = cableparse.parse(f"TAGS: PGOV, {code}\n", format="text")
    assert cable.body is not None
    assert [(t.code, t.kind) for t in cable.body.tags] == [("PGOV", "subject"), (code, kind)]


def test_run_together_tags_split_on_added_codes() -> None:
    # Splitting needs every piece in a table: ECIN and KICC were missing before.
    cable = cableparse.parse("TAGS: PRELKICC, ECINETRD, BR\n", format="text")
    assert cable.body is not None
    assert [t.code for t in cable.body.tags] == ["PREL", "KICC", "ECIN", "ETRD", "BR"]


# Two-letter entries of corpus TAGS lines that are not place codes, with the cable showing each.
NOT_PLACES = {
    "OF": "a word of 'FEE TRADE AGREEMENT OF AMERICA' (03BRASILIA1550)",
    "ZM": "unexplained, next to MZ in a cable on Zimbabwe (04MAPUTO1447)",
}


def test_corpus_two_letter_tags_are_in_the_geo_table() -> None:
    cables = parsed_corpus()
    if not cables:
        pytest.skip("../shared/corpus is not available here")
    geo = set(_table("geo")) | set(_table("organization"))
    seen: dict[str, str] = {}
    for name, cable in cables:
        for tag in cable.body.tags if cable.body else ():
            if len(tag.code) == 2 and tag.code.isalpha():
                seen.setdefault(tag.code, name)
    assert seen, "the corpus has geographic tags"
    assert {code: name for code, name in seen.items() if code not in geo} == {
        code: seen[code] for code in NOT_PLACES if code in seen
    }
