"""Loading the Lark grammars and building the parsers, once per process.

The grammar files live in ``grammars/`` at the project root. A wheel carries them inside the
package (``cableparse/grammars``, see ``pyproject.toml``); an editable install or a plain
checkout reads them from the project root. Both places are tried, package first.
"""

from __future__ import annotations

import functools
import os
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


def speedups() -> dict[str, Any]:
    """Lark options that make parsing faster where the ``speedups`` extra is installed.

    lark-cython runs the same LALR tables and lexer in compiled code (about 15% faster per
    cable here). ``CABLEPARSE_PURE_PYTHON=1`` turns it off, for comparing the two.
    """
    if os.environ.get("CABLEPARSE_PURE_PYTHON"):
        return {}
    try:
        import lark_cython  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return {}
    return {"_plugins": lark_cython.plugins}


def build_parser(
    name: str, transformer: Transformer[Any, Any] | None = None, *, debug: bool = False, fast: bool = True
) -> Lark:
    """A new LALR parser with the contextual lexer for grammar ``name``.

    With ``transformer`` the parser builds no tree: each rule's callback runs as the rule is
    reduced, which roughly halves the cost per cable. ``fast`` uses :func:`speedups`.
    """
    return Lark(
        grammar_text(name),
        parser="lalr",
        lexer="contextual",
        transformer=transformer,
        propagate_positions=False,
        maybe_placeholders=False,
        debug=debug,
        **(speedups() if fast else {}),
    )


@functools.lru_cache(maxsize=None)
def cached_parser(name: str) -> Lark:
    """The process-wide parser for ``name``, with its transformer built in."""
    from .transform import TRANSFORMERS

    return build_parser(name, TRANSFORMERS[name]())
