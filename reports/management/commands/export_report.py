import hashlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.utils import DatabaseError

from directives.demo import load_demo_commune
from reports import demo, samples, services
from reports.choices import ExportFormat
from reports.models import Report
from reports.renderers.docx_export import render_report_docx
from reports.renderers.edxml import build_edxml
from reports.renderers.pdf import render_report_pdf
from reports.signing import (
    SigningCredentials,
    commune_credentials,
    demo_credentials,
    sign_report_pdf,
)
from reports.snapshot import ReportSnapshot


class Command(BaseCommand):
    help = (
        "Xuất báo cáo ra PDF (đã ký số), DOCX hoặc gói edXML: báo cáo mẫu của xã Sơn Mai "
        "(--demo) hoặc một báo cáo trên cổng (--report ID)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--demo",
            action="store_true",
            help="Báo cáo mẫu tháng 02/2026 từ dữ liệu xã Sơn Mai mẫu, lập và phê duyệt tự động.",
        )
        which.add_argument(
            "--report",
            type=int,
            metavar="ID",
            help="Mã số báo cáo trên cổng (xem ở địa chỉ trang).",
        )
        parser.add_argument(
            "--format",
            choices=ExportFormat.values,
            default=ExportFormat.PDF,
            help="pdf (đã ký số), docx hoặc edxml (gói liên thông có PDF đã ký).",
        )
        parser.add_argument("--out", type=Path, required=True, help="Tệp sẽ ghi ra.")
        parser.add_argument(
            "--draft", action="store_true", help="Bản dự thảo: chưa có số, ngày, chưa ký."
        )
        parser.add_argument(
            "--vice-chairman",
            action="store_true",
            help="Phó Chủ tịch ký thay (KT. CHỦ TỊCH) thay vì Chủ tịch.",
        )

    def handle(self, *args, format: str, out: Path, draft: bool, vice_chairman: bool, **options):
        if options["report"] is not None:
            content = self._existing(options["report"], format)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(content)
            self.stdout.write(self.style.SUCCESS(f"Đã ghi {out} ({len(content)} byte)."))
            self.stdout.write(f"SHA-256: {hashlib.sha256(content).hexdigest()}")
            return
        if draft and format == ExportFormat.EDXML:
            raise CommandError(
                "Gói edXML chỉ dành cho báo cáo đã phê duyệt, không xuất bản dự thảo."
            )
        snapshot = self._demo_snapshot(draft=draft, vice_chairman=vice_chairman)
        if format == ExportFormat.DOCX:
            content = render_report_docx(snapshot)
        else:
            rendered = render_report_pdf(snapshot)
            content = rendered.content
            if not draft:
                content = sign_report_pdf(
                    content,
                    snapshot=snapshot,
                    box=rendered.signature_box,
                    credentials=self._credentials(snapshot),
                )
            if format == ExportFormat.EDXML:
                content = build_edxml(
                    snapshot,
                    content,
                    page_count=rendered.page_count,
                    sender_organ_id=snapshot.organisation.edxml_organ_id
                    or samples.DEMO_SENDER_ORGAN_ID,
                    receiver_organ_id=settings.EDXML_RECEIVER_ORGAN_ID
                    or samples.DEMO_RECEIVER_ORGAN_ID,
                )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {out} ({len(content)} byte)."))
        self.stdout.write(f"SHA-256: {hashlib.sha256(content).hexdigest()}")

    def _demo_snapshot(self, *, draft: bool, vice_chairman: bool) -> ReportSnapshot:
        """The demo report, from the demo commune; loaded for the occasion if missing.

        A commune loaded here is rolled back afterwards: exporting never leaves demo rows in
        the database.
        """
        kwargs = {"vice_chairman": vice_chairman}
        if draft:
            kwargs |= {"number": None, "issued_on": None, "signed_at": None}
        try:
            with transaction.atomic():
                try:
                    return demo.demo_snapshot(**kwargs)
                except demo.DemoDataMissing:
                    load_demo_commune(today=demo.DEMO_PERIOD.data_to, password=None)
                    snapshot = demo.demo_snapshot(**kwargs)
                    transaction.set_rollback(True)
                    return snapshot
        except DatabaseError as error:
            raise CommandError(
                f"Không đọc được cơ sở dữ liệu ({error}). Chạy `python manage.py migrate` trước."
            ) from error

    def _credentials(self, snapshot: ReportSnapshot) -> SigningCredentials:
        configured = settings.REPORT_SIGNING_CERT and settings.REPORT_SIGNING_KEY
        if not configured and demo_credentials(create=False) is None:
            directory = settings.REPORT_SIGNING_DIR
            self.stdout.write(f"Chưa có chứng thư số: tạo chứng thư tự ký trong {directory}.")
        commune = snapshot.organisation
        subject = {
            "common_name": commune.short_name or commune.name,
            "organisation": commune.name,
            "locality": commune.place_name,
        }
        return commune_credentials(allow_demo=True, subject=subject)

    def _existing(self, report_id: int, format: str) -> bytes:
        """A report of the portal: the stored signed PDF once approved, else its draft."""
        report = Report.objects.select_related("organisation").filter(pk=report_id).first()
        if report is None:
            raise CommandError(f"Không có báo cáo mã số {report_id}.")
        snapshot = services.current_snapshot(report)
        if format == ExportFormat.DOCX:
            return render_report_docx(snapshot)
        if report.has_pdf:
            with report.pdf.open("rb") as handle:
                signed = handle.read()
        elif report.is_approved:
            _content, signed, _pages = services.render_approved(report)
        elif format == ExportFormat.EDXML:
            raise CommandError("Gói edXML chỉ dành cho báo cáo đã phê duyệt.")
        else:
            return render_report_pdf(snapshot).content
        if format == ExportFormat.PDF:
            return signed
        try:
            sender, receiver = services.edxml_ids(report)
        except services.ReportError as error:
            raise CommandError(str(error)) from error
        return build_edxml(
            snapshot,
            signed,
            page_count=report.page_count or render_report_pdf(snapshot).page_count,
            sender_organ_id=sender,
            receiver_organ_id=receiver,
        )
