"""Changes made through the Django admin go into the same history as the portal's own.

The portal's services record their changes themselves (``directives.tracking``); the admin
saves rows through ``Model.save()`` and its many-to-many managers, and Django's own admin log
keeps only the names of the fields changed. While a request comes through the admin
(``sonmai.lib.actor.in_admin``), these receivers write a ``HistoryEntry`` for every row an
administrator creates, changes or deletes, with each field's old and new value. Secrets are
recorded as changed, never with their value.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils.translation import gettext as _

from directives.choices import HistoryAction
from directives.tracking import TrackedModel, plain_value, record_history
from sonmai.lib.actor import current_actor, in_admin
from sonmai.lib.i18n import portal_language

#: Rows that are records about the system itself, not the commune's data.
_NOT_AUDITED = {
    "admin.logentry",
    "sessions.session",
    "contenttypes.contenttype",
    "directives.historyentry",
    # The sign-in record and the locks keep their own account (units.signin).
    "units.signinevent",
    "units.signinlock",
}
_NOT_AUDITED_APPS = {"axes", "otp_totp", "otp_static", "django_otp"}
#: Fields whose value is never written down; only that they changed.
SECRET_FIELDS = {"password", "key", "token", "secret", "throttling_failure_timestamp"}
#: Bookkeeping the person did not type.
_IGNORED_FIELDS = {"last_login", "updated_at", "created_at", "version"}
HIDDEN = "••••••"


def _audited(model: type[models.Model]) -> bool:
    if not in_admin() or current_actor() is None:
        return False
    if model._meta.app_label in _NOT_AUDITED_APPS or model._meta.label_lower in _NOT_AUDITED:
        return False
    # Tracked models write their own history on every save.
    return not issubclass(model, TrackedModel)


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in _IGNORED_FIELDS
    ]


def _snapshot(instance: models.Model) -> dict[str, object]:
    return {
        field.name: plain_value(getattr(instance, field.attname))
        for field in _fields(type(instance))
    }


def _shown(name: str, old: object, new: object) -> list[object]:
    return [HIDDEN, HIDDEN] if name in SECRET_FIELDS else [old, new]


def _write(model: type[models.Model], pk: object, assignment_id, action, changes) -> None:
    with portal_language():
        note = _("Thay đổi trong trang quản trị.")
    record_history(model, [(pk, assignment_id, action, changes, note)])


def _assignment_id(instance: models.Model) -> int | None:
    """The assignment a row belongs to, so the task page shows the change too."""
    if instance._meta.label == "directives.Assignment":
        return instance.pk
    return getattr(instance, "assignment_id", None)


def remember_before(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not _audited(sender) or instance._state.adding or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = _snapshot(old) if old is not None else None


def record_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    if not _audited(sender) or kwargs.get("raw"):
        return
    after = _snapshot(instance)
    before = None if created else getattr(instance, "_audit_before", None)
    if before is None:
        changes = {
            name: _shown(name, None, value)
            for name, value in after.items()
            if value not in (None, "")
        }
        action = HistoryAction.CREATED
    else:
        changes = {
            name: _shown(name, before.get(name), value)
            for name, value in after.items()
            if before.get(name) != value
        }
        action = HistoryAction.CHANGED
    instance.__dict__.pop("_audit_before", None)
    if changes:
        _write(sender, instance.pk, _assignment_id(instance), action, changes)


def remember_deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if _audited(sender):
        instance._audit_deleted = (instance.pk, _snapshot(instance))


def record_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    remembered = instance.__dict__.pop("_audit_deleted", None)
    if remembered is None or not _audited(sender):
        return
    pk, before = remembered
    changes = {
        name: _shown(name, value, None) for name, value in before.items() if value not in (None, "")
    }
    _write(sender, pk, _assignment_id(instance), HistoryAction.REMOVED, changes)


def record_many_to_many(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    model: type[models.Model],
    pk_set: set | None,
    **kwargs: Any,
) -> None:
    """Groups, permissions, a directive's legal basis: the whole set before and after."""
    owner = type(instance)
    if reverse or not _audited(owner):
        return
    field = next((f for f in owner._meta.many_to_many if f.remote_field.through is sender), None)
    if field is None:
        return
    if action in ("pre_add", "pre_remove", "pre_clear"):
        instance.__dict__.setdefault("_audit_m2m", {})[field.name] = sorted(
            getattr(instance, field.name).values_list("pk", flat=True)
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    before = instance.__dict__.get("_audit_m2m", {}).pop(field.name, None)
    after = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    if before is None or before == after:
        return
    _write(
        owner,
        instance.pk,
        _assignment_id(instance),
        HistoryAction.CHANGED,
        {field.name: [before, after]},
    )


def connect() -> None:
    pre_save.connect(remember_before, dispatch_uid="audit-pre-save")
    post_save.connect(record_save, dispatch_uid="audit-post-save")
    pre_delete.connect(remember_deleted, dispatch_uid="audit-pre-delete")
    post_delete.connect(record_delete, dispatch_uid="audit-post-delete")
    m2m_changed.connect(record_many_to_many, dispatch_uid="audit-m2m")
