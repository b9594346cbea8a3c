"""Example cables: each fixture parses to the golden JSON beside it.

One fixture per cable, named by its reference id, in the container it came in; the golden
``<id>.json`` is ``to_dict`` of the parse. Each fixture pins a behaviour:

- 08MEXICO23.page.txt: the sample (a news page, lost closing quote, page markers, signer)
- 01HOCHIMINHCITY1265.csv-row: partial extract with a distribution printout before FM/TO
- 02VATICAN5296.csv-row: old print format, PAGE markers and a section 2 that repeats its front matter
- 04TAIPEI3094.csv-row: spaced CONFIDENTIAL, partial-extract placeholder as the whole header
- 06SKOPJE105.html: Cablegate page, numbered paragraphs with portion marks, modern page markers
- 07KINGSTON382.txt: raw text from a PDF in Windows-1252, pilcrows before paragraph numbers
- 07TRIPOLI1039.html: reflowed page, CLASSIFIED BY run onto the REF line, a marker mid-sentence
- 08LONDON2683.html: a marker run onto the SUBJECT line
- 09STATE37566.html: State-originated ACP 126 variant, page line inside the addressees, offices
- 10BRASILIA49.html: Cablegate page with its header in a <pre>
- 92ZAGREB1869.csv-row: 1992 cable, E.O. 12356, old-format markers between sections
- 04CARACAS1508.csv-row: a Summary heading between rule lines, a date wrapped onto a new line
  ("April\n30."), the signer above a dump's classification footer
- 04MAPUTO1447.csv-row: a two-word surname as signer (LA LIME)
- 06REYKJAVIK120.html: VAN VOORST signs
- 09CAIRO1261.html: reflowed page, the signer ends the last sentence's line
- 91BOGOTA8074.csv-row: ACP 126 address lists without routing indicators, a precedence on an
  INFO entry, an office suffix (CDR4THPSYOPG FT BRAGG NC//AORC-POG-F//)

A failing comparison shows the field that changed. After a deliberate change, regenerate with
``CABLEPARSE_UPDATE_GOLDEN=1 pytest tests/test_examples.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import cableparse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SUFFIXES = {".csv-row": "csv", ".html": "html", ".txt": "text"}


def _format(path: Path) -> str:
    return "page" if path.name.endswith(".page.txt") else SUFFIXES[path.suffix]


CASES = sorted(p for p in FIXTURES.iterdir() if p.is_file() and p.suffix in SUFFIXES)


def test_every_fixture_has_its_golden_file() -> None:
    assert len(CASES) >= 10
    missing = [p.name for p in CASES if not (FIXTURES / f"{p.name.split('.')[0]}.json").is_file()]
    assert missing == []


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_fixture_matches_golden(path: Path) -> None:
    cable = cableparse.parse(path.read_bytes(), format=_format(path))
    reference_id = path.name.split(".")[0]
    assert cable.reference_id == reference_id
    actual = json.loads(json.dumps(cableparse.to_dict(cable)))
    golden = FIXTURES / f"{reference_id}.json"
    if os.environ.get("CABLEPARSE_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    for key in expected:
        assert actual[key] == expected[key], key
    assert actual == expected
    assert cableparse.from_dict(expected) == cable
