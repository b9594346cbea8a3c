"""TAGS blocks (spec 2.5)."""

from __future__ import annotations

from typing import NamedTuple

from ..models import Tag
from ..normalize import parse_tags, split_run_together, tag_kind
from ..transform import Pending, interpret_tags


class TagsField(NamedTuple):
    """What a TAGS block holds."""

    tags: tuple[Tag, ...]
    """The entries in order, without duplicates."""
    label: str
    """The label as written (``TAGS``, ``AGS``, ``Tags``)."""
    rest: str
    """Lines of the block that do not continue the TAGS (they are passing text)."""
    pending: list[Pending]
    """Defects, lines counted from the block's first line."""


def read_tags(block: str) -> TagsField:
    """The entries of a TAGS block, label included in ``block``."""
    label, _colon, rest = interpret_tags(block)
    pending: list[Pending] = []
    if label not in ("TAGS", "Tags"):
        # 07BUENOSAIRES1673: 'AGS:'; also TAG, TAGE.
        pending.append(("tags-label-typo", f"TAGS label written {label!r}", 1, 1))
    tags: list[Tag] = []
    for tag in parse_tags(rest):
        pieces = split_run_together(tag.code) if tag.kind == "unknown" else None
        if pieces is None:
            tags.append(tag)
            continue
        # 02VATICAN5296: "VTPREL"; spec 2.5: "PHUMBA", "ECONEFIN".
        pending.append(("tags-run-together", f"TAGS entry {tag.code!r} read as {' '.join(pieces)}", 1, 1))
        tags.extend(Tag(code=piece, kind=tag_kind(piece)) for piece in pieces)
    return TagsField(tags=tuple(dict.fromkeys(tags)), label=label, rest="", pending=pending)
