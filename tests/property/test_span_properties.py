"""The span law over generated cables: every span's text is its field as written."""

from __future__ import annotations

from _inputs import sample_page, sample_row
from hypothesis import given
from hypothesis import strategies as st

import cableparse
from cableparse import spans
from cableparse.strategies import CableParts, cable_parts, csv_rows, irregular_cable_texts, mutated_texts


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


@given(irregular_cable_texts())
def test_span_law_on_irregular_cables(text: str) -> None:
    # Damaged cables (page markers, reflowed front matter, run-on labels): spans never break
    # the parse, and every span they give still holds.
    cable = cableparse.parse(text, format="text", spans=True)
    assert not any(defect.code == "internal-error" for defect in cable.defects)
    assert list(spans.check(cable, text)) == []


@given(st.sampled_from((sample_page(), sample_row())).flatmap(mutated_texts))
def test_spans_survive_mutated_samples(text: str) -> None:
    # The mutation fuzzer's inputs: the sample cable as a news page and as a row, mutated.
    cable = cableparse.parse(text, spans=True)
    assert not any(defect.code == "internal-error" for defect in cable.defects)
    assert list(spans.check(cable, spans.source_text(text))) == []
