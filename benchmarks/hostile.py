#!/usr/bin/env python3
"""Hostile inputs of issue 13: time at n, 2n, 4n and peak memory, family by family.

    python benchmarks/hostile.py                  # every family
    python benchmarks/hostile.py --only tags-run-together,fl5-spaces
    python benchmarks/hostile.py --scale 0.25     # smaller n everywhere (a quick look)
    python benchmarks/hostile.py --list

Each family runs in a fresh Python process (so ``ru_maxrss`` is that family's own peak), under
an address-space cap (``--cap-mb``, default 2500) and a timeout (``--timeout``, default 300 s per
family), so that a quadratic family cannot take the shared machine down. The process builds
its input at n, 2n and 4n, times the operation on each (best of ``--repeat`` runs), and prints
one JSON line; the parent prints a table. A doubling that costs more than 2.5x (judged only
when the larger time is at least 50 ms: below that a ratio is noise), or a peak over 200 MB,
is flagged with ``!!``; the exit status is 1 when anything is flagged.

These are measurements, not tests: the machine is shared and noisy, so they live here and the
figures go into the issue's closing note.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "fixtures" / "08MEXICO23.page.txt"
DUMP = ROOT / "fixtures" / "sample-dump.csv"

RATIO_LIMIT = 2.5
TIME_FLOOR = 0.05
PEAK_LIMIT_MB = 200

# family -> (base n, what it does). The bodies are in _CHILD, keyed by the same names.
FAMILIES: dict[str, tuple[int, str]] = {
    "tags-run-together": (5_000, 'parse("TAGS: " + "AB" * n): splitting run-together tags'),
    "fl5-spaces": (10_000, "an FL5 line (precedence, DTG) with a run of n spaces"),
    "caps-before-marker": (10_000, "a capitals word of n letters before an inline page marker"),
    "inline-markers": (2_000, "n inline page markers on one body line"),
    "tags-lines": (5_000, "n lines 'TAGS: T{i}'"),
    "ref-lines": (40_000, "n lines 'REF: A. STATE 1'"),
    "tail-spaces": (3_000, "runs of n spaces after SUMMARY, PRIORITY, JAN, AND, 1 (the _TAIL regex, and in a body)"),
    "markers-in-real-cable": (32, "a real cable's body repeated n times with page markers between"),
    "html-unclosed-a": (25_000, "an HTML page with n unclosed '<a' tags"),
    "long-ids": (300, "canonical_id of n distinct 50 KB ids (the id caches)"),
    "csv-200mb-field": (200, "a cables.csv row with a field of n MB between good rows (over the 128 MiB limit)"),
    "csv-gz-bomb": (256, "a .csv.gz of n MB of zeros"),
    "txt-gz-bomb": (256, "a .txt.gz of n MB of zeros, read by iter_cables"),
    "parse-gz-bomb": (256, "parse(bytes) of a gzip of n MB of zeros"),
    # Once the timed property tests of tests/property (no timed tests: the machine is shared).
    "megabyte-line": (250_000, "a body line of n characters (4n = 1 MB)"),
    "header-lines": (25_000, "n addressee continuation lines"),
    "tags-parentheses": (1_250, "a TAGS line with n nested parentheses"),
    "long-ref-line": (1_000, "n REF entries on one line"),
    "paragraph-lines": (10_000, "a paragraph of n lines before its signature"),
    "early-line-blanks": (2_000, "an early body line with a run of n blanks (the reflowed-line search)"),
    "hyphenated-ref": (10, "a REF entry of n hyphenated letters and no serial"),
}

_CHILD = r'''
import gzip, io, json, os, resource, sys, time
sys.path.insert(0, ROOT)
family, base, repeat, workdir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
import cableparse
from cableparse.containers import iter_envelopes
from cableparse.normalize import canonical_id

PAGE_TEXT = open(PAGE, encoding="utf-8").read()
DUMP_BYTES = open(DUMP, "rb").read()
CABLE = "UNCLASSIFIED\n\nSUBJECT: TEST\n\n"
MARKER = "PAGE 02 MEXICO 00023 01 OF 02 042201Z"

def zeros_gz(path, megabytes, prefix=b""):
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(prefix)
        block = b"\0" * (1 << 20)
        for _ in range(megabytes):
            f.write(block)
    return path

def build(n):
    if family == "tags-run-together":
        return lambda: cableparse.parse(CABLE + "TAGS: " + "AB" * n + "\n")
    if family == "fl5-spaces":
        # _FL5's "(.*?)\s*$" after the DTG, on a run of spaces followed by more text.
        text = "O 270510Z NOV 87" + " " * n + "X\nFM AMEMBASSY MEXICO\nTO SECSTATE WASHDC\nBT\n" + CABLE + "1. TEXT\n"
        return lambda: cableparse.parse(text)
    if family == "caps-before-marker":
        # An inline page marker ("TRIPOLI 00001039 002 OF 002", 07TRIPOLI1039) after one
        # capitals word of n letters: the origin word before the marker is searched backwards.
        text = CABLE + "1. " + "A" * n + " 00001039 002 OF 002 MORE TEXT\n"
        return lambda: cableparse.parse(text)
    if family == "inline-markers":
        text = CABLE + "1. TEXT" + " TRIPOLI 00001039 002 OF 002 TEXT" * n + " END\n"
        return lambda: cableparse.parse(text)
    if family == "tags-lines":
        text = CABLE + "".join(f"TAGS: T{i}\n" for i in range(n)) + "1. TEXT\n"
        return lambda: cableparse.parse(text)
    if family == "ref-lines":
        text = CABLE + "REF: A. STATE 1\n" * n + "\n1. TEXT\n"
        return lambda: cableparse.parse(text)
    if family == "tail-spaces":
        # _TAIL (address line: precedence and serial at its end) on runs of spaces after a
        # word, a precedence, a month and a number, each followed by more text.
        words = ("SUMMARY", "PRIORITY", "JAN", "AND", "1")
        to_line = "TO SECSTATE WASHDC " + "".join(w + " " * n for w in words) + "X"
        text = "O 270510Z NOV 87\nFM AMEMBASSY MEXICO\n" + to_line + "\nBT\n" + CABLE
        text += "1. SUMMARY: " + "".join(w + " " * n for w in words) + "END.\n"
        return lambda: cableparse.parse(text)
    if family == "markers-in-real-cable":
        # The seed cable as telegram text (header and body), not the news page around it.
        lines = cableparse.render(cableparse.parse(PAGE_TEXT, format="page")).split("\n")
        out = []
        for r in range(n):
            for i, line in enumerate(lines):
                out.append(line)
                if i % 7 == 6:
                    out.append(f"PAGE {r * 100 + i:02d} MEXICO 00023 01 OF 02 042201Z")
        text = "\n".join(out)
        return lambda: cableparse.parse(text)
    if family == "html-unclosed-a":
        page = "<html><body><pre>UNCLASSIFIED\n" + "<a x" * n + "\n1. TEXT</pre></body></html>"
        return lambda: cableparse.parse(page, format="html")
    if family == "long-ids":
        ids = [f"08STATE{i}" + "X" * 50_000 for i in range(n)]
        return lambda: [canonical_id(i) for i in ids]
    if family == "csv-200mb-field":
        path = os.path.join(workdir, f"field{n}.csv")
        with open(path, "wb") as f:
            f.write(DUMP_BYTES[:9498])
            f.write(b'"7","1/1/2000 1:00","00X7","E","S","","h","')
            block = b"A" * (1 << 20)
            for _ in range(n):
                f.write(block)
            f.write(b'"\n')
            f.write(DUMP_BYTES[9498:])
        return lambda: sum(1 for _ in iter_envelopes(path, errors="yield"))
    if family == "csv-gz-bomb":
        path = zeros_gz(os.path.join(workdir, f"bomb{n}.csv.gz"), n, DUMP_BYTES[:9498])
        return lambda: sum(1 for _ in cableparse.iter_cables(path, errors="yield"))
    if family == "txt-gz-bomb":
        path = zeros_gz(os.path.join(workdir, f"bomb{n}.txt.gz"), n, b"UNCLASSIFIED\n")
        return lambda: sum(1 for _ in cableparse.iter_cables(path, errors="yield"))
    if family == "parse-gz-bomb":
        path = zeros_gz(os.path.join(workdir, f"bomb{n}.gz"), n, b"UNCLASSIFIED\n")
        data = open(path, "rb").read()
        def run():
            try:
                cableparse.parse(data)
            except cableparse.CableParseError:
                pass
        return run
    front = "UNCLAS MEXICO 000023\n\nE.O. 12958: N/A\n"
    header = ("VZCZCXRO5183\nRR RUEHC\nDE RUEHME #0023 0042201\nZNR UUUUU ZZH\nR 042201Z JAN 08\n"
              "FM AMEMBASSY MEXICO\nTO RUEHC/SECSTATE WASHDC 0049\n")
    texts = {
        "megabyte-line": lambda: front + "word " * (n // 5) + "\n",
        "header-lines": lambda: header + "RUEHC/SECSTATE WASHDC\n" * n + "\n" + front + "Text.\n",
        "tags-parentheses": lambda: front + "TAGS: PREL " + "(" * n + "X" + ")" * n + "\n\nText.\n",
        "long-ref-line": lambda: front + "REF: " + " ".join(f"{chr(65 + i % 26)}. STATE {i}" for i in range(n)) + "\n\nText.\n",
        "paragraph-lines": lambda: front + "\n1. (C) " + "the embassy said so\n" * n + "\nBASSETT\n",
        "early-line-blanks": lambda: front + "\nSome a" + " " * n + "b text.\n",
        "hyphenated-ref": lambda: front + "REF: " + "-".join("A" * n) + " X\n\nText.\n",
    }
    if family in texts:
        text = texts[family]()
        return lambda: cableparse.parse(text, format="text")
    raise SystemExit(f"unknown family {family}")

cableparse.parse(PAGE_TEXT)  # first use loads the grammars and tables: not part of any timing
times = []
error = None
try:
    for n in (base, 2 * base, 4 * base):
        run = build(n)
        best = None
        for name in os.listdir(workdir):  # inputs of the previous size: disk, not memory
            if not name.endswith(str(n)) and str(n) not in name:
                os.unlink(os.path.join(workdir, name))
        for _ in range(repeat):
            t0 = time.perf_counter()
            run()
            t = time.perf_counter() - t0
            best = t if best is None else min(best, t)
        times.append(best)
except MemoryError:
    error = "MemoryError"
except Exception as e:
    error = f"{type(e).__name__}: {e}"[:200]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"times": times, "peak_mb": peak, "error": error}))
'''


def _run_family(name: str, base: int, args: argparse.Namespace) -> dict[str, object]:
    code = f"ROOT = {str(ROOT)!r}\nPAGE = {str(PAGE)!r}\nDUMP = {str(DUMP)!r}\n" + _CHILD
    cap = args.cap_mb * 1024 * 1024

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    with tempfile.TemporaryDirectory(prefix="cableparse-hostile-") as workdir:
        try:
            result = subprocess.run(
                [sys.executable, "-c", code, name, str(base), str(args.repeat), workdir],
                capture_output=True, text=True, timeout=args.timeout, preexec_fn=limit, check=False,
            )
        except subprocess.TimeoutExpired:
            return {"times": [], "peak_mb": None, "error": f"timeout after {args.timeout} s"}
    lines = result.stdout.strip().splitlines()
    if not lines:
        return {"times": [], "peak_mb": None, "error": (result.stderr.strip().splitlines() or ["crashed"])[-1][:200]}
    data: dict[str, object] = json.loads(lines[-1])
    return data


def main(argv: list[str] | None = None) -> int:
    """Run the families and print the table; exit 1 when any entry is flagged."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated families")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every base n (default 1)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size, fastest kept (default 1)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per family (default 300)")
    parser.add_argument("--cap-mb", type=int, default=2500, help="address-space cap per family (default 2500)")
    parser.add_argument("--list", action="store_true", help="list the families and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, (base, what) in FAMILIES.items():
            print(f"{name:<24} n={base:<8} {what}")
        return 0
    names = args.only.split(",") if args.only else list(FAMILIES)
    flagged = False
    header = f"{'family':<24} {'n':>8} {'t(n) s':>9} {'t(2n) s':>9} {'t(4n) s':>9} {'2n/n':>6} {'4n/2n':>6} {'peak MB':>8}"
    print(header)
    print("-" * len(header))
    for name in names:
        base = max(1, int(FAMILIES[name][0] * args.scale))
        result = _run_family(name, base, args)
        times = [float(t) for t in result.get("times") or []]  # type: ignore[attr-defined]
        peak = result.get("peak_mb")
        ratios = [b / a if a > 0 else 0.0 for a, b in itertools.pairwise(times)]
        cells = [f"{t:9.3f}" for t in times] + ["        -"] * (3 - len(times))
        ratio_cells = [f"{r:6.2f}" for r in ratios] + ["     -"] * (2 - len(ratios))
        # A ratio of two timings of a few milliseconds is noise on a shared machine: only
        # doublings whose larger time is at least TIME_FLOOR seconds are judged.
        slow = [r for r, t in zip(ratios, times[1:]) if r > RATIO_LIMIT and t >= TIME_FLOOR]
        bad = bool(slow) or (isinstance(peak, (int, float)) and peak > PEAK_LIMIT_MB)
        bad = bad or bool(result.get("error"))
        flagged = flagged or bad
        peak_cell = f"{peak:8.0f}" if isinstance(peak, (int, float)) else "       -"
        line = f"{name:<24} {base:>8} {' '.join(cells)} {' '.join(ratio_cells)} {peak_cell}"
        if bad:
            line += "  !!"
        if result.get("error"):
            line += f"  {result['error']}"
        print(line, flush=True)
    return 1 if flagged else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
