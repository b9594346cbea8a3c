"""Replay every input in ``fixtures/regressions/`` through the check that once failed on it.

``python -m cableparse.fuzz`` writes ``<sha1>.txt`` (the input) and ``<sha1>.json`` (which
property failed). A sidecar with ``"known_bug"`` marks a reported parser bug that is not fixed
yet: that one input is a strict xfail, so the fix shows up as an XPASS to un-mark. The
hand-made inputs below are pinned too, so this file asserts something real when the
directory is empty.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cableparse.fuzz import PROPERTIES, check, read_regression

REGRESSIONS = Path(__file__).resolve().parents[1] / "fixtures" / "regressions"


def _saved() -> list[object]:
    params: list[object] = []
    for path in sorted(REGRESSIONS.glob("*.txt")) if REGRESSIONS.is_dir() else []:
        source, sidecar = read_regression(path)
        prop = sidecar.get("property", "lenient")
        marks = []
        if sidecar.get("known_bug"):
            marks.append(pytest.mark.xfail(strict=True, reason=str(sidecar["known_bug"])[:200]))
        params.append(pytest.param(prop, source, id=f"{path.stem[:12]}-{prop}", marks=marks))
    return params


@pytest.mark.parametrize(("prop", "source"), _saved())
def test_saved_regression(prop: str, source: str | bytes) -> None:
    check(prop, source)


# Inputs that broke or nearly broke parsers of this kind; every law must hold on them.
NASTY: dict[str, str | bytes] = {
    "empty": "",
    "fragment": "TAGS: PREL, PGOV",
    "lone-carriage-returns": "UNCLAS MEXICO 000023\r\rE.O. 12958: N/A\rTAGS: PREL\r\rText.\r",
    "unicode-digits-in-marker": "UNCLAS MEXICO 000023\n\nE.O. 12958: N/A\n\nSome text\n\nMEXICO ᪐᪐᪐᪐᪐᪐᪐᪐ ᪐᪐᪒ OF ᪐᪐᪃\n\nmore.\n",
    "arabic-digit-paragraphs": "UNCLAS MEXICO 000023\n\n١. (C) Text.\n\n٢٣. (S) More.\n",
    "bom-and-row": '\ufeff1,1/4/2008 22:01,08MEXICO23,"Embassy Mexico",UNCLASSIFIED,,"","UNCLAS MEXICO 000023\n\nText."\n',
    "huge-fl3-serial": "VZCZCXRO5183\nRR RUEHC\nDE RUEHME #99999999999999999999999/99999999999999999 0042201\n\nUNCLAS MEXICO 000023\n",
    "impossible-decl-dates": "UNCLAS MEXICO 000023\n\nE.O. 12958: DECL: 13/45/2099\nE.O. 12958: DECL: 0000-00-00\n",
    "section-zero": "UNCLAS SECTION 00 OF 00 MEXICO 000000\n\nText.\n",
    "control-whitespace": "UNCLAS\tMEXICO\t000023\x0c\n\x0bTAGS:\tPREL\n",
    "invalid-utf8": b"UNCLAS MEXICO 000023\n\n\xff\xfe TAGS: PREL\n",
    "nul-bytes": b"\x00" * 64,
    # Web pages' no-break spaces on otherwise empty lines left the lexer with no terminal
    # (found by the deep profile on the sample page read as raw text).
    "no-break-space-lines": "VZCZCXRO5183\n\u00a0\nFM AMEMBASSY X\n\u00a0\nUNCLAS MEXICO 000023\n\u00a0\n\u00a0text\n\u00a0",
    "signer-or-sentence": "UNCLAS MEXICO 000023\n\nSome text\nmore text.\n",
}


@pytest.mark.parametrize("prop", sorted(PROPERTIES))
@pytest.mark.parametrize("name", sorted(NASTY))
def test_nasty_input(name: str, prop: str) -> None:
    check(prop, NASTY[name])


def test_regression_files_have_sidecars() -> None:
    # A replay without its sidecar would run the wrong check silently.
    for path in REGRESSIONS.glob("*.txt") if REGRESSIONS.is_dir() else []:
        assert path.with_suffix(".json").exists(), path
