"""The field readers' fast paths give what their grammars give (issue 12: no slower, same fields).

Each fast path runs a field grammar's terminals without Lark; here it is compared with the
grammar run through Lark, on every such field of the corpus and on generated lines made of the
shapes the terminals know, glued in every order (where a hand-written scanner would go wrong).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cableparse
from cableparse._cache import clear_caches
from cableparse.fields import banner as banner_module

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FORMATS = {".csv-row": "csv", ".html": "html", ".txt": "text"}


@contextmanager
def _inputs_of(module: Any, name: str) -> Iterator[list[str]]:
    """The texts that ``module.name`` is called with while the block runs."""
    seen: list[str] = []
    original: Callable[[str], Any] = getattr(module, name)

    def spy(text: str) -> Any:
        seen.append(text)
        return original(text)

    setattr(module, name, spy)
    try:
        yield seen
    finally:
        setattr(module, name, original)


def _corpus_inputs(module: Any, name: str) -> list[str]:
    clear_caches()  # a cached text would not reach the spy
    with _inputs_of(module, name) as seen:
        for path in sorted(CORPUS.iterdir()):
            if path.suffix in FORMATS:
                cableparse.parse(path.read_bytes(), format=FORMATS[path.suffix])
    clear_caches()
    return sorted(set(seen))


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not available here")


# --- classification line and portion mark (fields/banner.py) ---------------------------------

_BANNER_PIECES = [
    "CONFIDENTIAL", "C O N F I D E N T I A L", "SECRET", "SS E C R E T", "UNCLAS", "UUNCLAS", "Unclas",
    "UNCLASSIFIED", "LIMITED OFFICIAL USE", "TOP SECRET", "E F T O", "EFTO", "NOFORN", "NOFORNX",
    "SENSITIVE", "SIPDIS", "SECTION 01 OF 03", "section 2 of 2", "SECTION 1", "MADRID", "RIO DE JAN",
    "000023", "0080", "12", "(C)", "(SBU)", "(S//NF)", "( u )", "(", ")", "-", ".", "X1",
]
_GAPS = ["", " ", "  ", "\t", "\n", " \n", "\n\n"]


@st.composite
def _banner_texts(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.tuples(st.sampled_from(_BANNER_PIECES), st.sampled_from(_GAPS)), max_size=8))
    return draw(st.sampled_from(["", " ", "\t "])) + "".join(piece + gap for piece, gap in pieces)


@settings(max_examples=400)
@given(_banner_texts())
def test_banner_scanner_agrees_with_the_grammar_on_generated_lines(text: str) -> None:
    assert banner_module._scan(text) == banner_module._parse_with_grammar(text)


@given(st.text(alphabet="CONFIDETALSUR ()\t\n0123456789x", max_size=40))
def test_banner_scanner_agrees_with_the_grammar_on_any_text(text: str) -> None:
    assert banner_module._scan(text) == banner_module._parse_with_grammar(text)


@needs_corpus
def test_banner_scanner_agrees_with_the_grammar_on_the_corpus() -> None:
    texts = _corpus_inputs(banner_module, "_scan")
    assert texts  # the reader ran, so the check is not vacuous
    for text in texts:
        assert banner_module._scan(text) == banner_module._parse_with_grammar(text), text
