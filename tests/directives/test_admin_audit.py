"""Changes made in the admin go into the portal's history with their old and new values."""

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from directives.choices import HistoryAction
from directives.models import HistoryEntry
from tests import factories as f
from units.models import Unit, User


def entries_for(obj) -> list[HistoryEntry]:
    return list(
        HistoryEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).order_by("id")
    )


def admin_of(cast):
    return f.UserFactory(
        username="quantri", organisation=cast.commune, is_staff=True, is_superuser=True
    )


def test_renaming_a_unit_in_the_admin_is_recorded_with_old_and_new_name(cast, client_for):
    admin = admin_of(cast)
    unit = cast.unit_b
    page = client_for(admin).post(
        reverse("admin:units_unit_change", args=[unit.pk]),
        {
            "organisation": cast.commune.pk,
            "name": "Phòng Kinh tế - Hạ tầng",
            "code": unit.code,
            "kind": unit.kind,
            "position": unit.position,
            "is_active": "on",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    (entry,) = entries_for(unit)
    assert entry.action == HistoryAction.CHANGED
    assert entry.actor == admin
    assert entry.changes == {"name": ["Phòng Kinh tế", "Phòng Kinh tế - Hạ tầng"]}
    assert entry.note == "Thay đổi trong trang quản trị."


def test_a_persons_role_and_groups_changed_in_the_admin_are_recorded(cast, client_for):
    admin = admin_of(cast)
    group = Group.objects.create(name="Quản trị cổng")
    person = cast.staff_b
    response = client_for(admin).post(
        reverse("admin:units_user_change", args=[person.pk]),
        {
            "username": person.username,
            "full_name": person.full_name,
            "email": person.email,
            "phone": person.phone,
            "position_title": person.position_title,
            "organisation": cast.commune.pk,
            "unit": cast.unit_b.pk,
            "role": "unit_head",
            "is_active": "on",
            "groups": [group.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "01/01/2026",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    changes = {}
    for entry in entries_for(person):
        changes.update(entry.changes)
    assert changes["role"] == ["unit_staff", "unit_head"]
    assert changes["groups"] == [[], [group.pk]]
    history = client_for(admin).get(reverse("admin:directives_historyentry_changelist"))
    page = history.content.decode()
    assert "Cán bộ, công chức của đơn vị → Thủ trưởng đơn vị" in page
    groups_entry = next(e for e in entries_for(person) if "groups" in e.changes)
    detail = client_for(admin).get(
        reverse("admin:directives_historyentry_change", args=[groups_entry.pk])
    )
    assert "— → Quản trị cổng" in detail.content.decode()


def test_a_password_set_in_the_admin_is_recorded_without_its_hash(cast, client_for):
    admin = admin_of(cast)
    person = cast.staff_b
    response = client_for(admin).post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {
            "usable_password": "true",
            "password1": "Một-mật-khẩu-dài-2026",
            "password2": "Một-mật-khẩu-dài-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    (entry,) = entries_for(person)
    assert entry.changes == {"password": ["••••••", "••••••"]}
    person.refresh_from_db()
    assert person.password not in str(entry.changes)


def test_a_unit_added_and_a_section_deleted_in_the_admin_are_recorded(cast, client_for):
    admin = admin_of(cast)
    client = client_for(admin)
    client.post(
        reverse("admin:units_unit_add"),
        {
            "organisation": cast.commune.pk,
            "name": "Thôn Mới",
            "code": "TM",
            "kind": "hamlet",
            "position": 9,
            "is_active": "on",
        },
    )
    unit = Unit.objects.get(name="Thôn Mới")
    (created,) = entries_for(unit)
    assert created.action == HistoryAction.CREATED
    assert created.changes["name"] == [None, "Thôn Mới"]

    section = f.SectionFactory(directive=cast.other_directive, number=5, title="Mục thừa")
    client.post(reverse("admin:directives_section_delete", args=[section.pk]), {"post": "yes"})
    (removed,) = [e for e in entries_for(section) if e.action == HistoryAction.REMOVED]
    assert removed.changes["title"] == ["Mục thừa", None]
    assert removed.actor == admin


def test_changes_outside_the_admin_are_not_recorded_twice(cast, client_for):
    admin = admin_of(cast)
    # The portal's own pages and services: no admin entries.
    User.objects.filter(pk=cast.staff_b.pk).update(full_name="Tên khác")
    cast.unit_b.name = "Đổi ngoài trang quản trị"
    cast.unit_b.save()
    assert entries_for(cast.unit_b) == []
    # A tracked row (an assignment) changed in the admin keeps its single, own entry.
    assignment = cast.assignment_b_only
    client_for(admin).post(
        reverse("admin:directives_assignment_change", args=[assignment.pk]),
        {
            "task": assignment.task_id,
            "unit": assignment.unit_id,
            "role": assignment.role,
            "lead_assignment": "",
            "assigned_on": assignment.assigned_on.strftime("%d/%m/%Y"),
            "due_date": assignment.due_date.strftime("%d/%m/%Y") if assignment.due_date else "",
            "cadence": "monthly",
            "report_day": 20,
        },
    )
    changed = [e for e in entries_for(assignment) if "cadence" in e.changes]
    assert len(changed) == 1
