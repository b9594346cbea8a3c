"""HTML envelopes compared field by field with golden data written by the previous reader.

``html_golden.json`` was written with the stdlib ``html.parser`` reader, before the switch to
selectolax (issue 14), from every HTML page of ``../shared/corpus``, every ``fixtures/*.html``
and the small hand-made pages below (entities, literal and ``&#x000A;`` newlines, pilcrow
anchors, the metadata table, cut pages). The new reader must give the same envelope: same
texts, same lines, same metadata, same defects. Long texts are stored as their length and
sha256, so a mismatch names the field, not the difference; ``cableparse show`` on the page
shows the rest.

A new corpus page or fixture gets its entry with ``python tests/containers/test_html_golden.py
--add`` (existing entries are kept; check the new envelope by hand). Rewrite every entry only
when a change of envelopes is intended, and say so in the commit: ``... --rewrite``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

from cableparse.containers import extract
from cableparse.envelope import Envelope

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = ROOT / "fixtures"
GOLDEN = Path(__file__).with_name("html_golden.json")

_TABLE = ("<table class='cable'><tr><th>Reference ID</th><th>Created</th><th>Released</th><th>Classification</th>"
          "<th>Origin</th></tr>\n<tr><td><a href='/c/08X1.html'>08X1</a></td><td>2008-01-15 18:06</td>"
          "<td>2011-02-13 00:12</td><td>SECRET//NOFORN</td><td>Embassy X</td></tr></table>\n")
_HEAD = "R 011200Z JAN 08&#x000A;FM AMEMBASSY X&#x000A;TO SECSTATE WASHDC 0001"

# Small pages for what the corpus shows only once or not at all. Each is read on every run.
SYNTHETIC: dict[str, str] = {
    "two-pres-entities": (
        f"<html><body><h3>Viewing cable 08X1, S</h3>\n{_TABLE}<code><pre>{_HEAD}</pre></code>\n"
        "<code><pre>S E C R E T X 000001 &#x000A;&#x000A;TAGS: <a href='/tag/PGOV_0.html'>PGOV</a> X&#x000A;"
        "SUBJECT: A &amp; B&#39;S &lt;C&gt; &quot;D&quot; &euro;5&nbsp;6 AT&T) &one &#x000A;&#x000A;"
        "<a id='par1' href='#par1'>¶</a>1. (S) One.&#x000A;<a id='par2' href='#par2'>¶</a>2. Two.</pre></code>\n"
        "</body></html>"),
    "literal-newlines-and-crlf": (
        f"<html>\r\n<body>\r\n{_TABLE}<pre>R 011200Z JAN 08\r\nFM AMEMBASSY X\r\nUNCLAS X 000001\r\n\r\n1. T.</pre>\r\n</body></html>"),
    "newline-first-in-pre": (
        f"<html><body>{_TABLE}<pre>\nR 011200Z JAN 08\nFM AMEMBASSY X</pre>\n<pre>&#x000A;UNCLAS X 000001&#x000A;1. T.</pre>"
        "</body></html>"),
    "mixed-newlines": (
        f"<html><body>{_TABLE}\n\n<pre>R 011200Z JAN 08&#x000A;FM AMEMBASSY X\nTO SECSTATE WASHDC&#10;UNCLAS X 000001&#xA;"
        "\n1. T&#x000a;2. U.</pre></body></html>"),
    "unclosed-pre": f"<html><body>{_TABLE}<pre>{_HEAD}</pre>\n<pre>UNCLAS X 000001&#x000A;&#x000A;1. Cut",
    "three-pres-upper-case": (
        f"<HTML><BODY>{_TABLE}<PRE class='x'>{_HEAD}</PRE><PRE>middle</PRE>\n<Pre>UNCLAS X 000001</Pre></BODY></HTML>"),
    "no-table-heading-id": "<html><h3>Viewing cable 09ABC1, SUBJ</h3><pre>UNCLAS ABC 000001&#x000A;1. T.</pre></html>",
    "no-pre": f"<html><body>{_TABLE}<p>nothing</p></body></html>",
    "pre-in-comment-and-script": (
        f"<html><head><script>var s = '<pre>not</pre>';</script></head><body>\n<!-- <pre>old</pre> -->\n{_TABLE}"
        f"<pre>{_HEAD}</pre>\n<pre>UNCLAS X 000001</pre></body></html>"),
    "bad-created": (
        "<html><body><table class='cable'><tr><th>Reference ID</th><th>Created</th></tr><tr><td>08X2</td>"
        "<td>15 January 2008</td></tr></table><pre>UNCLAS X 000002</pre></body></html>"),
    "plusd-like": (
        "<html><body>\n<div class='synopsis'>\n<div class='s_key'>Canonical ID:</div><div class='s_val'>1974X00001_b</div>\n"
        "<div class='s_key'>Date:</div><div class='s_val'>1974 May 23, 15:15 (Thursday)</div>\n"
        "<div class='s_key'>Original Classification:</div><div class='s_val'>CONFIDENTIAL</div>\n"
        "<div class='s_key'>From:</div><div class='s_val'>Greece Athens</div>\n</div>\n"
        "<div class='pane'><div class='pane-header'>Raw content</div>\n<div class='text-content'>CONFIDENTIAL<br>\n"
        "R 231515Z MAY 74<br/>FM AMEMBASSY X\nTO SECSTATE WASHDC 3479\n\nC O N F I D E N T I A L X 3099\n\n"
        "1. T &amp; T.</div></div>\n</body></html>"),
}


def _value(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 80:
        return {"len": len(value), "sha256": hashlib.sha256(value.encode("utf-8")).hexdigest()}
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_value(item) for item in value]
    if attrs.has(type(value)):
        return [_value(getattr(value, field.name)) for field in attrs.fields(type(value))]
    return value


def envelope_fields(envelope: Envelope) -> dict[str, Any]:
    """Every field of the envelope that is part of its value (``eq``; not the csv reader's
    escape pieces, kept for field spans), as compact JSON-ready data."""
    return {field.name: _value(getattr(envelope, field.name)) for field in attrs.fields(Envelope) if field.eq}


def _corpus_pages() -> list[Path]:
    return sorted(CORPUS.glob("*.html")) if CORPUS.is_dir() else []


def _read(path: Path) -> dict[str, Any]:
    return envelope_fields(extract(path.read_bytes(), "html"))


def write_golden(*, keep: bool) -> None:
    """Write ``html_golden.json`` from the reader as it is now (``keep``: only missing entries)."""
    data: dict[str, dict[str, Any]] = {"corpus": {}, "fixtures": {}, "synthetic": {}}
    if keep and GOLDEN.is_file():
        data.update(json.loads(GOLDEN.read_text(encoding="utf-8")))
    for path in _corpus_pages():
        data["corpus"].setdefault(path.name, _read(path))
    for path in sorted(FIXTURES.glob("*.html")):
        data["fixtures"].setdefault(path.name, _read(path))
    for name, page in SYNTHETIC.items():
        data["synthetic"].setdefault(name, envelope_fields(extract(page, "html")))
    GOLDEN.write_text(json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _golden(section: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))[section]
    return data


def _compare(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    differing = {name: (expected.get(name), actual.get(name)) for name in expected.keys() | actual.keys()
                 if expected.get(name) != actual.get(name)}
    assert not differing, f"fields differ (golden, now): {differing}"


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_synthetic_page_envelope_unchanged(name: str) -> None:
    _compare(_golden("synthetic")[name], envelope_fields(extract(SYNTHETIC[name], "html")))


@pytest.mark.parametrize("name", [path.name for path in sorted(FIXTURES.glob("*.html"))])
def test_fixture_page_envelope_unchanged(name: str) -> None:
    _compare(_golden("fixtures")[name], _read(FIXTURES / name))


def test_every_fixture_page_has_golden_data() -> None:
    assert sorted(_golden("fixtures")) == sorted(path.name for path in FIXTURES.glob("*.html"))


def test_corpus_page_envelopes_unchanged() -> None:
    pages = _corpus_pages()
    if not pages:
        pytest.skip("../shared/corpus is not available here")
    golden = _golden("corpus")
    missing = [path.name for path in pages if path.name not in golden]
    assert not missing, f"pages without golden data: {missing[:5]}"
    differing: dict[str, Any] = {}
    for path in pages:
        expected, actual = golden[path.name], _read(path)
        fields = sorted(name for name in expected.keys() | actual.keys() if expected.get(name) != actual.get(name))
        if fields:
            differing[path.name] = fields
    assert not differing, f"{len(differing)} of {len(pages)} pages differ, fields: {dict(list(differing.items())[:10])}"


if __name__ == "__main__":
    if sys.argv[1:] not in (["--add"], ["--rewrite"]):
        sys.exit(__doc__)
    write_golden(keep=sys.argv[1] == "--add")
