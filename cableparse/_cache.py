"""A cache bounded by size, not only by count, for functions of one string."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

_R = TypeVar("_R")

SHORT_KEY_CHARS = 64
"""Default longest key that is cached. Real ids and tags are under 30 characters; hostile input
with thousands of distinct 50 KB "ids" grew a count-bounded cache to 148 MB (issue 13)."""


_CACHES: list[Callable[[], None]] = []


def clear_caches() -> None:
    """Empty every :func:`bounded_cache` (benchmarks time each pass as a first sight of the text)."""
    for clear in _CACHES:
        clear()


def bounded_cache(maxsize: int, key_chars: int = SHORT_KEY_CHARS) -> Callable[[Callable[[str], _R]], Callable[[str], _R]]:
    """Like ``functools.lru_cache(maxsize)``, but keys longer than ``key_chars`` are computed
    and not kept: the cache holds at most ``maxsize * key_chars`` characters of keys."""

    def wrap(function: Callable[[str], _R]) -> Callable[[str], _R]:
        cached = functools.lru_cache(maxsize=maxsize)(function)

        @functools.wraps(function)
        def call(key: str) -> _R:
            return cached(key) if len(key) <= key_chars else function(key)

        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        _CACHES.append(cached.cache_clear)
        return call

    return wrap
