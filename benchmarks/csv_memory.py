#!/usr/bin/env python3
"""Does the cables.csv reader stream? Throughput and peak memory against Python's csv module.

    python benchmarks/csv_memory.py            # 1 GB
    python benchmarks/csv_memory.py 200MB      # any size: 500MB, 2GB, 123456789
    python benchmarks/csv_memory.py 1GB --keep # leave the generated file in place

Writes a synthetic cables.csv of the requested size into a temporary directory: real rows from
``../shared/corpus/*.csv-row`` (else one synthetic row with a 300 KB body among small ones),
each copy given a fresh row id and reference id, a 2 MB body now and then so that large records
cross chunk boundaries. Then, each in a fresh Python process so that ``ru_maxrss`` is that
step's own peak:

- ``csv module``: ``csv.reader(escapechar='\\\\')`` over the file, nothing kept: the floor.
- ``iter_envelopes``: ``cableparse.containers.iter_envelopes(path)``, envelopes dropped.

Prints records, seconds, MB/s, time relative to the floor and peak RSS. Memory must not grow
with the file: run two sizes and compare the RSS column.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

_MEASURE = r"""
import csv, resource, sys, time
sys.path.insert(0, {root!r})
path, mode = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
n = 0
if mode == "csv":
    csv.field_size_limit(2**31 - 1)
    with open(path, newline="", encoding="utf-8") as f:
        for _ in csv.reader(f, escapechar="\\"):
            n += 1
else:
    from cableparse.containers import iter_envelopes
    for _ in iter_envelopes(path, errors="yield"):
        n += 1
seconds = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
rss_mb = rss / 2**20 if sys.platform == "darwin" else rss / 1024
print(n, seconds, rss_mb)
"""


def parse_size(text: str) -> int:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMG]?)B?", text.strip().upper())
    if not match:
        raise SystemExit(f"bad size {text!r}; use e.g. 1GB, 200MB, 123456")
    number, unit = match.groups()
    return int(float(number) * {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}[unit])


def esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")


def templates() -> list[tuple[list[str], str]]:
    """(fields before the id columns, rest of the row) for each source row."""
    rows = []
    if CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*.csv-row")):
            raw = path.read_text(encoding="utf-8")
            rows.append(raw if raw.endswith("\n") else raw + "\n")
    if not rows:
        para = "1. (C) THE EMBASSY'S VIEW, IN SHORT: \"NOT YET\". " * 2 + "\n"
        for size in (2_000, 6_000, 300_000):
            body = "CONFIDENTIAL SECTION 01 OF 02 TESTVILLE 000001\n\nTAGS: PREL\n\n" + para * (size // len(para))
            fields = ["1", "1/4/2008 22:01", "08TESTVILLE1", "Embassy Testville", "CONFIDENTIAL", "",
                      "VZCZCXRO0001\nRR RUEHC\nDE RUEHTV #0001 0042201\nFM AMEMBASSY TESTVILLE\n", body]
            rows.append(",".join(f'"{esc(f)}"' for f in fields) + "\n")
    return [(r.split(",", 3)[:3], r.split(",", 3)[3]) for r in rows]


def generate(path: Path, size: int) -> int:
    rng = random.Random(2010)
    parts = templates()
    big_para = "2. (SBU) " + "LONG REPORTING TEXT, WITH COMMAS AND \\\"QUOTES\\\". " * 20 + "\n"
    written = rows = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        buffer: list[str] = []
        while written < size:
            rows += 1
            _, rest = parts[rng.randrange(len(parts))]
            if rows % 997 == 0:  # a ~2 MB body: crosses several 4 MiB read chunks over the run
                rest = rest[: rest.rfind('"')] + big_para * (2_000_000 // len(big_para)) + '"\n'
            line = f'"{rows}","{rng.randrange(1, 13)}/{rng.randrange(1, 29)}/{rng.randrange(1966, 2011)} ' \
                   f'{rng.randrange(24)}:{rng.randrange(60):02d}","{rng.randrange(66, 110) % 100:02d}SYN{rows}",{rest}'
            buffer.append(line)
            written += len(line.encode("utf-8"))
            if len(buffer) >= 256:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer))
    return rows


def measure(path: Path, mode: str) -> tuple[int, float, float]:
    script = _MEASURE.format(root=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script, str(path), mode], capture_output=True, text=True, check=True)
    n, seconds, rss = done.stdout.split()
    return int(n), float(seconds), float(rss)


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    keep = "--keep" in argv
    size = parse_size(args[0]) if args else 2**30
    tmp = Path(tempfile.mkdtemp(prefix="cableparse-csvmem-"))
    path = tmp / "cables.csv"
    try:
        t0 = time.perf_counter()
        rows = generate(path, size)
        mb = path.stat().st_size / 1e6
        print(f"generated {path} ({mb:,.0f} MB, {rows:,} rows) in {time.perf_counter() - t0:.1f} s")
        results = {mode: measure(path, mode) for mode in ("csv", "envelopes")}
        floor = results["csv"][1]
        print(f"{'reader':<16}{'records':>10}{'seconds':>10}{'MB/s':>9}{'x floor':>9}{'peak RSS MB':>13}")
        for mode, label in (("csv", "csv module"), ("envelopes", "iter_envelopes")):
            n, seconds, rss = results[mode]
            print(f"{label:<16}{n:>10,}{seconds:>10.2f}{mb / seconds:>9.1f}{seconds / floor:>9.2f}{rss:>13.1f}")
        if results["csv"][0] != results["envelopes"][0]:
            print("WARNING: record counts differ")
            return 1
        return 0
    finally:
        if keep:
            print(f"kept {path}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
