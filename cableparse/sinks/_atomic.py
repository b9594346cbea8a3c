"""Write-to-temp-then-rename, so an interrupted run never leaves a complete-looking file.

The temporary file lives in the output's own directory (``os.replace`` is only atomic within
one file system) and is hidden behind a leading dot and a ``.tmp`` suffix, so neither a person
listing the directory nor a glob such as ``*.parquet`` mistakes it for finished output. A
SIGKILL can still leave the hidden temp file behind; it can never leave a file at the output
path that was not completely written and synced.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

__all__ = [
    "AtomicPath",
    "current_umask",
    "fsync_directory",
    "fsync_path",
    "remove_tree",
    "replace_directory",
    "temp_directory_for",
]


def current_umask() -> int:
    """The process umask (what permission bits new files lose)."""
    # os.umask has no getter; set and restore at once. mkstemp creates files 0600, and users
    # expect output files to get the permissions their umask gives a plain open().
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def fsync_directory(directory: Path) -> None:
    """Make a rename inside ``directory`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open directories
        return
    try:
        with contextlib.suppress(OSError):  # pragma: no cover - some file systems refuse fsync on directories
            os.fsync(fd)
    finally:
        os.close(fd)


def fsync_path(path: Path) -> None:
    """Flush one file's data to disk (for files written by a library, such as SQLite)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class AtomicPath:
    """A hidden temporary path next to ``final`` that becomes ``final`` on :meth:`commit`.

    The temporary file is created (empty) at once, so an unwritable directory fails before any
    work is done. Whoever writes it must close it before :meth:`commit`.
    """

    def __init__(self, final: str | os.PathLike[str]) -> None:
        self.final = Path(final)
        directory = self.final.parent
        fd, name = tempfile.mkstemp(dir=directory, prefix=f".{self.final.name}.", suffix=".tmp")
        os.close(fd)
        self.temp = Path(name)
        os.chmod(self.temp, 0o666 & ~current_umask())
        self.done = False

    def commit(self) -> None:
        """Sync the temporary file and rename it over ``final`` (replacing any old file)."""
        fsync_path(self.temp)
        os.replace(self.temp, self.final)
        fsync_directory(self.final.parent)
        self.done = True

    def discard(self) -> None:
        """Remove the temporary file; safe to call twice or after :meth:`commit`."""
        if not self.done:
            self.done = True
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.temp)


def temp_directory_for(final: str | os.PathLike[str], purpose: str) -> Path:
    """A new hidden directory next to ``final`` (same file system, so renames are cheap)."""
    final = Path(final)
    return Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.", suffix=f".{purpose}"))


def remove_tree(path: Path) -> None:
    """Remove a temporary directory, ignoring what is already gone."""
    shutil.rmtree(path, ignore_errors=True)


def replace_directory(temp: str | os.PathLike[str], final: str | os.PathLike[str], *, sync_files: bool = True) -> None:
    """Put the finished directory ``temp`` (on the same file system) in place of ``final``.

    The files under ``temp`` are synced first (``sync_files``), then the directory is renamed:
    ``final`` appears complete or not at all, and an old ``final`` is removed only once the new
    one is in place (it comes back if the rename fails). One implementation for the Parquet
    dataset sink, the graph sink and Dask's ``to_parquet``.
    """
    temp, final = Path(temp), Path(final)
    if sync_files:
        for directory, _, names in os.walk(temp):
            for name in sorted(names):
                fsync_path(Path(directory) / name)
            fsync_directory(Path(directory))
    trash: Path | None = None
    if final.exists():
        trash = temp_directory_for(final, "old") / "old"
        os.replace(final, trash)
    try:
        os.replace(temp, final)
    except BaseException:
        if trash is not None:
            os.replace(trash, final)
        raise
    fsync_directory(final.parent)
    if trash is not None:
        shutil.rmtree(trash.parent, ignore_errors=True)
