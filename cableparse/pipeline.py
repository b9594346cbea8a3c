"""The run pipeline: what a batch run does with its inputs, whatever schedules the work.

:mod:`cableparse.batch` (a process pool) and :mod:`cableparse.dask` (Dask tasks) are two
schedulers over the same pieces, kept here so that they cannot drift apart:

* :func:`expand_inputs` - the input paths, directories replaced by the files the one
  directory walk (:func:`cableparse.containers.walk`) lists;
* :class:`Task` and :func:`plan` - the unit of work (a byte range of a cables.csv, or a group
  of whole files) and the cutting of the inputs into tasks;
* :func:`records` - the records of one task, cables or rejects, with progress;
* :func:`reject` - the one reject builder (a record the parser refused, kept whole);
* :class:`Stats` and :class:`TaskResult` - what a task counted.

Error policy (docs/design.md): a record that cannot be read is a reject, counted and kept;
an exception from the parser other than :class:`~cableparse.errors.CableParseError` is a bug in
cableparse and becomes a reject too, but one whose message starts with
:data:`INTERNAL_ERROR` and that the summary counts apart, so it is never silent.
"""

from __future__ import annotations

import collections
import itertools
import math
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, Literal

import attrs

from .containers import CABLE_SUFFIXES, iter_envelopes, open_regular, walk
from .containers._common import MAX_RECORD_BYTES, RAW_PREFIX_BYTES, ErrorsMode, FormatName
from .envelope import Envelope
from .errors import CableParseError
from .models import Cable, CableError, Defect
from .spans import source_text

__all__ = [
    "FORMATS",
    "INTERNAL_ERROR",
    "ErrorsMode",
    "Format",
    "Opener",
    "Stats",
    "Summary",
    "Task",
    "TaskResult",
    "check_modes",
    "check_paths",
    "count_newlines",
    "cut",
    "expand_inputs",
    "file_size",
    "first_lines",
    "fit_for_sinks",
    "is_internal",
    "is_splittable",
    "plan",
    "records",
    "reject",
    "reject_line",
    "walk_listing",
    "write_part",
]

Format = FormatName
"""An input format name (``--format``): a container format, or ``"auto"``."""

FORMATS: tuple[Format, ...] = ("auto", "csv", "html", "text", "page")
"""Values of ``format``."""

INTERNAL_ERROR = "internal error (a cableparse bug, please report it): "
"""Prefix of a reject's message when the parser raised something other than
:class:`~cableparse.errors.CableParseError`."""

SHARD_BYTES = 32 * 1024 * 1024
"""Target size of one cables.csv shard. Shards several times smaller than ``file / jobs``
balance the load (cable sizes vary 100-fold) and let the parent merge while workers parse."""

MAX_SHARDS_PER_JOB = 8
"""Upper bound on shards per worker, so a huge file does not become thousands of part files."""

FILES_PER_TASK = 256
"""Whole files (HTML pages, text files) handed to a worker at a time."""

_INT64_MAX = (1 << 63) - 1
_GZIP_MAGIC = b"\x1f\x8b"


# --- units of work ---------------------------------------------------------------------------


Opener = Callable[[str], IO[bytes]]
"""Opens a task's source for binary reading (Dask passes one for fsspec URLs; ``None``: a local
path, opened with :func:`~cableparse.containers.open_regular`)."""


def _same_as_sources(task: Task) -> tuple[str, ...]:
    return task.sources


@attrs.frozen(kw_only=True)
class Task:
    """One unit of work: a byte range of a cables.csv file, or a group of whole files.

    The same unit for every scheduler: ``convert --jobs`` hands tasks to worker processes,
    :mod:`cableparse.dask` makes each one a Dask task.
    """

    index: int
    """Position of the task in the run (outputs are appended in this order)."""
    kind: Literal["csv-range", "files"]
    """A byte range of one uncompressed cables.csv, or whole files read one after another."""
    sources: tuple[str, ...]
    """The file (csv-range) or files (files) of the task, as they are opened."""
    names: tuple[str, ...] = attrs.field(default=attrs.Factory(_same_as_sources, takes_self=True))
    """What the records of each source are called (``CableError.source``): the path as the user
    gave it, where a worker opens an absolute path or a URL (default: ``sources``)."""
    start: int = 0
    """First byte of a csv range (a verified record start, or any byte when the reader is to
    snap it)."""
    end: int | None = None
    """End of a csv range (``None``: the end of the file)."""
    size: int = 0
    """Bytes of input this task covers (for progress)."""
    format: Format = "auto"
    """The input format (``"auto"`` detects it file by file)."""
    first_line: int | None = 1
    """Line number at byte ``start`` (counted once by the planner rather than by every worker;
    ``None``: the reader counts the lines before ``start`` itself)."""
    spans: bool = False
    """Parse with field spans (``Cable.spans``), offsets into each record's own text."""


@attrs.frozen(kw_only=True)
class TaskResult:
    """What one task did: counts only (parsed cables never cross a process boundary)."""

    index: int
    """The task's index."""
    cables: int
    """Cables written."""
    defects: dict[str, int]
    """Defect code -> occurrences."""
    cables_with_defects: int
    """Cables with at least one defect."""
    rejects: int
    """Records that could not be read (internal errors included)."""
    internal_errors: int = 0
    """Rejects caused by a bug in cableparse."""
    part: str | None = None
    """The part file a worker wrote (``None``: written directly, or nothing to write)."""
    rejects_part: str | None = None
    """The rejects part file a worker wrote."""


class Stats:
    """Counts accumulated by one task (or by the whole run in the parent)."""

    __slots__ = ("cables", "cables_with_defects", "defects", "internal_errors", "rejects")

    def __init__(self) -> None:
        self.cables = 0
        self.defects: collections.Counter[str] = collections.Counter()
        self.cables_with_defects = 0
        self.rejects = 0
        self.internal_errors = 0

    def add_cable(self, cable: Cable) -> None:
        """Count one written cable and its defects."""
        self.add_codes([defect.code for defect in cable.defects])

    def add_codes(self, codes: Sequence[str]) -> None:
        """Count one written cable with defects of these codes (a row read back from Parquet)."""
        self.cables += 1
        if codes:
            self.cables_with_defects += 1
            self.defects.update(codes)

    def add_reject(self, error: CableError) -> None:
        """Count one reject (and whether a bug caused it)."""
        self.rejects += 1
        if is_internal(error):
            self.internal_errors += 1

    def take(self, record: Cable | CableError, write: Callable[[Cable], object],
             reject: Callable[[CableError], object] | None = None) -> None:
        """Count one record and hand it on: a cable to ``write`` as the sinks store it
        (:func:`fit_for_sinks`), a reject to ``reject``."""
        if isinstance(record, CableError):
            self.add_reject(record)
            if reject is not None:
                reject(record)
            return
        cable = fit_for_sinks(record)
        self.add_cable(cable)
        write(cable)

    def add_result(self, result: TaskResult) -> None:
        """Add the counts of a finished task."""
        self.cables += result.cables
        self.defects.update(result.defects)
        self.cables_with_defects += result.cables_with_defects
        self.rejects += result.rejects
        self.internal_errors += result.internal_errors

    def _counts(self) -> dict[str, Any]:
        return {"cables": self.cables, "defects": dict(self.defects), "cables_with_defects": self.cables_with_defects,
                "rejects": self.rejects, "internal_errors": self.internal_errors}

    def summary(self, *, seconds: float, input_bytes: int, jobs: int, output: str | None) -> Summary:
        """These counts as the :class:`Summary` of a whole run."""
        return Summary(**self._counts(), seconds=seconds, input_bytes=input_bytes, jobs=jobs, output=output)

    def result(self, index: int, *, part: str | None = None, rejects_part: str | None = None) -> TaskResult:
        """These counts as the result of task ``index``."""
        return TaskResult(index=index, **self._counts(), part=part, rejects_part=rejects_part)


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
    internal_errors: int = 0
    """Rejects caused by a bug in cableparse (their message says so); included in ``rejects``."""

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
        if self.internal_errors:
            lines.append(f"{self.internal_errors:,} of the rejects are internal errors (cableparse bugs, please report)")
        for code, count in self.top_defects(top):
            lines.append(f"  {count:>9,}  {code}")
        if len(self.defects) > top:
            lines.append(f"  ({len(self.defects) - top} more defect codes)")
        return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


# --- inputs and plan -------------------------------------------------------------------------


def expand_inputs(inputs: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Input paths with directories replaced by the cable files under them, in order.

    Directories are listed by :func:`cableparse.containers.walk`, the walk ``iter_cables``
    uses, so a directory converts identically with any engine and any ``jobs``. Raises
    :class:`FileNotFoundError` for a path that does not exist (``"-"`` is stdin); a dangling
    symlink inside a directory is listed, and becomes a reject when it is read.
    """
    paths: list[str] = []
    for item in inputs:
        path = os.fspath(item)
        if path == "-":
            paths.append(path)
        elif os.path.isdir(path):
            paths.extend(os.fspath(file) for file in walk(path))
        elif os.path.lexists(path):
            paths.append(path)
        else:
            raise FileNotFoundError(2, "input does not exist", path)
    return paths


def file_size(path: str) -> int:
    """Size of a regular file; 0 for stdin, a FIFO, a device, or a path that cannot be stat-ed
    (a dangling or looping symlink made ``os.path.getsize`` abort the planner, issue 13)."""
    if path == "-":
        return 0
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0


def is_splittable(path: str, name: str, format: str, opener: Opener | None = None) -> bool:
    """Whether a file can be cut into byte ranges: a cables.csv (by ``format``, else by its
    ``name``), not compressed (a gzip stream cannot be entered mid-way), and a regular file."""
    if path == "-" or format not in ("auto", "csv"):
        return False
    if format == "auto" and not name.lower().endswith(".csv"):
        return False
    try:
        with (opener or open_regular)(path) as file:
            return file.read(2) != _GZIP_MAGIC
    except OSError:
        return False


def count_newlines(file: IO[bytes], start: int, size: int) -> int:
    """Newlines in ``size`` bytes of ``file`` from ``start``, read 8 MiB at a time."""
    file.seek(start)
    count = 0
    while size > 0 and (data := file.read(min(size, 1 << 23))):
        count += data.count(b"\n")
        size -= len(data)
    return count


def _line_numbers(path: str, offsets: Sequence[int]) -> list[int]:
    """The 1-based line number at each of the (ascending) byte ``offsets``, in one pass.

    Left to itself, each shard's reader would count the lines before its start, reading the
    file's head again for every shard (quadratic in the number of shards).
    """
    numbers = [1]
    with open(path, "rb") as file:
        for before, offset in itertools.pairwise([0, *offsets]):
            numbers.append(numbers[-1] + count_newlines(file, before, offset - before))
    return numbers[1:]


def first_lines(tasks: Sequence[Task], counts: Sequence[int | None]) -> list[int | None]:
    """The file line at the start of each csv-range task, from the newlines of each range
    (``None`` where not counted: the range after it starts a file, or it is a files task)."""
    lines: list[int | None] = []
    line = 1
    for task, count in zip(tasks, counts):
        line = 1 if task.start == 0 else line
        lines.append(line if task.kind == "csv-range" else None)
        line += count or 0
    return lines


def walk_listing(root: str, files: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """``(path, size)`` of the cable files of a recursive listing under ``root`` (an object
    store's), filtered and ordered as :func:`cableparse.containers.walk` walks a local directory:
    hidden entries and other suffixes skipped, a directory's files (sorted) before its
    subdirectories (sorted, depth first)."""
    base = root.rstrip("/") + "/"
    found = []
    for name, size in files:
        parts = name[len(base):].split("/") if name.startswith(base) else [name]
        if not any(part.startswith(".") for part in parts) and parts[-1].lower().endswith(CABLE_SUFFIXES):
            found.append(([(1, part) for part in parts[:-1]] + [(0, parts[-1])], name, size))
    return [(name, size) for _, name, size in sorted(found)]


def check_modes(format: str, errors: str = "yield", *, jobs: int | None = None) -> None:
    """Refuse an unknown ``format`` or ``errors`` value, or ``jobs`` below 1: misuse, a
    ``ValueError`` in every entry point (docs/design.md, error policy)."""
    if jobs is not None and jobs < 1:
        raise ValueError("jobs must be at least 1")
    if errors not in ("raise", "skip", "yield"):
        raise ValueError(f"unknown errors mode {errors!r}; expected 'raise', 'skip' or 'yield'")
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r} (use one of {', '.join(FORMATS)})")


def shard_count(size: int, jobs: int) -> int:
    """How many byte ranges a cables.csv of ``size`` bytes is cut into for ``jobs`` workers."""
    if jobs <= 1:
        return 1
    if size <= jobs * SHARD_BYTES:
        return jobs
    return min(math.ceil(size / SHARD_BYTES), jobs * MAX_SHARDS_PER_JOB)


Ranges = Sequence[tuple[int, int | None, int | None]]
"""``(start, end, first_line)`` of each byte range a file is cut into."""


def cut(
    inputs: Iterable[tuple[str, str, int]],
    format: Format,
    ranges: Callable[[str, str, int], Ranges | None],
    *,
    group_bytes: int | None = None,
) -> list[Task]:
    """The tasks for ``(path, name, size)`` inputs, in input order: the byte ranges that
    ``ranges(path, name, size)`` gives for a splittable cables.csv (``None``: not splittable),
    other files in groups of at most :data:`FILES_PER_TASK` files (and about ``group_bytes``).

    The one grouping rule of both engines; they differ only in where ranges are cut (at
    verified record starts by the process pool, which reads the file on the client; at raw
    offsets by Dask, whose workers snap them).
    """
    tasks: list[Task] = []
    group: list[tuple[str, str, int]] = []

    def flush_group() -> None:
        if group:
            tasks.append(Task(index=len(tasks), kind="files", sources=tuple(g[0] for g in group),
                              names=tuple(g[1] for g in group), size=sum(g[2] for g in group), format=format))
            group.clear()

    for path, name, size in inputs:
        found = ranges(path, name, size)
        if found is None:
            group.append((path, name, size))
            if len(group) >= FILES_PER_TASK or (group_bytes is not None and sum(g[2] for g in group) >= group_bytes):
                flush_group()
            continue
        flush_group()
        for start, end, first_line in found:
            stop = size if end is None or end > size else end  # "to the end" may be any number past it
            tasks.append(Task(index=len(tasks), kind="csv-range", sources=(path,), names=(name,), start=start,
                              end=end, size=max(0, stop - start), format="csv", first_line=first_line))
    flush_group()
    return tasks


def plan(paths: Sequence[str], format: Format, jobs: int, *, shards: int | None = None) -> list[Task]:
    """Cut the inputs (already expanded) into tasks for ``jobs`` local workers, in input order.

    Each uncompressed cables.csv is cut into :func:`shard_count` byte ranges at verified
    record starts (``shards`` forces a count per file), each with its first line counted
    here; other files go in groups of :data:`FILES_PER_TASK`.
    """
    from .containers.csvfile import split_byte_ranges

    def ranges(path: str, name: str, size: int) -> Ranges | None:
        if not is_splittable(path, name, format):
            return None
        count = shards if shards is not None else shard_count(size, jobs)
        found: Sequence[tuple[int, int | None]] = split_byte_ranges(path, count) if count > 1 else [(0, None)]
        lines = _line_numbers(path, [start for start, _ in found])
        # Two cut points snapped to the same record make an empty range: dropped.
        return [(start, end, line) for (start, end), line in zip(found, lines)
                if count == 1 or (size if end is None or end > size else end) > start]

    return cut(((path, path, file_size(path)) for path in paths), format, ranges)


def _same_file(a: str, b: str) -> bool:
    """Whether two paths name the same file: by resolved path, or by device and inode (hard
    links, bind mounts)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def check_paths(inputs: Sequence[str | os.PathLike[str]], output: str | os.PathLike[str] | None,
                rejects: str | os.PathLike[str] | None) -> None:
    """Refuse, before anything is opened for writing, a run that would destroy its own data.

    Raises ``ValueError`` when the rejects file is the output or one of the inputs (``convert
    in.csv -o out.jsonl --rejects in.csv`` emptied the input and exited 0, issue 13), when the
    output is one of the inputs, or when the output and the rejects both go to standard
    output. ``inputs`` are the paths as given and as expanded (files inside directories).
    """
    out = None if output is None else os.fspath(output)
    rej = None if rejects is None else os.fspath(rejects)
    if out == "-" and rej == "-":
        raise ValueError("the output and the rejects cannot both be standard output ('-')")
    sources = [os.fspath(path) for path in inputs if os.fspath(path) != "-"]
    for label, target in (("rejects file", rej), ("output", out)):
        if target is None or target == "-":
            continue
        if label == "rejects file" and out is not None and out != "-" and _same_file(target, out):
            raise ValueError(f"the rejects file {target} is the output; give another path")
        for source in sources:
            if _same_file(target, source):
                raise ValueError(f"the {label} {target} is the input {source}; it would be overwritten")


# --- records ---------------------------------------------------------------------------------


def is_internal(error: CableError) -> bool:
    """Whether a reject was caused by a bug in cableparse rather than by its input."""
    return error.message.startswith(INTERNAL_ERROR)


def _record_bytes(item: Envelope, opener: Opener | None = None) -> bytes | None:
    """The bytes of the record ``item`` was read from, read again from its source; ``None``
    when they cannot be had (stdin, a compressed cables.csv, a vanished file)."""
    if item.source is None or item.offset is None or item.source in ("<stdin>", "<stream>"):
        return None
    try:
        with (opener or open_regular)(item.source) as file:
            head = file.read(2)
            if item.container == "csv":
                if head == _GZIP_MAGIC:
                    return None  # seeking in gzip means decompressing again; rebuilt instead
                from .containers.csvfile import read_record_at

                return read_record_at(file, item.offset)
            file.seek(0)
            data = file.read(MAX_RECORD_BYTES + 1)
    except OSError:
        return None
    from .containers import gunzip_bounded

    try:
        return gunzip_bounded(data)
    except CableParseError:
        return None


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _rebuilt(item: Envelope) -> str:
    """The record written out again from the envelope, where its bytes cannot be re-read."""
    if item.container != "csv":
        return "\n".join(part for part in (item.header_text, item.body_text) if part)
    created = "" if item.created is None else (
        f"{item.created.month}/{item.created.day}/{item.created.year} {item.created.hour}:{item.created.minute:02d}")
    fields = ("" if item.row_id is None else str(item.row_id), created, item.reference_id or "", item.origin or "",
              item.classification or "", "|".join(item.references), item.header_text or "", item.body_text or "")
    return ",".join(_quoted(field) for field in fields) + "\n"


def reject(item: Envelope, error: BaseException, opener: Opener | None = None) -> CableError:
    """The reject for an envelope the parser refused: the record is kept whole.

    ``raw`` holds the record as it is in its source (all eight columns of a cables.csv row,
    the whole page or text file), read again from the source; where it cannot be (stdin, a
    compressed file) the record is written out again from the envelope. A reject of a plain
    ``.csv`` used to keep the header and body only, losing the row id, date and id columns
    (issue 13). An exception other than :class:`CableParseError` is a bug in cableparse: its
    message starts with :data:`INTERNAL_ERROR`. ``opener`` opens ``item.source`` (an fsspec URL)
    to read the record again.
    """
    message = str(error)
    if not isinstance(error, CableParseError):
        message = f"{INTERNAL_ERROR}{type(error).__name__}: {error}"
    data = _record_bytes(item, opener)
    if data is not None and len(data) > RAW_PREFIX_BYTES and len(data) > MAX_RECORD_BYTES:
        data = data[:RAW_PREFIX_BYTES]
    raw = data.decode("utf-8", errors="replace") if data is not None else _rebuilt(item)
    return CableError(message=message, source=item.source, offset=item.offset, line=item.line, raw=raw)


def parse_or_reject(
    item: Envelope, *, strict: bool = False, opener: Opener | None = None, spans: bool = False
) -> Cable | CableError:
    """Parse one envelope; a record the parser refuses becomes its :func:`reject`.

    With ``spans``, the record's bytes are read again from its source and the spans count in
    their text (a cables.csv row from its first character; a page or text file whole); where
    they cannot be read again (standard input, a compressed cables.csv) the cable has none.
    """
    from .core import parse_envelope

    try:
        if spans:
            data = _record_bytes(item, opener)
            # A cables.csv record is read again from its own line; other files whole.
            first_line = (item.line or 1) if item.container == "csv" else 1
            return parse_envelope(item, strict=strict, spans_of=None if data is None else source_text(data), spans_line=first_line)
        return parse_envelope(item, strict=strict)
    except Exception as error:  # noqa: BLE001 - every failure becomes a counted reject, see reject()
        return reject(item, error, opener)


def _envelopes(task: Task, opener: Opener | None) -> Iterator[tuple[Envelope | CableError, str, int]]:
    """(envelope or reader error, the name of its source, bytes of the task done before it)."""
    from .containers import _front_door
    from .containers.csvfile import iter_csv_envelopes

    if task.kind == "csv-range":
        path = task.sources[0]
        with (opener or open_regular)(path) as file:
            # first_line is the line at the raw start; the reader adds the newlines up to the
            # record start it snaps to (none when the planner snapped it already).
            for item in iter_csv_envelopes(file, source=path, start=task.start, end=task.end,
                                           line_at_start=task.first_line):
                yield item, task.names[0], 0 if item.offset is None else max(0, item.offset - task.start)
        return
    done = 0
    for path, name in zip(task.sources, task.names):
        try:
            if opener is None:
                items: Iterator[Envelope | CableError] = iter_envelopes(path, format=task.format, errors="yield")
                yield from ((item, name, done) for item in items)
            else:
                with opener(path) as file:
                    base = os.path.basename(name.rstrip("/"))
                    yield from ((item, name, done) for item in _front_door(file, name=base, source=path,
                                                                           format=task.format))
        except OSError as error:
            # Gone between planning and reading (the walk lists, the reader opens).
            yield CableError(message=f"cannot open: {error}", source=path, offset=0, line=1), name, done
        done += file_size(path)


def records(task: Task, *, strict: bool = False, opener: Opener | None = None,
            errors: ErrorsMode = "yield") -> Iterator[tuple[Cable | CableError, int]]:
    """(record, bytes of the task done so far) for every record of ``task``, in order.

    With ``errors="yield"`` (what a batch wants) never raises for bad data: unreadable records
    and records the parser refuses come out as :class:`CableError` rejects, so that one
    hostile record never aborts a batch; ``"skip"`` drops them, ``"raise"`` raises the first as
    :class:`CableParseError` (the message of ``iter_envelopes(errors="raise")``). Records are
    read from ``task.sources`` (through ``opener``, if given); rejects are named after
    ``task.names``.
    """
    for item, name, done in _envelopes(task, opener):
        record = item if isinstance(item, CableError) else parse_or_reject(item, strict=strict, opener=opener, spans=task.spans)
        if isinstance(record, CableError):
            record = record if record.source == name else attrs.evolve(record, source=name)
            if errors == "raise":
                raise CableParseError(f"{record.source}: byte {record.offset}: {record.message}",
                                      code="unreadable-record", line=record.line, context=record.raw[:80] or None)
            if errors == "skip":
                continue
        yield record, done


def write_part(items: Iterable[Cable | CableError] | Any, file: IO[bytes], rejects: IO[bytes] | None) -> Stats:
    """Write one part of a Parquet dataset into ``file`` with the sink's row-group writer, and
    its rejects into ``rejects`` as :func:`reject_line` lines; return the counts.

    ``items``: records, or a pandas frame of the sink's rows (a partition of
    :func:`cableparse.dask.read_dataframe`, whose defects are counted from its column).
    """
    from .sinks.parquet import RowGroupWriter, cable_row

    stats = Stats()
    writer = RowGroupWriter(file)
    try:
        if hasattr(items, "columns"):
            for codes in writer.write_frame(items).column("defects").to_pylist():
                stats.add_codes([defect["code"] for defect in codes or ()])
            return stats
        for record in items:
            stats.take(record, lambda cable: writer.add(cable_row(cable)),
                       None if rejects is None else lambda error: rejects.write(reject_line(error) + b"\n"))
        return stats
    finally:
        writer.close()  # also after an error: the caller throws the file away


def reject_line(error: CableError) -> bytes:
    """The rejects-file line of one reject (JSON of ``to_plain(error)``, UTF-8, no newline):
    the same bytes from every engine."""
    from .serialize import to_plain
    from .sinks.jsonl import encode_line

    return encode_line(to_plain(error))


def _fits(value: int | None) -> bool:
    return value is None or -_INT64_MAX - 1 <= value <= _INT64_MAX


def fit_for_sinks(cable: Cable) -> Cable:
    """``cable`` with every integer the sinks store as 64-bit that does not fit set to ``None``,
    each with an ``integer-out-of-range`` defect (the value stays in the cable's text).

    Parquet and SQLite raised ``OverflowError`` on an integer above 2^63 and the whole batch
    was lost (issue 13). A cable that fits is returned as is.
    """
    header, body = cable.header, cable.body
    ok = _fits(cable.row_id)
    if ok and header is not None:
        ok = _fits(header.station_serial) and _fits(header.section)
    if ok and body is not None:
        banner = body.banner
        ok = (banner is None or banner.section is None or (_fits(banner.section[0]) and _fits(banner.section[1])))
        ok = ok and all(_fits(paragraph.number) for paragraph in body.paragraphs)
    if ok:
        return cable
    defects: list[Defect] = []

    def dropped(field: str, value: object) -> None:
        del value  # str() of a huge int may itself exceed int's string-length limit
        defects.append(Defect(code="integer-out-of-range", message=f"{field} does not fit in 64 bits; stored as null"))

    if not _fits(cable.row_id):
        dropped("row_id", cable.row_id)
        cable = attrs.evolve(cable, row_id=None)
    if header is not None and not (_fits(header.station_serial) and _fits(header.section)):
        if not _fits(header.station_serial):
            dropped("header.station_serial", header.station_serial)
            header = attrs.evolve(header, station_serial=None)
        if not _fits(header.section):
            dropped("header.section", header.section)
            header = attrs.evolve(header, section=None)
        cable = attrs.evolve(cable, header=header)
    if body is not None:
        banner = body.banner
        if banner is not None and banner.section is not None and not all(_fits(n) for n in banner.section):
            dropped("body.banner.section", banner.section)
            body = attrs.evolve(body, banner=attrs.evolve(banner, section=None))
        if not all(_fits(paragraph.number) for paragraph in body.paragraphs):
            paragraphs = []
            for paragraph in body.paragraphs:
                if not _fits(paragraph.number):
                    dropped("paragraph number", paragraph.number)
                    paragraph = attrs.evolve(paragraph, number=None)
                paragraphs.append(paragraph)
            body = attrs.evolve(body, paragraphs=tuple(paragraphs))
        cable = attrs.evolve(cable, body=body)
    return attrs.evolve(cable, defects=cable.defects + tuple(defects))
