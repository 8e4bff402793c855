"""Two people, one task, at the same moment, on PostgreSQL: nobody's update is lost."""

import threading
import uuid

import pytest
from django.db import connection, connections

from directives.models import Assignment, ProgressUpdate
from directives.services.progress import EditConflict, ProgressInput, submit_progress

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL only"
    ),
]


def run_in_threads(count, work):
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(index):
        try:
            barrier.wait(timeout=10)
            results[index] = work(index)
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_updates_from_the_same_version_one_wins_the_other_is_told(cast):
    base = cast.assignment_b.version
    people = [cast.unit_head_b, cast.staff_b]

    def send(index):
        return submit_progress(
            cast.assignment_b,
            actor=people[index],
            data=ProgressInput(
                results=f"Kết quả {index}", status="in_progress", percent_done=10 + index
            ),
            token=uuid.uuid4(),
            base_version=base,
        )

    results = run_in_threads(2, send)
    assert sorted(type(r).__name__ for r in results) == ["EditConflict", "ProgressUpdate"]
    winner = next(r for r in results if isinstance(r, ProgressUpdate))
    assignment = Assignment.objects.get(pk=cast.assignment_b.pk)
    assert assignment.percent_done == winner.percent_done
    assert ProgressUpdate.objects.filter(assignment=assignment).count() == 1


def test_many_people_retrying_on_conflict_lose_nothing(cast):
    people = [cast.unit_head_b, cast.staff_b] * 3

    def send_until_recorded(index):
        token = uuid.uuid4()
        for _attempt in range(50):
            version = Assignment.objects.get(pk=cast.assignment_b.pk).version
            try:
                return submit_progress(
                    cast.assignment_b,
                    actor=people[index],
                    data=ProgressInput(
                        results=f"Lần {index}", status="in_progress", percent_done=index + 1
                    ),
                    token=token,
                    base_version=version,
                )
            except EditConflict:
                continue
        raise AssertionError("never recorded")

    results = run_in_threads(len(people), send_until_recorded)
    assert all(isinstance(r, ProgressUpdate) for r in results), results
    updates = ProgressUpdate.objects.filter(assignment=cast.assignment_b).order_by(
        "created_at", "id"
    )
    assert updates.count() == len(people)
    # Every update was written on top of the one before it: no two shared a starting version.
    assert len({u.based_on_version for u in updates}) == len(people)
    latest = updates.last()
    assert Assignment.objects.get(pk=cast.assignment_b.pk).percent_done == latest.percent_done


def test_the_same_retry_arriving_twice_at_once_records_one_update(cast):
    token = uuid.uuid4()
    base = cast.assignment_b.version

    def send(_index):
        return submit_progress(
            cast.assignment_b,
            actor=cast.unit_head_b,
            data=ProgressInput(results="Một lần", status="in_progress", percent_done=50),
            token=token,
            base_version=base,
        )

    results = run_in_threads(2, send)
    assert all(isinstance(r, ProgressUpdate) for r in results), results
    assert results[0].pk == results[1].pk
    assert ProgressUpdate.objects.filter(submission_token=token).count() == 1
