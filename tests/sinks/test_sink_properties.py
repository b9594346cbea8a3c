"""Property: any list of cables from ``cableparse.strategies.cables()`` survives every sink."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
strategies = pytest.importorskip("cableparse.strategies")
if not hasattr(strategies, "cables"):  # pragma: no cover - the strategies module is young
    pytest.skip("cableparse.strategies has no cables() yet", allow_module_level=True)

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cableparse.models import Cable
from cableparse.sinks import open_sink, read_output

EXTENSIONS = [".jsonl", ".sqlite"]
try:
    import pyarrow  # noqa: F401

    EXTENSIONS.append(".parquet")
except ImportError:  # pragma: no cover
    pass


@pytest.mark.parametrize("ext", EXTENSIONS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cables=st.lists(strategies.cables(), max_size=4))
def test_sink_round_trip(ext: str, cables: list[Cable]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / f"out{ext}"
        with open_sink(out) as sink:
            for cable in cables:
                sink.write(cable)
        assert read_output(out) == cables
