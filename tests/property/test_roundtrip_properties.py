"""Laws of API.md over generated cables: the parser reads what was generated,
``parse(render(c))`` gives ``c`` back on what render writes, ``from_dict(to_dict(c)) == c``."""

from __future__ import annotations

import json

from _expect import differences
from _inputs import sample_row
from hypothesis import given
from hypothesis import strategies as st

import cableparse
from cableparse.fuzz import check_roundtrip, parse_any, roundtrip_differences
from cableparse.strategies import CableParts, cable_parts, cable_texts, cables, irregular_cable_texts, parse_text


@given(cable_parts())
def test_parse_reads_what_was_generated(parts: CableParts) -> None:
    # The strongest law: every component the generator laid out comes back in its field.
    cable = parse_text(parts.text)
    assert differences(cable, parts.expected) == []
    assert cable.defects == (), cable.defects


@given(cable_texts())
def test_render_roundtrip(text: str) -> None:
    check_roundtrip(text)


@given(irregular_cable_texts())
def test_render_roundtrip_irregular(text: str) -> None:
    # Whatever the parser made of a damaged cable, rendering and parsing it again is stable.
    check_roundtrip(text)


def test_render_roundtrip_sample() -> None:
    cable = parse_any(sample_row(), format="csv")
    again = parse_text(cableparse.render(cable))
    assert roundtrip_differences(cable, again) == []
    assert again.body is not None and again.body.subject == "DRAFT COUNTRY TERRORISM REPORT FOR 2007"


@given(cables())
def test_dict_roundtrip(cable: cableparse.Cable) -> None:
    data = json.loads(json.dumps(cableparse.to_dict(cable)))  # through real JSON, as users store it
    assert cableparse.from_dict(data) == cable


@given(st.from_type(cableparse.Cable))
def test_from_type_uses_registered_strategy(cable: cableparse.Cable) -> None:
    # The entry-point hook registered cables(): from_type gives parsed cables, not attrs noise.
    assert cable.body is not None and cable.body.banner is not None
    assert cableparse.from_dict(cableparse.to_dict(cable)) == cable
