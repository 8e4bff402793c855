from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.signing import create_self_signed_certificate

DEMO_COMMON_NAME = "UBND xã Sơn Mai"
DEMO_ORGANISATION = "Ủy ban nhân dân xã Sơn Mai"


class Command(BaseCommand):
    help = (
        "Tạo chứng thư số tự ký của UBND xã Sơn Mai (khóa RSA và chứng thư PEM) trong var/signing/ "
        "để trình diễn ký số báo cáo. Không dùng cho văn bản thật."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=settings.REPORT_SIGNING_DIR,
            help="Thư mục ghi demo-cert.pem và demo-key.pem (mặc định: var/signing/).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Tạo lại dù đã có chứng thư trong thư mục."
        )

    def handle(self, *args, directory: Path, force: bool, **options):
        existing = directory / "demo-cert.pem"
        if existing.exists() and not force:
            raise CommandError(f"Đã có chứng thư {existing}; dùng --force để tạo lại.")
        credentials = create_self_signed_certificate(
            directory,
            common_name=DEMO_COMMON_NAME,
            organisation=DEMO_ORGANISATION,
            locality="Sơn Mai",
            province="Quảng Ngãi",
        )
        self.stdout.write(self.style.SUCCESS(f"Đã tạo chứng thư: {credentials.cert_path}"))
        self.stdout.write(f"Khóa bí mật: {credentials.key_path}")
        self.stdout.write(
            "Khi DEBUG bật, cổng tự dùng cặp khóa này. Nơi khác, đặt:\n"
            f"  REPORT_SIGNING_CERT={credentials.cert_path}\n"
            f"  REPORT_SIGNING_KEY={credentials.key_path}"
        )
