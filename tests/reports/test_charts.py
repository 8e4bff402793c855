"""Server-drawn SVG charts: valid, accessible, deterministic, in the official colours."""

import datetime

import pytest
from lxml import etree

from directives.choices import BUCKET_COLOURS, BUCKET_ORDER, Bucket
from sonmai.lib import charts

SVG = "{http://www.w3.org/2000/svg}"
COUNTS = {Bucket.DONE_ON_TIME: 12, Bucket.DONE_LATE: 3, Bucket.OVERDUE: 2, Bucket.ONGOING: 9}
UNITS = [
    ("Phòng Văn hóa - Xã hội", 100),
    ("Trung tâm Phục vụ hành chính công", 42.5),
    ("Thôn 1", 0),
]
WEEKS = [(datetime.date(2026, 1, 18) + datetime.timedelta(weeks=w), 10.0 * w) for w in range(6)]


def parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode("utf-8"))


def every_chart():
    return [
        charts.bucket_totals_chart(COUNTS, title="Phân loại nhiệm vụ"),
        charts.unit_percent_chart(UNITS, title="Tỷ lệ hoàn thành theo đơn vị"),
        charts.weekly_done_chart(WEEKS, title="Tỷ lệ hoàn thành theo tuần"),
    ]


def test_every_chart_is_valid_accessible_svg():
    for svg in every_chart():
        root = parse(svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        assert root.get("aria-label")
        assert root.find(f"{SVG}title").text
        assert root.find(f"{SVG}desc").text
        assert root.get("viewBox").startswith("0 0 ")
        assert "script" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_charts_are_deterministic():
    assert every_chart() == every_chart()


def test_the_bucket_chart_uses_the_official_colours_and_vietnamese_labels():
    root = parse(charts.bucket_totals_chart(COUNTS, title="Phân loại nhiệm vụ"))
    fills = {rect.get("fill") for rect in root.iter(f"{SVG}rect")}
    assert {BUCKET_COLOURS[bucket] for bucket in BUCKET_ORDER} <= fills
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "Đã hoàn thành đúng hạn" in texts
    assert "12 (46,2%)" in texts  # 12 of 26, Vietnamese decimal comma
    assert "Tổng số: 26" in texts
    description = root.find(f"{SVG}desc").text
    assert "Đang thực hiện quá hạn: 2" in description


def test_the_unit_chart_wraps_long_names_and_states_each_percent():
    root = parse(charts.unit_percent_chart(UNITS, title="Đơn vị"))
    spans = [span.text for span in root.iter(f"{SVG}tspan")]
    assert "Trung tâm Phục vụ hành chính" in spans and "công" in spans
    texts = [text.text for text in root.iter(f"{SVG}text") if text.text]
    assert {"100%", "42,5%", "0%"} <= set(texts)


def test_the_weekly_chart_labels_dates_and_the_last_value():
    root = parse(charts.weekly_done_chart(WEEKS, title="Tuần"))
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "18/01" in texts and "22/02" in texts
    assert "50%" in texts
    assert root.find(f"{SVG}polyline") is not None


@pytest.mark.parametrize(
    "svg",
    [
        charts.bucket_totals_chart({}, title="Trống"),
        charts.unit_percent_chart([], title="Trống"),
        charts.weekly_done_chart([], title="Trống"),
        charts.weekly_done_chart(WEEKS[:1], title="Một tuần"),
    ],
)
def test_empty_data_still_gives_a_valid_chart(svg):
    assert parse(svg).get("role") == "img"


def test_text_from_the_data_is_escaped():
    svg = charts.unit_percent_chart([('Thôn <b>"A" & B</b>', 50)], title="A & B <c>")
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "A & B <c>"
    assert any("<b>" in (span.text or "") for span in root.iter(f"{SVG}tspan"))


def test_the_title_can_be_left_to_a_caption():
    with_title = parse(charts.bucket_totals_chart(COUNTS, title="Phân loại"))
    without = parse(charts.bucket_totals_chart(COUNTS, title="Phân loại", show_title=False))
    assert "Phân loại" in [t.text for t in with_title.iter(f"{SVG}text")]
    assert "Phân loại" not in [t.text for t in without.iter(f"{SVG}text")]
    assert without.find(f"{SVG}title").text == "Phân loại"
