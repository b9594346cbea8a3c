#!/usr/bin/env python3
"""Benchmark cableparse on one cables.csv (synthetic: a generated dump): floor, reading, parsing, sinks.

Generated rows are more regular than real ones and flatter the parser; ``real.py`` measures the
corpus's real cables per stage. This one is for the sinks, parallel runs and memory.

    python benchmarks/generate_dump.py --size 200MB -o /tmp/cables.csv
    python benchmarks/bench.py /tmp/cables.csv

Every row of the table is measured in the same run, on the same file, each in a fresh Python
process (so that one step's caches and memory do not flatter the next, and so that the peak
RSS of each step can be read from ``resource.getrusage``):

- ``floor``: Python's ``csv`` module reading the file (``escapechar='\\\\'``,
  ``doublequote=False``, field limit raised), nothing else: no reader can be much faster.
- ``read``: the cableparse container reader only (envelopes, no parsing).
- ``parse``: read and parse every cable (``iter_cables``), no output.
- ``convert <sink> jN``: ``cableparse.batch.convert`` to each sink with 1 and N jobs.
- ``dask to_parquet j2`` (when Dask is installed): ``cableparse.dask.to_parquet`` with the
  local processes scheduler and 2 workers, writing a Parquet dataset (speed-up over
  ``convert parquet j1``).

Columns: wall seconds, CPU seconds (process and workers: a check on wall times taken on a busy
machine), cables/s, input MB/s, time as a multiple of the floor, speed-up of N jobs over 1 job
(same sink), peak RSS of the step's own process and of its largest worker, and the output size.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SINKS = ("jsonl", "parquet", "sqlite")


def _rss_mb(who: int) -> float:
    peak = resource.getrusage(who).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else 0


def run_step(step: str, path: str, jobs: int, sink: str | None, workdir: str) -> dict[str, Any]:
    """Run one measurement in this process and return its figures."""
    sys.path.insert(0, str(ROOT))
    output_bytes = 0
    started = time.perf_counter()
    if step == "floor":
        csv.field_size_limit(2**31 - 1)
        with open(path, encoding="utf-8", newline="") as file:
            records = sum(1 for _ in csv.reader(file, escapechar="\\", doublequote=False))
    elif step == "read":
        from cableparse.containers.csvfile import iter_csv_envelopes

        with open(path, "rb") as binary:
            records = sum(1 for _ in iter_csv_envelopes(binary, source=path))
    elif step == "parse":
        import cableparse

        records = sum(1 for _ in cableparse.iter_cables(path, format="csv", errors="yield"))
    elif step == "convert":
        from cableparse.batch import convert

        assert sink is not None
        out = Path(workdir) / f"out.{sink}"
        summary = convert([path], out, jobs=jobs, progress=False)
        records = summary.cables + summary.rejects
        output_bytes = _size(out)
    elif step == "dask":
        # The Dask engine on one machine: local processes scheduler, a dataset of parts.
        from cableparse.dask import auto_blocksize, read_cables, to_parquet

        # Blocks as `convert --engine dask` picks them: about four per worker.
        bag = read_cables([path], blocksize=auto_blocksize(path, jobs), errors="yield")
        summary = to_parquet(bag, Path(workdir) / "out.parquet", scheduler="processes", num_workers=jobs)
        records = summary.cables + summary.rejects
        output_bytes = _size(Path(workdir) / "out.parquet")
    else:
        raise SystemExit(f"unknown step {step}")
    seconds = time.perf_counter() - started
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        # CPU time of this process and its workers: unlike wall time, it hardly changes when
        # other programs compete for the CPUs.
        "cpu_seconds": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        "records": records,
        "rss_self_mb": _rss_mb(resource.RUSAGE_SELF),
        "rss_child_mb": _rss_mb(resource.RUSAGE_CHILDREN),
        "output_bytes": output_bytes,
    }


_REPEAT = 1
"""Runs of each step (``--repeat``); the fastest is reported."""


def _measure(step: str, path: str, jobs: int = 1, sink: str | None = None) -> dict[str, Any]:
    """Run a step ``_REPEAT`` times, each in a fresh process, and keep the fastest run.

    On a machine shared with other work, the fastest of a few runs is the figure least
    disturbed by it; CPU seconds and peak RSS barely vary between runs.
    """
    runs = [_measure_once(step, path, jobs, sink) for _ in range(max(1, _REPEAT))]
    return min(runs, key=lambda figures: figures["seconds"])


def _measure_once(step: str, path: str, jobs: int, sink: str | None) -> dict[str, Any]:
    workdir = tempfile.mkdtemp(prefix="cableparse-bench-", dir=os.environ.get("BENCH_TMP"))
    try:
        command = [sys.executable, __file__, "--step", step, "--jobs", str(jobs), "--workdir", workdir, path]
        if sink:
            command += ["--sink", sink]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise SystemExit(f"step {step} {sink or ''} j{jobs} failed:\n{result.stderr}")
        figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        return figures
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``bench.py PATH [--jobs N] [--sinks jsonl,parquet,sqlite]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="a cables.csv (see generate_dump.py)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="N for the parallel runs")
    parser.add_argument("--sinks", default=",".join(SINKS), help="comma-separated sinks to convert to")
    parser.add_argument("--repeat", type=int, default=1, help="runs per step; the fastest is shown")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--sink", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    path = os.path.abspath(args.path)
    if args.step:  # a child process measuring one step
        print(json.dumps(run_step(args.step, path, args.jobs, args.sink, args.workdir)))
        return 0

    global _REPEAT
    _REPEAT = args.repeat
    size = os.path.getsize(path)
    megabytes = size / 1e6
    rows: list[tuple[str, dict[str, Any], int | None]] = []

    def record(label: str, figures: dict[str, Any], jobs: int | None = None) -> None:
        rows.append((label, figures, jobs))
        print(f"  {label}: {figures['seconds']:.1f} s", file=sys.stderr, flush=True)

    print(f"{path}: {megabytes:.1f} MB", file=sys.stderr)
    record("floor (csv module)", _measure("floor", path))
    record("read (containers)", _measure("read", path))
    record("parse (iter_cables)", _measure("parse", path))
    single: dict[str, float] = {}
    speedups: dict[str, float] = {}
    job_counts = [1] if args.jobs <= 1 else [1, args.jobs]
    for sink in [s.strip() for s in args.sinks.split(",") if s.strip()]:
        for jobs in job_counts:
            figures = _measure("convert", path, jobs=jobs, sink=sink)
            record(f"convert {sink} j{jobs}", figures, jobs)
            if jobs == 1:
                single[sink] = figures["seconds"]
            else:
                speedups[f"convert {sink} j{jobs}"] = single[sink] / figures["seconds"]
    if importlib.util.find_spec("dask") is not None:  # the optional cableparse[dask] extra
        figures = _measure("dask", path, jobs=2)
        record("dask to_parquet j2", figures, 2)
        if "parquet" in single:
            speedups["dask to_parquet j2"] = single["parquet"] / figures["seconds"]

    floor = rows[0][1]["seconds"]
    cables = rows[2][1]["records"]
    header = (
        f"{'step':<22}{'seconds':>9}{'CPU s':>8}{'cables/s':>10}{'MB/s':>8}{'x floor':>9}"
        f"{'speed-up':>10}{'RSS MB':>8}{'worker':>8}{'out MB':>8}"
    )
    print(f"\n{path}: {megabytes:.1f} MB, {cables:,} cables, {args.jobs} jobs, Python {sys.version.split()[0]}")
    print(header)
    print("-" * len(header))
    for label, figures, jobs in rows:
        seconds = figures["seconds"]
        speedup = f"{speedups[label]:.2f}x" if label in speedups else ""
        worker = f"{figures['rss_child_mb']:.0f}" if jobs and jobs > 1 else ""
        out = f"{figures['output_bytes'] / 1e6:.0f}" if figures["output_bytes"] else ""
        print(
            f"{label:<22}{seconds:>9.1f}{figures['cpu_seconds']:>8.1f}"
            f"{figures['records'] / seconds:>10,.0f}{megabytes / seconds:>8.1f}"
            f"{seconds / floor:>9.1f}{speedup:>10}{figures['rss_self_mb']:>8.0f}{worker:>8}{out:>8}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
