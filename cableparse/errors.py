"""The one exception root of cableparse, and the per-parse defect collector."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from .defects import DefectCode
from .models import Defect


class CableParseError(ValueError):
    """Raised in strict mode at the first defect, and for input that is not text at all.

    Carries the defect's position and code, and the cable's reference id when known.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "unreadable",
        line: int | None = None,
        column: int | None = None,
        reference_id: str | None = None,
        context: str | None = None,
    ) -> None:
        self.message = message
        self.code = code
        self.line = line
        self.column = column
        self.reference_id = reference_id
        self.context = context
        where = f" at line {line}" if line is not None else ""
        if line is not None and column is not None:
            where += f", column {column}"
        who = f"{reference_id}: " if reference_id else ""
        text = f"{who}{message} [{code}]{where}"
        if context:
            text += f": {context!r}"
        super().__init__(text)


class Defects:
    """Collects defects during one parse; raises at the first one when strict.

    Positions are mapped through ``line_map`` (text that was rewritten before parsing, such
    as a body with its page markers removed) and shifted by ``line_offset`` so that they refer
    to the input as given (a header or body field inside a cables.csv row starts on a later
    line of the file).
    """

    __slots__ = ("flat", "items", "line_map", "line_offset", "marks", "reference_id", "strict")

    def __init__(self, *, strict: bool = False, reference_id: str | None = None) -> None:
        self.items: list[Defect] = []
        self.strict = strict
        self.line_offset = 0
        self.line_map: Callable[[int], int] | None = None
        self.flat = False  # every line of the part is one line of the input (HTML <pre>)
        self.reference_id = reference_id
        # Input positions of lines that later checks point at ("dtg", "banner").
        self.marks: dict[str, tuple[int | None, int | None]] = {}

    @contextlib.contextmanager
    def shifted(self, lines: int) -> Iterator[None]:
        """Within the block, positions are ``lines`` further down in the input."""
        self.line_offset += lines
        try:
            yield
        finally:
            self.line_offset -= lines

    @contextlib.contextmanager
    def mapped(self, line_map: Callable[[int], int] | None) -> Iterator[None]:
        """Within the block, lines go through ``line_map`` first (text rewritten before parsing)."""
        if line_map is None:
            yield
            return
        outer = self.line_map
        self.line_map = line_map if outer is None else (lambda line: outer(line_map(line)))
        try:
            yield
        finally:
            self.line_map = outer

    def place(self, line: int | None, column: int | None) -> tuple[int | None, int | None]:
        """A position in the text being parsed as a position in the input as given."""
        if line is not None:
            if self.flat:
                line, column = 1, None
            elif self.line_map is not None:
                line = self.line_map(line)
            line += self.line_offset
        return line, column

    def mark(self, name: str, line: int | None, column: int | None) -> None:
        """Remember where line ``name`` is, for a defect found after parsing (see :meth:`at`)."""
        self.marks[name] = self.place(line, column)

    def at(self, name: str) -> tuple[int | None, int | None]:
        """Where line ``name`` was marked, ``(None, None)`` when it was not."""
        return self.marks.get(name, (None, None))

    def add(
        self,
        code: DefectCode,
        message: str,
        line: int | None = None,
        column: int | None = None,
        context: str | None = None,
        *,
        placed: bool = False,
    ) -> None:
        """Record a defect at ``line``/``column`` of the text being parsed (1-based), or of
        the input itself when ``placed`` (a position from :meth:`at`).

        ``code`` is a registered code (:data:`cableparse.defects.DefectCode`): mypy rejects a
        misspelt one.
        """
        if not placed:
            line, column = self.place(line, column)
        self._keep(Defect(code=code, message=message, line=line, column=column), context)

    def record(self, defect: Defect) -> None:
        """Record a defect a container already built, its position in the input as given.

        Its code was checked where the container wrote it (``tests/test_defects.py`` scans the
        sources for unregistered codes).
        """
        self._keep(defect, None)

    def _keep(self, defect: Defect, context: str | None) -> None:
        if self.strict:
            raise CableParseError(
                defect.message,
                code=defect.code,
                line=defect.line,
                column=defect.column,
                reference_id=self.reference_id,
                context=context[:80] if context else None,
            )
        self.items.append(defect)
