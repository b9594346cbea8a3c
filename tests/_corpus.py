"""The cables of ../shared/corpus, parsed once per test session (several test modules read them)."""

from __future__ import annotations

import functools
from pathlib import Path

import cableparse

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FORMAT_OF_SUFFIX = {".csv-row": "csv", ".html": "html", ".txt": "text"}


@functools.lru_cache(maxsize=1)
def parsed_corpus() -> tuple[tuple[str, cableparse.Cable], ...]:
    """``(file name, cable)`` for every corpus file, empty when ../shared/corpus is absent."""
    if not CORPUS.is_dir():
        return ()
    files = sorted(p for p in CORPUS.iterdir() if p.suffix in FORMAT_OF_SUFFIX)
    return tuple((p.name, cableparse.parse(p.read_bytes(), format=FORMAT_OF_SUFFIX[p.suffix])) for p in files)
