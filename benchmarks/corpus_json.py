#!/usr/bin/env python3
"""Write the JSON of every corpus cable, one line per file, to compare two versions of the parser.

    python benchmarks/corpus_json.py OUT.jsonl [--corpus ../shared/corpus]
    python benchmarks/corpus_json.py --compare OLD.jsonl NEW.jsonl

A speed change must not change a single output: run this with the old code (``PYTHONPATH``
pointing at its checkout) and the new, then compare. Each cable is written twice, plain and
with ``spans=True``, so that the field spans are compared as well as the fields.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FORMATS = {"csv-row": "csv", "html": "html", "raw-text": "text", "plusd": "auto"}


def dump(corpus: Path, out: Path) -> int:
    """Parse every file that ``MANIFEST.tsv`` lists and write ``file<TAB>json`` lines."""
    import cableparse
    from cableparse.serialize import to_dict

    count = 0
    with open(corpus / "MANIFEST.tsv", encoding="utf-8", newline="") as manifest, open(out, "w", encoding="utf-8") as sink:
        for entry in csv.DictReader(manifest, delimiter="\t"):
            data = (corpus / entry["file"]).read_bytes()
            fmt = FORMATS.get(entry["format"], "auto")
            for spans in (False, True):
                try:
                    kwargs = {"spans": True} if spans else {}
                    cable = cableparse.parse(data, format=fmt, **kwargs)
                    text = json.dumps(to_dict(cable), ensure_ascii=False, sort_keys=True, default=str)
                except TypeError:  # an older parser without spans
                    text = "no spans"
                except Exception as error:  # noqa: BLE001 - the comparison must see a failure too
                    text = f"error {type(error).__name__}: {error}"
                sink.write(f"{entry['file']}\t{int(spans)}\t{text}\n")
                count += 1
    return count


def _outputs(path: Path) -> dict[str, str]:
    """``file<TAB>spans`` to its whole line."""
    with path.open(encoding="utf-8") as lines:
        return {"\t".join(line.split("\t", 2)[:2]): line for line in lines}


def compare(old: Path, new: Path) -> int:
    """Print each file whose JSON differs; the exit status is the number of differences."""
    before = _outputs(old)
    after = _outputs(new)
    differ = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    for key in differ:
        print("differs:", key)
    print(f"{len(before)} outputs before, {len(after)} after, {len(differ)} differ")
    return min(len(differ), 255)


def main(argv: list[str] | None = None) -> int:
    """Dump or compare."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.out is None:
        parser.error("give OUT or --compare OLD NEW")
    print(dump(args.corpus, args.out), "outputs written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
