"""Factories for the test suite. Defaults build a small commune with one dispatch."""

import datetime
import io
import uuid

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from directives.choices import AssignmentRole, AssignmentStatus, DocumentType, TaskType
from directives.models import (
    Assignment,
    Directive,
    Evidence,
    ExtensionRequest,
    Indicator,
    ProgressUpdate,
    Section,
    Task,
)
from units.choices import OrganisationLevel, Role, UnitKind
from units.models import Organisation, Unit, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Ủy ban nhân dân xã Thử {n}")
    short_name = factory.Sequence(lambda n: f"UBND xã Thử {n}")
    level = OrganisationLevel.COMMUNE
    hosts_portal = True
    document_header = factory.LazyAttribute(lambda o: f"ỦY BAN NHÂN DÂN\n{o.name[15:].upper()}")
    place_name = "Thử"
    document_code = "UBND"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Phòng {n}")
    code = factory.Sequence(lambda n: f"P{n}")
    kind = UnitKind.DEPARTMENT


class HamletFactory(UnitFactory):
    name = factory.Sequence(lambda n: f"Thôn {n}")
    code = factory.Sequence(lambda n: f"T{n}")
    kind = UnitKind.HAMLET


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.UNIT_HEAD
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password("matkhau-thu")


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive

    organisation = factory.SubFactory(OrganisationFactory)
    issuing_body = factory.SelfAttribute("organisation")
    document_type = DocumentType.DISPATCH
    number = factory.Sequence(lambda n: str(n + 1))
    symbol = "UBND-VP"
    issued_on = datetime.date(2026, 1, 12)
    issued_month = 1
    issued_year = 2026
    subject = factory.Sequence(lambda n: f"Triển khai nhiệm vụ thử {n}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    directive = factory.SubFactory(DirectiveFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Trách nhiệm của các đơn vị"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    section = factory.SubFactory(SectionFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Tổ chức quán triệt nội dung Kết luận đến toàn thể cán bộ, công chức."
    short_title = factory.Sequence(lambda n: f"Nhiệm vụ thử {n}")
    task_type = TaskType.DO


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(UnitFactory)
    role = AssignmentRole.LEAD
    assigned_on = datetime.date(2026, 1, 12)
    due_date = datetime.date(2026, 3, 31)
    status = AssignmentStatus.NOT_STARTED


def jpeg_bytes(size: tuple[int, int] = (64, 48), colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    task = factory.SubFactory(TaskFactory)
    name = factory.Sequence(lambda n: f"Số hội nghị đã tổ chức {n}")
    unit_of_measure = "cuộc"


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    assignment = factory.SubFactory(AssignmentFactory)
    author = factory.SubFactory(UserFactory)
    status = AssignmentStatus.IN_PROGRESS
    percent_done = 30
    results = "Đã tổ chức hội nghị quán triệt tại nhà văn hóa thôn."


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    update = factory.SubFactory(ProgressUpdateFactory)
    assignment = factory.SelfAttribute("update.assignment")
    submission_token = factory.LazyFunction(uuid.uuid4)
    file = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="bien-ban.jpg"))
    original_name = "bien-ban.jpg"
    kind = "image"
    content_type = "image/jpeg"
    size = 1000
    uploaded_by = factory.SubFactory(UserFactory)
    uploaded_at = factory.LazyFunction(timezone.now)


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtensionRequest

    assignment = factory.SubFactory(AssignmentFactory)
    requested_by = factory.SubFactory(UserFactory)
    reason = "Chờ hướng dẫn của cấp trên về sắp xếp bộ máy."
    current_due_date = factory.SelfAttribute("assignment.due_date")
    proposed_due_date = factory.LazyAttribute(
        lambda o: o.assignment.due_date + datetime.timedelta(days=30)
    )
