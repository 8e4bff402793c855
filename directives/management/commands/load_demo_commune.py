from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from directives.demo import DEMO_PASSWORD, ROLE_ACCOUNTS, load_demo_commune


class Command(BaseCommand):
    help = "Nạp xã Sơn Mai mẫu: đơn vị, tài khoản theo vai trò và Công văn triển khai KL 221."

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-passwords",
            action="store_true",
            help="Tạo tài khoản không đăng nhập được (bắt buộc khi DEBUG tắt).",
        )

    def handle(self, *args, without_passwords: bool, **options):
        if not settings.DEBUG and not without_passwords:
            raise CommandError(
                "DEBUG đang tắt: không tạo tài khoản mẫu với mật khẩu đã biết. "
                "Dùng --without-passwords rồi đặt mật khẩu cho từng người."
            )
        password = None if without_passwords else DEMO_PASSWORD
        result = load_demo_commune(today=timezone.localdate(), password=password)
        if result.created:
            created = ", ".join(f"{count} {what}" for what, count in result.created.items())
            self.stdout.write(self.style.SUCCESS(f"Đã tạo: {created}."))
        else:
            self.stdout.write("Dữ liệu mẫu đã có sẵn, không tạo thêm gì.")
        self.stdout.write(f"Văn bản: {result.directive}")
        if password:
            self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {password}):")
            for account in ROLE_ACCOUNTS:
                self.stdout.write(f"  {account.username:<16} {account.role.label}")
