#!/usr/bin/env python3
"""Time the front-matter field readers over a corpus, and the memory of splitting run-together tags.

    python benchmarks/fields.py [CORPUS_DIR]      (default: ../shared/corpus)

Prints, for the best of five passes over every corpus file (field-reader caches emptied before
each pass, so every block is read anew): the parse time per cable, and the time spent in each
field reader (TAGS, E.O., Classified By, classification line) as the body assembly calls them. Then the
time and peak memory (tracemalloc) of splitting ``"AB" * 20000`` and ``"PRELPGOV" * 5000`` as
run-together tags: issue 13 measured 1.94 GB for the first with a split that kept, at every
position, its whole split. Kept out of the test suite: timings on a shared machine are noise.
Run from a checkout of another version to compare (it imports ``cableparse`` from the working
directory first).
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path.cwd()))

import cableparse
from cableparse import core

try:  # the body assembly moved to cableparse.assemble; older versions call the readers from core
    from cableparse import assemble as caller
except ImportError:  # pragma: no cover
    caller = core  # type: ignore[assignment]

FORMATS = {"csv-row": "csv", "html": "html", "txt": "auto", "tsv": "auto"}
READERS = ("read_tags", "read_eo", "read_classified_by", "read_banner")


def _clear_field_caches() -> None:
    try:
        from cableparse import fields
    except ImportError:  # pragma: no cover - versions before cableparse.fields
        return
    for name in ("tags", "eo", "classified_by", "banner"):
        module = getattr(fields, name, None)
        for value in vars(module).values() if module else ():
            if hasattr(value, "cache_clear") and getattr(value, "__name__", "") not in ("_parser", "_split_tables"):
                value.cache_clear()


def corpus_pass(files: list[tuple[bytes, str]], spent: dict[str, float]) -> float:
    start = time.perf_counter()
    for data, fmt in files:
        cableparse.parse(data, format=fmt)
    return time.perf_counter() - start


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "corpus"
    files = [(p.read_bytes(), FORMATS[p.suffix[1:]]) for p in sorted(corpus.iterdir()) if p.suffix[1:] in FORMATS]
    spent: dict[str, float] = {}

    def timed(name: str, reader: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return reader(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        return wrapper

    for name in READERS:
        for module in {caller, core}:
            if hasattr(module, name):
                setattr(module, name, timed(name, getattr(module, name)))
    corpus_pass(files, spent)  # build the parsers, load the tables
    runs = []
    for _ in range(5):
        _clear_field_caches()
        spent.clear()
        gc.collect()
        runs.append((corpus_pass(files, spent), dict(spent)))
    total, readers = min(runs, key=lambda run: run[0])
    print(f"{len(files)} files: {1000 * total / len(files):.2f} ms per cable (best of 5)")
    for name in READERS:
        print(f"  {name:<20} {1000 * readers.get(name, 0.0):7.1f} ms in all, {1e6 * readers.get(name, 0.0) / len(files):6.1f} us per cable")

    try:
        from cableparse.fields import split_run_together
    except ImportError:  # pragma: no cover - older versions
        from cableparse.normalize import split_run_together  # type: ignore[attr-defined,no-redef]
    for word in ("AB" * 20000, "PRELPGOV" * 5000):
        tracemalloc.start()
        start = time.perf_counter()
        pieces = split_run_together(word)
        took = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  split {word[:8]}... ({len(word)} letters): {len(pieces or ())} pieces, {took:.3f} s, peak {peak / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
