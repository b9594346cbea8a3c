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
"""The block grammars: one terminal per header line or body block."""


@functools.lru_cache(maxsize=1)
def grammar_dir() -> Path:
    """The directory holding the ``.lark`` files: inside the package for a wheel, else the
    project root's ``grammars/`` (editable install, plain checkout)."""
    packaged = Path(str(resources.files("cableparse"))) / "grammars"
    if (packaged / "terminals.lark").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "grammars"


def grammar_text(name: str) -> str:
    """The text of grammar ``name`` (``"header"``, ``"body"``, a field grammar or ``"terminals"``)."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unknown grammar {name!r}")
    path = grammar_dir() / f"{name}.lark"
    if not path.is_file():
        raise ValueError(f"unknown grammar {name!r}")
    return path.read_text(encoding="utf-8")


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
    name: str,
    transformer: Transformer[Any, Any] | None = None,
    *,
    debug: bool = False,
    fast: bool = True,
    start: str | list[str] = "start",
) -> Lark:
    """A new LALR parser with the contextual lexer for grammar ``name``.

    With ``transformer`` the parser builds no tree: each rule's callback runs as the rule is
    reduced, which roughly halves the cost per cable. ``fast`` uses :func:`speedups`.
    ``start`` names the start rule, or several (a field grammar has one per field).
    """
    return Lark(
        grammar_text(name),
        start=start,
        parser="lalr",
        import_paths=[str(grammar_dir())],
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


@functools.lru_cache(maxsize=None)
def terminal_regex(grammar: str, terminal: str) -> str:
    """The regular expression of ``terminal`` as grammar ``grammar`` defines it.

    Python fast paths that must recognise a line shape the grammars define (the raw-text
    splitter's header anchors, for one) compile this instead of writing the shape again.
    """
    return terminal_regexes(grammar, (terminal,))[terminal]


@functools.lru_cache(maxsize=None)
def terminal_regexes(grammar: str, terminals: tuple[str, ...]) -> dict[str, str]:
    """:func:`terminal_regex` of several terminals, with one grammar load (each costs ~20 ms)."""
    if grammar == "terminals":
        names = ", ".join(terminals)
        text = f"start: {' | '.join(terminals)}\n%import terminals ({names})\n"
    else:
        text = grammar_text(grammar)
    parser = Lark(text, parser="lalr", lexer="contextual", import_paths=[str(grammar_dir())])
    return {name: parser.get_terminal(name).pattern.to_regexp() for name in terminals}
