"""cables.csv rows: the container's columns land in the metadata, and the header and body
read from the row are what the same text gives as a raw cable."""

from __future__ import annotations

import attrs
from hypothesis import given

from cableparse import Body, Header
from cableparse.fuzz import check_lenient, parse_any
from cableparse.normalize import parse_classification
from cableparse.strategies import CsvRecord, csv_records, parse_text


def _fields(part: Header | Body | None) -> dict[str, object] | None:
    return None if part is None else attrs.asdict(part, recurse=False)


@given(csv_records())
def test_csv_row_metadata_and_parts(record: CsvRecord) -> None:
    cable = parse_any(record.row, format="csv")
    assert cable.container == "csv"
    assert cable.row_id == record.row_id
    assert cable.created == record.created
    assert cable.reference_id == record.reference_id
    assert cable.origin == record.origin
    assert cable.classification == parse_classification(record.classification)
    assert cable.references == record.references
    # No container/cable disagreement was generated, and the escapes are all regular.
    assert cable.defects == (), cable.defects

    # The row's id gives the year that REF entries without one need (spec 2.7); a raw text
    # without a header knows no year, so it gets the id as context, as API.md provides.
    as_text = parse_text(record.header_text + "\n" + record.body_text, reference_id=record.reference_id)
    assert _fields(cable.header) == _fields(as_text.header)
    assert _fields(cable.body) == _fields(as_text.body)


@given(csv_records())
def test_csv_row_defects_in_range(record: CsvRecord) -> None:
    check_lenient(record.row, format="csv")
