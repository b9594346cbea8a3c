"""Field spans (issue 17): ``parse(..., spans=True)`` says where each field is in the input."""

from __future__ import annotations

import collections
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cableparse
from cableparse import spans
from cableparse.cli import marked_text

ROOT = Path(__file__).resolve().parents[1]
SEED_PAGE = ROOT / "fixtures" / "08MEXICO23.page.txt"
CORPUS = ROOT.parent / "shared" / "corpus"
FORMAT_OF_SUFFIX = {".csv-row": "csv", ".html": "html", ".txt": "text"}


def _manifest_files() -> list[Path]:
    if not (CORPUS / "MANIFEST.tsv").is_file():
        return []
    names = [line.split("\t", 1)[0] for line in (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    return [CORPUS / name for name in names if name and Path(name).suffix in FORMAT_OF_SUFFIX]


def _slice(source: str, cable: cableparse.Cable, path: str) -> str:
    assert cable.spans is not None
    return spans.span_text(source, cable.spans[path], cable.container)


def test_spans_are_off_by_default_and_not_part_of_equality() -> None:
    source = SEED_PAGE.read_text(encoding="utf-8")
    plain = cableparse.parse(source)
    with_spans = cableparse.parse(source, spans=True)
    assert plain.spans is None
    assert "spans" not in cableparse.to_dict(plain)  # a default parse's JSON is unchanged
    assert with_spans.spans
    assert with_spans == plain


def test_seed_fields_point_at_their_text() -> None:
    source = SEED_PAGE.read_text(encoding="utf-8")
    cable = cableparse.parse(source, spans=True)
    assert cable.body is not None and cable.header is not None
    assert _slice(source, cable, "body.subject") == "DRAFT COUNTRY TERRORISM REPORT FOR 2007"
    assert [_slice(source, cable, f"body.tags[{i}]") for i in range(4)] == ["PTER", "ASEC", "PGOV", "MX"]
    assert _slice(source, cable, "body.refs[0]") == "STATE 145633"
    assert _slice(source, cable, "header.dtg") == "042201Z JAN 08"
    assert _slice(source, cable, "header.to[0]") == "RUEHC/SECSTATE WASHDC 0049"
    assert _slice(source, cable, "body.signers[0]") == "BASSETT"
    assert _slice(source, cable, "body.banner") == "UNCLAS SECTION 01 OF 03 MEXICO 000023"
    assert list(spans.check(cable, source)) == []


def test_a_paragraph_cut_by_a_page_marker_has_one_span_per_piece() -> None:
    source = SEED_PAGE.read_text(encoding="utf-8")
    cable = cableparse.parse(source, spans=True)
    assert cable.spans is not None and cable.body is not None
    cut = [path for path, pieces in cable.spans.items() if path.startswith("body.paragraphs[") and len(pieces) > 1]
    assert cut  # 08MEXICO23 runs over three pages
    for path in cut:
        pieces = cable.spans[path]
        for (_, end), (start, _) in itertools.pairwise(pieces):
            assert "MEXICO 00000023" in source[end:start]  # the marker is between the pieces, not in them
        assert not any("00000023" in source[a:b] for a, b in pieces)


@pytest.mark.parametrize(
    ("source", "format", "subject", "as_written"),
    [
        (
            '1,"1/4/2008 22:01","08MEXICO23","Embassy Mexico","UNCLASSIFIED","","",'
            '"UNCLAS MEXICO 000023\n\nTAGS: PREL\nSUBJECT: MEXICO\\\'S \\"NEW\\" PLAN\n\n1. Text.\n"\n',
            "csv", 'MEXICO\'S "NEW" PLAN', 'MEXICO\\\'S \\"NEW\\" PLAN',
        ),
        (
            "<html><body><pre>UNCLAS MEXICO 000023&#x000A;&#x000A;TAGS: <a href='/tag/PREL.html'>PREL</a>&#x000A;"
            "SUBJECT: AT&amp;T &amp; MEXICO&#x000A;&#x000A;1. Text.</pre></body></html>",
            "html", "AT&T & MEXICO", "AT&amp;T &amp; MEXICO",
        ),
    ],
)
def test_csv_escapes_and_html_entities_map_back_to_the_raw_input(source: str, format: str, subject: str, as_written: str) -> None:
    cable = cableparse.parse(source, format=format, spans=True)
    assert cable.body is not None and cable.body.subject == subject
    assert cable.spans is not None
    ((start, end),) = cable.spans["body.subject"]
    assert source[start:end] == as_written  # the raw text, escapes and entities included
    ((start, end),) = cable.spans["body.tags[0]"]
    assert source[start:end] == "PREL"  # a link's text, without its tag
    assert list(spans.check(cable, source)) == []


def test_bytes_offsets_count_in_the_decoded_text() -> None:
    data = SEED_PAGE.read_bytes()
    cable = cableparse.parse(data, spans=True)
    text = spans.source_text(data)
    assert list(spans.check(cable, text)) == []
    assert cable.spans is not None
    assert all(0 <= start < end <= len(text) for pieces in cable.spans.values() for start, end in pieces)


def test_json_carries_spans_and_reads_them_back() -> None:
    cable = cableparse.parse(SEED_PAGE.read_text(encoding="utf-8"), spans=True)
    data = json.loads(json.dumps(cableparse.to_dict(cable)))
    assert data["spans"]["body.subject"] == [list(p) for p in cable.spans["body.subject"]]  # type: ignore[index]
    assert cableparse.from_dict(data).spans == cable.spans


def test_marked_text_nests_and_keeps_the_input() -> None:
    source = "abc SUBJECT TEXT def"
    marked = marked_text(source, {"outer": ((4, 16),), "inner": ((12, 16),)})
    assert marked == "abc [[outer: SUBJECT [[inner: TEXT]]]] def\n"
    assert marked.replace("[[outer: ", "").replace("[[inner: ", "").replace("]]", "") == source + "\n"


def test_show_spans_cli() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "cableparse", "show", "--spans", str(SEED_PAGE)], capture_output=True, text=True, check=True
    )
    assert "SUBJECT: [[body.subject: DRAFT COUNTRY TERRORISM REPORT FOR 2007]]" in run.stdout
    run = subprocess.run(
        [sys.executable, "-m", "cableparse", "show", "--spans", "--json", str(SEED_PAGE)], capture_output=True, text=True, check=True
    )
    assert "body.subject" in json.loads(run.stdout)["spans"]
    refused = subprocess.run(
        [sys.executable, "-m", "cableparse", "show", "--spans", str(ROOT / "fixtures")], capture_output=True, text=True
    )
    assert refused.returncode == 2 and "--spans" in refused.stderr


@pytest.mark.skipif(not _manifest_files(), reason="../shared/corpus is not available here")
def test_span_law_on_every_corpus_cable() -> None:
    broken = []
    with_spans: collections.Counter[str] = collections.Counter()
    present: collections.Counter[str] = collections.Counter()
    files = _manifest_files()
    for path in files:
        data = path.read_bytes()
        cable = cableparse.parse(data, format=FORMAT_OF_SUFFIX[path.suffix], spans=True)
        broken.extend((path.name, *failure) for failure in spans.check(cable, spans.source_text(data)))
        body = cable.body
        if body is not None:
            for name, count in (("subject", bool(body.subject)), ("tags", len(body.tags)), ("refs", len(body.refs)),
                                ("paragraphs", len(body.paragraphs)), ("banner", body.banner is not None)):
                present[name] += int(count)
                with_spans[name] += sum(1 for p in cable.spans or {} if p.split("[")[0] == f"body.{name}")
    assert broken == []
    # Nearly every field is found; the few that are not get no span rather than a wrong one.
    for name, count in present.items():
        assert with_spans[name] >= 0.95 * count, (name, with_spans[name], count)


def test_convert_writes_spans_into_json_lines(tmp_path: Path) -> None:
    # convert --spans: each line's spans count in its own record's text (the csv row).
    from cableparse.batch import convert
    from cableparse.containers import iter_envelopes

    dump = ROOT / "fixtures" / "sample-dump.csv"
    out = tmp_path / "out.jsonl"
    convert([str(dump)], str(out), jobs=1, spans=True)
    data = dump.read_bytes()
    offsets = [envelope.offset or 0 for envelope in iter_envelopes(str(dump))]
    records = [data[a:b] for a, b in zip(offsets, [*offsets[1:], len(data)])]
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(records) > 0
    for line, record in zip(lines, records):
        cable = cableparse.from_dict(json.loads(line))
        assert cable.spans and "body.subject" in cable.spans
        assert list(spans.check(cable, spans.source_text(record))) == []
    with pytest.raises(ValueError, match="JSON Lines"):
        convert([str(dump)], str(tmp_path / "out.parquet"), jobs=1, spans=True)


_ROW = '1,"1/4/2008 22:01","08MEXICO23","Embassy Mexico","UNCLASSIFIED","","","UNCLAS MEXICO 000023\n\nSUBJECT: TEST\n\n1. {}\n"\n'
_PAGE = "<html><body><pre>UNCLAS MEXICO 000023&#x000A;&#x000A;SUBJECT: TEST&#x000A;&#x000A;{}</pre></body></html>"


@pytest.mark.parametrize(
    ("source", "format"),
    [
        # Pinned from the mutation fuzzer (spans on mutated corpus cables).
        (_ROW.format("It could be int\\erpreted as support.\n\n2. Second."), "csv"),  # \\e is no csv escape
        (_ROW.format("A lone\rCR and a NUL\x00 here.\n\n2. Second."), "csv"),
        (_PAGE.format("1. Until an appropriate ti<me. He said so.&#x000A;&#x000A;"
                      "<a id='par2' href='#par2'>¶</a>2. (C) Comment: fine."), "html"),  # a stray '<'
        (_PAGE.format("<a id='par1' href='#par1'>¶</a>1. AT&amp;T and &lt;b&gt; here.&#x000A;&#x000A;"
                      "<a id='par2' href='#par2'>¶</a>2. Next."), "html"),
    ],
)
def test_span_law_on_pinned_mutations(source: str, format: str) -> None:
    cable = cableparse.parse(source, format=format, spans=True)
    assert cable.spans and any(path.startswith("body.paragraphs[") for path in cable.spans)
    assert list(spans.check(cable, source)) == []


def test_page_spans_point_into_the_row_not_the_sites_copy_of_the_header() -> None:
    # Found by the span fuzz test: the news page prints the header lines, then the cables.csv
    # row holds them again; the cable is read from the row, so its spans must point there
    # (with a header line cut from the site's copy, the DTG span was a stray 'N').
    lines = SEED_PAGE.read_text(encoding="utf-8").split("\n")
    del lines[next(i for i, line in enumerate(lines) if line.startswith("DE RUEHME"))]
    page = "\n".join(lines)
    cable = cableparse.parse(page, spans=True)
    assert cable.container == "page" and cable.spans is not None
    row_start = page.index("136383,")
    assert all(start >= row_start for pieces in cable.spans.values() for start, _ in pieces)
    assert list(spans.check(cable, page)) == []


def test_cables_with_spans_pickle_and_copy() -> None:
    # Cables cross process boundaries (a pool's results, Dask): spans must survive pickling;
    # a MappingProxyType did not.
    import copy
    import pickle

    cable = cableparse.parse(SEED_PAGE.read_text(encoding="utf-8"), spans=True)
    for again in (pickle.loads(pickle.dumps(cable)), copy.deepcopy(cable)):
        assert again == cable and again.spans == cable.spans
    with pytest.raises(TypeError):
        cable.spans["body.subject"] = ((0, 1),)  # type: ignore[index]


_FIELD_TEXT = st.text(alphabet=st.sampled_from(list("AB ci.\n'\"\\0")), max_size=60)


@st.composite
def _csv_fields(draw: st.DrawFn) -> tuple[str, str, str]:
    """A text, the row that writes it as its last cables.csv field (each quote, apostrophe and
    backslash written one of the ways the dump writes them), and what comes after the field."""
    text = draw(_FIELD_TEXT)
    codes = {"'": ["'", "\\'"], '"': ['""', '\\"'], "\\": ["\\\\"], "\n": ["\n", "\\\n"]}
    written = "".join(draw(st.sampled_from(codes[char])) if char in codes else char for char in text)
    after = draw(st.sampled_from(['"\n', '",""\n', '"']))
    return text, '"1","08MEXICO23","' + written, after


@settings(max_examples=300, deadline=None)
@given(_csv_fields(), st.data())
def test_csv_field_offsets_by_counting_equal_the_general_alignment(field: tuple[str, str, str], data: st.DataObject) -> None:
    """A cables.csv field's codes map by counting (``ShiftMap``), as the general decoding and
    alignment maps them, for every range of the text; or the general path is taken."""
    text, head, after = field
    raw = head + after
    start = len('"1","08MEXICO23","')
    shifted = spans._shift_map(raw, text, start)
    if not text.strip() or text[0].isspace():
        return  # align() takes this path only for a text that starts with its first line
    decoded, decoding = spans.decode_window(raw, start, len(raw), "csv")
    general = spans.ComposedMap(spans.align_text(decoded, text), decoding)
    if shifted is None:
        assert "\\0" in raw or '\\""' in raw or not decoded.startswith(text.rstrip("\n"))
        return
    # Ranges as the Finder gives them: trimmed of white space at both ends.
    words = [index for index, char in enumerate(text) if not char.isspace()]
    low = data.draw(st.sampled_from(words))
    high = data.draw(st.sampled_from([index + 1 for index in words if index >= low]))
    assert shifted.ranges(low, high) == general.ranges(low, high)
    assert spans.span_text(raw, shifted.ranges(low, high), "csv") == text[low:high]


@pytest.mark.parametrize(
    "text, row",
    [
        # Quotes at the field's end, where a doubled quote ('""' for '"') looks like a quote
        # and the field's closing one (found by the property above).
        ('"', '"1","08MEXICO23","""' + '"\n'),
        ('"\n', '"1","08MEXICO23","""\n' + '"\n'),
    ],
)
def test_doubled_quote_at_a_csv_fields_end_maps_as_the_general_alignment(text: str, row: str) -> None:
    start = len('"1","08MEXICO23","')
    shifted = spans._shift_map(row, text, start)
    decoded, decoding = spans.decode_window(row, start, len(row), "csv")
    general = spans.ComposedMap(spans.align_text(decoded, text), decoding)
    assert shifted is not None
    assert shifted.ranges(0, 1) == general.ranges(0, 1)
    assert spans.span_text(row, shifted.ranges(0, 1), "csv") == text[0]


def test_a_value_that_is_a_piece_of_its_label_points_at_the_value() -> None:
    """The subject "SUBJ" is the word after the label, not the "SUBJ" of "SUBJECT:" (the
    span law alone cannot tell: both read "SUBJ")."""
    source = "UNCLAS MEXICO 000023\n\nE.O. 12958: N/A\nTAGS: PREL, MX\nSUBJECT: SUBJ\n\n1. (U) Text of the cable.\n"
    cable = cableparse.parse(source, spans=True)
    assert cable.body is not None and cable.body.subject == "SUBJ"
    assert cable.spans is not None
    ((start, end),) = cable.spans["body.subject"]
    assert source[start:end] == "SUBJ" and source[start - 9 : start] == "SUBJECT: "


@st.composite
def _escaped_bodies(draw: st.DrawFn) -> tuple[str, str, str]:
    """A body as Cablegate's cables.csv writes it: every quote and some apostrophes escaped
    with a backslash (the reader's fast path), as :func:`_csv_fields` gives fields."""
    text = draw(st.text(alphabet=st.sampled_from(list("AB ci.\n'\"")), min_size=1, max_size=60))
    codes = {"'": ["'", "\\'"], '"': ['\\"']}
    written = "".join(draw(st.sampled_from(codes[char])) if char in codes else char for char in text)
    return text, '"1","08MEXICO23","' + written, draw(st.sampled_from(['"\n', '"']))


@settings(max_examples=300, deadline=None)
@given(st.one_of(_escaped_bodies(), _csv_fields()), st.data())
def test_a_csv_body_mapped_from_the_readers_pieces_maps_as_the_general_alignment(field: tuple[str, str, str], data: st.DataObject) -> None:
    """The row reader keeps the pieces between a body's escapes (Envelope.escape_pieces);
    the map made from them (``field_map``, no pass over the row) gives the ranges the general
    decoding and alignment give, or is not made."""
    from cableparse.containers import extract
    from cableparse.core import _prepare

    _, head, after = field
    written = head[len('"1","08MEXICO23","') :]
    row = '"1","12/28/1966 18:48","08MEXICO23","Embassy Mexico","UNCLASSIFIED","","HEADER","' + written + after
    envelope = extract(row, "csv")
    pieces = envelope.escape_pieces[1]
    if not envelope.body_text or pieces is None:
        return
    prepared = _prepare(envelope.body_text)[0]
    if not prepared.strip() or prepared[0].isspace():
        return
    # From where the header field ends, as core._spans looks (after the header's own map).
    mapped = spans.field_map(row, prepared, envelope.body_text, pieces, row.index('"HEADER"') + len('"HEADER"'))
    if mapped is None:
        return
    start = row.index('"HEADER","') + len('"HEADER","')
    decoded, decoding = spans.decode_window(row, start, len(row), "csv")
    general = spans.ComposedMap(spans.align_text(decoded, prepared), decoding)
    words = [index for index, char in enumerate(prepared) if not char.isspace()]
    low = data.draw(st.sampled_from(words))
    high = data.draw(st.sampled_from([index + 1 for index in words if index >= low]))
    assert mapped.ranges(low, high) == general.ranges(low, high)


_HTML_PIECES = st.sampled_from(["A", "b ", "\n", "&#x000A;", "&amp;", "&#x001", "&", "<", ">", "<a href='x'>", "</a>", "<a id='par1' href='#par1'>¶</a>", "¶", "&#x000A", "x000A;", "\r", "  "])


@settings(max_examples=500, deadline=None)
@given(st.lists(_HTML_PIECES, max_size=40).map("".join))
def test_html_decoding_by_line_ends_is_the_regex_split(window: str) -> None:
    """An HTML window cut at its line-end entities with str.split, the code regex run only on
    lines with other markup (``_html_parts``), gives the pieces of one regex split of the
    whole window, or leaves the window to it."""
    parts = spans._html_parts(window)
    if parts is not None:
        assert parts == spans._splitter(spans._HTML_CODES).split(window)
