"""Cablegate HTML cable pages (spec 4.1) and PlusD pages (spec 4.2), read with ``html.parser``.

Nothing is fetched: links, scripts and images are ignored.

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
"""

from __future__ import annotations

import bisect
import datetime as _dt
import html
import re
from html.parser import HTMLParser

from ..envelope import Envelope
from ..models import Defect
from .text import split_text

__all__ = ["read_html"]

_ISO_MINUTE = re.compile(r"\s*(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?\s*")
_PLUSD_DATE = re.compile(r"\s*(\d{4})\s+([A-Za-z]+)\s+(\d{1,2}),?\s+(\d{1,2}):(\d\d)")
_VIEWING = re.compile(r"Viewing cable\s+([0-9A-Z_-]+)")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


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


class _PageParser(HTMLParser):
    """Collects the metadata table, the ``<pre>`` blocks and the PlusD panes of one page."""

    def __init__(self) -> None:
        # Character references are resolved here (not by the parser) so that the newlines a
        # <pre> spells ``&#x000A;`` can be told from literal ones: only literal newlines move
        # to the next line of the page.
        super().__init__(convert_charrefs=False)
        # Cablegate metadata table
        self.in_table = False
        self.table_depth = 0
        self.headers: list[str] = []
        self.cells: list[str] = []
        self.cell: list[str] | None = None
        self.in_th = False
        self.th: list[str] = []
        # <pre> blocks: (text, line of the <pre> tag, indices of literal newlines in the text)
        self.pres: list[_Block] = []
        self.pre: list[str] | None = None
        self.pre_line = 0
        self.pre_len = 0
        self.pre_nl: list[int] = []
        self.skip_anchor = 0
        # <h3>Viewing cable ...</h3>
        self.in_h3 = False
        self.h3: list[str] = []
        # PlusD
        self.div_stack: list[str] = []
        self.key: list[str] | None = None
        self.val: list[str] | None = None
        self.last_key: str | None = None
        self.synopsis: dict[str, str] = {}
        self.pane_header: list[str] | None = None
        self.last_pane = ""
        self.raw_div_depth: int | None = None
        self.raw: list[str] | None = None
        self.raw_line = 0
        self.raw_len = 0
        self.raw_nl: list[int] = []
        self.raw_texts: list[_Block] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        if tag == "table":
            if self.in_table:
                self.table_depth += 1
            elif "cable" in classes:
                self.in_table = True
                self.table_depth = 1
        elif self.in_table and tag == "th":
            self.in_th = True
            self.th = []
        elif self.in_table and tag == "td":
            self.cell = []
        elif tag == "pre":
            if self.pre is None:
                self.pre = []
                self.pre_line = self.getpos()[0]
                self.pre_len = 0
                self.pre_nl = []
        elif tag == "a" and self.pre is not None:
            # Paragraph anchors ``<a id='par3' href='#par3'>¶</a>``: drop with their pilcrow.
            if (attr.get("id") or "").startswith("par") or (attr.get("href") or "").startswith("#par"):
                self.skip_anchor += 1
        elif tag == "h3":
            self.in_h3 = True
        elif tag == "br" and self.raw is not None:
            self.raw.append("\n")
            self.raw_len += 1
        if tag == "div":
            name = " ".join(classes)
            self.div_stack.append(name)
            if "s_key" in classes:
                self.key = []
            elif "s_val" in classes:
                self.val = []
            elif "pane-header" in classes:
                self.pane_header = []
            elif "text-content" in classes and self.raw is None and self.last_pane == "raw content":
                self.raw = []
                self.raw_div_depth = len(self.div_stack)
                self.raw_line = self.getpos()[0]
                self.raw_len = 0
                self.raw_nl = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and self.raw is not None:
            self.raw.append("\n")
            self.raw_len += 1
        # A self-closing <div/> or <pre/> opens nothing.

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.in_table:
            self.table_depth -= 1
            if self.table_depth <= 0:
                self.in_table = False
        elif tag == "th" and self.in_th:
            self.in_th = False
            self.headers.append(" ".join("".join(self.th).split()))
        elif tag == "td" and self.cell is not None:
            self.cells.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "pre" and self.pre is not None:
            self.pres.append(_Block("".join(self.pre), self.pre_line, self.pre_nl))
            self.pre = None
            self.skip_anchor = 0
        elif tag == "a" and self.skip_anchor:
            self.skip_anchor -= 1
        elif tag == "h3":
            self.in_h3 = False
        elif tag == "div" and self.div_stack:
            depth = len(self.div_stack)
            name = self.div_stack.pop()
            if "s_key" in name.split() and self.key is not None:
                self.last_key = " ".join("".join(self.key).split()).rstrip(":")
                self.key = None
            elif "s_val" in name.split() and self.val is not None:
                if self.last_key:
                    self.synopsis.setdefault(self.last_key, " ".join("".join(self.val).split()))
                self.val = None
                self.last_key = None
            elif "pane-header" in name.split() and self.pane_header is not None:
                self.last_pane = " ".join("".join(self.pane_header).split()).lower()
                self.pane_header = None
            elif self.raw is not None and depth == self.raw_div_depth:
                self.raw_texts.append(_Block("".join(self.raw), self.raw_line, self.raw_nl))
                self.raw = None
                self.raw_div_depth = None

    def handle_entityref(self, name: str) -> None:
        # ``T&T)`` in 03BRASILIA3459 is a bare ampersand the parser reports as entity "T":
        # an unknown name is kept as written (we cannot tell whether a ``;`` followed it).
        value = html.unescape(f"&{name};")
        self._text(value if value != f"&{name};" else f"&{name}", literal=False)

    def handle_charref(self, name: str) -> None:
        self._text(html.unescape(f"&#{name};"), literal=False)

    def handle_data(self, data: str) -> None:
        self._text(data.replace("\r\n", "\n"), literal=True)

    def _text(self, data: str, *, literal: bool) -> None:
        if self.pre is not None:
            if not self.skip_anchor:
                if literal and "\n" in data:
                    self.pre_nl += [self.pre_len + i for i, c in enumerate(data) if c == "\n"]
                self.pre.append(data)
                self.pre_len += len(data)
            return
        if self.raw is not None:
            if literal and "\n" in data:
                self.raw_nl += [self.raw_len + i for i, c in enumerate(data) if c == "\n"]
            self.raw_len += len(data)
        if self.in_th:
            self.th.append(data)
        elif self.cell is not None:
            self.cell.append(data)
        if self.in_h3:
            self.h3.append(data)
        if self.key is not None:
            self.key.append(data)
        elif self.val is not None:
            self.val.append(data)
        if self.pane_header is not None:
            self.pane_header.append(data)
        if self.raw is not None:
            self.raw.append(data)


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


def read_html(text: str, *, source: str | None = None) -> Envelope:
    """Read one Cablegate or PlusD page (already decoded) into an envelope; never raises.

    ``header_line`` / ``body_line`` are the page lines where each part starts. A Cablegate
    ``<pre>`` is one page line (its newlines are ``&#x000A;``), so lines *inside* its text are
    not page lines: ``text_lines_are_input_lines`` is then False. The PlusD text pane has
    literal newlines, which are counted, and keeps it True.
    """
    parser = _PageParser()
    defects: list[Defect] = []
    try:
        parser.feed(text)
        parser.close()
    except Exception as error:  # noqa: BLE001 - html.parser is lenient; be safe anyway
        defects.append(Defect(code="html-unparsable", message=f"HTML parser stopped: {error}"))
    if parser.pre is not None:  # unclosed <pre> at the end of a cut page
        parser.pres.append(_Block("".join(parser.pre), parser.pre_line, parser.pre_nl))
        defects.append(Defect(code="html-unclosed-pre", message="<pre> not closed before the end of the page",
                              line=parser.pre_line))
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
        viewing = _VIEWING.search("".join(parser.h3))
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


def _plusd(parser: _PageParser, defects: list[Defect], source: str | None) -> Envelope:
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
