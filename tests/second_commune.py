"""A second commune, in another province, for tests that prove nothing of Sơn Mai leaks out.

Xã Nam Đàn (tỉnh Nghệ An, formed on 1 July 2025) reports to UBND tỉnh Nghệ An through its Sở
Nội vụ. Its directives are followed by its office (Văn phòng HĐND và UBND), not by a
Culture–Society office: it has none here, so any "Văn hóa - Xã hội" on its pages would come
from somewhere that still thinks of Sơn Mai. Its hamlets are "xóm", as in Nghệ An.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from directives.choices import AssignmentStatus, DocumentType
from reports.models import ReportSchedule
from tests import factories as f
from units.choices import OrganisationLevel, Role, UnitKind
from units.models import Organisation

#: Words that belong to Sơn Mai (and its province, its office, its conclusion): none of them
#: may appear in what Nam Đàn's people read.
SON_MAI_WORDS = ("Sơn Mai", "Quảng Ngãi", "Văn hóa - Xã hội", "VHXH", "VH-XH", "221")


@dataclass
class SecondCommune:
    commune: object
    province: object
    office: object  # Văn phòng HĐND và UBND: follows the directive and drafts the report
    economy: object
    hamlet: object
    directive: object
    assignment_economy: object
    assignment_hamlet: object
    chairman: object
    officer: object
    clerk: object
    economy_head: object
    hamlet_head: object
    schedule: object


def make_second_commune() -> SecondCommune:
    province = f.OrganisationFactory(
        name="Ủy ban nhân dân tỉnh Nghệ An",
        short_name="UBND tỉnh Nghệ An",
        level=OrganisationLevel.PROVINCE,
        hosts_portal=False,
        document_header="ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN",
        place_name="Nghệ An",
    )
    home_affairs = f.OrganisationFactory(
        name="Sở Nội vụ tỉnh Nghệ An",
        short_name="Sở Nội vụ",
        level=OrganisationLevel.PROVINCE_DEPARTMENT,
        hosts_portal=False,
        parent=province,
        place_name="Nghệ An",
        document_code="SNV",
    )
    commune: Organisation = f.OrganisationFactory(  # type: ignore[assignment]  # factory_boy builds the model
        name="Ủy ban nhân dân xã Nam Đàn",
        short_name="UBND xã Nam Đàn",
        parent=province,
        report_via=home_affairs,
        document_header="ỦY BAN NHÂN DÂN\nXÃ NAM ĐÀN",
        place_name="Nam Đàn",
    )
    office = f.UnitFactory(organisation=commune, name="Văn phòng HĐND và UBND", code="VP")
    economy = f.UnitFactory(organisation=commune, name="Phòng Kinh tế", code="KT")
    hamlet = f.UnitFactory(
        organisation=commune, name="Xóm Kim Liên", code="KL", kind=UnitKind.HAMLET
    )
    commune.monitoring_unit = office  # type: ignore[assignment]  # factory_boy builds the model
    commune.save(update_fields=["monitoring_unit"])

    def person(username: str, full_name: str, role: str, unit=None):
        return f.UserFactory(
            username=username,
            full_name=full_name,
            role=role,
            unit=unit,
            organisation=commune,
            email=f"{username}@namdan.example.test",
        )

    chairman = person("nd_chutich", "Nguyễn Văn Lâm", Role.CHAIRMAN)
    officer = person("nd_theodoi", "Trần Thị Thu", Role.MONITORING_OFFICER, office)
    clerk = person("nd_vanthu", "Phan Thị Hà", Role.CLERK, office)
    economy_head = person("nd_kinhte", "Hồ Đức Minh", Role.UNIT_HEAD, economy)
    hamlet_head = person("nd_xom", "Lê Văn Tình", Role.HAMLET_HEAD, hamlet)

    directive = f.DirectiveFactory(
        organisation=commune,
        issuing_body=commune,
        document_type=DocumentType.PLAN,
        number="35",
        symbol="KH-UBND",
        issued_on=datetime.date(2026, 1, 15),
        subject="Thực hiện chuyển đổi số trong hoạt động của Ủy ban nhân dân xã năm 2026",
        monitoring_unit=office,
    )
    section = f.SectionFactory(directive=directive, number=1, title="Nhiệm vụ cụ thể")
    task_portal = f.TaskFactory(
        section=section,
        number=1,
        short_title="Số hóa hồ sơ một cửa",
        text="Số hóa hồ sơ thủ tục hành chính tiếp nhận tại bộ phận một cửa.",
    )
    task_meetings = f.TaskFactory(
        section=section,
        number=2,
        short_title="Họp xóm về dịch vụ công",
        text="Tổ chức họp xóm hướng dẫn Nhân dân sử dụng dịch vụ công trực tuyến.",
    )
    assignment_economy = f.AssignmentFactory(
        task=task_portal,
        unit=economy,
        assigned_on=datetime.date(2026, 1, 15),
        due_date=datetime.date(2026, 3, 31),
        status=AssignmentStatus.IN_PROGRESS,
        percent_done=40,
    )
    assignment_hamlet = f.AssignmentFactory(
        task=task_meetings,
        unit=hamlet,
        assigned_on=datetime.date(2026, 1, 15),
        due_date=datetime.date(2026, 2, 27),
    )
    schedule = ReportSchedule.objects.create(organisation=commune, kind="monthly")
    return SecondCommune(
        commune=commune,
        province=province,
        office=office,
        economy=economy,
        hamlet=hamlet,
        directive=directive,
        assignment_economy=assignment_economy,
        assignment_hamlet=assignment_hamlet,
        chairman=chairman,
        officer=officer,
        clerk=clerk,
        economy_head=economy_head,
        hamlet_head=hamlet_head,
        schedule=schedule,
    )
