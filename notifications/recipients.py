"""Who receives what: a unit's reminders, the monitoring office, the leaders.

People are picked by the named role groups of ``units.choices`` and the capabilities of
``units.access``; no list of roles is written here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from units.access import extension_deciders
from units.choices import ESCALATION_ROLES, OFFICE_ROLES, UNIT_HEAD_ROLES
from units.models import User


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
        heads = [user for user in people if user.role in UNIT_HEAD_ROLES]
        chosen[unit_id] = heads or people
    return chosen


def office_recipients(organisation_id: int) -> list[User]:
    return list(
        _active().filter(organisation_id=organisation_id, role__in=OFFICE_ROLES).order_by("pk")
    )


def escalation_recipients(organisation_id: int) -> list[User]:
    """The monitoring office first, then the chairman and the vice-chairmen."""
    people = _active().filter(organisation_id=organisation_id, role__in=ESCALATION_ROLES)
    order = {role: position for position, role in enumerate(ESCALATION_ROLES)}
    return sorted(people, key=lambda user: (order[user.role], user.pk))


def extension_decider_recipients(organisation_id: int) -> list[User]:
    """Whoever may decide a unit's request for more time (leaders; the office if configured)."""
    return extension_deciders(organisation_id)


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
