"""Turning assignments into the parts of a report snapshot.

These are the read-side helpers the report compilation (phase 2) builds on: they take the
assignments of a directive and a reference day and return frozen snapshot parts. Nothing here
writes to the database. ``compose_body`` arranges the parts in the standard outline of a
periodic report (results, difficulties, proposals, next tasks).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.figures import Late
from directives.models import Assignment
from reports.choices import ChartKind, IssueCategory
from reports.snapshot import (
    Appendix,
    Block,
    BucketCounts,
    BulletList,
    ChartData,
    ChartFigure,
    Indicator,
    IndicatorTable,
    Issue,
    IssueList,
    LateItem,
    LateItems,
    MatrixRow,
    Paragraph,
    Part,
    TaskColumn,
    TaskResult,
    TaskResults,
    UnitPercent,
    UnitRow,
    UnitTable,
    WeekPoint,
)


def directive_assignments(assignments: QuerySet[Assignment]) -> list[Assignment]:
    """``assignments`` (a directive's) with their task, section and unit, in document order."""
    return list(
        assignments.select_related("task__section", "unit").order_by(
            "task__section__number", "task__number", "unit__position", "unit__name"
        )
    )


def citation(assignment: Assignment) -> str:
    """ "1.2": section and item of the task in its source."""
    return f"{assignment.task.section.number}.{assignment.task.number}"


def task_results(
    assignments: Sequence[Assignment],
    today: datetime.date,
    results: Mapping[str, str] | None = None,
) -> dict[int, TaskResults]:
    """{section number: the results of its tasks}; ``results`` maps "1.2" to a result text."""
    results = results or {}
    by_task: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        by_task[(assignment.task.section.number, assignment.task.number)].append(assignment)
    sections: dict[int, list[TaskResult]] = defaultdict(list)
    for (section, _item), group in sorted(by_task.items()):
        counts = BucketCounts.of(a.bucket(today) for a in group)
        key = citation(group[0])
        sections[section].append(
            TaskResult(
                citation=key,
                title=group[0].task.short_title,
                counts=counts,
                result=results.get(key, ""),
            )
        )
    return {number: TaskResults(tuple(items)) for number, items in sections.items()}


def unit_rows(
    assignments: Sequence[Assignment],
    today: datetime.date,
    last_updates: Mapping[int, datetime.datetime],
) -> tuple[UnitRow, ...]:
    """One row per unit (in the units' order) with its bucket counts and the day of its last
    update that counts (``last_updates``: ``Figures.last_updates()``)."""
    by_unit: dict[int, list[Assignment]] = defaultdict(list)
    units = {}
    for assignment in assignments:
        by_unit[assignment.unit_id].append(assignment)
        units[assignment.unit_id] = assignment.unit
    ordered = sorted(units.values(), key=lambda unit: (unit.position, unit.name))
    rows = []
    for unit in ordered:
        group = by_unit[unit.pk]
        last = last_updates.get(unit.pk)
        rows.append(
            UnitRow(
                unit_name=unit.display_name,
                counts=BucketCounts.of(a.bucket(today) for a in group),
                last_update=timezone.localdate(last) if last else None,
            )
        )
    return tuple(rows)


def appendix(assignments: Sequence[Assignment], today: datetime.date) -> Appendix:
    """The unit × task matrix: units as rows, tasks ("1.1", "1.2" …) as columns."""
    columns: dict[str, TaskColumn] = {}
    cells: dict[tuple[int, str], str] = {}
    units = {}
    for assignment in assignments:
        key = citation(assignment)
        columns.setdefault(key, TaskColumn(key, assignment.task.short_title))
        cells[(assignment.unit_id, key)] = str(assignment.bucket(today))
        units[assignment.unit_id] = assignment.unit
    ordered = sorted(units.values(), key=lambda unit: (unit.position, unit.name))
    keys = list(columns)
    return Appendix(
        title=_("Kết quả thực hiện nhiệm vụ theo đơn vị"),
        task_columns=tuple(columns.values()),
        rows=tuple(
            MatrixRow(unit.display_name, tuple(cells.get((unit.pk, key), "") for key in keys))
            for unit in ordered
        ),
    )


def late_items(
    late: Sequence[Late],
    assignments: Sequence[Assignment],
    reason_of: Callable[[Assignment], str | None],
) -> tuple[LateItem, ...]:
    """``Figures.late()`` as the report's items, most late first; ``reason_of`` gives the
    unit's explanation of an assignment (None: none received yet)."""
    by_pk = {assignment.pk: assignment for assignment in assignments}
    items = []
    for entry in late:
        assignment = by_pk[entry.state.pk]
        items.append(
            LateItem(
                citation=citation(assignment),
                task_title=assignment.task.short_title,
                unit_name=assignment.unit.display_name,
                due_date=assignment.due_date,
                days_late=entry.days_late,
                reason=reason_of(assignment) or _("Chưa nhận được giải trình của đơn vị."),
            )
        )
    items.sort(key=lambda item: (-item.days_late, item.citation, item.unit_name))
    return tuple(items)


def week_points(weekly: Sequence[tuple[datetime.date, float]]) -> tuple[WeekPoint, ...]:
    """``Figures.weekly_share_done()`` as the snapshot's points."""
    return tuple(WeekPoint(week_end, percent) for week_end, percent in weekly)


def chart_data(
    rows: Sequence[UnitRow], weekly: Sequence[WeekPoint] = (), totals: BucketCounts | None = None
) -> ChartData:
    totals = totals if totals is not None else sum((r.counts for r in rows), BucketCounts())
    return ChartData(
        bucket_totals=totals,
        unit_percents=tuple(UnitPercent(r.unit_name, r.percent_done) for r in rows),
        weekly_done=tuple(weekly),
    )


def compose_body(
    *,
    leadership: Sequence[str],
    sections: Sequence[tuple[str, TaskResults]],
    rows: Sequence[UnitRow],
    indicators: Sequence[Indicator],
    issues: Sequence[Issue],
    late: Sequence[LateItem],
    next_tasks: Sequence[str],
    not_reported: Sequence[str] | None = None,
    with_weekly_chart: bool = True,
) -> tuple[Part, ...]:
    """The standard outline of a periodic report on a directive.

    I. results (leadership, tasks by section, units, indicators), II. difficulties and what is
    late, III. proposals, IV. tasks for the next period. ``sections`` pairs each section title
    of the directive with the results of its tasks.
    """
    totals = sum((r.counts for r in rows), BucketCounts())
    task_count = sum(len(results.items) for _title, results in sections)
    summary = _(
        "Văn bản có %(tasks)s nhiệm vụ, giao %(total)s lượt đơn vị thực hiện; đã hoàn thành "
        "%(done)s lượt (%(percent)s%%), trong đó %(on_time)s lượt đúng hạn; %(overdue)s lượt "
        "đang thực hiện quá hạn."
    ) % {
        "tasks": task_count,
        "total": totals.total,
        "done": totals.done,
        "percent": totals.percent_done,
        "on_time": totals.done_on_time,
        "overdue": totals.overdue,
    }
    unit_blocks: list[Block] = [UnitTable(tuple(rows))]
    # Units not reported are said when known (sample bodies built without data say nothing).
    if not_reported:
        unit_blocks.append(
            Paragraph(
                _("Đơn vị chưa cập nhật tiến độ trong kỳ: %(units)s.")
                % {"units": ", ".join(not_reported)}
            )
        )
    elif not_reported is not None:
        unit_blocks.append(
            Paragraph(_("Các đơn vị có nhiệm vụ chưa hoàn thành đều đã cập nhật tiến độ trong kỳ."))
        )
    unit_blocks += [
        ChartFigure(ChartKind.UNIT_PERCENT, _("Tỷ lệ hoàn thành nhiệm vụ theo đơn vị")),
    ]
    if with_weekly_chart:
        unit_blocks.append(
            ChartFigure(ChartKind.WEEKLY_DONE, _("Tỷ lệ hoàn thành nhiệm vụ theo tuần"))
        )
    difficulties = [i for i in issues if i.category == IssueCategory.DIFFICULTY]
    proposals = [i for i in issues if i.category == IssueCategory.PROPOSAL]
    nothing = _("Trong kỳ không có nội dung này.")

    def or_nothing(block: Block, present: bool) -> tuple[Block, ...]:
        return (block,) if present else (Paragraph(nothing),)

    results = Part(
        _("Kết quả triển khai thực hiện").upper(),
        parts=(
            Part(
                _("Công tác lãnh đạo, chỉ đạo, quán triệt, tuyên truyền"),
                blocks=tuple(Paragraph(text) for text in leadership) or (Paragraph(nothing),),
            ),
            Part(
                _("Kết quả thực hiện các nhiệm vụ"),
                blocks=(
                    Paragraph(summary),
                    ChartFigure(ChartKind.BUCKET_TOTALS, _("Phân loại kết quả thực hiện nhiệm vụ")),
                ),
                parts=tuple(Part(title, blocks=(items,)) for title, items in sections),
            ),
            Part(_("Kết quả thực hiện theo đơn vị"), blocks=tuple(unit_blocks)),
            Part(
                _("Các chỉ tiêu chủ yếu"),
                blocks=or_nothing(IndicatorTable(tuple(indicators)), bool(indicators)),
            ),
        ),
    )
    problems = Part(
        _("Khó khăn, vướng mắc và nguyên nhân").upper(),
        parts=(
            Part(
                _("Khó khăn, vướng mắc"),
                blocks=or_nothing(IssueList(tuple(difficulties)), bool(difficulties)),
            ),
            Part(
                _("Nhiệm vụ chậm tiến độ và nguyên nhân"),
                blocks=or_nothing(LateItems(tuple(late)), bool(late)),
            ),
        ),
    )
    asks = Part(
        _("Kiến nghị, đề xuất").upper(),
        blocks=or_nothing(IssueList(tuple(proposals)), bool(proposals)),
    )
    next_period = Part(
        _("Nhiệm vụ trọng tâm kỳ tới").upper(),
        blocks=or_nothing(BulletList(tuple(next_tasks)), bool(next_tasks)),
    )
    return (results, problems, asks, next_period)
