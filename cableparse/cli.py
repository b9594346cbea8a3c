"""The ``cableparse`` command line: convert, show, check, graph, ri.

Exit codes: 0 ok, 1 some records rejected or no cable found at all, 2 usage or I/O error;
141 (128 + SIGPIPE, as a shell reports a tool killed by a closed pipe) when the reader of
standard output went away (``cableparse convert dump.csv -o - | head``), without a message.
Each sub-command's work lives in its own module; this file only wires arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence
from concurrent.futures import BrokenExecutor
from typing import TYPE_CHECKING, Any, TextIO

from .models import Cable, CableError, Recipient

if TYPE_CHECKING:
    from .pipeline import Summary

EXIT_OK = 0
"""Everything was read."""
EXIT_REJECTS = 1
"""Some records could not be read (they are in ``--rejects FILE`` when given)."""
EXIT_ERROR = 2
"""Usage error, missing input, unwritable output."""
EXIT_BROKEN_PIPE = 141
"""Standard output was closed by its reader (128 + SIGPIPE): ends quietly."""

_FORMATS = ("auto", "csv", "html", "text", "page")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


JOBS_VARIABLE = "CABLEPARSE_JOBS"
"""Environment variable giving the default ``--jobs`` (a CI job on a shared machine sets 1)."""


def _default_jobs() -> int | None:
    text = os.environ.get(JOBS_VARIABLE, "").strip()
    if not text:
        return None
    try:
        return _jobs(text)
    except argparse.ArgumentTypeError as error:
        print(f"cableparse: error: {JOBS_VARIABLE}={text!r}: {error}", file=sys.stderr)
        raise SystemExit(EXIT_ERROR) from None


def _add_batch_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=_default_jobs(),
        metavar="N",
        help=f"worker processes (default: ${JOBS_VARIABLE}, else 1 for inputs under 16 MB, else the number of CPUs; "
        "1 = no workers)",
    )
    command.add_argument(
        "--format", choices=_FORMATS, default="auto", help="input format of every INPUT (default: detect each)"
    )
    command.add_argument(
        "--rejects",
        metavar="FILE",
        help="write the records that could not be read here (JSON Lines)",
    )
    command.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cableparse`` command."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="cableparse", description="Parse US diplomatic cables into typed records."
    )
    parser.add_argument("--version", action="version", version=f"cableparse {__version__}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    convert = sub.add_parser(
        "convert",
        help="convert cables to JSON Lines, Parquet or SQLite",
        description="Convert every cable of the inputs (cables.csv, HTML pages, text files, "
        "directories of them, '-' for stdin) into OUT, chosen by its extension: .jsonl or "
        ".ndjson ('-' = stdout; .jsonl.gz is compressed), .parquet, a directory/ (Parquet "
        "dataset), .sqlite, .sqlite3 or .db; or by --to. OUT appears only when the conversion "
        "succeeded. Exit 0 ok, 1 some records rejected or no cable found, 2 error.",
    )
    convert.add_argument(
        "inputs", nargs="+", metavar="INPUT",
        help="cables.csv (or .csv.gz), HTML page, text file, directory of them, or '-' for stdin",
    )
    convert.add_argument("-o", "--output", required=True, metavar="OUT", help="output file, directory/ or '-' (stdout)")
    convert.add_argument(
        "--to", choices=("jsonl", "parquet", "sqlite"), default=None,
        help="output format, whatever OUT's extension says (default: from the extension)",
    )
    convert.add_argument(
        "--datasette", action="store_true",
        help="with a SQLite OUT: also write metadata.json beside it (facets, labels, search) "
        "for 'datasette OUT -m metadata.json' (pip install 'cableparse[web]')",
    )
    _add_batch_options(convert)
    convert.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    convert.add_argument(
        "--spans", action="store_true",
        help="JSON Lines only: each line carries \"spans\", where each field is in its record's text",
    )
    convert.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local: worker processes on this machine (default); dask: Dask tasks writing a "
        "Parquet dataset (OUT a directory/ or *.parquet; needs cableparse[dask]; see docs/dask.md)",
    )
    convert.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: a distributed scheduler (tcp://host:8786); default: --jobs local processes",
    )

    show = sub.add_parser(
        "show",
        help="show one cable",
        description="Parse one cable and print a summary, or its to_dict JSON with --json. "
        "INPUT is a text file, HTML page, csv row or page, a cables.csv or a directory (the "
        "cable --id names, else the first readable one), gzip-compressed or not, or '-'.",
    )
    show.add_argument("input", metavar="INPUT", help="a file, a cables.csv, a directory, or '-' for stdin")
    show.add_argument("--json", action="store_true", help="print to_dict(cable) as JSON")
    show.add_argument("--format", choices=_FORMATS, default="auto", help="input format (default: detect)")
    show.add_argument("--id", metavar="REFID", help="the reference id of the cable to show (08MEXICO23)")
    show.add_argument(
        "--spans",
        action="store_true",
        help="where each field is in the input: the input with each field marked [[path: ...]] "
        "(with --json: a \"spans\" member, path -> [[start, end], ...]); one file or '-', its first cable",
    )

    check = sub.add_parser(
        "check",
        help="parse everything and report defects by code",
        description="Parse every cable of the inputs, print the counts and the defects by "
        "code. Exit 1 if any record was rejected or no cable was found.",
    )
    check.add_argument(
        "inputs", nargs="+", metavar="INPUT",
        help="cables.csv (or .csv.gz), HTML page, text file, directory of them, or '-' for stdin",
    )
    _add_batch_options(check)
    check.add_argument("-q", "--quiet", action="store_true", help="print nothing; the exit code tells")

    graph = sub.add_parser(
        "graph",
        help="write the citation graph (edges and nodes) as CSV, Parquet or GraphML",
        description="Write one edge per citation found in the REF blocks and cables.csv "
        "references columns of the inputs (citing_id, cited_id, bullet, source, date) and a "
        "node per cable (id, created, origin, classification, caveats, subject, in_input; cited "
        "cables the input lacks have in_input false). OUT: edges.csv or edges.parquet (nodes "
        "in edges.nodes.csv / edges.nodes.parquet beside it), a directory/ (Parquet dataset "
        "with edges/ and nodes/), or graph.graphml (both in one file). Exit 0 ok, 1 some "
        "records rejected, 2 error.",
    )
    graph.add_argument("inputs", nargs="+", metavar="INPUT", help="cables.csv (.gz), HTML pages, text files or directories")
    graph.add_argument(
        "-o", "--output", required=True, metavar="OUT",
        help="edges file (.csv, .parquet, .graphml; nodes beside it) or a directory for a Parquet dataset",
    )
    _add_batch_options(graph)
    graph.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")

    ri = sub.add_parser("ri", help="decode and resolve routing indicators")
    ri.add_argument("codes", nargs="+", metavar="CODE", help="routing indicators (RUEHME)")
    ri.add_argument("--json", action="store_true", help="one JSON object per line")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cableparse`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "ri":
        from .routing import ri_command

        return ri_command(args.codes, as_json=args.json, out=sys.stdout)
    previous = _on_sigterm()
    try:
        if args.command == "convert":
            return _convert(args)
        if args.command == "check":
            return _check(args)
        if args.command == "graph":
            return _graph(args)
        if args.command == "show":
            return _show(args)
    except KeyboardInterrupt:
        print("cableparse: interrupted; no output written", file=sys.stderr)
        return 130
    except Terminated:
        print("cableparse: terminated; no output written", file=sys.stderr)
        return 128 + signal.SIGTERM
    except BrokenPipeError:
        return _broken_pipe()
    except (OSError, ValueError, ImportError) as error:
        # Missing input, unwritable output, unknown output kind, pyarrow missing: no traceback,
        # one line naming the problem (SinkError and CableParseError are ValueErrors).
        print(f"cableparse {args.command}: error: {_describe(error)}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenExecutor as error:
        print(
            f"cableparse {args.command}: error: a worker process died ({error}); "
            "out of memory? try fewer --jobs",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except Exception:  # noqa: BLE001 - reported with its traceback
        # A bug. Python would exit with 1, which here means "some records rejected"; say what
        # happened and exit 2 so that scripts do not take a crash for a partial success.
        traceback.print_exc()
        print(f"cableparse {args.command}: internal error (traceback above); nothing was written", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    parser.error(f"unknown command {args.command}")
    return EXIT_ERROR  # pragma: no cover - parser.error exits


class Terminated(BaseException):  # named like KeyboardInterrupt, which it mirrors
    """Raised in the main thread on SIGTERM, so that a terminated run cleans up as on Ctrl-C."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def _on_sigterm() -> Any:
    """Make SIGTERM unwind like Ctrl-C: the temporary ``.tmp`` files and ``.parts``
    directories are removed and the workers stopped (SIGTERM used to leave both behind,
    issue 13). Returns the previous handler (None when not in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _raise_terminated)


def _broken_pipe() -> int:
    """The reader of stdout went away (``| head``): end quietly, as Unix tools do."""
    # Python flushes sys.stdout at exit; with the pipe gone that flush fails again and prints
    # "Exception ignored ... BrokenPipeError". Point stdout at /dev/null so it cannot.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass
    return EXIT_BROKEN_PIPE


def _no_cables(args: argparse.Namespace) -> None:
    print(f"cableparse {args.command}: warning: no cable found in {' '.join(args.inputs)}", file=sys.stderr)


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    return str(error)


def _convert(args: argparse.Namespace) -> int:
    from .batch import convert
    from .sinks import OUTPUT_FORMATS, sink_kind

    if args.scheduler is not None and args.engine != "dask":
        raise ValueError("--scheduler needs --engine dask")
    # Before anything is opened for writing: --rejects naming the input or the output emptied
    # it and exited 0 (issue 13).
    from .pipeline import check_paths, expand_inputs

    check_paths([*args.inputs, *expand_inputs(args.inputs)], args.output, args.rejects)

    kind = OUTPUT_FORMATS[args.to] if args.to else sink_kind(args.output)
    if args.datasette and kind != "sqlite":
        raise ValueError("--datasette needs a SQLite output (OUT ending in .db, .sqlite or .sqlite3, or --to sqlite)")
    if args.engine == "dask" and args.to not in (None, "parquet"):
        raise ValueError("--engine dask writes Parquet only")
    if args.spans and (kind != "jsonl" or args.engine == "dask"):
        raise ValueError("--spans is for JSON Lines output (spans are offsets into each record's text)")
    if args.engine == "dask":
        # Imported only here: Dask is an optional extra (ImportError -> exit 2, naming it).
        from .dask import convert as convert_with_dask

        summary = convert_with_dask(
            args.inputs,
            args.output,
            jobs=args.jobs,
            format=args.format,
            rejects=args.rejects,
            scheduler=args.scheduler,
            progress=args.progress,
        )
    else:
        summary = convert(
            args.inputs,
            args.output,
            jobs=args.jobs,
            format=args.format,
            rejects=args.rejects,
            progress=args.progress,
            to=args.to,
            spans=args.spans,
        )
    if args.datasette:
        from .sqlite import write_datasette_metadata

        written = write_datasette_metadata(args.output)
        if not args.quiet:
            print(f"wrote {written}: browse with  datasette {args.output} -m {written}", file=sys.stderr)
    return _finish(args, summary)


def _finish(args: argparse.Namespace, summary: Summary, written: str | None = None) -> int:
    """The summary on stderr (unless --quiet) and the exit code of a convert or graph run."""
    if not args.quiet:
        print(summary.report(top=10), file=sys.stderr)
        if written:
            print(written, file=sys.stderr)
        if summary.rejects and not args.rejects:
            print("(use --rejects FILE to keep the rejected records)", file=sys.stderr)
    if summary.cables == 0:
        _no_cables(args)
        return EXIT_REJECTS
    return EXIT_REJECTS if summary.rejects else EXIT_OK


def _graph(args: argparse.Namespace) -> int:
    from .graph import nodes_path, write_graph
    from .pipeline import check_paths, expand_inputs

    # As for convert: --rejects naming an input or the output must not empty it (issue 13).
    check_paths([*args.inputs, *expand_inputs(args.inputs)], args.output, args.rejects)
    summary = write_graph(
        args.inputs,
        args.output,
        jobs=args.jobs,
        format=args.format,
        rejects=args.rejects,
        progress=args.progress,
    )
    nodes = nodes_path(args.output)
    return _finish(args, summary, f"edges: {args.output}" + (f", nodes: {nodes}" if nodes else ""))


def _check(args: argparse.Namespace) -> int:
    from .batch import convert

    summary = convert(
        args.inputs,
        None,
        jobs=args.jobs,
        format=args.format,
        rejects=args.rejects,
        progress=args.progress,
    )
    if not args.quiet:
        out = sys.stdout
        out.write(summary.headline() + "\n")
        for code, count in summary.top_defects(len(summary.defects)):
            out.write(f"{count:>9,}  {code}\n")
        out.flush()  # a closed pipe shows up here, inside main's handler
    if summary.cables == 0:
        _no_cables(args)
        return EXIT_REJECTS
    return EXIT_REJECTS if summary.rejects else EXIT_OK


def _show(args: argparse.Namespace) -> int:
    from . import iter_cables
    from .normalize import canonical_id

    path: str = args.input
    if path != "-" and not os.path.exists(path):
        raise FileNotFoundError(2, "No such file or directory", path)
    if args.spans:
        return _show_spans(args)
    wanted = {args.id, canonical_id(args.id)} if args.id is not None else None
    cable: Cable | None = None
    first_error: CableError | None = None
    # iter_cables streams: the first cable of a 1.6 GB cables.csv (or the one --id names)
    # comes without reading the rest; directories, gzip (by content) and stdin alike.
    for record in iter_cables(path, format=args.format, errors="yield"):
        if isinstance(record, CableError):
            first_error = first_error or record
        elif wanted is None or record.reference_id in wanted or record.canonical_id in wanted:
            cable = record
            break
    if cable is None:
        if args.id is not None:
            what = f"no cable {args.id}"
        else:
            what = "no readable cable" + (f" ({first_error.message})" if first_error else "")
        print(f"cableparse show: {what} in {path}", file=sys.stderr)
        return EXIT_REJECTS
    if args.json:
        from .serialize import to_dict

        sys.stdout.write(json.dumps(to_dict(cable), ensure_ascii=False, indent=2) + "\n")
    else:
        write_cable(cable, sys.stdout)
    sys.stdout.flush()  # a closed pipe shows up here, inside main's handler
    return EXIT_OK


def _show_spans(args: argparse.Namespace) -> int:
    """``show --spans``: spans are offsets into one document, so INPUT is one file or stdin."""
    from . import parse
    from .spans import source_text

    if args.id is not None or os.path.isdir(args.input):
        print("cableparse show: --spans takes one file or '-' (offsets are into that document), not --id or a directory",
              file=sys.stderr)
        return EXIT_ERROR
    if args.input == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(args.input, "rb") as file:
            data = file.read()
    cable = parse(data, format=args.format, spans=True)
    if args.json:
        from .serialize import to_dict

        sys.stdout.write(json.dumps(to_dict(cable), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(marked_text(source_text(data), cable.spans or {}))
    sys.stdout.flush()
    return EXIT_OK


def marked_text(source: str, spans: Mapping[str, Sequence[tuple[int, int]]]) -> str:
    """``source`` with each span marked ``[[path: ...]]`` (what ``show --spans`` prints).

    A field cut by a page marker is marked once per piece. Marks nest (the summary inside its
    paragraph): at one offset the marks that close come before those that open.
    """
    events: list[tuple[int, int, int, str]] = []
    for path, pieces in spans.items():
        for start, end in pieces:
            # Sort key: offset, closing (0) before opening (1), then the longer span opens first.
            events.append((start, 1, -end, f"[[{path}: "))
            events.append((end, 0, -start, "]]"))
    events.sort()
    out: list[str] = []
    position = 0
    for offset, _, _, mark in events:
        out.append(source[position:offset])
        out.append(mark)
        position = offset
    out.append(source[position:])
    text = "".join(out)
    return text if text.endswith("\n") else text + "\n"


def _recipients(label: str, recipients: Sequence[Recipient], out: TextIO, limit: int = 5) -> None:
    for index, recipient in enumerate(recipients[:limit]):
        line = f"{recipient.routing_indicator}/{recipient.address}" if recipient.routing_indicator else recipient.address
        extra = " ".join(x for x in (recipient.precedence, recipient.serial) if x)
        out.write(f"{label if index == 0 else '':<16}{line}{' ' + extra if extra else ''}\n")
    if len(recipients) > limit:
        out.write(f"{'':<16}... {len(recipients) - limit} more\n")


def write_cable(cable: Cable, out: TextIO) -> None:
    """Print a human-readable summary of one cable (what ``cableparse show`` prints)."""

    def field(label: str, value: object) -> None:
        if value not in (None, "", ()):
            out.write(f"{label + ':':<16}{value}\n")

    title = cable.reference_id or "(no reference id)"
    if cable.canonical_id and cable.canonical_id != cable.reference_id:
        title += f" (canonical {cable.canonical_id})"
    out.write(f"{title}\n")
    field("container", cable.container + (f", row {cable.row_id}" if cable.row_id is not None else ""))
    field("created", cable.created.strftime("%Y-%m-%d %H:%M UTC") if cable.created else None)
    field("released", cable.released.strftime("%Y-%m-%d %H:%M UTC") if cable.released else None)
    field("origin", cable.origin)
    if cable.classification is not None:
        field("classification", "//".join((cable.classification.level, *cable.classification.caveats)))
    field("references", " ".join(cable.references))
    body = cable.body
    if body is not None:
        field("subject", body.subject)
        field("tags", ", ".join(f"{t.code} ({t.kind})" for t in body.tags))
        for index, ref in enumerate(body.refs):
            text = f"{ref.bullet + '. ' if ref.bullet else ''}{ref.text} [{ref.kind}]"
            field("refs" if index == 0 else "", text + (f" -> {ref.cable_id}" if ref.cable_id else ""))
        field("captions", " ".join(body.captions))
        if body.executive_order is not None:
            field("E.O.", " ".join(x for x in (body.executive_order.order, body.executive_order.declassify) if x))
        if body.classified_by is not None:
            field("classified by", body.classified_by.name)
        field("signers", ", ".join(body.signers))
        field("text", f"{len(body.paragraphs)} paragraphs, {len(body.text):,} characters")
    header = cable.header
    if header is not None:
        station = " ".join(
            x
            for x in (
                header.station,
                f"#{header.station_serial:04d}" if header.station_serial is not None else None,
                header.filed,
            )
            if x
        )
        field("header", ", ".join(x for x in (header.kind, header.transmission_id, station) if x))
        field("precedence", header.precedence)
        field("security", header.security)
        field("DTG", header.dtg.strftime("%Y-%m-%d %H:%M UTC") if header.dtg else None)
        field("from", header.sender)
        _recipients("to:", header.to, out)
        _recipients("info:", header.info, out)
        _recipients("exempted:", header.exempted, out)
    if cable.defects:
        out.write(f"defects:        {len(cable.defects)}\n")
        for defect in cable.defects:
            where = ""
            if defect.line is not None:
                where = f"line {defect.line}" + (f":{defect.column}" if defect.column is not None else "")
            out.write(f"  {where:<12}{defect.code}: {defect.message}\n")
    else:
        out.write("defects:        none\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
