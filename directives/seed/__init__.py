"""The commune's own dispatch, word for word (the demo's directive), read by the same parser
that reads every directive the clerk brings in (``directives.docimport``)."""

from __future__ import annotations

from pathlib import Path

from directives.docimport.parser import ParsedDocument, parse

SEED_DIR = Path(__file__).resolve().parent
SON_MAI_DISPATCH = SEED_DIR / "cong-van-trien-khai-ket-luan-221-son-mai.txt"


class SeedFormatError(ValueError):
    """The text does not have the parts a dispatch must have."""


def parse_dispatch(text: str) -> ParsedDocument:
    """The dispatch's parts; ``SeedFormatError`` if one the demo needs is missing."""
    document = parse(text)
    missing = [
        name
        for name, present in (
            ("Số", bool(document.symbol)),
            ("V/v", bool(document.subject)),
            ("ngày tháng", bool(document.year)),
            ("Kính gửi", bool(document.addressees)),
            ("mục, nhiệm vụ", bool(document.sections and document.tasks)),
            ("Nơi nhận", bool(document.signer.recipients)),
            ("người ký", bool(document.signer.name)),
        )
        if not present
    ]
    if missing:
        raise SeedFormatError(f"Missing part of the dispatch: {', '.join(missing)}")
    return document


def load_son_mai_dispatch() -> ParsedDocument:
    return parse_dispatch(SON_MAI_DISPATCH.read_text(encoding="utf-8"))
