"""One reminder pass by hand, or (--dry-run) the list of what is due now and to whom."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from notifications import delivery, planning
from notifications.preview import preview
from sonmai.lib.vndate import short_datetime


class Command(BaseCommand):
    help = (
        "Chạy một lượt nhắc việc: tìm nhắc việc đến hạn, tạo thông báo và gửi thư. "
        "Với --dry-run chỉ liệt kê những gì đến hạn và người nhận, không gửi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Chỉ liệt kê nhắc việc đến hạn và người nhận; không ghi, không gửi.",
        )
        parser.add_argument(
            "--now",
            help="Giả định thời điểm hiện tại (YYYY-MM-DD HH:MM, giờ Việt Nam) – chỉ dùng với "
            "--dry-run, để xem trước.",
        )

    def handle(self, *args, dry_run: bool, now: str | None, **options):
        moment = timezone.now()
        if now:
            if not dry_run:
                raise CommandError("--now chỉ dùng cùng --dry-run.")
            parsed = parse_datetime(now.replace(" ", "T"))
            if parsed is None:
                raise CommandError("Thời điểm không hợp lệ; ví dụ: --now '2026-03-02 08:00'.")
            moment = (
                timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
            ).astimezone(datetime.UTC)
        if dry_run:
            self._dry_run(moment)
        else:
            self._run(moment)

    def _dry_run(self, moment: datetime.datetime) -> None:
        found = preview(moment)
        self.stdout.write(f"Thời điểm: {short_datetime(moment)} (chạy thử, không gửi gì)")
        if not found.reminders and not found.deliveries and not found.digests:
            self.stdout.write("Không có nhắc việc nào đến hạn.")
            return
        self.stdout.write(f"Nhắc việc đến hạn: {len(found.reminders)}")
        for line in found.reminders:
            self.stdout.write(f"  - {line.summary}")
            for person, channels in line.recipients:
                self.stdout.write(f"      → {person} [{', '.join(channels) or 'không kênh nào'}]")
        for line in found.digests:
            self.stdout.write(f"  - {line.summary}")
            for person, channels in line.recipients:
                self.stdout.write(f"      → {person} [{', '.join(channels) or 'không kênh nào'}]")
        self.stdout.write(f"Thư đang chờ gửi đến lượt: {len(found.deliveries)}")
        for line in found.deliveries:
            self.stdout.write(f"  - {line}")

    def _run(self, moment: datetime.datetime) -> None:
        result = planning.plan_pass(moment, full_sync=True)
        outcomes = delivery.send_due_deliveries(timezone.now())
        self.stdout.write(
            f"Đã tạo {result.reminders_created} lần nhắc, {result.notifications_created} "
            f"thông báo, {result.digests_created} bản tin tuần."
        )
        labels = {"sent": "đã gửi", "retry": "sẽ thử lại", "failed": "lỗi", "skipped": "bỏ qua"}
        sent = ", ".join(f"{labels[key]}: {value}" for key, value in sorted(outcomes.items()))
        self.stdout.write(f"Gửi thư: {sent or 'không có thư nào đến lượt'}.")
