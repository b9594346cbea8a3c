"""Batch conversion: many cables from cables.csv, HTML pages or text files into one sink.

:func:`convert` is what ``cableparse convert`` runs. With ``jobs > 1`` a cables.csv file is cut
into byte ranges at record starts (:func:`cableparse.containers.csvfile.split_byte_ranges`);
each worker process reads and parses its own range and writes its own part file, and the parent
appends the finished parts to the output in input order while the other workers go on. Parsed
cables never cross a process boundary (pickling them would cost about as much as parsing):
workers send back only counts. Other inputs (HTML pages, text files, directories of them) are
handed out to workers in groups of whole files.

Records that cannot be read are "rejects": counted, and written as JSON Lines of
``to_plain(CableError)`` to the ``rejects`` file when one is given.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

import attrs

from .models import CableError
from .pipeline import (
    FILES_PER_TASK as FILES_PER_TASK,
)
from .pipeline import (
    FORMATS,
    Format,
    Stats,
    Summary,
    Task,
    TaskResult,
    check_modes,
    check_paths,
    expand_inputs,
    plan,
    records,
    reject_line,
)
from .pipeline import (
    MAX_SHARDS_PER_JOB as MAX_SHARDS_PER_JOB,
)
from .pipeline import (
    SHARD_BYTES as SHARD_BYTES,
)
from .sinks import OUTPUT_FORMATS, Sink, SinkKind, open_sink, part_suffix, sink_kind
from .sinks._atomic import remove_tree, temp_directory_for
from .sinks.jsonl import JsonLinesFile

__all__ = ["FORMATS", "Summary", "convert", "expand_inputs"]

_REPORT_EVERY = 64
"""Records between progress reports from a worker (a shared counter update takes a lock)."""



# --- work units: see cableparse.pipeline ------------------------------------------------------

_Report = Callable[[int, int], None]
"""``report(bytes_done_delta, cables_delta)``: progress callback."""


def _run(task: Task, sink: Sink, rejects: _RejectFile | None, stats: Stats, report: _Report) -> None:
    """Stream one task's records into ``sink`` and ``rejects``, counting as it goes."""
    reported_bytes = 0
    reported_cables = 0
    since_report = 0
    for record, done in records(task):
        stats.take(record, sink.write, None if rejects is None else rejects.write)
        since_report += 1
        if since_report >= _REPORT_EVERY:
            since_report = 0
            report(done - reported_bytes, stats.cables - reported_cables)
            reported_bytes, reported_cables = done, stats.cables
    report(task.size - reported_bytes, stats.cables - reported_cables)


class _RejectFile(JsonLinesFile):
    """JSON Lines of ``to_plain(CableError)``, written atomically like the sinks."""

    def write(self, error: CableError) -> None:
        self.write_encoded(reject_line(error))


# --- worker processes ------------------------------------------------------------------------

_SHARED_PROGRESS: Any = None
"""In a worker: a shared array ``[bytes done, cables done]`` the parent polls for progress."""


def _init_worker(progress: Any, parent: int | None = None) -> None:
    """Worker initializer: keep the shared progress counters (inherited, never pickled), and
    watch the parent process ``parent``."""
    global _SHARED_PROGRESS
    _SHARED_PROGRESS = progress
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(parent,), name="cableparse-parent-watch", daemon=True).start()


_WATCH_SECONDS = 0.5


def _watch_parent(parent: int) -> None:
    """Exit this worker as soon as its parent is gone.

    After a ``kill -9`` of ``cableparse convert`` its ``--jobs`` workers went on parsing for
    minutes, holding memory and CPU (issue 13): nothing tells a process-pool worker that the
    pool's owner died. Polling ``getppid`` (the worker is re-parented when the parent dies)
    works on every POSIX system; on Windows ``getppid`` does not change and the pool's own
    broken-pipe handling applies.
    """
    while True:
        time.sleep(_WATCH_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def _report_shared(bytes_done: int, cables: int) -> None:
    shared = _SHARED_PROGRESS
    if shared is not None and (bytes_done or cables):
        with shared.get_lock():
            shared[0] += bytes_done
            shared[1] += cables


def _work(task: Task, part: str | None, kind: SinkKind, rejects_part: str | None) -> TaskResult:
    """Run one task in a worker process, into its own part file; return only counts."""
    sink = open_sink(part or os.devnull, kind=kind, part=True)
    rejects = _RejectFile(rejects_part) if rejects_part else None
    stats = Stats()
    try:
        _run(task, sink, rejects, stats, _report_shared)
    except BaseException:
        sink.abort()
        if rejects is not None:
            rejects.abort()
        raise
    sink.close()
    if rejects is not None:
        rejects.close()
    return stats.result(task.index, part=part, rejects_part=rejects_part)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once (after an error or Ctrl-C) instead of waiting for running tasks."""
    terminate = getattr(pool, "terminate_workers", None)  # Python >= 3.14
    if terminate is not None:
        terminate()
        return
    # Older Pythons have no public way; the pool keeps its processes in ``_processes``, which
    # shutdown() clears, so take them first.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    # Wait for them, so that none writes into the parts directory after it is removed.
    for process in processes:
        process.join(timeout=10)


# --- progress --------------------------------------------------------------------------------


class _Progress:
    """A tqdm bar on stderr in bytes, or nothing (no TTY, tqdm missing, or disabled)."""

    def __init__(self, total: int, enabled: bool | None) -> None:
        self._bar: Any = None
        if enabled is None:
            enabled = sys.stderr.isatty()
        if not enabled:
            return
        try:
            # via importlib: tqdm is optional and ships no type information
            tqdm = importlib.import_module("tqdm").tqdm
        except ImportError:
            return
        self._bar = tqdm(
            total=total or None,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            file=sys.stderr,
            desc="converting",
            dynamic_ncols=True,
            smoothing=0.1,
        )
        self._cables = 0

    def update(self, bytes_done: int, cables: int) -> None:
        if self._bar is None:
            return
        self._cables += cables
        if bytes_done:
            self._bar.update(bytes_done)
        self._bar.set_postfix_str(f"{self._cables:,} cables", refresh=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


# --- convert ---------------------------------------------------------------------------------


SMALL_INPUT_BYTES = 16 * 1024 * 1024
"""Below this much input, ``convert`` runs in one process unless ``jobs`` is given: starting
a worker (a fresh interpreter that imports the package and builds the grammars) costs about
a second, which a second core wins back only on some thousands of cables (the 20-row sample
took 1.2 s with two workers, 0.34 s with one; see the README's benchmark section)."""


def default_jobs(paths: Sequence[str]) -> int:
    """Worker processes when ``jobs`` is not given: 1 for small inputs, else one per CPU."""
    size = sum(os.path.getsize(path) for path in paths if path != "-" and os.path.isfile(path))
    return 1 if size < SMALL_INPUT_BYTES else os.cpu_count() or 1


def convert(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    output: str | os.PathLike[str] | None,
    *,
    jobs: int | None = None,
    format: Format = "auto",
    rejects: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
    kind: SinkKind | None = None,
    to: str | None = None,
    spans: bool = False,
) -> Summary:
    """Convert every cable of ``inputs`` into ``output``; return what was done.

    - ``inputs``: paths of cables.csv files (also ``.csv.gz``), HTML pages, text files or
      directories of them, or ``"-"`` for standard input.
    - ``output``: ``.jsonl`` (``"-"``: stdout), ``.parquet``, a directory (path ending in
      ``/``: a Parquet dataset) or ``.sqlite``; ``None`` parses and counts without writing.
      The output appears only when everything succeeded.
    - ``jobs``: worker processes (default: 1 for inputs under :data:`SMALL_INPUT_BYTES`, else
      ``os.cpu_count()``; 1 runs in this process).
    - ``format``: one of :data:`FORMATS`.
    - ``rejects``: a file for the records that could not be read (JSON Lines of
      ``to_plain(CableError)``), written even when empty.
    - ``progress``: a progress bar on stderr (default: when stderr is a terminal).
    - ``kind``: the sink, when not chosen by the output's extension (``"graph"``:
      :func:`cableparse.graph.write_graph`).
    - ``to``: ``"jsonl"``, ``"parquet"`` or ``"sqlite"`` whatever the output's extension
      (default: from the extension: ``.jsonl``, ``.ndjson``, ``.jsonl.gz``, ``.parquet``,
      ``.sqlite``, ``.sqlite3``, ``.db``).
    - ``spans``: parse with field spans and write them (JSON Lines only: a ``"spans"`` member
      per line, offsets into the record's own text; see :func:`cableparse.parse`).

    Workers are started with ``spawn``: a script that calls ``convert`` with ``jobs > 1`` must
    do so under ``if __name__ == "__main__":``, as with any multiprocessing code.

    Raises :class:`FileNotFoundError` for a missing input, :class:`~cableparse.sinks.SinkError`
    (a ``ValueError``) for an unknown output kind or format, and ``OSError`` when the output
    cannot be written; nothing is left at the output path then.
    """
    started = time.perf_counter()
    inputs = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    check_modes(format, jobs=jobs)
    output_text = None if output is None else os.fspath(output)
    if to is not None and to not in OUTPUT_FORMATS:
        raise ValueError(f"unknown output format {to!r} (use one of {', '.join(OUTPUT_FORMATS)})")
    if kind is None:
        kind = "null" if output_text is None else OUTPUT_FORMATS[to] if to else sink_kind(output_text)
    paths = expand_inputs(inputs)
    if jobs is None:
        jobs = default_jobs(paths)
    if "-" in paths and len(paths) > 1:
        raise ValueError("standard input ('-') cannot be combined with other inputs")
    check_paths([*inputs, *paths], output, rejects)
    if spans and kind not in ("jsonl", "null"):
        raise ValueError(f"spans are written to JSON Lines only, not to {kind}")
    tasks = plan(paths, format, jobs)
    if spans:
        tasks = [attrs.evolve(task, spans=True) for task in tasks]
    rejects_text = None if rejects is None else os.fspath(rejects)
    bar = _Progress(sum(task.size for task in tasks), progress)
    stats = Stats()
    # Open the outputs before any work, so an unwritable path fails at once.
    sink = open_sink(output_text or os.devnull, kind=kind)
    reject_file: _RejectFile | None = None
    try:
        reject_file = _RejectFile(rejects_text) if rejects_text else None
        workers = min(jobs, len(tasks))
        if workers <= 1:
            for task in tasks:
                task_stats = Stats()
                _run(task, sink, reject_file, task_stats, bar.update)
                stats.add_result(task_stats.result(task.index))
        else:
            _convert_parallel(tasks, workers, kind, sink, reject_file, output_text, stats, bar)
        sink.close()
        if reject_file is not None:
            reject_file.close()
    except BaseException:
        sink.abort()
        if reject_file is not None:
            reject_file.abort()
        raise
    finally:
        bar.close()
    return stats.summary(
        seconds=time.perf_counter() - started,
        input_bytes=sum(task.size for task in tasks),
        jobs=max(1, min(jobs, len(tasks))),
        output=output_text,
    )


def _parts_directory(output: str | None) -> Path:
    """Where workers write their parts: next to the output (renames stay on one disk)."""
    if output is None or output == "-":
        import tempfile

        return Path(tempfile.mkdtemp(prefix="cableparse-parts-"))
    return temp_directory_for(Path(output.rstrip("/") or "/"), "parts")


def _convert_parallel(
    tasks: Sequence[Task],
    workers: int,
    kind: SinkKind,
    sink: Sink,
    reject_file: _RejectFile | None,
    output: str | None,
    stats: Stats,
    bar: _Progress,
) -> None:
    """Run tasks in worker processes and append their parts to ``sink`` in task order."""
    parts = _parts_directory(output)
    # spawn: the same behaviour on Linux, macOS and Windows, and no fork of a parent that may
    # hold threads or open database handles.
    context = multiprocessing.get_context("spawn")
    shared = context.Array("q", 2)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(shared, os.getpid())
    )
    try:
        futures: list[Future[TaskResult]] = []
        for task in tasks:
            part = None if kind == "null" else str(parts / f"part-{task.index:05d}{part_suffix(kind)}")
            rejects_part = str(parts / f"rejects-{task.index:05d}.jsonl") if reject_file else None
            futures.append(pool.submit(_work, task, part, kind, rejects_part))
        pending: set[Future[TaskResult]] = set(futures)
        merged = 0
        seen = [0, 0]
        while merged < len(futures):
            if pending:
                _, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            with shared.get_lock():
                now = [shared[0], shared[1]]
            bar.update(now[0] - seen[0], now[1] - seen[1])
            seen = now
            # Append finished parts in task order; later parts wait for earlier ones.
            while merged < len(futures) and futures[merged].done():
                result = futures[merged].result()  # re-raises a worker's exception
                if result.part is not None:
                    sink.append_part(result.part)
                    _unlink(result.part)
                if reject_file is not None and result.rejects_part is not None:
                    reject_file.append_part(result.rejects_part)
                    _unlink(result.rejects_part)
                stats.add_result(result)
                merged += 1
        pool.shutdown(wait=True)
    except BaseException:
        _stop_workers(pool)
        raise
    finally:
        remove_tree(parts)


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):  # a dataset part was moved into the output
        os.unlink(path)

