from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationLevel(models.TextChoices):
    PARTY_CENTRAL = "party_central", _("Cơ quan Trung ương Đảng")
    PARTY_LOCAL = "party_local", _("Cấp ủy Đảng địa phương")
    STATE_CENTRAL = "state_central", _("Cơ quan Trung ương")
    PROVINCE = "province", _("Ủy ban nhân dân cấp tỉnh")
    PROVINCE_DEPARTMENT = "province_department", _("Cơ quan chuyên môn cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (trước 01/7/2025)")
    COMMUNE = "commune", _("Ủy ban nhân dân cấp xã")
    OTHER = "other", _("Cơ quan, tổ chức khác")


#: Levels whose documents carry Party numbering ("221-KL/TW": a hyphen, no colon).
PARTY_LEVELS = frozenset({OrganisationLevel.PARTY_CENTRAL, OrganisationLevel.PARTY_LOCAL})


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Bộ phận chuyên môn")
    SERVICE_CENTRE = "service_centre", _("Trung tâm Phục vụ hành chính công")
    HEALTH_STATION = "health_station", _("Trạm Y tế")
    SCHOOL = "school", _("Trường học")
    HAMLET = "hamlet", _("Thôn")


class Role(models.TextChoices):
    CHAIRMAN = "chairman", _("Chủ tịch UBND xã")
    VICE_CHAIRMAN = "vice_chairman", _("Phó Chủ tịch UBND xã")
    MONITORING_OFFICER = "monitoring_officer", _("Công chức theo dõi")
    CLERK = "clerk", _("Văn thư")
    UNIT_HEAD = "unit_head", _("Thủ trưởng đơn vị")
    HAMLET_HEAD = "hamlet_head", _("Trưởng thôn")
    UNIT_STAFF = "unit_staff", _("Cán bộ, công chức của đơn vị")


# Named groups of roles: every place that picks people by role uses one of these (in this
# order where order matters: escalations go to the office first, then the leaders).
#: Those who answer for a unit's work and receive its reminders.
UNIT_HEAD_ROLES = (Role.UNIT_HEAD, Role.HAMLET_HEAD)
#: The monitoring office, told when a task slips and sent the weekly digest.
OFFICE_ROLES = (Role.MONITORING_OFFICER,)
#: The commune's leaders.
LEADER_ROLES = (Role.CHAIRMAN, Role.VICE_CHAIRMAN)
#: Told when a task is overdue past the policy's threshold: the office, then the leaders.
ESCALATION_ROLES = OFFICE_ROLES + LEADER_ROLES
#: Roles whose holder works inside one unit and sees only that unit's work.
UNIT_ROLES = frozenset({*UNIT_HEAD_ROLES, Role.UNIT_STAFF})


class ExtensionDeciders(models.TextChoices):
    LEADERS = "leaders", _("Chủ tịch, Phó Chủ tịch")
    LEADERS_AND_OFFICER = "leaders_and_officer", _("Chủ tịch, Phó Chủ tịch và công chức theo dõi")


class SignInEventKind(models.TextChoices):
    """What the sign-in record (``SignInEvent``) holds."""

    SIGNED_IN = "signed_in", _("Đăng nhập")
    FAILED = "failed", _("Đăng nhập hoặc nhập lại mật khẩu không thành công")
    SIGNED_OUT = "signed_out", _("Đăng xuất")
    LOCKED_OUT = "locked_out", _("Bị tạm khóa đăng nhập")
    UNLOCKED = "unlocked", _("Được mở khóa đăng nhập")
    PASSWORD_CHANGED = "password_changed", _("Đổi mật khẩu")
    PASSWORD_RESET = "password_reset", _("Đặt lại mật khẩu qua thư điện tử")


#: In the TWO_FACTOR_ROLES setting, the word that stands for administrators: staff and
#: superusers, who may hold no role of their own. The other words there are ``Role`` values.
ADMINISTRATORS = "admin"
