from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.signing import demo_credentials


class Command(BaseCommand):
    help = (
        "Tạo chứng thư số tự ký của xã dùng cổng (khóa RSA và chứng thư PEM) trong var/signing/ "
        "để trình diễn ký số báo cáo. Không dùng cho văn bản thật."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=settings.REPORT_SIGNING_DIR,
            help="Thư mục ghi chứng thư và khóa mẫu (mặc định: var/signing/).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Tạo lại dù đã có chứng thư trong thư mục."
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Không làm gì (và không báo lỗi) khi đã có chứng thư trong thư mục.",
        )

    def handle(self, *args, directory: Path, force: bool, if_missing: bool, **options):
        existing = demo_credentials(directory, create=False)
        if existing is not None and not force:
            if if_missing:
                return
            raise CommandError(f"Đã có chứng thư {existing.cert_path}; dùng --force để tạo lại.")
        credentials = demo_credentials(directory, force=True)
        if credentials is None:  # create=True always makes a pair; None only when asked not to
            raise CommandError("Không tạo được chứng thư thử nghiệm.")
        self.stdout.write(self.style.SUCCESS(f"Đã tạo chứng thư: {credentials.cert_path}"))
        self.stdout.write(f"Khóa bí mật: {credentials.key_path}")
        self.stdout.write(
            "Khi DEBUG bật, cổng tự dùng cặp khóa này. Nơi khác, đặt:\n"
            f"  REPORT_SIGNING_CERT={credentials.cert_path}\n"
            f"  REPORT_SIGNING_KEY={credentials.key_path}"
        )
