"""Dask integration: parse cables on a cluster (the optional ``dask`` extra; docs/dask.md).

Importing :mod:`cableparse` never imports Dask; this module does. It holds only what is Dask's
(fsspec access, the bag and dataframe graphs, the scheduler): the tasks, their records, rejects
and counts are :mod:`cableparse.pipeline`'s, which ``convert --jobs`` runs in a process pool,
and part files are written by the Parquet sink's ``RowGroupWriter``. A cables.csv is cut into
tasks of ``blocksize`` raw bytes, whose readers snap both ends to verified record starts; each
range but a file's last gets a task that counts its newlines, so that the next ranges know
their line numbers without reading the file from byte 0 (which would be quadratic).
"""

from __future__ import annotations

import contextlib
import functools
import glob as _glob
import itertools
import os
import shutil
import sys
import time
import uuid
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import attrs

try:
    import dask
    import dask.bag as dask_bag
    import dask.dataframe as dask_dataframe
    import fsspec  # type: ignore[import-untyped,unused-ignore]
    from dask.base import compute, is_dask_collection
    from dask.delayed import Delayed, delayed
    from dask.utils import parse_bytes
except ImportError as _error:  # pragma: no cover - depends on the environment
    raise ImportError(
        f"cableparse.dask needs Dask ({_error}): pip install 'cableparse[dask]'"
    ) from _error

from . import pipeline
from .containers import open_regular
from .models import Cable
from .pipeline import ErrorsMode, Format, Ranges, Stats, Summary, Task, TaskResult, records
from .sinks import SinkError
from .sinks._atomic import AtomicPath, replace_directory
from .sinks.base import PART_FILE, parent_must_exist

__all__ = ["DEFAULT_BLOCKSIZE", "FILES_PER_PARTITION", "auto_blocksize", "convert", "dataframe_meta", "read_cables",
           "read_dataframe", "to_dataframe", "to_parquet"]

DEFAULT_BLOCKSIZE = "64MiB"
"""Bytes of cables.csv per partition: about 9,000 cables, 10 s of parsing on one core."""

FILES_PER_PARTITION = pipeline.FILES_PER_TASK
"""At most this many whole files (HTML pages, text files) in one partition."""

Paths = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
"""One path or URL (globs allowed), or several."""


# --- fsspec -------------------------------------------------------------------------------------


def _is_local(path: str) -> bool:
    return "://" not in path and not path.startswith("file:")


def _open(options: Mapping[str, Any], url: str) -> IO[bytes]:
    """A seekable binary file object for a local path or an fsspec URL (not decompressed)."""
    opened: IO[bytes] = open_regular(url) if _is_local(url) else fsspec.open(url, mode="rb", **options).open()
    return opened


def _expand(paths: Paths, options: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    """``(what a worker opens, what the records are called, size)`` of every input file, in order:
    directories walked, globs expanded (sorted). A local path is opened by its absolute path (a
    worker's working directory may differ) but named as given, as a sequential pass names it."""
    found: list[tuple[str, str, int]] = []
    for item in [paths] if isinstance(paths, (str, os.PathLike)) else list(paths):
        text = os.fspath(item)
        if text == "-":
            raise ValueError("Dask cannot read standard input ('-'); name a file or URL")
        if _is_local(text):
            names = sorted(_glob.glob(text)) if _glob.has_magic(text) and not os.path.lexists(text) else [text]
            if not names:
                raise FileNotFoundError(2, "no input matches", text)
            # str(Path(...)): how iter_cables names the records of a file path.
            found.extend((os.path.abspath(path), str(Path(path)), pipeline.file_size(path))
                         for path in pipeline.expand_inputs(names))
            continue
        fs, root = fsspec.core.url_to_fs(text, **options)
        matches = sorted(fs.glob(root)) if _glob.has_magic(root) else [root]
        if not matches:
            raise FileNotFoundError(2, "no input matches", text)
        for match in matches:
            if fs.isfile(match):  # first: over HTTP, isdir is true for any page with links (a cable page)
                url = text if match == root else fs.unstrip_protocol(match)
                found.append((url, url, int(fs.size(match) or 0)))
            elif fs.isdir(match):
                listing = ((str(name), int(info.get("size") or 0)) for name, info in fs.find(match, detail=True).items())
                found.extend((fs.unstrip_protocol(name), fs.unstrip_protocol(name), size)
                             for name, size in pipeline.walk_listing(match, listing))
            else:
                raise FileNotFoundError(2, "input does not exist", text)
    return found


# --- the graph ------------------------------------------------------------------------------------


def _plan(paths: Paths, blocksize: int, format: Format, options: Mapping[str, Any]) -> list[Task]:
    """The tasks, in input order: raw ``blocksize`` ranges of each splittable cables.csv (the
    workers snap them; nothing but sizes and two bytes per file is read here), other files in
    groups of about ``blocksize`` bytes."""

    def ranges(path: str, name: str, size: int) -> Ranges | None:
        # Size 0 may be a size the server did not report: such a file is read whole.
        if size == 0 or not pipeline.is_splittable(path, name, format, functools.partial(_open, options)):
            return None
        starts = range(0, size, blocksize)
        return [(start, start + blocksize if start + blocksize < size else None, 1 if start == 0 else None)
                for start in starts]

    return pipeline.cut(_expand(paths, options), format, ranges, group_bytes=blocksize)


def _count_newlines(task: Task, options: Mapping[str, Any]) -> int:
    """Newlines in the raw byte range of a csv task (for the line numbers of later tasks)."""
    with _open(options, task.sources[0]) as file:
        return pipeline.count_newlines(file, task.start, task.size)


@attrs.frozen(kw_only=True)
class _Plan:
    """The tasks behind a collection made here: :func:`to_parquet` parses and writes each in one
    task (no partition of Cable objects is held)."""

    tasks: tuple[Task, ...]
    lines: Delayed
    errors: ErrorsMode
    options: Mapping[str, Any]


_PLANS: dict[str, _Plan] = {}
"""Collection name -> its plan (the latest few; a plan is small)."""


def _graph(paths: Paths, blocksize: int | str, format: Format, errors: ErrorsMode,
           storage_options: Mapping[str, Any] | None) -> _Plan:
    """The tasks, and a delayed list of each task's first line (from newline-count tasks)."""
    pipeline.check_modes(format, errors)
    size = parse_bytes(blocksize) if isinstance(blocksize, str) else int(blocksize)
    if size < 1:
        raise ValueError("blocksize must be at least 1 byte")
    options = dict(storage_options or {})
    tasks = _plan(paths, size, format, options)
    # Only a csv range followed by another range of the same file needs its newlines counted.
    counts = [delayed(_count_newlines, pure=True)(task, options)
              if task.kind == "csv-range" and following.kind == "csv-range" and following.start > 0 else None
              for task, following in itertools.pairwise(tasks)]
    lines = delayed(pipeline.first_lines, pure=True)(tasks, [*counts, None])
    return _Plan(tasks=tuple(tasks), lines=lines, errors=errors, options=options)


def _remember(collection: Any, plan: _Plan) -> Any:
    _PLANS[_name(collection)] = plan
    if len(_PLANS) > 64:
        del _PLANS[next(iter(_PLANS))]
    return collection


def _name(collection: Any) -> str:
    return str(collection.name if isinstance(collection, dask_bag.Bag) else collection._name)


def _partition(task: Task, lines: Sequence[int | None], errors: ErrorsMode, options: Mapping[str, Any],
               out: str | tuple[str, str | None, Mapping[str, Any]] = "bag") -> Any:
    """One task on a worker, given the line at each task's raw start: its records as a bag
    partition, its cables as a dataframe partition (``out="frame"``), or written by
    :func:`_write` (``out``: its arguments) in one stream. A parser bug is a reject that says so,
    as in ``convert`` (on a cluster it would otherwise throw away every task's work)."""
    task = attrs.evolve(task, first_line=lines[task.index])
    opener = None if all(_is_local(path) for path in task.sources) else functools.partial(_open, options)
    found = (record for record, _ in records(task, opener=opener, errors=errors))
    if out == "frame":
        from .sinks.parquet import cables_frame

        return cables_frame(record for record in found if isinstance(record, Cable))
    return list(found) if out == "bag" else _write(found, task.index, *out)


def read_cables(paths: Paths, *, blocksize: int | str = DEFAULT_BLOCKSIZE, format: Format = "auto",
                errors: ErrorsMode = "raise", storage_options: Mapping[str, Any] | None = None) -> Any:
    """A :class:`dask.bag.Bag` of the cables of ``paths`` (paths or fsspec URLs such as
    ``s3://bucket/cables.csv``, globs, directories), in input order: the records of
    ``iter_cables(path, errors=errors)`` path after path, except that a parser bug is a
    ``CableError`` that says so. A cables.csv is cut into partitions of about ``blocksize``
    bytes (an int or ``"64MiB"``) at verified record starts; other files are read whole, several
    to a partition. ``storage_options`` go to fsspec. Files are listed now, on the client.
    """
    plan = _graph(paths, blocksize, format, errors, storage_options)
    parts = [delayed(_partition, pure=True)(task, plan.lines, errors, plan.options) for task in plan.tasks]
    if not parts:
        return _remember(dask_bag.from_sequence([], npartitions=1), plan)  # type: ignore[no-untyped-call]
    return _remember(dask_bag.from_delayed(parts), plan)  # type: ignore[no-untyped-call]


def dataframe_meta() -> Any:
    """The empty pandas DataFrame that describes :func:`read_dataframe`'s partitions
    (:func:`cableparse.sinks.parquet.cables_frame` of no cable)."""
    from .sinks.parquet import cables_frame

    return cables_frame(())


def read_dataframe(paths: Paths, *, blocksize: int | str = DEFAULT_BLOCKSIZE, format: Format = "auto",
                   errors: ErrorsMode = "raise", storage_options: Mapping[str, Any] | None = None) -> Any:
    """A :class:`dask.dataframe.DataFrame` with one row per cable, as the Parquet sink writes it
    (:func:`dataframe_meta`). Arguments as for :func:`read_cables`; a dataframe has no place for
    unreadable records, so ``"skip"`` and ``"yield"`` both drop them."""
    plan = _graph(paths, blocksize, format, "skip" if errors == "yield" else errors, storage_options)
    meta = dataframe_meta()
    parts = [delayed(_partition, pure=True)(task, plan.lines, plan.errors, plan.options, "frame") for task in plan.tasks]
    if not parts:
        return _remember(dask_dataframe.from_pandas(meta, npartitions=1), plan)  # type: ignore[no-untyped-call]
    return _remember(dask_dataframe.from_delayed(parts, meta=meta, verify_meta=False), plan)


def to_dataframe(paths: Paths, **options: Any) -> Any:
    """Deprecated name of :func:`read_dataframe` (Dask calls what reads paths ``read_*``)."""
    warnings.warn("cableparse.dask.to_dataframe is deprecated; use read_dataframe", DeprecationWarning, stacklevel=2)
    return read_dataframe(paths, **options)


# --- writing a dataset ------------------------------------------------------------------------------


def _write(items: Any, index: int, directory: str, rejects_directory: str | None,
           options: Mapping[str, Any]) -> TaskResult:
    """Write one partition as ``part-NNNNN.parquet`` (and ``rejects-NNNNN.jsonl``) on a worker;
    return only counts. A partition without cables leaves no part file."""
    fs, root = fsspec.core.url_to_fs(directory, **options)
    part = f"{root}/part-{index:05d}.parquet"
    rejects_part = None if rejects_directory is None else f"{rejects_directory}/rejects-{index:05d}.jsonl"
    with fs.open(part, "wb") as file, \
            fsspec.open(rejects_part, "wb", **options) if rejects_part else contextlib.nullcontext() as rejects:
        stats = pipeline.write_part(items, file, rejects)
    if stats.cables == 0:
        fs.rm(part)
    return stats.result(index, part=part if stats.cables else None, rejects_part=rejects_part)


def _output(path: str | os.PathLike[str], options: Mapping[str, Any]) -> tuple[Any, str, bool]:
    """``(filesystem, path, local)`` of the output directory, refused unless it is absent or a
    previous dataset (only ``part-NNNNN.parquet`` files: the rule of the Parquet dataset sink)."""
    text = os.fspath(path)
    local = _is_local(text)
    fs, root = (fsspec.filesystem("file"), os.path.abspath(text)) if local else fsspec.core.url_to_fs(text, **options)
    root = root.rstrip("/") or "/"
    if local:
        parent_must_exist(Path(root))
    if fs.exists(root) and not (fs.isdir(root) and all(
            PART_FILE.fullmatch(str(name).rstrip("/").rsplit("/", 1)[-1]) for name in fs.ls(root, detail=False))):
        raise SinkError(f"{root}: exists and is not a cableparse Parquet dataset")
    return fs, root, local


def to_parquet(data: Any, path: str | os.PathLike[str], *args: Any, rejects: str | os.PathLike[str] | None = None,
               storage_options: Mapping[str, Any] | None = None, scheduler: Any = None, num_workers: int | None = None,
               **legacy: Any) -> Summary:
    """Write a collection of cables as the Parquet dataset ``path``; the workers write it.

    ``data`` is a Dask collection, as for Dask's own ``to_parquet``: a bag of ``Cable`` (and
    ``CableError``) such as :func:`read_cables` makes, or a DataFrame from :func:`read_dataframe`
    (for those two, one task reads, parses and writes each partition as a stream). Each
    partition becomes ``part-NNNNN.parquet``, in input order, written by a worker with the
    Parquet sink's schema and row groups; only counts come back. The parts are moved into place
    when every task has succeeded (locally a rename); an existing ``path`` is replaced only if it
    holds nothing but part files. ``path`` may be an fsspec URL (``storage_options``). Every
    ``CableError`` is a reject; ``rejects`` (a path or URL) gets them as JSON Lines of
    ``to_plain(error)``, in order. ``scheduler`` and ``num_workers`` go to :func:`dask.compute`.

    Deprecated: ``to_parquet(paths, out_dir, *, blocksize, format, errors="yield",
    storage_options, output_storage_options, ...)``, told apart by a first argument that is not
    a Dask collection: it warns (:class:`DeprecationWarning`) and runs ``to_parquet(read_cables(
    paths, ...), out_dir, storage_options=output_storage_options, ...)``.
    """
    if not is_dask_collection(data):
        warnings.warn("cableparse.dask.to_parquet(paths, out_dir) is deprecated; use "
                      "to_parquet(read_cables(paths), out_dir)", DeprecationWarning, stacklevel=2)
        reading = {key: legacy.pop(key) for key in ("blocksize", "format") if key in legacy}
        output = legacy.pop("output_storage_options", None)
        bag = read_cables(data, *args, errors=legacy.pop("errors", "yield"), storage_options=storage_options, **reading)
        return to_parquet(bag, path, rejects=rejects, storage_options=storage_options if output is None else output,
                          scheduler=scheduler, num_workers=num_workers, **legacy)
    if args or legacy:
        raise TypeError(f"to_parquet(collection, path) takes no {', '.join(legacy) or 'further positional'} arguments")
    started, options = time.perf_counter(), dict(storage_options or {})
    fs, root, local = _output(path, options)
    parent, _, name = root.rpartition("/")
    temp = f"{parent}/.{name}.{uuid.uuid4().hex[:12]}.tmp"  # the parts, and the rejects parts till joined
    url = temp if local else fs.unstrip_protocol(temp)
    reject_url = url if rejects is not None else None
    plan = _PLANS.get(_name(data))
    tasks = [delayed(_partition, pure=False)(task, plan.lines, plan.errors, plan.options, (url, reject_url, options))
             for task in plan.tasks] if plan is not None else [
             delayed(_write, pure=False)(part, index, url, reject_url, options) for index, part in enumerate(data.to_delayed())]
    chosen = {key: value for key, value in (("scheduler", scheduler), ("num_workers", num_workers)) if value is not None}
    try:
        fs.makedirs(temp, exist_ok=True)
        results: Sequence[TaskResult] = compute(*tasks, **chosen)  # type: ignore[no-untyped-call]
        if not any(result.part for result in results):
            from .sinks.parquet import RowGroupWriter

            with fs.open(f"{temp}/part-00000.parquet", "wb") as file:
                RowGroupWriter(file).close()
        reject_parts = [result.rejects_part for result in results if result.rejects_part]
        if rejects is not None:
            _join(rejects, reject_parts, options)
            fs.rm(reject_parts) if reject_parts else None
        if local:
            replace_directory(temp, root)
        else:  # object stores have no rename: copy, then delete (not atomic; the parts are complete)
            fs.rm(root, recursive=True) if fs.exists(root) else None
            fs.mv(temp, root, recursive=True)
    finally:
        fs.rm(temp, recursive=True) if fs.exists(temp) else None
    stats = Stats()
    for result in results:
        stats.add_result(result)
    return stats.summary(seconds=time.perf_counter() - started, output=os.fspath(path),
                         input_bytes=0 if plan is None else sum(task.size for task in plan.tasks),
                         jobs=num_workers or _workers(scheduler))


def _join(target: str | os.PathLike[str], parts: Iterable[str], options: Mapping[str, Any]) -> None:
    """Concatenate the rejects parts into ``target``, written even when empty (locally: a hidden
    temporary file renamed into place, like ``convert``'s)."""
    text = os.fspath(target)
    atomic = AtomicPath(text) if _is_local(text) else None
    try:
        with fsspec.open(os.fspath(atomic.temp) if atomic else text, "wb", **({} if atomic else options)) as out:
            for part in parts:
                with fsspec.open(part, "rb", **options) as source:
                    shutil.copyfileobj(source, out, 1 << 20)
        if atomic is not None:
            atomic.commit()
    finally:
        if atomic is not None:
            atomic.discard()


# --- scheduler and command line ---------------------------------------------------------------------


def _workers(scheduler: Any) -> int:
    """How many workers a compute will use (for the summary)."""
    if hasattr(scheduler, "scheduler_info"):
        return max(1, len(scheduler.scheduler_info().get("workers", {})))
    local = 1 if scheduler in ("sync", "synchronous", "single-threaded") else dask.config.get("num_workers", None)
    return int(local or os.cpu_count() or 1)


def auto_blocksize(paths: Paths, workers: int, storage_options: Mapping[str, Any] | None = None) -> int:
    """A block size giving each of ``workers`` about four blocks (even load: cable sizes vary a
    hundredfold), between 1 MiB and :data:`DEFAULT_BLOCKSIZE`. Lists the inputs (sizes only)."""
    total = sum(size for _, _, size in _expand(paths, dict(storage_options or {})))
    return max(1 << 20, min(parse_bytes(DEFAULT_BLOCKSIZE), -(-total // (4 * max(1, workers)))))


def convert(inputs: Paths, output: str | os.PathLike[str], *, jobs: int | None = None, format: Format = "auto",
            rejects: str | os.PathLike[str] | None = None, scheduler: str | None = None, progress: bool | None = None,
            blocksize: int | str | None = None) -> Summary:
    """What ``cableparse convert --engine dask`` runs: :func:`read_cables` (``errors="yield"``)
    and :func:`to_parquet`.

    ``output``: a Parquet dataset directory (an existing directory, or a path ending in ``/`` or
    ``.parquet``). ``scheduler``: the address of a ``distributed`` scheduler; without it the
    work runs in ``jobs`` local processes (default: the number of CPUs). ``blocksize``: default
    :func:`auto_blocksize` for the worker threads there are. ``progress``: a Dask progress bar
    on stderr for local runs (default: when stderr is a terminal).
    """
    text = os.fspath(output)
    if text == "-" or not (text.endswith("/") or text.lower().endswith(".parquet")
                           or (_is_local(text) and os.path.isdir(text))):
        raise SinkError(f"{text}: --engine dask writes a Parquet dataset: OUT must be a directory "
                        "(ending in '/') or end with '.parquet'")
    pipeline.check_modes(format, jobs=jobs)
    if any(os.fspath(item) == "-" for item in ([inputs] if isinstance(inputs, (str, os.PathLike)) else inputs)):
        raise ValueError("--engine dask cannot read standard input ('-'); name a file or URL")

    def run(workers: int, **chosen: Any) -> Summary:
        size = blocksize if blocksize is not None else auto_blocksize(inputs, workers)
        return to_parquet(read_cables(inputs, blocksize=size, format=format, errors="yield"), text,
                          rejects=rejects, **chosen)

    if scheduler is not None:
        from distributed import Client

        # The cluster decides how many workers there are; ``jobs`` is for the local run only.
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            workers = client.scheduler_info().get("workers", {}).values()
            return run(sum(int(worker.get("nthreads", 1)) for worker in workers), scheduler=client)
    workers = jobs or os.cpu_count() or 1
    # Parsing holds the GIL: local work needs processes, not Dask's default threads.
    chosen = {"scheduler": "processes" if workers > 1 else "sync", "num_workers": workers}
    from dask.diagnostics.progress import ProgressBar

    shown = sys.stderr.isatty() if progress is None else progress
    with ProgressBar(out=sys.stderr) if shown else contextlib.nullcontext():  # type: ignore[no-untyped-call]
        return run(workers, **chosen)
