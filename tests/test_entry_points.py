"""Entry points as a new user meets them (issue 16): parse_file, paths given to parse(), the
no-cable-structure defect, the Hypothesis plugin's import cost, the fuzz campaign's output
folder, and what the wheel and sdist carry."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import cableparse
from cableparse import CableParseError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
PAGE = FIXTURES / "08MEXICO23.page.txt"


def test_parse_file_reads_the_file_and_gzip_by_content(tmp_path: Path) -> None:
    expected = cableparse.parse(PAGE.read_bytes())
    assert cableparse.parse_file(PAGE) == expected
    assert cableparse.parse_file(str(PAGE)) == expected
    packed = tmp_path / "page.download"  # a name that says nothing about gzip
    packed.write_bytes(gzip.compress(PAGE.read_bytes()))
    assert cableparse.parse_file(packed) == expected
    html = tmp_path / "06SKOPJE105.html.gz"
    html.write_bytes(gzip.compress((FIXTURES / "06SKOPJE105.html").read_bytes()))
    assert cableparse.parse_file(html).reference_id == "06SKOPJE105"
    assert cableparse.parse_file(PAGE, reference_id="08MEXICO23", strict=False).reference_id == "08MEXICO23"


def test_parse_file_raises_what_open_raises(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with pytest.raises(FileNotFoundError) as error:
        cableparse.parse_file(missing)
    assert error.value.filename == str(missing)
    with pytest.raises(IsADirectoryError):
        cableparse.parse_file(tmp_path)
    with pytest.raises(FileNotFoundError):
        cableparse.parse(missing)
    with pytest.raises(TypeError):
        cableparse.parse_file(3)  # type: ignore[arg-type]
    broken = tmp_path / "broken.gz"
    broken.write_bytes(b"\x1f\x8b" + b"not really gzip")
    with pytest.raises(CableParseError):
        cableparse.parse_file(broken)


def test_parse_reads_a_pathlike() -> None:
    assert cableparse.parse(PAGE) == cableparse.parse_file(PAGE)
    assert cableparse.parse(PAGE).reference_id == "08MEXICO23"


def test_a_str_naming_a_file_is_text_with_a_defect(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    name = "fixtures/08MEXICO23.page.txt"
    with pytest.warns(UserWarning, match="parse_file"):
        cable = cableparse.parse(name)
    assert cable.defects[0].code == "source-is-a-path"
    assert cable.body is None or cable.body.subject is None  # the name was not read as the file
    with pytest.raises(CableParseError) as error, pytest.warns(UserWarning):
        cableparse.parse(name, strict=True)
    assert error.value.code == "source-is-a-path"
    # Text that names no file is just text.
    assert "source-is-a-path" not in {d.code for d in cableparse.parse("fixtures/nothing-here.txt").defects}


def test_no_cable_structure() -> None:
    readme = cableparse.parse((ROOT / "README.md").read_text(encoding="utf-8"))
    assert [d.code for d in readme.defects] == ["no-cable-structure"]
    assert readme.defects[0].line == 1
    for fragment in ("TAGS: PREL, PGOV", "SUBJECT: A MEETING"):
        assert not cableparse.parse(fragment).defects, fragment
    assert "no-cable-structure" not in {d.code for d in cableparse.parse_file(PAGE).defects}
    assert [d.code for d in cableparse.parse("").defects] == ["empty-input"]  # not both
    with pytest.raises(CableParseError) as error:
        cableparse.parse("just some words\nand more", strict=True)
    assert error.value.code == "no-cable-structure"


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("HYPOTHESIS_NO_PLUGINS", None)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                          check=False)


def test_hypothesis_plugin_is_lazy() -> None:
    """Importing hypothesis loads cableparse's hook, which must not import the parser."""
    pytest.importorskip("hypothesis")
    result = _python(
        "import sys\n"
        "import hypothesis\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('cableparse'))\n"
        "assert 'cableparse._hypothesis' in loaded, loaded\n"  # the plugin did run
        "assert 'cableparse.core' not in loaded and 'cableparse.strategies' not in loaded, loaded\n"
        "from hypothesis import given, settings, strategies as st\n"
        "import cableparse\n"
        "seen = []\n"
        "@settings(max_examples=3, database=None)\n"
        "@given(st.from_type(cableparse.Cable))\n"
        "def test(cable):\n"
        "    seen.append(cable)\n"
        "test()\n"
        "assert seen and all(isinstance(c, cableparse.Cable) for c in seen)\n"
        "assert 'cableparse.strategies' in sys.modules\n"
    )
    assert result.returncode == 0, result.stderr


def test_importing_cableparse_does_not_load_the_parser() -> None:
    result = _python(
        "import sys, cableparse\n"
        "assert 'cableparse.core' not in sys.modules and 'lark' not in sys.modules\n"
        "assert cableparse.parse('TAGS: PREL').body.tags[0].code == 'PREL'\n"
        "import cableparse.render\n"
        "assert callable(cableparse.render) and cableparse.core.parse is cableparse.parse\n"
    )
    assert result.returncode == 0, result.stderr


def test_the_lazy_package_pickles_by_name() -> None:
    """Dask pickles task functions with cloudpickle; one that refers to ``cableparse`` must pickle."""
    import pickle

    assert pickle.loads(pickle.dumps(cableparse)) is cableparse
    cloudpickle = pytest.importorskip("cloudpickle")
    check = pickle.loads(cloudpickle.dumps(lambda c: isinstance(c, cableparse.Cable)))
    assert check(cableparse.parse("TAGS: PREL")) and not check("text")


def test_fuzz_writes_under_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("hypothesis")
    from cableparse import fuzz

    monkeypatch.chdir(tmp_path)
    written = fuzz.write_regression("TAGS: X", "lenient", "example")
    assert written.resolve().parent == tmp_path / "fixtures" / "regressions"
    directories: list[Path] = []

    def fake_run(name: str, *, examples: int, seed: int, directory: Path) -> tuple[int, float, Path | None]:
        directories.append(directory.resolve())
        return examples, 0.0, None

    monkeypatch.setattr(fuzz, "run_property", fake_run)
    assert fuzz.main(["--examples", "1", "--properties", "lenient"]) == 0
    assert directories == [tmp_path / "fixtures" / "regressions"]


def test_wheel_and_sdist_carry_the_license(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = pytest.importorskip("hatchling.build")
    monkeypatch.chdir(ROOT)
    wheel = tmp_path / build.build_wheel(str(tmp_path))
    sdist = tmp_path / build.build_sdist(str(tmp_path))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        license_name = next(n for n in names if n.endswith("/LICENSE") and ".dist-info/" in n)
        assert archive.read(license_name).decode().startswith("MIT License")
    assert "License-Expression: MIT" in metadata
    assert "Author: " in metadata and "Project-URL: Source, " in metadata
    assert "Classifier: Programming Language :: Python :: 3.11" in metadata
    assert any(n.endswith("cableparse/grammars/body.lark") for n in names)
    with tarfile.open(sdist) as archive:
        assert any(n.endswith("/LICENSE") for n in archive.getnames())
