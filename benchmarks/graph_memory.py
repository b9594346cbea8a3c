#!/usr/bin/env python3
"""Time and peak memory of ``cableparse graph`` on one or more cables.csv files.

    python benchmarks/generate_dump.py --size 20MB -o /tmp/cables-20.csv
    python benchmarks/generate_dump.py --size 200MB -o /tmp/cables.csv
    python benchmarks/graph_memory.py /tmp/cables-20.csv /tmp/cables.csv

Each run is ``cableparse graph FILE -o OUT`` in a fresh process (so each gets its own peak
RSS), for every output format and for 1 and N jobs (``--jobs N``, default the CPU count;
``--formats csv,parquet,graphml``). Printed per run: wall seconds, cables/s, edges and nodes
written, peak RSS of the ``cableparse`` process and of its largest worker. Memory is flat when
the peak RSS on the large file is the same as on the small one: the graph keeps only the ids
seen and cited, and rows are written as they come.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FORMATS = {"csv": "edges.csv", "parquet": "edges.parquet", "graphml": "edges.graphml", "dataset": "edges"}

# Runs inside the measured child: the graph, then its own and its workers' peak RSS.
_CHILD = r"""
import json, resource, sys, time
from cableparse.graph import write_graph
started = time.perf_counter()
summary = write_graph(sys.argv[1], sys.argv[2], jobs=int(sys.argv[3]), progress=False)
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds,
    "cables": summary.cables,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def _count(output: Path, kind: str) -> tuple[int, int]:
    """Edges and nodes written (read back from the output)."""
    if kind == "csv":
        with open(output, encoding="utf-8") as edge_file, open(output.with_name("edges.nodes.csv"), encoding="utf-8") as node_file:
            return sum(1 for _ in edge_file) - 1, sum(1 for _ in node_file) - 1
    if kind == "graphml":
        text = output.read_text(encoding="utf-8")
        return text.count("<edge "), text.count("<node ")
    import pyarrow.parquet as pq

    if kind == "dataset":
        edges = sum(pq.ParquetFile(p).metadata.num_rows for p in (output / "edges").glob("*.parquet"))
        nodes = sum(pq.ParquetFile(p).metadata.num_rows for p in (output / "nodes").glob("*.parquet"))
        return edges, nodes
    return pq.ParquetFile(output).metadata.num_rows, pq.ParquetFile(output.with_name("edges.nodes.parquet")).metadata.num_rows


def run(path: str, kind: str, jobs: int, workdir: str) -> dict[str, Any]:
    """One measured run of the graph command in a fresh process."""
    output = Path(workdir) / FORMATS[kind]
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, path, str(output) + ("/" if kind == "dataset" else ""), str(jobs)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - started
    figures["edges"], figures["nodes"] = _count(output, kind)
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print one table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", help="cables.csv files, smallest first")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--formats", default="csv,parquet,graphml")
    args = parser.parse_args(argv)
    kinds = [k for k in args.formats.split(",") if k]
    print(f"{'file':<24}{'MB':>7}{'format':>9}{'jobs':>5}{'s':>8}{'cables/s':>10}{'edges':>9}{'nodes':>9}{'RSS MB':>8}{'worker':>8}")
    for path in args.files:
        size = os.path.getsize(path) / 1e6
        for kind in kinds:
            for jobs in sorted({1, args.jobs}):
                with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(path))) as workdir:
                    f = run(path, kind, jobs, workdir)
                worker = f"{f['worker_rss_mb']:.0f}" if jobs > 1 else ""
                print(
                    f"{os.path.basename(path):<24}{size:>7.0f}{kind:>9}{jobs:>5}{f['seconds']:>8.1f}"
                    f"{f['cables'] / f['seconds']:>10,.0f}{f['edges']:>9,}{f['nodes']:>9,}{f['rss_mb']:>8.0f}{worker:>8}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
