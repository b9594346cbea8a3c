"""The :class:`Sink` interface shared by every output format."""

from __future__ import annotations

import abc
import os
import re
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from ..models import Cable

__all__ = ["PART_FILE", "NullSink", "Sink", "SinkError"]

PART_FILE = re.compile(r"part-\d{5,}\.parquet\Z")
r"""Names of the part files of a Parquet dataset (``part-00000.parquet``; a dataset of more
than 100,000 parts gets six digits). The one rule for what a dataset directory may hold, for
the Parquet sink and for Dask, which had drifted apart (``\d{5}`` and ``\d{5,}``)."""

_S = TypeVar("_S", bound="Sink")


class SinkError(ValueError):
    """An output path that no sink can handle (unknown extension, non-empty directory ...)."""


class Sink(abc.ABC):
    """Where converted cables go: ``write`` each cable, then ``close`` to commit or ``abort``.

    Every file sink writes to a hidden temporary file next to its output and renames it into
    place only in :meth:`close`, so the output path holds either the old file or a complete new
    one. Used as a context manager, a sink commits when the block ends normally and aborts
    when it raises.
    """

    path: str
    """The output path as given (``"-"`` for standard output)."""

    count: int
    """Cables written so far (including those appended from part files)."""

    @abc.abstractmethod
    def write(self, cable: Cable) -> None:
        """Add one cable to the output."""

    @abc.abstractmethod
    def append_part(self, part: str | os.PathLike[str]) -> None:
        """Append every record of a finished part file of the same format, in order.

        Used by the parallel converter: each worker writes a part, the parent appends the parts
        in input order. The part file may be consumed (moved or deleted).
        """

    @abc.abstractmethod
    def close(self) -> None:
        """Finish the output and move it into place. Idempotent."""

    @abc.abstractmethod
    def abort(self) -> None:
        """Drop everything written; the output path is left as it was. Idempotent."""

    def __enter__(self: _S) -> _S:  # typing.Self needs Python 3.11
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class NullSink(Sink):
    """Counts cables and keeps nothing (for checking a corpus without writing output)."""

    def __init__(self) -> None:
        self.path = os.devnull
        self.count = 0

    def write(self, cable: Cable) -> None:
        """Count the cable."""
        self.count += 1

    def append_part(self, part: str | os.PathLike[str]) -> None:
        """Nothing to append: null parts are never written."""

    def close(self) -> None:
        """Nothing to commit."""

    def abort(self) -> None:
        """Nothing to drop."""


def parent_must_exist(path: Path) -> None:
    """Fail early, with the path in the message, when the output directory is missing."""
    parent = path.parent
    if not parent.is_dir():
        raise FileNotFoundError(2, "output directory does not exist", str(parent))
