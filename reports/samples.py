"""SAMPLE content for the demo report, the tests and the benchmarks — never real figures.

Indicators, difficulties, proposals, explanations and narrative are not in the database yet
(progress updates, indicators and difficulty tracking are being built). Until they are, the demo
report takes these. Every sample figure and issue is marked "(mẫu)" where it is printed, like the
demo hamlets and schools, and a report built with them carries ``sample_data`` so each page says
"SỐ LIỆU MẪU".
"""

from __future__ import annotations

from reports.choices import IssueCategory, IssueStatus
from reports.snapshot import Indicator, Issue

SAMPLE_MARK = "(mẫu)"

SAMPLE_INDICATORS: tuple[Indicator, ...] = (
    Indicator("Hội nghị quán triệt Kết luận 221-KL/TW đã tổ chức (mẫu)", "hội nghị", 12),
    Indicator("Cán bộ, công chức, người lao động dự quán triệt (mẫu)", "lượt người", 326),
    Indicator("Người dân được tuyên truyền qua hội nghị thôn (mẫu)", "lượt người", 1845),
    Indicator("Tin, bài trên hệ thống truyền thanh cơ sở (mẫu)", "tin, bài", 24),
    Indicator("Cán bộ, công chức được cử đi bồi dưỡng, tập huấn (mẫu)", "người", 9),
)

SAMPLE_ISSUES: tuple[Issue, ...] = (
    Issue(
        IssueCategory.DIFFICULTY,
        "Thôn 3 (mẫu)",
        "Địa bàn rộng, dân cư phân tán, một số hội nghị thôn có tỷ lệ người dân tham dự thấp "
        "(mẫu).",
        IssueStatus.ANSWERED,
        "Phòng Văn hóa - Xã hội phối hợp tăng thời lượng phát trên hệ thống truyền thanh cơ sở "
        "và lồng ghép vào các buổi sinh hoạt chi bộ (mẫu).",
    ),
    Issue(
        IssueCategory.DIFFICULTY,
        "Trạm Y tế xã",
        "Chưa có hướng dẫn chi tiết về kiện toàn tổ chức trạm y tế sau sắp xếp (mẫu).",
        IssueStatus.ESCALATED,
        "Đã tổng hợp, báo cáo Sở Nội vụ, Sở Y tế xem xét, hướng dẫn (mẫu).",
    ),
    Issue(
        IssueCategory.PROPOSAL,
        "Phòng Kinh tế",
        "Đề nghị UBND tỉnh sớm ban hành hướng dẫn phân cấp nhiệm vụ quản lý đất đai, xây dựng "
        "cho cấp xã (mẫu).",
        IssueStatus.ESCALATED,
        "Đã đưa vào báo cáo gửi UBND tỉnh (qua Sở Nội vụ) (mẫu).",
    ),
    Issue(
        IssueCategory.PROPOSAL,
        "Văn phòng HĐND và UBND",
        "Đề nghị bổ sung kinh phí mua sắm thiết bị ký số cho bộ phận văn thư (mẫu).",
        IssueStatus.OPEN,
    ),
)

#: Explanations of late units, by task citation.
SAMPLE_LATE_REASONS: dict[str, str] = {
    "1.4": "Chờ hướng dẫn của cơ quan chuyên môn cấp tỉnh về kiện toàn trường học, trạm y tế "
    "(mẫu).",
    "1.1": "Lịch hội nghị thôn trùng thời gian thu hoạch mùa vụ, đơn vị đã lùi lịch (mẫu).",
}

SAMPLE_LEADERSHIP: tuple[str, ...] = (
    "Ủy ban nhân dân xã đã ban hành văn bản triển khai, giao nhiệm vụ cụ thể cho các bộ phận "
    "chuyên môn và Trưởng thôn; tổ chức hội nghị quán triệt Kết luận số 221-KL/TW đến toàn thể "
    "cán bộ, công chức, người lao động (nội dung mẫu).",
    "Phòng Văn hóa - Xã hội theo dõi, đôn đốc các đơn vị cập nhật tiến độ trên Cổng theo dõi "
    "nhiệm vụ; các trường hợp chậm tiến độ đã được nhắc việc và yêu cầu giải trình (nội dung "
    "mẫu).",
)

SAMPLE_NEXT_TASKS: tuple[str, ...] = (
    "Tiếp tục tuyên truyền, phổ biến Kết luận số 221-KL/TW đến Nhân dân qua hội nghị thôn và "
    "hệ thống truyền thanh cơ sở (nội dung mẫu)",
    "Hoàn thành kiện toàn tổ chức, hoạt động của trường học, trạm y tế trên địa bàn theo hướng "
    "dẫn của cấp trên (nội dung mẫu)",
    "Cử cán bộ, công chức tham gia các lớp bồi dưỡng theo kế hoạch năm 2026 của UBND tỉnh "
    "(nội dung mẫu)",
)

#: Organisation ids used by the demo edXML package when none is configured. They follow the
#: 13-character shape of QCVN 102:2016 but belong to no real organisation ("X" group).
DEMO_SENDER_ORGAN_ID = "000.00.00.X01"
DEMO_RECEIVER_ORGAN_ID = "000.00.00.X02"
