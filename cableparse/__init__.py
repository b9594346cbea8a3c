"""cableparse: parse US diplomatic cables into typed, frozen objects.

>>> import cableparse
>>> cable = cableparse.parse_file("fixtures/08MEXICO23.page.txt")   # doctest: +SKIP
>>> cable.body.subject, cable.header.dtg                            # doctest: +SKIP

The public surface is described in ``docs/api.md`` (the contract it keeps is the project's
``API.md``): :func:`parse`, :func:`parse_file`, :func:`iter_cables`, :func:`render`,
:func:`to_dict`, :func:`from_dict`, :func:`canonical_id`, :func:`routing_indicator`, the
models, :class:`CableParseError` and :class:`CableError`; :mod:`cableparse.sqlite` for the
databases that ``cableparse convert`` writes; :data:`DEFECT_CODES` is the catalogue of defect
codes (:mod:`cableparse.defects`).

Importing cableparse loads only the models (plain attrs classes). The parser, the grammars and
the data tables are loaded on first use of a name that needs them and cached for the life of
the process, so that programs that merely import cableparse (a Hypothesis plugin scan, a CLI's
``--help``) do not pay for them.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from .core import iter_cables, parse, parse_envelope, parse_file
    from .normalize import canonical_id
    from .render import render
    from .routing import RoutingIndicator, routing_indicator
    from .serialize import from_dict, to_dict

__version__ = "0.1.0"

# Public name -> the module that defines it, imported on first access (PEP 562).
_LAZY: dict[str, str] = {
    "iter_cables": "core",
    "parse": "core",
    "parse_envelope": "core",
    "parse_file": "core",
    "canonical_id": "normalize",
    "render": "render",
    "RoutingIndicator": "routing",
    "routing_indicator": "routing",
    "from_dict": "serialize",
    "to_dict": "serialize",
}

# Submodules that ``import cableparse`` used to bind as attributes: keep ``cableparse.core``
# and friends working after a bare ``import cableparse``.
_SUBMODULES = frozenset(
    {"batch", "cli", "containers", "core", "dask", "fuzz", "normalize", "render", "routing", "serialize",
     "sinks", "sqlite", "strategies", "transform"}
)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Package(types.ModuleType):
    """The package's module type: a submodule import must not hide a function of the same name.

    Importing ``cableparse.render`` (the module) binds it as the package attribute ``render``,
    which would shadow the function ``cableparse.render`` now that the function is loaded
    lazily; the import system's binding is dropped so that :func:`__getattr__` serves the
    function.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # Pickled by name, as cloudpickle pickles plain modules: a Dask task that refers to
        # ``cableparse`` (``lambda c: isinstance(c, cableparse.Cable)``) must still pickle.
        return importlib.import_module, (self.__name__,)


sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "DEFECT_CODES",
    "Banner",
    "Body",
    "Cable",
    "CableError",
    "CableParseError",
    "Classification",
    "ClassifiedBy",
    "CodeInfo",
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
    "parse_file",
    "render",
    "routing_indicator",
    "to_dict",
]
