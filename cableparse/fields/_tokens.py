"""What the field transformers need to know about Lark tokens."""

from __future__ import annotations

from ..grammar import is_token

__all__ = ["is_token"]
