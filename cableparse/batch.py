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

import collections
import importlib
import json
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any, Literal

import attrs

from .errors import CableParseError
from .models import Cable, CableError
from .serialize import to_plain
from .sinks import OUTPUT_FORMATS, Sink, SinkKind, open_sink, part_suffix, sink_kind
from .sinks._atomic import remove_tree, temp_directory_for
from .sinks.jsonl import JsonLinesFile

__all__ = ["FORMATS", "Summary", "convert", "expand_inputs"]

FORMATS: tuple[str, ...] = ("auto", "csv", "html", "text", "page")
"""Values of ``format`` (``--format``)."""

SHARD_BYTES = 32 * 1024 * 1024
"""Target size of one cables.csv shard. Shards several times smaller than ``file / jobs``
balance the load (cable sizes vary 100-fold) and let the parent merge while workers parse."""

MAX_SHARDS_PER_JOB = 8
"""Upper bound on shards per worker, so a huge file does not become thousands of part files."""

FILES_PER_TASK = 256
"""Whole files (HTML pages, text files) handed to a worker at a time."""

_REPORT_EVERY = 64
"""Records between progress reports from a worker (a shared counter update takes a lock)."""



@attrs.frozen(kw_only=True)
class Summary:
    """What a conversion did: counts, defects by code, rejects and speed."""

    cables: int
    """Cables written."""
    defects: Mapping[str, int]
    """Defect code -> number of occurrences over all cables."""
    cables_with_defects: int
    """Cables that have at least one defect."""
    rejects: int
    """Records that could not be read at all."""
    seconds: float
    """Wall-clock time of the whole conversion."""
    input_bytes: int
    """Total size of the input files (0 for standard input)."""
    jobs: int
    """Worker processes used (1: everything in this process)."""
    output: str | None
    """The output path (``None`` when nothing was written, as for ``check``)."""

    @property
    def cables_per_second(self) -> float:
        """Throughput in cables per second."""
        return self.cables / self.seconds if self.seconds > 0 else 0.0

    @property
    def megabytes_per_second(self) -> float:
        """Throughput in input megabytes (10^6 bytes) per second."""
        return self.input_bytes / 1e6 / self.seconds if self.seconds > 0 else 0.0

    def top_defects(self, n: int = 10) -> list[tuple[str, int]]:
        """The ``n`` most frequent defect codes with their counts (ties by code)."""
        return sorted(self.defects.items(), key=lambda item: (-item[1], item[0]))[:n]

    def headline(self) -> str:
        """The counts line that ``convert`` and ``check`` both print: "1 cable, 2 rejected, ..."."""
        # One wording for both commands ("rejected", not "unreadable" in one of them), and
        # "1 cable" rather than "1 cables" (issue 16).
        return (
            f"{_count(self.cables, 'cable')}, {self.rejects:,} rejected, "
            f"{self.cables_with_defects:,} with defects "
            f"({_count(sum(self.defects.values()), 'defect')} of {_count(len(self.defects), 'kind')})"
        )

    def report(self, top: int = 10) -> str:
        """A short human-readable summary (what the command line prints on stderr)."""
        lines = [
            self.headline(),
            (
                f"{self.seconds:.1f} s, {self.cables_per_second:,.0f} cables/s, "
                f"{self.megabytes_per_second:.1f} MB/s, "
                f"{self.jobs} job{'s' if self.jobs != 1 else ''}"
            ),
        ]
        for code, count in self.top_defects(top):
            lines.append(f"  {count:>9,}  {code}")
        if len(self.defects) > top:
            lines.append(f"  ({len(self.defects) - top} more defect codes)")
        return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


# --- work units ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Task:
    """One unit of work: a byte range of a cables.csv file, or a group of whole files."""

    index: int
    kind: Literal["csv-range", "files"]
    sources: tuple[str, ...]
    start: int = 0
    end: int | None = None
    size: int = 0
    """Bytes of input this task covers (for progress)."""
    format: str = "auto"
    first_line: int = 1
    """Line number at ``start`` (counted once by the parent rather than by every worker)."""


@attrs.frozen(kw_only=True)
class _TaskResult:
    index: int
    cables: int
    defects: dict[str, int]
    cables_with_defects: int
    rejects: int
    part: str | None
    rejects_part: str | None


class _Stats:
    """Counts accumulated by one task (or by the whole run in the parent)."""

    __slots__ = ("cables", "cables_with_defects", "defects", "rejects")

    def __init__(self) -> None:
        self.cables = 0
        self.defects: collections.Counter[str] = collections.Counter()
        self.cables_with_defects = 0
        self.rejects = 0

    def add_cable(self, cable: Cable) -> None:
        self.cables += 1
        if cable.defects:
            self.cables_with_defects += 1
            self.defects.update(defect.code for defect in cable.defects)

    def add_result(self, result: _TaskResult) -> None:
        self.cables += result.cables
        self.defects.update(result.defects)
        self.cables_with_defects += result.cables_with_defects
        self.rejects += result.rejects


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as file:
        return file.read(2) == b"\x1f\x8b"


def _is_plain_csv(path: str, format: str) -> bool:
    """A cables.csv file that can be cut into byte ranges (not compressed, not stdin)."""
    if path == "-" or not os.path.isfile(path):
        return False
    if format not in ("auto", "csv"):
        return False
    if format == "auto" and not path.lower().endswith(".csv"):
        return False
    return not _is_gzip(path)


def _directory_files(directory: str) -> list[str]:
    """Cable files under a directory, recursively, in name order, hidden entries skipped.

    The same files in the same order as ``iter_cables(directory)`` reads, so that a directory
    converts identically with any ``jobs``; listing them here lets them be shared out.
    """
    from .containers import CABLE_SUFFIXES

    found: list[str] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(CABLE_SUFFIXES):
                found.append(os.path.join(root, name))
    return found


def expand_inputs(inputs: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Input paths with directories replaced by the cable files under them, in order.

    Raises :class:`FileNotFoundError` for a path that does not exist (``"-"`` is stdin).
    """
    paths: list[str] = []
    for item in inputs:
        path = os.fspath(item)
        if path == "-":
            paths.append(path)
        elif os.path.isdir(path):
            paths.extend(_directory_files(path))
        elif os.path.exists(path):
            paths.append(path)
        else:
            raise FileNotFoundError(2, "input does not exist", path)
    return paths


def _line_numbers(path: str, offsets: Sequence[int]) -> list[int]:
    """The 1-based line number at each of the (ascending) byte ``offsets``, in one pass.

    Left to itself, each shard's reader would count the lines before its start, reading the
    file's head again for every shard (quadratic in the number of shards).
    """
    numbers: list[int] = []
    newlines = 0
    position = 0
    with open(path, "rb") as file:
        for offset in offsets:
            while position < offset:
                chunk = file.read(min(offset - position, 1 << 24))
                if not chunk:
                    break
                newlines += chunk.count(b"\n")
                position += len(chunk)
            numbers.append(newlines + 1)
    return numbers


def _shard_count(size: int, jobs: int) -> int:
    if jobs <= 1:
        return 1
    if size <= jobs * SHARD_BYTES:
        return jobs
    return min(math.ceil(size / SHARD_BYTES), jobs * MAX_SHARDS_PER_JOB)


def _plan(paths: Sequence[str], format: str, jobs: int) -> list[_Task]:
    """Cut the inputs into tasks, in input order."""
    tasks: list[_Task] = []
    group: list[str] = []
    group_size = 0

    def flush_group() -> None:
        nonlocal group, group_size
        if group:
            tasks.append(
                _Task(index=len(tasks), kind="files", sources=tuple(group), size=group_size, format=format)
            )
            group, group_size = [], 0

    for path in paths:
        if _is_plain_csv(path, format):
            flush_group()
            size = os.path.getsize(path)
            shards = _shard_count(size, jobs)
            ranges: Sequence[tuple[int, int | None]]
            if shards > 1:
                from .containers.csvfile import split_byte_ranges

                ranges = split_byte_ranges(path, shards)
            else:
                ranges = [(0, None)]
            lines = _line_numbers(path, [start for start, _ in ranges])
            for (start, end), first_line in zip(ranges, lines):
                # The reader's "to the end" sentinel may be any number past the file's size.
                stop = size if end is None or end > size else end
                if stop <= start and shards > 1:
                    continue  # an empty range: two cut points snapped to the same record
                tasks.append(
                    _Task(
                        index=len(tasks),
                        kind="csv-range",
                        sources=(path,),
                        start=start,
                        end=end,
                        size=max(0, stop - start),
                        format="csv",
                        first_line=first_line,
                    )
                )
        else:
            group.append(path)
            group_size += 0 if path == "-" else os.path.getsize(path)
            if len(group) >= FILES_PER_TASK:
                flush_group()
    flush_group()
    return tasks


# --- running a task --------------------------------------------------------------------------

_Report = Callable[[int, int], None]
"""``report(bytes_done_delta, cables_delta)``: progress callback."""


def _unreadable(envelope: Any, error: Exception) -> CableError:
    """A reject for an envelope the parser refused (kept whole so nothing is lost)."""
    parts = [part for part in (envelope.header_text, envelope.body_text) if part]
    message = str(error)
    if not isinstance(error, CableParseError):
        # The API promises only CableParseError; anything else is a parser bug. Record it as
        # a reject rather than losing hours of batch work to one odd cable.
        message = f"internal parser error: {type(error).__name__}: {error}"
    return CableError(
        message=message,
        source=envelope.source,
        offset=envelope.offset,
        line=envelope.line,
        raw="\n".join(parts),
    )


def _csv_records(task: _Task) -> Iterator[tuple[Cable | CableError, int]]:
    """(record, bytes of the range done so far) for a byte range of a cables.csv file."""
    from .containers.csvfile import iter_csv_envelopes
    from .core import parse_envelope

    path = task.sources[0]
    with open(path, "rb") as file:
        records = iter_csv_envelopes(
            file, source=path, start=task.start, end=task.end, first_line=task.first_line
        )
        for item in records:
            done = 0 if item.offset is None else max(0, item.offset - task.start)
            if isinstance(item, CableError):
                yield item, done
                continue
            try:
                record: Cable | CableError = parse_envelope(item)
            except Exception as error:  # noqa: BLE001 - a parser bug becomes a reject, see _unreadable
                record = _unreadable(item, error)
            yield record, done


def _file_records(task: _Task) -> Iterator[tuple[Cable | CableError, int]]:
    """(record, bytes done) for a group of whole files; progress moves file by file."""
    from . import iter_cables

    done = 0
    for source in task.sources:
        try:
            for record in iter_cables(source, format=task.format, errors="yield"):
                yield record, done
        except CableParseError as error:
            # A file the container layer refuses as a whole (not text at all) is one reject.
            yield CableError(message=str(error), source=source), done
        done += 0 if source == "-" else os.path.getsize(source)


def _run(task: _Task, sink: Sink, rejects: _RejectFile | None, stats: _Stats, report: _Report) -> None:
    """Stream one task's records into ``sink`` and ``rejects``, counting as it goes."""
    records = _csv_records(task) if task.kind == "csv-range" else _file_records(task)
    reported_bytes = 0
    reported_cables = 0
    since_report = 0
    for record, done in records:
        if isinstance(record, CableError):
            stats.rejects += 1
            if rejects is not None:
                rejects.write(record)
        else:
            sink.write(record)
            stats.add_cable(record)
        since_report += 1
        if since_report >= _REPORT_EVERY:
            since_report = 0
            report(done - reported_bytes, stats.cables - reported_cables)
            reported_bytes, reported_cables = done, stats.cables
    report(task.size - reported_bytes, stats.cables - reported_cables)


class _RejectFile(JsonLinesFile):
    """JSON Lines of ``to_plain(CableError)``, written atomically like the sinks."""

    def write(self, error: CableError) -> None:
        self.write_line(json.dumps(to_plain(error), ensure_ascii=False, separators=(",", ":")))


# --- worker processes ------------------------------------------------------------------------

_SHARED_PROGRESS: Any = None
"""In a worker: a shared array ``[bytes done, cables done]`` the parent polls for progress."""


def _init_worker(progress: Any) -> None:
    """Worker initializer: keep the shared progress counters (inherited, never pickled)."""
    global _SHARED_PROGRESS
    _SHARED_PROGRESS = progress


def _report_shared(bytes_done: int, cables: int) -> None:
    shared = _SHARED_PROGRESS
    if shared is not None and (bytes_done or cables):
        with shared.get_lock():
            shared[0] += bytes_done
            shared[1] += cables


def _work(task: _Task, part: str | None, kind: SinkKind, rejects_part: str | None) -> _TaskResult:
    """Run one task in a worker process, into its own part file; return only counts."""
    sink = open_sink(part or os.devnull, kind=kind, part=True)
    rejects = _RejectFile(rejects_part) if rejects_part else None
    stats = _Stats()
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
    return _TaskResult(
        index=task.index,
        cables=stats.cables,
        defects=dict(stats.defects),
        cables_with_defects=stats.cables_with_defects,
        rejects=stats.rejects,
        part=part,
        rejects_part=rejects_part,
    )


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


def convert(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    output: str | os.PathLike[str] | None,
    *,
    jobs: int | None = None,
    format: str = "auto",
    rejects: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
    to: str | None = None,
) -> Summary:
    """Convert every cable of ``inputs`` into ``output``; return what was done.

    - ``inputs``: paths of cables.csv files (also ``.csv.gz``), HTML pages, text files or
      directories of them, or ``"-"`` for standard input.
    - ``output``: ``.jsonl`` (``"-"``: stdout), ``.parquet``, a directory (path ending in
      ``/``: a Parquet dataset) or ``.sqlite``; ``None`` parses and counts without writing.
      The output appears only when everything succeeded.
    - ``jobs``: worker processes (default ``os.cpu_count()``; 1 runs in this process).
    - ``format``: one of :data:`FORMATS`.
    - ``rejects``: a file for the records that could not be read (JSON Lines of
      ``to_plain(CableError)``), written even when empty.
    - ``progress``: a progress bar on stderr (default: when stderr is a terminal).
    - ``to``: ``"jsonl"``, ``"parquet"`` or ``"sqlite"`` whatever the output's extension
      (default: from the extension: ``.jsonl``, ``.ndjson``, ``.jsonl.gz``, ``.parquet``,
      ``.sqlite``, ``.sqlite3``, ``.db``).

    Workers are started with ``spawn``: a script that calls ``convert`` with ``jobs > 1`` must
    do so under ``if __name__ == "__main__":``, as with any multiprocessing code.

    Raises :class:`FileNotFoundError` for a missing input, :class:`~cableparse.sinks.SinkError`
    (a ``ValueError``) for an unknown output kind or format, and ``OSError`` when the output
    cannot be written; nothing is left at the output path then.
    """
    started = time.perf_counter()
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r} (use one of {', '.join(FORMATS)})")
    if jobs is None:
        jobs = os.cpu_count() or 1
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    output_text = None if output is None else os.fspath(output)
    if to is not None and to not in OUTPUT_FORMATS:
        raise ValueError(f"unknown output format {to!r} (use one of {', '.join(OUTPUT_FORMATS)})")
    kind: SinkKind = "null" if output_text is None else OUTPUT_FORMATS[to] if to else sink_kind(output_text)
    paths = expand_inputs(inputs)
    if "-" in paths and len(paths) > 1:
        raise ValueError("standard input ('-') cannot be combined with other inputs")
    tasks = _plan(paths, format, jobs)
    rejects_text = None if rejects is None else os.fspath(rejects)
    bar = _Progress(sum(task.size for task in tasks), progress)
    stats = _Stats()
    # Open the outputs before any work, so an unwritable path fails at once.
    sink = open_sink(output_text or os.devnull, kind=kind)
    reject_file: _RejectFile | None = None
    try:
        reject_file = _RejectFile(rejects_text) if rejects_text else None
        workers = min(jobs, len(tasks))
        if workers <= 1:
            for task in tasks:
                task_stats = _Stats()
                _run(task, sink, reject_file, task_stats, bar.update)
                stats.add_result(_result(task, task_stats))
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
    return Summary(
        cables=stats.cables,
        defects=dict(stats.defects),
        cables_with_defects=stats.cables_with_defects,
        rejects=stats.rejects,
        seconds=time.perf_counter() - started,
        input_bytes=sum(task.size for task in tasks),
        jobs=max(1, min(jobs, len(tasks))),
        output=output_text,
    )


def _result(task: _Task, stats: _Stats) -> _TaskResult:
    return _TaskResult(
        index=task.index,
        cables=stats.cables,
        defects=dict(stats.defects),
        cables_with_defects=stats.cables_with_defects,
        rejects=stats.rejects,
        part=None,
        rejects_part=None,
    )


def _parts_directory(output: str | None) -> Path:
    """Where workers write their parts: next to the output (renames stay on one disk)."""
    if output is None or output == "-":
        import tempfile

        return Path(tempfile.mkdtemp(prefix="cableparse-parts-"))
    return temp_directory_for(Path(output.rstrip("/") or "/"), "parts")


def _convert_parallel(
    tasks: Sequence[_Task],
    workers: int,
    kind: SinkKind,
    sink: Sink,
    reject_file: _RejectFile | None,
    output: str | None,
    stats: _Stats,
    bar: _Progress,
) -> None:
    """Run tasks in worker processes and append their parts to ``sink`` in task order."""
    parts = _parts_directory(output)
    # spawn: the same behaviour on Linux, macOS and Windows, and no fork of a parent that may
    # hold threads or open database handles.
    context = multiprocessing.get_context("spawn")
    shared = context.Array("q", 2)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(shared,)
    )
    try:
        futures: list[Future[_TaskResult]] = []
        for task in tasks:
            part = None if kind == "null" else str(parts / f"part-{task.index:05d}{part_suffix(kind)}")
            rejects_part = str(parts / f"rejects-{task.index:05d}.jsonl") if reject_file else None
            futures.append(pool.submit(_work, task, part, kind, rejects_part))
        pending: set[Future[_TaskResult]] = set(futures)
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
    try:
        os.unlink(path)
    except FileNotFoundError:  # a dataset part was moved into the output
        pass

