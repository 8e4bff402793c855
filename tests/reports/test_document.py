"""One document: the report page shows the HTML WeasyPrint lays out, and the signed PDF keeps
its last lines, "Nơi nhận" and the signature together."""

from __future__ import annotations

import base64
import io
import re
import unicodedata
from html import unescape
from html.parser import HTMLParser

import pypdf
import pytest
from django.urls import reverse

from reports import services
from reports.assemble import compose_body
from reports.renderers.html import STYLESHEET_STATIC, render_report_html
from reports.renderers.pdf import render_report_pdf
from tests.reports import pdfcheck as c
from tests.reports import reportkit as rk
from tests.reports.conftest import small_snapshot

#: Elements WeasyPrint moves into the page margins (running elements): on a page they stay
#: where they are written, so they are compared apart from the flow of the text.
RUNNING = {"marker", "contact"}


VOID = {"br", "col", "img", "meta", "input", "hr", "link"}


class _DocumentText(HTMLParser):
    """The text of the ``<article class="report-document">`` of a page, in document order;
    apart, the running elements and the labels each chart draws (a drawing's <title> and
    <desc> are for screen readers and never drawn)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, set[str]]] = []  # open elements inside the article
        self.inside = False
        self.flow: list[str] = []
        self.running: list[str] = []
        self.charts: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if not self.inside:
            self.inside = tag == "article" and "report-document" in classes
            return
        if tag in VOID:
            return
        if tag == "svg" and not any(t == "svg" for t, _c in self.stack):
            self.charts.append([])
        self.stack.append((tag, classes))

    def handle_endtag(self, tag: str) -> None:
        if not self.inside or tag in VOID:
            return
        if not self.stack:
            self.inside = False  # the article closes
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.inside:
            return
        tags = {t for t, _c in self.stack}
        if "svg" in tags:
            if not tags & {"title", "desc"}:
                self.charts[-1].append(data)
        elif any(classes & RUNNING for _t, classes in self.stack):
            self.running.append(data)
        else:
            self.flow.append(data)


def _squeeze(text: str) -> str:
    """NFC without whitespace, case folded: line wrapping, justification, the spacing an
    extractor guesses between table cells and the capitals the one stylesheet sets with
    ``text-transform`` (on the page as in the PDF) never matter; every letter and its order
    do."""
    return "".join(unicodedata.normalize("NFC", text).casefold().split())


def page_document_text(html: str) -> tuple[str, str, list[str]]:
    """(flow, running elements, each chart's labels) of the page's document."""
    parser = _DocumentText()
    parser.feed(html)
    assert parser.flow, "the page has no report document"
    charts = [_squeeze(" ".join(chart)) for chart in parser.charts]
    return _squeeze(" ".join(parser.flow)), _squeeze(" ".join(parser.running)), charts


def without_charts(pdf_flow: str, charts: list[str]) -> str:
    """The PDF's text without its charts' labels: WeasyPrint draws an image after the text
    around it, so each chart's labels are taken out where they are (each must be there)."""
    for labels in charts:
        assert labels in pdf_flow, f"chart labels missing from the PDF: {labels}"
        pdf_flow = pdf_flow.replace(labels, "", 1)
    return pdf_flow


def pdf_text(data: bytes) -> tuple[str, str]:
    """The text the PDF draws inside the decree's margins, in the order it draws it (the
    content stream, which WeasyPrint writes in document order; a chart is an image), and
    apart the text of the margins (page numbers, the DỰ THẢO marker, the contact line)."""
    body: list[str] = []
    margins: list[str] = []
    for page in c.open_pdf(data).pages:
        # The landscape appendix has its own margins (report-document.css, @page appendix).
        top, bottom = (30 * c.MM, 15 * c.MM) if page.width > page.height else (c.TOP, c.BOTTOM)
        for char in page.chars:  # in content-stream order
            inside = top < char["bottom"] and char["top"] < page.height - bottom
            (body if inside else margins).append(char["text"])
    return _squeeze("".join(body)), _squeeze("".join(margins))


def _first_difference(a: str, b: str) -> str:
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return f"page …{a[max(0, at - 60) : at + 60]}…\nPDF  …{b[max(0, at - 60) : at + 60]}…"


@pytest.mark.django_db
def test_the_report_page_shows_the_text_of_the_pdf(cast, client_for):
    """The detail page of a draft and the PDF of the same snapshot say the same, letter for
    letter, in the same order (charts, tables and the appendix included)."""
    report = rk.draft_report(cast)
    page = client_for(cast.officer).get(reverse("reports:report_detail", args=[report.pk]))
    html = page.content.decode()
    assert f"/static/{STYLESHEET_STATIC}" in html
    screen_flow, screen_running, charts = page_document_text(html)
    printed = render_report_pdf(services.current_snapshot(report))
    pdf_flow, pdf_margins = pdf_text(printed.content)
    pdf_flow = without_charts(pdf_flow, charts)
    assert screen_flow == pdf_flow, _first_difference(screen_flow, pdf_flow)
    # What the PDF prints in its margins is on the page too: the draft marker.
    assert "dựthảo" in screen_running and "dựthảo" in pdf_margins
    assert len(pdf_flow) > 500  # a whole report was compared, not two empty strings
    # The charts: the page draws inline the very drawings the PDF embeds as images.
    embedded = [
        base64.b64decode(uri).decode()
        for uri in re.findall(
            r'src="data:image/svg\+xml;base64,([^"]+)"',
            render_report_html(services.current_snapshot(report)),
        )
    ]
    inline = re.findall(r'class="chart-drawing"[^>]*>(<svg\b.*?</svg>)', html, flags=re.DOTALL)
    assert embedded and [unescape(svg) for svg in inline] == [unescape(svg) for svg in embedded]


def test_the_comparison_notices_a_missing_word():
    snapshot = small_snapshot()
    pdf_flow, _margins = pdf_text(render_report_pdf(snapshot).content)
    assert "kínhbáocáo./." in pdf_flow
    from django.template.loader import render_to_string

    from reports.renderers.html import DOCUMENT_TEMPLATE, screen_view

    html = render_to_string(DOCUMENT_TEMPLATE, screen_view(snapshot))
    flow, _running, charts = page_document_text(html)
    pdf_flow = without_charts(pdf_flow, charts)
    assert flow == pdf_flow, _first_difference(flow, pdf_flow)
    altered = html.replace("kính báo cáo", "báo cáo")
    assert page_document_text(altered)[0] != pdf_flow


# --- Keeping the end together ---------------------------------------------------------------
def _report_with_tasks(count: int):
    tasks = tuple(
        f"Nhiệm vụ trọng tâm số {n}: tiếp tục tuyên truyền, quán triệt đến cán bộ, đảng viên"
        for n in range(1, count + 1)
    )
    body = compose_body(
        leadership=("Đã quán triệt đến toàn thể cán bộ, công chức.",),
        sections=[],
        rows=(),
        indicators=(),
        issues=(),
        late=(),
        next_tasks=tasks,
        with_weekly_chart=False,
    )
    return small_snapshot(body=body)


def _page_texts(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages]


def _assert_end_kept_together(count: int) -> int:
    """Render a report ending with ``count`` tasks; its signature page must hold the closing
    paragraph and the last line of the body. Returns the number of pages."""
    printed = render_report_pdf(_report_with_tasks(count))
    pages = _page_texts(printed.content)
    signature = pages[printed.signature_box.page_index]
    assert "Nguyễn Anh Tuấn" in signature and "Nơi nhận:" in signature
    above = signature.split("Nơi nhận:")[0]
    for text in (f"Nhiệm vụ trọng tâm số {count}:", "kính báo cáo./."):
        assert text in above, (count, text, signature[:400])
    return len(pages)


def test_the_signature_is_never_alone_on_its_page():
    """Reports whose body ends ever lower on a page: from the first one that needs another
    page, for the next few lines of body, the page of the signature holds the closing
    paragraph and the last line of the body above it (with neither rule of
    report-document.css, counts 9 to 12 left the signature alone on the last page)."""
    count, first_pages = 6, _assert_end_kept_together(6)
    pages = first_pages
    while pages == first_pages:
        count += 1
        assert count < 40, "the report never grew by a page"
        pages = _assert_end_kept_together(count)
    for later in range(count + 1, count + 6):
        _assert_end_kept_together(later)
