"""Importing assignments from a sheet (tasks × units with due dates), all or nothing.

The sheet is the assignment list the dashboard exports: export, edit due dates or add rows,
import again. Checking and applying run in the background (a status row the page polls); a
sheet with any error is never applied, and applying changes every listed row or none.

The upload itself is only checked from the zip's directory (``directives.xlsx.check_archive``:
a zip bomb is refused on the page at once) and stored; openpyxl reads it in the Celery worker,
in a child process under a memory and time limit (``directives.xlsx.read_in_child``).
"""

from __future__ import annotations

import datetime
import re
import shutil
import tempfile
import time
import uuid

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from directives.choices import AssignmentRole, Cadence, ImportState
from directives.excel import (
    COL_CADENCE,
    COL_CITATION,
    COL_DUE,
    COL_REPORT_DAY,
    COL_ROLE,
    COL_UNIT,
)
from directives.models import Assignment, AssignmentImport, Directive, Task
from directives.services.assignments import update_assignment
from directives.xlsx import SheetRejected, check_archive, read_in_child
from sonmai.lib.actor import acting_as
from sonmai.lib.files import UploadRule
from sonmai.lib.i18n import portal_language
from sonmai.lib.vntext import fold, nfc
from units.models import Unit

#: Largest sheet file accepted (the page refuses a larger body before reading it).
MAX_IMPORT_FILE_BYTES = 5 * 1024 * 1024
SHEET_UPLOAD = UploadRule(MAX_IMPORT_FILE_BYTES, frozenset({".xlsx"}), _lazy("tệp Excel .xlsx"))
#: Most data rows a sheet may have; a longer one is refused whole rather than cut.
MAX_IMPORT_ROWS = 5000
#: The header row is looked for among the first rows.
HEADER_ROWS = 20
_CITATION = re.compile(r"^\s*(?:muc\s*)?(\d+)\s*(?:[.,]|,?\s*y)\s*(\d+)\s*$")


class ImportRejected(ValueError):
    """The file cannot be read as a sheet, or the job is not in a state for this step."""


def _roles() -> dict[str, str]:
    # Both the Vietnamese labels and the stored values are accepted.
    roles = {fold(str(label)): value for value, label in AssignmentRole.choices}
    return roles | {value: value for value in AssignmentRole.values}


def _cadences() -> dict[str, str]:
    cadences = {fold(str(label)): value for value, label in Cadence.choices if value}
    return cadences | {value: value for value in Cadence.values if value}


def _read_date(value: object) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            parsed = time.strptime(text, pattern)
        except ValueError:
            continue
        # A calendar day, not a moment: no time zone to attach.
        return datetime.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    raise ValueError


def _citation(value: object, tasks: dict[tuple[int, int], Task]) -> tuple[Task | None, str]:
    """The task a "Mục, ý" cell names, or (None, why not)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Excel turned "1.10" into the number 1.1: only unambiguous when there is no item 10.
        section, _dot, item = f"{value:g}".partition(".")
        item = item or "0"
        key = (int(section), int(item))
        if (int(section), int(item + "0")) in tasks:
            return None, _(
                "ô “%(value)s” là số nên không phân biệt được ý %(a)s và ý %(b)s; hãy ghi dạng chữ"
            ) % {"value": value, "a": item, "b": item + "0"}
        return tasks.get(key), ""
    match = _CITATION.match(fold(str(value or "")))
    return (tasks.get((int(match[1]), int(match[2]))) if match else None), ""


def sheet_message(code: str, detail: dict | None = None) -> str:
    """Why a sheet cannot be imported, in words (``SheetRejected`` codes)."""
    detail = detail or {}
    messages = {
        "too_big": _(
            "Tệp Excel giải nén ra quá lớn so với một bảng phân công (có thể là tệp độc hại), "
            "nên không đọc."
        ),
        "too_many_rows": _("Bảng có hơn %(count)d dòng; hãy chia thành nhiều tệp.")
        % {"count": MAX_IMPORT_ROWS},
        "too_many_strings": _(
            "Tệp có quá nhiều ô chữ khác nhau (hơn %(count)d). Hãy chép riêng bảng phân công "
            "sang một tệp Excel mới rồi nhập lại."
        )
        % {"count": detail.get("limit", 0)},
        "memory": _(
            "Đọc tệp cần quá nhiều bộ nhớ nên đã dừng. Hãy chép riêng bảng phân công sang một "
            "tệp Excel mới rồi nhập lại."
        ),
        "timeout": _(
            "Đọc tệp quá lâu nên đã dừng. Hãy chép riêng bảng phân công sang một tệp Excel mới "
            "rồi nhập lại."
        ),
    }
    return messages.get(code, _("Không đọc được tệp: hãy chọn tệp Excel (.xlsx)."))


def read_sheet(path: str) -> list[tuple]:
    """The first sheet's values, read in a limited child (raises ``ImportRejected``)."""
    try:
        return read_in_child(
            path,
            max_rows=MAX_IMPORT_ROWS,
            header_rows=HEADER_ROWS,
            memory_mb=settings.UPLOAD_CHILD_MEMORY_MB,
            timeout=settings.UPLOAD_CHILD_TIMEOUT,
        )
    except SheetRejected as rejected:
        raise ImportRejected(sheet_message(rejected.code, rejected.detail)) from None


def check_import(directive: Directive, rows: list[tuple]) -> tuple[list[dict], list[dict]]:
    """Check the sheet's rows; return (valid rows, errors), each error naming its row."""
    header_row, columns = None, {}
    for number, values in enumerate(rows[:HEADER_ROWS], start=1):
        labels = {fold(str(v)): i for i, v in enumerate(values) if v not in (None, "")}
        if fold(COL_CITATION) in labels and fold(COL_UNIT) in labels:
            header_row, columns = number, labels
            break
    if header_row is None:
        raise ImportRejected(
            _("Không tìm thấy dòng tiêu đề có cột “%(a)s” và “%(b)s”.")
            % {"a": COL_CITATION, "b": COL_UNIT}
        )
    data_rows = rows[header_row:]
    if len(data_rows) > MAX_IMPORT_ROWS:
        raise ImportRejected(
            _("Bảng có hơn %(count)d dòng; hãy chia thành nhiều tệp.") % {"count": MAX_IMPORT_ROWS}
        )
    tasks = {
        (t.section.number, t.number): t
        for t in Task.objects.filter(section__directive=directive).select_related("section")
    }
    unit_names = {}
    for unit in Unit.objects.filter(organisation=directive.organisation, is_active=True):
        for name in (unit.name, unit.display_name, unit.code):
            if name:
                unit_names[fold(name)] = unit

    def cell(values: tuple, label: str) -> object:
        index = columns.get(fold(label))
        return values[index] if index is not None and index < len(values) else None

    roles, cadences = _roles(), _cadences()
    valid, errors, seen = [], [], set()
    for number, values in enumerate(data_rows, start=header_row + 1):
        if not any(v not in (None, "") for v in values):
            continue
        problems = []
        raw_citation = cell(values, COL_CITATION)
        task, why = _citation(raw_citation, tasks)
        if task is None:
            problems.append(
                why
                or _("không có nhiệm vụ “%(value)s” trong văn bản") % {"value": raw_citation or ""}
            )
        unit = unit_names.get(fold(str(cell(values, COL_UNIT) or "")))
        if unit is None:
            problems.append(
                _("không có đơn vị “%(value)s”") % {"value": cell(values, COL_UNIT) or ""}
            )
        role = roles.get(fold(str(cell(values, COL_ROLE) or "Chủ trì")))
        if role is None:
            problems.append(_("vai trò phải là “Chủ trì” hoặc “Phối hợp”"))
        try:
            due = _read_date(cell(values, COL_DUE))
        except ValueError:
            due = None
            problems.append(
                _("hạn hoàn thành “%(value)s” không phải ngày (dd/mm/yyyy)")
                % {"value": cell(values, COL_DUE)}
            )
        cadence_text = fold(str(cell(values, COL_CADENCE) or ""))
        cadence = cadences.get(cadence_text, "") if cadence_text else ""
        if cadence_text and not cadence:
            problems.append(_("chu kỳ báo cáo phải là Hằng tháng, Hằng quý, 6 tháng hoặc Hằng năm"))
        if not due and not cadence and not problems:
            problems.append(_("cần hạn hoàn thành hoặc chu kỳ báo cáo"))
        report_day = cell(values, COL_REPORT_DAY) or 15
        try:
            report_day = int(report_day)
            if not 1 <= report_day <= 28:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(_("ngày báo cáo phải từ 1 đến 28"))
        if task and unit:
            if (task.pk, unit.pk) in seen:
                problems.append(_("trùng với một dòng phía trên"))
            seen.add((task.pk, unit.pk))
        if problems:
            errors.append({"row": number, "message": nfc("; ".join(str(p) for p in problems))})
        else:
            valid.append(
                {
                    "row": number,
                    "task": task.pk,
                    "unit": unit.pk,
                    "role": role,
                    "due_date": due.isoformat() if due else None,
                    "cadence": cadence,
                    "report_day": report_day,
                }
            )
    if not valid and not errors:
        errors.append({"row": header_row + 1, "message": _("Bảng không có dòng nào.")})
    return valid, errors


# --- The job ----------------------------------------------------------------------------------
def receive_import(
    directive: Directive, *, actor: object, upload: UploadedFile
) -> AssignmentImport:
    """Store the file; checking it runs in the background once this transaction commits.

    Only the zip's directory and the first sheet's dimension are read here: a file that would
    unpack too far or is too long is refused at once (``ImportRejected``), nothing stored.
    """
    from directives import tasks

    try:
        check_archive(upload, max_rows=MAX_IMPORT_ROWS + HEADER_ROWS)
    except SheetRejected as rejected:
        raise ImportRejected(sheet_message(rejected.code, rejected.detail)) from None
    upload.seek(0)
    name = upload.name or "phan-cong.xlsx"
    job = AssignmentImport(
        directive=directive,
        uploaded_by=actor,
        token=uuid.uuid4(),
        original_name=nfc(name)[-200:],
        state=ImportState.QUEUED,
    )
    job.file.save(name, upload, save=False)
    job.save()
    transaction.on_commit(lambda: tasks.check_assignment_import.delay(job.pk))
    return job


def run_check(job_id: int) -> None:
    """Check a queued sheet row by row (idempotent: a job already checked is left alone)."""
    job = AssignmentImport.objects.select_related("directive__organisation").get(pk=job_id)
    if job.state != ImportState.QUEUED:
        return
    try:
        with tempfile.NamedTemporaryFile(prefix="sonmai-sheet-", suffix=".xlsx") as copy:
            with job.file.open("rb") as handle:
                shutil.copyfileobj(handle, copy, 1024 * 1024)
            copy.flush()
            rows = read_sheet(copy.name)
        valid, errors = check_import(job.directive, rows)
    except ImportRejected as rejected:
        valid, errors = [], [{"row": 0, "message": str(rejected)}]
    except Exception as error:
        _fail(job, "check", error)
        return
    AssignmentImport.objects.filter(pk=job.pk, state=ImportState.QUEUED).update(
        state=ImportState.REJECTED if errors else ImportState.CHECKED,
        rows=valid,
        errors=errors,
        summary={"rows": len(valid) + len(errors), "errors": len(errors)},
        error="",
        failed_step="",
    )


def request_apply(job: AssignmentImport, *, actor: object) -> None:
    """Queue applying a checked sheet (once: a second request is refused)."""
    from directives import tasks

    claimed = AssignmentImport.objects.filter(pk=job.pk, state=ImportState.CHECKED).update(
        state=ImportState.APPLYING, applied_by=actor
    )
    if not claimed:
        raise ImportRejected(_("Chỉ áp dụng được bảng đã kiểm tra, không có lỗi và chưa áp dụng."))
    transaction.on_commit(lambda: tasks.apply_assignment_import.delay(job.pk))


def retry(job: AssignmentImport) -> None:
    """Run the failed step again."""
    from directives import tasks

    state = ImportState.QUEUED if job.failed_step == "check" else ImportState.APPLYING
    claimed = AssignmentImport.objects.filter(pk=job.pk, state=ImportState.FAILED).update(
        state=state, error=""
    )
    if not claimed:
        raise ImportRejected(_("Bảng này không ở trạng thái lỗi."))
    task = (
        tasks.check_assignment_import
        if state == ImportState.QUEUED
        else (tasks.apply_assignment_import)
    )
    transaction.on_commit(lambda: task.delay(job.pk))


def run_apply(job_id: int) -> None:
    """Create or change every listed assignment, or nothing if anything fails."""
    job = AssignmentImport.objects.select_related("applied_by").get(pk=job_id)
    if job.state != ImportState.APPLYING:
        return
    try:
        summary = _apply(job)
    except Exception as error:
        _fail(job, "apply", error)
        return
    AssignmentImport.objects.filter(pk=job.pk).update(
        state=ImportState.APPLIED, applied_at=timezone.now(), summary={**job.summary, **summary}
    )


def _apply(job: AssignmentImport) -> dict[str, int]:
    actor = job.applied_by
    created = changed = unchanged = 0
    with portal_language():
        reason = _("Nhập từ tệp Excel “%(name)s”.") % {"name": job.original_name}
    with acting_as(actor), transaction.atomic():
        locked = AssignmentImport.objects.select_for_update().get(pk=job.pk)
        if locked.state != ImportState.APPLYING:
            raise ImportRejected(_("Bảng này đã được áp dụng."))
        for row in locked.rows:
            due = datetime.date.fromisoformat(row["due_date"]) if row["due_date"] else None
            assignment = Assignment.all_objects.filter(
                task_id=row["task"], unit_id=row["unit"]
            ).first()
            if assignment is None:
                Assignment.objects.create(
                    task_id=row["task"],
                    unit_id=row["unit"],
                    role=row["role"],
                    due_date=due,
                    cadence=row["cadence"],
                    report_day=row["report_day"],
                )
                created += 1
                continue
            dirty = update_assignment(
                assignment,
                actor=actor,
                note=reason,
                role=row["role"],
                cadence=row["cadence"],
                report_day=row["report_day"],
                due_date=due,
            )
            changed += bool(dirty)
            unchanged += not dirty
    return {"created": created, "changed": changed, "unchanged": unchanged}


def _fail(job: AssignmentImport, step: str, error: Exception) -> None:
    AssignmentImport.objects.filter(pk=job.pk).update(
        state=ImportState.FAILED, failed_step=step, error=f"{type(error).__name__}: {error}"[:2000]
    )
