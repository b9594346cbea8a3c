"""The same cable as a cables.csv row and as a Cablegate HTML page gives the same fields.

Every refid of ../shared/corpus that is there both ways (MANIFEST.tsv says which) is compared
on subject, tags, REF cable ids, DTG and classification line. WikiLeaks edited the pages (tags
made into links, names redacted, text re-flowed); a difference that such an edit explains is
listed in ``EXPLAINED`` with its reason, and only those may differ. Skipped where ../shared is
absent.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import cableparse

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").is_file(), reason="../shared/corpus is not available here")


def _pairs() -> list[str]:
    if not (CORPUS / "MANIFEST.tsv").is_file():
        return []
    formats: dict[str, set[str]] = {}
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8") as manifest:
        for row in csv.DictReader(manifest, delimiter="\t"):
            formats.setdefault(row["reference_id"], set()).add(Path(row["file"]).suffix)
    return sorted(refid for refid, suffixes in formats.items() if {".csv-row", ".html"} <= suffixes)


def _subject(cable: cableparse.Cable) -> Any:
    return " ".join((cable.body.subject or "").split()).upper() if cable.body else None


def _tags(cable: cableparse.Cable) -> Any:
    return [tag.code for tag in cable.body.tags] if cable.body else None


def _refs(cable: cableparse.Cable) -> Any:
    return [ref.cable_id for ref in cable.body.refs if ref.cable_id] if cable.body else None


def _dtg(cable: cableparse.Cable) -> Any:
    return cable.header.dtg if cable.header else None


def _banner(cable: cableparse.Cable) -> Any:
    banner = cable.body.banner if cable.body else None
    return (banner.level, banner.origin, banner.serial) if banner else None


FIELDS: dict[str, Callable[[cableparse.Cable], Any]] = {
    "subject": _subject,
    "tags": _tags,
    "refs": _refs,
    "dtg": _dtg,
    "banner": _banner,
}

# (refid, field) -> why the csv row and the page differ there.
EXPLAINED: dict[tuple[str, str], str] = {
    ('01VATICAN5693', 'banner'): 'the page\'s text starts with the csv separator \'","\' glued to the classification line (a build error of the page)',
    ('04BOGOTA12829', 'subject'): "the page lost the REF label, so 'URIBE' after the blank line is no longer the subject's continuation",
    ('04BOGOTA12829', 'refs'): "the page lost the 'REF:' label of 'BOGOTA 12512'",
    ('04BRASILIA1503', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('04BRASILIA1849', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('04BRASILIA2067', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('04BRASILIA2129', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('04BRASILIA2513', 'tags'): "the page keeps only US of the free-text 'BILATERAL RELATIONS WITH THE US'",
    ('04BRASILIA2803', 'tags'): "the page split the free-text 'POL-MIL ISSUES' into the links POL and MIL",
    ('04BRASILIA2803', 'subject'): 'the page has no SUBJECT line',
    ('04BRASILIA2863', 'tags'): "the page split the free-text 'POL-MIL ISSUES' into the links POL and MIL",
    ('04BRASILIA2939', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('04BRASILIA2939', 'subject'): 'the page has no SUBJECT line',
    ('04BRASILIA526', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('04BRASILIA727', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('04BRASILIA745', 'tags'): "the page split the free-text 'POL-MIL ISSUES' into the links POL and MIL",
    ('04BRASILIA776', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('04BRASILIA794', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('04BRASILIA795', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('04BRASILIA991', 'tags'): "the page split the free-text 'POL-MIL ISSUES' into the links POL and MIL",
    ('04ISTANBUL374', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('04MADRID1731', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('04MADRID3833', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('04VATICAN3196', 'subject'): 'the page prints a typographic apostrophe where the row has "\'"',
    ('05ISTANBUL38', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('05ISTANBUL38', 'refs'): "the page cuts the REF block short ('B. ANKAR...'); the csv row cites three cables",
    ('05NEWDELHI301', 'tags'): "the page links only the tags it knows; it dropped the csv row's free-text term",
    ('88BAGHDAD28', 'tags'): 'the page filed as 88BAGHDAD28 holds another cable (a 1988 STATE cable on a German test chamber)',
    ('88BAGHDAD28', 'subject'): 'the page filed as 88BAGHDAD28 holds another cable',
    ('88BAGHDAD28', 'banner'): 'the page filed as 88BAGHDAD28 holds another cable',
}


def _parse(refid: str, suffix: str) -> cableparse.Cable:
    data = (CORPUS / f"{refid}{suffix}").read_bytes()
    return cableparse.parse(data, format="csv" if suffix == ".csv-row" else "html")


@pytest.mark.parametrize("refid", _pairs())
def test_csv_row_and_page_agree(refid: str) -> None:
    row, page = _parse(refid, ".csv-row"), _parse(refid, ".html")
    differing = {name for name, field in FIELDS.items() if field(row) != field(page)}
    explained = {name for (pair, name) in EXPLAINED if pair == refid}
    details = {name: (FIELDS[name](row), FIELDS[name](page)) for name in differing - explained}
    assert not details, f"{refid}: csv row and page differ: {details}"


def test_every_explained_difference_is_still_a_difference() -> None:
    # An entry that no longer differs must go, so the list says what is true.
    for refid, name in EXPLAINED:
        if (CORPUS / f"{refid}.csv-row").is_file() and (CORPUS / f"{refid}.html").is_file():
            row, page = _parse(refid, ".csv-row"), _parse(refid, ".html")
            assert FIELDS[name](row) != FIELDS[name](page), f"{refid} {name} agrees now: remove it from EXPLAINED"


def agreement() -> dict[str, tuple[int, int]]:
    """Per field: pairs that agree, and pairs in all (for the closing note)."""
    pairs = _pairs()
    agree = dict.fromkeys(FIELDS, 0)
    for refid in pairs:
        row, page = _parse(refid, ".csv-row"), _parse(refid, ".html")
        for name, field in FIELDS.items():
            agree[name] += field(row) == field(page)
    return {name: (count, len(pairs)) for name, count in agree.items()}


if __name__ == "__main__":
    for name, (count, total) in agreement().items():
        print(f"{name}: {count}/{total}")
