#!/usr/bin/env python3
"""Time the REF reader and canonical_id on hostile input at n, 2n and 4n (issue 13).

    python benchmarks/refs_hostile.py [--scale 1.0]

Each family prints its seconds at n, 2n, 4n and the ratio of each doubling; a linear reader
stays near 2x. ``read_refs`` is timed on the REF text alone (the label already removed), and
``parse`` on a whole fragment, which adds the block grammar and the body assembly. The peak
RSS of the process is printed at the end. Kept out of the test suite: times on a shared
machine are too noisy to assert on.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import time
from collections.abc import Callable

import cableparse
from cableparse.fields.refs import read_refs
from cableparse.normalize import canonical_id

FAMILIES: dict[str, tuple[Callable[[int], str], Callable[[str], object], int]] = {
    # issue 13: repeated "REF: A. STATE 1" lines (each line is a REF block of its own).
    "parse: REF: A. STATE 1 lines": (lambda n: "REF: A. STATE 1\n" * n, cableparse.parse, 10_000),
    "read_refs: A. STATE 1 lines": (lambda n: "A. STATE 1\n" * n, lambda t: read_refs(t, year=9), 10_000),
    "read_refs: bullets on one line": (
        lambda n: " ".join(f"{chr(65 + i % 26)}. STATE {i}" for i in range(n)), lambda t: read_refs(t, year=9), 5_000),
    "read_refs: long hyphenated word": (lambda n: "-".join("A" * n) + " X", lambda t: read_refs(t, year=9), 50_000),
    "read_refs: hyphen chain before a serial": (lambda n: "AB-" * n + "1", lambda t: read_refs(t, year=9), 50_000),
    "read_refs: blanks after an origin": (lambda n: "STATE" + " " * n + "X", lambda t: read_refs(t, year=9), 100_000),
    "read_refs: words without serial": (lambda n: "PARIS " * n, lambda t: read_refs(t, year=9), 20_000),
    "read_refs: serial list": (lambda n: "STATE 1" + " AND 2" * n, lambda t: read_refs(t, year=9), 10_000),
    "read_refs: digits": (lambda n: "07 " * n, lambda t: read_refs(t, year=9), 20_000),
    "read_refs: punctuation": (lambda n: "(.-" * n, lambda t: read_refs(t, year=9), 50_000),
    "canonical_id: zeros after letters": (lambda n: "08A" + "0" * n + "X", canonical_id, 200_000),
    "canonical_id: section-like noise": (lambda n: "08" + "SECTION" * n + "1OF2X1", canonical_id, 50_000),
}


def _seconds(make: Callable[[int], str], run: Callable[[str], object], n: int) -> float:
    text = make(n)
    start = time.perf_counter()
    run(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every n by this")
    args = parser.parse_args()
    read_refs("A. STATE 1 B. PARIS 2", year=9)  # build the parsers before timing
    print(f"{'family':42} {'n':>8} {'1x s':>8} {'2x s':>8} {'4x s':>8} {'2x/1x':>6} {'4x/2x':>6}")
    for name, (make, run, n) in FAMILIES.items():
        n = max(1, int(n * args.scale))
        times = [_seconds(make, run, n * k) for k in (1, 2, 4)]
        ratios = [later / max(earlier, 1e-4) for earlier, later in itertools.pairwise(times)]
        print(f"{name:42} {n:>8} {times[0]:8.3f} {times[1]:8.3f} {times[2]:8.3f} {ratios[0]:6.2f} {ratios[1]:6.2f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
