"""Snapshots to look at, test and measure before reports are compiled from real progress data.

``demo_snapshot`` reads the demo commune (``directives.demo.load_demo_commune``) from the
database: the dispatch, its sections and tasks, and every assignment's official bucket on the
report's last data day. What the database does not hold yet (indicators, difficulties and
proposals, explanations, narrative) comes from the caller, by default the SAMPLE content of
``reports.samples``; the snapshot is then flagged ``sample_data``.

``large_snapshot`` builds a synthetic report (no database) of any size for benchmarks.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from directives.choices import BUCKET_ORDER, DocumentType
from directives.figures import Figures
from directives.models import Assignment, Directive
from reports import assemble, samples
from reports.snapshot import (
    VIETNAM,
    Appendix,
    BucketCounts,
    DirectiveReference,
    Indicator,
    Issue,
    MatrixRow,
    OrganisationInfo,
    Period,
    ReportSnapshot,
    Signer,
    TaskColumn,
    TaskResult,
    TaskResults,
    UnitRow,
    WeekPoint,
    figures_as_of_text,
)
from units.choices import Role
from units.models import Organisation

DEMO_COMMUNE = "Ủy ban nhân dân xã Sơn Mai"
#: The demo report: February 2026, data from 15 January to 14 February (the usual window).
DEMO_PERIOD = Period(
    label="tháng 02 năm 2026",
    data_from=datetime.date(2026, 1, 15),
    data_to=datetime.date(2026, 2, 14),
)
DEMO_ISSUED_ON = datetime.date(2026, 2, 19)
DEMO_SIGNED_AT = datetime.datetime(2026, 2, 19, 9, 30, 15, tzinfo=VIETNAM)
DEMO_NUMBER = 5

CHAIRMAN_LINES = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
VICE_CHAIRMAN_LINES = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
PROVINCE_VIA_HOME_AFFAIRS = "Ủy ban nhân dân tỉnh Quảng Ngãi (qua Sở Nội vụ)"
DISTRIBUTION = ("Như trên", "CT, các PCT UBND xã", "Lưu: VT, VHXH")


class DemoDataMissing(LookupError):
    """The demo commune is not in the database (run ``manage.py load_demo_commune``)."""


def _commune_and_directive() -> tuple[Organisation, Directive]:
    commune = Organisation.objects.filter(name=DEMO_COMMUNE, hosts_portal=True).first()
    directive = (
        Directive.objects.filter(
            organisation=commune, issuing_body=commune, document_type=DocumentType.DISPATCH
        )
        .select_related("issuing_body")
        .first()
        if commune
        else None
    )
    if commune is None or directive is None:
        raise DemoDataMissing(
            "The demo commune is not loaded: run `python manage.py load_demo_commune`."
        )
    return commune, directive


def _signer(commune: Organisation, vice_chairman: bool) -> Signer:
    role = Role.VICE_CHAIRMAN if vice_chairman else Role.CHAIRMAN
    person = commune.members.filter(role=role).order_by("pk").first()
    lines = VICE_CHAIRMAN_LINES if vice_chairman else CHAIRMAN_LINES
    return Signer(lines, person.full_name if person else "")


def demo_snapshot(
    *,
    period: Period = DEMO_PERIOD,
    number: int | None = DEMO_NUMBER,
    issued_on: datetime.date | None = DEMO_ISSUED_ON,
    signed_at: datetime.datetime | None = DEMO_SIGNED_AT,
    vice_chairman: bool = False,
    indicators: Sequence[Indicator] = samples.SAMPLE_INDICATORS,
    issues: Sequence[Issue] = samples.SAMPLE_ISSUES,
    late_reasons: Mapping[str, str] = samples.SAMPLE_LATE_REASONS,
    leadership: Sequence[str] = samples.SAMPLE_LEADERSHIP,
    next_tasks: Sequence[str] = samples.SAMPLE_NEXT_TASKS,
) -> ReportSnapshot:
    """The report of xã Sơn Mai for ``period``, from the demo commune in the database.

    Numbered, dated and signed by default (an approved report); pass ``number=None,
    issued_on=None, signed_at=None`` for a draft. Assignments are classified on the period's
    last data day.
    """
    commune, directive = _commune_and_directive()
    today = period.data_to
    data = Figures(Assignment.objects.filter(task__section__directive=directive), today)
    assignments = data.as_of_assignments(assemble.directive_assignments(data.assignments))
    results = assemble.task_results(assignments, today)
    sections = [
        (section.title, results.get(section.number, TaskResults(())))
        for section in directive.sections.order_by("number")
    ]
    rows = assemble.unit_rows(assignments, today, data.last_updates())
    weekly = assemble.week_points(data.weekly_share_done())
    not_reported = tuple(
        unit.display_name for unit in data.units_not_reported(since=period.data_from)
    )
    late = assemble.late_items(
        data.late(), assignments, lambda assignment: late_reasons.get(assemble.citation(assignment))
    )
    basis = directive.basis_chain()
    provincial = basis[-1] if basis else None
    introduction = _(
        "Thực hiện %(provincial)s; %(directive)s về việc %(subject)s, Ủy ban nhân dân xã "
        "%(place)s báo cáo kết quả triển khai thực hiện %(period)s (số liệu tính %(window)s) "
        "như sau:"
    ) % {
        "provincial": provincial.title if provincial else "",
        "directive": directive.title,
        "subject": directive.subject,
        "place": commune.place_name,
        "period": period.label,
        "window": period.window_text,
    }
    conclusion = basis[0] if basis else directive
    sample_used = any(
        given is sample
        for given, sample in (
            (indicators, samples.SAMPLE_INDICATORS),
            (issues, samples.SAMPLE_ISSUES),
            (late_reasons, samples.SAMPLE_LATE_REASONS),
            (leadership, samples.SAMPLE_LEADERSHIP),
            (next_tasks, samples.SAMPLE_NEXT_TASKS),
        )
    )
    return ReportSnapshot(
        organisation=OrganisationInfo.from_organisation(commune),
        number=number,
        symbol=f"BC-{commune.document_code or 'UBND'}",
        issued_on=issued_on,
        year=(issued_on or period.data_to).year,
        subject=_("Kết quả triển khai thực hiện %(conclusion)s (%(period)s)")
        % {
            "conclusion": conclusion.title,
            "period": period.label,
        },
        period=period,
        recipients=(PROVINCE_VIA_HOME_AFFAIRS,),
        source_directive=DirectiveReference(
            code=directive.code, title=directive.title, subject=directive.subject
        ),
        introduction=(introduction, f"{figures_as_of_text(today)}."),
        body=assemble.compose_body(
            leadership=leadership,
            sections=sections,
            rows=rows,
            indicators=indicators,
            issues=issues,
            late=late,
            next_tasks=next_tasks,
            not_reported=not_reported,
        ),
        closing=(
            _(
                "Trên đây là báo cáo kết quả triển khai thực hiện %(conclusion)s %(period)s của "
                "Ủy ban nhân dân xã %(place)s, kính báo cáo Ủy ban nhân dân tỉnh Quảng Ngãi (qua "
                "Sở Nội vụ) theo dõi, chỉ đạo."
            )
            % {
                "conclusion": f"{conclusion.get_document_type_display()} số {conclusion.code}",
                "period": period.label,
                "place": commune.place_name,
            },
        ),
        charts=assemble.chart_data(rows, weekly),
        distribution=DISTRIBUTION,
        signer=_signer(commune, vice_chairman),
        appendix=assemble.appendix(assignments, today),
        signed_at=signed_at,
        sample_data=sample_used,
        figures_as_of=today,
        units_not_reported=not_reported,
    )


def large_snapshot(
    units: int = 60,
    tasks: int = 200,
    *,
    number: int | None = 12,
    issued_on: datetime.date | None = datetime.date(2026, 7, 18),
) -> ReportSnapshot:
    """A synthetic report with ``units`` units and ``tasks`` tasks, every unit on every task.

    Deterministic and built without the database: for benchmarks and layout tests of long
    tables (the unit table spans pages, the appendix matrix splits into column groups).
    """
    per_section = 20
    section_count = -(-tasks // per_section)
    citations = [(1 + t // per_section, 1 + t % per_section) for t in range(tasks)]
    names = [f"Đơn vị thực hiện số {u + 1:02d} (mẫu)" for u in range(units)]
    grid = [
        [BUCKET_ORDER[(u * 7 + t * 13 + u * t) % 6] for t in range(tasks)] for u in range(units)
    ]
    period = Period("6 tháng đầu năm 2026", datetime.date(2025, 12, 15), datetime.date(2026, 6, 14))
    rows = tuple(
        UnitRow(
            names[u],
            BucketCounts.of(grid[u]),
            period.data_to - datetime.timedelta(days=u % 9),
        )
        for u in range(units)
    )
    sections = []
    for s in range(section_count):
        items = []
        for t, (section, item) in enumerate(citations):
            if section != s + 1:
                continue
            counts = BucketCounts.of(grid[u][t] for u in range(units))
            items.append(
                TaskResult(
                    f"{section}.{item}",
                    f"Nhiệm vụ mẫu số {item} của mục {section}",
                    counts,
                )
            )
        sections.append((f"Nhóm nhiệm vụ mẫu số {s + 1}", TaskResults(tuple(items))))
    weekly = tuple(
        WeekPoint(period.data_from + datetime.timedelta(days=7 * w), round(100 * w / 26, 1))
        for w in range(27)
    )
    columns = tuple(
        TaskColumn(f"{s}.{i}", f"Nhiệm vụ mẫu số {i} của mục {s}") for s, i in citations
    )
    return ReportSnapshot(
        organisation=OrganisationInfo(
            name=DEMO_COMMUNE,
            short_name="UBND xã Sơn Mai",
            header_lines=("ỦY BAN NHÂN DÂN", "XÃ SƠN MAI"),
            place_name="Sơn Mai",
            document_code="UBND",
            administrative_code="21349",
        ),
        number=number,
        symbol="BC-UBND",
        issued_on=issued_on,
        year=(issued_on or period.data_to).year,
        subject=f"Kết quả thực hiện {tasks} nhiệm vụ mẫu của {units} đơn vị ({period.label})",
        period=period,
        recipients=(PROVINCE_VIA_HOME_AFFAIRS, "Sở Nội vụ tỉnh Quảng Ngãi"),
        source_directive=DirectiveReference(
            "…/UBND-VP", "Văn bản mẫu", "Văn bản mẫu để đo thời gian tạo báo cáo"
        ),
        introduction=(f"Báo cáo mẫu {period.window_text}, dùng để đo thời gian tạo tài liệu.",),
        body=assemble.compose_body(
            leadership=samples.SAMPLE_LEADERSHIP,
            sections=sections,
            rows=rows,
            indicators=samples.SAMPLE_INDICATORS,
            issues=samples.SAMPLE_ISSUES,
            late=(),
            next_tasks=samples.SAMPLE_NEXT_TASKS,
        ),
        closing=("Trên đây là báo cáo mẫu.",),
        charts=assemble.chart_data(rows, weekly),
        distribution=DISTRIBUTION,
        signer=Signer(CHAIRMAN_LINES, "Nguyễn Anh Tuấn"),
        appendix=Appendix(
            "Kết quả thực hiện nhiệm vụ theo đơn vị",
            columns,
            tuple(MatrixRow(names[u], tuple(str(b) for b in grid[u])) for u in range(units)),
        ),
        signed_at=(
            datetime.datetime.combine(issued_on, datetime.time(8, 0), tzinfo=VIETNAM)
            if issued_on
            else None
        ),
        sample_data=True,
    )


__all__ = ["DemoDataMissing", "demo_snapshot", "large_snapshot"]
