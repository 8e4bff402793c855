"""The report as a PDF in the Decree 30/2020 layout, rendered by WeasyPrint from a snapshot.

``render_report_pdf(snapshot)`` is a pure function: the same snapshot gives the same bytes.
That holds because the PDF's dates come from the snapshot (``dcterms.created``), its file
identifier is the snapshot's fingerprint, the font is the one shipped in ``static/fonts/``
(declared with ``@font-face`` in the document's stylesheet, so the machine's fonts never matter)
and nothing is fetched from anywhere else (``LocalFetcher`` refuses any other URL and fails
loudly on a missing file).

The HTML and its stylesheet are the ones the report pages show (``reports.renderers.html``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import weasyprint
from django.conf import settings
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from reports.renderers.html import STYLESHEET, render_report_html
from reports.snapshot import ReportSnapshot

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "liberation-serif"
FONT_FAMILY = "Liberation Serif"
FONT_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}
#: CSS pixels (1/96 in) to PDF points (1/72 in).
PX_TO_PT = 0.75
SIGNATURE_ANCHOR = "signature-space"


class RenderingError(RuntimeError):
    """WeasyPrint could not produce the report (a missing font file, for example)."""


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature goes: a page (0-based) and a rectangle in PDF points,
    origin at the bottom left as PDF wants it."""

    page_index: int
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int
    signature_box: SignatureBox


class LocalFetcher(URLFetcher):
    """Fetches the shipped fonts and inline data only; anything else stops the rendering."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)
        self._font_dir = FONT_DIR.resolve()

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file:"):
            path = Path(url.removeprefix("file://")).resolve()
            if not path.is_relative_to(self._font_dir) or not path.is_file():
                raise ValueError(f"Not a shipped font file: {url}")
        return super().fetch(url, headers)


def font_face_css() -> str:
    """``@font-face`` rules pointing at the shipped Liberation Serif files, for documents that
    do not link the report's stylesheet (the visible signature's stamp)."""
    rules = []
    for (weight, style), name in FONT_FILES.items():
        rules.append(
            f"@font-face {{ font-family: '{FONT_FAMILY}'; font-weight: {weight}; "
            f"font-style: {style}; src: url('{(FONT_DIR / name).resolve().as_uri()}'); }}"
        )
    return "\n".join(rules)


def _signature_box(document: Any) -> SignatureBox:
    for index, page in enumerate(document.pages):
        if SIGNATURE_ANCHOR in page.anchors:
            x1, y1, x2, y2 = page.anchors[SIGNATURE_ANCHOR]
            height = page.height * PX_TO_PT
            return SignatureBox(
                page_index=index,
                x1=round(x1 * PX_TO_PT, 2),
                y1=round(height - y2 * PX_TO_PT, 2),
                x2=round(x2 * PX_TO_PT, 2),
                y2=round(height - y1 * PX_TO_PT, 2),
            )
    raise RenderingError("The signature block is missing from the laid-out report.")


def render_report_pdf(snapshot: ReportSnapshot) -> RenderedPdf:
    """Render ``snapshot``: same snapshot, same bytes."""
    fetcher = LocalFetcher()
    font_config = FontConfiguration()
    html = render_report_html(snapshot)
    try:
        stylesheets = [
            weasyprint.CSS(filename=str(STYLESHEET), font_config=font_config, url_fetcher=fetcher)
        ]
        document = weasyprint.HTML(string=html, base_url=str(FONT_DIR), url_fetcher=fetcher).render(
            stylesheets=stylesheets, font_config=font_config
        )
        content = document.write_pdf(pdf_identifier=snapshot.fingerprint()[:32].encode("ascii"))
    except FatalURLFetchingError as error:
        raise RenderingError(str(error)) from error
    return RenderedPdf(
        content=content, page_count=len(document.pages), signature_box=_signature_box(document)
    )
