"""With the speedups extra (lark-cython) cables parse exactly as with pure-Python Lark."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cableparse

pytest.importorskip("lark_cython")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FILES = [ROOT / "fixtures" / "08MEXICO23.page.txt", ROOT / "fixtures" / "sample-dump.csv"]
if CORPUS.is_dir():
    FILES += sorted(CORPUS.glob("*.html"))[:40] + sorted(CORPUS.glob("*.txt"))

SCRIPT = """
import json, sys, cableparse
out = []
for name in sys.argv[1:]:
    out.extend(cableparse.to_dict(c) for c in cableparse.iter_cables(name, errors="yield") if isinstance(c, cableparse.Cable))
print(json.dumps(out))
"""


def test_compiled_and_pure_python_parsers_agree() -> None:
    from cableparse.grammar import speedups

    assert speedups(), "lark-cython is installed but not used"
    fast = [cableparse.to_dict(c) for path in FILES for c in cableparse.iter_cables(str(path), errors="yield")
            if isinstance(c, cableparse.Cable)]
    env = dict(os.environ, CABLEPARSE_PURE_PYTHON="1")
    run = subprocess.run([sys.executable, "-c", SCRIPT, *map(str, FILES)], env=env, capture_output=True, text=True, check=True)
    pure = json.loads(run.stdout)
    assert len(fast) == len(pure) >= 20
    assert fast == pure
