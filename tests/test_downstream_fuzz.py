"""What a user's CI does with the public strategies: fuzz a small consumer of cables.

Only ``cableparse.strategies``' public names are used, as a downstream project would.
"""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

import cableparse
from cableparse.strategies import cable_texts, cables, csv_rows


def index_by_tag(items: list[cableparse.Cable]) -> dict[str, set[str]]:
    """A consumer: tag code -> ids of the cables carrying it (what a search index would build)."""
    index: dict[str, set[str]] = defaultdict(set)
    for cable in items:
        if cable.body is None or cable.reference_id is None:
            continue
        for tag in cable.body.tags:
            index[tag.code].add(cable.reference_id)
    return dict(index)


@settings(max_examples=20, deadline=None)
@given(st.lists(cables(), max_size=4))
def test_tag_index_invariants(items: list[cableparse.Cable]) -> None:
    index = index_by_tag(items)
    ids = {c.reference_id for c in items if c.reference_id}
    # Every indexed id is one of ours, and every tag of every cable is findable.
    assert set().union(*index.values()) <= ids if index else True
    for cable in items:
        if cable.body is not None and cable.reference_id is not None:
            for tag in cable.body.tags:
                assert cable.reference_id in index[tag.code]
                assert tag.code == tag.code.upper()


@settings(max_examples=20, deadline=None)
@given(cable_texts())
def test_consumer_survives_any_rendered_text(text: str) -> None:
    cable = cableparse.parse(text)
    assert cable.body is not None
    assert index_by_tag([cable]) is not None
    record = cableparse.to_dict(cable)  # e.g. stored as JSON by the consumer
    assert cableparse.from_dict(record) == cable


@settings(max_examples=20, deadline=None)
@given(csv_rows())
def test_consumer_reads_csv_rows(row: str) -> None:
    cable = cableparse.parse(row, format="csv")
    assert cable.container == "csv" and cable.row_id is not None
    assert cable.created is not None and cable.created.tzinfo is not None
