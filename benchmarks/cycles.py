#!/usr/bin/env python3
"""Count the reference cycles a parse leaves, and the collector's work per pass over the corpus.

    python benchmarks/cycles.py [--corpus ../shared/corpus]

A parse should build nothing that only the cyclic garbage collector can free: what reference
counting frees costs nothing more, while cyclic garbage fills the collector's youngest
generation, and each collection walks it. A dict of a builder's own bound methods, kept on the
builder (``BodyBuilder._rules`` did so), made every cable's blocks, drafts and paragraphs such
garbage: 36 young and 3 middle collections per pass over the corpus's cables.csv rows, ~14 µs
per row of ``benchmarks/versus.py``'s ~310.

For each format of ``MANIFEST.tsv`` this prints the objects ``gc.collect()`` finds after each
parse (with the collector off during the parse; ``spans=True`` too), which should be 0, and for
the csv rows, the collections of each generation during one pass with the per-text caches
emptied, as ``versus.py`` times it (a few young collections come from the caches filling).
"""

from __future__ import annotations

import argparse
import csv
import gc
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
FORMATS = {"csv-row": "csv", "html": "html", "raw-text": "text", "plusd": "auto"}


def main(argv: list[str] | None = None) -> int:
    """Print the cyclic garbage per format and the collections per pass."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from versus import _empty_caches

    import cableparse
    from cableparse.containers import extract
    from cableparse.core import parse_envelope

    with open(args.corpus / "MANIFEST.tsv", encoding="utf-8", newline="") as manifest:
        entries = [(entry["format"], (args.corpus / entry["file"]).read_bytes()) for entry in csv.DictReader(manifest, delimiter="\t")]
    for kind, data in entries:  # grammars and tables built once, outside the count
        cableparse.parse(data, format=FORMATS.get(kind, "auto"))

    garbage: Counter[str] = Counter()
    files: Counter[str] = Counter()
    gc.collect()
    gc.disable()
    try:
        for spans in (False, True):
            for kind, data in entries:
                cableparse.parse(data, format=FORMATS.get(kind, "auto"), spans=spans)
                name = f"{kind}{' spans' if spans else ''}"
                files[name] += 1
                garbage[name] += gc.collect()
    finally:
        gc.enable()
    print("cyclic garbage left by a parse (objects; 0 is right):")
    for name in files:
        print(f"  {name:16} {garbage[name]:6d} in {files[name]} files")

    envelopes = [extract(data, "csv") for kind, data in entries if kind == "csv-row"]
    collections = Counter[int]()

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections[info["generation"]] += 1

    _empty_caches()
    gc.collect()
    gc.callbacks.append(count)
    try:
        for envelope in envelopes:
            parse_envelope(envelope)
    finally:
        gc.callbacks.remove(count)
    print(f"collections during one cold pass over {len(envelopes)} csv rows: "
          + ", ".join(f"generation {generation}: {collections[generation]}" for generation in (0, 1, 2)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
