"""The shapes that are written twice agree.

The body grammar's ``HEADLESS`` terminal (a line that starts no block) lists the block heads in a
negative lookahead, which Lark cannot build from the head terminals themselves. These
properties draw lines from each head's shape in ``grammars/terminals.lark`` and check that
``HEADLESS`` never takes one of them for a continuation line, which would swallow the head.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cableparse.grammar import terminal_regex

HEADLESS = re.compile(terminal_regex("terminals", "HEADLESS"))
HEADS = ("EO_LABEL", "TAGS_LABEL", "SUBJECT_LABEL", "REFS_LABEL", "CLASSIFIED_BY_LABEL", "PARA_NUMBER")
REST = st.text(alphabet=st.characters(codec="ascii", exclude_characters="\n\r"), max_size=20)


@pytest.mark.parametrize("head", HEADS)
def test_no_head_line_is_a_continuation_line(head: str) -> None:
    shape = terminal_regex("terminals", head)

    @given(st.from_regex(shape, fullmatch=True).filter(lambda s: "\n" not in s), REST)
    def check(label: str, rest: str) -> None:
        line = f"{label} {rest}\n"
        assert HEADLESS.match(line) is None, f"{head} line {line!r} is taken for a continuation line"

    check()


@pytest.mark.parametrize(
    "line",
    ["tags: PREL\n", "Reftels: A. STATE 1\n", "PROGRAM REF: X\n", "(U) Classified By: Name\n", "CLASSIFICATION BY x\n"],
)
def test_heads_that_once_were_continuations(line: str) -> None:
    assert HEADLESS.match(line) is None
