#!/usr/bin/env python3
"""Benchmark cableparse on real cables: the corpus's cables.csv rows and Cablegate HTML pages.

    python benchmarks/real.py [--corpus ../shared/corpus] [--repeat 5]

Reads the files that ``MANIFEST.tsv`` lists as ``csv-row`` and ``html``, writes the rows to
one temporary cables.csv, and prints, in one run, with lark-cython and without it (a child
process with ``CABLEPARSE_PURE_PYTHON=1``):

- the floor: Python's ``csv`` module reading that cables.csv;
- the CPU time per cable of each stage, each timed by calling the stage's own function on every
  cable (see :func:`stage_calls`): container, lexing (the header and body grammars' own lexers
  as the parse runs them, through ``TokenRunner``),
  parsing (the grammar run with its transformer, minus the lexing), assembly (the body's
  blocks given their roles), normalization (ids, classification, REF entries), and
  serialization (``to_dict`` and the JSON Lines line);
- ``parse_envelope`` whole, as a check on the sum of the stages;
- the end-to-end time per cable (container + ``parse_envelope``), as a multiple of the floor;
- an HTML page's end-to-end time against a csv row's.

Each figure is the fastest of ``--repeat`` passes over all cables (the machine is shared), each
pass with the parser's per-text caches emptied first, as a dump would show each cable once.
The generated-dump benchmark (``bench.py``) is synthetic: its rows are more regular than
real ones; this one is what the README's table shows.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
STAGES = ("container", "lexing", "parsing", "assembly", "normalization", "to_dict", "json line")


def stage_calls(raw: bytes, format: str) -> dict[str, Callable[[], object]]:
    """The stage functions of one cable, each as a call with its input made ready.

    Each stage's input is computed once here from the stage before, so that timing a call
    times that stage alone. ``lex+parse`` runs both grammars with their transformers (lexer,
    LALR parser and transformer callbacks); ``parsing`` in the table is that minus
    ``lexing``. Adapt this function, and only this one, when the parse core changes.
    """
    from cableparse import parse
    from cableparse.assemble import BodyBuilder
    from cableparse.containers import extract
    from cableparse.core import _prepare, _run, _unreflow, parse_envelope
    from cableparse.errors import Defects
    from cableparse.fields import read_refs
    from cableparse.header import _header_runner
    from cableparse.normalize import canonical_id, parse_classification
    from cableparse.serialize import to_dict
    from cableparse.sinks.jsonl import dumps
    from cableparse.transform import _body_runner

    envelope = extract(raw, format)
    header_text = _prepare(envelope.header_text or "")[0]
    body_text, _ = _unreflow(_prepare(envelope.body_text or "")[0], Defects())
    # Both grammars' own lexers as the parse runs them (header.parse_whole, read_blocks): their
    # TokenRunners, without Lark.
    header_runner = _header_runner()
    body_runner = _body_runner()
    blocks = _run("body", body_text, Defects()) if body_text.strip() else []
    built = BodyBuilder(blocks, Defects()).build() if blocks else None
    refs_text = built[1] if built else None
    cable = parse_envelope(envelope)
    year = cable.created.year % 100 if cable.created else None
    record = to_dict(cable)

    def lex() -> object:
        tokens = 0
        if header_text.strip():
            tokens += len(header_runner.tokens(header_text) or ())
        if body_text.strip():
            tokens += len(body_runner.tokens(body_text) or ())
        return tokens

    def lex_parse() -> object:
        if header_text.strip():
            _run("header", header_text, Defects())
        if body_text.strip():
            _run("body", body_text, Defects())
        return None

    def normalize() -> object:
        ids = canonical_id(envelope.reference_id) if envelope.reference_id else None
        level = parse_classification(envelope.classification) if envelope.classification else None
        refs = read_refs(refs_text, year=year) if refs_text else ()
        return ids, level, refs

    return {
        "container": lambda: extract(raw, format),
        "lexing": lex,
        "lex+parse": lex_parse,
        "assembly": (lambda: BodyBuilder(blocks, Defects()).build()) if blocks else (lambda: None),
        "normalization": normalize,
        "to_dict": lambda: to_dict(cable),
        "json line": lambda: dumps(cable),
        "parse_envelope": lambda: parse_envelope(envelope),
        "json encode only": lambda: json.dumps(record, ensure_ascii=False, separators=(",", ":")),
        # Field spans (issue 17): the same parse, with and without them.
        "parse": lambda: parse(raw, format=format),
        "parse with spans": lambda: parse(raw, format=format, spans=True),
    }


def _corpus(corpus: Path) -> tuple[list[bytes], list[bytes]]:
    rows: list[bytes] = []
    pages: list[bytes] = []
    with open(corpus / "MANIFEST.tsv", encoding="utf-8", newline="") as manifest:
        for entry in csv.DictReader(manifest, delimiter="\t"):
            data = (corpus / entry["file"]).read_bytes()
            if entry["format"] == "csv-row":
                rows.append(data if data.endswith(b"\n") else data + b"\n")
            elif entry["format"] == "html":
                pages.append(data)
    return rows, pages


def _best(calls: list[Callable[[], object]], repeat: int) -> float:
    """Fastest of ``repeat`` passes over ``calls``: CPU seconds per call.

    CPU time of this process, not wall time: on a machine shared with other work it is the
    figure that other processes disturb least (everything measured here is one thread).
    """
    from cableparse._cache import clear_caches

    best = float("inf")
    gc.collect()
    for _ in range(repeat):
        # The field readers cache results per block text; a dump shows each cable once, so every
        # pass starts with empty caches (otherwise passes 2..n time dictionary lookups).
        clear_caches()
        start = time.process_time()
        for call in calls:
            call()
        best = min(best, time.process_time() - start)
    return best / max(1, len(calls))


def _best_pair(first: list[Callable[[], object]], second: list[Callable[[], object]], repeat: int) -> tuple[float, float]:
    """:func:`_best` of two lists of calls, their passes alternating: for a ratio of two
    figures (the parse with and without field spans), which a load that changes between
    two separate runs of passes would skew."""
    from cableparse._cache import clear_caches

    best = [float("inf"), float("inf")]
    gc.collect()
    for _ in range(repeat):
        for slot, calls in enumerate((first, second)):
            clear_caches()
            start = time.process_time()
            for call in calls:
                call()
            best[slot] = min(best[slot], time.process_time() - start)
    return best[0] / max(1, len(first)), best[1] / max(1, len(second))


def measure(corpus: Path, repeat: int) -> dict[str, Any]:
    """Every figure of the table for this process's parser (lark-cython or pure Python)."""
    sys.path.insert(0, str(ROOT))
    import cableparse
    from cableparse.containers.csvfile import iter_csv_envelopes
    from cableparse.grammar import speedups

    rows, pages = _corpus(corpus)
    with tempfile.TemporaryDirectory(prefix="cableparse-real-") as workdir:
        dump = Path(workdir) / "cables.csv"
        dump.write_bytes(b"".join(rows))

        def floor() -> int:
            csv.field_size_limit(2**31 - 1)
            with open(dump, encoding="utf-8", newline="") as file:
                return sum(1 for _ in csv.reader(file, escapechar="\\", doublequote=False))

        def read_rows() -> int:
            with open(dump, "rb") as binary:
                return sum(1 for _ in iter_csv_envelopes(binary, source=str(dump)))

        def parse_rows() -> int:
            return sum(1 for _ in cableparse.iter_cables(str(dump), format="csv", errors="yield"))

        records = floor()
        figures: dict[str, Any] = {
            "lark_cython": bool(speedups()),
            "rows": len(rows),
            "records": records,
            "pages": len(pages),
            "page_kb": sum(map(len, pages)) / max(1, len(pages)) / 1000,
            "row_kb": sum(map(len, rows)) / max(1, len(rows)) / 1000,
            "floor": _best([floor], repeat) / records,
            # The container stage for rows is the streaming reader over the whole file, the
            # way a dump is read (extract() per row would add a file's set-up per row).
            "csv container stream": _best([read_rows], repeat) / records,
            "csv end to end": _best([parse_rows], repeat) / records,
        }
        for kind, inputs, format in (("csv", rows, "csv"), ("html", pages, "html")):
            calls = [stage_calls(data, format) for data in inputs]
            for stage in calls[0]:
                if stage not in ("parse", "parse with spans"):
                    figures[f"{kind} {stage}"] = _best([c[stage] for c in calls], repeat)
            figures[f"{kind} parse"], figures[f"{kind} parse with spans"] = _best_pair(
                [c["parse"] for c in calls], [c["parse with spans"] for c in calls], repeat
            )
        figures["html end to end"] = _best([lambda data=data: cableparse.parse(data, format="html") for data in pages], repeat)
    return figures


def _table(fast: dict[str, Any], pure: dict[str, Any]) -> str:
    def us(seconds: float) -> str:
        return f"{seconds * 1e6:,.0f}"

    lines = [
        f"Real cables: {fast['rows']} cables.csv rows (mean {fast['row_kb']:.1f} KB), "
        f"{fast['pages']} Cablegate HTML pages (mean {fast['page_kb']:.0f} KB); "
        "µs per cable, fastest of the passes; x floor = multiple of the csv module's time per row.",
        "",
        "| stage, per cable | csv row µs | x floor | HTML page µs | csv row µs, pure Python | HTML page µs, pure Python |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    floor = fast["floor"]
    lines.append(f"| floor: `csv` module reads the row | {us(floor)} | 1.0 | | {us(pure['floor'])} | |")
    for stage in STAGES:
        if stage == "parsing":
            values = [max(0.0, figs[f"{k} lex+parse"] - figs[f"{k} lexing"]) for figs in (fast, pure) for k in ("csv", "html")]
        else:
            key = "container stream" if stage == "container" else stage
            values = [figs[f"csv {key}"] if k == "csv" else figs[f"html {stage}"] for figs in (fast, pure) for k in ("csv", "html")]
        label = {"lexing": "lexing (the grammars' own lexers, `TokenRunner`)", "parsing": "parsing (LALR + transformer)",
                 "container": "container (csv: streaming reader)", "json line": "JSON Lines line (`dumps`)"}.get(stage, stage)
        lines.append(f"| {label} | {us(values[0])} | {values[0] / floor:.1f} | {us(values[1])} | {us(values[2])} | {us(values[3])} |")
    rest = [figs[f"{k} parse_envelope"] - sum(figs[f"{k} {stage}"] for stage in ("lex+parse", "assembly", "normalization"))
            for figs in (fast, pure) for k in ("csv", "html")]
    lines.append(f"| rest of `parse_envelope` (preparing the text, defects, the merge) | {us(rest[0])} | "
                 f"{rest[0] / floor:.1f} | {us(rest[1])} | {us(rest[2])} | {us(rest[3])} |")
    for label, csv_key, html_key in (
        ("`parse_envelope` whole (check)", "csv parse_envelope", "html parse_envelope"),
        ("read + parse, end to end", "csv end to end", "html end to end"),
    ):
        lines.append(
            f"| **{label}** | {us(fast[csv_key])} | {fast[csv_key] / floor:.1f} | {us(fast[html_key])} | "
            f"{us(pure[csv_key])} | {us(pure[html_key])} |"
        )
    ratio, pure_ratio = fast["html end to end"] / fast["csv end to end"], pure["html end to end"] / pure["csv end to end"]
    json_share = fast["csv json line"] / (fast["csv end to end"] + fast["csv json line"])
    lines += [
        "",
        f"HTML page / csv row, end to end: {ratio:.1f}x with lark-cython, {pure_ratio:.1f}x pure Python. "
        f"csv rows end to end: {1 / fast['csv end to end']:,.0f} cables/s ({fast['csv end to end'] / floor:.1f}x the floor), "
        f"pure Python {1 / pure['csv end to end']:,.0f} cables/s ({pure['csv end to end'] / pure['floor']:.1f}x). "
        f"JSON line: {json_share:.0%} of a row's read + parse + encode "
        f"(json.dumps alone {us(fast['csv json encode only'])} µs).",
    ]
    spans = [figs[f"{k} parse with spans"] / figs[f"{k} parse"] - 1 for figs in (fast, pure) for k in ("csv", "html")]
    lines.append(
        f"Field spans: `parse(..., spans=True)` costs {spans[0]:+.0%} per csv row and {spans[1]:+.0%} per HTML page "
        f"({us(fast['csv parse with spans'])} and {us(fast['html parse with spans'])} µs); pure Python {spans[2]:+.0%} and {spans[3]:+.0%}."
    )
    if not fast["lark_cython"]:
        lines.append("(lark-cython is not installed: both columns are pure Python.)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the real-cable table (Markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="directory with MANIFEST.tsv")
    parser.add_argument("--repeat", type=int, default=5, help="passes over all cables; the fastest is kept")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # a child: print figures
    args = parser.parse_args(argv)
    if not (args.corpus / "MANIFEST.tsv").is_file():
        raise SystemExit(f"no MANIFEST.tsv in {args.corpus}")
    if args.json:
        print(json.dumps(measure(args.corpus, args.repeat)))
        return 0
    fast = measure(args.corpus, args.repeat)
    command = [sys.executable, __file__, "--json", "--corpus", str(args.corpus), "--repeat", str(args.repeat)]
    child = subprocess.run(command, capture_output=True, text=True, check=True,
                           env={**os.environ, "CABLEPARSE_PURE_PYTHON": "1"})
    pure = json.loads(child.stdout.strip().splitlines()[-1])
    print(_table(fast, pure))
    return 0


if __name__ == "__main__":
    sys.exit(main())
