"""Hypothesis strategies for cables (needs the ``hypothesis`` extra).

Filled in by the property-testing work (issue 5); the entry point below is what Hypothesis
calls at start-up, so it must exist and import nothing heavy.
"""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    """Called by Hypothesis through the ``hypothesis`` entry point; registers type strategies."""
