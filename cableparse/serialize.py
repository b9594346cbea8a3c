"""``to_dict`` / ``from_dict``: JSON-ready plain data for every model, and back.

Serialization lives outside the models (the models stay pure data). Datetimes become ISO 8601
strings with their UTC offset, dates ISO dates, tuples lists; ``from_dict(to_dict(c)) == c``
for every :class:`~cableparse.models.Cable`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from .models import (
    Banner,
    Body,
    Cable,
    CableError,
    Classification,
    ClassifiedBy,
    Defect,
    ExecutiveOrder,
    Header,
    Paragraph,
    Recipient,
    Reference,
    Tag,
)

JSON = dict[str, Any]
_T = TypeVar("_T")


def _plain(value: Any) -> Any:
    """Recursively turn one model value into JSON-ready data."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if attrs.has(type(value)):
        plain = {f.name: _plain(getattr(value, f.name)) for f in _fields(type(value))}
        if isinstance(value, Cable) and value.spans is None:
            del plain["spans"]  # as in to_dict: the key only when spans were asked for
        return plain
    return value


_FIELDS_CACHE: dict[type, tuple[attrs.Attribute[Any], ...]] = {}


def _fields(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    # attrs.fields() builds nothing new, but the lookup still shows up on the batch hot path.
    fields = _FIELDS_CACHE.get(cls)
    if fields is None:
        fields = _FIELDS_CACHE[cls] = tuple(attrs.fields(cls))
    return fields


def _iso(value: _dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _same(value: _dt.date | None) -> _dt.date | None:
    return value


When = Callable[[Any], Any]


def _recipient_dict(r: Recipient) -> JSON:
    return {
        "routing_indicator": r.routing_indicator,
        "address": r.address,
        "precedence": r.precedence,
        "serial": r.serial,
        "office": r.office,
    }


def _header_dict(h: Header, when: When) -> JSON:
    return {
        "kind": h.kind,
        "transmission_id": h.transmission_id,
        "precedence": h.precedence,
        "routing_indicators": list(h.routing_indicators),
        "station": h.station,
        "station_serial": h.station_serial,
        "section": h.section,
        "filed": h.filed,
        "security": h.security,
        "precedences": list(h.precedences),
        "dtg": when(h.dtg),
        "dtg_text": h.dtg_text,
        "operating_signals": list(h.operating_signals),
        "sender": h.sender,
        "to": [_recipient_dict(r) for r in h.to],
        "info": [_recipient_dict(r) for r in h.info],
        "exempted": [_recipient_dict(r) for r in h.exempted],
        "preamble": h.preamble,
    }


def _body_dict(b: Body, when: When) -> JSON:
    banner = b.banner
    eo = b.executive_order
    by = b.classified_by
    return {
        "preamble": b.preamble,
        "banner": None
        if banner is None
        else {
            "level": banner.level,
            "marking": banner.marking,
            "section": None if banner.section is None else list(banner.section),
            "origin": banner.origin,
            "serial": banner.serial,
        },
        "captions": list(b.captions),
        "passing": list(b.passing),
        "executive_order": None
        if eo is None
        else {"order": eo.order, "declassify": eo.declassify, "declassify_on": when(eo.declassify_on)},
        "tags": [{"code": t.code, "kind": t.kind} for t in b.tags],
        "subject": b.subject,
        "subject_classification": b.subject_classification,
        "refs": [{"bullet": r.bullet, "kind": r.kind, "text": r.text, "cable_id": r.cable_id} for r in b.refs],
        "classified_by": None
        if by is None
        else {"name": by.name, "title": by.title, "reasons": list(by.reasons), "text": by.text},
        "paragraphs": [{"number": p.number, "classification": p.classification, "text": p.text} for p in b.paragraphs],
        "summary": b.summary,
        "signers": list(b.signers),
        "page_markers": list(b.page_markers),
        "text": b.text,
    }


def to_dict(cable: Cable) -> JSON:
    """A JSON-ready ``dict`` of the cable (ISO 8601 strings for datetimes, lists for tuples).

    Written out field by field rather than by reflection: batch conversion calls it once per
    cable, and this is twice as fast as walking ``attrs.fields``. A test checks that it gives
    the same as the generic :func:`to_plain` for every model, so a new field cannot be
    forgotten here.
    """
    return _cable_dict(cable, _iso)


def to_native_dict(cable: Cable) -> JSON:
    """Like :func:`to_dict` but with ``datetime`` and ``date`` objects kept as they are (for
    writers such as pyarrow that take them natively)."""
    return _cable_dict(cable, _same)


def _cable_dict(cable: Cable, when: When) -> JSON:
    classification = cable.classification
    found = {
        "reference_id": cable.reference_id,
        "canonical_id": cable.canonical_id,
        "container": cable.container,
        "row_id": cable.row_id,
        "created": when(cable.created),
        "released": when(cable.released),
        "origin": cable.origin,
        "classification": None
        if classification is None
        else {"level": classification.level, "caveats": list(classification.caveats)},
        "references": list(cable.references),
        "header": None if cable.header is None else _header_dict(cable.header, when),
        "body": None if cable.body is None else _body_dict(cable.body, when),
        "defects": [{"code": d.code, "message": d.message, "line": d.line, "column": d.column} for d in cable.defects],
    }
    if cable.spans is not None:
        # parse(..., spans=True): path -> [[start, end], ...]; absent otherwise, so that the
        # output of a default parse does not change.
        found["spans"] = {path: [list(piece) for piece in pieces] for path, pieces in cable.spans.items()}
    return found


def to_plain(value: Any) -> Any:
    """Like :func:`to_dict` for any model object (``Defect``, ``CableError``, ``Header`` ...)."""
    return _plain(value)


# --- from_dict ----------------------------------------------------------------------------


def _datetime(value: str | None) -> _dt.datetime | None:
    return None if value is None else _dt.datetime.fromisoformat(value)


def _date(value: str | None) -> _dt.date | None:
    return None if value is None else _dt.date.fromisoformat(value)


def _many(make: Callable[[Mapping[str, Any]], _T], items: Sequence[Mapping[str, Any]] | None) -> tuple[_T, ...]:
    return tuple(make(item) for item in items or ())


def _strings(items: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(items or ())


def _maybe(make: Callable[[Mapping[str, Any]], _T], data: Mapping[str, Any] | None) -> _T | None:
    return None if data is None else make(data)


def defect_from_dict(data: Mapping[str, Any]) -> Defect:
    """Inverse of ``to_plain`` for a :class:`Defect`."""
    return Defect(code=data["code"], message=data["message"], line=data.get("line"), column=data.get("column"))


def _recipient(data: Mapping[str, Any]) -> Recipient:
    return Recipient(
        routing_indicator=data.get("routing_indicator"),
        address=data["address"],
        precedence=data.get("precedence"),
        serial=data.get("serial"),
        office=data.get("office"),
    )


def _header(data: Mapping[str, Any]) -> Header:
    return Header(
        kind=data.get("kind", "other"),
        transmission_id=data.get("transmission_id"),
        precedence=data.get("precedence"),
        routing_indicators=_strings(data.get("routing_indicators")),
        station=data.get("station"),
        station_serial=data.get("station_serial"),
        section=data.get("section"),
        filed=data.get("filed"),
        security=data.get("security"),
        precedences=_strings(data.get("precedences")),
        dtg=_datetime(data.get("dtg")),
        dtg_text=data.get("dtg_text"),
        operating_signals=_strings(data.get("operating_signals")),
        sender=data.get("sender"),
        to=_many(_recipient, data.get("to")),
        info=_many(_recipient, data.get("info")),
        exempted=_many(_recipient, data.get("exempted")),
        preamble=data.get("preamble"),
    )


def _banner(data: Mapping[str, Any]) -> Banner:
    section = data.get("section")
    return Banner(
        level=data.get("level"),
        marking=data["marking"],
        section=None if section is None else (int(section[0]), int(section[1])),
        origin=data.get("origin"),
        serial=data.get("serial"),
    )


def _executive_order(data: Mapping[str, Any]) -> ExecutiveOrder:
    return ExecutiveOrder(
        order=data.get("order"),
        declassify=data.get("declassify"),
        declassify_on=_date(data.get("declassify_on")),
    )


def _tag(data: Mapping[str, Any]) -> Tag:
    return Tag(code=data["code"], kind=data.get("kind", "unknown"))


def _reference(data: Mapping[str, Any]) -> Reference:
    return Reference(
        bullet=data.get("bullet"),
        kind=data.get("kind", "other"),
        text=data["text"],
        cable_id=data.get("cable_id"),
    )


def _classified_by(data: Mapping[str, Any]) -> ClassifiedBy:
    return ClassifiedBy(
        name=data.get("name"),
        title=data.get("title"),
        reasons=_strings(data.get("reasons")),
        text=data.get("text", ""),
    )


def _paragraph(data: Mapping[str, Any]) -> Paragraph:
    return Paragraph(number=data.get("number"), classification=data.get("classification"), text=data["text"])


def _body(data: Mapping[str, Any]) -> Body:
    return Body(
        preamble=data.get("preamble"),
        banner=_maybe(_banner, data.get("banner")),
        captions=_strings(data.get("captions")),
        passing=_strings(data.get("passing")),
        executive_order=_maybe(_executive_order, data.get("executive_order")),
        tags=_many(_tag, data.get("tags")),
        subject=data.get("subject"),
        subject_classification=data.get("subject_classification"),
        refs=_many(_reference, data.get("refs")),
        classified_by=_maybe(_classified_by, data.get("classified_by")),
        paragraphs=_many(_paragraph, data.get("paragraphs")),
        summary=data.get("summary"),
        signers=_strings(data.get("signers")),
        page_markers=_strings(data.get("page_markers")),
        text=data.get("text", ""),
    )


def _classification(data: Mapping[str, Any]) -> Classification:
    return Classification(level=data["level"], caveats=_strings(data.get("caveats")))


def from_dict(data: Mapping[str, Any]) -> Cable:
    """Rebuild a :class:`Cable` from :func:`to_dict` output (the inverse of ``to_dict``)."""
    return Cable(
        reference_id=data.get("reference_id"),
        canonical_id=data.get("canonical_id"),
        container=data.get("container", "text"),
        row_id=data.get("row_id"),
        created=_datetime(data.get("created")),
        released=_datetime(data.get("released")),
        origin=data.get("origin"),
        classification=_maybe(_classification, data.get("classification")),
        references=_strings(data.get("references")),
        header=_maybe(_header, data.get("header")),
        body=_maybe(_body, data.get("body")),
        defects=_many(defect_from_dict, data.get("defects")),
        spans=_spans(data.get("spans")),
    )


def _spans(data: Mapping[str, Sequence[Sequence[int]]] | None) -> Mapping[str, tuple[tuple[int, int], ...]] | None:
    if data is None:
        return None
    from .spans import SpanMap

    return SpanMap({path: tuple((int(a), int(b)) for a, b in pieces) for path, pieces in data.items()})


def cable_error_from_dict(data: Mapping[str, Any]) -> CableError:
    """Inverse of ``to_plain`` for a :class:`CableError`."""
    return CableError(
        message=data["message"],
        source=data.get("source"),
        offset=data.get("offset"),
        line=data.get("line"),
        raw=data.get("raw", ""),
    )
