"""``render``: a cable written back as cable text (header format lines, blank line, body).

The header is rebuilt from its fields in ACP 127 line order; the body is ``Body.text`` (the
body as written, page markers removed), from which every other body field is derived. So
``parse(render(c))`` gives back the header and body fields of ``c``.
"""

from __future__ import annotations

from .models import Cable, Header, Recipient
from .transform import dtg_of

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_RIS_PER_LINE = 9  # FL2 wraps like the seed's: nine indicators on the first line


def render_recipient(recipient: Recipient) -> str:
    """One addressee as an address line (without TO/INFO/XMT)."""
    parts = []
    address = recipient.address
    if recipient.office is not None:
        address = f"{address}//{recipient.office}//"
    parts.append(f"{recipient.routing_indicator}/{address}" if recipient.routing_indicator else address)
    if recipient.precedence:
        parts.append(recipient.precedence)
    if recipient.serial:
        parts.append(recipient.serial)
    return " ".join(part for part in parts if part)


def _address_block(keyword: str, recipients: tuple[Recipient, ...]) -> list[str]:
    lines = []
    for index, recipient in enumerate(recipients):
        line = render_recipient(recipient)
        lines.append(f"{keyword} {line}" if index == 0 else line)
    return lines


def _dtg_line(header: Header) -> str:
    """FL5: the group as written when it still says ``dtg`` (or is no date at all), else ``dtg``."""
    dtg = header.dtg
    if header.dtg_text and (dtg is None or dtg_of(header.dtg_text) == dtg):
        group = header.dtg_text
    elif dtg is not None:
        group = f"{dtg.day:02d}{dtg.hour:02d}{dtg.minute:02d}Z {_MONTHS[dtg.month - 1]} {dtg.year % 100:02d}"
    else:
        group = ""
    return " ".join(part for part in [*header.precedences, group, *header.operating_signals] if part)


def render_header(header: Header) -> str:
    """The header's format lines, one per line, ending with a newline."""
    lines: list[str] = []
    preamble = header.preamble.split("\n") if header.preamble else []
    if header.kind == "partial" and preamble:
        # A partial extract writes its bare DTG right after the placeholder sentence, before
        # any printout (01HOCHIMINHCITY1082); the DTG line below goes there.
        lines.append(preamble.pop(0))
        if header.dtg is not None or header.dtg_text:
            lines.append(_dtg_line(header))
        lines.extend(preamble)
        preamble = []
    lines.extend(preamble)
    if header.transmission_id:
        lines.append(header.transmission_id)
    if header.precedence or header.routing_indicators:
        indicators = list(header.routing_indicators)
        first = indicators[:_RIS_PER_LINE]
        lines.append(" ".join([header.precedence or "RR", *first]))
        for start in range(_RIS_PER_LINE, len(indicators), _RIS_PER_LINE):
            lines.append(" ".join(indicators[start : start + _RIS_PER_LINE]))
    if header.station:
        fl3 = f"DE {header.station}"
        if header.station_serial is not None:
            fl3 += f" #{header.station_serial:04d}"
            if header.section is not None:
                fl3 += f"/{header.section:02d}"
        if header.filed:
            fl3 += f" {header.filed}"
        lines.append(fl3)
    if header.security:
        lines.append(header.security)
    if (header.dtg is not None or header.dtg_text) and header.kind != "partial":
        lines.append(_dtg_line(header))
    if header.sender:
        lines.append(f"FM {header.sender}")
    lines.extend(_address_block("TO", header.to))
    lines.extend(_address_block("INFO", header.info))
    lines.extend(_address_block("XMT", header.exempted))
    return "".join(f"{line}\n" for line in lines)


def render(cable: Cable) -> str:
    """The cable as text: header format lines, a blank line, the body text."""
    parts = []
    if cable.header is not None:
        parts.append(render_header(cable.header))
    if cable.body is not None and cable.body.text:
        parts.append(cable.body.text if cable.body.text.endswith("\n") else cable.body.text + "\n")
    return "\n".join(parts)
