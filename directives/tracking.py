"""Change tracking and soft removal for the models whose history the task page shows.

Every path that changes a tracked row writes a ``HistoryEntry``: ``Model.save()`` (forms,
services, the admin), ``QuerySet.update()`` and ``QuerySet.bulk_update()`` (changes made in
bulk), and removal, which never deletes: it stamps ``removed_at``/``removed_by`` and the default
manager stops showing the row. The actor comes from ``sonmai.lib.actor``.
"""

from __future__ import annotations

import datetime
from contextvars import ContextVar
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from directives.choices import HistoryAction
from sonmai.lib.actor import current_actor

# Set while bulk_update() runs: Django's bulk_update() writes through update(), and the history of
# those rows is recorded once, by bulk_update(), from the objects it was given.
_bulk_updating: ContextVar[bool] = ContextVar("directives_bulk_updating", default=False)


def plain_value(value: object) -> object:
    """A JSON-friendly copy of a field value (dates as ISO strings, decimals as strings)."""
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def _attnames(model: type[models.Model], fields: tuple[str, ...]) -> list[str]:
    return [model._meta.get_field(name).attname for name in fields]


def record_history(
    model: type[models.Model], rows: list[tuple[int, int | None, str, dict, str]]
) -> None:
    from directives.models.history import HistoryEntry

    if not rows:
        return
    content_type = ContentType.objects.get_for_model(model)
    actor = current_actor()
    HistoryEntry.objects.bulk_create(
        HistoryEntry(
            assignment_id=assignment_id,
            content_type=content_type,
            object_id=object_id,
            action=action,
            actor=actor,
            changes=changes,
            note=note,
        )
        for object_id, assignment_id, action, changes, note in rows
    )


_Tracked = TypeVar("_Tracked", bound="TrackedModel")


class TrackedQuerySet(models.QuerySet[_Tracked]):
    """Bulk changes write history too; ``delete()`` removes softly."""

    def update(self, **kwargs: Any) -> int:
        model = self.model
        # auto_now is skipped by QuerySet.update; bumping it lets whoever watches for changes
        # (the reminder schedule's watermark sync) see bulk changes too.
        if "updated_at" not in kwargs and any(
            f.name == "updated_at" and getattr(f, "auto_now", False) for f in model._meta.fields
        ):
            kwargs["updated_at"] = timezone.now()
        watched = (*model.TRACKED_FIELDS, "removed_at", "removed_by")
        # A foreign key may be given by name or by attname (``reviewed_by_id=…``).
        tracked = [
            name
            for name in watched
            if name in kwargs or model._meta.get_field(name).attname in kwargs
        ]
        if not tracked or _bulk_updating.get():
            return super().update(**kwargs)
        attnames = _attnames(model, tuple(tracked))
        link = model.HISTORY_ASSIGNMENT_FIELD
        with transaction.atomic(using=self.db):
            before = {row["pk"]: row for row in self.values("pk", link, *attnames)}
            count = super().update(**kwargs)
            after = model._base_manager.filter(pk__in=list(before)).values("pk", *attnames)
            rows = []
            for row in after:
                old = before[row["pk"]]
                changes = {
                    name: [plain_value(old[attname]), plain_value(row[attname])]
                    for name, attname in zip(tracked, attnames, strict=True)
                    if old[attname] != row[attname]
                }
                if changes:
                    action = (
                        HistoryAction.REMOVED if "removed_at" in changes else HistoryAction.CHANGED
                    )
                    rows.append((row["pk"], old[link], action, changes, ""))
            record_history(model, rows)
        return count

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        tracked = [name for name in fields if name in self.model.TRACKED_FIELDS]
        if not tracked:
            return super().bulk_update(objs, fields, batch_size=batch_size)
        attnames = _attnames(self.model, tuple(tracked))
        link = self.model.HISTORY_ASSIGNMENT_FIELD
        with transaction.atomic(using=self.db):
            ids = [obj.pk for obj in objs]
            before = {
                row["pk"]: row
                for row in self.model._base_manager.filter(pk__in=ids).values("pk", link, *attnames)
            }
            token = _bulk_updating.set(True)
            try:
                count = super().bulk_update(objs, fields, batch_size=batch_size)
            finally:
                _bulk_updating.reset(token)
            rows = []
            for obj in objs:
                old = before.get(obj.pk)
                if old is None:
                    continue
                changes = {
                    name: [plain_value(old[attname]), plain_value(getattr(obj, attname))]
                    for name, attname in zip(tracked, attnames, strict=True)
                    if old[attname] != getattr(obj, attname)
                }
                if changes:
                    rows.append((obj.pk, old[link], HistoryAction.CHANGED, changes, ""))
                obj._loaded_values = obj._tracked_snapshot()
            record_history(self.model, rows)
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        actor = current_actor()
        count = self.update(removed_at=timezone.now(), removed_by=actor)
        return count, {self.model._meta.label: count}

    delete.queryset_only = True


_TrackedManager = models.Manager.from_queryset(TrackedQuerySet)


class AliveManager(_TrackedManager[_Tracked]):
    """The default manager: rows that have not been removed."""

    def get_queryset(self) -> TrackedQuerySet[_Tracked]:
        return super().get_queryset().filter(removed_at__isnull=True)


class TrackedModel(models.Model):
    """Abstract base: history on save, soft removal on delete.

    Subclasses set ``TRACKED_FIELDS`` (field names whose changes are recorded) and
    ``HISTORY_ASSIGNMENT_FIELD`` (the attname of the assignment the row belongs to).
    """

    TRACKED_FIELDS: tuple[str, ...] = ()
    HISTORY_ASSIGNMENT_FIELD = "assignment_id"

    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        "units.User",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AliveManager()
    all_objects = _TrackedManager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    def save(self, *args: Any, history_note: str = "", **kwargs: Any) -> None:
        creating = self._state.adding
        before = getattr(self, "_loaded_values", {})
        with transaction.atomic():
            super().save(*args, **kwargs)
            after = self._tracked_snapshot()
            changes = {
                name: [None if creating else before.get(name), value]
                for name, value in after.items()
                if creating or before.get(name) != value
            }
            if creating:
                changes = {
                    name: pair for name, pair in changes.items() if pair[1] not in (None, "")
                }
            if changes or history_note:
                if creating:
                    action = HistoryAction.CREATED
                elif "removed_at" in changes and after.get("removed_at"):
                    action = HistoryAction.REMOVED
                else:
                    action = HistoryAction.CHANGED
                assignment_id = getattr(self, self.HISTORY_ASSIGNMENT_FIELD)
                record_history(
                    type(self), [(self.pk, assignment_id, action, changes, history_note)]
                )
        self._loaded_values = after

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Remove softly: the row stays, marked with when and by whom."""
        self.removed_at = timezone.now()
        self.removed_by = current_actor()
        self.save()
        return 1, {self._meta.label: 1}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Keep the loaded values as they came (cheap); they are only turned into a snapshot
        # when the instance is saved, since most loaded rows are only read.
        instance._loaded_raw = dict(zip(field_names, values, strict=True))
        return instance

    @property
    def _loaded_values(self) -> dict[str, object]:
        cached = self.__dict__.get("_loaded_snapshot")
        if cached is not None:
            return cached
        raw = self.__dict__.get("_loaded_raw", {})
        snapshot = {}
        for name in (*self.TRACKED_FIELDS, "removed_at"):
            attname = self._meta.get_field(name).attname
            if attname in raw:
                snapshot[name] = plain_value(raw[attname])
        return snapshot

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        # What is in memory now is what the database holds: the base of the next change.
        self._loaded_values = self._tracked_snapshot()

    @_loaded_values.setter
    def _loaded_values(self, snapshot: dict[str, object]) -> None:
        self.__dict__["_loaded_snapshot"] = snapshot

    def _tracked_snapshot(self) -> dict[str, object]:
        names = (*self.TRACKED_FIELDS, "removed_at")
        deferred = self.get_deferred_fields()
        return {
            name: plain_value(getattr(self, self._meta.get_field(name).attname))
            for name in names
            if self._meta.get_field(name).attname not in deferred
        }

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
