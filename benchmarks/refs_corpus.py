#!/usr/bin/env python3
"""REF entries of every cable of ../shared/corpus, and what changed since an earlier run.

    python benchmarks/refs_corpus.py -o after.json [--before before.json]

Writes ``{file: [[bullet, kind, cable_id, text], ...]}``; prints the number of cable ids, how
many csv-row/HTML pairs cite the same cable ids, the time spent in the REF reader and, with
``--before`` (a file written by an earlier version, e.g. ``git stash`` or another checkout),
every cable whose REF ids changed, for reading against the cable.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import cableparse
import cableparse.core as core

FORMATS = {"csv-row": "csv", "html": "html", "txt": "auto"}
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

Refs = dict[str, list[list[str | None]]]


def _ids(entries: list[list[str | None]]) -> list[str | None]:
    return [entry[2] for entry in entries if entry[1] == "cable" and entry[2]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", required=True, type=Path)
    parser.add_argument("--before", type=Path)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()

    spent = 0.0
    read_refs = core.read_refs

    def timed(text: str, *, year: int | None) -> tuple[cableparse.Reference, ...]:
        nonlocal spent
        start = time.perf_counter()
        try:
            return read_refs(text, year=year)
        finally:
            spent += time.perf_counter() - start

    core.read_refs = timed  # type: ignore[assignment]
    refs: Refs = {}
    for path in sorted(args.corpus.iterdir()):
        kind = path.suffix.lstrip(".")
        if kind not in FORMATS:
            continue
        cable = cableparse.parse(path.read_bytes(), format=FORMATS[kind])
        body_refs = cable.body.refs if cable.body else ()
        refs[path.name] = [[r.bullet, r.kind, r.cable_id, r.text] for r in body_refs]
    args.output.write_text(json.dumps(refs, indent=0), encoding="utf-8")

    pairs = sorted(name[: -len(".csv-row")] for name in refs
                   if name.endswith(".csv-row") and name.replace(".csv-row", ".html") in refs)
    same = [rid for rid in pairs if _ids(refs[f"{rid}.csv-row"]) == _ids(refs[f"{rid}.html"])]
    print(f"{sum(len(_ids(v)) for v in refs.values())} REF cable ids in {sum(1 for v in refs.values() if v)} cables; "
          f"csv-row/HTML pairs citing the same ids: {len(same)}/{len(pairs)}; REF reader {spent * 1000:.0f} ms")
    for rid in pairs:
        if rid not in same:
            print(f"  pair differs: {rid} csv {_ids(refs[rid + '.csv-row'])} html {_ids(refs[rid + '.html'])}")
    if args.before:
        before: Refs = json.loads(args.before.read_text(encoding="utf-8"))
        changed = [name for name in sorted(set(before) | set(refs)) if _ids(before.get(name, [])) != _ids(refs.get(name, []))]
        print(f"{len(changed)} cables whose REF ids changed:")
        for name in changed:
            print(f"  {name}: {_ids(before.get(name, []))} -> {_ids(refs.get(name, []))}")


if __name__ == "__main__":
    main()
