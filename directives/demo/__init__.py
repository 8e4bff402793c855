"""The demo commune: xã Sơn Mai, its units, one account per role and the real dispatch.

``load_demo_commune`` is idempotent: it creates what is missing and leaves alone what exists,
so running it again never duplicates rows nor undoes what people did in the demo.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from directives.choices import DocumentType
from directives.demo.catalogue import (
    ADMIN_ACCOUNTS,
    DEMO_PASSWORD,
    OTHER_HEADS,
    ROLE_ACCOUNTS,
    TASK_PLAN,
    UNITS,
)
from directives.demo.progress import add_assignments, add_indicators
from directives.docimport.parser import ParsedDocument
from directives.models import Directive, Section, Task
from directives.seed import load_son_mai_dispatch

__all__ = ["DEMO_PASSWORD", "OTHER_HEADS", "ROLE_ACCOUNTS", "DemoResult", "load_demo_commune"]
from units.choices import OrganisationLevel
from units.models import Organisation, Unit, User


@dataclass
class DemoResult:
    created: dict[str, int] = field(default_factory=dict)
    directive: Directive | None = None

    def count(self, what: str, created: bool) -> None:
        if created:
            self.created[what] = self.created.get(what, 0) + 1


def _organisations(result: DemoResult) -> tuple[Organisation, Organisation, Organisation]:
    politburo, created = Organisation.objects.get_or_create(
        name="Bộ Chính trị, Ban Bí thư",
        defaults={
            "short_name": "Bộ Chính trị, Ban Bí thư",
            "level": OrganisationLevel.PARTY_CENTRAL,
            "document_header": "BAN CHẤP HÀNH TRUNG ƯƠNG\n*",
        },
    )
    result.count("cơ quan", created)
    province, created = Organisation.objects.get_or_create(
        name="Ủy ban nhân dân tỉnh Quảng Ngãi",
        defaults={
            "short_name": "UBND tỉnh Quảng Ngãi",
            "level": OrganisationLevel.PROVINCE,
            "document_header": "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI",
            "place_name": "Quảng Ngãi",
            "administrative_code": "51",
            "document_code": "UBND",
        },
    )
    result.count("cơ quan", created)
    home_affairs, created = Organisation.objects.get_or_create(
        name="Sở Nội vụ tỉnh Quảng Ngãi",
        defaults={
            "short_name": "Sở Nội vụ",
            "level": OrganisationLevel.PROVINCE_DEPARTMENT,
            "parent": province,
            "place_name": "Quảng Ngãi",
            "document_code": "SNV",
        },
    )
    result.count("cơ quan", created)
    commune, created = Organisation.objects.get_or_create(
        name="Ủy ban nhân dân xã Sơn Mai",
        defaults={
            "short_name": "UBND xã Sơn Mai",
            "level": OrganisationLevel.COMMUNE,
            "parent": province,
            "report_via": home_affairs,
            "hosts_portal": True,
            "document_header": "ỦY BAN NHÂN DÂN\nXÃ SƠN MAI",
            "place_name": "Sơn Mai",
            "administrative_code": "21349",
            "document_code": "UBND",
        },
    )
    result.count("cơ quan", created)
    return politburo, province, commune


def _units(commune: Organisation, result: DemoResult) -> dict[str, Unit]:
    units = {}
    for position, (name, code, kind, is_demo) in enumerate(UNITS, start=1):
        unit, created = Unit.objects.get_or_create(
            organisation=commune,
            name=name,
            defaults={"code": code, "kind": kind, "is_demo": is_demo, "position": position},
        )
        result.count("đơn vị", created)
        units[code] = unit
    return units


def _staff_group() -> Group:
    """The administrator keeps units, people, holidays and, when something must be mended,
    the records themselves; directives are registered on the portal's own pages."""
    group, _created = Group.objects.get_or_create(name="Quản trị cổng")
    models = (
        "unit",
        "user",
        "organisation",
        "directive",
        "section",
        "task",
        "indicator",
        "assignment",
        "workdayexception",
        "reminderpolicy",
    )
    codenames = [f"{action}_{model}" for model in models for action in ("add", "change", "view")]
    # The sign-in record, read-only, and the sign-in locks, which the administrator may lift
    # (and is told about: notifications.recipients.administrator_recipients).
    codenames += ["view_signinevent", "view_signinlock", "delete_signinlock"]
    group.permissions.set(Permission.objects.filter(codename__in=codenames))
    return group


def _accounts(
    commune: Organisation, units: dict[str, Unit], result: DemoResult, *, password: str | None
) -> None:
    group = _staff_group()
    for account in ROLE_ACCOUNTS + ADMIN_ACCOUNTS + OTHER_HEADS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "full_name": account.full_name,
                "organisation": commune,
                "unit": units.get(account.unit_code),
                "role": account.role,
                "position_title": account.position_title,
                "is_staff": account.is_staff,
                "email": f"{account.username}@sonmai.localhost",
            },
        )
        if created:
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save(update_fields=["password"])
            if account.is_staff:
                user.groups.add(group)
        result.count("tài khoản", created)


def _directive_chain(
    commune: Organisation,
    politburo: Organisation,
    province: Organisation,
    units: dict[str, Unit],
    dispatch: ParsedDocument,
    result: DemoResult,
) -> Directive:
    conclusion, created = Directive.objects.get_or_create(
        organisation=commune,
        issuing_body=politburo,
        document_type=DocumentType.CONCLUSION,
        number="221",
        symbol="KL/TW",
        defaults={
            "issued_on": datetime.date(2025, 11, 28),
            "issued_month": 11,
            "issued_year": 2025,
            "subject": "Về tình hình, kết quả hoạt động của bộ máy hệ thống chính trị và chính "
            "quyền địa phương 02 cấp",
        },
    )
    result.count("văn bản", created)
    provincial, created = Directive.objects.get_or_create(
        organisation=commune,
        issuing_body=province,
        document_type=DocumentType.DISPATCH,
        number="120",
        symbol="UBND-NC",
        defaults={
            "issued_on": datetime.date(2026, 1, 7),
            "issued_month": 1,
            "issued_year": 2026,
            "subject": "Về việc triển khai Kết luận 221-KL/TW của Bộ Chính trị, Ban Bí thư về "
            "kết quả hoạt động của bộ máy hệ thống chính trị và chính quyền địa "
            "phương 2 cấp",
        },
    )
    result.count("văn bản", created)
    provincial.basis.add(conclusion)

    directive, created = Directive.objects.get_or_create(
        organisation=commune,
        issuing_body=commune,
        document_type=DocumentType.DISPATCH,
        number=dispatch.number,
        symbol=dispatch.symbol,
        subject=dispatch.subject,
        defaults={
            "issued_month": dispatch.month,
            "issued_year": dispatch.year,
            "signer_title": dispatch.signer.title.capitalize(),
            "signer_name": dispatch.signer.name,
            "addressees": "\n".join(dispatch.addressees),
            "preamble": "\n".join(dispatch.preamble),
            "closing": dispatch.closing,
            "distribution": "\n".join(dispatch.signer.recipients),
            "monitoring_unit": units["VHXH"],
        },
    )
    result.count("văn bản", created)
    directive.basis.add(provincial)

    for parsed_section in dispatch.sections:
        section, created = Section.objects.get_or_create(
            directive=directive,
            number=int(parsed_section.number),
            defaults={"title": parsed_section.title},
        )
        result.count("mục", created)
        texts = [t.text for t in dispatch.tasks if t.section == parsed_section.number]
        for number, text in enumerate(texts, start=1):
            short_title, task_type, *_rest = TASK_PLAN[(section.number, number)]
            _task, created = Task.objects.get_or_create(
                section=section,
                number=number,
                defaults={"text": text, "short_title": short_title, "task_type": task_type},
            )
            result.count("nhiệm vụ", created)
    return directive


@transaction.atomic
def load_demo_commune(*, today: datetime.date, password: str | None) -> DemoResult:
    """Create the demo commune. With ``password`` None, accounts get unusable passwords."""
    result = DemoResult()
    dispatch = load_son_mai_dispatch()
    politburo, province, commune = _organisations(result)
    units = _units(commune, result)
    if commune.monitoring_unit_id is None:
        commune.monitoring_unit = units["VHXH"]
        commune.save(update_fields=["monitoring_unit"])
    _accounts(commune, units, result, password=password)
    directive = _directive_chain(commune, politburo, province, units, dispatch, result)
    add_indicators(directive)
    add_assignments(directive, units, result, today)
    result.directive = directive
    return result
