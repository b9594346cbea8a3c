"""The defect catalogue is complete, matches its Literal types and its docs page.

Codes are public API (users filter and count them), so a code that is emitted but not in
``cableparse.DEFECT_CODES`` is a bug: these tests find such codes three ways: in the source
(every literal written where a code goes), on the real corpus, and on generated damaged input.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest
from _corpus import parsed_corpus
from hypothesis import given
from hypothesis import strategies as st

import cableparse
from cableparse import defects
from cableparse.strategies import csv_rows, irregular_cable_texts, mutated_texts

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cableparse"
SPEC = ROOT.parent / "shared" / "spec" / "cable-format.md"
CORPUS = ROOT.parent / "shared" / "corpus"
FORMAT_OF_SUFFIX = {".csv-row": "csv", ".html": "html", ".txt": "text"}
KEBAB = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
HYPHENATED = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")
ALL_CODES = set(defects.DEFECT_CODES) | set(defects.ERROR_CODES)


# --- the registry itself ------------------------------------------------------------------


def test_literal_types_list_exactly_the_registered_codes() -> None:
    # mypy checks call sites against the Literal, users read the table: they must be one list.
    assert set(get_args(defects.DefectCode)) == set(defects.DEFECT_CODES)
    assert set(get_args(defects.ErrorCode)) == set(defects.ERROR_CODES)
    assert len(get_args(defects.DefectCode)) == len(defects.DEFECT_CODES)


def test_every_entry_is_kebab_case_with_a_meaning_and_a_known_section() -> None:
    for table in (defects.DEFECT_CODES, defects.ERROR_CODES):
        for code, info in table.items():
            assert info.code == code and KEBAB.match(code), code
            assert info.meaning and "\n" not in info.meaning, code
            assert info.section is None or info.section in defects.SECTIONS, code
            assert info.section_title.startswith(info.section or "-")


def test_the_sections_exist_in_the_spec() -> None:
    if not SPEC.is_file():
        pytest.skip("../shared/spec is not available here")
    headings = {m.group(1) for m in re.finditer(r"(?m)^#{2,3} (\d+(?:\.\d+)?)\.? ", SPEC.read_text(encoding="utf-8"))}
    assert set(defects.SECTIONS) <= headings


def test_package_exports_the_catalogue() -> None:
    assert cableparse.DEFECT_CODES is defects.DEFECT_CODES
    assert cableparse.DEFECT_CODES["tags-label-typo"].section == "2.5"
    assert defects.describe("not-text").code == "not-text"
    with pytest.raises(ValueError, match="no-such-code"):
        defects.describe("no-such-code")


def test_docs_page_is_generated_from_the_registry() -> None:
    page = (ROOT / "docs" / "defects.md").read_text(encoding="utf-8")
    assert page == defects.catalogue_markdown(), (
        "docs/defects.md is stale: run "
        "python -c \"import cableparse.defects as d; d.write_catalogue('docs/defects.md')\""
    )
    for code in ALL_CODES:
        assert f"| `{code}` |" in page


def test_write_catalogue_writes_the_page(tmp_path: Path) -> None:
    target = tmp_path / "defects.md"
    defects.write_catalogue(target)
    assert target.read_text(encoding="utf-8") == defects.catalogue_markdown()


# --- codes written in the source ----------------------------------------------------------


def _constant_codes(node: ast.expr) -> Iterator[tuple[str, int]]:
    """The strings ``node`` can evaluate to: a constant, or either branch of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value, node.lineno
    elif isinstance(node, ast.IfExp):
        yield from _constant_codes(node.body)
        yield from _constant_codes(node.orelse)
    elif isinstance(node, ast.JoinedStr):
        # An f-string code (f"{name}-unreadable") cannot be checked by mypy nor listed: report
        # it as it is written. An f-string with spaces is a message, not a code.
        parts = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
        if parts and all(re.fullmatch(r"[a-z0-9-]*", part) for part in parts) and "-" in "".join(parts):
            yield ast.unparse(node), node.lineno


def source_codes(source: str) -> Iterator[tuple[str, int]]:
    """Every code written in ``source``: ``code=`` arguments, ``code = ...`` assignments, the
    first argument of a call with a message after it (``defects.add("x", "...")``) and
    pending-defect tuples ``("x", message, line, column)``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "code":
                    yield from _constant_codes(keyword.value)
            if len(node.args) >= 2:
                first = node.args[0]
                for value, line in _constant_codes(first):
                    if HYPHENATED.match(value) or isinstance(first, ast.JoinedStr):
                        yield value, line
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and any(isinstance(t, ast.Name) and t.id == "code" for t in targets):
                yield from _constant_codes(node.value)
        elif isinstance(node, ast.Tuple) and (
            len(node.elts) == 4 or (len(node.elts) == 2 and isinstance(node.elts[1], (ast.Constant, ast.JoinedStr)))
        ):
            # Pending defects (code, message, line, column) and (code, message) pairs.
            for value, line in _constant_codes(node.elts[0]):
                if HYPHENATED.match(value):
                    yield value, line


# First arguments of calls that look like codes but are not (encodings, sink kinds ...).
NOT_CODES = {"utf-8", "utf-16", "utf-8-sig", "csv-range"}


def test_every_code_in_the_source_is_registered() -> None:
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "defects.py":
            continue
        for code, line in source_codes(path.read_text(encoding="utf-8")):
            found.setdefault(code, []).append(f"{path.relative_to(ROOT)}:{line}")
    unregistered = {code: where for code, where in found.items() if code not in ALL_CODES | NOT_CODES}
    assert unregistered == {}, "register these in cableparse/defects.py"
    # The scan is not vacuous: it sees most of the catalogue in the source.
    assert len(set(found) & set(defects.DEFECT_CODES)) >= 0.9 * len(defects.DEFECT_CODES)


@pytest.mark.parametrize(
    "snippet",
    [
        'defects.add("tags-lable-typo", "TAGS label written", 1, 1)',
        'Defect(code="html-no-pree", message="x")',
        'raise CableParseError("x", code="bad-formatt")',
        'pending.append(("dtg-unredable", "x", 1, 2))',
        'code = "csv-unterminated" if unterminated else "csv-column-count"',
        'defects.add(f"{name}-unexpected-line", "x", 1, 1)',
    ],
)
def test_the_source_scan_fails_on_an_unregistered_code(snippet: str) -> None:
    codes = [code for code, _ in source_codes(snippet)]
    assert codes and not set(codes) <= ALL_CODES


# --- codes emitted on real and generated input --------------------------------------------


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.suffix in FORMAT_OF_SUFFIX)


def test_every_code_the_corpus_emits_is_registered() -> None:
    cables = parsed_corpus()
    if not cables:
        pytest.skip("../shared/corpus is not available here")
    emitted: dict[str, str] = {}
    for name, cable in cables:
        for defect in cable.defects:
            emitted.setdefault(defect.code, name)
    assert defects.unregistered(emitted) == []
    assert emitted, "the corpus has irregular cables, so some defect is expected"


def test_unregistered_reports_an_unknown_code() -> None:
    assert defects.unregistered(["tags-label-typo", "no-such-code", "no-such-code"]) == ["no-such-code"]


def _check_codes(text: str | bytes, format: str = "auto") -> None:
    try:
        cable = cableparse.parse(text, format=format)
    except cableparse.CableParseError as error:
        assert error.code in ALL_CODES, error.code
        return
    assert defects.unregistered(d.code for d in cable.defects) == []
    try:
        cableparse.parse(text, format=format, strict=True)
    except cableparse.CableParseError as error:
        assert error.code in ALL_CODES, error.code


@given(irregular_cable_texts())
def test_codes_of_irregular_cables_are_registered(text: str) -> None:
    _check_codes(text)


@given(csv_rows().flatmap(mutated_texts))
def test_codes_of_damaged_csv_rows_are_registered(text: str) -> None:
    _check_codes(text, "csv")


@given(st.sampled_from(_corpus_files() or [ROOT / "fixtures" / "08MEXICO23.page.txt"]), st.data())
def test_codes_of_damaged_real_cables_are_registered(path: Path, data: st.DataObject) -> None:
    text = data.draw(mutated_texts(path.read_text(encoding="utf-8", errors="replace")))
    _check_codes(text, FORMAT_OF_SUFFIX.get(path.suffix, "page"))
    _check_codes(text.encode("utf-8", errors="replace")[: data.draw(st.integers(0, 4000))])
