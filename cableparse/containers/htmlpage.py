"""Cablegate HTML cable pages (spec 4.1) and PlusD pages (spec 4.2), read with selectolax.

The page is parsed by lexbor (selectolax's HTML5 parser, in C) and the parts are found with
CSS selectors. Nothing is fetched: links, scripts and images are ignored.

Cablegate pages
    The metadata table ``<table class='cable'>`` is mapped by its ``<th>`` names (Reference ID,
    Created, Released, Classification, Origin), whatever their order or number in a site build.
    The ``<pre>`` blocks hold the text: with two or more, the first is the header and the last
    the body; with one, :func:`~cableparse.containers.text.split_text` decides (a ``VZCZC``, FL5
    or partial-extract first line makes it a header). Inside ``<pre>`` entities are unescaped
    (newlines are ``&#x000A;``), tags are dropped but their text kept (TAGS links), and the
    paragraph anchors ``<a id='par3' href='#par3'>¶</a>`` are dropped with their ``¶`` (the
    paragraph number after them stays). The site's created and released times are wrong (the
    minutes repeat the hour on a 12-hour clock, ``2003-07-18 10:10`` for 03BRASILIA2231 created
    10:14Z), so ``created_time_reliable`` is False; ``released`` is kept as shown and has the
    same flaw.

PlusD pages
    No ``<pre>``: the text is the "Raw content" pane (``<div class="text-content">``), a NARA
    printout with its format lines, split by :func:`split_text`. Metadata comes from the
    ``synopsis`` table's ``s_key``/``s_val`` pairs: ``Canonical ID`` (kept as written, with
    its collection suffix, ``1974ATHENS03099_b``), ``Date`` (``1974 May 23, 15:15 (Thursday)``,
    which matches the FL5 DTG, so it is reliable), ``Original Classification``, ``From``.

What the HTML parser does not tell
    An HTML5 parser gives neither source lines nor whether a newline was written literally or
    as ``&#x000A;``, and it drops a newline that comes first in a ``<pre>``. The envelope needs
    all three (defects point at page lines; only literal newlines move down the page), so the
    page is marked before it is parsed, character for character where text is concerned:

    - each ``<pre`` start tag (and ``<div``, on a PlusD page) gets an attribute with the index of its ``<`` in the
      page, from which its line is counted. A ``<pre`` that is not a tag (inside a comment, a
      script or an attribute value) carries the attribute into text that is never read, so only
      real elements end up with one;
    - literal newlines become form feeds, which HTML also takes as white space between
      attributes; newline character references, and the form feeds and lone carriage returns
      that were there (which lexbor would turn into newlines), become private-use characters
      that the page does not contain. Text read from the tree is mapped back.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..envelope import Envelope
from ..models import Defect
from .text import split_text

__all__ = ["read_html"]

_ISO_MINUTE = re.compile(r"\s*(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?\s*")
_PLUSD_DATE = re.compile(r"\s*(\d{4})\s+([A-Za-z]+)\s+(\d{1,2}),?\s+(\d{1,2}):(\d\d)")
_VIEWING = re.compile(r"Viewing cable\s+([0-9A-Z_-]+)")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}

# Start tags whose page line the envelope needs: <pre> (Cablegate) and, on pages that have a
# "text-content" pane (PlusD), <div>. A tag name ends at white space, "/" or ">". Letters are
# spelled in both cases, not IGNORECASE, so that the search skips from "<" to "<" fast.
_PRE_TAG = re.compile(r"<[pP][rR][eE](?=[\t\n\f\r />])")
_PRE_OR_DIV_TAG = re.compile(r"<(?:[pP][rR][eE]|[dD][iI][vV])(?=[\t\n\f\r />])")
_AT = "data-cableparse-at"
_PRE_END = re.compile(r"</[pP][rR][eE][\t\n\f\r />]")
# Numeric references to a newline or a form feed, with or without ";" (as the stdlib reader
# took them: a hexadecimal digit after the number makes it no reference).
_NEWLINE_REF = re.compile(r"&#(?:[xX]0*[aA]|0*10)(?:;|(?![0-9a-fA-F]))")
_FORMFEED_REF = re.compile(r"&#(?:[xX]0*[cC]|0*12)(?:;|(?![0-9a-fA-F]))")


def _iso_datetime(value: str) -> _dt.datetime | None:
    match = _ISO_MINUTE.fullmatch(value)
    if match is None:
        return None
    y, mo, d, h, mi, s = match.groups()
    try:
        return _dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0), tzinfo=_dt.timezone.utc)
    except ValueError:
        return None


def _plusd_datetime(value: str) -> _dt.datetime | None:
    match = _PLUSD_DATE.match(value)
    if match is None:
        return None
    y, month, d, h, mi = match.groups()
    mo = _MONTHS.get(month[:3].lower())
    if mo is None:
        return None
    try:
        return _dt.datetime(int(y), mo, int(d), int(h), int(mi), tzinfo=_dt.timezone.utc)
    except ValueError:
        return None


def _collapse(text: str) -> str:
    return " ".join(text.split())


class _Block:
    """Text of a <pre> (or PlusD text pane) and where it is in the page."""

    __slots__ = ("line", "newlines", "text")

    def __init__(self, text: str, line: int, newlines: list[int]) -> None:
        self.text = text
        self.line = line  # page line of the opening tag, where the text starts
        self.newlines = newlines  # indices in ``text`` of the newlines written literally

    @property
    def literal(self) -> bool:
        """Are all of the text's newlines literal page newlines (so its lines are page lines)?"""
        return self.text.count("\n") == len(self.newlines)

    def page_line(self, text_line: int) -> int:
        """Page line on which line ``text_line`` (1-based) of ``text`` starts."""
        index = 0
        for _ in range(text_line - 1):
            index = self.text.find("\n", index) + 1
            if index == 0:
                break
        return self.line + bisect.bisect_left(self.newlines, index)


class _Page:
    """A page marked for lexbor (see the module notes), parsed, and the way back to its text."""

    def __init__(self, text: str) -> None:
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        self.too_deep = False
        if text.count("<") > _MANY_TAGS:
            text, self.too_deep = _limit_depth(text)  # "&lt;" for "<" adds no line
        self.text = text
        # Page line of each marked start tag, by the index its attribute carries.
        self.lines: list[int] = []
        self.offsets: list[int] = []
        pieces: list[str] = []
        position = line = 0
        counted = 0
        tags = _PRE_OR_DIV_TAG if "text-content" in text else _PRE_TAG
        for match in tags.finditer(text):
            start = match.start()
            line += text.count("\n", counted, start)
            counted = start
            pieces.append(text[position : match.end()])
            pieces.append(f' {_AT}="{len(self.lines)}"')
            position = match.end()
            self.lines.append(line + 1)
            self.offsets.append(start)
        pieces.append(text[position:])
        marked = "".join(pieces)
        self.lf_ref, self.ff, self.cr = _free_characters(marked)
        if "\f" in marked:
            marked = marked.replace("\f", self.ff)
        # No '"&#" in marked' test first: on a page full of "&" it costs as much as the search.
        marked = _NEWLINE_REF.sub(self.lf_ref, _FORMFEED_REF.sub(self.ff, marked))
        if "\r" in marked:
            marked = marked.replace("\r", self.cr)
        self.tree = LexborHTMLParser(marked.replace("\n", "\f"))

    def restore(self, text: str) -> str:
        """Text read from the tree as the page means it (newlines, form feeds, returns)."""
        if "\f" in text:
            text = text.replace("\f", "\n")
        for sentinel, char in ((self.lf_ref, "\n"), (self.ff, "\f"), (self.cr, "\r")):
            if sentinel in text:
                text = text.replace(sentinel, char)
        return text

    def block(self, node: LexborNode) -> _Block:
        """The text of ``node`` with its literal newlines and the page line of its tag."""
        raw = node.text(deep=True)
        newlines: list[int] = []
        index = raw.find("\f")
        while index >= 0:
            newlines.append(index)
            index = raw.find("\f", index + 1)
        return _Block(self.restore(raw), self.line_of(node), newlines)

    def index_of(self, node: LexborNode) -> int | None:
        """Index of the marked start tag that made ``node``."""
        value = node.attributes.get(_AT)
        return int(value) if value is not None and value.isdigit() and int(value) < len(self.lines) else None

    def line_of(self, node: LexborNode) -> int:
        """Page line of the start tag of a ``<pre>`` or ``<div>`` node."""
        index = self.index_of(node)
        return self.lines[index] if index is not None else 1

    def closed(self, node: LexborNode) -> bool:
        """Is there a ``</pre>`` in the page after the start tag of ``node``?"""
        index = self.index_of(node)
        return index is None or _PRE_END.search(self.text, self.offsets[index]) is not None

    def collapsed(self, node: LexborNode) -> str:
        """The text of ``node`` with white space runs made one space."""
        return _collapse(self.restore(node.text(deep=True)))


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")

# Deep nesting. An HTML5 tree builder looks down its stack of open elements for many start
# and end tags ("is there a <p> in button scope", "is there a <div> in scope"), so 10,000
# nested <div> or <span> followed by as many </div> cost 10,000 x 10,000 steps: 1.4 s in lexbor
# for 110 KB (benchmarks/html_hostile.py). Real pages hold at most 9,464 tags (corpus), nested
# about 15 deep. A page with more tags than _MANY_TAGS is first read by this crude tokenizer:
# a start tag that would open an element deeper than _MAX_DEPTH becomes text ("&lt;div"),
# with a defect, so the builder's stack, and each look down it, stays short.
_MANY_TAGS = 12_000
_MAX_DEPTH = 128
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][^\t\n\f\r />]*)")
# Elements that never stay open around the next one of their kind: void elements, and those
# whose start tag closes an open one (<p>, <li>, <td>, <option>...).
_FLAT = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "p", "li", "dd", "dt", "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot", "colgroup", "caption", "rb", "rt", "rp"]
)


def _limit_depth(text: str) -> tuple[str, bool]:
    """``text`` with start tags nested deeper than :data:`_MAX_DEPTH` made text; were any?"""
    stack: list[str] = []
    cut = False

    def visit(match: re.Match[str]) -> str:
        nonlocal cut
        name = match.group(2).lower()
        if name in _FLAT:
            return match.group(0)
        if match.group(1):
            if name in stack:  # an end tag closes its element and those opened inside it
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
            return match.group(0)
        if len(stack) >= _MAX_DEPTH:
            cut = True
            return "&lt;" + match.group(0)[1:]
        stack.append(name)
        return match.group(0)

    return _ANY_TAG.sub(visit, text), cut


def _free_characters(text: str) -> tuple[str, str, str]:
    """Three private-use characters that ``text`` does not contain."""
    # A page of Latin-1 text (every Cablegate page) answers each ``in`` at once.
    free = [char for char in "\ue000\ue001\ue002\ue003\ue004\ue005" if char not in text]
    if len(free) < 3:
        taken = set(_PRIVATE_USE.findall(text))
        # A page holding all 6,400 of them is no cable page: they are then read as newlines.
        free = [chr(code) for code in range(0xE000, 0xF900) if chr(code) not in taken][:3] or ["\uf8ff"]
    while len(free) < 3:
        free.append(free[-1])
    return free[0], free[1], free[2]


class _Found:
    """What a page holds: its metadata table, ``<pre>`` blocks, heading and PlusD panes."""

    def __init__(self) -> None:
        self.headers: list[str] = []
        self.cells: list[str] = []
        self.pres: list[_Block] = []
        self.unclosed_line: int | None = None
        self.too_deep = False
        self.h3 = ""
        self.synopsis: dict[str, str] = {}
        self.raw_texts: list[_Block] = []


# Everything the envelope needs, found in one walk of the tree (each css() call walks it all).
_WANTED = "table.cable th, table.cable td, h3, pre, div.s_key, div.s_val, div.pane-header, div.text-content"
_IN_PRE = "pre, a[id^='par'], a[href^='#par']"


def _find(text: str) -> _Found:  # noqa: C901 - one pass over the page's nodes, a branch per kind of node
    found = _Found()
    page = _Page(text)
    found.too_deep = page.too_deep
    h3: list[str] = []
    nested: set[int] = set()
    last_pre: LexborNode | None = None
    key: str | None = None
    pane = ""
    for node in page.tree.css(_WANTED):
        tag = node.tag
        if tag == "pre":
            if node.mem_id in nested:
                continue  # a <pre> inside another is part of its text, as in a browser
            for inner in node.css(_IN_PRE):
                if inner.tag == "pre":
                    nested.add(inner.mem_id)
                else:
                    # Paragraph anchors ``<a id='par3' href='#par3'>¶</a>``: dropped with their
                    # pilcrow. remove(), not decompose(): a nested anchor comes after its parent.
                    inner.remove()
            found.pres.append(page.block(node))
            last_pre = node
        elif tag == "th":
            found.headers.append(page.collapsed(node))
        elif tag == "td":
            found.cells.append(page.collapsed(node))
        elif tag == "h3":
            h3.append(page.restore(node.text(deep=True)))
        else:
            classes = (node.attributes.get("class") or "").split()
            if "s_key" in classes:
                key = page.collapsed(node).rstrip(":")
            elif "s_val" in classes:
                if key:
                    found.synopsis.setdefault(key, page.collapsed(node))
                key = None
            elif "pane-header" in classes:
                pane = page.collapsed(node).lower()
            elif pane == "raw content" and not found.raw_texts:
                # The pane's <br> are line ends, not page lines.
                for br in node.css("br"):
                    br.replace_with(page.lf_ref)
                found.raw_texts.append(page.block(node))
    found.h3 = "".join(h3)
    if last_pre is not None and not page.closed(last_pre):
        found.unclosed_line = page.line_of(last_pre)
    return found


# A row of the tab-separated cables dump (id, created, reference id, origin, classification,
# references, header, body), newlines escaped with a backslash.
_DUMP_ROW = re.compile(r"\d{1,7}\t\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?\t\d{2}[A-Z]")


def _dump_row_body(text: str) -> str | None:
    """The body column of a dump row held in a body <pre>, its line ends unescaped; ``None``
    when the text is no such row."""
    if _DUMP_ROW.match(text) is None:
        return None
    columns = text.split("\t", 7)
    if len(columns) < 8:
        return None
    return columns[7].replace("\\\n", "\n").removesuffix("\\")


def read_html(text: str, *, source: str | None = None) -> Envelope:  # noqa: C901 - every envelope field in turn, each with its defect
    """Read one Cablegate or PlusD page (already decoded) into an envelope; never raises.

    ``header_line`` / ``body_line`` are the page lines where each part starts. A Cablegate
    ``<pre>`` is one page line (its newlines are ``&#x000A;``), so lines *inside* its text are
    not page lines: ``text_lines_are_input_lines`` is then False. The PlusD text pane has
    literal newlines, which are counted, and keeps it True.
    """
    defects: list[Defect] = []
    try:
        parser = _find(text)
    except Exception as error:  # noqa: BLE001 - lexbor reads any text; be safe anyway
        parser = _Found()
        defects.append(Defect(code="html-unparsable", message=f"HTML parser stopped: {error}"))
    if parser.too_deep:
        defects.append(Defect(code="html-nesting-too-deep",
                              message=f"elements nested more than {_MAX_DEPTH} deep; the deeper start tags were read as text"))
    if parser.unclosed_line is not None:  # unclosed <pre> at the end of a cut page
        defects.append(Defect(code="html-unclosed-pre", message="<pre> not closed before the end of the page",
                              line=parser.unclosed_line))
    meta: dict[str, str] = {}
    for i, name in enumerate(parser.headers):
        if i < len(parser.cells):
            meta[name.lower()] = parser.cells[i]
    if parser.synopsis:
        return _plusd(parser, defects, source)

    header_text: str | None = None
    body_text: str | None = None
    header_line = body_line = 1
    pres = parser.pres
    used = [pres[0], pres[-1]] if pres else []
    if len(pres) >= 2:
        header_text, header_line = pres[0].text, pres[0].line
        body_text, body_line = pres[-1].text, pres[-1].line
        dump_body = _dump_row_body(body_text)
        if dump_body is not None:
            # 06BERN1971 (a mirror build of about April 2011): the body <pre> holds the cable's
            # whole row of the tab-separated database dump, every line ending in a backslash;
            # the body is the row's last column.
            body_text = dump_body
            defects.append(Defect(code="html-dump-row", message="the body <pre> holds a database dump row; its body column is read",
                                  line=pres[-1].line))
        if len(pres) > 2:
            defects.append(Defect(code="html-extra-pre", message=f"{len(pres)} <pre> blocks; the middle ones are ignored",
                                  line=pres[1].line))
    elif len(pres) == 1:
        split = split_text(pres[0].text)
        header_text, body_text = split.header_text, split.body_text
        # Cablegate writes a <pre> on one page line (newlines as &#x000A;): both parts then
        # start on the tag's line. Literal newlines inside the <pre> do count.
        header_line = pres[0].page_line(split.header_line)
        body_line = pres[0].page_line(split.body_line)
    else:
        defects.append(Defect(code="html-no-pre", message="the page has no <pre> block with cable text"))
    if not meta:
        defects.append(Defect(code="html-metadata-missing", message="no <table class='cable'> metadata table"))
    reference_id = meta.get("reference id") or None
    if reference_id is None:
        viewing = _VIEWING.search(parser.h3)
        if viewing:
            reference_id = viewing.group(1)
    created = released = None
    if "created" in meta:
        created = _iso_datetime(meta["created"])
        if created is None:
            defects.append(Defect(code="html-created", message=f"created {meta['created'][:40]!r} is not YYYY-MM-DD HH:MM"))
    if "released" in meta:
        released = _iso_datetime(meta["released"])
    return Envelope(
        container="html",
        header_text=header_text or None,
        body_text=body_text or None,
        header_line=header_line,
        body_line=body_line,
        reference_id=reference_id,
        created=created,
        released=released,
        origin=meta.get("origin") or None,
        classification=meta.get("classification") or None,
        text_lines_are_input_lines=all(block.literal for block in used),
        created_time_reliable=False,
        source=source,
        offset=0,
        line=1,
        defects=tuple(defects),
    )


def _plusd(parser: _Found, defects: list[Defect], source: str | None) -> Envelope:
    """Envelope of a PlusD page (spec 4.2)."""
    meta = {k.lower(): v for k, v in parser.synopsis.items()}
    header_text = body_text = None
    header_line = body_line = 1
    texts = parser.raw_texts or parser.pres
    if texts:
        split = split_text(texts[0].text)
        header_text, body_text = split.header_text, split.body_text
        header_line = texts[0].page_line(split.header_line)
        body_line = texts[0].page_line(split.body_line)
    else:
        defects.append(Defect(code="html-no-pre", message="PlusD page without a raw content pane"))
    created = _plusd_datetime(meta.get("date", ""))
    return Envelope(
        container="html",
        header_text=header_text,
        body_text=body_text,
        header_line=header_line,
        body_line=body_line,
        reference_id=meta.get("canonical id") or None,
        created=created,
        origin=meta.get("from") or None,
        classification=meta.get("original classification") or meta.get("classification") or None,
        text_lines_are_input_lines=all(block.literal for block in texts[:1]),
        created_time_reliable=created is not None,
        source=source,
        offset=0,
        line=1,
        defects=tuple(defects),
    )
