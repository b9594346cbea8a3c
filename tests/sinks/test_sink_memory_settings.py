"""Settings that keep the sinks' memory flat and small runs in one process (issue 14)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sink_samples import sample_cables

from cableparse.batch import SMALL_INPUT_BYTES, convert, default_jobs

ROOT = Path(__file__).resolve().parents[2]


def test_small_input_converts_in_one_process(tmp_path: Path) -> None:
    summary = convert([ROOT / "fixtures" / "sample-dump.csv"], tmp_path / "out.jsonl", progress=False)
    assert summary.jobs == 1
    assert summary.cables == 20


def test_large_input_uses_every_cpu(tmp_path: Path) -> None:
    small = tmp_path / "small.csv"
    small.write_bytes(b"x")
    large = tmp_path / "large.csv"
    with open(large, "wb") as file:
        file.truncate(SMALL_INPUT_BYTES)  # sparse: no disk space is used
    assert default_jobs([os.fspath(small)]) == 1
    assert default_jobs([os.fspath(large)]) == (os.cpu_count() or 1)
    # Several small files add up.
    assert default_jobs([os.fspath(small), os.fspath(large)]) == (os.cpu_count() or 1)
    assert default_jobs(["-"]) == 1


def test_parquet_rows_go_to_arrow_in_batches_and_row_groups_keep_their_size(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    from cableparse.sinks import parquet
    from cableparse.sinks.parquet import ParquetSink, read_parquet

    cables = sample_cables(2 * parquet.BATCH_ROWS + 7)
    out = tmp_path / "out.parquet"
    group = parquet.BATCH_ROWS + 3  # not a multiple of the batch: a group ends inside a batch
    with ParquetSink(out, row_group_size=group) as sink:
        for cable in cables:
            sink.write(cable)
    meta = pq.ParquetFile(out).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sum(sizes) == len(cables)
    assert max(sizes) <= group
    assert list(read_parquet(out)) == cables
