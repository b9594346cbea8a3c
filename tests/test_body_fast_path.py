"""The body's blocks read without a Lark call are the blocks Lark's parse gives (issue 12: no
slower, same fields).

:func:`cableparse.transform.read_blocks` runs body.lark's own lexers and parse table through
:class:`~cableparse.grammar.TokenRunner`; here it is compared with the grammar run by Lark with
:class:`~cableparse.transform.BodyTransformer`, in pure Python and with lark-cython where it is
installed, on every corpus body and on generated and damaged cable texts.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark
from lark.exceptions import UnexpectedCharacters

from cableparse.containers import extract
from cableparse.core import _prepare, _unreflow
from cableparse.errors import Defects
from cableparse.grammar import build_parser, cached_parser, grammar_dir, grammar_text
from cableparse.strategies import body_grammar_texts, cable_texts, mutated_texts
from cableparse.transform import Block, BodyTransformer, read_blocks

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FORMATS = {".csv-row": "csv", ".html": "html", ".txt": "text"}


@functools.lru_cache(maxsize=2)
def _lark(fast: bool) -> Lark:
    return build_parser("body", BodyTransformer(), fast=fast)


def _by_lark(text: str, fast: bool) -> list[Block] | None:
    try:
        blocks: list[Block] = _lark(fast).parse(text)
    except UnexpectedCharacters:
        return None
    return blocks


@functools.lru_cache(maxsize=1)
def _greedy_lark() -> Lark:
    """body.lark with HEADLESS* where it reads HEADLESS_LINES, the possessive run of the same
    lines (pure Python, so that nothing but the repeat differs)."""
    text = grammar_text("body")
    assert text.count(" HEADLESS_LINES\n") == 2  # PARA and TEXT: the substitution is not vacuous
    return Lark(
        text.replace(" HEADLESS_LINES\n", " HEADLESS*\n"),
        parser="lalr",
        lexer="contextual",
        transformer=BodyTransformer(),
        import_paths=[str(grammar_dir())],
        maybe_placeholders=False,
    )


def _by_greedy_lark(text: str) -> list[Block] | None:
    try:
        blocks: list[Block] = _greedy_lark().parse(text)
    except UnexpectedCharacters:
        return None
    return blocks


def _assert_same(text: str) -> None:
    prepared = _prepare(text)[0]
    fast = read_blocks(prepared)
    assert fast == _by_lark(prepared, fast=False)
    assert fast == _by_lark(prepared, fast=True)
    # HEADLESS_LINES reads HEADLESS* possessively: the same blocks as the greedy repeat.
    assert fast == _by_greedy_lark(prepared)


def _corpus_bodies() -> list[str]:
    if not CORPUS.is_dir():
        return []
    bodies = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix in FORMATS:
            envelope = extract(path.read_bytes(), FORMATS[path.suffix])
            prepared = _prepare(envelope.body_text or "")[0]
            if prepared.strip():
                bodies.extend((prepared, _unreflow(prepared, Defects())[0]))
    return bodies


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_every_corpus_body_gives_the_blocks_of_the_grammar() -> None:
    bodies = _corpus_bodies()
    assert bodies
    for text in bodies:
        _assert_same(text)


def test_the_parser_core_calls_reads_blocks_without_lark_and_reports_what_lark_reports() -> None:
    text = "UNCLAS SECTION 01 OF 02 MEXICO 000023\n\nSIPDIS\n\n1. (U) Text.\nMEXICO 00000023 002 OF 002\nmore text.\n"
    assert cached_parser("body").parse(text) == read_blocks(text) == _by_lark(text, fast=False)
    # No terminal takes a body that does not end its last line (the core always ends it):
    # Lark's error comes through, with its place.
    with pytest.raises(UnexpectedCharacters):
        cached_parser("body").parse("1. (U) Text")
    assert read_blocks("1. (U) Text") is None


@settings(max_examples=60, deadline=None)
@given(st.one_of(cable_texts(), cable_texts().flatmap(mutated_texts)))
def test_generated_and_damaged_cables_give_the_blocks_of_the_grammar(text: str) -> None:
    _assert_same(text)


@settings(max_examples=30, deadline=None)
@given(body_grammar_texts())
def test_texts_drawn_from_the_grammar_give_its_blocks(text: str) -> None:
    _assert_same(text)


# --- clean_text: a paragraph's text as the models keep it ---------------------------------------


def _cleaned_line_by_line(text: str) -> str:
    """clean_text's definition, one step at a time: each line without its trailing white space,
    the blank lines at either end dropped, a run of blank lines inside made one."""
    lines = [line.rstrip() for line in text.split("\n")]
    joined = "\n".join(lines).strip()
    while "\n\n\n" in joined:
        joined = joined.replace("\n\n\n", "\n\n")
    return joined


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["", " ", "\t", "\u00a0", "\x0b", "\x1c", "\r", "\n", "a", "1. (C) B", "x \n", " \n \n"]), max_size=14))
def test_clean_text_is_its_definition(pieces: list[str]) -> None:
    from cableparse.transform import clean_text

    text = "".join(pieces)
    assert clean_text(text) == _cleaned_line_by_line(text)


@given(st.text(max_size=40))
def test_clean_text_is_its_definition_on_any_text(text: str) -> None:
    from cableparse.transform import clean_text

    assert clean_text(text) == _cleaned_line_by_line(text)
