"""List the TAGS entries of a set of cables by the kind the parser gives them.

Used to extend cableparse/data/tags-*: run it on a corpus, read the ``unknown`` codes (and the
subject- or program-shaped codes no table lists), and judge which are real tags.

    python scripts/tag_kinds.py ../shared/corpus                   # kind "unknown"
    python scripts/tag_kinds.py ../shared/corpus --kind geo --untabled
"""

from __future__ import annotations

import argparse
import collections
from importlib import resources
from pathlib import Path

import cableparse

FORMAT_OF_SUFFIX = {".csv-row": "csv", ".html": "html", ".txt": "text", ".csv": "csv"}


def _tabled() -> set[str]:
    codes: set[str] = set()
    data = resources.files("cableparse").joinpath("data")
    for name in ("tags-subject.txt", "tags-program.txt", "tags-organization.txt", "tags-geo.tsv"):
        for line in data.joinpath(name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                codes.add(line.split("\t", 1)[0].strip().upper())
    return codes


def main() -> None:
    """Print ``count code first-file`` for each TAGS entry of the chosen kind."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--kind", default="unknown", help="tag kind to list (default: unknown)")
    parser.add_argument("--untabled", action="store_true", help="only codes no table lists")
    args = parser.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    first: dict[str, str] = {}
    tabled = _tabled() if args.untabled else set()
    for path in sorted(args.directory.iterdir()):
        if path.suffix not in FORMAT_OF_SUFFIX:
            continue
        cable = cableparse.parse(path.read_bytes(), format=FORMAT_OF_SUFFIX[path.suffix])
        for tag in cable.body.tags if cable.body else ():
            if tag.kind == args.kind and tag.code not in tabled:
                counts[tag.code] += 1
                first.setdefault(tag.code, path.name)
    for code, count in sorted(counts.items()):
        print(f"{count:5d}  {code:<24} {first[code]}")
    print(f"{len(counts)} distinct {args.kind} codes")


if __name__ == "__main__":
    main()
