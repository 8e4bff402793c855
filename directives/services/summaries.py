"""Read-side summaries shared by pages."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import Count

from directives.choices import BUCKET_ORDER, Bucket

if TYPE_CHECKING:
    from directives.models import Assignment
    from directives.models.assignment import AssignmentQuerySet


def bucket_counts_by_directive(
    assignments: AssignmentQuerySet, today: datetime.date
) -> dict[int, dict[Bucket, int]]:
    """{directive id: {bucket: count}} in one query, every bucket present (zeros included)."""
    rows = (
        assignments.with_bucket(today)
        # current_bucket is with_bucket()'s annotation, which the stubs cannot follow.
        .values("task__section__directive_id", "current_bucket")  # type: ignore[misc]
        .annotate(total=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[Bucket, int]] = defaultdict(lambda: dict.fromkeys(BUCKET_ORDER, 0))
    for row in rows:
        counts[row["task__section__directive_id"]][Bucket(row["current_bucket"])] = row["total"]
    return dict(counts)


def summarise_buckets(assignments: list[Assignment]) -> list[tuple[Bucket, int]]:
    """Non-zero bucket counts of already-annotated assignments, in the official order."""
    counts = dict.fromkeys(BUCKET_ORDER, 0)
    for assignment in assignments:
        counts[Bucket(assignment.current_bucket)] += 1  # type: ignore[attr-defined]  # annotated
    return [(bucket, count) for bucket, count in counts.items() if count]
