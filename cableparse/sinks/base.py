"""The :class:`Sink` interface shared by every output format."""

from __future__ import annotations

import abc
import os
import re
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from ..models import Cable
from ._atomic import AtomicPath

__all__ = ["PART_FILE", "AtomicFile", "AtomicOutput", "NullSink", "Sink", "SinkError"]

PART_FILE = re.compile(r"part-\d{5,}\.parquet\Z")
r"""Names of the part files of a Parquet dataset (``part-00000.parquet``; a dataset of more
than 100,000 parts gets six digits). The one rule for what a dataset directory may hold, for
the Parquet sink and for Dask, which had drifted apart (``\d{5}`` and ``\d{5,}``)."""

_S = TypeVar("_S", bound="Sink")


class SinkError(ValueError):
    """An output path that no sink can handle (unknown extension, non-empty directory ...)."""


class AtomicOutput:
    """The commit-or-abort template of every output written under a temporary name.

    :meth:`close` finishes the temporary output and moves it into place (``_finish``); if that
    fails, or on :meth:`abort`, open handles are closed without finishing (``_release``, whose
    errors are dropped so that they do not hide the original one) and the temporary output is
    removed (``_discard``). Both are idempotent. A subclass writes only what is its own: the
    three steps, typically with :class:`~cableparse.sinks._atomic.AtomicPath` or
    :func:`~cableparse.sinks._atomic.replace_directory`.
    """

    _closed = False

    def close(self) -> None:
        """Finish the output and move it into place. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            self._finish()
        except BaseException:
            self._drop()
            raise

    def abort(self) -> None:
        """Drop everything written; the output path is left as it was. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._drop()

    def _drop(self) -> None:
        try:
            self._release()
        except Exception:  # noqa: BLE001 - the output is thrown away; keep the original error
            pass
        finally:
            self._discard()

    def _finish(self) -> None:
        """Complete the temporary output and move it into place."""
        raise NotImplementedError

    def _release(self) -> None:
        """Close what is open without completing it (default: nothing is open)."""

    def _discard(self) -> None:
        """Remove the temporary output."""
        raise NotImplementedError


class AtomicFile(AtomicOutput):
    """An output of one file, written as the temporary file ``_atomic`` (an
    :class:`~cableparse.sinks._atomic.AtomicPath`) and renamed into place: a subclass writes
    what ends the file (``_complete``) and closes its handles (``_release``)."""

    _atomic: AtomicPath

    def _finish(self) -> None:
        self._complete()
        self._release()
        self._atomic.commit()

    def _complete(self) -> None:
        """Write what ends the file (default: nothing)."""

    def _discard(self) -> None:
        self._atomic.discard()


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
