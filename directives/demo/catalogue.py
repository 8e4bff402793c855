"""What the demo commune is made of: units, accounts, and the plan for each task."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from directives.choices import AssignmentRole, Cadence, TaskType
from units.choices import UNIT_HEAD_ROLES, Role, UnitKind
from units.models import Unit

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
        "vhxh", "Lê Thị Mai", Role.MONITORING_OFFICER, "VHXH", "Công chức Phòng Văn hóa - Xã hội"
    ),
    DemoAccount("vanthu", "Đinh Thị Lan", Role.CLERK, "VP", "Văn thư"),
    DemoAccount("truongphong.kt", "Hồ Văn Nam", Role.UNIT_HEAD, "KT", "Trưởng phòng Kinh tế"),
    DemoAccount("truongthon1", "Đinh Văn Sơn", Role.HAMLET_HEAD, "T1", "Trưởng thôn Thôn 1"),
    DemoAccount("canbo.kt", "Võ Thị Hạnh", Role.UNIT_STAFF, "KT", "Công chức Phòng Kinh tế"),
]
#: The admin is for whoever keeps the system (units, people, holidays), not for daily work:
#: directives are registered on the portal's pages.
ADMIN_ACCOUNTS = [
    DemoAccount("quantri", "Quản trị hệ thống", "", "", "Quản trị hệ thống", is_staff=True),
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


def assignees(section: int, item: int, units: dict[str, Unit]) -> list[tuple[Unit, str]]:
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


#: Who writes each unit's updates in the demo (the unit head or hamlet head).
UNIT_HEADS = {
    account.unit_code: account.username
    for account in ROLE_ACCOUNTS + OTHER_HEADS
    if account.role in UNIT_HEAD_ROLES
}
MONITORING_OFFICER = "vhxh"

#: Figures the monitoring office asks for, per task: (name, unit of measure).
INDICATORS = {
    (1, 1): [
        ("Số hội nghị, buổi quán triệt đã tổ chức", "cuộc"),
        ("Số lượt người tham dự", "lượt người"),
    ],
    (2, 1): [("Số lớp bồi dưỡng đã tổ chức hoặc tham gia", "lớp")],
    (2, 2): [("Số cán bộ, công chức được cử đi bồi dưỡng", "người")],
}

#: What a unit typically reports for each task.
RESULTS = {
    (1, 1): "Đã tổ chức hội nghị quán triệt Kết luận 221-KL/TW cho cán bộ, công chức và "
    "Nhân dân; tuyên truyền trên hệ thống truyền thanh cơ sở.",
    (1, 2): "Đã tổ chức sinh hoạt chuyên đề nâng cao tinh thần trách nhiệm của cán bộ, công "
    "chức; rà soát, đề xuất giải pháp kiện toàn bộ máy.",
    (1, 3): "Đã nắm bắt tình hình thực tế tại địa phương, tổng hợp khó khăn, vướng mắc phát "
    "sinh gửi Phòng Văn hóa - Xã hội.",
    (1, 4): "Đã rà soát, sắp xếp tổ chức bộ máy theo hướng dẫn; phối hợp kiện toàn trường học, "
    "trạm y tế, bảo đảm cung ứng dịch vụ công không gián đoạn.",
    (1, 5): "Đã rà soát quy định về chức năng, nhiệm vụ, quyền hạn; phân công nhiệm vụ rõ "
    "ràng, không chồng chéo.",
    (2, 1): "Đang triển khai kế hoạch bồi dưỡng năm 2026 theo chỉ đạo của UBND tỉnh.",
    (2, 2): "Đã cử cán bộ, công chức tham gia các lớp bồi dưỡng theo kế hoạch của UBND tỉnh.",
    (3, 1): "Đã theo dõi, đôn đốc các cơ quan, đơn vị; tổng hợp báo cáo tháng gửi UBND tỉnh "
    "(qua Sở Nội vụ).",
    (3, 2): "Đã tổng hợp, phản ánh kịp thời các khó khăn, vướng mắc của các đơn vị.",
}
DIFFICULTIES = {
    (1, 3): "Thôn chưa có người phụ trách công tác văn hóa - xã hội sau khi sắp xếp.",
    (2, 1): "Kinh phí bồi dưỡng năm 2026 chưa được phân bổ.",
}
PROPOSALS = {
    (1, 3): "Đề nghị UBND xã hướng dẫn cơ chế phối hợp giữa thôn và các bộ phận chuyên môn.",
    (2, 1): "Đề nghị UBND tỉnh sớm phân bổ kinh phí bồi dưỡng cho cấp xã.",
}
