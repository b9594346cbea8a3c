"""REF blocks (spec 2.7)."""

from __future__ import annotations

from ..models import Reference
from ..normalize import parse_refs
from ..transform import interpret_refs


def strip_refs_label(block: str) -> str:
    """A REF block's entries without the label (``REF:``, ``REFTELS:``, ``Ref(s):``)."""
    return interpret_refs(block)


def read_refs(text: str, *, year: int | None) -> tuple[Reference, ...]:
    """The entries of a REF block's text (label removed); cable entries get canonical ids, a
    missing year being the citing cable's ``year``."""
    return parse_refs(text, year=year)
