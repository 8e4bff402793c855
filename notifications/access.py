"""Who may see and change notifications, deliveries and reminder policies.

Same rule as everywhere: what a person may not see is a 404; what they may see but not
change is a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from directives import access as directive_access
from directives.models import Directive, Task
from notifications.models import Delivery, Notification, ReminderPolicy
from units import access as policy
from units.access import Capability, Person
from units.models import User


def get_notification_for(user: Person, pk: int) -> Notification:
    """One of the user's own notifications; anybody else's is a 404."""
    notification = Notification.objects.filter(pk=pk, recipient_id=user.pk).first()
    if notification is None:
        raise Http404
    return notification


def can_view_log(user: Person) -> bool:
    """The monitoring office and the leaders follow every delivery of the organisation."""
    return policy.sees_whole_organisation(user)


def can_manage_reminders(user: Person) -> bool:
    return policy.has_capability(user, Capability.MANAGE_REMINDERS)


def visible_deliveries(user: Person) -> QuerySet[Delivery]:
    if not isinstance(user, User) or user.organisation_id is None or not can_view_log(user):
        return Delivery.objects.none()
    return Delivery.objects.filter(notification__recipient__organisation_id=user.organisation_id)


def get_delivery_for(user: Person, pk: int, *, write: bool = False) -> Delivery:
    delivery = visible_deliveries(user).filter(pk=pk).first()
    if delivery is None:
        raise Http404
    if write and not can_manage_reminders(user):
        raise PermissionDenied
    return delivery


def require_policy_reader(user: Person) -> None:
    """The policy pages are for those who follow the whole organisation."""
    if not policy.sees_whole_organisation(user):
        raise PermissionDenied


def get_policy_scope_for(
    user: Person, scope: str, pk: int | None, *, write: bool = False
) -> tuple[Directive | None, Task | None]:
    """The directive or task whose reminder policy ``user`` asks for (404 if not theirs)."""
    directive: Directive | None = None
    task: Task | None = None
    if pk is None and scope in ("directive", "task"):
        raise Http404
    if scope == "directive" and pk is not None:
        directive = directive_access.get_directive_for(user, pk)
    elif scope == "task" and pk is not None:
        task = (
            Task.objects.filter(
                pk=pk, section__directive__in=directive_access.visible_directives(user)
            )
            .select_related("section__directive__issuing_body")
            .first()
        )
        if task is None:
            raise Http404
    require_policy_reader(user)
    if write and not can_manage_reminders(user):
        raise PermissionDenied
    return directive, task


def policies_of(user: Person) -> QuerySet[ReminderPolicy]:
    if not isinstance(user, User) or user.organisation_id is None:
        return ReminderPolicy.objects.none()
    return ReminderPolicy.objects.filter(organisation_id=user.organisation_id)
