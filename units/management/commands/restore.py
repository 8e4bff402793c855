"""Restore a backup: check it whole, then replace the database, the files and the key."""

from __future__ import annotations

import getpass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from sonmai.backup import crypto
from sonmai.backup.archive import BackupError
from sonmai.backup.restore import CheckedBackup, open_backup, restore_backup
from sonmai.lib.vndate import short_datetime


class Command(BaseCommand):
    help = (
        "Phục hồi cổng từ một bản sao lưu (tạo bởi `manage.py backup`). Kiểm tra toàn bộ bản "
        "sao lưu trước, rồi XÓA cơ sở dữ liệu, các tệp tải lên, chứng thư và khóa ký số hiện "
        "tại và thay bằng bản sao lưu."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="Tệp sao lưu (.tar.gz hoặc .tar.gz.enc).")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Không hỏi xác nhận (dùng trong kịch bản).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Chỉ kiểm tra bản sao lưu (mật khẩu, mã băm, migration); không thay đổi gì.",
        )

    def handle(self, *args, archive: Path, interactive: bool, check: bool, **options):
        passphrase = self._passphrase(archive, interactive)
        try:
            with open_backup(archive, passphrase=passphrase) as backup:
                self._describe(backup)
                if check:
                    self.stdout.write(
                        self.style.SUCCESS("Bản sao lưu nguyên vẹn và phục hồi được vào cổng này.")
                    )
                    return
                if interactive and not self._confirmed():
                    self.stdout.write("Đã hủy: không thay đổi gì.")
                    return
                result = restore_backup(backup)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã phục hồi cơ sở dữ liệu và {result.media_files} tệp tải lên; "
                "mã băm của mọi tệp đã được kiểm tra lại."
            )
        )
        self._signing_notice(result.signing_paths)
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    "Mã nguồn mới hơn bản sao lưu: chạy `python manage.py migrate` trước khi "
                    "khởi động cổng."
                )
            )

    def _passphrase(self, path: Path, interactive: bool) -> str:
        if settings.BACKUP_PASSPHRASE or not interactive:
            return settings.BACKUP_PASSPHRASE
        try:
            with path.open("rb") as handle:
                encrypted = crypto.is_encrypted(handle.read(len(crypto.MAGIC)))
        except OSError:
            return ""  # open_backup says why it cannot be read
        return getpass.getpass("Mật khẩu giải mã bản sao lưu: ") if encrypted else ""

    def _describe(self, backup: CheckedBackup) -> None:
        manifest = backup.manifest
        portal = manifest.get("portal") or {}
        version = portal.get("version") or "?"
        if portal.get("commit"):
            version += f" ({portal['commit'][:12]})"
        self.stdout.write(f"Bản sao lưu: {backup.path}")
        self.stdout.write(f"  Tạo lúc: {short_datetime(backup.created_at)}, phiên bản {version}")
        self.stdout.write(
            f"  Cơ sở dữ liệu {manifest['database']['engine']}, "
            f"{len(backup.media_entries)} tệp tải lên, "
            f"{len(manifest.get('signing', {}))} tệp chứng thư và khóa"
            + (", đã mã hóa" if backup.encrypted else "")
        )
        self.stdout.write("  Mọi tệp khớp mã băm SHA-256 ghi trong bản sao lưu.")
        pending = backup.pending_migrations
        if pending:
            names = ", ".join(pending[:3]) + (" …" if len(pending) > 3 else "")
            self.stdout.write(
                f"  Mã nguồn có {len(pending)} migration mới hơn bản sao lưu ({names}): sau khi "
                "phục hồi, chạy `python manage.py migrate`."
            )

    def _confirmed(self) -> bool:
        name = connection.settings_dict["NAME"]
        answer = input(
            "Phục hồi sẽ XÓA toàn bộ dữ liệu hiện tại – cơ sở dữ liệu "
            f"{name}, thư mục {settings.MEDIA_ROOT}, chứng thư và khóa ký số – và thay bằng "
            "bản sao lưu này.\nGõ 'yes' để tiếp tục: "
        )
        return answer.strip().lower() == "yes"

    def _signing_notice(self, paths: dict[str, Path]) -> None:
        if not paths:
            self.stdout.write("Bản sao lưu không có chứng thư số; khóa ký số hiện tại giữ nguyên.")
            return
        for role, path in paths.items():
            label = "Chứng thư" if role == "certificate" else "Khóa bí mật"
            self.stdout.write(f"{label}: {path}")
        configured = settings.REPORT_SIGNING_CERT and settings.REPORT_SIGNING_KEY
        demo = {path.name for path in paths.values()} <= set(settings.REPORT_SIGNING_DEMO_FILES)
        # With DEBUG on, the demo pair in REPORT_SIGNING_DIR is found without any variable.
        if not configured and not (settings.DEBUG and demo):
            self.stdout.write(
                "Đặt biến môi trường để cổng dùng chứng thư đã phục hồi:\n"
                f"  REPORT_SIGNING_CERT={paths.get('certificate', '')}\n"
                f"  REPORT_SIGNING_KEY={paths.get('key', '')}"
            )
