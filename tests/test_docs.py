"""The docs run: every ``python``, ``sh`` and ``sql`` block of README.md and docs/*.md.

Issue 16 found doc examples that failed as written (a missing import, a multiprocessing call
without its ``__main__`` guard, a schema missing a field); this test keeps them honest.

How blocks run, per document, in a scratch directory that holds ``fixtures/`` (the project's),
``cables.csv`` (a copy of ``fixtures/sample-dump.csv``) and ``pages/`` (the HTML fixtures):

- ``sh``/``bash``/``shell`` blocks first, in order, each with ``bash -e`` (no ``pipefail``:
  ``cableparse ... -o - | head`` is meant to cut the pipe). ``cableparse`` and ``python`` are
  this interpreter with this checkout on ``PYTHONPATH``; ``CABLEPARSE_JOBS=1``.
- then the ``python`` blocks, in order, as one script run as ``__main__`` (so a later block
  sees an earlier block's imports, and ``if __name__ == "__main__":`` guards run). A block of
  ``>>>`` lines is a doctest. A line ``expression  # literal``, where the comment is a Python
  literal, becomes an assertion: ``cable.reference_id  # '08MEXICO23'`` must hold. Functions
  named ``test_*`` that the blocks define are called at the end (the README's Hypothesis
  example is a test).
- ``sql`` blocks run against the bundled sample converted to SQLite.

Blocks without a language are synopses (``cableparse convert INPUT... -o OUT``) and are not
run. **To keep a block from running** (it needs a cluster, the network, or minutes), put this
HTML comment, which Markdown does not show, on the line before its fence, with the reason::

    <!-- docs-test: skip (needs a Dask cluster) -->
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SAMPLE = ROOT / "fixtures" / "sample-dump.csv"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[ \t]*$")
_SKIP = re.compile(r"<!--\s*docs-test:\s*skip\b")
_KINDS = {"python": "python", "py": "python", "sh": "shell", "bash": "shell", "shell": "shell", "sql": "sql"}


@attrs.frozen(kw_only=True)
class Block:
    """One fenced code block of a Markdown file."""

    path: Path
    line: int  # of the opening fence, 1-based
    kind: str  # python | doctest | shell | sql | other
    code: str
    skip: bool

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks_of(path: Path) -> list[Block]:
    """The fenced blocks of ``path``, with their kind and whether a skip marker precedes them."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        indent, lang, start = match["indent"], match["lang"].lower(), i
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1  # the closing fence
        previous = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        code = "\n".join(body) + "\n"
        kind = _KINDS.get(lang, "other")
        if kind == "python" and code.lstrip().startswith(">>>"):
            kind = "doctest"
        found.append(Block(path=path, line=start + 1, kind=kind, code=code, skip=bool(_SKIP.search(previous))))
    return found


def _with_assertions(code: str, where: str) -> str:
    """Turn ``expression  # literal`` lines into assertions (top-level lines only)."""
    out = []
    for line in code.splitlines():
        expression, sep, comment = line.partition("  #")
        # "..." in a comment abbreviates the value ("[('PTER', 'subject'), ..., ('MX', 'geo')]"): not checked.
        if sep and expression.strip() and not line[0].isspace() and "..." not in comment:
            try:
                ast.parse(expression.strip(), mode="eval")
                expected = ast.literal_eval(comment.strip())
            except (SyntaxError, ValueError):
                pass
            else:
                text = expression.strip()
                prefix = f"{where}: the doc says {text} is {expected!r}; it is "
                out.append(f"assert ({text}) == {expected!r}, {prefix!r} + repr({text})")
                continue
        out.append(line)
    return "\n".join(out) + "\n"


def _script(blocks: list[Block]) -> str:
    parts = ["import doctest as _doctest\n"]
    for block in blocks:
        parts.append(f"\n# ---- {block.where}\n")
        if block.kind == "doctest":
            parts.append(
                f"_test = _doctest.DocTestParser().get_doctest({block.code!r}, {{}}, {block.where!r}, {block.where!r}, 0)\n"
                "_runner = _doctest.DocTestRunner(optionflags=_doctest.ELLIPSIS)\n"
                "_runner.run(_test)\n"
                f"assert not _runner.failures, {block.where!r} + ': doctest failed (output above)'\n"
            )
        else:
            parts.append(_with_assertions(block.code, block.where))
    parts.append(
        "\nfor _name, _value in list(globals().items()):\n"
        "    if _name.startswith('test_') and callable(_value):\n"
        "        _value()\n"
    )
    return "".join(parts)


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    """A scratch directory laid out the way the docs' examples expect (one per document)."""
    work = tmp_path
    (work / "fixtures").symlink_to(ROOT / "fixtures", target_is_directory=True)
    shutil.copyfile(SAMPLE, work / "cables.csv")
    (work / "pages").mkdir()
    for page in sorted((ROOT / "fixtures").glob("*.html")):
        shutil.copyfile(page, work / "pages" / page.name)
    bin_dir = work / ".bin"
    bin_dir.mkdir()
    for name, command in (("cableparse", "-m cableparse"), ("python", ""), ("python3", "")):
        shim = bin_dir / name
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" {command} "$@"\n')
        shim.chmod(0o755)
    return work


def _env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(work / ".bin"), str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("CABLEPARSE_HYPOTHESIS_PROFILE", None)
    # The commands' default --jobs: worker processes cost seconds each to start, far more than
    # the sample takes to parse. Explicit --jobs/jobs= in a block (batch.md's __main__ guard
    # example) still start workers.
    env["CABLEPARSE_JOBS"] = "1"
    return env


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_doc_blocks_run(doc: Path, workspace: Path) -> None:
    blocks = [b for b in blocks_of(doc) if b.kind != "other" and not b.skip]
    env = _env(workspace)
    for block in (b for b in blocks if b.kind == "shell"):
        result = subprocess.run(["bash", "-e", "-c", block.code], cwd=workspace, env=env, capture_output=True,
                                text=True, timeout=300, check=False)
        assert result.returncode == 0, f"{block.where} exited {result.returncode}:\n{result.stderr[-3000:]}"
    python = [b for b in blocks if b.kind in ("python", "doctest")]
    if python:
        script = workspace / f"_{doc.stem}_blocks.py"
        script.write_text(_script(python), encoding="utf-8")
        result = subprocess.run([sys.executable, script.name], cwd=workspace, env=env, capture_output=True,
                                text=True, timeout=300, check=False)
        assert result.returncode == 0, f"{doc.name} Python blocks failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    sql = [b for b in blocks if b.kind == "sql"]
    if sql:
        database = workspace / "_sql_sample.db"
        if not database.exists():
            subprocess.run([sys.executable, "-m", "cableparse", "convert", str(SAMPLE), "-o", str(database), "-q",
                            "-j", "1"], env=env, check=True, timeout=300)
        connection = sqlite3.connect(database)
        for block in sql:
            for statement in (s for s in block.code.split(";") if s.strip()):
                rows = connection.execute(statement).fetchall()
                assert rows, f"{block.where}: {statement.strip()[:60]} found nothing in the sample"


def test_the_runner_finds_and_runs_blocks() -> None:
    """The runner sees the README's blocks of every kind, and skip markers only where placed."""
    readme = blocks_of(ROOT / "README.md")
    runnable = {b.kind for b in readme if not b.skip}
    assert {"python", "doctest", "shell"} <= runnable
    skipped = [b for b in readme if b.skip]
    assert skipped and all(b.kind == "shell" for b in skipped)  # set-up, web server, benchmark
    code = _with_assertions("x.y  # 'a'\nf(x)  # not a literal\n", "here")
    assert code.splitlines()[1] == "f(x)  # not a literal"
    namespace = {"x": type("X", (), {"y": "b"})}
    with pytest.raises(AssertionError, match=re.escape("here: the doc says x.y is 'a'; it is 'b'")):
        exec(code.splitlines()[0], namespace)


def test_parquet_schema_in_batch_md_names_every_field() -> None:
    pa = pytest.importorskip("pyarrow")
    from cableparse.sinks.parquet import cable_schema

    (schema_block,) = [b for b in blocks_of(ROOT / "docs" / "batch.md") if b.code.lstrip().startswith("reference_id:")]
    documented = set(re.findall(r"[a-z_]+", schema_block.code))

    def names(fields: object, prefix: str) -> list[str]:
        found = []
        for field in fields:  # type: ignore[attr-defined]
            found.append(f"{prefix}{field.name}")
            kind = field.type
            while pa.types.is_list(kind):
                kind = kind.value_type
            if pa.types.is_struct(kind):
                found += names([kind.field(i) for i in range(kind.num_fields)], f"{prefix}{field.name}.")
        return found

    missing = [name for name in names(cable_schema(), "") if name.rsplit(".", 1)[-1] not in documented]
    assert missing == []
    assert "body.preamble" in names(cable_schema(), "")
