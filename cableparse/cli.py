"""The ``cableparse`` command line: convert, show, check, ri.

Exit codes: 0 ok, 1 some records rejected (or, for ``check``, unreadable), 2 usage or I/O error.
Each sub-command's work lives in its own module; this file only wires arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cableparse`` command."""
    parser = argparse.ArgumentParser(
        prog="cableparse", description="Parse US diplomatic cables into typed records."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ri = sub.add_parser("ri", help="decode and resolve routing indicators")
    ri.add_argument("codes", nargs="+", metavar="CODE")
    ri.add_argument("--json", action="store_true", help="one JSON object per line")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cableparse`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "ri":
        from .routing import ri_command

        return ri_command(args.codes, as_json=args.json, out=sys.stdout)
    parser.error(f"unknown command {args.command}")
    return 2  # pragma: no cover - parser.error exits


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
