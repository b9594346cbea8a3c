#!/usr/bin/env python3
"""Write a realistic synthetic cables.csv for benchmarks and large-input tests.

    python benchmarks/generate_dump.py --size 200MB -o /tmp/cables.csv

Rows are built from real cables.csv rows: ``../shared/corpus/*.csv-row``, the row embedded in
the seed page (``fixtures/`` or ``../shared/seeds/``); without them, from a built-in synthetic
cable. Each row gets a new row id, creation date (increasing, like the real file), reference
id, header date-time group and serial numbers, and a body cut or grown (from the pool of all
paragraphs) to a size drawn from a log-normal spread between 1 and 40 KB with a mean near
7 KB. Fields are written the MySQL way the real file uses: ``\\`` before ``"`` and ``\\``,
newlines kept literal.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

MIN_BODY = 1_000
MAX_BODY = 40_000
MEDIAN_BODY = 5_300
SIGMA = 0.75  # with the clipping above this gives a mean body of about 7 KB

_ROW_START = re.compile(r"^\d+,\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d,[^,]+,\"", re.MULTILINE)
_DTG = re.compile(r"^((?:[OPRZ]{1,2} )?)\d{6}Z ([A-Za-z]{3}) \d{2}\s*$", re.MULTILINE)
"""FL5 ("R 042201Z JAN 08"), or the bare DTG line of a partial-extract header ("051329Z May 04")."""
_FL3 = re.compile(r"^(DE [A-Z]{5,7} #)\d{4}(/\d\d)? \d{7}", re.MULTILINE)
_BANNER_SERIAL = re.compile(r"\b(\d{3,6})(\s*)$")
_PARAGRAPH = re.compile(r"^\s*\d{1,2}\. ")

_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

csv.field_size_limit(2**31 - 1)

BUILTIN_ROW = [
    "1",
    "1/4/2008 22:01",
    "08FREEDONIA23",
    "Embassy Freedonia",
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "08STATE145633",
    (
        "VZCZCXRO5183\nRR RUEHCD RUEHGD\nDE RUEHFR #0023/01 0042201\nZNR UUUUU ZZH\n"
        "R 042201Z JAN 08\nFM AMEMBASSY FREEDONIA\nTO RUEHC/SECSTATE WASHDC 0049\n"
        "INFO RUEHXC/ALL US CONSULATES IN FREEDONIA COLLECTIVE"
    ),
    "UNCLAS SECTION 01 OF 02 FREEDONIA 000023\n\nSIPDIS\n\nSENSITIVE\nSIPDIS\n\n"
    "E.O. 12958: N/A\nTAGS: PTER, ASEC, PGOV, FR\n"
    "SUBJECT: DRAFT COUNTRY TERRORISM REPORT FOR 2007\n\nREF: STATE 145633\n\n"
    + "\n\n".join(
        f"{n}. (SBU) Freedonia's \"national\" commitment to work with us remains strong; "
        "the ministry reported steady progress on border security, aviation screening and "
        "terrorism-financing cases during the year, and asked for further training. "
        "Officials said the new unit would start work next quarter.\n"
        "Cooperation with the regional partners is good.  C:\\TEMP is not a path here."
        for n in range(1, 9)
    )
    + "\n\nBASSETT\n",
]


def _read_rows(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text), escapechar="\\", doublequote=False, strict=False)
    for row in reader:
        if len(row) == 8 and row[0].strip().isdigit():
            yield row


def _page_row(text: str) -> list[str] | None:
    """The cables.csv row embedded in a republished page (spec 3.6)."""
    match = _ROW_START.search(text)
    if match is None:
        return None
    segment = text[match.start():]
    # Pages (the Scoop seed) lose the row's closing quote and go on with site boilerplate
    # from a "(c) Scoop Media" line on: end the row there.
    boilerplate = re.search(r"^\s*\u00a9", segment, re.MULTILINE)
    if boilerplate is not None:
        segment = segment[: boilerplate.start()].rstrip()
        if not segment.endswith('"'):
            segment += '"'
        segment += "\n"
    return next(_read_rows(segment), None)


def template_rows(paths: Iterable[Path] | None = None) -> list[list[str]]:
    """Real rows to build from (corpus, seed, fixtures), or the built-in row."""
    if paths is None:
        candidates: list[Path] = []
        for directory in (SHARED / "corpus", ROOT / "fixtures", SHARED / "seeds"):
            if directory.is_dir():
                candidates.extend(sorted(directory.iterdir()))
        paths = candidates
    rows: list[list[str]] = []
    for path in paths:
        name = path.name
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if name.endswith((".csv-row", ".csv")):
            rows.extend(_read_rows(text))
        elif name.endswith(".txt"):
            row = _page_row(text)
            if row is not None:
                rows.append(row)
    return rows or [list(BUILTIN_ROW)]


def _paragraph_pool(rows: list[list[str]]) -> list[str]:
    pool: list[str] = []
    for row in rows:
        for block in re.split(r"\n\s*\n", row[7]):
            if _PARAGRAPH.match(block) and 80 <= len(block) <= 4000:
                pool.append(_PARAGRAPH.sub("", block, count=1))
    return pool or [re.split(r"\n\s*\n", BUILTIN_ROW[7])[-2].split(". ", 1)[1]]


def _body_size(rng: random.Random) -> int:
    return int(min(MAX_BODY, max(MIN_BODY, rng.lognormvariate(0, SIGMA) * MEDIAN_BODY)))


def _resize(body: str, target: int, pool: list[str], rng: random.Random) -> str:
    """Cut or grow a body at paragraph boundaries to about ``target`` characters."""
    body = body.rstrip()
    head, _, signer = body.rpartition("\n")
    if not head or len(signer) > 40:
        head, signer = body, ""
    if len(head) > target:
        cut = head.rfind("\n\n", 0, target)
        head = head[: cut if cut > 400 else target]
    number = sum(1 for line in head.splitlines() if _PARAGRAPH.match(line)) + 1
    parts = [head]
    size = len(head)
    while size < target:
        paragraph = rng.choice(pool)
        parts.append(f"{number}. {paragraph}")
        size += len(paragraph) + 6
        number += 1
    return "\n\n".join(parts) + ("\n" + signer if signer else "") + "\n"


def _escape(field: str) -> str:
    return field.replace("\\", "\\\\").replace('"', '\\"').replace("\0", "\\0")


def _origin_code(reference_id: str) -> str:
    match = re.match(r"\d{2}([A-Z]+)", reference_id)
    return match.group(1) if match else "STATE"


def make_row(
    index: int,
    template: list[str],
    when: dt.datetime,
    serial: int,
    pool: list[str],
    rng: random.Random,
) -> str:
    """One cables.csv record (with its final newline) derived from ``template``."""
    _, _, reference_id, origin, classification, references, header, body = template
    reference_id = f"{when.year % 100:02d}{_origin_code(reference_id)}{serial}"
    month = _MONTHS[when.month - 1]

    def new_dtg(match: re.Match[str]) -> str:
        # Keep the template's month spelling (a few real DTGs say "Oct").
        written = month if match.group(2).isupper() else month.title()
        return f"{match.group(1)}{when:%d%H%M}Z {written} {when:%y}"

    header = _DTG.sub(new_dtg, header, count=1)
    julian = f"{when.timetuple().tm_yday:03d}{when:%H%M}"
    header = _FL3.sub(lambda m: f"{m.group(1)}{serial % 10000:04d}{m.group(2) or ''} {julian}", header, count=1)
    first, newline, rest = body.partition("\n")
    # The banner serial keeps the template's width ("0166", "000023").
    first = _BANNER_SERIAL.sub(lambda m: f"{serial:0{len(m.group(1))}d}{m.group(2)}", first, count=1)
    body = first + newline + rest
    body = _resize(body, _body_size(rng), pool, rng)
    created = f"{when.month}/{when.day}/{when.year} {when.hour}:{when.minute:02d}"
    fields = [created, reference_id, origin, classification, references, header, body]
    return str(index) + "," + ",".join(f'"{_escape(f)}"' for f in fields) + "\n"


def generate(
    path: str | os.PathLike[str],
    size: int,
    *,
    seed: int = 2010,
    templates: list[list[str]] | None = None,
) -> int:
    """Write rows to ``path`` until it holds at least ``size`` bytes; return the row count."""
    rng = random.Random(seed)
    rows = templates if templates is not None else template_rows()
    pool = _paragraph_pool(rows)
    # Spread the dates over the real range's busy years; rows are in creation order.
    when = dt.datetime(1985, 1, 1, 0, 0)
    step = dt.timedelta(minutes=max(1, int(25 * 365 * 24 * 60 / max(1, size // 8000))))
    serials: dict[str, int] = {}
    written = 0
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        while written < size:
            template = rng.choice(rows)
            code = _origin_code(template[2])
            serials[code] = serials.get(code, rng.randrange(1, 500)) + rng.randrange(1, 40)
            when += step * rng.uniform(0.2, 1.8)
            count += 1
            record = make_row(count, template, when, serials[code], pool, rng)
            out.write(record)
            written += len(record.encode("utf-8"))
    return count


_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}


def parse_size(text: str) -> int:
    """``"200MB"`` -> 200_000_000 (KB/MB/GB decimal, KiB/MiB/GiB binary)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if match is None or match.group(2).upper() not in _UNITS:
        raise argparse.ArgumentTypeError(f"bad size {text!r} (e.g. 200MB, 1.5GB, 64KiB)")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def main(argv: list[str] | None = None) -> int:
    """Command line: ``generate_dump.py --size 200MB -o PATH``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("200MB"), help="e.g. 200MB")
    parser.add_argument("-o", "--output", required=True, help="cables.csv to write")
    parser.add_argument("--seed", type=int, default=2010, help="random seed (output is reproducible)")
    parser.add_argument("--builtin", action="store_true", help="use only the built-in cable")
    args = parser.parse_args(argv)
    templates = [list(BUILTIN_ROW)] if args.builtin else None
    rows = generate(args.output, args.size, seed=args.seed, templates=templates)
    size = os.path.getsize(args.output)
    print(f"{args.output}: {rows:,} rows, {size / 1e6:.1f} MB, mean {size / rows / 1e3:.1f} KB/row", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
