"""The span law over generated cables: every span's text is its field as written."""

from __future__ import annotations

from hypothesis import given

import cableparse
from cableparse import spans
from cableparse.strategies import CableParts, cable_parts, csv_rows


@given(cable_parts())
def test_span_law_on_generated_cables(parts: CableParts) -> None:
    cable = cableparse.parse(parts.text, format="text", spans=True)
    assert list(spans.check(cable, parts.text)) == []
    assert cable.spans is not None
    if cable.body is not None and cable.body.subject:
        assert "body.subject" in cable.spans
    for index in range(len(cable.body.tags) if cable.body else 0):
        assert f"body.tags[{index}]" in cable.spans


@given(csv_rows())
def test_span_law_on_generated_csv_rows(row: str) -> None:
    cable = cableparse.parse(row, format="csv", spans=True)
    assert list(spans.check(cable, row)) == []
