"""Field grammars: what is inside the short front-matter blocks that the body grammar finds.

The block grammar (``grammars/body.lark``) cuts a body into blocks; each reader here parses one
kind of block with its own small Lark grammar (``grammars/<field>.lark``, LALR, contextual
lexer, transformer passed to ``Lark``) and returns typed values plus pending defects whose
lines count from the block's first line (1-based).
"""

from __future__ import annotations

from .banner import banner_caveats, level_from_marking, read_banner, read_portion_mark
from .classified_by import read_classified_by, read_classified_by_and_tail
from .eo import read_eo, split_eo
from .refs import read_refs, strip_refs_label
from .tags import TagsField, read_tags, split_run_together

__all__ = [
    "TagsField",
    "banner_caveats",
    "level_from_marking",
    "read_banner",
    "read_classified_by",
    "read_classified_by_and_tail",
    "read_eo",
    "read_portion_mark",
    "read_refs",
    "read_tags",
    "split_eo",
    "split_run_together",
    "strip_refs_label",
]
