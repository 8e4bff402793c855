"""The demo commune: xã Sơn Mai, its units, one account per role and the real dispatch.

``load_demo_commune`` is idempotent: it creates what is missing and leaves alone what exists,
so running it again never duplicates rows nor undoes what people did in the demo.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from directives.choices import AssignmentRole, AssignmentStatus, Cadence, DocumentType, TaskType
from directives.models import Assignment, Directive, Section, Task
from directives.seed import ParsedDispatch, load_son_mai_dispatch
from units.choices import OrganisationLevel, Role, UnitKind
from units.models import Organisation, Unit, User

#: Known password of every demo account; the command refuses to set it when DEBUG is off.
DEMO_PASSWORD = "sonmai2026"  # noqa: S105 - documented demo credential, guarded by DEBUG
DEMO_ASSIGNED_ON = datetime.date(2026, 1, 12)
HAMLET_COUNT = 10

# (name, code, kind, is_demo). Department names follow Decree 150/2025; school names are
# placeholders because the commune's real school list was not found.
UNITS = [
    ("Văn phòng HĐND và UBND", "VP", UnitKind.DEPARTMENT, False),
    ("Phòng Kinh tế", "KT", UnitKind.DEPARTMENT, False),
    ("Phòng Văn hóa - Xã hội", "VHXH", UnitKind.DEPARTMENT, False),
    ("Trung tâm Phục vụ hành chính công", "TTPVHCC", UnitKind.SERVICE_CENTRE, False),
    ("Trạm Y tế xã", "TYT", UnitKind.HEALTH_STATION, False),
    ("Trường Mầm non Sơn Mai", "MN", UnitKind.SCHOOL, True),
    ("Trường Tiểu học Sơn Mai", "TH", UnitKind.SCHOOL, True),
    ("Trường THCS Sơn Mai", "THCS", UnitKind.SCHOOL, True),
] + [(f"Thôn {n}", f"T{n}", UnitKind.HAMLET, True) for n in range(1, HAMLET_COUNT + 1)]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: Role
    unit_code: str = ""
    position_title: str = ""
    is_staff: bool = False


#: One account per role first (these are the ones the README lists), then every other head.
ROLE_ACCOUNTS = [
    DemoAccount("chutich", "Nguyễn Anh Tuấn", Role.CHAIRMAN, "", "Chủ tịch UBND xã"),
    DemoAccount("phochutich", "Phạm Thị Hoa", Role.VICE_CHAIRMAN, "", "Phó Chủ tịch UBND xã"),
    DemoAccount(
        "vhxh",
        "Lê Thị Mai",
        Role.MONITORING_OFFICER,
        "VHXH",
        "Công chức Phòng Văn hóa - Xã hội",
        is_staff=True,
    ),
    DemoAccount("vanthu", "Đinh Thị Lan", Role.CLERK, "VP", "Văn thư", is_staff=True),
    DemoAccount("truongphong.kt", "Hồ Văn Nam", Role.UNIT_HEAD, "KT", "Trưởng phòng Kinh tế"),
    DemoAccount("truongthon1", "Đinh Văn Sơn", Role.HAMLET_HEAD, "T1", "Trưởng thôn Thôn 1"),
    DemoAccount("canbo.kt", "Võ Thị Hạnh", Role.UNIT_STAFF, "KT", "Công chức Phòng Kinh tế"),
]
OTHER_HEADS = [
    DemoAccount("chanhvanphong", "Trần Văn Hùng", Role.UNIT_HEAD, "VP", "Chánh Văn phòng"),
    DemoAccount(
        "truongphong.vhxh",
        "Nguyễn Thị Thu",
        Role.UNIT_HEAD,
        "VHXH",
        "Trưởng phòng Văn hóa - Xã hội",
    ),
    DemoAccount(
        "giamdoc.ttpvhcc",
        "Phan Văn Long",
        Role.UNIT_HEAD,
        "TTPVHCC",
        "Giám đốc Trung tâm Phục vụ hành chính công",
    ),
    DemoAccount("tramtruong.tyt", "Lê Văn Phúc", Role.UNIT_HEAD, "TYT", "Trạm trưởng Trạm Y tế"),
    DemoAccount("hieutruong.mn", "Đỗ Thị Nga", Role.UNIT_HEAD, "MN", "Hiệu trưởng"),
    DemoAccount("hieutruong.th", "Bùi Văn Tâm", Role.UNIT_HEAD, "TH", "Hiệu trưởng"),
    DemoAccount("hieutruong.thcs", "Trương Thị Yến", Role.UNIT_HEAD, "THCS", "Hiệu trưởng"),
] + [
    DemoAccount(
        f"truongthon{n}",
        f"Trưởng thôn {n} (mẫu)",
        Role.HAMLET_HEAD,
        f"T{n}",
        f"Trưởng thôn Thôn {n}",
    )
    for n in range(2, HAMLET_COUNT + 1)
]

# Task metadata that the dispatch does not write down: a short name, the type of output
# expected, and the deadline or reporting cadence the monitoring office set.
# key: (section, item) → (short title, type, due date, cadence, report day)
TASK_PLAN = {
    (1, 1): (
        "Quán triệt, tuyên truyền Kết luận 221-KL/TW",
        TaskType.DO,
        datetime.date(2026, 2, 28),
        Cadence.NONE,
        15,
    ),
    (1, 2): (
        "Nâng cao nhận thức, đề xuất giải pháp kiện toàn bộ máy",
        TaskType.REVIEW,
        None,
        Cadence.QUARTERLY,
        15,
    ),
    (1, 3): (
        "Nắm bắt tình hình, tổng hợp khó khăn, vướng mắc",
        TaskType.REPORT,
        None,
        Cadence.MONTHLY,
        15,
    ),
    (1, 4): (
        "Sắp xếp bộ máy; kiện toàn trường học, trạm y tế",
        TaskType.DO,
        datetime.date(2025, 12, 31),
        Cadence.NONE,
        15,
    ),
    (1, 5): (
        "Hoàn thiện quy định chức năng, nhiệm vụ các bộ phận",
        TaskType.REVIEW,
        datetime.date(2026, 6, 30),
        Cadence.NONE,
        15,
    ),
    (2, 1): (
        "Thực hiện kế hoạch bồi dưỡng cán bộ, công chức",
        TaskType.DO,
        datetime.date(2026, 12, 31),
        Cadence.QUARTERLY,
        15,
    ),
    (2, 2): (
        "Cử cán bộ, công chức dự các lớp bồi dưỡng năm 2026",
        TaskType.DO,
        datetime.date(2026, 12, 31),
        Cadence.QUARTERLY,
        15,
    ),
    (3, 1): (
        "Theo dõi, đôn đốc, báo cáo UBND tỉnh (qua Sở Nội vụ)",
        TaskType.REPORT,
        None,
        Cadence.MONTHLY,
        20,
    ),
    (3, 2): ("Phản ánh, kiến nghị khó khăn, vướng mắc", TaskType.REPORT, None, Cadence.MONTHLY, 15),
}


@dataclass
class DemoResult:
    created: dict[str, int] = field(default_factory=dict)
    directive: Directive | None = None

    def count(self, what: str, created: bool) -> None:
        if created:
            self.created[what] = self.created.get(what, 0) + 1


def _organisations(result: DemoResult) -> tuple[Organisation, Organisation, Organisation]:
    politburo, created = Organisation.objects.get_or_create(
        name="Bộ Chính trị, Ban Bí thư",
        defaults={
            "short_name": "Bộ Chính trị, Ban Bí thư",
            "level": OrganisationLevel.PARTY_CENTRAL,
            "document_header": "BAN CHẤP HÀNH TRUNG ƯƠNG\n*",
        },
    )
    result.count("cơ quan", created)
    province, created = Organisation.objects.get_or_create(
        name="Ủy ban nhân dân tỉnh Quảng Ngãi",
        defaults={
            "short_name": "UBND tỉnh Quảng Ngãi",
            "level": OrganisationLevel.PROVINCE,
            "document_header": "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI",
            "place_name": "Quảng Ngãi",
            "administrative_code": "51",
            "document_code": "UBND",
        },
    )
    result.count("cơ quan", created)
    home_affairs, created = Organisation.objects.get_or_create(
        name="Sở Nội vụ tỉnh Quảng Ngãi",
        defaults={
            "short_name": "Sở Nội vụ",
            "level": OrganisationLevel.PROVINCE_DEPARTMENT,
            "parent": province,
            "place_name": "Quảng Ngãi",
            "document_code": "SNV",
        },
    )
    result.count("cơ quan", created)
    commune, created = Organisation.objects.get_or_create(
        name="Ủy ban nhân dân xã Sơn Mai",
        defaults={
            "short_name": "UBND xã Sơn Mai",
            "level": OrganisationLevel.COMMUNE,
            "parent": province,
            "report_via": home_affairs,
            "hosts_portal": True,
            "document_header": "ỦY BAN NHÂN DÂN\nXÃ SƠN MAI",
            "place_name": "Sơn Mai",
            "administrative_code": "21349",
            "document_code": "UBND",
        },
    )
    result.count("cơ quan", created)
    return politburo, province, commune


def _units(commune: Organisation, result: DemoResult) -> dict[str, Unit]:
    units = {}
    for position, (name, code, kind, is_demo) in enumerate(UNITS, start=1):
        unit, created = Unit.objects.get_or_create(
            organisation=commune,
            name=name,
            defaults={"code": code, "kind": kind, "is_demo": is_demo, "position": position},
        )
        result.count("đơn vị", created)
        units[code] = unit
    return units


def _staff_group() -> Group:
    """Clerk and monitoring officer register directives and assignments in the admin."""
    group, _created = Group.objects.get_or_create(name="Đăng ký văn bản")
    codenames = [
        f"{action}_{model}"
        for model in ("directive", "section", "task", "assignment")
        for action in ("add", "change", "view")
    ] + ["view_unit", "view_organisation"]
    group.permissions.set(Permission.objects.filter(codename__in=codenames))
    return group


def _accounts(
    commune: Organisation, units: dict[str, Unit], result: DemoResult, *, password: str | None
) -> None:
    group = _staff_group()
    for account in ROLE_ACCOUNTS + OTHER_HEADS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "full_name": account.full_name,
                "organisation": commune,
                "unit": units.get(account.unit_code),
                "role": account.role,
                "position_title": account.position_title,
                "is_staff": account.is_staff,
                "email": f"{account.username}@sonmai.localhost",
            },
        )
        if created:
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save(update_fields=["password"])
            if account.is_staff:
                user.groups.add(group)
        result.count("tài khoản", created)


def _directive_chain(
    commune: Organisation,
    politburo: Organisation,
    province: Organisation,
    units: dict[str, Unit],
    dispatch: ParsedDispatch,
    result: DemoResult,
) -> Directive:
    conclusion, created = Directive.objects.get_or_create(
        organisation=commune,
        issuing_body=politburo,
        document_type=DocumentType.CONCLUSION,
        number="221",
        symbol="KL/TW",
        defaults={
            "issued_on": datetime.date(2025, 11, 28),
            "issued_month": 11,
            "issued_year": 2025,
            "subject": "Về tình hình, kết quả hoạt động của bộ máy hệ thống chính trị và chính "
            "quyền địa phương 02 cấp",
        },
    )
    result.count("văn bản", created)
    provincial, created = Directive.objects.get_or_create(
        organisation=commune,
        issuing_body=province,
        document_type=DocumentType.DISPATCH,
        number="120",
        symbol="UBND-NC",
        defaults={
            "issued_on": datetime.date(2026, 1, 7),
            "issued_month": 1,
            "issued_year": 2026,
            "subject": "Về việc triển khai Kết luận 221-KL/TW của Bộ Chính trị, Ban Bí thư về "
            "kết quả hoạt động của bộ máy hệ thống chính trị và chính quyền địa "
            "phương 2 cấp",
        },
    )
    result.count("văn bản", created)
    provincial.basis.add(conclusion)

    directive, created = Directive.objects.get_or_create(
        organisation=commune,
        issuing_body=commune,
        document_type=DocumentType.DISPATCH,
        number=dispatch.number,
        symbol=dispatch.symbol,
        subject=dispatch.subject,
        defaults={
            "issued_month": dispatch.month,
            "issued_year": dispatch.year,
            "signer_title": dispatch.signer_title.capitalize(),
            "signer_name": dispatch.signer_name,
            "addressees": "\n".join(dispatch.addressees),
            "preamble": "\n".join(dispatch.preamble),
            "closing": dispatch.closing,
            "distribution": "\n".join(dispatch.distribution),
            "monitoring_unit": units["VHXH"],
        },
    )
    result.count("văn bản", created)
    directive.basis.add(provincial)

    for parsed_section in dispatch.sections:
        section, created = Section.objects.get_or_create(
            directive=directive,
            number=parsed_section.number,
            defaults={"title": parsed_section.title},
        )
        result.count("mục", created)
        for number, text in enumerate(parsed_section.tasks, start=1):
            short_title, task_type, *_rest = TASK_PLAN[(section.number, number)]
            _task, created = Task.objects.get_or_create(
                section=section,
                number=number,
                defaults={"text": text, "short_title": short_title, "task_type": task_type},
            )
            result.count("nhiệm vụ", created)
    return directive


def _assignees(section: int, item: int, units: dict[str, Unit]) -> list[tuple[Unit, str]]:
    """Who the dispatch gives each task to.

    Sections 1 and 2 go to every department head (Thủ trưởng các bộ phận chuyên môn) and every
    hamlet head; section 3 names Phòng Văn hóa - Xã hội. Item 1.4 is about schools and the
    health station, so those take part as coordinating units.
    """
    if section == 3:
        return [(units["VHXH"], AssignmentRole.LEAD)]
    leads = [u for u in units.values() if u.kind in (UnitKind.DEPARTMENT, UnitKind.HAMLET)]
    assignees = [(unit, AssignmentRole.LEAD) for unit in leads]
    if (section, item) == (1, 4):
        assignees += [
            (u, AssignmentRole.COORDINATING)
            for u in units.values()
            if u.kind in (UnitKind.SCHOOL, UnitKind.HEALTH_STATION)
        ]
    return assignees


def _demo_progress(
    key: tuple[int, int], index: int, due: datetime.date | None, today: datetime.date
) -> dict[str, object]:
    """A believable spread of progress, so the pages show every classification.

    Deterministic by task and unit position; a completion date after ``today`` is never set.
    """
    start = DEMO_ASSIGNED_ON + datetime.timedelta(days=3 + index % 5)
    if start > today:
        return {}
    if due is None:  # ongoing: everyone is working on it
        return {
            "status": AssignmentStatus.IN_PROGRESS,
            "percent_done": 40 + (index * 7) % 50,
            "started_on": start,
        }
    if due >= datetime.date(2026, 12, 1):  # the year's training plan: under way
        percent = [0, 60, 75, 45, 30, 80, 55, 20, 65, 70, 50, 85, 35][index % 13]
        if percent == 0:
            return {}
        return {
            "status": AssignmentStatus.IN_PROGRESS,
            "percent_done": percent,
            "started_on": start,
        }
    if index % 7 == 6:  # one unit in seven is still behind on a dated task
        return {"status": AssignmentStatus.IN_PROGRESS, "percent_done": 50, "started_on": start}
    late = (index + key[1]) % 4 == 0 or due < DEMO_ASSIGNED_ON
    completed = (
        due + datetime.timedelta(days=12 + index)
        if late
        else due - datetime.timedelta(days=5 + index)
    )
    if completed > today:
        return {"status": AssignmentStatus.IN_PROGRESS, "percent_done": 70, "started_on": start}
    return {
        "status": AssignmentStatus.DONE,
        "percent_done": 100,
        "started_on": start,
        "completed_on": max(completed, start),
    }


def _assignments(
    directive: Directive, units: dict[str, Unit], result: DemoResult, today: datetime.date
) -> None:
    tasks = Task.objects.filter(section__directive=directive).select_related("section")
    for task in tasks:
        key = (task.section.number, task.number)
        _title, _type, due, cadence, report_day = TASK_PLAN[key]
        for index, (unit, role) in enumerate(_assignees(*key, units)):
            defaults = {
                "role": role,
                "due_date": due,
                "cadence": cadence,
                "report_day": report_day,
                "assigned_on": DEMO_ASSIGNED_ON,
            }
            defaults |= _demo_progress(key, index, due, today)
            _assignment, created = Assignment.objects.get_or_create(
                task=task, unit=unit, defaults=defaults
            )
            result.count("phân công", created)


@transaction.atomic
def load_demo_commune(*, today: datetime.date, password: str | None) -> DemoResult:
    """Create the demo commune. With ``password`` None, accounts get unusable passwords."""
    result = DemoResult()
    dispatch = load_son_mai_dispatch()
    politburo, province, commune = _organisations(result)
    units = _units(commune, result)
    _accounts(commune, units, result, password=password)
    directive = _directive_chain(commune, politburo, province, units, dispatch, result)
    _assignments(directive, units, result, today)
    result.directive = directive
    return result
