"""Classified By lines (spec 2.8)."""

from __future__ import annotations

from ..models import ClassifiedBy
from ..transform import interpret_classified_by


def read_classified_by(text: str) -> ClassifiedBy:
    """Name, title and reasons of a Classified By line (label included or not)."""
    return interpret_classified_by(text)
