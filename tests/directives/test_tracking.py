"""History of tracked rows (directives/tracking.py): every way a row changes leaves an entry.

Saving, ``QuerySet.update()``, ``QuerySet.bulk_update()`` and removal (which never deletes)
each record who changed which field from what to what, on the assignment the row belongs to.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from directives.choices import HistoryAction, ReviewState
from directives.models import Assignment, HistoryEntry, ProgressUpdate
from directives.tracking import plain_value, record_history
from sonmai.lib.actor import acting_as
from tests import factories as f

HANOI = datetime.timezone(datetime.timedelta(hours=7))
NOW = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=HANOI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def entries_for(obj) -> list[HistoryEntry]:
    content_type = ContentType.objects.get_for_model(type(obj))
    return list(
        HistoryEntry.objects.filter(content_type=content_type, object_id=obj.pk).order_by("id")
    )


class TestPlainValue:
    def test_moments_are_written_in_commune_time(self):
        moment = datetime.datetime(2026, 2, 10, 2, 0, tzinfo=datetime.UTC)
        assert plain_value(moment) == "2026-02-10T09:00:00+07:00"

    def test_dates_decimals_and_rows_become_json_friendly(self, cast):
        assert plain_value(datetime.date(2026, 1, 31)) == "2026-01-31"
        assert plain_value(Decimal("12.50")) == "12.50"
        assert plain_value(cast.hamlet_a) == cast.hamlet_a.pk
        assert plain_value("Thôn 1") == "Thôn 1"
        assert plain_value(None) is None


class TestSave:
    def test_creating_a_row_records_its_filled_fields_and_who(self, cast):
        with acting_as(cast.officer):
            assignment = f.AssignmentFactory(
                task=cast.task_b_only, unit=cast.hamlet_a, due_date=datetime.date(2026, 3, 31)
            )

        (entry,) = entries_for(assignment)
        assert entry.action == HistoryAction.CREATED
        assert entry.actor == cast.officer
        assert entry.assignment_id == assignment.pk
        assert entry.changes["due_date"] == [None, "2026-03-31"]
        assert entry.changes["unit"] == [None, cast.hamlet_a.pk]
        # Empty values are not news on a new row.
        assert "completed_on" not in entry.changes

    def test_saving_a_change_records_old_and_new_value_only_for_changed_fields(self, cast):
        assignment = Assignment.objects.get(pk=cast.assignment_a.pk)
        before = entries_for(assignment)
        old_due = assignment.due_date

        assignment.due_date = datetime.date(2026, 4, 30)
        with acting_as(cast.officer):
            assignment.save(history_note="Lùi hạn theo chỉ đạo")

        new = entries_for(assignment)[len(before) :]
        (entry,) = new
        assert entry.action == HistoryAction.CHANGED
        assert entry.changes == {"due_date": [old_due.isoformat(), "2026-04-30"]}
        assert entry.note == "Lùi hạn theo chỉ đạo"
        assert entry.actor == cast.officer

    def test_saving_without_a_change_records_nothing(self, cast):
        assignment = Assignment.objects.get(pk=cast.assignment_a.pk)
        count = len(entries_for(assignment))

        assignment.save()

        assert len(entries_for(assignment)) == count

    def test_an_untracked_field_is_not_recorded(self, cast):
        update = ProgressUpdate.objects.get(pk=cast.update_a.pk)
        count = len(entries_for(update))

        update.results = "Đã tổ chức thêm một hội nghị."
        update.save()

        assert len(entries_for(update)) == count

    def test_two_saves_in_a_row_each_compare_with_what_the_previous_one_stored(self, cast):
        assignment = Assignment.objects.get(pk=cast.assignment_a.pk)
        count = len(entries_for(assignment))

        assignment.percent_done = 30
        assignment.save()
        assignment.percent_done = 60
        assignment.save()

        first, second = entries_for(assignment)[count:]
        assert first.changes["percent_done"][1] == 30
        assert second.changes["percent_done"] == [30, 60]

    def test_refresh_from_db_is_the_base_of_the_next_change(self, cast):
        mine = Assignment.objects.get(pk=cast.assignment_a.pk)
        Assignment.objects.filter(pk=mine.pk).update(percent_done=70)
        mine.refresh_from_db()
        count = len(entries_for(mine))

        mine.percent_done = 80
        mine.save()

        (entry,) = entries_for(mine)[count:]
        assert entry.changes == {"percent_done": [70, 80]}


class TestBulkUpdate:
    def test_update_records_one_entry_per_row_that_changed(self, cast):
        ids = [cast.assignment_a.pk, cast.assignment_b.pk]
        Assignment.objects.filter(pk=cast.assignment_b.pk).update(percent_done=50)
        counts = {pk: len(entries_for(Assignment(pk=pk))) for pk in ids}

        with acting_as(cast.officer):
            changed = Assignment.objects.filter(pk__in=ids).update(percent_done=50)

        assert changed == 2
        a_new = entries_for(cast.assignment_a)[counts[cast.assignment_a.pk] :]
        b_new = entries_for(cast.assignment_b)[counts[cast.assignment_b.pk] :]
        (entry,) = a_new
        assert entry.action == HistoryAction.CHANGED
        assert entry.changes["percent_done"][1] == 50
        assert entry.actor == cast.officer
        assert entry.assignment_id == cast.assignment_a.pk
        # B already stood at 50 %: nothing changed, nothing recorded.
        assert b_new == []

    def test_update_of_a_foreign_key_by_its_attname_is_recorded(self, cast):
        update = ProgressUpdate.objects.get(pk=cast.update_a.pk)
        count = len(entries_for(update))

        ProgressUpdate.objects.filter(pk=update.pk).update(reviewed_by_id=cast.officer.pk)

        (entry,) = entries_for(update)[count:]
        assert entry.changes == {"reviewed_by": [None, cast.officer.pk]}

    def test_update_of_untracked_fields_records_nothing(self, cast):
        count = HistoryEntry.objects.count()

        ProgressUpdate.objects.filter(pk=cast.update_a.pk).update(results="Sửa câu chữ.")

        assert HistoryEntry.objects.count() == count

    def test_update_bumps_updated_at_so_watchers_see_bulk_changes(self, cast):
        Assignment.objects.filter(pk=cast.assignment_a.pk).update(
            updated_at=NOW - datetime.timedelta(days=3)
        )

        with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
            Assignment.objects.filter(pk=cast.assignment_a.pk).update(percent_done=45)

        cast.assignment_a.refresh_from_db()
        assert cast.assignment_a.updated_at == NOW + datetime.timedelta(hours=1)

    def test_bulk_update_records_changes_of_tracked_fields(self, cast):
        update = ProgressUpdate.objects.get(pk=cast.update_a.pk)
        count = len(entries_for(update))

        update.review_state = ReviewState.ACCEPTED
        update.reviewed_by = cast.officer
        update.reviewed_at = timezone.now()
        with acting_as(cast.officer):
            ProgressUpdate.objects.bulk_update(
                [update], ["review_state", "reviewed_by", "reviewed_at"]
            )

        # One entry, with every field: not a second, partial one from the update() that
        # Django's bulk_update() runs underneath.
        (entry,) = entries_for(update)[count:]
        assert entry.action == HistoryAction.CHANGED
        assert entry.actor == cast.officer
        assert entry.assignment_id == cast.assignment_a.pk
        assert entry.changes["review_state"] == [ReviewState.PENDING, ReviewState.ACCEPTED]
        assert entry.changes["reviewed_by"] == [None, cast.officer.pk]
        assert entry.changes["reviewed_at"] == [None, "2026-02-10T09:00:00+07:00"]

        # The objects now hold what was stored: saving them again records nothing more.
        update.save()
        assert len(entries_for(update)) == count + 1


class TestRemoval:
    def test_deleting_a_row_removes_it_softly_and_says_who(self, cast):
        update = ProgressUpdate.objects.get(pk=cast.update_a.pk)
        count = len(entries_for(update))

        with acting_as(cast.officer):
            assert update.delete() == (1, {"directives.ProgressUpdate": 1})

        assert not ProgressUpdate.objects.filter(pk=update.pk).exists()
        kept = ProgressUpdate.all_objects.get(pk=update.pk)
        assert kept.is_removed
        assert kept.removed_by == cast.officer
        assert kept.removed_at == NOW
        (entry,) = entries_for(update)[count:]
        assert entry.action == HistoryAction.REMOVED
        assert entry.changes["removed_at"] == [None, "2026-02-10T09:00:00+07:00"]

    def test_deleting_a_queryset_removes_every_row_softly_with_history(self, cast):
        ids = [cast.assignment_a.pk, cast.assignment_b.pk]
        before = HistoryEntry.objects.filter(action=HistoryAction.REMOVED).count()

        with acting_as(cast.officer):
            count, per_model = Assignment.objects.filter(pk__in=ids).delete()

        assert (count, per_model) == (2, {"directives.Assignment": 2})
        assert not Assignment.objects.filter(pk__in=ids).exists()
        assert Assignment.all_objects.filter(pk__in=ids, removed_by=cast.officer).count() == 2
        removed = HistoryEntry.objects.filter(action=HistoryAction.REMOVED)
        assert removed.count() == before + 2
        assert set(removed.values_list("assignment_id", flat=True)) >= set(ids)

    def test_the_default_manager_hides_removed_rows_and_the_base_manager_keeps_them(self, cast):
        Assignment.objects.filter(pk=cast.assignment_a.pk).delete()

        assert not Assignment.objects.filter(pk=cast.assignment_a.pk).exists()
        assert Assignment.all_objects.filter(pk=cast.assignment_a.pk).exists()
        # Related lookups (the base manager) still reach a removed row.
        update = ProgressUpdate.all_objects.get(pk=cast.update_a.pk)
        assert update.assignment.pk == cast.assignment_a.pk


def test_record_history_writes_the_given_rows_for_the_current_actor(cast):
    with acting_as(cast.chairman):
        record_history(
            Assignment,
            [(cast.assignment_a.pk, cast.assignment_a.pk, HistoryAction.CHANGED, {}, "Ghi chú")],
        )
    record_history(Assignment, [])  # nothing to write: no query, no error

    entry = HistoryEntry.objects.latest("id")
    assert entry.actor == cast.chairman
    assert entry.note == "Ghi chú"
    assert entry.model_class() is Assignment
