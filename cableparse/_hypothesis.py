"""The Hypothesis plugin hook: makes ``st.from_type(Cable)`` draw from the cable strategies.

Hypothesis imports every plugin it finds through the ``hypothesis`` entry point whenever any
program imports ``hypothesis``, including programs that never touch cables. So this module
imports only the models (attrs classes, cheap) and registers a *deferred* strategy: the
parser and :mod:`cableparse.strategies` are imported the first time a ``Cable`` is drawn,
not when Hypothesis starts (that import cost about 115 ms before; see issue 16).
"""

from __future__ import annotations

from typing import Any


def _cables() -> Any:
    from .strategies import cables

    return cables()


def setup() -> None:
    """Register the ``Cable`` type strategy with Hypothesis (called through the entry point)."""
    from hypothesis import strategies as st

    from .models import Cable

    st.register_type_strategy(Cable, st.deferred(_cables))
