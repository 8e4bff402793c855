"""Who receives what: a unit's reminders, the monitoring office, the leaders (by role)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from units.choices import Role
from units.models import User

#: Those who answer for a unit's work and receive its reminders.
UNIT_REMINDER_ROLES = (Role.UNIT_HEAD, Role.HAMLET_HEAD)
#: Those told when a task slips: the Culture–Society office and the leaders.
OFFICE_ROLES = (Role.MONITORING_OFFICER,)
LEADER_ROLES = (Role.CHAIRMAN, Role.VICE_CHAIRMAN)


def _active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def unit_recipients(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """{unit id: its heads}, falling back to every active member when a unit has no head."""
    unit_ids = set(unit_ids)
    members: dict[int, list[User]] = defaultdict(list)
    for user in _active().filter(unit_id__in=unit_ids).order_by("pk"):
        members[user.unit_id].append(user)
    chosen: dict[int, list[User]] = {}
    for unit_id in unit_ids:
        people = members.get(unit_id, [])
        heads = [user for user in people if user.role in UNIT_REMINDER_ROLES]
        chosen[unit_id] = heads or people
    return chosen


def office_recipients(organisation_id: int) -> list[User]:
    return list(
        _active().filter(organisation_id=organisation_id, role__in=OFFICE_ROLES).order_by("pk")
    )


def escalation_recipients(organisation_id: int) -> list[User]:
    """The monitoring office first, then the chairman and the vice-chairmen."""
    people = _active().filter(organisation_id=organisation_id, role__in=OFFICE_ROLES + LEADER_ROLES)
    order = {role: position for position, role in enumerate(OFFICE_ROLES + LEADER_ROLES)}
    return sorted(people, key=lambda user: (order[user.role], user.pk))


#: Lifting a sign-in lock in the admin; whoever may do it is told when one starts.
UNLOCK_PERMISSION = ("units", "delete_signinlock")


def administrator_recipients(organisation_id: int | None) -> list[User]:
    """Staff who may lift sign-in locks: superusers, and staff given the permission (the demo
    loader's "Quản trị cổng" group has it), of ``organisation_id`` (of every organisation when
    None, e.g. for a username that names nobody)."""
    app_label, codename = UNLOCK_PERMISSION
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    people = (
        _active()
        .filter(is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
        )
    )
    if organisation_id is not None:
        people = people.filter(Q(organisation_id=organisation_id) | Q(is_superuser=True))
    return list(people.distinct().order_by("pk"))
