"""Body assembly: which block plays which role, one small rule per block kind.

The body grammar gives a flat list of :class:`~cableparse.transform.Block` values (classification
line, caption, E.O., TAGS, SUBJECT, REF, Classified By, numbered paragraph, text, trailer, each
with its continuation lines). A :class:`BodyBuilder` walks them once, in the manner of
markdown-it's block rules: each kind has a method that reads its block (through the field
readers of :mod:`cableparse.fields`) into typed state. What depends on the whole text (the
summary, the signature) is read at the end, from the paragraphs.
"""

from __future__ import annotations

import functools
import html
import operator
import re
from collections.abc import Callable, Sequence

import attrs

from .errors import Defects
from .fields import read_banner, read_classified_by, read_classified_by_and_tail, read_eo, read_tags, split_eo, strip_refs_label
from .grammar import terminal_regex
from .models import Banner, Body, ClassifiedBy, ExecutiveOrder, Paragraph, Tag
from .normalize import collapse
from .transform import Block, clean_text, interpret_subject, split_paragraph, split_paragraph_at

FRONT_KINDS = frozenset({"eo", "tags", "subject", "refs", "classified_by"})
"""Block kinds that are front matter when they come before the first numbered paragraph."""

_BANNER_CAPTIONS = frozenset({"SIPDIS", "NOFORN", "SENSITIVE", "EXDIS", "NODIS", "LIMDIS"})


@attrs.define
class _Draft:
    """A paragraph being built: unnumbered blocks after a numbered one belong to it, and are
    joined once at the end rather than copied on every append."""

    number: int | None
    portion: str | None
    pieces: list[str]
    blocks: list[Block]
    """The blocks the text came from, for field spans."""
    whole: bool = True
    """False where the text is not all of its one block: one of several paragraphs cut from
    an unnumbered block, or the paragraph run onto a Classified By line."""
    prefix: int = -1
    """How many characters of the first block its number and portion mark take (-1: not
    known), for field spans."""


class BodyBuilder:
    """Reads the blocks of one body into a :class:`Body` (see the module docstring)."""

    def __init__(self, blocks: Sequence[Block], defects: Defects) -> None:
        self.blocks = blocks
        self.defects = defects
        self.banner: Banner | None = None
        self.executive_order: ExecutiveOrder | None = None
        self.tags: dict[tuple[str, str], Tag] = {}
        """The tags in order, by code and kind (a tuple hashes in C; a Tag by attrs' Python)."""
        self.subject: str | None = None
        self.subject_classification: str | None = None
        self.refs_texts: list[str] = []
        self.classified_by: ClassifiedBy | None = None
        self.captions: dict[str, None] = {}
        self.passing: list[str] = []
        self.preamble: list[str] = []
        self.drafts: list[_Draft] = []
        self.markers: list[str] = []
        self._index = 0
        """Index of the block that a rule reads."""
        self.sources: dict[str, list[Block]] = {}
        """The blocks each front-matter field came from (``"subject"``, ``"tags"``, ...)."""
        self._drafted: Sequence[Paragraph] = ()
        # Worked out only when field spans are asked for (plain attributes: a
        # functools.cached_property takes a lock on every first read).
        self._paragraph_drafts: list[int] | None = None
        self._paragraph_intact: list[bool] | None = None
        self._kept: Sequence[Paragraph] = ()
        self._previous_kind: str | None = None
        self.front_end, self.banner_index = _front_and_banner(blocks)
    # --- for field spans (worked out only when they are asked for) --------------------------

    @property
    def drafted_paragraphs(self) -> Sequence[Paragraph]:
        """The paragraphs as drafted, one per draft, before ``take_signers`` (for field spans)."""
        return self._drafted

    @property
    def paragraph_drafts(self) -> list[int]:
        """For each paragraph of the body, the index of the draft it was built from."""
        if self._paragraph_drafts is None:
            self._paragraph_drafts = _draft_indices(self._drafted, self._kept)
        return self._paragraph_drafts

    @property
    def paragraph_intact(self) -> list[bool]:
        """For each paragraph, whether it is its draft as drafted (the signature not cut off)."""
        if self._paragraph_intact is None:
            # (map over bound methods: no Python frame per paragraph.)
            drafts = map(self._drafted.__getitem__, self.paragraph_drafts)
            self._paragraph_intact = list(map(operator.is_, drafts, self._kept))
        return self._paragraph_intact

    # --- the walk ---------------------------------------------------------------------------

    def build(self) -> tuple[Body, str | None]:
        """The body, and the REF text (its entries need the citing year, which the merge knows)."""
        if self.banner_index is not None and self.banner_index > 0:
            first = self.blocks[0]
            self.defects.add("text-before-banner", "lines before the classification line", first.line, first.column)
        # Locals for what every block reads (a csv row has ~15 blocks).
        banner_index = -1 if self.banner_index is None else self.banner_index
        front_end = self.front_end
        rules = _BLOCK_RULES
        for index, block in enumerate(self.blocks):
            if block.markers:
                self.markers.extend(block.markers)
            if index <= banner_index:
                if index < banner_index:
                    self._before_banner(block)
                else:
                    self._classification_line(block)
                continue
            self._index = index
            kind = block.kind
            rules[kind](self, block, index <= front_end)
            self._previous_kind = kind
        drafted = [Paragraph(number=d.number, classification=d.portion, text="\n\n".join(d.pieces)) for d in self.drafts]
        paragraphs, signers = take_signers(drafted)
        self._drafted, self._kept = drafted, paragraphs
        if self.classified_by is None and paragraphs:
            self.classified_by = _classified_by_in_text(paragraphs[0].text)
            if self.classified_by is not None:
                self.sources["classified_by"] = self.drafts[self.paragraph_drafts[0]].blocks
        body = Body(
            preamble="\n".join(part for part in self.preamble if part) or None,
            banner=self.banner,
            captions=tuple(self.captions),
            passing=tuple(self.passing),
            executive_order=self.executive_order,
            tags=tuple(self.tags.values()),
            subject=self.subject,
            subject_classification=self.subject_classification,
            refs=(),
            classified_by=self.classified_by,
            paragraphs=tuple(paragraphs),
            summary=find_summary(paragraphs),
            signers=signers,
            page_markers=tuple(self.markers),
            text="".join(block.text for block in self.blocks).rstrip() + "\n",
        )
        return body, "\n".join(self.refs_texts) if self.refs_texts else None

    def _before_banner(self, block: Block) -> None:
        # Before the classification line: a weekday date line (04VATICAN3196 as a media
        # partner printed it), a metadata dump (07MEXICO1854), stray SIPDIS.
        if block.kind == "caption":
            self.captions.setdefault(collapse(block.text).upper())
        elif block.kind != "markers":
            self.preamble.append(clean_text(block.text))

    def _classification_line(self, block: Block) -> None:
        self.defects.mark("banner", block.line, block.column)
        self.sources["banner"] = [block]
        banner, rest, others = read_banner(block.text)
        self.banner = banner
        for word in rest.split():
            if word.upper() in _BANNER_CAPTIONS:
                self.captions.setdefault(word.upper())
        self.passing.extend(line.strip() for line in others.splitlines() if line.strip())

    # --- one rule per block kind ------------------------------------------------------------

    def _banner(self, block: Block, in_front: bool) -> None:
        if self.banner is not None:
            repeated, _, _ = read_banner(block.text)
            if (repeated.origin, repeated.serial) == (self.banner.origin, self.banner.serial):
                # 92ZAGREB1869: each section repeats its classification line.
                self.defects.add("duplicate-banner", "classification line repeated", block.line, block.column)
                return
        self._text(block, in_front)

    def _caption(self, block: Block, in_front: bool) -> None:
        self.captions.setdefault(collapse(block.text).upper())

    def _skip(self, block: Block, in_front: bool) -> None:
        pass

    def _eo(self, block: Block, in_front: bool) -> None:
        if not in_front:
            return self._text(block, in_front)
        if self.executive_order is not None:
            self.defects.add("duplicate-eo", "second E.O. line ignored", block.line, block.column)
            return None
        self.executive_order, following = split_eo(block.text)
        self.sources["eo"] = [block]
        if following:
            # Reflowed pages run TAGS (and SUBJECT) onto the E.O. line (09LONDON67: "E.O.
            # 12958: N/A TAGS: EWWT AORC ELAB PHSA PHUM UK"); the E.O. grammar ends its line
            # at the label, and what follows is read as the block it starts.
            if following.lstrip().upper().startswith("SUBJ"):
                self._read_subject(following, block)
            else:
                self._read_tags(following, block)
        return None

    def _tags(self, block: Block, in_front: bool) -> None:
        if not in_front:
            return self._text(block, in_front)
        self._read_tags(block.text, block)
        return None

    def _read_tags(self, text: str, block: Block) -> None:
        """The TAGS in ``text`` (of ``block``), and a SUBJECT run onto their line."""
        run_on = _subject_run_on().search(text)
        if run_on is not None:
            # "TAGS: PREL, PGOV SUBJECT: THE VISIT": no tag holds a SUBJECT label.
            text, subject = text[: run_on.start()], text[run_on.start() :].lstrip()
        found = read_tags(text)
        self.sources.setdefault("tags", []).append(block)
        for code, message, line, column in found.pending:
            self.defects.add(code, message, block.line + (line or 1) - 1, column)
        for tag in found.tags:
            self.tags.setdefault((tag.code, tag.kind), tag)
        if found.rest.strip():
            self.passing.extend(line.strip() for line in found.rest.splitlines() if line.strip())
        if run_on is not None:
            self._read_subject(subject, block)

    def _subject(self, block: Block, in_front: bool) -> None:
        if not in_front:
            return self._text(block, in_front)
        self._read_subject(block.text, block)
        return None

    def _read_subject(self, text: str, block: Block) -> None:
        """The SUBJECT in ``text`` (of ``block``), and front matter run onto its line."""
        if self.subject is not None:
            self.defects.add("duplicate-subject", "second SUBJECT ignored", block.line, block.column)
            return
        label, portion, subject, rest = read_subject(text)
        if label == "UBJECT":
            self.defects.add("subject-label-typo", "SUBJECT label written 'UBJECT'", block.line, block.column)
        if rest:
            # Reflowed pages run REF or Classified By onto the subject line ("... INSTALLATIONS
            # REF: BRASILIA 861", 07TRIPOLI1039).
            self._spilled_front_matter(rest, block)
        self.subject = subject or None
        self.subject_classification = portion
        self.sources["subject"] = [block]

    def _spilled_front_matter(self, rest: str, block: Block) -> None:
        head = rest.lstrip()[:20].lower()
        if head.startswith("ref"):
            self.refs_texts.append(strip_refs_label(rest))
            self.sources.setdefault("refs", []).append(block)
        elif head.startswith("classified") and self.classified_by is None:
            self.classified_by = read_classified_by(rest)
            self.sources["classified_by"] = [block]

    def _refs(self, block: Block, in_front: bool) -> None:
        if not in_front:
            return self._text(block, in_front)
        self.refs_texts.append(strip_refs_label(block.text))
        self.sources.setdefault("refs", []).append(block)
        return None

    def _classified_by(self, block: Block, in_front: bool) -> None:
        if not in_front:
            return self._text(block, in_front)
        if self.classified_by is not None and self.classified_by.reasons:
            return None
        self.classified_by, tail = read_classified_by_and_tail(block.text)
        self.sources["classified_by"] = [block]
        if _TAIL_PARAGRAPH.match(tail):
            if self.classified_by.text.endswith(tail):
                # The paragraph read below is no part of the line (08TRIPOLI566: the line's
                # text ran on through paragraph 1 to the signature).
                self.classified_by = attrs.evolve(self.classified_by, text=self.classified_by.text[: -len(tail)].rstrip())
            # A reflowed page runs the first paragraph onto the Classified By line, after the
            # reasons: "... 1.4 (b) and (d) (S) Embassy Tokyo delivered ..." (09TOKYO1598),
            # "... 1.4 (b), (d) 1. (C) Summary: ..." (08TRIPOLI574). It is text, not lost.
            number, portion, text = split_paragraph(tail) if tail[0].isdigit() or tail[0] in "¶\ufffd" else (None, None, tail)
            if number is None and (mark := _TAIL_PORTION.match(text)) is not None:
                portion, text = mark.group(1).upper(), text[mark.end() :]
            # The paragraph is the tail of this block: not "whole" for spans.
            self.drafts.append(_Draft(number, portion, [text], [block], whole=False))
        return None

    def _paragraph(self, block: Block, in_front: bool) -> None:
        number, portion, text, prefix = split_paragraph_at(block.text)
        # A wrapped number continues the line above it, never one after a blank line
        # (09USEUBRUSSELS948: "¶4." after a "Horizontal Regulatory Cooperation" heading and
        # its rule line, with no paragraph 3 in the cable, was taken for a date).
        if self.drafts and _wrapped_number(self.drafts[-1], number) and not self._after_blank():
            # 04CARACAS1508: "... (TSJ) April\n30. The bill ...": a date wrapped onto the next
            # line, not paragraph 30 after paragraph 1.
            self.drafts[-1].pieces[-1] += "\n" + clean_text(block.text)
            self.drafts[-1].blocks.append(block)
            return
        self.drafts.append(_Draft(number, portion, [text], [block], True, prefix))

    def _after_blank(self) -> bool:
        """Whether the block before the one being read ends with a blank line."""
        return self._index > 0 and _ends_blank(self.blocks[self._index - 1].text)

    def _text(self, block: Block, in_front: bool) -> None:
        if self._previous_kind == "subject" and self._subject_goes_on(block.text):
            # 04YEREVAN1411: "SUBJECT: PRESIDENTIAL DECREE PUTS GOAM ON THE HUNT FOR", a blank
            # line, then "REFUGEE MONEY": a subject that ends on a joining word goes on.
            assert self.subject is not None
            self.subject = f"{self.subject} {block.text.strip()}"
            self.sources["subject"].append(block)
            return
        if in_front:
            for line in block.text.splitlines():
                line = line.strip()
                if self.executive_order is None and (run_on := _eo_run_on().search(line)) is not None:
                    # 04BRASILIA2939 (page): "... FAA MIAMI FOR MARK RIOS E.O. 12958: N/A", the
                    # E.O. line run onto the last passing line.
                    self.executive_order = read_eo(line[run_on.end() :])
                    line = line[: run_on.start()].rstrip()
                if line:
                    self.passing.append(line)
            return
        cleaned = clean_text(block.text)
        if not cleaned:
            return
        if self.drafts and self.drafts[-1].number is not None:
            # Text after a numbered paragraph, up to the next number, belongs to it.
            self.drafts[-1].pieces.append(cleaned)
            self.drafts[-1].blocks.append(block)
        else:
            # Unnumbered text: one paragraph per blank-line separated part (08MEXICO23).
            parts = cleaned.split("\n\n")
            self.drafts.extend(_Draft(None, None, [part], [block], len(parts) == 1) for part in parts)

    def _subject_goes_on(self, text: str) -> bool:
        """Is ``text`` (a block after the subject's block) the rest of a subject cut by a blank
        line? Only when the subject ends on a word that cannot end one and ``text`` is one line
        of capitals, as subjects are written."""
        if self.subject is None or self.drafts:
            return False
        last = self.subject.rsplit(None, 1)[-1]
        line = text.strip()
        return (
            last in _SUBJECT_JOINING_WORDS
            and bool(line)
            and "\n" not in line
            and len(line) <= 70
            and line.isupper()
            and not line[0].isdigit()
            and ":" not in line
            and not line.startswith(("SUMMARY", "BEGIN SUMMARY"))
        )


# Words a subject line cannot end on: the line was cut, its rest follows.
# ("ON", "IN", "BY" are left out: "VOW TO FIGHT ON", 09RPODUBAI247, is a whole subject.)
_SUBJECT_JOINING_WORDS = frozenset({"A", "AN", "AND", "FOR", "FROM", "OF", "OR", "THE", "TO", "WITH"})


# The rule of each block kind, as plain functions: a dict of the builder's bound methods made
# a reference cycle per cable (builder -> dict -> method -> builder), so that nothing a parse
# built was freed until the cyclic GC ran: 36 collections per pass over the corpus's csv rows,
# ~14 us per row (benchmarks/versus.py), where freeing by reference counts costs nothing.
_BLOCK_RULES: dict[str, Callable[[BodyBuilder, Block, bool], None]] = {
    "banner": BodyBuilder._banner,
    "caption": BodyBuilder._caption,
    "eo": BodyBuilder._eo,
    "tags": BodyBuilder._tags,
    "subject": BodyBuilder._subject,
    "refs": BodyBuilder._refs,
    "classified_by": BodyBuilder._classified_by,
    "paragraph": BodyBuilder._paragraph,
    "text": BodyBuilder._text,
    "trailer": BodyBuilder._skip,
    "markers": BodyBuilder._skip,
}


@functools.lru_cache(maxsize=1)
def _subject_run_on() -> re.Pattern[str]:
    """A SUBJECT label (the body grammar's SUBJECT_LABEL) after other words, with its colon."""
    return re.compile(rf"(?<=\s)(?:{terminal_regex('terminals', 'SUBJECT_LABEL')})[ \t]*:")


@functools.lru_cache(maxsize=1)
def _eo_run_on() -> re.Pattern[str]:
    """An E.O. label (the body grammar's EO_LABEL) after other words on a line, with its colon."""
    return re.compile(rf"[ \t]+(?=(?:{terminal_regex('terminals', 'EO_LABEL')})\d*[ \t]*:)")


# Text after the reasons that is a paragraph: a number or a portion mark, then words.
_TAIL_PARAGRAPH = re.compile(r"(?:[¶\ufffd]?\d{1,2}\s*\.\s*)?\(\s*[A-Za-z]{1,4}(?:/+[A-Za-z]{1,4})?\s*\)\s*\w|[¶\ufffd]?\d{1,2}\s*\.\s+[A-Z]")
_TAIL_PORTION = re.compile(r"\(\s*([A-Za-z]{1,4}(?:/+[A-Za-z]{1,4})?)\s*\)\s*")


def _ends_blank(text: str) -> bool:
    """Whether ``text`` ends with a blank line: two line ends in its white space at the end
    (``re.search(r"\n[ \t\r]*\n[ \t\r]*$", text)``, which scanned the whole block for line
    ends, found the same)."""
    return text.count("\n", len(text.rstrip(" \t\r\n"))) >= 2


def _draft_indices(drafted: Sequence[Paragraph], kept: Sequence[Paragraph]) -> list[int]:
    """For each paragraph ``take_signers`` kept, the index of the paragraph it was drafted as
    (it drops a paragraph that was only a signature and shortens a signed one)."""
    count = len(kept)
    if count and count <= len(drafted) and all(map(operator.is_, kept[: count - 1], drafted[: count - 1])):
        # The usual case: every paragraph as drafted but the last, which may have lost its
        # signature (a paragraph only of signature after it dropped).
        last, drafted_last = kept[-1], drafted[count - 1]
        if last is drafted_last or (drafted_last.number == last.number and drafted_last.text.startswith(last.text)):
            return list(range(count))
    indices: list[int] = []
    index = 0
    for paragraph in kept:
        while index < len(drafted) and not (
            drafted[index] is paragraph
            or (drafted[index].number == paragraph.number and drafted[index].text.startswith(paragraph.text))
        ):
            index += 1
        indices.append(min(index, len(drafted) - 1))
        index += 1
    return indices


def _wrapped_number(previous: _Draft, number: int | None) -> bool:
    """Whether a paragraph number is a number wrapped onto a new line inside the previous
    paragraph: out of sequence, after a line that ends mid-sentence."""
    if previous.number is None or number is None or number in (previous.number, previous.number + 1):
        return False
    tail = previous.pieces[-1].rstrip()
    return bool(tail) and tail[-1] not in ".:;!?\"')]"


def _front_and_banner(blocks: Sequence[Block]) -> tuple[int, int | None]:
    """Index of the last front-matter block and of the classification line.

    The front matter ends with the last E.O./TAGS/SUBJECT/REF/Classified By block before the
    first numbered paragraph; a block of those kinds later on is quoted text.
    """
    front_end = -1
    banner_index = None
    for index, block in enumerate(blocks):
        if block.kind == "paragraph":
            break
        if block.kind in FRONT_KINDS:
            front_end = index
        elif block.kind == "banner" and banner_index is None:
            banner_index = index
    if banner_index is None:
        banner_index = next((i for i, b in enumerate(blocks) if b.kind == "banner"), None)
    if banner_index is not None and front_end >= 0 and banner_index > front_end:
        banner_index = None  # a "banner" after the front matter is text that looks like one
    return front_end, banner_index


# --- SUBJECT ----------------------------------------------------------------------------------

# Where a subject line stops on a reflowed page: the next front-matter label, paragraph 1, or a
# rule line (08LONDON2683 style pages put "-----" around a Summary heading).
_SUBJECT_END = re.compile(
    r"(?:\s+|^)(?=(?:REF(?:S|TELS?|ERENCES?)?|Refs?|Ref\(s\)|RETELS?|Reftels?)\s*:|(?i:classified\s+by)\b"
    r"|1\.\s+(?:\(\w{1,6}(?://\w{1,6})?\)\s*)?[A-Z]|(?:E\.O\.|TAGS:)\s)"
    r"|\n[ \t]*(?:[-=_*]{3,})[ \t]*(?:\n|$)"
)


_MARGIN_DASH = re.compile(r"\n-[ \t]{2,}(?=\S)")


def read_subject(text: str) -> tuple[str, str | None, str, str]:
    """A SUBJECT block: label as written, portion mark, subject on one line, and what follows it
    on the same block that is not subject (front matter run onto the line by a reflowed page)."""
    rest = ""
    # The label itself is not searched for an end: "SUBJECT: REF ..." is rare but a subject.
    end = _SUBJECT_END.search(text, 8)
    if end is not None:
        text, rest = text[: end.start()], text[end.start() :].strip()
    if "\n-" in text:
        # Old cables.csv rows mark the left margin with "-" on lines that had none
        # (85ISLAMABAD8251: "IRAN-SOVIET\n-         TIES"): the dash is no part of the subject.
        text = _MARGIN_DASH.sub("\n", text)
    label, portion, subject = interpret_subject(text)
    if "&" in subject:
        # csv rows keep some HTML entities that pages decode (04BRASILIA2513: "&amp;").
        subject = html.unescape(subject)
    return label, portion, subject, rest


# --- Classified By inside the text ------------------------------------------------------------

_CLASSIFIED_IN_TEXT = re.compile(r"(?i)\bclassified\s+by\b")


def _classified_by_in_text(text: str) -> ClassifiedBy | None:
    """A Classified By line inside paragraph 1 (``1. (C) CONFIDENTIAL - ENTIRE TEXT. CLASSIFIED
    BY ...``); only its first 400 characters are looked at."""
    head = text[:400]
    if head.isascii() and "classified" not in head.lower():
        # The case-blind search scans without a literal to jump to; in ASCII text it finds
        # only what the lower-cased text holds (elsewhere the long s and the Kelvin sign match "s" and "k").
        return None
    match = _CLASSIFIED_IN_TEXT.search(text, 0, 400)
    if match is None:
        return None
    end = text.find("\n\n", match.start())
    found = read_classified_by(text[match.start() : end if end >= 0 else None])
    return found if found.name or found.reasons else None


# --- summary ----------------------------------------------------------------------------------

# Searched in lower-cased text, so that each pattern starts with a literal the regex engine
# finds by a fast scan.
_SUMMARY_LABEL = re.compile(
    r"(?:\d{1,2}\.?\s+)?(?:\(\s*[a-z/]{1,8}\s*\)\s*)?(?:begin\s+)?(?:executive\s+)?summ?ary"
    r"(?:\s*(?:and|&|/)\s*(?:comments?|action\s+requests?|recommendations?|introduction))?"
    r"\s*(?:[:.\-]+|\n|$)\s*(?:\(\s*[a-z/]{1,8}\s*\)\s*)?"
)
_END_SUMMARY = re.compile(r"end\s+(?:of\s+)?(?:executive\s+)?summ?ary\b")
# Rule lines around a "Summary" heading (04CARACAS1508: "-------\nSUMMARY\n-------").
_RULES = re.compile(r"^(?:[ \t]*[-=_*]{3,}[ \t]*(?:\n|$)|[ \t]*\n)+")
_SUMMARY_SEARCH_PARAGRAPHS = 8


class _Lowered:
    """The summary's paragraphs lower-cased once each, and where End Summary is in each.

    The label and End Summary are searched in lower-cased text (see above); the search used to
    lower a paragraph up to four times (label, End Summary ahead, End Summary in the piece).
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self._lowered: dict[int, str] = {}
        self._ends: dict[int, int | None] = {}

    def lowered(self, index: int) -> str:
        """``texts[index].lower()``."""
        found = self._lowered.get(index)
        if found is None:
            found = self._lowered[index] = self.texts[index].lower()
        return found

    def end(self, index: int, start: int = 0) -> int | None:
        """Where End Summary starts in ``texts[index][start:]`` (an offset in that slice, as
        ``_END_SUMMARY.search(texts[index][start:].lower())`` gives it), ``None`` without one."""
        if start == 0:
            if index not in self._ends:
                lowered = self.lowered(index)
                # Every End Summary holds "sum" (summary, sumary): most paragraphs have none, and
                # str's search for it is three times as fast as the regex's for "end", which
                # stops in every "spend" and "recommend" (find_summary -3 us per csv row).
                match = _END_SUMMARY.search(lowered) if "sum" in lowered else None
                self._ends[index] = match.start() if match else None
            return self._ends[index]
        text = self.texts[index]
        if text.isascii():
            # ASCII lowers letter by letter: the slice's lower case is the lower case's slice,
            # and the pattern has no look-behind or anchor that the slice's start would change.
            if self.end(index) is None:
                return None  # none in the whole paragraph, so none in its tail
            match = _END_SUMMARY.search(self.lowered(index), start)
            return match.start() - start if match else None
        match = _END_SUMMARY.search(text[start:].lower())
        return match.start() if match else None


def _after_label(text: str, lowered: str | None = None) -> int | None:
    """Where the summary starts in ``text`` when it opens with a Summary label or heading
    (``lowered``: ``text.lower()`` when the caller has it)."""
    start = _RULES.match(text)
    offset = start.end() if start else 0
    label = _SUMMARY_LABEL.match(text.lower() if lowered is None else lowered, offset)
    if label is None:
        return None
    rules = _RULES.match(text, label.end())
    return rules.end() if rules else label.end()


def find_summary(paragraphs: Sequence[Paragraph]) -> str | None:
    """The summary: text after a ``Summary:`` label (or heading) up to ``End Summary``, else to
    the end of its paragraph; without paragraph number and portion mark, spaces collapsed.

    Without a label, the paragraph that ends in ``End Summary`` is the summary (spec 2.9).
    """
    texts = [p.text for p in paragraphs[:_SUMMARY_SEARCH_PARAGRAPHS]]
    lowered = _Lowered(texts)
    for index, text in enumerate(texts):
        start = _after_label(text, lowered.lowered(index))
        if start is None:
            continue
        if not text[start:].strip():
            # A "Summary" heading: the summary is the next paragraph(s), up to End Summary.
            return _summary_from(lowered, index + 1, whole=True)
        return _summary_from(lowered, index, start=start)
    for index in range(len(texts)):
        if lowered.end(index) is not None:
            return _summary_from(lowered, index)
    return None


def _summary_from(lowered: _Lowered, index: int, *, start: int = 0, whole: bool = False) -> str | None:
    """From ``texts[index][start:]`` to End Summary; past the paragraph only when End Summary
    follows within a few paragraphs (or ``whole``, after a heading)."""
    texts = lowered.texts
    if index >= len(texts):
        return None
    if start == 0:
        start = _after_label(texts[index], lowered.lowered(index)) or 0  # "Begin summary:" after a heading
    if not whole:
        whole = any(lowered.end(i) is not None for i in range(index, min(index + 4, len(texts))))
    pieces: list[str] = []
    for position in range(index, len(texts)):
        text = texts[position][start if position == index else 0 :]
        end = lowered.end(position, start if position == index else 0)
        label = _CONTINUED_LABEL.match(text) if position > index else None
        # 06SAOPAULO526: "2. (SBU) SUMMARY CONTINUED: Other than ..." before End Summary: the
        # label of a continuation paragraph is not part of the summary.
        cut = label.end() if label is not None and (end is None or label.end() <= end) else 0
        if end is not None:
            pieces.append(_strip_end_mark(text[cut:end]))
            break
        pieces.append(text[cut:])
        if not whole:
            break
    # The substitution only where a marking word is (it scanned every line start otherwise).
    pieces = [_LONE_MARKING.sub("", piece) if _has_marking(piece) else piece for piece in pieces]
    summary = collapse(" ".join(piece for piece in pieces if not _RULE_LINE.match(piece.strip())))
    summary = _OPENING_MARK.sub("", summary)
    return summary or None


_OPENING_MARK = re.compile(r"^\(\s*[A-Za-z/]{1,8}\s*\)\s*")
# A summary paragraph after the first may open with its own label (06SAOPAULO526).
_CONTINUED_LABEL = re.compile(
    r"(?i)[ \t]*(?:\(\s*[a-z/]{1,8}\s*\)\s*)?summ?ary[ \t]+(?:continued|cont'?d\.?)[ \t]*[:.\-]*\s*"
)
_RULE_LINE = re.compile(r"^[-=_* ]{3,}$")
# An old-format page break leaves the classification alone on a line inside a paragraph
# (97SOFIA1105: "... ROUGHLY\n                       CONFIDENTIAL\n4000 DELEGATES ...").
_LONE_MARKING = re.compile(r"^[ \t]*(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)[ \t]*(?:\n|$)", re.M)


def _has_marking(text: str) -> bool:
    """Whether ``text`` holds a word that ``_LONE_MARKING`` needs ("SECRET" is in every
    alternative that "UNCLASSIFIED", "CONFIDENTIAL" and "LIMITED OFFICIAL USE" are not)."""
    return "SECRET" in text or "CONFIDENTIAL" in text or "UNCLASSIFIED" in text or "LIMITED OFFICIAL USE" in text


def _strip_end_mark(text: str) -> str:
    """Text before ``End Summary`` without the opening bracket or dash of the mark."""
    return text.rstrip().rstrip("(-[ ").rstrip()


# --- signature --------------------------------------------------------------------------------

# Lines after the signature that are not part of it: a trailing classification line, the
# end-of-message signs, the "2004CARACA01080 - CONFIDENTIAL" footer of some dumps, quote and
# rule lines, a scraper's version stamp, and the message centre's note that a copy was not
# relayed (04VATICAN3810: "Nicholson", then "NOTE: NOT PASSED TO ABOVE ADDRESSEE(S)" and NNNN).
_TRAILING = re.compile(
    r"^(?:(?:UNCLASSIFIED|UNCLAS|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE|NOFORN|SIPDIS|SENSITIVE|"
    r"CLASSIFICATION:?)\b.*|NNNN|BT|#\d{1,5}|[\"'>.\-=_*~ ]*|\d{4}[A-Z]{2,10}\d{5}\s*-.*|v\d+(?:\.\d+)+|"
    r".*CABLE ENDS.*|.*Classified Website:\s*X+|NOTE:?\s+NOT PASSED\b.*)$"
)
_PARTICLE = r"(?:[Vv]an|[Vv]on|[Dd]e|[Dd]el|[Dd]i|[Dd]u|[Ll]a|[Ll]e|[Dd]er|[Tt]en)"
# A signature line: surnames in capitals ("BASSETT", "VAN VOORST", "Leslie BASSETT") or one
# capitalised name without a full stop ("Whitehead", "van Voorst", "LeBaron").
_CAPS_NAME = re.compile(r"[A-Z][A-Z'\-]+(?:\s+[A-Z][A-Z'\-]+){0,2}")
_MIXED_NAME = re.compile(rf"(?:{_PARTICLE}\s+)?[A-Z][a-z]*[A-Z]?[a-z'\-]+")
# A reflowed page ends the last sentence and the signature on one line: "... an exchange. SCOBEY",
# or the banner of asterisks after a website notice (09TELAVIV1324: "... ******** CUNNINGHAM").
_REFLOWED_SIGNATURE = re.compile(
    rf"(?<=[.!?\"')\]*])\s+((?:{_PARTICLE}\s+)?(?:Ma?c)?[A-Z][A-Z'\-]+(?:\s+[A-Z][A-Z'\-]+)?|(?:{_PARTICLE}\s+)?[A-Z][a-z]*[A-Z]?[a-z'\-]+)\s*$"
)
_NOT_SIGNERS = frozenset(
    ["UNCLASSIFIED", "UNCLAS", "CONFIDENTIAL", "SECRET", "NOFORN", "SIPDIS", "SENSITIVE", "EXDIS", "NODIS", "LIMDIS", "END", "COMMENT", "SUMMARY", "TEXT", "NOTE", "BT", "NNNN", "STATE", "THANKS", "REGARDS", "CLASSIFICATION"]
)


# A surname in capitals may keep the lower-case c of Mc/Mac ("McCULLOUGH").
_CAPS_WORD = re.compile(r"(?:Ma?c)?[A-Z][A-Z'\-]+")
_FIRST_NAME = re.compile(r"[A-Z][a-z'\-]*\.?|[A-Z]\.")


def _signature_of(line: str) -> tuple[str, ...] | None:
    """The signer names of a whole signature line, ``None`` when it is no signature."""
    written = line.strip()
    bare = written.rstrip(" .")
    if "," in bare:
        bare = _SUFFIX_COMMA.sub(" ", bare)  # "KEEGAN, JR." is KEEGAN JR
    words = bare.split()
    if not words or len(words) > 4 or len(bare) > 40:
        return None
    capitals = [word for word in words if _CAPS_WORD.fullmatch(word)]
    if capitals:
        others = [word for word in words if not _CAPS_WORD.fullmatch(word)]
        # "Leslie BASSETT" gives BASSETT; "VAN VOORST" and "LA LIME" are one surname.
        if len(others) > 2 or not all(_FIRST_NAME.fullmatch(word) for word in others):
            return None
        return _real_names(_join_particles(capitals))
    if len(words) <= 3 and not written.endswith(".") and _MIXED_NAME.fullmatch(bare):
        return _real_names((bare,))
    return None


_CAPS_PARTICLES = frozenset({"VAN", "VON", "DE", "DEL", "DELLA", "DI", "DU", "LA", "LE", "DER", "TEN", "ST", "ST."})
# A generational suffix belongs to the name before it: "KEEGAN JR" is one signer, not two.
_NAME_SUFFIXES = frozenset({"JR", "JR.", "SR", "SR.", "II", "III", "IV"})
_SUFFIX_COMMA = re.compile(r",[ \t]*(?=(?:JR|SR|II|III|IV)\b)")


def _join_particles(capitals: list[str]) -> tuple[str, ...]:
    """Surnames of a signature line: a particle joins the word after it ("VAN VOORST",
    "LA LIME"), other words are signers of their own ("BERRY GOLDRICH", 06TRIPOLI198), and a
    repeated name counts once ("PARDEW PARDEW")."""
    names: list[str] = []
    pending = ""
    for word in capitals:
        if word in _CAPS_PARTICLES:
            pending = f"{pending}{word} "
            continue
        if word in _NAME_SUFFIXES and names and not pending:
            names[-1] = f"{names[-1]} {word}"
            continue
        names.append(pending + word)
        pending = ""
    if pending:
        names.append(pending.strip())
    return tuple(dict.fromkeys(names))


def _real_names(names: tuple[str, ...]) -> tuple[str, ...] | None:
    kept = tuple(name for name in names if not set(name.upper().split()) & _NOT_SIGNERS)
    return kept or None


def _bare(line: str) -> str:
    # 06BERN1971: a page that ends every line with a backslash.
    return line.strip().rstrip("\\").rstrip()


def take_signers(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], tuple[str, ...]]:
    """The signature at the end of the text, and the paragraphs without it.

    The last line that is not a trailing mark (see ``_TRAILING``) is the signature when it is a
    name line; on reflowed pages the name ends the last sentence's line.
    """
    # The signature ends the last paragraph, or the one before a paragraph of trailing marks
    # only (02VATICAN5296: "NICHOLSON", then "UNCLASSIFIED", ">" and a dump's footer).
    for index in range(len(paragraphs) - 1, max(len(paragraphs) - 4, -1), -1):
        signed = _signed(paragraphs[index])
        if signed is None:
            continue
        paragraph, signers = signed
        if not signers:
            return paragraphs, ()
        kept = [*paragraphs[:index], *([paragraph] if paragraph is not None else []), *paragraphs[index + 1 :]]
        return kept, signers
    return paragraphs, ()


def _signed(paragraph: Paragraph) -> tuple[Paragraph | None, tuple[str, ...]] | None:
    """The paragraph without its signature (``None`` when nothing else is left) and the
    signers; ``None`` when the paragraph is trailing marks only."""
    raw_lines = paragraph.text.split("\n")
    end = len(raw_lines)
    while end > 0 and _TRAILING.match(_bare(raw_lines[end - 1])):
        end -= 1
    if end == 0:
        return None if paragraph.number is None else (paragraph, ())
    line = _bare(raw_lines[end - 1])
    found = _signature_of(line)
    kept_lines = raw_lines[: end - 1]
    if found is None:
        match = _REFLOWED_SIGNATURE.search(line)
        if match is None or not (names := _real_names((match.group(1),))):
            return paragraph, ()
        found = names
        kept_lines = [*raw_lines[: end - 1], line[: match.start()].rstrip()]
    elif end == 1 and paragraph.number is not None:
        return paragraph, ()  # a numbered paragraph that is one short line is text
    rest = "\n".join(kept_lines).rstrip()
    if paragraph.number is None and not rest:
        return None, found  # a paragraph that was only the signature
    # Paragraph's three fields written out: attrs.evolve looks the fields up on every call.
    return Paragraph(number=paragraph.number, classification=paragraph.classification, text=rest), found
