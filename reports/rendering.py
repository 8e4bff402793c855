"""The report as a PDF in the Decree 30/2020 layout, rendered by WeasyPrint from a snapshot.

``render_report_pdf(snapshot)`` is a pure function: the same snapshot gives the same bytes.
That holds because the PDF's dates come from the snapshot (``dcterms.created``), its file
identifier is the snapshot's fingerprint, the font is the one shipped in ``static/fonts/``
(declared here with ``@font-face``, so the machine's fonts never matter) and nothing is fetched
from anywhere else (``LocalFetcher`` refuses any other URL and fails loudly on a missing file).
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from directives.choices import BUCKET_ORDER
from reports.choices import BUCKET_CODES, ChartKind
from reports.snapshot import BulletList, ChartFigure, ReportSnapshot
from sonmai.lib import charts, vndate

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "liberation-serif"
FONT_FAMILY = "Liberation Serif"
FONT_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}
TEMPLATE = "reports/pdf/report.html"
STYLESHEET = Path(settings.BASE_DIR) / "templates" / "reports" / "pdf" / "report.css"
#: Task columns per table in the appendix matrix (landscape A4 at 9 pt).
APPENDIX_COLUMNS = 18
#: Units per image of the per-unit chart, so a tall chart never outgrows a page.
UNITS_PER_CHART = 24
#: CSS pixels (1/96 in) to PDF points (1/72 in).
PX_TO_PT = 0.75
SIGNATURE_ANCHOR = "signature-space"
#: The largest unit × task matrix the report page shows (the PDF and DOCX always have it).
SCREEN_APPENDIX_CELLS = 1500


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
    """``@font-face`` rules pointing at the shipped Liberation Serif files."""
    rules = []
    for (weight, style), name in FONT_FILES.items():
        rules.append(
            f"@font-face {{ font-family: '{FONT_FAMILY}'; font-weight: {weight}; "
            f"font-style: {style}; src: url('{(FONT_DIR / name).resolve().as_uri()}'); }}"
        )
    return "\n".join(rules)


@dataclass(frozen=True)
class _Image:
    svg: str  # built by sonmai.lib.charts, which escapes every label it writes
    alt: str

    @property
    def uri(self) -> str:
        """The drawing as a ``data:`` URI, for WeasyPrint. The on-screen preview draws ``svg``
        inline instead: the Content-Security-Policy allows no ``data:`` image on a page."""
        return _svg_uri(self.svg)


@dataclass(frozen=True)
class _Chart:
    kind = "chart"
    number: int
    caption: str
    images: tuple[_Image, ...]


@dataclass(frozen=True)
class _Bullets:
    kind = "bullet_list"
    lines: tuple[str, ...]


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def chart_svgs(snapshot: ReportSnapshot, figure: ChartFigure) -> list[str]:
    """The SVG drawing(s) of one chart of the snapshot (the per-unit chart may need several)."""
    data = snapshot.charts
    if figure.chart == ChartKind.BUCKET_TOTALS:
        counts = {bucket: data.bucket_totals.get(bucket) for bucket in BUCKET_ORDER}
        return [charts.bucket_totals_chart(counts, title=figure.caption, show_title=False)]
    if figure.chart == ChartKind.UNIT_PERCENT:
        rows = [(row.unit_name, row.percent) for row in data.unit_percents]
        groups = [rows[i : i + UNITS_PER_CHART] for i in range(0, len(rows), UNITS_PER_CHART)]
        titles = [figure.caption] + [_("%(caption)s (tiếp theo)") % {"caption": figure.caption}] * (
            len(groups) - 1
        )
        return [
            charts.unit_percent_chart(group, title=title, show_title=False)
            for group, title in zip(groups or [[]], titles, strict=False)
        ]
    if figure.chart == ChartKind.WEEKLY_DONE:
        points = [(point.week_end, point.percent_done) for point in data.weekly_done]
        return [charts.weekly_done_chart(points, title=figure.caption, show_title=False)]
    raise ValueError(f"Unknown chart {figure.chart!r}")


def _outline_view(snapshot: ReportSnapshot) -> list[dict[str, Any]]:
    """The body as a flat list of headings with their blocks, charts drawn and numbered."""
    entries = []
    chart_number = 0
    for entry in snapshot.outline():
        blocks: list[Any] = []
        for block in entry.part.blocks:
            if isinstance(block, ChartFigure):
                chart_number += 1
                images = tuple(_Image(svg, block.caption) for svg in chart_svgs(snapshot, block))
                blocks.append(_Chart(chart_number, block.caption, images))
            elif isinstance(block, BulletList):
                blocks.append(_Bullets(bullet_lines(block)))
            else:
                blocks.append(block)
        entries.append(
            {
                "label": entry.label,
                "depth": entry.depth,
                "title": entry.part.title,
                "blocks": blocks,
            }
        )
    return entries


def bullet_lines(block: BulletList) -> tuple[str, ...]:
    """ "- …;" for every item, "- … ." for the last."""
    if not block.items:
        return ()
    *head, last = (item.rstrip().rstrip(";.") for item in block.items)
    return (*(f"- {item};" for item in head), f"- {last}.")


def _appendix_view(snapshot: ReportSnapshot) -> dict[str, Any] | None:
    appendix = snapshot.appendix
    if appendix is None:
        return None
    chunks = []
    for start, columns in appendix.column_chunks(APPENDIX_COLUMNS):
        rows = [
            {"unit_name": row.unit_name, "cells": row.cells[start : start + len(columns)]}
            for row in appendix.rows
        ]
        chunks.append({"columns": columns, "rows": rows})
    date = vndate.short_date(snapshot.issued_on) if snapshot.issued_on else "\u2003" * 4
    legend = [(BUCKET_CODES[bucket], str(bucket.label)) for bucket in BUCKET_ORDER]
    return {"chunks": chunks, "date": date, "legend": legend}


def document_date(snapshot: ReportSnapshot) -> datetime.datetime:
    """The PDF's creation date: signing, else issue, else the period's last data day."""
    if snapshot.signed_at is not None:
        return snapshot.signed_at.replace(microsecond=0)
    day = snapshot.issued_on or snapshot.period.data_to
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=datetime.UTC)


def render_report_html(snapshot: ReportSnapshot) -> str:
    """The HTML WeasyPrint lays out (always in Vietnamese: it is an official document)."""
    with translation.override("vi"):
        return render_to_string(
            TEMPLATE,
            {
                "snapshot": snapshot,
                "outline": _outline_view(snapshot),
                "closing": snapshot.closing_paragraphs,
                "appendix": _appendix_view(snapshot),
                "document_date": document_date(snapshot).isoformat(),
            },
        )


def screen_view(snapshot: ReportSnapshot) -> dict[str, Any]:
    """What the report pages show of a snapshot: the same outline, charts and appendix the PDF
    prints, for a responsive HTML preview (``templates/reports/_report_preview.html``)."""
    appendix = snapshot.appendix
    cells = len(appendix.rows) * len(appendix.task_columns) if appendix else 0
    return {
        "snapshot": snapshot,
        "outline": _outline_view(snapshot),
        "closing": snapshot.closing_paragraphs,
        # A province-sized matrix would weigh megabytes on a phone: the files carry it.
        "appendix": _appendix_view(snapshot) if cells <= SCREEN_APPENDIX_CELLS else None,
        "appendix_in_files_only": cells > SCREEN_APPENDIX_CELLS,
    }


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
            weasyprint.CSS(string=font_face_css(), font_config=font_config, url_fetcher=fetcher),
            weasyprint.CSS(filename=str(STYLESHEET), font_config=font_config, url_fetcher=fetcher),
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
