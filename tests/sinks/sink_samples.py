"""Hand-built cables for the sink and batch tests (every model field set at least once)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cableparse.models import (
    Banner,
    Body,
    Cable,
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

UTC = dt.timezone.utc  # datetime.UTC needs Python 3.11

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
"""``../shared`` beside the repository; tests that need it skip when it is absent."""


def full_cable() -> Cable:
    """08MEXICO23-like cable with every field filled."""
    return Cable(
        reference_id="08MEXICO23",
        canonical_id="08MEXICO23",
        container="csv",
        row_id=136383,
        created=dt.datetime(2008, 1, 4, 22, 1, tzinfo=UTC),
        released=dt.datetime(2010, 12, 1, 12, 0, tzinfo=UTC),
        origin="Embassy Mexico",
        classification=Classification(level="UNCLASSIFIED", caveats=("FOR OFFICIAL USE ONLY",)),
        references=("08STATE145633",),
        header=Header(
            kind="acp127",
            transmission_id="VZCZCXRO5183",
            precedence="RR",
            routing_indicators=("RUEHCD", "RUEHGD"),
            station="RUEHME",
            station_serial=23,
            section=1,
            filed="0042201",
            security="ZNR UUUUU ZZH",
            precedences=("R",),
            dtg=dt.datetime(2008, 1, 4, 22, 1, tzinfo=UTC),
            operating_signals=("ZDK",),
            sender="AMEMBASSY MEXICO",
            to=(Recipient(routing_indicator="RUEHC", address="SECSTATE WASHDC", serial="0049"),),
            info=(
                Recipient(routing_indicator="RUEHXC", address="ALL US CONSULATES IN MEXICO COLLECTIVE"),
                Recipient(
                    routing_indicator="RHMFIUU",
                    address="CDR USSOUTHCOM MIAMI FL",
                    precedence="PRIORITY",
                    office="J-3/J-5",
                ),
            ),
            exempted=(Recipient(address="AMCONSUL TIJUANA"),),
            preamble="This record is a partial extract.",
        ),
        body=Body(
            banner=Banner(level="UNCLASSIFIED", marking="UNCLAS", section=(1, 3), origin="MEXICO", serial="000023"),
            captions=("SIPDIS", "SENSITIVE"),
            passing=("STATE FOR S/CT - RHONDA SHORE AND WHA/MEX",),
            executive_order=ExecutiveOrder(order="12958", declassify="DECL: 01/31/2016", declassify_on=dt.date(2016, 1, 31)),
            tags=(Tag(code="PTER", kind="subject"), Tag(code="MX", kind="geo"), Tag(code="CLINTON, HILLARY", kind="person")),
            subject="DRAFT COUNTRY TERRORISM REPORT FOR 2007",
            subject_classification="SBU",
            refs=(
                Reference(bullet="A", kind="cable", text="STATE 145633", cable_id="08STATE145633"),
                Reference(bullet="B", kind="email", text="EMAIL OF 3 JAN"),
            ),
            classified_by=ClassifiedBy(name="Ambassador Tony Garza", title="Ambassador", reasons=("1.4(b)", "1.4(d)"), text="Classified By: Ambassador Tony Garza, reasons 1.4(b) and (d)"),
            paragraphs=(
                Paragraph(number=1, classification="SBU", text="Mexico is a key ally \u2019 \u201cquoted\u201d."),
                Paragraph(text="Unnumbered \\ backslash \"quote\"\nsecond line"),
            ),
            summary="A summary.",
            signers=("BASSETT",),
            page_markers=("MEXICO 00000023  002 OF 003",),
            text="UNCLAS SECTION 01 OF 03 MEXICO 000023\n\nSIPDIS\n\u00e9t\u00e9 \u2028 line sep\n",
        ),
        defects=(
            Defect(code="tags-label-typo", message="TAGS written TAGs", line=12, column=1),
            Defect(code="container-date-mismatch", message="differs"),
        ),
    )


def minimal_cable() -> Cable:
    """A fragment: nothing but a defect."""
    return Cable(defects=(Defect(code="no-body", message="nothing to read"),))


def header_only_cable() -> Cable:
    """A text cable with a header and an empty body."""
    return Cable(
        container="text",
        header=Header(kind="partial"),
        body=Body(text=""),
        classification=Classification(level="SECRET", caveats=("NOFORN",)),
    )


def sample_cables(n: int = 7) -> list[Cable]:
    """``n`` cables cycling through the shapes above, with distinct row ids."""
    shapes = [full_cable(), minimal_cable(), header_only_cable()]
    out: list[Cable] = []
    for i in range(n):
        base = shapes[i % len(shapes)]
        out.append(base if i < len(shapes) else _with_row(base, 1000 + i))
    return out


def _with_row(cable: Cable, row_id: int) -> Cable:
    import attrs

    return attrs.evolve(cable, row_id=row_id, reference_id=f"09TEST{row_id}")


ROOT = Path(__file__).resolve().parents[2]

BROKEN_ROW = '777777,"2/3/2009 10:00","09BROKEN1","Embassy Nowhere","UNCLASSIFIED","","only seven fields"\n'
"""A cables.csv record with 7 columns: the reader must reject it, with its raw text."""


def generate_csv(path: Path, size: int, *, seed: int = 7, broken_after: tuple[int, ...] = ()) -> int:
    """Write a synthetic cables.csv with ``benchmarks/generate_dump.py``; return good rows.

    ``broken_after``: insert :data:`BROKEN_ROW` after these (1-based) good rows.
    """
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_dump", ROOT / "benchmarks" / "generate_dump.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows: int = module.generate(path, size, seed=seed)
    if broken_after:
        lines = path.read_bytes().split(b"\n")
        # Record starts are lines beginning with the row id and a quoted date.
        import re

        start = re.compile(rb'^\d+,"\d{1,2}/\d{1,2}/\d{4} ')
        out: list[bytes] = []
        seen = 0
        for line in lines:
            if start.match(line):
                if seen in broken_after:
                    out.append(BROKEN_ROW.encode().rstrip(b"\n"))
                seen += 1
            out.append(line)
        path.write_bytes(b"\n".join(out))
    return rows
