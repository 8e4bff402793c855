"""The demo's assignments and the progress units have reported on them.

Progress is recorded the way the portal records it — as progress updates, reviewed by the
monitoring office — so the history, the review queue and the figures all have something to
show. Everything here runs only when an assignment is first created.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone

from directives.choices import AssignmentRole, AssignmentStatus, ExtensionState, ReviewState
from directives.demo.catalogue import (
    DEMO_ASSIGNED_ON,
    DIFFICULTIES,
    INDICATORS,
    MONITORING_OFFICER,
    PROPOSALS,
    RESULTS,
    TASK_PLAN,
    UNIT_HEADS,
    assignees,
)
from directives.models import (
    Assignment,
    Concern,
    Directive,
    ExplanationRequest,
    ExtensionRequest,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    Task,
    Urging,
)
from directives.services.followup import record_concerns
from units.models import Unit, User

# A namespace for deterministic submission tokens, so reloading the demo never duplicates.
DEMO_TOKENS = uuid.UUID("6f0d2c3a-3b1e-4c55-9a57-1b2e5d9c0a21")


@dataclass
class Progress:
    status: str
    percent: int
    started: datetime.date
    completed: datetime.date | None = None


def plan_progress(
    key: tuple[int, int], index: int, due: datetime.date | None, today: datetime.date
) -> Progress | None:
    """A believable spread of progress, so the pages show every classification.

    Deterministic by task and unit position; no date after ``today`` is ever used.
    """
    start = DEMO_ASSIGNED_ON + datetime.timedelta(days=3 + index % 5)
    if start > today:
        return None
    if due is None:  # ongoing: everyone is working on it
        return Progress(AssignmentStatus.IN_PROGRESS, 40 + (index * 7) % 50, start)
    if due >= datetime.date(2026, 12, 1):  # the year's training plan: under way
        percent = [0, 60, 75, 45, 30, 80, 55, 20, 65, 70, 50, 85, 35][index % 13]
        return Progress(AssignmentStatus.IN_PROGRESS, percent, start) if percent else None
    if index % 7 == 6:  # one unit in seven is still behind on a dated task
        return Progress(AssignmentStatus.IN_PROGRESS, 50, start)
    late = (index + key[1]) % 4 == 0 or due < DEMO_ASSIGNED_ON
    completed = (
        due + datetime.timedelta(days=12 + index)
        if late
        else due - datetime.timedelta(days=5 + index)
    )
    if completed > today:
        return Progress(AssignmentStatus.IN_PROGRESS, 70, start)
    return Progress(AssignmentStatus.DONE, 100, start, max(completed, start))


def add_indicators(directive: Directive) -> None:
    for task in Task.objects.filter(section__directive=directive).select_related("section"):
        for position, (name, unit_of_measure) in enumerate(
            INDICATORS.get((task.section.number, task.number), []), start=1
        ):
            Indicator.objects.get_or_create(
                task=task,
                name=name,
                defaults={"unit_of_measure": unit_of_measure, "position": position},
            )


def add_assignments(
    directive: Directive, units: dict[str, Unit], result: object, today: datetime.date
) -> None:
    people = {
        user.username: user for user in User.objects.filter(organisation=directive.organisation)
    }
    officer = people.get(MONITORING_OFFICER)
    tasks = Task.objects.filter(section__directive=directive).select_related("section")
    for task in tasks:
        key = (task.section.number, task.number)
        _title, _type, due, cadence, report_day = TASK_PLAN[key]
        leads: dict[str, Assignment] = {}
        for index, (unit, role) in enumerate(assignees(*key, units)):
            lead = leads.get("VHXH") if role == AssignmentRole.COORDINATING else None
            assignment, created = Assignment.objects.get_or_create(
                task=task,
                unit=unit,
                defaults={
                    "role": role,
                    "lead_assignment": lead,
                    "due_date": due,
                    "cadence": cadence,
                    "report_day": report_day,
                    "assigned_on": DEMO_ASSIGNED_ON,
                },
            )
            result.count("phân công", created)
            if role == AssignmentRole.LEAD:
                leads[unit.code] = assignment
            if not created:
                continue
            if lead is not None:
                _follow(assignment, lead)
                continue
            progress = plan_progress(key, index, due, today)
            author = people.get(UNIT_HEADS.get(unit.code, ""))
            if progress and author:
                _report(assignment, progress, key, index, author, officer, today)
    _demo_extension(directive, units, people, today)
    _demo_follow_up(directive, units, people, officer, today)


def _report(
    assignment: Assignment,
    progress: Progress,
    key: tuple[int, int],
    index: int,
    author: User,
    officer: User | None,
    today: datetime.date,
) -> None:
    """One update (two for the unit whose report was sent back) and the state it leaves."""
    sent_on = progress.completed or min(today, progress.started + datetime.timedelta(days=20))
    if key == (1, 1) and assignment.unit.code == "T3" and progress.status == AssignmentStatus.DONE:
        # Thôn 3 said it was done without minutes; the office sent it back.
        early = Progress(AssignmentStatus.IN_PROGRESS, 50, progress.started)
        _create_update(assignment, early, key, index, author, officer, early.started, "accepted")
        _create_update(assignment, progress, key, index, author, officer, sent_on, "returned")
        progress = early
    else:
        pending = progress.status != AssignmentStatus.DONE and index % 5 == 2
        review = "pending" if pending else "accepted"
        _create_update(assignment, progress, key, index, author, officer, sent_on, review)
    Assignment.objects.filter(pk=assignment.pk).update(
        status=progress.status,
        percent_done=progress.percent,
        started_on=progress.started,
        completed_on=progress.completed,
        version=assignment.version + 1,
    )


def _create_update(
    assignment: Assignment,
    progress: Progress,
    key: tuple[int, int],
    index: int,
    author: User,
    officer: User | None,
    sent_on: datetime.date,
    review: str,
) -> None:
    sent_at = timezone.make_aware(datetime.datetime.combine(sent_on, datetime.time(9, 30)))
    update = ProgressUpdate.objects.create(
        assignment=assignment,
        author=author,
        status=progress.status,
        percent_done=progress.percent,
        completed_on=progress.completed,
        results=RESULTS[key],
        difficulties=DIFFICULTIES.get(key, "") if index % 3 == 0 else "",
        proposals=PROPOSALS.get(key, "") if index % 3 == 0 else "",
        submission_token=uuid.uuid5(DEMO_TOKENS, f"{assignment.pk}-{review}"),
    )
    reviewed = {}
    if review == "accepted" and officer:
        reviewed = {"review_state": ReviewState.ACCEPTED, "reviewed_by": officer}
    elif review == "returned" and officer:
        reviewed = {
            "review_state": ReviewState.RETURNED,
            "reviewed_by": officer,
            "review_note": "Chưa gửi kèm biên bản hội nghị; đề nghị bổ sung minh chứng.",
        }
    if reviewed:
        reviewed["reviewed_at"] = sent_at + datetime.timedelta(days=1)
    ProgressUpdate.objects.filter(pk=update.pk).update(created_at=sent_at, **reviewed)
    for concern in record_concerns(update):
        Concern.objects.filter(pk=concern.pk).update(created_at=sent_at)
    for number, indicator in enumerate(assignment.task.indicators.all(), start=1):
        IndicatorValue.objects.create(
            update=update, indicator=indicator, value=(index % 3 + 1) * (40 if number == 2 else 1)
        )


def _follow(assignment: Assignment, lead: Assignment) -> None:
    lead.refresh_from_db()
    Assignment.objects.filter(pk=assignment.pk).update(
        status=lead.status,
        percent_done=lead.percent_done,
        started_on=lead.started_on,
        completed_on=lead.completed_on,
    )


def _demo_extension(
    directive: Directive, units: dict[str, Unit], people: dict[str, User], today: datetime.date
) -> None:
    """Thôn 4 asks for more time on the training plan; the chairman has not decided yet."""
    assignment = Assignment.objects.filter(
        task__section__directive=directive,
        task__section__number=2,
        task__number=1,
        unit=units["T4"],
    ).first()
    author = people.get(UNIT_HEADS["T4"])
    if not assignment or not author or not assignment.due_date or assignment.is_done:
        return
    if assignment.due_date < today or assignment.extension_requests.exists():
        return
    ExtensionRequest.objects.create(
        assignment=assignment,
        requested_by=author,
        reason="Lớp bồi dưỡng của tỉnh dời sang quý I năm 2027, thôn chưa cử người tham gia được.",
        current_due_date=assignment.due_date,
        proposed_due_date=assignment.due_date + datetime.timedelta(days=59),
        state=ExtensionState.PENDING,
    )


def _demo_follow_up(
    directive: Directive,
    units: dict[str, Unit],
    people: dict[str, User],
    officer: User | None,
    today: datetime.date,
) -> None:
    """The office has answered some difficulties, escalated a proposal, and asked Thôn 3 why it
    is late on the dissemination task."""
    if (
        officer is None
        or Urging.objects.filter(assignment__task__section__directive=directive).exists()
    ):
        return
    concerns = Concern.objects.filter(assignment__task__section__directive=directive).order_by("id")
    answered = concerns.filter(kind="difficulty").first()
    if answered:
        Concern.objects.filter(pk=answered.pk).update(
            status="answered",
            answer="Phòng Văn hóa - Xã hội phân công công chức phụ trách thôn kiêm nhiệm "
            "từ tháng 3.",
            answered_by=officer,
            answered_at=answered.created_at + datetime.timedelta(days=3),
        )
    escalated = concerns.filter(kind="proposal", text__contains="kinh phí").first()
    if escalated:
        Concern.objects.filter(pk=escalated.pk).update(
            status="escalated",
            escalation_note="Đã tổng hợp vào báo cáo gửi UBND tỉnh (qua Sở Nội vụ).",
            escalated_at=escalated.created_at + datetime.timedelta(days=5),
        )
    late = Assignment.objects.filter(
        task__section__directive=directive,
        task__section__number=1,
        task__number=1,
        unit=units["T3"],
        status__in=["in_progress", "not_started"],
    ).first()
    if late and late.due_date and late.due_date < today:
        Urging.objects.create(
            assignment=late,
            sent_by=officer,
            message="Đề nghị Thôn 3 bổ sung biên bản hội nghị quán triệt và cập nhật kết quả.",
        )
        ExplanationRequest.objects.create(
            assignment=late,
            requested_by=officer,
            question="Đề nghị giải trình lý do chưa hoàn thành việc quán triệt Kết luận đúng hạn.",
            answer_due=today + datetime.timedelta(days=5),
        )
