"""The report as HTML: one template (``templates/reports/document/``) and one stylesheet
(``static/css/report-document.css``) for both the report pages and the PDF.

``document_context(snapshot, medium=…)`` is the data both read. WeasyPrint lays out the whole
page (``render_report_html``); the report pages include the same document fragment
(``screen_view``) and link the same stylesheet, whose ``@media print`` and ``@page`` parts only
WeasyPrint uses. Two things differ, both because of the page's Content-Security-Policy or its
weight on a phone, never in the text: a chart is drawn as inline SVG on a page (the policy
allows no ``data:`` image) and as a ``data:`` image in the PDF; a province-sized appendix is
left to the files.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from directives.choices import BUCKET_ORDER
from reports.choices import BUCKET_CODES, ChartKind
from reports.snapshot import BulletList, ChartFigure, ReportSnapshot
from sonmai.lib import charts, vndate

#: The whole page WeasyPrint lays out; it includes ``DOCUMENT_TEMPLATE``.
PAGE_TEMPLATE = "reports/document/report.html"
#: The document itself, also included by the report pages.
DOCUMENT_TEMPLATE = "reports/document/_document.html"
#: The document's stylesheet, a static file: served to the pages, read by WeasyPrint.
STYLESHEET_STATIC = "css/report-document.css"
STYLESHEET = Path(settings.BASE_DIR) / "static" / STYLESHEET_STATIC
#: Task columns per table in the appendix matrix (landscape A4 at 9 pt).
APPENDIX_COLUMNS = 18
#: Units per image of the per-unit chart, so a tall chart never outgrows a page.
UNITS_PER_CHART = 24
#: The largest unit × task matrix the report page shows (the PDF and DOCX always have it).
SCREEN_APPENDIX_CELLS = 1500

Medium = Literal["print", "screen"]


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


def document_context(snapshot: ReportSnapshot, *, medium: Medium) -> dict[str, Any]:
    """What the document template reads, the same for the page and the PDF but for the
    appendix a phone could not carry."""
    appendix = snapshot.appendix
    cells = len(appendix.rows) * len(appendix.task_columns) if appendix else 0
    too_large = medium == "screen" and cells > SCREEN_APPENDIX_CELLS
    return {
        "medium": medium,
        "snapshot": snapshot,
        "outline": _outline_view(snapshot),
        "closing": snapshot.closing_paragraphs,
        # A province-sized matrix would weigh megabytes on a phone: the files carry it.
        "appendix": None if too_large else _appendix_view(snapshot),
        "appendix_in_files_only": too_large,
        "document_date": document_date(snapshot).isoformat(),
    }


def render_report_html(snapshot: ReportSnapshot) -> str:
    """The HTML WeasyPrint lays out (always in Vietnamese: it is an official document)."""
    with translation.override("vi"):
        return render_to_string(PAGE_TEMPLATE, document_context(snapshot, medium="print"))


def screen_view(snapshot: ReportSnapshot) -> dict[str, Any]:
    """What the report pages give ``DOCUMENT_TEMPLATE`` (``{% include … with document=… %}``)."""
    return document_context(snapshot, medium="screen")
