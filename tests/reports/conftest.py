"""Shared, expensive things of the report tests, built once per session.

Snapshots are frozen values, so one rendering serves many tests: the demo report (from the demo
commune, loaded in a rolled-back transaction), its draft, a small hand-made report, a medium
synthetic one whose tables span pages, and the demo PDF signed with a throwaway certificate.
"""

import datetime
import io

import pypdf
import pytest
from django.db import transaction
from django.test import override_settings

from directives.demo import load_demo_commune
from reports.assemble import compose_body
from reports.demo import CHAIRMAN_LINES, DEMO_PERIOD, demo_snapshot, large_snapshot
from reports.renderers.pdf import render_report_pdf
from reports.signing import create_self_signed_certificate, sign_report_pdf
from reports.snapshot import (
    VIETNAM,
    BucketCounts,
    ChartData,
    DirectiveReference,
    OrganisationInfo,
    Period,
    ReportSnapshot,
    Signer,
    TaskResult,
    TaskResults,
    UnitRow,
)

SON_MAI = OrganisationInfo(
    name="Ủy ban nhân dân xã Sơn Mai",
    short_name="UBND xã Sơn Mai",
    header_lines=("ỦY BAN NHÂN DÂN", "XÃ SƠN MAI"),
    place_name="Sơn Mai",
    document_code="UBND",
    administrative_code="21349",
    edxml_organ_id="000.00.00.X01",
)


def small_snapshot(**changes) -> ReportSnapshot:
    """A short report written by hand: no database, renders in a fraction of a second."""
    rows = (
        UnitRow("Phòng Văn hóa - Xã hội", BucketCounts(done_on_time=2, in_progress=1)),
        UnitRow("Thôn Đồng Xoài", BucketCounts(overdue=1, ongoing=1), datetime.date(2026, 1, 5)),
    )
    results = TaskResults(
        (
            TaskResult("1.1", "Quán triệt Kết luận", BucketCounts(done_on_time=2, overdue=1)),
            TaskResult(
                "1.2", "Rà soát chức năng", BucketCounts(in_progress=1, ongoing=1), "Đã rà soát."
            ),
        )
    )
    values = {
        "organisation": SON_MAI,
        "number": 12,
        "symbol": "BC-UBND",
        "issued_on": datetime.date(2026, 1, 7),
        "year": 2026,
        "subject": "Kết quả triển khai thực hiện Kết luận số 221-KL/TW tháng 12 năm 2025",
        "period": Period(
            "tháng 12 năm 2025", datetime.date(2025, 12, 15), datetime.date(2026, 1, 4)
        ),
        "recipients": ("Ủy ban nhân dân tỉnh Quảng Ngãi (qua Sở Nội vụ)",),
        "source_directive": DirectiveReference("…/UBND-VP", "Công văn số …/UBND-VP", "Triển khai"),
        "introduction": ("Ủy ban nhân dân xã Sơn Mai báo cáo như sau:",),
        "body": compose_body(
            leadership=("Đã quán triệt đến toàn thể cán bộ, công chức.",),
            sections=[("Trách nhiệm của các bộ phận", results)],
            rows=rows,
            indicators=(),
            issues=(),
            late=(),
            next_tasks=("Tiếp tục tuyên truyền",),
            with_weekly_chart=False,
        ),
        "closing": ("Ủy ban nhân dân xã Sơn Mai kính báo cáo.",),
        "charts": ChartData(bucket_totals=rows[0].counts + rows[1].counts),
        "distribution": ("Như trên", "CT, các PCT UBND xã", "Lưu: VT, VHXH"),
        "signer": Signer(CHAIRMAN_LINES, "Nguyễn Anh Tuấn"),
        "signed_at": datetime.datetime(2026, 1, 7, 9, 30, 15, tzinfo=VIETNAM),
    }
    values.update(changes)
    return ReportSnapshot(**values)


def pytest_collection_modifyitems(items):
    """Tests that use the demo report need the test database to exist (it is built from it)."""
    for item in items:
        if "demo" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.django_db)


def pdf_reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


@pytest.fixture(scope="session")
def demo(django_db_setup, django_db_blocker) -> ReportSnapshot:
    """The approved demo report (no. 05, 19/02/2026), from the demo commune."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_commune(today=DEMO_PERIOD.data_to, password=None)
        snapshot = demo_snapshot()
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture(scope="session")
def demo_pdf(demo):
    return render_report_pdf(demo)


@pytest.fixture(scope="session")
def draft_pdf(demo):
    return render_report_pdf(demo.with_changes(number=None, issued_on=None, signed_at=None))


@pytest.fixture(scope="session")
def small_pdf():
    return render_report_pdf(small_snapshot())


@pytest.fixture(scope="session")
def medium():
    """40 units × 20 tasks: the unit table spans pages, the matrix splits in two."""
    return large_snapshot(units=40, tasks=20)


@pytest.fixture(scope="session")
def medium_pdf(medium):
    return render_report_pdf(medium)


@pytest.fixture(scope="session")
def credentials(tmp_path_factory):
    return create_self_signed_certificate(
        tmp_path_factory.mktemp("signing"),
        common_name="UBND xã Sơn Mai",
        organisation="Ủy ban nhân dân xã Sơn Mai",
        locality="Sơn Mai",
        province="Quảng Ngãi",
    )


@pytest.fixture(scope="session")
def other_credentials(tmp_path_factory):
    return create_self_signed_certificate(
        tmp_path_factory.mktemp("other"), common_name="Cơ quan khác", organisation="Cơ quan khác"
    )


@pytest.fixture(scope="session")
def signed_pdf(demo, demo_pdf, credentials) -> bytes:
    return sign_report_pdf(
        demo_pdf.content, snapshot=demo, box=demo_pdf.signature_box, credentials=credentials
    )


@pytest.fixture
def commune_certificate(credentials):
    """The settings point at the throwaway commune certificate."""
    with override_settings(
        REPORT_SIGNING_CERT=credentials.cert_path, REPORT_SIGNING_KEY=credentials.key_path
    ):
        yield credentials
