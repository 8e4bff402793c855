"""One backup by hand: database, uploaded files and signing key in one archive."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from sonmai.backup import archive, schedule


class Command(BaseCommand):
    help = (
        "Sao lưu cổng vào một tệp: cơ sở dữ liệu, các tệp tải lên (minh chứng, văn bản, báo "
        "cáo đã ký) và chứng thư, khóa ký số. Mã hóa khi có BACKUP_PASSPHRASE."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help="Thư mục ghi bản sao lưu (mặc định: BACKUP_DIR, var/backups/).",
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Sau đó xóa các bản cũ theo BACKUP_KEEP_DAILY và BACKUP_KEEP_WEEKLY.",
        )

    def handle(self, *args, dir: Path | None, prune: bool, **options):
        directory = dir or Path(settings.BACKUP_DIR)
        try:
            result = archive.create_backup(directory=directory)
        except archive.BackupError as error:
            raise CommandError(str(error)) from error
        state = "đã mã hóa" if result.encrypted else "chưa mã hóa"
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu: {result.path} ({filesizeformat(result.size)}, {state})."
            )
        )
        self.stdout.write(
            f"Cơ sở dữ liệu {result.manifest['database']['engine']}, "
            f"{result.media_files} tệp tải lên, {result.signing_files} tệp chứng thư và khóa."
        )
        if not result.encrypted:
            self.stdout.write(
                self.style.WARNING(
                    "Bản sao lưu chưa mã hóa mà chứa khóa ký số và dữ liệu của xã: đặt "
                    "BACKUP_PASSPHRASE (hoặc BACKUP_PASSPHRASE_FILE) để mã hóa."
                )
            )
        if not result.signing_files:
            self.stdout.write("Chưa cấu hình chứng thư số: bản sao lưu không có khóa ký số.")
        if prune:
            removed = schedule.prune(
                directory,
                now=timezone.now(),
                daily=settings.BACKUP_KEEP_DAILY,
                weekly=settings.BACKUP_KEEP_WEEKLY,
            )
            for path in removed:
                self.stdout.write(f"Đã xóa bản cũ: {path.name}")
        self.stdout.write("Hãy chép bản sao lưu ra ngoài máy này (ổ đĩa khác, máy khác).")
