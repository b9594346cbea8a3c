#!/usr/bin/env python3
"""Time the header: hostile header lines at n, 2n, 4n, and the header parse over a corpus.

    python benchmarks/header_fields.py [CORPUS_DIR]   (default: ../shared/corpus)

Hostile lines (issue 13): an FL5 line with a run of spaces between its operating signals
(the old FL5 regex took 0.58 s, 1.98 s, 8.1 s at 10k, 20k, 40k), an addressee line with a
run of spaces before its precedence (the old _TAIL regex), an address of many words, and a
long address list. Each doubling should cost about 2x; the script prints the ratios.

Corpus: the CPU time of ``core.parse_header`` over every header of the corpus (best of 15
passes, each header parsed once per pass), and how much of it the field grammar takes.
Timed here rather than in the tests: the machine is shared and the tests must not be flaky.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cableparse
from cableparse import core, header
from cableparse.errors import Defects

FORMATS = {".csv-row": "csv", ".html": "html", ".txt": "auto"}

FAMILIES: dict[str, Callable[[int], str]] = {
    "fl5 spaces between signals": lambda n: "R 042201Z JAN 08 ZDK" + " " * n + "X\nFM AMEMBASSY X\n",
    "addressee spaces before precedence": lambda n: (
        "R 042201Z JAN 08\nFM AMEMBASSY X\nTO RUEHC/SECSTATE WASHDC" + " " * n + "PRIORITY 0049\n"
    ),
    "address of n words": lambda n: "R 042201Z JAN 08\nFM AMEMBASSY X\nTO RUEHC/" + "AB " * (n // 3) + "0049\n",
    "n/40 addressee lines": lambda n: (
        "R 042201Z JAN 08\nFM AMEMBASSY X\nTO RUEHC/SECSTATE WASHDC 0049\nINFO "
        + "RUEHBO/AMEMBASSY BOGOTA\n" * (n // 40)
    ),
    "fl3 serial of n digits": lambda n: "VZCZCXRO5183\nRR RUEHC\nDE RUEHME #" + "9" * n + " 0042201\n",
}


def _cpu(function: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return best


def _time_one(text: str) -> float:
    return _cpu(lambda: core.parse_header(text, Defects()))


def hostile(n: int = 10_000) -> None:
    print(f"{'family':38} {'n':>9} {'2n':>9} {'4n':>9}  2n/n 4n/2n")
    for name, make in FAMILIES.items():
        times = [_time_one(make(size)) for size in (n, 2 * n, 4 * n)]
        ratios = [b / a if a > 0 else float("nan") for a, b in itertools.pairwise(times)]
        print(f"{name:38} {times[0]:8.4f}s {times[1]:8.4f}s {times[2]:8.4f}s  {ratios[0]:4.1f} {ratios[1]:4.1f}")


def corpus(directory: Path) -> None:
    texts: list[str] = []
    original = core.parse_header

    def grab(text: str, defects: Defects) -> object:
        texts.append(text)
        return original(text, defects)

    core.parse_header = grab  # type: ignore[assignment]
    try:
        for path in sorted(directory.iterdir()):
            if path.suffix in FORMATS:
                cableparse.parse(path.read_bytes(), format=FORMATS[path.suffix])
    finally:
        core.parse_header = original
    total = _cpu(lambda: [original(text, Defects()) for text in texts], repeat=15)
    spent = [0.0]
    read = header._read_fields

    def timed(segments: list[header._Segment]) -> list[tuple[object, int]]:
        start = time.process_time()
        try:
            return read(segments)
        finally:
            spent[0] += time.process_time() - start

    header._read_fields = timed  # type: ignore[assignment]
    try:
        fields = min(_field_pass(texts, spent) for _ in range(15))
    finally:
        header._read_fields = read
    print(
        f"corpus: {len(texts)} headers, header parse {total * 1000:.1f} ms CPU "
        f"({total / max(len(texts), 1) * 1e6:.0f} us each), of which field grammar {fields * 1000:.1f} ms"
    )


def _field_pass(texts: list[str], spent: list[float]) -> float:
    spent[0] = 0.0
    for text in texts:
        core.parse_header(text, Defects())
    return spent[0]


if __name__ == "__main__":
    hostile()
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    if directory.is_dir():
        corpus(directory)
