"""Registering a directive (from its document or by hand) and editing it afterwards.

``register_directive`` writes the directive, its legal-basis chain, sections, tasks,
assignments and reminder schedules in one transaction, and keeps the original file as the
directive's source document. ``update_directive`` applies an edit of the same form: new rows are
created, changed ones saved with their history, a moved deadline goes through
``change_due_date`` (the record extensions use), and a unit taken off a task is removed softly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import reminders
from directives.choices import AssignmentRole, DocumentImportState, DocumentType
from directives.docimport.citations import notation_key
from directives.models import Assignment, Directive, DirectiveImport, Section, Task
from directives.models.directive import normalise_subject
from directives.services.assignments import update_assignment
from sonmai.lib.actor import acting_as
from sonmai.lib.i18n import portal_language
from units.matching import display_name, find_organisation, organisation_level
from units.models import Organisation, Unit

if TYPE_CHECKING:
    from units.models import User


class RegistrationError(ValueError):
    """The directive cannot be saved as given; the message says why, in Vietnamese."""


@dataclass
class ReferenceData:
    document_type: str
    number: str
    symbol: str
    issued_on: datetime.date | None = None
    issuer: str = ""
    implements: str = ""  # the notation of another reference this one implements

    @property
    def key(self) -> str:
        return (
            notation_key(f"{self.number}/{self.symbol}") if self.number else self.symbol.casefold()
        )


@dataclass
class AssignmentData:
    unit: Unit
    role: str
    due_date: datetime.date | None


@dataclass
class TaskData:
    section_key: str
    number: int
    text: str
    short_title: str
    task_type: str
    cadence: str = ""
    report_day: int = 15
    assignments: list[AssignmentData] = field(default_factory=list)
    pk: int | None = None


@dataclass
class SectionData:
    key: str
    number: int
    title: str
    pk: int | None = None


@dataclass
class DirectiveData:
    document_type: str
    number: str
    symbol: str
    issued_on: datetime.date | None
    issued_month: int | None
    issued_year: int | None
    issuer: str
    issuer_parent: str = ""
    place: str = ""
    subject: str = ""
    addressees: str = ""
    preamble: str = ""
    closing: str = ""
    distribution: str = ""
    attachments: str = ""
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    monitoring_unit: Unit | None = None
    references: list[ReferenceData] = field(default_factory=list)
    sections: list[SectionData] = field(default_factory=list)
    tasks: list[TaskData] = field(default_factory=list)


# --- Issuers and duplicates ------------------------------------------------------------------
def resolve_issuer(
    name: str, *, organisation: Organisation, parent: str = "", place: str = ""
) -> Organisation | None:
    """The organisation ``name`` means; a body not known yet is added to the directory."""
    name = " ".join((name or "").split())
    if not name:
        return None
    candidates = [organisation, *Organisation.objects.exclude(pk=organisation.pk)]
    found = find_organisation(name, candidates)
    if isinstance(found, Organisation):
        return found
    header = "\n".join(line for line in (parent, name) if line) if name.isupper() else ""
    return Organisation.objects.create(
        name=display_name(name),
        level=organisation_level(f"{parent} {name}"),
        document_header=header,
        place_name=place,
    )


def find_duplicates(
    organisation: Organisation,
    *,
    issuer: Organisation | None,
    number: str,
    symbol: str,
    issued_on: datetime.date | None,
    issued_year: int | None,
    exclude: int | None = None,
) -> list[Directive]:
    """Directives already registered with the same issuer, number, symbol and date."""
    if not symbol:
        return []
    query = Directive.objects.filter(
        organisation=organisation, number=number, symbol__iexact=symbol, issuing_body=issuer
    )
    if issued_on:
        query = query.filter(
            Q(issued_on=issued_on) | Q(issued_on__isnull=True, issued_year=issued_on.year)
        )
    elif issued_year:
        query = query.filter(issued_year=issued_year)
    if exclude:
        query = query.exclude(pk=exclude)
    return list(query.select_related("issuing_body"))


# --- The legal basis -------------------------------------------------------------------------
def document_type_for(label: str) -> str:
    """The DocumentType of a type word ("Kết luận" → conclusion); "văn bản" when unknown."""
    with portal_language():
        labels = {str(label).casefold(): value for value, label in DocumentType.choices}
    return labels.get((label or "").casefold(), DocumentType.OTHER)


def _reference_directive(reference: ReferenceData, *, organisation: Organisation) -> Directive:
    issuer = resolve_issuer(reference.issuer, organisation=organisation)
    existing = Directive.objects.filter(
        organisation=organisation, number=reference.number, symbol__iexact=reference.symbol
    )
    if reference.issued_on:
        existing = existing.filter(Q(issued_on=reference.issued_on) | Q(issued_on__isnull=True))
    # A citation without a number is not enough to say which registered document it is.
    found = existing.first() if reference.number else None
    if found is not None:
        # What the new citation adds (a date, an issuer) fills what the old one lacked.
        changed = []
        if reference.issued_on and not found.issued_on:
            found.issued_on = reference.issued_on
            found.issued_month, found.issued_year = (
                reference.issued_on.month,
                reference.issued_on.year,
            )
            changed += ["issued_on", "issued_month", "issued_year"]
        if issuer and not found.issuing_body_id:
            found.issuing_body = issuer
            changed.append("issuing_body")
        if changed:
            found.save(update_fields=[*changed, "updated_at"])
        return found
    return Directive.objects.create(
        organisation=organisation,
        document_type=reference.document_type or DocumentType.OTHER,
        number=reference.number,
        symbol=reference.symbol,
        issued_on=reference.issued_on,
        issued_month=reference.issued_on.month if reference.issued_on else None,
        issued_year=reference.issued_on.year if reference.issued_on else None,
        issuing_body=issuer,
        subject="",
    )


def _link_basis(
    directive: Directive, references: list[ReferenceData], organisation: Organisation
) -> None:
    """The directive implements the references no other reference implements; a reference that
    says it implements another ("Công văn 120 … triển khai Kết luận 221") is linked to it."""
    made = {ref.key: _reference_directive(ref, organisation=organisation) for ref in references}
    implemented = {notation_key(ref.implements) for ref in references if ref.implements}
    for reference in references:
        document = made[reference.key]
        if document.pk == directive.pk:
            continue
        parent = made.get(notation_key(reference.implements)) if reference.implements else None
        if parent is not None and parent.pk != document.pk:
            document.basis.add(parent)
        if reference.key not in implemented or len(made) == 1:
            directive.basis.add(document)
    # A document listed only as the basis of another stays in the chain through it.


# --- Tasks and assignments -------------------------------------------------------------------
def _new_assignment(
    task: Task,
    row: AssignmentData,
    data: TaskData,
    today: datetime.date,
    lead: Assignment | None,
) -> Assignment:
    assignment = Assignment(
        task=task,
        unit=row.unit,
        role=row.role,
        lead_assignment=lead,
        assigned_on=today,
        due_date=row.due_date,
        cadence=data.cadence,
        report_day=data.report_day,
    )
    try:
        assignment.clean()  # the model's rules: a deadline or a cadence, a unit of the commune
    except ValidationError as error:
        raise RegistrationError(
            _("Nhiệm vụ “%(task)s”, %(unit)s: %(problem)s")
            % {"task": task.short_title, "unit": row.unit, "problem": " ".join(error.messages)}
        ) from None
    assignment.save()
    return assignment


def _create_assignments(
    task: Task, data: TaskData, today: datetime.date, rows: list[AssignmentData] | None = None
) -> list[int]:
    """Leads first, so a coordinating unit can follow the task's lead when there is one."""
    rows = data.assignments if rows is None else rows
    leads = [row for row in data.assignments if row.role == AssignmentRole.LEAD]
    lead = None
    if len(leads) == 1:
        lead = Assignment.objects.filter(task=task, unit=leads[0].unit).first()
    created = []
    for row in sorted(rows, key=lambda r: r.role != AssignmentRole.LEAD):
        assignment = _new_assignment(
            task, row, data, today, lead if row.role == AssignmentRole.COORDINATING else None
        )
        if row.role == AssignmentRole.LEAD and len(leads) == 1:
            lead = assignment
        created.append(assignment.pk)
    return created


def _save_task(section: Section, data: TaskData) -> Task:
    task = Task(
        section=section,
        number=data.number,
        text=data.text,
        short_title=data.short_title or Task.derive_short_title(data.text),
        task_type=data.task_type,
    )
    task.save()
    return task


def _check(data: DirectiveData) -> None:
    numbers = [(t.section_key, t.number) for t in data.tasks]
    if len(numbers) != len(set(numbers)):
        raise RegistrationError(_("Hai nhiệm vụ trong cùng một mục trùng số thứ tự."))
    sections = [s.number for s in data.sections]
    if len(sections) != len(set(sections)):
        raise RegistrationError(_("Hai mục trùng số thứ tự."))


def _schedule(assignment_ids: list[int]) -> None:
    reminders.schedule(assignment_ids, timezone.now())


# --- Registering -----------------------------------------------------------------------------
def register_directive(
    organisation: Organisation,
    *,
    actor: User,
    data: DirectiveData,
    source: DirectiveImport | None = None,
) -> Directive:
    """Create the directive and everything under it, all or nothing."""
    _check(data)
    today = timezone.localdate()
    with acting_as(actor), transaction.atomic():
        if source is not None:
            locked = DirectiveImport.objects.select_for_update().get(pk=source.pk)
            if locked.state != DocumentImportState.READY:
                raise RegistrationError(_("Văn bản này đã được đăng ký hoặc đã hủy."))
        issuer = resolve_issuer(
            data.issuer, organisation=organisation, parent=data.issuer_parent, place=data.place
        )
        directive = Directive(organisation=organisation, issuing_body=issuer)
        _apply_header(directive, data)
        directive.save()
        _link_basis(directive, data.references, organisation)
        assignment_ids: list[int] = []
        sections = {}
        for section_data in data.sections:
            sections[section_data.key] = Section.objects.create(
                directive=directive, number=section_data.number, title=section_data.title
            )
        for task_data in data.tasks:
            task = _save_task(sections[task_data.section_key], task_data)
            assignment_ids += _create_assignments(task, task_data, today)
        if source is not None:
            if source.file:
                with source.file.open("rb") as handle:
                    directive.original_file.save(
                        f"{source.token}{source.extension}", ContentFile(handle.read()), save=True
                    )
            DirectiveImport.objects.filter(pk=source.pk).update(
                state=DocumentImportState.REGISTERED, directive=directive
            )
        _schedule(assignment_ids)
    return directive


def _apply_header(directive: Directive, data: DirectiveData) -> None:
    directive.document_type = data.document_type
    directive.number = data.number
    directive.symbol = data.symbol
    directive.issued_on = data.issued_on
    directive.issued_month = data.issued_on.month if data.issued_on else data.issued_month
    directive.issued_year = data.issued_on.year if data.issued_on else data.issued_year
    directive.subject = normalise_subject(data.subject)
    directive.addressees = data.addressees
    directive.preamble = data.preamble
    directive.closing = data.closing
    directive.distribution = data.distribution
    directive.attachments = data.attachments
    directive.signer_authority = data.signer_authority
    directive.signer_title = data.signer_title
    directive.signer_name = data.signer_name
    directive.monitoring_unit = data.monitoring_unit
    directive.clean()


# --- Editing ---------------------------------------------------------------------------------
def update_directive(
    directive: Directive, *, actor: User, data: DirectiveData, reason: str = ""
) -> Directive:
    """Apply an edit; deadlines that move are recorded with ``reason``."""
    _check(data)
    today = timezone.localdate()
    organisation = directive.organisation
    with acting_as(actor), transaction.atomic():
        directive = Directive.objects.select_for_update().get(pk=directive.pk)
        directive.issuing_body = resolve_issuer(
            data.issuer, organisation=organisation, parent=data.issuer_parent, place=data.place
        )
        _apply_header(directive, data)
        directive.save()
        directive.basis.clear()
        _link_basis(directive, data.references, organisation)
        existing_sections = {s.pk: s for s in directive.sections.all()}
        sections: dict[str, Section] = {}
        # Numbers are unique per directive: move the kept sections out of the way first.
        for offset, section in enumerate(existing_sections.values(), start=1):
            Section.objects.filter(pk=section.pk).update(number=30000 + offset)
        for section_data in data.sections:
            kept_section = existing_sections.pop(section_data.pk, None) if section_data.pk else None
            section = kept_section or Section(directive=directive)
            section.number, section.title = section_data.number, section_data.title
            section.save()
            sections[section_data.key] = section
        existing_tasks = {t.pk: t for t in Task.objects.filter(section__directive=directive)}
        for offset, task in enumerate(existing_tasks.values(), start=1):
            Task.objects.filter(pk=task.pk).update(number=30000 + offset)
        new_ids: list[int] = []
        kept: set[int] = set()
        with portal_language():
            note = reason or _("Sửa trên trang văn bản.")
        for task_data in data.tasks:
            kept_task = existing_tasks.get(task_data.pk) if task_data.pk else None
            if kept_task is None:
                task = _save_task(sections[task_data.section_key], task_data)
                new_ids += _create_assignments(task, task_data, today)
                continue
            task = kept_task
            kept.add(task.pk)
            task.section = sections[task_data.section_key]
            task.number = task_data.number
            task.text = task_data.text
            task.short_title = task_data.short_title or Task.derive_short_title(task_data.text)
            task.task_type = task_data.task_type
            task.save()
            new_ids += _update_assignments(task, task_data, today, actor=actor, note=note)
        for pk, task in existing_tasks.items():
            if pk in kept:
                continue
            if Assignment.all_objects.filter(task=task).exists():
                raise RegistrationError(
                    _(
                        "Nhiệm vụ “%(task)s” đã giao cho đơn vị nên không xóa được; hãy bỏ các "
                        "đơn vị khỏi nhiệm vụ."
                    )
                    % {"task": task.short_title}
                )
            task.delete()
        for section in existing_sections.values():
            if section.tasks.exists():
                raise RegistrationError(
                    _("Mục %(number)s còn nhiệm vụ nên không xóa được.") % {"number": section.title}
                )
            section.delete()
        _schedule(new_ids)
    return directive


def _update_assignments(
    task: Task, data: TaskData, today: datetime.date, *, actor: User, note: str
) -> list[int]:
    current = {
        a.unit_id: a for a in Assignment.all_objects.filter(task=task).select_related("unit")
    }
    wanted = {row.unit.pk: row for row in data.assignments}
    created: list[int] = []
    leads = [row for row in data.assignments if row.role == AssignmentRole.LEAD]
    for unit_id, assignment in current.items():
        if unit_id not in wanted and assignment.removed_at is None:
            assignment.delete()  # soft: the unit's reports and history stay
    for row in leads + [r for r in data.assignments if r.role != AssignmentRole.LEAD]:
        existing = current.get(row.unit.pk)
        if existing is None:
            created += _create_assignments(task, data, today, [row])
            continue
        update_assignment(
            existing,
            actor=actor,
            note=note,
            role=row.role,
            cadence=data.cadence,
            report_day=data.report_day,
            due_date=row.due_date,
        )
    # Coordinating units follow the lead when the task has exactly one.
    alive = Assignment.objects.filter(task=task)
    lead_rows = [a for a in alive if a.role == AssignmentRole.LEAD]
    lead = lead_rows[0] if len(lead_rows) == 1 else None
    for assignment in alive:
        target = lead if assignment.role == AssignmentRole.COORDINATING else None
        if assignment.lead_assignment_id != (target.pk if target else None):
            assignment.lead_assignment = target
            assignment.save(history_note=note)
    return created
