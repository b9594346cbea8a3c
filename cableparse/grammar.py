"""Loading the Lark grammars and building the parsers, once per process.

The grammar files live in ``grammars/`` at the project root. A wheel carries them inside the
package (``cableparse/grammars``, see ``pyproject.toml``); an editable install or a plain
checkout reads them from the project root. Both places are tried, package first.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from typing import Any

from lark import Lark, Transformer

GRAMMAR_NAMES = ("header", "body")


def grammar_text(name: str) -> str:
    """The text of grammar ``name`` (``"header"`` or ``"body"``)."""
    if name not in GRAMMAR_NAMES:
        raise ValueError(f"unknown grammar {name!r}")
    packaged = resources.files("cableparse").joinpath("grammars").joinpath(f"{name}.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parent.parent / "grammars" / f"{name}.lark"
    return checkout.read_text(encoding="utf-8")


def build_parser(name: str, transformer: Transformer[Any, Any] | None = None, *, debug: bool = False) -> Lark:
    """A new LALR parser with the contextual lexer for grammar ``name``.

    With ``transformer`` the parser builds no tree: each rule's callback runs as the rule is
    reduced, which roughly halves the cost per cable.
    """
    return Lark(
        grammar_text(name),
        parser="lalr",
        lexer="contextual",
        transformer=transformer,
        propagate_positions=False,
        maybe_placeholders=False,
        debug=debug,
    )


@functools.lru_cache(maxsize=None)
def cached_parser(name: str) -> Lark:
    """The process-wide parser for ``name``, with its transformer built in."""
    from .transform import TRANSFORMERS

    return build_parser(name, TRANSFORMERS[name]())
