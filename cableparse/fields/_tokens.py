"""What the field transformers need to know about Lark tokens."""

from __future__ import annotations

from typing import Any


def is_token(value: Any) -> bool:
    """Whether a transformer child is a token: ``lark.Token``, or lark-cython's own token class,
    which is no ``lark.Token`` subclass (so ``isinstance`` cannot tell)."""
    return hasattr(value, "type") and hasattr(value, "start_pos")
