"""Who may do what: the single table of role capabilities.

Every view and service asks this module (directly or through an app's ``access.py`` object
fetchers). Object fetchers follow one rule: an object outside what the person may *see* is a
404, so its existence is not revealed; an object they may see but not *change* is a 403.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeAlias

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from units.choices import ADMINISTRATORS, UNIT_ROLES, ExtensionDeciders, Role
from units.models import User

#: Whoever makes a request: a person signed in, or not (``request.user``).
Person: TypeAlias = User | AnonymousUser


class Capability(StrEnum):
    VIEW_WHOLE_ORGANISATION = "view_whole_organisation"
    UPDATE_OWN_UNIT_WORK = "update_own_unit_work"
    REQUEST_EXTENSION = "request_extension"
    REVIEW_UPDATES = "review_updates"
    URGE_UNITS = "urge_units"
    DECIDE_EXTENSIONS = "decide_extensions"
    MANAGE_DIRECTIVES = "manage_directives"
    DRAFT_REPORTS = "draft_reports"
    APPROVE_REPORTS = "approve_reports"
    RECORD_DISPATCH = "record_dispatch"
    MANAGE_REMINDERS = "manage_reminders"


C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.CHAIRMAN: frozenset({C.VIEW_WHOLE_ORGANISATION, C.DECIDE_EXTENSIONS, C.APPROVE_REPORTS}),
    Role.VICE_CHAIRMAN: frozenset(
        {C.VIEW_WHOLE_ORGANISATION, C.DECIDE_EXTENSIONS, C.APPROVE_REPORTS}
    ),
    # The officer decides extensions only where the organisation says so (see
    # ``can_decide_extensions``).
    Role.MONITORING_OFFICER: frozenset(
        {
            C.VIEW_WHOLE_ORGANISATION,
            C.UPDATE_OWN_UNIT_WORK,
            C.REVIEW_UPDATES,
            C.URGE_UNITS,
            C.MANAGE_DIRECTIVES,
            C.DRAFT_REPORTS,
            C.MANAGE_REMINDERS,
        }
    ),
    Role.CLERK: frozenset({C.VIEW_WHOLE_ORGANISATION, C.MANAGE_DIRECTIVES, C.RECORD_DISPATCH}),
    Role.UNIT_HEAD: frozenset({C.UPDATE_OWN_UNIT_WORK, C.REQUEST_EXTENSION}),
    Role.HAMLET_HEAD: frozenset({C.UPDATE_OWN_UNIT_WORK, C.REQUEST_EXTENSION}),
    Role.UNIT_STAFF: frozenset({C.UPDATE_OWN_UNIT_WORK}),
}


def has_capability(user: Person, capability: Capability) -> bool:
    """True when the signed-in ``user`` holds a role that grants ``capability``."""
    if not isinstance(user, User) or not user.organisation_id:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def require(user: Person, capability: Capability) -> None:
    """Raise 403 unless ``user`` holds ``capability``."""
    if not has_capability(user, capability):
        raise PermissionDenied


def sees_whole_organisation(user: Person) -> bool:
    return has_capability(user, Capability.VIEW_WHOLE_ORGANISATION)


def works_in_unit(user: Person) -> bool:
    """True for unit heads, hamlet heads and unit staff: they see only their unit."""
    return isinstance(user, User) and bool(user.unit_id) and user.role in UNIT_ROLES


def can_see_unit(user: Person, unit_id: int | None) -> bool:
    """Whether ``user`` may see the work of the unit ``unit_id`` of their own organisation."""
    if sees_whole_organisation(user):
        return True
    return isinstance(user, User) and works_in_unit(user) and user.unit_id == unit_id


def can_change_unit_work(user: Person, unit_id: int | None) -> bool:
    """Whether ``user`` may report progress for unit ``unit_id`` (their own unit only)."""
    return (
        isinstance(user, User)
        and has_capability(user, Capability.UPDATE_OWN_UNIT_WORK)
        and user.unit_id == unit_id
    )


def can_decide_extensions(user: Person) -> bool:
    """Leaders always; the monitoring officer when the organisation is configured so."""
    if has_capability(user, Capability.DECIDE_EXTENSIONS):
        return True
    return (
        isinstance(user, User)
        and user.role == Role.MONITORING_OFFICER
        and user.organisation is not None
        and user.organisation.extension_deciders == ExtensionDeciders.LEADERS_AND_OFFICER
    )


def members_who_can(organisation_id: int, capability: Capability) -> list[User]:
    """The organisation's active people who hold ``capability`` (whom a notice about it goes
    to), in a stable order."""
    members = User.objects.filter(organisation_id=organisation_id, is_active=True).order_by("pk")
    return [person for person in members if has_capability(person, capability)]


def extension_deciders(organisation_id: int) -> list[User]:
    """The organisation's active people who may decide extensions (``can_decide_extensions``)."""
    members = (
        User.objects.filter(organisation_id=organisation_id, is_active=True)
        .select_related("organisation")
        .order_by("pk")
    )
    return [person for person in members if can_decide_extensions(person)]


def requires_two_factor(user: Person) -> bool:
    """Whether ``user`` must confirm every sign-in with a second factor.

    The one place this rule lives: the roles named in TWO_FACTOR_ROLES, and administrators
    (staff or superusers) when the setting names "admin".
    """
    if not isinstance(user, User):
        return False
    required = settings.TWO_FACTOR_ROLES
    if user.role and user.role in required:
        return True
    return ADMINISTRATORS in required and (user.is_staff or user.is_superuser)


def can_turn_off_two_factor(user: Person) -> bool:
    """Only someone who turned two-factor on by choice may turn it off."""
    return isinstance(user, User) and not requires_two_factor(user)


def can_reset_two_factor(actor: Person, person: User) -> bool:
    """Administrators reset a person's two-factor when the phone is lost.

    The admin already limits staff to their own organisation's people; only a superuser may
    reset a superuser's, so staff cannot weaken the accounts above them.
    """
    if not isinstance(actor, User) or not actor.is_staff:
        return False
    if actor.is_superuser:
        return True
    return not person.is_superuser and person.organisation_id == actor.organisation_id
