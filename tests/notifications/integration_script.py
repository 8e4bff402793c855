"""Run inside the integration tests' own database, as a separate process (like the worker).

    python -m tests.notifications.integration_script create 3   # 3 hamlets, each due today
    python -m tests.notifications.integration_script status     # deliveries and reminders

Prints JSON. The settings come from the environment the test gives (DATABASE_URL …).
"""

from __future__ import annotations

import datetime
import json
import os
import sys


def create(hamlets: int) -> dict:
    from django.utils import timezone

    from directives.choices import DocumentType, WorkdayExceptionKind
    from directives.models import Assignment, Directive, Section, Task, WorkdayException
    from units.choices import OrganisationLevel, Role, UnitKind
    from units.models import Organisation, Unit, User

    today = timezone.localdate()
    # Whatever day the test runs on, today and tomorrow are working days in this database.
    for day in (today, today + datetime.timedelta(days=1)):
        WorkdayException.objects.update_or_create(
            date=day,
            defaults={"kind": WorkdayExceptionKind.WORKING_DAY, "description": "Kiểm thử"},
        )
    commune, _created = Organisation.objects.get_or_create(
        name="Ủy ban nhân dân xã Kiểm Thử",
        defaults={"level": OrganisationLevel.COMMUNE, "hosts_portal": True},
    )
    directive = Directive.objects.create(
        organisation=commune,
        issuing_body=commune,
        document_type=DocumentType.DISPATCH,
        number="9",
        symbol="UBND-VP",
        issued_on=today - datetime.timedelta(days=20),
        subject="Triển khai thử",
    )
    section = Section.objects.create(directive=directive, number=1, title="Trách nhiệm")
    task = Task.objects.create(
        section=section, number=1, short_title="Quán triệt Kết luận", text="Tổ chức quán triệt."
    )
    people = []
    start = Unit.objects.filter(organisation=commune).count()
    for n in range(start + 1, start + hamlets + 1):
        hamlet = Unit.objects.create(organisation=commune, name=f"Thôn {n}", kind=UnitKind.HAMLET)
        person = User.objects.create(
            username=f"truongthon{n}",
            full_name=f"Trưởng thôn {n}",
            email=f"truongthon{n}@example.test",
            organisation=commune,
            unit=hamlet,
            role=Role.HAMLET_HEAD,
        )
        Assignment.objects.create(
            task=task,
            unit=hamlet,
            assigned_on=today - datetime.timedelta(days=10),
            due_date=today,
        )
        people.append(person.email)
    return {"emails": people, "created_at": timezone.now().isoformat()}


def status() -> dict:
    from notifications.models import Delivery, Reminder

    deliveries = [
        {
            "id": d.pk,
            "channel": d.channel,
            "status": d.status,
            "attempts": d.attempts,
            "to": d.notification.recipient.email,
            "message_id": d.message_id,
            "sent_at": d.sent_at.isoformat() if d.sent_at else None,
            "last_error": d.last_error,
            "due_at": min(
                (r.due_at for r in d.notification.reminders.all()), default=None
            ).isoformat()
            if d.notification.reminders.exists()
            else None,
        }
        for d in Delivery.objects.filter(channel="email").select_related("notification__recipient")
    ]
    return {"deliveries": deliveries, "reminders": Reminder.objects.count()}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sonmai.settings")
    import django

    django.setup()
    command = sys.argv[1]
    result = create(int(sys.argv[2])) if command == "create" else status()
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
