"""Real inputs the properties mutate: the sample page, pinned corpus copies, ../shared/corpus."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "fixtures"


PINNED = ("01HOCHIMINHCITY1265.csv-row", "09STATE37566.html", "10BRASILIA49.html")
"""Corpus copies kept in fixtures/ so that the properties see them without ../shared:
a partial-extract printout header (01HOCHIMINHCITY1265), a page line inside the TO list of an
HTML page (09STATE37566), front matter reflowed onto one line of an HTML page (10BRASILIA49)."""


def sample_page() -> str:
    """The 08MEXICO23 news page (header lines, then the raw cables.csv row, then boilerplate)."""
    return (FIXTURES / "08MEXICO23.page.txt").read_text(encoding="utf-8")


def sample_row() -> str:
    """Just the cables.csv row of the sample page (from the row id to the closing quote)."""
    page = sample_page()
    start = page.index("136383,")
    end = page.index("Leslie BASSETT", start) + len("Leslie BASSETT")
    return page[start:end] + '"\n'


def corpus_texts(limit: int | None = None) -> list[str]:
    """Texts of ../shared/corpus (rows, pages, text) plus the pinned copies in fixtures/.

    Empty of shared files when ../shared is absent; the pinned fixtures are always there.
    """
    paths: list[Path] = []
    if (SHARED / "corpus").is_dir():
        paths += sorted(p for p in (SHARED / "corpus").iterdir() if p.is_file())
    paths += [FIXTURES / name for name in PINNED]
    if limit is not None:
        paths = paths[:limit]
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths]
