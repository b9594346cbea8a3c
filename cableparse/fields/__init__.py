"""Field grammars: what is inside the short front-matter blocks that the body grammar finds.

The block grammar (``grammars/body.lark``) cuts a body into blocks; each reader here parses one
kind of block with its own small Lark grammar (``grammars/<field>.lark``, LALR, contextual
lexer, transformer passed to ``Lark``) and returns typed values plus pending defects whose
lines count from the block's first line (1-based).
"""

from __future__ import annotations

from .banner import read_banner
from .classified_by import read_classified_by
from .eo import read_eo
from .refs import read_refs, strip_refs_label
from .tags import TagsField, read_tags

__all__ = [
    "TagsField",
    "read_banner",
    "read_classified_by",
    "read_eo",
    "read_refs",
    "read_tags",
    "strip_refs_label",
]
