"""The classification line that opens a body (spec 2.1), and portion marks."""

from __future__ import annotations

from ..models import Banner
from ..transform import interpret_banner


def read_banner(text: str) -> tuple[Banner, str, str]:
    """The banner of a classification block, the rest of its first line, and its other lines."""
    return interpret_banner(text)
