"""Lenient parsing never raises and places its defects inside the input; strict parsing raises
nothing but ``CableParseError``. Over junk, damaged cables and mutated real cables."""

from __future__ import annotations

import pytest
from _inputs import corpus_texts, sample_page, sample_row
from hypothesis import given
from hypothesis import strategies as st

from cableparse.fuzz import check_dict, check_lenient, check_strict
from cableparse.strategies import (
    body_grammar_texts,
    cable_texts,
    csv_rows,
    irregular_cable_texts,
    mutated_texts,
)

_CORPUS = corpus_texts()
_FORMATS = st.sampled_from(("auto", "text", "csv"))


@given(st.text())
def test_lenient_any_text(text: str) -> None:
    check_lenient(text)


@given(st.binary())
def test_lenient_binary_junk(data: bytes) -> None:
    check_lenient(data)


@given(st.text(), _FORMATS)
def test_lenient_any_text_any_format(text: str, format: str) -> None:
    check_lenient(text, format=format)


@given(irregular_cable_texts())
def test_lenient_irregular(text: str) -> None:
    cable = check_lenient(text)
    assert cable is not None and cable.body is not None


@given(cable_texts().flatmap(mutated_texts))
def test_lenient_mutated_generated(text: str) -> None:
    check_lenient(text)


@given(st.sampled_from((sample_page(), sample_row())).flatmap(mutated_texts))
def test_lenient_mutated_sample(text: str) -> None:
    check_lenient(text)


@pytest.mark.skipif(not _CORPUS, reason="no corpus (../shared absent and no pinned copies)")
@given(st.sampled_from(_CORPUS or [""]).flatmap(mutated_texts))
def test_lenient_mutated_corpus(text: str) -> None:
    check_lenient(text)


@given(body_grammar_texts())
def test_lenient_grammar_generated(text: str) -> None:
    check_lenient(text)


@given(st.one_of(st.text(), st.binary(), irregular_cable_texts(), csv_rows(), cable_texts().flatmap(mutated_texts)))
def test_strict_raises_only_cable_parse_error(source: str | bytes) -> None:
    check_strict(source)


@given(st.one_of(st.text(), irregular_cable_texts(), cable_texts().flatmap(mutated_texts)))
def test_dict_roundtrip_of_anything(source: str) -> None:
    check_dict(source)


def test_every_corpus_file_parses_leniently() -> None:
    if not _CORPUS:
        pytest.skip("no corpus")
    for text in _CORPUS:
        check_lenient(text)
        check_dict(text)
