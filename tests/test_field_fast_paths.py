"""The field readers' fast paths give what their grammars give (issue 12: no slower, same fields).

Each fast path runs a field grammar's terminals without Lark; here it is compared with the
grammar run through Lark, on every such field of the corpus and on generated lines made of the
shapes the terminals know, glued in every order (where a hand-written scanner would go wrong).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _corpus import parsed_corpus
from hypothesis import example, given, settings
from hypothesis import strategies as st

import cableparse
from cableparse import assemble
from cableparse._cache import clear_caches
from cableparse.fields import banner as banner_module
from cableparse.fields import classified_by as classified_by_module
from cableparse.fields import eo as eo_module
from cableparse.grammar import terminal_regex
from cableparse.models import Paragraph

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FORMATS = {".csv-row": "csv", ".html": "html", ".txt": "text"}


_SPIED = (("banner", "_scan"), ("eo", "_scan"), ("classified_by", "_parse"))


@functools.lru_cache(maxsize=1)
def _corpus_field_inputs() -> dict[str, list[str]]:
    """The texts each spied fast path is called with while the whole corpus is parsed (once)."""
    modules = {"banner": banner_module, "eo": eo_module, "classified_by": classified_by_module}
    seen: dict[str, set[str]] = {name: set() for name, _ in _SPIED}
    originals: list[tuple[Any, str, Callable[[str], Any]]] = []

    def spy(name: str, original: Callable[[str], Any]) -> Callable[[str], Any]:
        def call(text: str) -> Any:
            seen[name].add(text)
            return original(text)

        return call

    clear_caches()  # a cached text would not reach the spy
    try:
        for name, function in _SPIED:
            original = getattr(modules[name], function)
            originals.append((modules[name], function, original))
            setattr(modules[name], function, spy(name, original))
        for path in sorted(CORPUS.iterdir()):
            if path.suffix in FORMATS:
                cableparse.parse(path.read_bytes(), format=FORMATS[path.suffix])
    finally:
        for module, function, original in originals:
            setattr(module, function, original)
        clear_caches()
    return {name: sorted(texts) for name, texts in seen.items()}


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not available here")


# --- classification line and portion mark (fields/banner.py) ---------------------------------

_BANNER_PIECES = [
    "CONFIDENTIAL", "C O N F I D E N T I A L", "SECRET", "SS E C R E T", "UNCLAS", "UUNCLAS", "Unclas",
    "UNCLASSIFIED", "LIMITED OFFICIAL USE", "TOP SECRET", "E F T O", "EFTO", "NOFORN", "NOFORNX",
    "SENSITIVE", "SIPDIS", "SECTION 01 OF 03", "section 2 of 2", "SECTION 1", "MADRID", "RIO DE JAN",
    "000023", "0080", "12", "(C)", "(SBU)", "(S//NF)", "( u )", "(", ")", "-", ".", "X1",
]
_GAPS = ["", " ", "  ", "\t", "\n", " \n", "\n\n"]


@st.composite
def _banner_texts(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.tuples(st.sampled_from(_BANNER_PIECES), st.sampled_from(_GAPS)), max_size=8))
    return draw(st.sampled_from(["", " ", "\t "])) + "".join(piece + gap for piece, gap in pieces)


@settings(max_examples=400)
@given(_banner_texts())
def test_banner_scanner_agrees_with_the_grammar_on_generated_lines(text: str) -> None:
    assert banner_module._scan(text) == banner_module._parse_with_grammar(text)


@given(st.text(alphabet="CONFIDETALSUR ()\t\n0123456789x", max_size=40))
def test_banner_scanner_agrees_with_the_grammar_on_any_text(text: str) -> None:
    assert banner_module._scan(text) == banner_module._parse_with_grammar(text)


@needs_corpus
def test_banner_scanner_agrees_with_the_grammar_on_the_corpus() -> None:
    texts = _corpus_field_inputs()["banner"]
    assert texts  # the reader ran, so the check is not vacuous
    for text in texts:
        assert banner_module._scan(text) == banner_module._parse_with_grammar(text), text


# --- HEADLESS's first-character guard (grammars/terminals.lark) ------------------------------

_GUARD = (  # as Lark gives it: tab, U+FFFD and U+017F decoded
    "(?=[\\dA-Z¶\ufffd(tecs\u017f])(?=[\\d¶\ufffd(]|[A-Z][A-Z .'\\-\t]|Ta|Su|Re|ta|(?i:e[. \to]|cl|si))"
)


def _headless() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """HEADLESS as the grammar has it, and without the guard that only makes it faster."""
    guarded = terminal_regex("terminals", "HEADLESS")
    assert guarded.count(_GUARD) == 1
    return re.compile(guarded), re.compile(guarded.replace(_GUARD, "", 1))


_HEADS = [
    "1.", "12 (C)", "¶3.", "\ufffd4 .", "٣.", "E.O. 12958", "e o 1958", "Eo(1999", "TAGS", "tags", "Tags ", "AGS:",
    "SUBJECT:", "Subj", "REF:", "Ref(s):", "REF A", "Ref B:", "PROGRAM REF.", "RETEL:", "Classified by", "CLASSIFIED BY",
    "(U) classified  by", "cLaSsIfIeD by", "SIPDIS", "sipdis", "ſipdis", "SİPDIS", "MEXICO 00000023 002 OF 003",
    "PAGE 02 ", "UNCLAS SECTION 1", "CONFIDENTIAL", "C O N F I D E N T I A L MADRID 0023", "NNNN", "the", "and", "İ",
    "K", "ta", "e.", "cl", "si", "(", "-", "",
]


@settings(max_examples=400)
@given(
    st.sampled_from(["", " ", "\t", "  \t"]),
    st.lists(st.sampled_from(_HEADS), max_size=3),
    st.sampled_from(["", " ", "\t", ":", "\n", " x\n"]),
)
def test_headless_guard_changes_no_match_on_generated_lines(lead: str, heads: list[str], end: str) -> None:
    guarded, unguarded = _headless()
    line = lead + " ".join(heads) + end + "\n"
    assert bool(guarded.match(line)) == bool(unguarded.match(line))


@given(st.text(max_size=12))
def test_headless_guard_changes_no_match_on_any_text(text: str) -> None:
    guarded, unguarded = _headless()
    assert bool(guarded.match(text + "\n")) == bool(unguarded.match(text + "\n"))


def test_headless_guard_lets_every_first_character_through_that_a_head_can_start_with() -> None:
    # Every code point, alone and before each letter a head's second character can be: the
    # case-blind heads (E.O., classified by, SIPDIS) match letters that fold to e, c or s.
    guarded, unguarded = _headless()
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        if not re.match(r"(?i:[ecs])|[\d¶\ufffd(A-Zt]", char) and re.match(r"(?i:[a-z])", char) is None:
            continue  # neither can open a head: nothing to compare
        for second in (".", " ", "O", "l", "L", "i", "I", "a", "AGS", "1", "2.", "1. x", "ubj:", "UBJECT:", "ef:", "EF A", "eftel:",
                       "AGE 2 ", "ROGRAM REF:", "EXICO 00000023 002 OF 003", "\t00000023 002 OF 003", " O N F I D E N T I A L MADRID 12",
                       "-X 00000023 002 OF 003", "NNN", "IPDIS", "ipdis"):
            line = f"{char}{second}\n"
            assert bool(guarded.match(line)) == bool(unguarded.match(line)), line


@needs_corpus
def test_headless_guard_changes_no_match_on_corpus_lines() -> None:
    guarded, unguarded = _headless()
    lines = {line for path in CORPUS.iterdir() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()}
    assert len(lines) > 1000
    for line in lines:
        assert bool(guarded.match(line + "\n")) == bool(unguarded.match(line + "\n")), line


# --- HEADLESS's blanks and page marker read possessively (grammars/terminals.lark) -----------

_MARKER_POSSESSIVE = "[A-Z](?:[A-Z .'\\-]{0,11}+\t|[A-Z .'\\-]{0,12}+(?<= ))\\d{8}"
_MARKER_PLAIN = "[A-Z][A-Z .'\\-]{0,11}[ \t]\\d{8}"  # PAGE_MARKER_LINE's opening
_BLANKS_POSSESSIVE = "(?![ \t]*+"


def _headless_markers() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """HEADLESS as the grammar has it, and with what it reads possessively read with
    backtracking: the page marker's origin as PAGE_MARKER_LINE writes it, the blanks before a
    head greedily."""
    headless = terminal_regex("terminals", "HEADLESS")
    assert headless.count(_MARKER_POSSESSIVE) == 1
    assert headless.startswith(_BLANKS_POSSESSIVE)
    assert terminal_regex("terminals", "PAGE_MARKER_LINE").startswith(_MARKER_PLAIN)
    plain = "(?![ \t]*" + headless[len(_BLANKS_POSSESSIVE) :]
    return re.compile(headless), re.compile(plain.replace(_MARKER_POSSESSIVE, _MARKER_PLAIN, 1))


@settings(max_examples=500)
@given(
    st.sampled_from(["", " ", "\t"]),
    st.text(alphabet="AZ .'-\t1a", max_size=15),
    st.sampled_from(["", " ", "\t", "  ", " \t"]),
    st.sampled_from(["00000023 002 OF 003", "00000023 002.1 OF 003", "0000002 002 OF 003", "00000023 002 OF 003 x", "1"]),
)
def test_headless_page_marker_reads_as_page_marker_line_on_generated_lines(lead: str, origin: str, blank: str, serial: str) -> None:
    possessive, plain = _headless_markers()
    for line in (f"{lead}M{origin}{blank}{serial}\n", f"{lead}{origin}{blank}{serial}\n"):
        assert bool(possessive.match(line)) == bool(plain.match(line)), line


@settings(max_examples=300)
@given(st.sampled_from(["", " ", "\t", "  \t", "\t \t "]), st.lists(st.sampled_from(_HEADS), max_size=3), st.sampled_from(["", " ", ":", " x"]))
def test_headless_possessive_blanks_change_no_match_before_heads(lead: str, heads: list[str], end: str) -> None:
    possessive, plain = _headless_markers()
    line = lead + " ".join(heads) + end + "\n"
    assert bool(possessive.match(line)) == bool(plain.match(line)), line


@given(st.text(max_size=30))
def test_headless_page_marker_reads_as_page_marker_line_on_any_text(text: str) -> None:
    possessive, plain = _headless_markers()
    assert bool(possessive.match(text + "\n")) == bool(plain.match(text + "\n"))


def test_headless_page_marker_reads_as_page_marker_line_at_every_origin_length() -> None:
    # The bounds: an origin of 0 to 13 characters before a space or a tab, of letters and blanks.
    possessive, plain = _headless_markers()
    for length in range(14):
        for filler in ("A", " ", "-", "\t"):
            for blank in (" ", "\t", "  ", "\t ", " \t"):
                line = f"M{filler * length}{blank}00000023 002 OF 003\n"
                assert bool(possessive.match(line)) == bool(plain.match(line)), line


@needs_corpus
def test_headless_page_marker_reads_as_page_marker_line_on_corpus_lines() -> None:
    possessive, plain = _headless_markers()
    lines = {line for path in CORPUS.iterdir() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()}
    for line in lines:
        assert bool(possessive.match(line + "\n")) == bool(plain.match(line + "\n")), line


# --- Classified By: typos of long titles (fields/classified_by.py) ----------------------------


@st.composite
def _near_titles(draw: st.DrawFn) -> str:
    """A long title with a few letters changed, dropped or added, or letters at random."""
    if draw(st.booleans()):
        return draw(st.text(alphabet="ABCDEFGHILMNOPRSTUVÉ", min_size=7, max_size=14))
    word = list(draw(st.sampled_from(classified_by_module._LONG_TITLES)))
    for _ in range(draw(st.integers(0, 3))):
        position = draw(st.integers(0, len(word) - 1))
        letter = draw(st.sampled_from("AEIOUNRSTQ"))
        match draw(st.sampled_from(["change", "drop", "add"])):
            case "change":
                word[position] = letter
            case "drop" if len(word) > 7:
                del word[position]
            case _:
                word.insert(position, letter)
    return "".join(word)


@settings(max_examples=500)
@given(_near_titles())
def test_long_title_typos_are_found_as_difflib_finds_them(word: str) -> None:
    expected = bool(difflib.get_close_matches(word, classified_by_module._LONG_TITLES, n=1, cutoff=0.8))
    assert classified_by_module._near_long_title(word) is expected


def test_long_title_typos_of_real_cables_are_titles() -> None:
    # 07BAKU1268 "Ambasador", 09KABUL3161 "CooQnator"; a surname is none.
    assert classified_by_module._near_long_title("AMBASADOR")
    assert classified_by_module._near_long_title("COOQNATOR")
    assert not classified_by_module._near_long_title("RICHARDSON")


# --- the summary: each paragraph lower-cased once (assemble.py find_summary) ------------------


def _summary_as_before(texts: list[str]) -> str | None:
    """find_summary as it was before it kept each paragraph's lower case (commit c15c8ab)."""

    def after_label(text: str) -> int | None:
        start = assemble._RULES.match(text)
        label = assemble._SUMMARY_LABEL.match(text.lower(), start.end() if start else 0)
        if label is None:
            return None
        rules = assemble._RULES.match(text, label.end())
        return rules.end() if rules else label.end()

    def summary_from(index: int, start: int = 0, whole: bool = False) -> str | None:
        if index >= len(texts):
            return None
        if start == 0:
            start = after_label(texts[index]) or 0
        if not whole:
            whole = any(assemble._END_SUMMARY.search(texts[i].lower()) for i in range(index, min(index + 4, len(texts))))
        pieces: list[str] = []
        for position in range(index, len(texts)):
            text = texts[position][start if position == index else 0 :]
            end = assemble._END_SUMMARY.search(text.lower())
            # A continuation paragraph's own label is cut (06SAOPAULO526: "SUMMARY CONTINUED:").
            label = assemble._CONTINUED_LABEL.match(text) if position > index else None
            cut = label.end() if label is not None and (end is None or label.end() <= end.start()) else 0
            if end is not None:
                pieces.append(assemble._strip_end_mark(text[cut : end.start()]))
                break
            pieces.append(text[cut:])
            if not whole:
                break
        pieces = [assemble._LONE_MARKING.sub("", piece) for piece in pieces]
        summary = assemble.collapse(" ".join(piece for piece in pieces if not assemble._RULE_LINE.match(piece.strip())))
        return re.sub(r"^\(\s*[A-Za-z/]{1,8}\s*\)\s*", "", summary) or None

    texts = texts[: assemble._SUMMARY_SEARCH_PARAGRAPHS]
    for index, text in enumerate(texts):
        start = after_label(text)
        if start is not None:
            return summary_from(index + 1, whole=True) if not text[start:].strip() else summary_from(index, start=start)
    for index, text in enumerate(texts):
        if assemble._END_SUMMARY.search(text.lower()):
            return summary_from(index)
    return None


_SUMMARY_PIECES = [
    "1. (C) SUMMARY:", "Summary", "-----", "\n", " ", "End Summary.", "END OF SUMMARY", "(END SUMMARY)", "begin summary:",
    "İstanbul", "ΣΟΦΙΑΣ", "Σ", "KELVIN \u212a", "text", "(C)", "CONFIDENTIAL\n", "executive summary and comment:",
    "SUMMARY CONTINUED:", "Summary cont'd:", "end sumary", "END OF EXECUTIVE SUMARY.", "sum",
]


@settings(max_examples=300)
@given(st.lists(st.lists(st.sampled_from(_SUMMARY_PIECES), max_size=6).map(" ".join), max_size=6))
def test_summary_is_found_as_before(texts: list[str]) -> None:
    paragraphs = [Paragraph(number=None, classification=None, text=text) for text in texts]
    assert assemble.find_summary(paragraphs) == _summary_as_before(texts)


@needs_corpus
def test_summary_is_found_as_before_on_the_corpus() -> None:
    for _, cable in parsed_corpus():
        if cable.body is not None:
            texts = [paragraph.text for paragraph in cable.body.paragraphs]
            assert assemble.find_summary(cable.body.paragraphs) == _summary_as_before(texts)


# --- the E.O. line (fields/eo.py) --------------------------------------------------------------

_EO_PIECES = [
    "E.O.", "EO", "E. O.", "e.o.", "12958", "(13526)", "1.6X1", ":", ";", ",", ".", "DECL", "DECL:", "DECLASSIFY ON:",
    "Declassify on", "DECLl:", "01/31/2016", "2015-12-31", "1/2/15", "JUNE 12, 2009", "12 Jun 2009", "N/A", "OADR", "X1",
    "TAGS:", "TAGS", "Subject:", "SUBJ", "PREL", "\\", "(", "",
]


@settings(max_examples=400)
@given(st.lists(st.tuples(st.sampled_from(_EO_PIECES), st.sampled_from(_GAPS)), max_size=8), st.sampled_from(["", " ", "\t"]))
def test_eo_scanner_agrees_with_the_grammar_on_generated_lines(pieces: list[tuple[str, str]], lead: str) -> None:
    head = lead + "".join(piece + gap for piece, gap in pieces)
    assert eo_module._scan(head) == eo_module._line_with_grammar(head)


@example("E.O. 12958: DECL: 01/31/2016")
@example("  E.O.(13526); N/A TAGS: PREL")
@given(st.text(alphabet="E.O 12958:/DECLTAGS\t\n-x", max_size=30))
def test_eo_scanner_agrees_with_the_grammar_on_any_text(head: str) -> None:
    assert eo_module._scan(head) == eo_module._line_with_grammar(head)


@needs_corpus
def test_eo_scanner_agrees_with_the_grammar_on_the_corpus() -> None:
    heads = _corpus_field_inputs()["eo"]
    assert heads
    for head in heads:
        assert eo_module._scan(head) == eo_module._line_with_grammar(head), head


# --- Classified By from the token stream (fields/classified_by.py, grammar.TokenRunner) ---------

_CLASSIFIED_PIECES = [
    "Classified By:", "CLASSIFIED BY", "classified by", "(U) Classified by:", "Classified By: Classified by", "John",
    "Doe", "JR.", "Ambassador", "A/DCM", "AF/C", "-", ".", ",", ";", ":", "(", ")", "for reasons", "Reasons:", "REASON",
    "rea sons", "per", "under section", "for", "1.4", "1.5", "15.", "1 .5", "1,4", "(b)", "(d)", "b", "D", "and", "a nd",
    "or", "&", "B/D", "E.O.", "12958", "Derived from", "1.", "(S)", "Embassy", "text", "", "\n",
]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_CLASSIFIED_PIECES), max_size=12))
def test_classified_by_from_tokens_agrees_with_the_grammar_on_generated_lines(pieces: list[str]) -> None:
    text = " ".join(pieces)
    assert classified_by_module._parse(text) == classified_by_module._parse_with_grammar(text)


@example("Classified By: Political Section Chief Francisco L. Palmieri; Reasons 1 .5 (b) and (d).")
@example("CLASSIFIED BY AMBASSADOR CHARLES P. RIES. E.O. 12958 REASONS: 1.4 (B) AND (D) (S) Embassy Tokyo delivered")
@given(st.text(alphabet="Clasifed By:RFO145.(bd)n ,;-\n", max_size=40))
def test_classified_by_from_tokens_agrees_with_the_grammar_on_any_text(text: str) -> None:
    assert classified_by_module._parse(text) == classified_by_module._parse_with_grammar(text)


@needs_corpus
def test_classified_by_from_tokens_agrees_with_the_grammar_on_the_corpus() -> None:
    texts = _corpus_field_inputs()["classified_by"]
    assert texts
    for text in texts:
        assert classified_by_module._parse(text) == classified_by_module._parse_with_grammar(text), text


# --- TokenRunner's lexers by first character (cableparse/grammar.py) ---------------------------


def _runners() -> dict[str, Any]:
    from cableparse.fields.classified_by import _runner as classified_by_runner
    from cableparse.fields.refs import _runner as refs_runner
    from cableparse.fields.tags import _runner as tags_runner
    from cableparse.transform import _body_runner

    return {"body": _body_runner(), "tags": tags_runner(), "refs": refs_runner(), "classified_by": classified_by_runner()}


@functools.lru_cache(maxsize=1)
def _first_character_lexers() -> list[tuple[re.Pattern[str], list[Callable[..., Any]]]]:
    """Each distinct state lexer of the runners: the whole alternation and its lexers by first character."""
    seen: dict[str, tuple[re.Pattern[str], list[Callable[..., Any]]]] = {}
    for runner in _runners().values():
        for state, pattern in runner._patterns.items():
            seen.setdefault(pattern.pattern, (pattern, runner._by_first[state]))
    return list(seen.values())


def _same_token(text: str) -> None:
    if not text or ord(text[0]) >= 128:
        return
    for whole, by_first in _first_character_lexers():
        expected = whole.match(text)
        found = by_first[ord(text[0])](text)
        assert (expected is None) == (found is None), (text, whole.pattern[:80])
        if expected is not None and found is not None:
            assert (found.lastgroup, found.end()) == (expected.lastgroup, expected.end()), text


def test_first_characters_of_regex_pieces() -> None:
    from cableparse.grammar import _first_characters

    def chars(regex: str) -> str | None:
        found = _first_characters(regex)
        return None if found is None else "".join(sorted(map(chr, found)))

    assert chars("(?i:e)x") == "Ee"
    assert chars("(?i:\u017f)") == "Ss"  # the long s folds to s, as the engine folds it
    assert chars("a*b|[0-2]") == "012ab"
    assert chars("(?=x)y") == "y"  # a look-ahead consumes nothing
    assert chars("(?:ab)?c") == "ac"
    assert chars("a*") is None  # can match the empty string: tried at every character
    assert chars("\u00e9") == ""  # starts with no ASCII character
    assert len(chars("[^a]") or "") == 127


@settings(max_examples=300)
@given(st.text(alphabet="1.¶ ()ACDEFINOPRSTUabcdefilnorstuy:,;-/\t\n0234", max_size=40))
def test_lexers_by_first_character_give_the_whole_alternation_s_token_on_generated_text(text: str) -> None:
    _same_token(text)


@given(st.text(max_size=20))
def test_lexers_by_first_character_give_the_whole_alternation_s_token_on_any_text(text: str) -> None:
    _same_token(text)


def test_lexers_by_first_character_give_the_whole_alternation_s_token_on_every_character() -> None:
    for code in range(128):
        for after in ("", " x\n", "LASSIFIED BY: X\n", ". (C) TEXT\n", "AGS: PREL\n", "1234\n"):
            _same_token(chr(code) + after)


@needs_corpus
def test_lexers_by_first_character_give_the_whole_alternation_s_token_on_corpus_lines() -> None:
    lines = {line for path in CORPUS.iterdir() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()}
    for line in lines:
        _same_token(line + "\n")
        if line[:1].isspace():
            _same_token(line.lstrip() + "\n")


# --- station keys (normalize.py _station_key) -------------------------------------------------


def _station_key_as_defined(origin: str) -> str:
    """_station_key without its shortcuts: upper case, blanks and punctuation dropped, an
    office's prefix cut off."""
    key = origin.upper().translate(str.maketrans("", "", " \t\n\r'-."))
    for prefix in ("AMEMBASSY", "EMBASSY", "USMISSION", "AMCONSULATE", "AMCONSUL", "CONSULATE"):
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            return key[len(prefix) :]
    return key


@settings(max_examples=500)
@given(
    st.sampled_from(["", "AMEMBASSY", "Embassy ", "US MISSION ", "AMCONSUL", "AMCONSULATE", "CONSULATE", "EMBASSY-", "amconsul"]),
    st.text(alphabet="ABJUXabß. -'\t\n\r1éİ", max_size=10),
)
def test_station_key_is_its_definition(office: str, rest: str) -> None:
    from cableparse.normalize import _station_key

    assert _station_key(office + rest) == _station_key_as_defined(office + rest)
