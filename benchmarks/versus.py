#!/usr/bin/env python3
"""Time this checkout's parser against another checkout's on the corpus's real cables.csv rows.

    python benchmarks/versus.py /work/old-main [--rounds 4] [--passes 5] [--corpus ../shared/corpus]

Each round runs one child process per checkout (``PYTHONPATH`` set to it), alternating, so that
the machine's load falls on both alike. A child parses every csv row (``parse_envelope`` on the
container's envelope, as ``real.py`` times it) ``--passes`` times, each pass with the per-text
caches emptied first, and reports CPU µs per row of each pass. The table gives, per checkout,
the median over all passes of all rounds and the fastest pass.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def _empty_caches() -> None:
    """Empty the per-text caches, of this checkout or an older one without ``clear_caches``.

    Besides :func:`cableparse._cache.clear_caches`, every ``functools.lru_cache`` of a bounded
    size above one is emptied: those hold per-text results (ids, routing indicators); the
    unbounded and size-one ones hold compiled grammars and tables, built once per process.
    """
    try:
        from cableparse._cache import clear_caches
    except ImportError:
        pass
    else:
        clear_caches()
    for name, module in list(sys.modules.items()):
        if not name.startswith("cableparse"):
            continue
        for value in list(vars(module).values()):
            target = getattr(value, "__wrapped__", None) if not hasattr(value, "cache_parameters") else value
            parameters = getattr(target, "cache_parameters", None)
            if parameters is not None and parameters()["maxsize"] not in (None, 1):
                target.cache_clear()  # type: ignore[union-attr]


def child(corpus: Path, passes: int, warm: bool = False) -> list[float]:
    """CPU µs per csv row of each pass, in this process's checkout (``warm``: the per-text
    caches kept from the pass before, as in a long run over a dump, whose boilerplate lines
    repeat)."""
    from cableparse.containers import extract
    from cableparse.core import parse_envelope

    rows = []
    with open(corpus / "MANIFEST.tsv", encoding="utf-8", newline="") as manifest:
        for entry in csv.DictReader(manifest, delimiter="\t"):
            if entry["format"] == "csv-row":
                rows.append((corpus / entry["file"]).read_bytes())
    envelopes = [extract(row, "csv") for row in rows]
    for envelope in envelopes:  # build the grammars and tables once, outside the timing
        parse_envelope(envelope)
    times = []
    for _ in range(passes):
        if not warm:
            _empty_caches()
        gc.collect()
        start = time.process_time()
        for envelope in envelopes:
            parse_envelope(envelope)
        times.append((time.process_time() - start) / len(envelopes) * 1e6)
    return times


def main(argv: list[str] | None = None) -> int:
    """Alternate child processes of the two checkouts and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("other", type=Path, nargs="?", help="the other checkout (its root directory)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--warm", action="store_true", help="keep the per-text caches between passes")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path.insert(0, str(args.child))
        print(json.dumps(child(args.corpus, args.passes, args.warm)))
        return 0
    checkouts = {"this": ROOT}
    if args.other:
        checkouts = {"other": args.other.resolve(), "this": ROOT}
    results: dict[str, list[float]] = {name: [] for name in checkouts}
    for round_ in range(args.rounds):
        for name, path in checkouts.items():
            command = [sys.executable, __file__, "--child", str(path), "--passes", str(args.passes), "--corpus", str(args.corpus),
                       *(["--warm"] if args.warm else [])]
            env = {**os.environ, "PYTHONPATH": str(path)}
            out = subprocess.run(command, capture_output=True, text=True, check=True, env=env, cwd=path).stdout
            results[name] += json.loads(out.strip().splitlines()[-1])
            print(f"round {round_ + 1} {name}: {statistics.median(results[name][-args.passes:]):.0f} µs/row", file=sys.stderr)
    for name, path in checkouts.items():
        times = results[name]
        print(f"{name} ({path}): median {statistics.median(times):.0f} µs/row, fastest {min(times):.0f}, passes {len(times)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
