"""The E.O. line (spec 2.4)."""

from __future__ import annotations

from ..models import ExecutiveOrder
from ..transform import interpret_eo


def read_eo(text: str) -> ExecutiveOrder:
    """Order number, declassification instruction and date of an E.O. block."""
    return interpret_eo(text)
