"""What each page shows, to whom, and that its queries do not grow with its rows."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.choices import AssignmentStatus
from directives.demo import DEMO_PASSWORD, load_demo_commune
from directives.models import Assignment, Task
from tests import factories as f
from units.choices import Role
from units.models import User

NOW = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@pytest.fixture
def demo(db):
    return load_demo_commune(today=datetime.date(2026, 11, 28), password=DEMO_PASSWORD)


def test_directive_page_shows_the_document_with_its_nine_tasks_word_for_word(demo, client_for):
    officer = User.objects.get(username="vhxh")
    response = client_for(officer).get(
        reverse("directives:directive_detail", args=[demo.directive.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    for text in [
        "ỦY BAN NHÂN DÂN",
        "XÃ SƠN MAI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "/UBND-VP",
        "tháng 01 năm 2026",
        "Kính gửi:",
        "Các cơ quan, đơn vị thuộc UBND xã;",
        "Nơi nhận:",
        "Nguyễn Anh Tuấn",
        "CHỦ TỊCH",
        "Kết luận số 221-KL/TW ngày 28/11/2025 của Bộ Chính trị, Ban Bí thư",
        "Công văn số 120/UBND-NC ngày 07/01/2026 của UBND tỉnh Quảng Ngãi",
        "1. Trách nhiệm của Thủ trưởng các bộ phận chuyên môn thuộc UBND xã và Trưởng thôn",
        "2. Công tác đào tạo, bồi dưỡng cán bộ, công chức cấp xã",
        "3. Công tác theo dõi, báo cáo",
    ]:
        assert text in page, text
    for task in Task.objects.filter(section__directive=demo.directive):
        assert task.text in page
        assert task.citation in page
    assert "Đang thực hiện quá hạn" in page and "Đã hoàn thành đúng hạn" in page


def test_hamlet_head_sees_only_the_hamlets_own_assignments_on_the_directive(demo, client_for):
    hamlet_head = User.objects.get(username="truongthon1")
    page = (
        client_for(hamlet_head)
        .get(reverse("directives:directive_detail", args=[demo.directive.pk]))
        .content.decode()
    )
    assert "Thôn 1 (mẫu)" in page
    assert "Thôn 2 (mẫu)" not in page
    assert "Phòng Kinh tế" not in page.split("Kính gửi")[1].split("Nơi nhận")[0]


def test_unit_list_groups_work_by_urgency(cast, client_for):
    overdue = cast.assignment_b
    overdue.due_date = datetime.date(2026, 2, 1)
    overdue.save()
    cast.assignment_b_only.due_date = datetime.date(2026, 2, 14)
    cast.assignment_b_only.save()
    with time_machine.travel(NOW):
        page = (
            client_for(cast.unit_head_b).get(reverse("directives:my_assignments")).content.decode()
        )
    assert page.index("Quá hạn") < page.index("Quán triệt Kết luận") < page.index("Sắp đến hạn")
    assert page.index("Sắp đến hạn") < page.index("Rà soát chức năng")
    # Working days: 02/02–10/02 has seven; 11/02–13/02 three before the weekend.
    assert "Quá hạn 7 ngày làm việc" in page
    assert "Còn 3 ngày làm việc" in page


def test_unit_list_warns_when_progress_lags_time(cast, client_for):
    cast.assignment_b.status = AssignmentStatus.IN_PROGRESS
    cast.assignment_b.percent_done = 5
    cast.assignment_b.save()
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, tzinfo=NOW.tzinfo)):
        page = (
            client_for(cast.unit_head_b).get(reverse("directives:my_assignments")).content.decode()
        )
    assert "Có nguy cơ chậm" in page


def test_leader_without_a_unit_is_pointed_to_the_overview(cast, client_for):
    page = client_for(cast.chairman).get(reverse("directives:my_assignments")).content.decode()
    assert "không gắn với đơn vị nào" in page


def test_home_takes_units_to_their_list_and_leaders_to_the_overview(cast, client_for):
    assert client_for(cast.hamlet_head_a).get("/").url == reverse("directives:my_assignments")
    page = client_for(cast.chairman).get("/").content.decode()
    assert "Triển khai Kết luận thử" in page
    assert "Đang thực hiện trong hạn" in page


def build_commune(units: int, tasks: int):
    commune = f.OrganisationFactory()
    unit_list = [f.UnitFactory(organisation=commune) for _ in range(units)]
    directive = f.DirectiveFactory(organisation=commune)
    section = f.SectionFactory(directive=directive, number=1)
    assignments = []
    for number in range(1, tasks + 1):
        task = f.TaskFactory(section=section, number=number)
        assignments += [
            Assignment(
                task=task,
                unit=unit,
                due_date=datetime.date(2026, 3, 1),
                assigned_on=datetime.date(2026, 1, 1),
            )
            for unit in unit_list
        ]
    Assignment.objects.bulk_create(assignments)
    officer = f.UserFactory(organisation=commune, role=Role.MONITORING_OFFICER, unit=unit_list[0])
    return directive, officer, Assignment.objects.filter(task__section=section).first()


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "page",
    [
        "home",
        "directives:directive_list",
        "directives:directive_detail",
        "directives:my_assignments",
        "directives:assignment_detail",
    ],
)
def test_queries_do_not_grow_with_rows(db, client_for, page):
    counts = []
    for units, tasks in [(2, 2), (12, 15)]:
        directive, officer, assignment = build_commune(units, tasks)
        args = {
            "directives:directive_detail": [directive.pk],
            "directives:assignment_detail": [assignment.pk],
        }.get(page, [])
        counts.append(count_queries(client_for(officer), reverse(page, args=args)))
    assert counts[0] == counts[1], counts
