"""What a container hands to the parser: the cable's text parts and the container's metadata.

Containers (:mod:`cableparse.containers`) only *find* the cable text and metadata; they never
interpret the header or body. :func:`cableparse.core.parse_envelope` does that and merges the
two, recording a defect where the container and the cable disagree.
"""

from __future__ import annotations

import datetime as _dt

import attrs

from .models import ContainerKind, Defect


@attrs.frozen(kw_only=True)
class Envelope:
    """One cable as found in its container, before parsing."""

    container: ContainerKind
    """Container kind."""
    header_text: str | None = None
    """The header part (ACP 127 format lines), ``None`` when the container has none."""
    body_text: str | None = None
    """The body part (classification line onwards)."""
    header_line: int = 1
    """1-based line of the input on which ``header_text`` starts."""
    body_line: int = 1
    """1-based line of the input on which ``body_text`` starts."""
    row_id: int | None = None
    """cables.csv column 1."""
    reference_id: str | None = None
    """Published id (cables.csv column 3, HTML table)."""
    created: _dt.datetime | None = None
    """Container creation date, aware UTC."""
    released: _dt.datetime | None = None
    """Release date (HTML pages)."""
    origin: str | None = None
    """Container origin (``"Embassy Mexico"``)."""
    classification: str | None = None
    """Container classification as written (``"UNCLASSIFIED//FOR OFFICIAL USE ONLY"``)."""
    references: tuple[str, ...] = ()
    """Container references column, split, as written."""
    text_lines_are_input_lines: bool = True
    """False where the header/body lines are not lines of the input (an HTML ``<pre>`` on one
    physical line with ``&#x000A;`` entities): defects then point at the part's first line."""
    created_time_reliable: bool = True
    """False where the container's time of day is known to be wrong (HTML pages, spec 4.1)."""
    source: str | None = None
    """File it came from."""
    offset: int | None = None
    """Byte offset of the record in ``source``."""
    line: int | None = None
    """1-based line of the record in ``source``."""
    defects: tuple[Defect, ...] = ()
    """Container-level defects (positions in the input as given)."""
    escape_pieces: tuple[list[str] | str | None, list[str] | str | None] = attrs.field(
        default=(None, None), eq=False, repr=False
    )
    """For field spans: how a cables.csv row wrote ``header_text`` and ``body_text``: each as
    the pieces between its backslash escapes (each piece after the first starts with the
    escaped character), the text itself for a field without one, ``None`` where the reader
    decoded it otherwise (CR, NUL, doubled quotes, invalid UTF-8). The reader splits the
    field so anyway; keeping the pieces spares field spans another pass over the row."""
