"""Routing indicators (spec 1.5): decode an RI and resolve it to addressees.

An RI such as ``RUEHME`` is a relay (``RUEH``, the State Department relay at Beltsville) plus a
tributary station (``ME``, Mexico City). The addressees come from the ACP 117 (2010) table shipped
in ``data/ri-to-plad-acp117-2010.csv``. That table is read once, on the first lookup, never at
import time: parsing cables does not need it, and most users never call :func:`routing_indicator`.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
import json
import re
import threading
from collections.abc import Iterable
from typing import TextIO

import attrs

__all__ = ["RoutingIndicator", "ri_command", "routing_indicator"]

_SHAPE = re.compile(r"[QR][A-Z]{3,6}")
"""Grammar token of spec 1.5. Upper case only: a lower-case RI never occurs in a real header, so
reporting it as invalid tells the user more than silently upper-casing it would."""

_TABLE_NAME = "ri-to-plad-acp117-2010.csv"
_RELAY_LENGTH = 4


@attrs.frozen(kw_only=True)
class RoutingIndicator:
    """A routing indicator, decoded (spec 1.5) and resolved against ACP 117 (2010)."""

    code: str
    """The RI as given, with surrounding whitespace stripped (``"RUEHME"``)."""
    valid: bool
    """Whether ``code`` has the RI shape of spec 1.5: ``R`` or ``Q`` then 3 to 6 capital letters."""
    network: str | None
    """``"R"`` (worldwide tape-relay network) or ``"Q"`` (theater network); ``None`` if invalid."""
    nation: str | None
    """Second letter, the nation or alliance (``"U"``, ``"H"`` United States); ``None`` if invalid."""
    relay: str | None
    """First four letters, the relay station (``"RUEH"``); ``None`` if invalid."""
    tributary: str | None
    """Letters after the relay (``"ME"``); ``None`` if invalid or if the code is a bare relay."""
    plads: tuple[str, ...]
    """Addressees ACP 117 (2010) gives for the code, ranges expanded, in table order, without
    repeats; ``()`` when the table does not list it. Each is a table cell as written."""
    relay_plads: tuple[str, ...]
    """The same for :attr:`relay` (``("RGN RELAY FACILITY BELTSVILLE MD",)`` for ``RUEH``)."""
    collective: bool
    """Whether this is a collective address (``RUEHXC``): an unlisted ``RUEHX?``, ``RUEHZ?`` or
    ``RUCN???`` code (spec 1.5)."""


class _Table:
    """The ACP 117 table: single codes by name, plus the ``A THRU B`` range rows."""

    def __init__(self, rows: Iterable[list[str]]) -> None:
        # Each entry keeps its row number so that a code found both on its own rows and inside a
        # range row gets its PLADs in table order.
        self.exact: dict[str, list[tuple[int, str]]] = {}
        self.ranges: list[tuple[str, str, int, str]] = []
        for number, row in enumerate(rows):
            if len(row) < 2:
                continue
            plad = row[1]
            # A cell may hold several codes and ranges separated by commas or spaces
            # ("RHFJAAA THRU RHFJAAZ,RHFJAIA ..."); ranges stay as bounds and are expanded on
            # lookup, since materialising them would multiply the table for nothing.
            tokens = row[0].replace(",", " ").split()
            i = 0
            while i < len(tokens):
                if i + 2 < len(tokens) and tokens[i + 1] == "THRU":
                    self.ranges.append((tokens[i], tokens[i + 2], number, plad))
                    i += 3
                else:
                    self.exact.setdefault(tokens[i], []).append((number, plad))
                    i += 1

    def plads(self, code: str) -> tuple[str, ...]:
        """Addressees of ``code`` in table order, without repeats."""
        hits = list(self.exact.get(code, ()))
        # Range bounds differ only in their trailing letters, so a code of the same length that
        # sorts between them is inside the range.
        hits += [
            (number, plad)
            for low, high, number, plad in self.ranges
            if len(code) == len(low) and low <= code <= high
        ]
        hits.sort(key=lambda hit: hit[0])
        return tuple(dict.fromkeys(plad for _, plad in hits))


_table: _Table | None = None
"""The loaded table; ``None`` until the first lookup (tests check that importing leaves it so)."""
_table_lock = threading.Lock()


def _get_table() -> _Table:
    """The ACP 117 table, read from the package data on first use."""
    global _table
    if _table is not None:
        return _table
    # Lock so that two threads doing their first lookup at once read the file only once.
    with _table_lock:
        if _table is None:
            resource = importlib.resources.files("cableparse") / "data" / _TABLE_NAME
            # read_text, not open(newline=""): Traversable.open does not promise a newline
            # argument, and the file is small (about 60 kB).
            text = resource.read_text(encoding="utf-8")
            _table = _Table(csv.reader(io.StringIO(text)))
        return _table


def _is_collective(code: str) -> bool:
    """Whether an unlisted, valid code has the shape of a collective address (spec 1.5)."""
    if len(code) == 6:
        return code[:5] in ("RUEHX", "RUEHZ")
    return len(code) == 7 and code.startswith("RUCN")


@functools.lru_cache(maxsize=4096)
def routing_indicator(code: str) -> RoutingIndicator:
    """Decode ``code`` and resolve it against the ACP 117 (2010) table.

    Never raises on a ``str``: anything that is not an RI (spec 1.5) comes back with
    ``valid=False``, every decoded field ``None`` and no addressees. Only surrounding whitespace
    is stripped; case is kept, so ``"ruehme"`` is invalid. Results are cached (bounded, since
    callers may feed it junk from damaged headers).
    """
    code = code.strip()
    if not _SHAPE.fullmatch(code):
        return RoutingIndicator(
            code=code,
            valid=False,
            network=None,
            nation=None,
            relay=None,
            tributary=None,
            plads=(),
            relay_plads=(),
            collective=False,
        )
    table = _get_table()
    plads = table.plads(code)
    relay = code[:_RELAY_LENGTH]
    return RoutingIndicator(
        code=code,
        valid=True,
        network=code[0],
        nation=code[1],
        relay=relay,
        tributary=code[_RELAY_LENGTH:] or None,
        plads=plads,
        relay_plads=table.plads(relay),
        # A listed code names a station even if it looks like a collective (RUEHZP is Panama City).
        collective=not plads and _is_collective(code),
    )


def _shown(code: str) -> str:
    """``code`` as it can be printed on one line, quoted if it is empty or unusual."""
    if code and code.isprintable() and code.isascii() and " " not in code:
        return code
    return repr(code)


def _describe(ri: RoutingIndicator) -> str:
    """One human-readable line for ``ri``."""
    if not ri.valid:
        hint = ""
        upper = ri.code.upper()
        if upper != ri.code and _SHAPE.fullmatch(upper):
            hint = f"; did you mean {upper}?"
        return f"{_shown(ri.code)}: invalid, not R or Q followed by 3 to 6 capital letters{hint}"
    decoded = (
        f"{ri.code}: network {ri.network}, nation {ri.nation}, relay {ri.relay}, "
        f"tributary {ri.tributary or '-'}"
    )
    if ri.plads:
        found = "addressees: " + "; ".join(ri.plads)
    elif ri.collective:
        found = "collective address (not in ACP 117)"
    else:
        found = "not in ACP 117"
    line = f"{decoded} | {found}"
    if ri.relay_plads and ri.relay != ri.code:
        line += f" | via {ri.relay}: " + "; ".join(ri.relay_plads)
    return line


def ri_command(codes: list[str], *, as_json: bool, out: TextIO) -> int:
    """``cableparse ri CODE... [--json]``: print each code decoded and resolved, one per line.

    With ``as_json``, each line is a JSON object with the fields of :class:`RoutingIndicator`.
    A malformed code is reported on its line rather than stopping the run. Returns 0 if every
    code is a valid RI, else 1 (an unlisted but valid code is not an error: the table is old).
    """
    status = 0
    for given in codes:
        ri = routing_indicator(given)
        if not ri.valid:
            status = 1
        if as_json:
            out.write(json.dumps(attrs.asdict(ri)) + "\n")
        else:
            out.write(_describe(ri) + "\n")
    return status
