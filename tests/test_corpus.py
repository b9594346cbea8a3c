"""Every cable of ../shared/corpus parses leniently and round-trips (skipped where absent)."""

from __future__ import annotations

import collections
from pathlib import Path

import attrs
import pytest

import cableparse

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FORMAT_OF_SUFFIX = {".csv-row": "csv", ".html": "html", ".txt": "text"}
FILES = sorted(p for p in CORPUS.glob("*") if p.suffix in FORMAT_OF_SUFFIX) if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(not FILES, reason="../shared/corpus is not available here")


@pytest.fixture(scope="module")
def parsed() -> dict[str, cableparse.Cable]:
    return {p.name: cableparse.parse(p.read_bytes(), format=FORMAT_OF_SUFFIX[p.suffix]) for p in FILES}


def test_every_corpus_cable_parses_with_text(parsed: dict[str, cableparse.Cable]) -> None:
    assert len(parsed) == len(FILES) >= 400
    no_text = [name for name, cable in parsed.items() if cable.body is None or not cable.body.text.strip()]
    assert no_text == []
    clean = sum(1 for cable in parsed.values() if not cable.defects)
    codes = collections.Counter(d.code for cable in parsed.values() for d in cable.defects)
    print(f"\ncorpus: {len(parsed)} cables, {clean} with zero defects; top defects {codes.most_common(8)}")
    # The corpus is real, mostly regular cables: most parse with no defect at all.
    assert clean >= 0.8 * len(parsed)


def test_corpus_ids_dates_and_subjects(parsed: dict[str, cableparse.Cable]) -> None:
    manifest = {}
    for line in (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        name, reference_id, *_ = line.split("\t")
        manifest[name] = reference_id
    for name, cable in parsed.items():
        expected = manifest[name]
        if expected.endswith("_b"):  # a PlusD id carries its collection letter
            expected = expected[:-2]
        assert cable.reference_id in (expected, manifest[name]), name
        assert cable.created is not None, name
    with_subject = sum(1 for c in parsed.values() if c.body is not None and c.body.subject)
    assert with_subject >= 0.95 * len(parsed)


def test_defect_positions_are_inside_the_input(parsed: dict[str, cableparse.Cable]) -> None:
    for path in FILES:
        lines = path.read_bytes().count(b"\n") + 1
        for defect in parsed[path.name].defects:
            if defect.line is not None:
                assert 1 <= defect.line <= lines, (path.name, defect)
            if defect.column is not None:
                assert defect.column >= 1, (path.name, defect)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_round_trips(path: Path, parsed: dict[str, cableparse.Cable]) -> None:
    cable = parsed[path.name]
    assert cableparse.from_dict(cableparse.to_dict(cable)) == cable
    # The citing year of REF ids comes from the id, which the text alone may not carry.
    again = cableparse.parse(cableparse.render(cable), format="text", reference_id=cable.reference_id)
    assert again.header == cable.header
    if cable.body is not None:
        assert again.body == attrs.evolve(cable.body, page_markers=())
