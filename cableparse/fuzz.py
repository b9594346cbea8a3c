"""Long fuzzing campaigns over the parser's laws, and the checks they share with the tests.

Run::

    python -m cableparse.fuzz --seed 1 --examples 10000 [--minutes 30] [--properties lenient,strict]

Each property is a Hypothesis test over the strategies of :mod:`cableparse.strategies`. A
failing input (after Hypothesis shrank it) is written to ``fixtures/regressions/<sha1>.txt``
under the current directory (``--out DIR`` elsewhere) with a JSON sidecar ``<sha1>.json``
naming the property; run from the project checkout, ``tests/test_regressions.py`` replays
every file there through :func:`check` forever after.

The ``check_*`` functions are the laws themselves (API.md): lenient parsing never raises and
places defects inside the input; strict parsing raises only ``CableParseError``;
``parse(render(c))`` gives back the fields ``render`` writes; ``from_dict(to_dict(c)) == c``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

import attrs

from . import core
from .containers._common import FormatName
from .errors import CableParseError
from .models import Body, Cable, Defect, Header
from .render import render
from .serialize import from_dict, to_dict
from .strategies import parse_text

__all__ = [
    "PROPERTIES",
    "check",
    "check_dict",
    "check_lenient",
    "check_roundtrip",
    "check_strict",
    "line_count",
    "main",
    "parse_any",
    "roundtrip_differences",
    "write_regression",
]

def parse_any(source: str | bytes, *, format: str = "auto", strict: bool = False) -> Cable:
    """``cableparse.parse(source, format=..., strict=...)``, the entry point every law is about."""
    return core.parse(source, format=cast(FormatName, format), strict=strict)


def line_count(source: str | bytes) -> int:
    """Lines of ``source`` as the parser counts them: LF, CRLF and a lone CR end a line."""
    text = source.decode("utf-8", errors="replace") if isinstance(source, bytes) else source
    return text.count("\n") + len(re.findall(r"\r(?!\n)", text)) + 1


def check_lenient(source: str | bytes, *, format: str = "auto") -> Cable | None:
    """Lenient parse: never raises (but ``CableParseError`` for non-text bytes); defects in range.

    Returns the cable, or ``None`` when the input was rejected as not text.
    """
    try:
        cable = parse_any(source, format=format)
    except CableParseError as error:
        if isinstance(source, bytes) and error.code == "not-text":
            return None
        raise AssertionError(f"lenient parse raised {error!r}") from error
    lines = line_count(source)
    for defect in cable.defects:
        assert isinstance(defect, Defect)
        if defect.line is not None:
            assert 1 <= defect.line <= lines, f"defect {defect} outside the input's {lines} lines"
        if defect.column is not None:
            assert defect.column >= 1, f"defect {defect} has column < 1"
    return cable


def check_strict(source: str | bytes, *, format: str = "auto") -> None:
    """Strict parse raises nothing but :class:`CableParseError` (an ``AssertionError`` otherwise)."""
    try:
        cable = parse_any(source, format=format, strict=True)
    except CableParseError:
        return
    except Exception as error:  # any other exception is the failure we look for
        raise AssertionError(f"strict parse raised {type(error).__name__}: {error}") from error
    assert not cable.defects, f"strict parse returned defects {cable.defects}"


# Fields render does not write: positions of defects change with the text, and page markers
# are removed from Body.text, which is what render writes (render.py module docstring).
_BODY_SKIP = frozenset({"page_markers"})
_CABLE_FIELDS = ("reference_id", "canonical_id", "created", "classification")


def roundtrip_differences(original: Cable, again: Cable) -> list[str]:
    """The fields ``render`` writes on which ``again`` (the re-parse) differs from ``original``."""
    problems: list[str] = []
    # A container's metadata (csv columns, page tables) is not written by render; only a cable
    # read from raw text derives these fields from the header and body alone.
    derived = _CABLE_FIELDS if original.container == "text" else ()
    for name in derived:
        if getattr(original, name) != getattr(again, name):
            problems.append(f"{name}: {getattr(original, name)!r} != {getattr(again, name)!r}")
    pairs: list[tuple[str, Any, Any, type]] = [("header", original.header, again.header, Header),
                                               ("body", original.body, again.body, Body)]
    for part, left, right, cls in pairs:
        if (left is None) != (right is None):
            problems.append(f"{part}: {left!r} != {right!r}")
            continue
        if left is None:
            continue
        for field in attrs.fields(cls):
            if part == "body" and field.name in _BODY_SKIP:
                continue
            a, b = getattr(left, field.name), getattr(right, field.name)
            if a != b:
                problems.append(f"{part}.{field.name}: {a!r} != {b!r}")
    return problems


def check_roundtrip(source: str | Cable) -> Cable:
    """``parse(render(c), format="text")`` equals ``c`` on the fields render writes.

    ``c`` is ``source`` or ``parse(source)`` (format detected: a cables.csv row or a page
    works too, which is how the text container's reading of a rendered header is tested).
    The re-parse gets ``reference_id=c.reference_id``: render writes no container metadata,
    and REF entries without a year take it from the id when the header has no DTG.
    """
    cable = parse_any(source) if isinstance(source, str) else source
    rendered = render(cable)
    again = parse_text(rendered, reference_id=cable.reference_id)
    problems = roundtrip_differences(cable, again)
    assert not problems, "parse(render(c)) != c:\n  " + "\n  ".join(problems) + f"\nrendered:\n{rendered}"
    return cable


def check_dict(source: str | bytes) -> None:
    """``from_dict(to_dict(c)) == c``, through real JSON, for the lenient parse of ``source``."""
    cable = check_lenient(source)
    if cable is None:
        return
    data = json.loads(json.dumps(to_dict(cable)))
    back = from_dict(data)
    assert back == cable, f"from_dict(to_dict(c)) != c: {back!r} != {cable!r}"


PROPERTIES: dict[str, Callable[[Any], object]] = {
    "lenient": check_lenient,
    "strict": check_strict,
    "roundtrip": check_roundtrip,
    "dict": check_dict,
}
"""Property name -> check, as named in regression sidecars."""


def check(name: str, source: str | bytes) -> None:
    """Run property ``name`` on ``source`` (the round trip needs text: bytes are decoded)."""
    if name == "roundtrip" and isinstance(source, bytes):
        source = source.decode("utf-8", errors="replace")
    PROPERTIES[name](source)


# --- regressions --------------------------------------------------------------------------

REGRESSIONS = Path("fixtures") / "regressions"
"""Where failing inputs are written by default: ``fixtures/regressions`` under the current
directory. Relative on purpose: next to the package would be site-packages when cableparse
is installed from a wheel (issue 16); from the project root it is the checkout's folder."""


def write_regression(source: str | bytes, prop: str, message: str, *, directory: Path = REGRESSIONS,
                     seed: int | None = None) -> Path:
    """Save a failing input as ``<sha1>.txt`` plus a ``<sha1>.json`` sidecar; return its path.

    Text is stored as UTF-8 (``surrogatepass`` so that nothing is lost); bytes as they are,
    with ``"input": "bytes"`` in the sidecar so the replay hands the parser bytes again.
    """
    data = source if isinstance(source, bytes) else source.encode("utf-8", errors="surrogatepass")
    digest = hashlib.sha1(data).hexdigest()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{digest}.txt"
    path.write_bytes(data)
    sidecar = {
        "property": prop,
        "input": "bytes" if isinstance(source, bytes) else "text",
        "message": message[:2000],
        "found": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "seed": seed,
    }
    path.with_suffix(".json").write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
    return path


def read_regression(path: Path) -> tuple[str | bytes, dict[str, Any]]:
    """A saved input (text or bytes, as it failed) and its sidecar."""
    sidecar_path = path.with_suffix(".json")
    sidecar: dict[str, Any] = json.loads(sidecar_path.read_text(encoding="utf-8")) if sidecar_path.exists() else {}
    data = path.read_bytes()
    if sidecar.get("input", "text") == "bytes":
        return data, sidecar
    return data.decode("utf-8", errors="surrogatepass"), sidecar


# --- the campaign -------------------------------------------------------------------------


def _corpus_texts() -> list[str]:
    shared = Path(__file__).resolve().parent.parent.parent / "shared"
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((shared / "corpus").glob("*"))[:200]
             if p.is_file()] if shared.is_dir() else []
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(fixtures.glob("*.txt"))]
    return texts


def _strategies() -> dict[str, Any]:
    from hypothesis import strategies as st

    from . import strategies as cs

    corpus = _corpus_texts()
    junk: Any = st.one_of(
        st.text(),
        st.binary(),
        cs.cable_texts(),
        cs.irregular_cable_texts(),
        cs.csv_rows(),
        cs.cable_texts().flatmap(cs.mutated_texts),
        cs.body_grammar_texts(),
    )
    if corpus:
        junk = junk | st.sampled_from(corpus).flatmap(cs.mutated_texts)
    return {
        "lenient": junk,
        "strict": junk,
        "roundtrip": st.one_of(cs.cable_texts(), cs.irregular_cable_texts()),
        "dict": st.one_of(cs.cable_texts(), cs.irregular_cable_texts(), cs.csv_rows(), st.text()),
    }


def run_property(name: str, *, examples: int, seed: int, directory: Path = REGRESSIONS) -> tuple[int, float, Path | None]:
    """Run one property for ``examples`` examples; return (examples run, seconds, regression)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed

    strategy = _strategies()[name]
    seen = {"count": 0}
    last_failure: dict[str, Any] = {}

    @hseed(seed)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(strategy)
    def prop(source: str | bytes) -> None:
        seen["count"] += 1
        try:
            check(name, source)
        except BaseException as error:
            # Hypothesis replays the shrunk example last: keep the latest failure.
            last_failure["source"] = source
            last_failure["message"] = "".join(traceback.format_exception_only(type(error), error))
            raise

    start = time.perf_counter()
    written: Path | None = None
    try:
        prop()
    except Exception:  # noqa: BLE001 - the failure is recorded, the campaign goes on
        if "source" in last_failure:
            written = write_regression(last_failure["source"], name, last_failure["message"], directory=directory, seed=seed)
    return seen["count"], time.perf_counter() - start, written


def main(argv: Iterable[str] | None = None) -> int:
    """Command line: run the properties; exit 1 when any failing input was written."""
    parser = argparse.ArgumentParser(prog="python -m cableparse.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="Hypothesis seed of the first round")
    parser.add_argument("--examples", type=int, default=1000, help="examples per property and round")
    parser.add_argument("--minutes", type=float, default=None, help="keep running new rounds (seed+1, ...) this long")
    parser.add_argument("--properties", default=",".join(PROPERTIES), help="comma-separated subset of " + ", ".join(PROPERTIES))
    parser.add_argument("--out", type=Path, default=REGRESSIONS,
                        help="directory for failing inputs (default: fixtures/regressions under the current directory)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    names = [n.strip() for n in args.properties.split(",") if n.strip()]
    unknown = [n for n in names if n not in PROPERTIES]
    if unknown:
        parser.error(f"unknown properties: {', '.join(unknown)}")
    deadline = time.monotonic() + args.minutes * 60 if args.minutes else None
    seed = args.seed
    failures = 0
    while True:
        for name in names:
            count, seconds, written = run_property(name, examples=args.examples, seed=seed, directory=args.out)
            status = f"FAILED -> {written}" if written else "ok"
            print(f"seed {seed} {name:10s} {count:6d} examples {seconds:8.1f} s  {status}", flush=True)
            failures += written is not None
        seed += 1
        if deadline is None or time.monotonic() >= deadline:
            break
    return 1 if failures else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
