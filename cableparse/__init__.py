"""cableparse: parse US diplomatic cables into typed, frozen objects.

>>> import cableparse
>>> cable = cableparse.parse(open("cable.txt").read())          # doctest: +SKIP
>>> cable.body.subject, cable.header.dtg                        # doctest: +SKIP

The public surface is fixed by ``API.md``: :func:`parse`, :func:`iter_cables`,
:func:`render`, :func:`to_dict`, :func:`from_dict`, :func:`canonical_id`,
:func:`routing_indicator`, the models, :class:`CableParseError` and :class:`CableError`;
:data:`DEFECT_CODES` is the catalogue of defect codes (:mod:`cableparse.defects`).
Importing cableparse loads neither the grammars nor the data tables; both are read on first
use and cached for the life of the process.
"""

from __future__ import annotations

from .core import iter_cables, parse, parse_envelope
from .defects import DEFECT_CODES, CodeInfo, DefectCode
from .errors import CableParseError
from .models import (
    Banner,
    Body,
    Cable,
    CableError,
    Classification,
    ClassifiedBy,
    Defect,
    ExecutiveOrder,
    Header,
    Paragraph,
    Recipient,
    Reference,
    Tag,
)
from .normalize import canonical_id
from .render import render
from .routing import RoutingIndicator, routing_indicator
from .serialize import from_dict, to_dict

__version__ = "0.1.0"

__all__ = [
    "Banner",
    "Body",
    "Cable",
    "CableError",
    "CableParseError",
    "Classification",
    "ClassifiedBy",
    "CodeInfo",
    "DEFECT_CODES",
    "Defect",
    "DefectCode",
    "ExecutiveOrder",
    "Header",
    "Paragraph",
    "Recipient",
    "Reference",
    "RoutingIndicator",
    "Tag",
    "__version__",
    "canonical_id",
    "from_dict",
    "iter_cables",
    "parse",
    "parse_envelope",
    "render",
    "routing_indicator",
    "to_dict",
]
