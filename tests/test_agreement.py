"""How often the container and the cable agree, over ../shared/corpus (skipped where absent).

For cables.csv rows and Cablegate HTML pages whose header has a DTG (the corpus's csv rows are
partial extracts and ACP 126 headers; its pages are ACP 127): the container date
against the header's DTG, and the published id against the id the classification line gives
(year of the DTG, MRN origin, serial). The figures are printed for the closing note; the
assertions hold them near 100%, where a regression in the header or banner parsing would
show first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cableparse
from cableparse.containers import extract
from cableparse.normalize import canonical_id, make_id

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not available here")


def _figures(suffix: str, fmt: str) -> tuple[int, int, int, int]:
    cables = dates = ids = with_banner = 0
    for path in sorted(CORPUS.glob(f"*{suffix}")):
        data = path.read_bytes()
        envelope = extract(data, fmt)
        cable = cableparse.parse(data, format=fmt)
        header, body = cable.header, cable.body
        if header is None or header.dtg is None or envelope.created is None:
            continue
        cables += 1
        created = envelope.created
        if fmt == "html":
            # Cablegate pages print the hour where the minutes belong (spec 4.1): compare to the hour.
            if created.date() == header.dtg.date() and created.hour == header.dtg.hour:
                dates += 1
        elif created == header.dtg:
            dates += 1
        if body is not None and body.banner is not None and body.banner.origin and body.banner.serial:
            with_banner += 1
            derived = make_id(header.dtg.year, body.banner.origin, body.banner.serial)
            if canonical_id(envelope.reference_id or "") == derived:
                ids += 1
    return cables, dates, with_banner, ids


@pytest.mark.parametrize(("suffix", "fmt"), [(".csv-row", "csv"), (".html", "html")])
def test_container_agrees_with_header_and_banner(suffix: str, fmt: str) -> None:
    cables, dates, with_banner, ids = _figures(suffix, fmt)
    print(
        f"\n{fmt}: {cables} cables with a header DTG; container date = DTG in {dates} "
        f"({dates / cables:.1%}); id = banner id in {ids} of {with_banner} ({ids / with_banner:.1%})"
    )
    assert cables >= 30
    assert dates >= 0.95 * cables
    assert ids >= 0.95 * with_banner
