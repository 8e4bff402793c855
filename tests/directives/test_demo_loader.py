"""The demo commune: Sơn Mai's dispatch loaded word for word and assigned as it says."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from directives.choices import AssignmentRole, Cadence, DocumentType
from directives.demo import DEMO_PASSWORD, ROLE_ACCOUNTS, load_demo_commune
from directives.models import Assignment, Directive, Section, Task
from directives.seed import SON_MAI_DISPATCH, SeedFormatError, parse_dispatch
from sonmai.lib.vntext import collapse_spaces
from units.choices import Role, UnitKind
from units.models import Organisation, Unit, User

TODAY = datetime.date(2026, 11, 28)
SEED_TEXT = SON_MAI_DISPATCH.read_text(encoding="utf-8")


@pytest.fixture
def demo(db):
    return load_demo_commune(today=TODAY, password=DEMO_PASSWORD)


def sign_in(client, username: str) -> bool:
    """``client.login`` with the request django-axes needs to count the attempt."""
    request = RequestFactory().post("/dang-nhap/")
    return client.login(request=request, username=username, password=DEMO_PASSWORD)


def test_seed_parser_finds_every_part_of_the_dispatch():
    parsed = parse_dispatch(SEED_TEXT)
    assert (parsed.number, parsed.symbol, parsed.month, parsed.year) == ("", "UBND-VP", 1, 2026)
    assert parsed.subject.startswith("triển khai Kết luận 221-KL/TW của Bộ Chính trị")
    assert parsed.subject.endswith("chính quyền địa phương 02 cấp")
    # Items are kept without the list's punctuation; the page and the report add it back.
    assert parsed.addressees == ["Các cơ quan, đơn vị thuộc UBND xã", "Trưởng thôn"]
    assert parsed.preamble[0].startswith("Thực hiện Công văn số 120/UBND-NC ngày 07/01/2026")
    assert parsed.closing.endswith("nghiêm túc tổ chức triển khai thực hiện./.")
    assert parsed.signer.recipients == ["Như trên", "CT, các PCT. UBND xã", "Lưu: VT"]
    assert (parsed.signer.title, parsed.signer.name) == ("CHỦ TỊCH", "Nguyễn Anh Tuấn")


def test_seed_parser_rejects_text_that_is_not_a_dispatch():
    with pytest.raises(SeedFormatError):
        parse_dispatch("Không phải công văn\n\n1. Một mục")


def test_three_sections_and_nine_tasks_word_for_word(demo):
    directive = demo.directive
    sections = list(directive.sections.order_by("number"))
    assert [(s.number, s.title) for s in sections] == [
        (1, "Trách nhiệm của Thủ trưởng các bộ phận chuyên môn thuộc UBND xã và Trưởng thôn"),
        (2, "Công tác đào tạo, bồi dưỡng cán bộ, công chức cấp xã"),
        (3, "Công tác theo dõi, báo cáo"),
    ]
    tasks = list(Task.objects.filter(section__directive=directive))
    assert [t.citation for t in tasks] == [
        "mục 1, ý 1",
        "mục 1, ý 2",
        "mục 1, ý 3",
        "mục 1, ý 4",
        "mục 1, ý 5",
        "mục 2, ý 1",
        "mục 2, ý 2",
        "mục 3, ý 1",
        "mục 3, ý 2",
    ]
    flat_seed = collapse_spaces(SEED_TEXT)
    for task in tasks:
        assert f"- {task.text}" in flat_seed, task.citation
    assert tasks[5].text == (
        "Triển khai thực hiện kế hoạch bồi dưỡng, nâng cao năng lực cho đội ngũ cán bộ, công "
        "chức cấp xã theo chỉ đạo của Ban Thường vụ Tỉnh ủy, UBND tỉnh."
    )
    assert tasks[7].text.startswith("Giao Phòng Văn hóa – Xã hội theo dõi, đôn đốc")
    assert tasks[7].text.endswith(
        "định kỳ hoặc đột xuất báo cáo UBND tỉnh (qua Sở Nội vụ) theo quy định."
    )


def test_the_directive_chain_runs_from_the_conclusion_to_the_dispatch(demo):
    chain = demo.directive.basis_chain()
    assert [d.title for d in chain] == [
        "Kết luận số 221-KL/TW ngày 28/11/2025 của Bộ Chính trị, Ban Bí thư",
        "Công văn số 120/UBND-NC ngày 07/01/2026 của UBND tỉnh Quảng Ngãi",
    ]
    assert demo.directive.number_line.startswith("Số:")
    assert demo.directive.number_line.endswith("/UBND-VP")
    assert demo.directive.place_date_line.startswith("Sơn Mai, ngày")
    assert demo.directive.place_date_line.endswith("tháng 01 năm 2026")
    assert demo.directive.document_type == DocumentType.DISPATCH


def test_sections_one_and_two_go_to_every_department_and_hamlet_and_three_to_vhxh(demo):
    commune = Organisation.objects.get(name="Ủy ban nhân dân xã Sơn Mai")
    leads = set(
        Unit.objects.filter(organisation=commune, kind__in=[UnitKind.DEPARTMENT, UnitKind.HAMLET])
    )
    assert len(leads) == 3 + 10
    for task in Task.objects.filter(section__directive=demo.directive, section__number__in=[1, 2]):
        lead_units = {a.unit for a in task.assignments.filter(role=AssignmentRole.LEAD)}
        assert lead_units == leads, task.citation
    for task in Task.objects.filter(section__directive=demo.directive, section__number=3):
        assert [(a.unit.code, a.role) for a in task.assignments.all()] == [
            ("VHXH", AssignmentRole.LEAD)
        ]
    rearrangement = Task.objects.get(section__directive=demo.directive, section__number=1, number=4)
    coordinating = rearrangement.assignments.filter(role=AssignmentRole.COORDINATING)
    assert {a.unit.kind for a in coordinating} == {UnitKind.SCHOOL, UnitKind.HEALTH_STATION}
    assert rearrangement.assignments.first().due_date == datetime.date(2025, 12, 31)


def test_ongoing_tasks_report_on_a_cadence_and_dated_tasks_have_a_deadline(demo):
    for assignment in Assignment.objects.filter(task__section__directive=demo.directive):
        assert assignment.due_date or assignment.cadence, assignment
        if assignment.completed_on:
            assert assignment.completed_on <= TODAY
    monthly = Assignment.objects.filter(task__section__number=3, task__number=1).get()
    assert (monthly.due_date, monthly.cadence) == (None, Cadence.MONTHLY)


def test_hamlets_and_schools_are_visibly_marked_as_demo(demo):
    hamlet = Unit.objects.get(name="Thôn 1")
    assert str(hamlet) == "Thôn 1 (mẫu)"
    assert not Unit.objects.get(code="VHXH").is_demo


def test_one_account_per_role_can_sign_in(demo, client):
    assert {account.role for account in ROLE_ACCOUNTS} == set(Role)
    for account in ROLE_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.role == account.role
        assert user.check_password(DEMO_PASSWORD)
        assert sign_in(client, account.username)


def test_only_the_administrator_uses_the_admin(demo, client):
    assert sign_in(client, "vanthu")
    assert client.get("/quan-tri/").status_code == 302  # to the admin's sign-in: not staff
    client.logout()
    assert sign_in(client, "quantri")
    assert client.get("/quan-tri/").status_code == 200


def test_loading_twice_creates_nothing_new_and_keeps_changes(demo):
    counts = [
        m.objects.count() for m in (Organisation, Unit, User, Directive, Section, Task, Assignment)
    ]
    changed = Assignment.objects.first()
    changed.percent_done = 99
    changed.save()
    again = load_demo_commune(today=TODAY, password=DEMO_PASSWORD)
    assert again.created == {}
    assert counts == [
        m.objects.count() for m in (Organisation, Unit, User, Directive, Section, Task, Assignment)
    ]
    changed.refresh_from_db()
    assert changed.percent_done == 99


def test_command_refuses_known_passwords_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo_commune")
    assert not User.objects.exists()


def test_command_without_passwords_creates_accounts_nobody_can_use(db, settings):
    settings.DEBUG = False
    call_command("load_demo_commune", "--without-passwords", stdout=io.StringIO())
    assert not User.objects.get(username="chutich").has_usable_password()


def test_command_with_debug_prints_the_accounts(db, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo_commune")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    for account in ROLE_ACCOUNTS:
        assert account.username in out
