"""Compare a parsed cable with what :func:`cableparse.strategies.cable_parts` generated."""

from __future__ import annotations

from typing import Any

from cableparse import Cable


def differences(cable: Cable, expected: dict[str, Any]) -> list[str]:
    """Every generated value the parse did not recover, as readable lines."""
    out: list[str] = []

    def same(name: str, got: object, want: object) -> None:
        if got != want:
            out.append(f"{name}: got {got!r}, expected {want!r}")

    header = expected.get("header")
    if header is None:
        same("header", cable.header, None)
    else:
        if cable.header is None:
            return ["header missing"]
        for name, want in header.items():
            same(f"header.{name}", getattr(cable.header, name), want)
    body = cable.body
    if body is None:
        return [*out, "body missing"]
    banner = body.banner
    if banner is None:
        out.append("banner missing")
    else:
        for name, want in expected["banner"].items():
            same(f"banner.{name}", getattr(banner, name), want)
    for name in ("captions", "passing", "subject", "subject_classification", "refs", "summary", "signers",
                 "page_markers"):
        same(name, getattr(body, name), expected[name])
    eo = body.executive_order
    if eo is None:
        out.append("executive_order missing")
    else:
        for name, want in expected["executive_order"].items():
            same(f"executive_order.{name}", getattr(eo, name), want)
    same("tags", tuple((t.code, t.kind) for t in body.tags), expected["tags"])
    if expected["reasons"] is None:
        same("classified_by", body.classified_by, None)
    else:
        same("classified_by.reasons", body.classified_by.reasons if body.classified_by else None, expected["reasons"])
    if expected["numbered"] is not None:
        same("paragraph numbers", tuple((p.number, p.classification) for p in body.paragraphs), expected["numbered"])
        words = " ".join(f"{p.number}. " + (f"({p.classification}) " if p.classification else "") + p.text
                         for p in body.paragraphs).split()
    else:
        words = " ".join(p.text for p in body.paragraphs).split()
    same("paragraph text", words, expected["paragraph_words"])
    same("reference_id", cable.reference_id, expected["reference_id"] if expected["created"] else cable.reference_id)
    same("created", cable.created, expected["created"])
    same("classification.level", cable.classification.level if cable.classification else None, expected["level"])
    return out
