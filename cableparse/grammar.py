"""Loading the Lark grammars and building the parsers, once per process.

The grammar files live in ``grammars/`` at the project root. A wheel carries them inside the
package (``cableparse/grammars``, see ``pyproject.toml``); an editable install or a plain
checkout reads them from the project root. Both places are tried, package first.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from lark import Lark, Transformer
from lark.exceptions import UnexpectedInput

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
    parser_class: type[Lark] = Lark,
) -> Lark:
    """A new LALR parser with the contextual lexer for grammar ``name``.

    With ``transformer`` the parser builds no tree: each rule's callback runs as the rule is
    reduced, which roughly halves the cost per cable. ``fast`` uses :func:`speedups`.
    ``start`` names the start rule, or several (a field grammar has one per field).
    ``parser_class`` is :class:`lark.Lark` or a subclass (the body's, see ``cached_parser``).
    """
    return parser_class(
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


class _BodyLark(Lark):
    """The body grammar's parser: ``parse`` reads the blocks through
    :func:`cableparse.transform.read_blocks` (the grammar's own lexers and parse table, run
    without Lark's per-token work) and calls Lark only where that finds no terminal, so that
    Lark reports the place as it always has."""

    def parse(self, text: Any, start: str | None = None, on_error: Callable[[UnexpectedInput], bool] | None = None) -> Any:
        from .transform import read_blocks

        if start is None and isinstance(text, str):
            blocks = read_blocks(text)
            if blocks is not None:
                return blocks
        return super().parse(text, start, on_error)


class _HeaderLark(Lark):
    """The header grammar's parser: ``parse`` gives the result of an earlier parse of the same
    text that needed no error recovery (:func:`cableparse.header.parse_whole`); a dump repeats
    its boilerplate headers (all but a tenth of the corpus's cables.csv rows have the one line
    "This record is a partial extract ..."). A text that needs recovery is parsed anew, so
    that ``on_error`` sees every error."""

    def parse(self, text: Any, start: str | None = None, on_error: Callable[[UnexpectedInput], bool] | None = None) -> Any:
        from .header import parse_whole

        if start is None and isinstance(text, str):
            try:
                return parse_whole(text)
            except UnexpectedInput:
                pass
        return super().parse(text, start, on_error)


_PARSER_CLASSES: dict[str, type[Lark]] = {"body": _BodyLark, "header": _HeaderLark}


@functools.lru_cache(maxsize=None)
def cached_parser(name: str) -> Lark:
    """The process-wide parser for ``name``, with its transformer built in."""
    from .transform import TRANSFORMERS

    return build_parser(name, TRANSFORMERS[name](), parser_class=_PARSER_CLASSES.get(name, Lark))


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


_UNSEEN: Any = object()
"""A step not worked out yet (``None`` is a step: where Lark raises)."""

_ACCEPTED: Any = object()
"""The step that accepts the text (``$END`` reduced to the start rule)."""

_MAX_STEPS = 1 << 14
"""Most automaton steps a :class:`TokenRunner` keeps (a field grammar uses a few hundred)."""

_ASCII = 128
"""First characters below this get a lexer of only the terminals that can start with them."""


def _sre(name: str) -> Any:
    """A module of the regex engine's own Python side (``re._parser``, ``re._compiler``,
    ``re._constants``: the parser and compiler the re module itself uses; no stubs)."""
    return importlib.import_module(f"re.{name}")


def _first_characters(regex: str) -> frozenset[int] | None:
    """The ASCII code points that a match of ``regex`` can start with; ``None`` where it may
    start with any character (it can match the empty string, or holds a construct not read
    here). A superset is safe: it only keeps a terminal that then fails to match.

    Read from the parsed pattern (``re._parser``): a character item's set is found by
    compiling that item alone, under the flags in force there, and trying each ASCII
    character, so that classes, categories and case folding are the regex engine's own.
    Look-arounds and anchors consume nothing and are passed over (a superset again).
    """
    parsed = _sre("_parser").parse(regex)
    found, empty = _first_of(parsed.data, parsed.state, parsed.state.flags)
    return None if empty else frozenset(found)


def _first_of(items: Any, state: Any, flags: int) -> tuple[set[int], bool]:
    """The first characters of a sequence of parsed items, and whether it can match empty."""
    found: set[int] = set()
    for item in items:
        more, empty = _first_of_item(item, state, flags)
        found |= more
        if not empty:
            return found, False
    return found, True


_EVERY = set(range(_ASCII))


def _first_of_item(item: Any, state: Any, flags: int) -> tuple[set[int], bool]:
    sre, sre_compile, sre_parse = _sre("_constants"), _sre("_compiler"), _sre("_parser")
    op, av = item
    if op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY):
        one = sre_compile.compile(sre_parse.SubPattern(state, [item]), flags & ~sre.SRE_FLAG_VERBOSE)
        return {code for code in range(_ASCII) if one.match(chr(code))}, False
    if op is sre.SUBPATTERN:
        _, add, remove, sub = av
        return _first_of(sub.data, state, (flags | add) & ~remove)
    if op is sre.ATOMIC_GROUP:
        return _first_of(av.data, state, flags)
    if op is sre.BRANCH:
        found: set[int] = set()
        empty = False
        for branch in av[1]:
            more, branch_empty = _first_of(branch.data, state, flags)
            found |= more
            empty = empty or branch_empty
        return found, empty
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, sub = av
        found, empty = _first_of(sub.data, state, flags)
        return found, empty or low == 0
    if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
        return set(), True  # consumes nothing: the items after it start the match
    return set(_EVERY), True  # a back reference, a conditional: anything


_Node = list[Any]
"""A state stack of a :class:`TokenRunner` as its loop reads it: ``[match, steps, stack, by_first]``,
the top state's lexer (a bound ``re.Pattern.match``), the steps worked out from this stack so far
(token type -> next node, ``None`` where Lark raises, ``_ACCEPTED``), the stack itself, and the
state's lexer for each ASCII first character (only the terminals that can start with it)."""


@functools.lru_cache(maxsize=None)
def _first_characters_cached(regex: str) -> frozenset[int] | None:
    return _first_characters(regex)


def _by_first_character(terminals: list[tuple[str, str]], whole: re.Pattern[str]) -> list[Callable[..., Any]]:
    """A state's lexer for each ASCII first character: its alternation with only the terminals
    that can start with that character, in the same order (the first that matches wins, as in
    the whole alternation, so the token is the same). Lark's order puts the head terminals
    first and the catch-all ones (TEXT, WORD) last: a line of prose no longer tries the ten
    heads before TEXT (body lexing -3 us per csv row). Each alternation is compiled when a
    token first starts with one of its characters (compiling them all cost ~70 ms at start)."""
    firsts = [_first_characters_cached(regex) for _, regex in terminals]
    table: list[Callable[..., Any]] = []
    by_kept: dict[tuple[int, ...], list[int]] = {}
    for code in range(_ASCII):
        kept = tuple(index for index, first in enumerate(firsts) if first is None or code in first)
        table.append(whole.match)
        if len(kept) < len(terminals):
            by_kept.setdefault(kept, []).append(code)
    for kept, codes in by_kept.items():
        lazy = _compile_when_used(table, codes, "|".join(f"(?P<{terminals[i][0]}>{terminals[i][1]})" for i in kept) or "(?!)")
        for code in codes:
            table[code] = lazy
    return table


def _compile_when_used(table: list[Callable[..., Any]], codes: list[int], regex: str) -> Callable[..., Any]:
    """A stand-in for ``re.compile(regex).match`` in ``table`` at ``codes`` that compiles it and
    puts it there on its first call."""

    def match(text: str, position: int = 0) -> Any:
        compiled = re.compile(regex).match
        for code in codes:
            table[code] = compiled
        return compiled(text, position)

    return match


class TokenRunner:
    """A field grammar's contextual lexer and LALR automaton, run in Python without reductions.

    Lark's fixed cost per parse call (lexer thread, parser state, a callback per reduction,
    ~2.5 µs per token with lark-cython) is most of a short field's time. Where a field's
    transformer needs only the tokens in order (the tree's shape follows from their types),
    this runs the same parse table and the same per-state lexers, taken from a pure-Python
    build of the grammar, and gives the tokens, or ``None`` where Lark raises. Each state's
    regular expression is the one Lark's lexer builds for it: the accepted terminals as named
    alternatives in its order (priority, then width), white space of ``%ignore`` skipped.
    """

    def __init__(self, name: str, start: str = "start") -> None:
        from lark.parsers.lalr_analysis import Shift

        reference = build_parser(name, fast=False, start=start)
        frontend: Any = reference.parser
        table = frontend.parser.parser.parse_table
        self._shift = Shift
        self._states: dict[int, dict[str, tuple[Any, Any]]] = table.states
        self._start = table.start_states[start]
        self._end = table.end_states[start]
        self._ignore = frozenset(reference.ignore_tokens)
        self._patterns: dict[int, re.Pattern[str]] = {}
        self._by_first: dict[int, list[Callable[..., Any]]] = {}
        shared: dict[str, list[Callable[..., Any]]] = {}
        self._steps = 0
        """How many steps the nodes keep (at most ``_MAX_STEPS``)."""
        for state, lexer in frontend.lexer.lexers.items():
            if lexer.scanner and lexer.callback:  # pragma: no cover - a string terminal that a regex one shadows
                raise ValueError(f"grammar {name!r}: lexer callbacks are not run here")
            terminals = [(str(t.name), t.pattern.to_regexp()) for t in lexer.terminals]
            self._patterns[state] = re.compile("|".join(f"(?P<{name}>{regex})" for name, regex in terminals))
            # States with the same terminals share one table (the body's 25 states have 2).
            pattern = self._patterns[state]
            table = shared.get(pattern.pattern)
            if table is None:
                table = shared[pattern.pattern] = _by_first_character(terminals, pattern)
            self._by_first[state] = table
        self._root: _Node = self._node((self._start,))

    def _node(self, stack: tuple[int, ...]) -> _Node:
        return [self._patterns[stack[-1]].match, {}, stack, self._by_first[stack[-1]]]

    def _step(self, stack: tuple[int, ...], kind: str) -> tuple[int, ...] | None:
        """The state stack after ``kind`` is fed to ``stack``: the parse table's reductions, then
        the shift; ``()`` when ``$END`` is accepted, ``None`` where Lark raises."""
        states = self._states
        current = list(stack)
        while True:
            action = states[current[-1]].get(kind)
            if action is None:
                return None
            if action[0] is self._shift:
                return (*current, action[1])
            rule = action[1]
            if rule.expansion:
                del current[-len(rule.expansion) :]
            current.append(states[current[-1]][rule.origin.name][1])
            if kind == "$END" and current[-1] == self._end:
                return ()

    def _advance(self, node: _Node, kind: str) -> Any:
        """The node after ``kind`` is fed to ``node`` (``None``, ``_ACCEPTED``), worked out from
        the parse table and kept in ``node`` while fewer than ``_MAX_STEPS`` are kept (a grammar
        with nesting could make stacks without end)."""
        stack = self._step(node[2], kind)
        following = None if stack is None else _ACCEPTED if not stack else self._node(stack)
        if self._steps < _MAX_STEPS:
            self._steps += 1
            node[1][kind] = following
        return following

    def tokens(self, text: str) -> list[tuple[str, str, int, int]] | None:
        """The tokens of ``text`` as Lark's lexer gives them to the parser, as ``(type, text,
        start, end)`` (ignored white space left out); ``None`` when the grammar does not accept
        ``text``.

        The stack after a token depends only on the stack before it: each such step is worked
        out from the parse table once per process and kept in a node per stack (the automaton's
        own transitions, not anything about the text; a field's stacks are a few states deep),
        so that a token costs one match and one dict lookup.
        """
        ignore = self._ignore
        node = self._root
        found: list[tuple[str, str, int, int]] = []
        append = found.append
        position = 0
        end = len(text)
        while True:
            if position < end:
                first = ord(text[position])
                match = (node[3][first] if first < _ASCII else node[0])(text, position)
                if match is None:
                    return None
                kind = match.lastgroup or ""
                after = match.end()
                if kind in ignore:
                    position = after
                    continue
                append((kind, text[position:after], position, after))
                position = after
            else:
                kind = "$END"
            following = node[1].get(kind, _UNSEEN)
            if following is _UNSEEN:
                following = self._advance(node, kind)
            if following is None:
                return None
            if following is _ACCEPTED:
                return found
            node = following


def is_token(value: Any) -> bool:
    """Whether a transformer child is a token: ``lark.Token``, or lark-cython's own token class,
    which is no ``lark.Token`` subclass (so ``isinstance`` cannot tell)."""
    return hasattr(value, "type") and hasattr(value, "start_pos")
