"""The JSON Lines sink's orjson encoder writes the bytes the ``json`` module wrote before.

The line format is public (``docs/batch.md``): ``json.dumps(to_dict(cable), ensure_ascii=False,
separators=(",", ":"))`` in UTF-8. Lines are now encoded by orjson (issue 14); these tests hold
the two encoders to the same bytes on every corpus cable and on generated ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from sink_samples import full_cable

import cableparse
from cableparse.serialize import to_dict
from cableparse.sinks import open_sink
from cableparse.sinks.jsonl import dumps, encode_line, read_jsonl
from cableparse.strategies import cables

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def stdlib_line(data: Any) -> bytes:
    """How the sink encoded a record before orjson."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_corpus_lines_are_byte_identical() -> None:
    if not (CORPUS / "MANIFEST.tsv").is_file():
        pytest.skip("../shared/corpus is not available here")
    differing = []
    count = 0
    for item in cableparse.iter_cables(CORPUS, errors="skip"):
        assert isinstance(item, cableparse.Cable)
        record = to_dict(item)
        count += 1
        if encode_line(record) != stdlib_line(record):
            differing.append(item.reference_id)
    assert count > 0
    assert not differing, f"{len(differing)} of {count} corpus cables encode differently: {differing[:5]}"


@given(cables())
def test_generated_cables_are_byte_identical(cable: cableparse.Cable) -> None:
    record = to_dict(cable)
    assert encode_line(record) == stdlib_line(record)
    assert dumps(cable).encode("utf-8") == stdlib_line(record)


@pytest.mark.parametrize(
    "text",
    ["\x00\x01\x08\x0b\x0c\x1f\x7f", "tab\there\nline\r\x0cff\bbs", 'quote " backslash \\ slash /',
     "\u00b6 \u2019 \u2028 \u2029 \ufeff \U0001f600 \ufffd", "</script>&<>"],
)
def test_escapes_match_the_json_module(text: str) -> None:
    record = {"body": {"text": text, "signers": [text]}, "row_id": 2**63 - 1, "flag": None}
    assert encode_line(record) == stdlib_line(record)


def test_what_orjson_refuses_is_encoded_by_json() -> None:
    huge = {"row_id": int("9" * 400)}
    assert encode_line(huge) == stdlib_line(huge)
    # A lone surrogate has no UTF-8 form: it is written as its JSON escape, and reads back.
    lone = {"text": "a\udc80b \u00b6"}
    line = encode_line(lone)
    assert line == b'{"text":"a\\udc80b \xc2\xb6"}'
    assert json.loads(line) == lone


def test_sink_file_holds_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    cable = full_cable()
    with open_sink(out) as sink:
        sink.write(cable)
        sink.write(cable)
    assert out.read_bytes() == (stdlib_line(to_dict(cable)) + b"\n") * 2
    assert list(read_jsonl(out)) == [cable, cable]
