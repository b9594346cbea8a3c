"""The grammars: LALR without conflicts, few tokens per cable, loadable from the checkout."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from lark import logger as lark_logger

from cableparse.grammar import build_parser, cached_parser, grammar_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _seed_parts() -> tuple[str, str]:
    """Header and body fields of the sample cable's cables.csv row, cut by hand."""
    page = (FIXTURES / "08MEXICO23.page.txt").read_text(encoding="utf-8")
    row = page[page.index("136383,") :]
    header = row[row.index('"VZCZC') + 1 : row.index('","UNCLAS')]
    body = row[row.index('","UNCLAS') + 3 :]
    return header + "\n", body[: body.index("Leslie BASSETT") + len("Leslie BASSETT")] + "\n"


@pytest.mark.parametrize("name", ["header", "body"])
def test_grammar_is_lalr_without_conflicts(name: str, caplog: pytest.LogCaptureFixture) -> None:
    # Lark resolves shift/reduce conflicts silently as shift and only logs them in debug
    # mode; a conflict would mean the grammar's structure is decided by accident.
    lark_logger.propagate = True
    with caplog.at_level(logging.DEBUG, logger="lark"):
        parser = build_parser(name, debug=True)
    assert parser.options.parser == "lalr"
    assert parser.options.lexer == "contextual"
    conflicts = [r.getMessage() for r in caplog.records if "conflict" in r.getMessage().lower()]
    assert conflicts == []


def test_sample_token_counts_stay_low() -> None:
    # One terminal per header line and per body block: the sample is 17 header lines and
    # about two dozen blocks. Word-level tokens would be in the thousands.
    header, body = _seed_parts()
    header_tokens = list(build_parser("header").lex(header))
    body_tokens = list(build_parser("body").lex(body))
    assert 10 <= len(header_tokens) <= 20
    assert 10 <= len(body_tokens) <= 40


def test_parser_is_cached_per_process() -> None:
    assert cached_parser("body") is cached_parser("body")


def test_grammar_files_come_from_the_project() -> None:
    root = Path(__file__).resolve().parent.parent / "grammars"
    for name in ("header", "body"):
        assert grammar_text(name) == (root / f"{name}.lark").read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        grammar_text("nonsense")
