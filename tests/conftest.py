"""The fixed cast of the suite.

One commune with a monitoring office (Phòng Văn hóa - Xã hội), a department B, a hamlet A and
the office of the clerk; one dispatch whose first task goes to A and B and whose second goes to B
only; a second dispatch for B only; and a second commune whose hamlet head is the outsider.
"""

import datetime
import io
import time
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from directives import calendar
from directives.calendar import WorkCalendar
from directives.choices import AssignmentStatus, DocumentImportState, DocumentSource
from directives.docimport.parser import parse
from directives.models import AssignmentImport, Concern, DirectiveImport, ExplanationRequest
from directives.seed import SON_MAI_DISPATCH
from tests import factories as f
from units.choices import Role, UnitKind

TODAY = datetime.date(2026, 2, 10)


@dataclass
class Cast:
    commune: object
    vhxh: object
    office: object
    unit_b: object
    hamlet_a: object
    directive: object
    other_directive: object
    task_shared: object
    task_b_only: object
    assignment_a: object
    assignment_b: object
    assignment_b_only: object
    chairman: object  # leader: sees everything, changes no unit's work
    vice_chairman: object
    officer: object  # Culture–Society monitoring officer: sees everything, reviews
    clerk: object  # văn thư: sees everything, registers directives in the admin
    hamlet_head_a: object  # sees and changes hamlet A's work only
    unit_head_b: object  # sees and changes department B's work only
    staff_b: object  # member of department B
    outsider: object  # hamlet head of another commune: sees nothing here
    update_a: object  # hamlet A's pending progress update, with one photo
    evidence_a: object
    extension_b: object  # department B's pending request for more time
    concern_a: object  # a difficulty hamlet A raised
    explanation_b: object  # an explanation demanded of department B
    import_job: object  # a checked, not yet applied sheet of assignments
    document_import: object  # a dispatch read from its file, waiting for the clerk's review


def _empty_calendar() -> None:
    """The calendar of an empty ``WorkdayException`` table, as if just read from it."""
    WorkCalendar._cached = WorkCalendar({})
    WorkCalendar._cached_stamp = (0, None)
    WorkCalendar._checked_at = time.monotonic()


@pytest.fixture(scope="session", autouse=True)
def steady_calendar():
    """Pages that count working days read the announced days from a per-process copy that is
    checked against the database every ``CACHE_SECONDS``. In the tests the copy is kept until
    a row changes (the model's signal drops it), so how many queries a page makes does not
    depend on how long the previous test took."""
    saved = calendar.CACHE_SECONDS
    calendar.CACHE_SECONDS = 10**9
    _empty_calendar()
    yield
    calendar.CACHE_SECONDS = saved
    WorkCalendar.forget()


@pytest.fixture(autouse=True)
def calendar_of_an_empty_table():
    """Each test ends with its announced days rolled back: so does the calendar's copy."""
    yield
    if WorkCalendar._cached is None or WorkCalendar._cached.exceptions:
        _empty_calendar()


@pytest.fixture
def cast(db) -> Cast:
    commune = f.OrganisationFactory(name="Ủy ban nhân dân xã Sơn Thử", place_name="Sơn Thử")
    vhxh = f.UnitFactory(organisation=commune, name="Phòng Văn hóa - Xã hội", code="VHXH")
    commune.monitoring_unit = vhxh
    commune.save(update_fields=["monitoring_unit"])
    office = f.UnitFactory(organisation=commune, name="Văn phòng HĐND và UBND", code="VP")
    unit_b = f.UnitFactory(organisation=commune, name="Phòng Kinh tế", code="KT")
    hamlet_a = f.HamletFactory(organisation=commune, name="Thôn An")
    directive = f.DirectiveFactory(organisation=commune, subject="Triển khai Kết luận thử")
    section = f.SectionFactory(directive=directive, number=1)
    task_shared = f.TaskFactory(section=section, number=1, short_title="Quán triệt Kết luận")
    task_b_only = f.TaskFactory(section=section, number=2, short_title="Rà soát chức năng")
    other_directive = f.DirectiveFactory(organisation=commune, subject="Việc riêng của phòng")
    other_task = f.TaskFactory(
        section=f.SectionFactory(directive=other_directive, number=1), number=1
    )
    assignment_a = f.AssignmentFactory(task=task_shared, unit=hamlet_a)
    assignment_b = f.AssignmentFactory(
        task=task_shared, unit=unit_b, status=AssignmentStatus.IN_PROGRESS, percent_done=40
    )
    assignment_b_only = f.AssignmentFactory(task=task_b_only, unit=unit_b)
    f.AssignmentFactory(task=other_task, unit=unit_b)

    other_commune = f.OrganisationFactory(name="Ủy ban nhân dân xã Khác")
    other_hamlet = f.UnitFactory(organisation=other_commune, kind=UnitKind.HAMLET)

    def person(username, role, unit=None, org=commune, **extra):
        return f.UserFactory(username=username, role=role, unit=unit, organisation=org, **extra)

    hamlet_head_a = person("hamlet_a", Role.HAMLET_HEAD, hamlet_a)
    unit_head_b = person("head_b", Role.UNIT_HEAD, unit_b)
    update_a = f.ProgressUpdateFactory(assignment=assignment_a, author=hamlet_head_a)
    evidence_a = f.EvidenceFactory(update=update_a, uploaded_by=hamlet_head_a)
    extension_b = f.ExtensionRequestFactory(assignment=assignment_b, requested_by=unit_head_b)
    concern_a = Concern.objects.create(
        assignment=assignment_a, update=update_a, kind="difficulty", text="Thiếu hội trường."
    )
    officer = person("officer", Role.MONITORING_OFFICER, vhxh, is_staff=True)
    explanation_b = ExplanationRequest.objects.create(
        assignment=assignment_b, requested_by=officer, question="Vì sao chậm?", answer_due=TODAY
    )
    import_job = AssignmentImport.objects.create(
        directive=directive,
        uploaded_by=officer,
        token=uuid.uuid4(),
        file="imports/x.xlsx",
        original_name="x.xlsx",
        state="checked",
        rows=[],
        errors=[],
    )

    document_import = _document_import(commune, officer)
    directive.original_file.save("cv.pdf", ContentFile(b"%PDF-1.4 test"), save=True)

    return Cast(
        commune=commune,
        vhxh=vhxh,
        office=office,
        unit_b=unit_b,
        hamlet_a=hamlet_a,
        directive=directive,
        other_directive=other_directive,
        task_shared=task_shared,
        task_b_only=task_b_only,
        assignment_a=assignment_a,
        assignment_b=assignment_b,
        assignment_b_only=assignment_b_only,
        chairman=person("chairman", Role.CHAIRMAN),
        vice_chairman=person("vice", Role.VICE_CHAIRMAN),
        officer=officer,
        clerk=person("clerk", Role.CLERK, office, is_staff=True),
        hamlet_head_a=hamlet_head_a,
        unit_head_b=unit_head_b,
        staff_b=person("staff_b", Role.UNIT_STAFF, unit_b),
        outsider=person("outsider", Role.HAMLET_HEAD, other_hamlet, org=other_commune),
        update_a=update_a,
        evidence_a=evidence_a,
        extension_b=extension_b,
        concern_a=concern_a,
        explanation_b=explanation_b,
        import_job=import_job,
        document_import=document_import,
    )


def _document_import(commune, uploader) -> DirectiveImport:
    """The seed dispatch as the worker leaves it after reading: text, parts, a page picture."""
    text = SON_MAI_DISPATCH.read_text(encoding="utf-8")
    job = DirectiveImport(
        organisation=commune,
        uploaded_by=uploader,
        token=uuid.uuid4(),
        source=DocumentSource.PDF,
        extension=".pdf",
        original_name="cong-van.pdf",
        state=DocumentImportState.READY,
        method="pdf",
        page_count=2,
        text=text,
        parsed=parse(text).as_json(),
    )
    job.file.save("x.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    picture = io.BytesIO()
    Image.new("L", (20, 30), 255).save(picture, "PNG")
    job.previews = [
        default_storage.save(f"directive-imports/previews/{job.token}/page-1.png", picture)
    ]
    job.save()
    return job


@pytest.fixture
def client_for():
    """``client_for(user)`` → a test client signed in as ``user`` (or anonymous for None)."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
