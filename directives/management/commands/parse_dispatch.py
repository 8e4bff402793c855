"""Read a directive's document and print what the parser finds.

    python manage.py parse_dispatch cong-van.pdf --json

The file may be a DOCX, a PDF (with a text layer or scanned), a photo or plain text; it is read
in the same limited child process the portal uses. ``--json`` prints one JSON object (keys:
document_type, number, symbol, date, place, issuer, subject, addressees, references, sections,
tasks, signer, recipients, and a few more); without it, a short summary in Vietnamese.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from directives.docimport.extract import ExtractionError, extract_in_child
from directives.docimport.parser import parse
from directives.services.documents import error_message


class Command(BaseCommand):
    help = "Đọc văn bản (DOCX, PDF, bản quét, ảnh, văn bản thuần) và in các phần tìm được."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp văn bản cần đọc.")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không thấy tệp {path}.")
        try:
            extraction = extract_in_child(
                path,
                timeout=settings.DIRECTIVE_IMPORT_TIMEOUT,
                memory_mb=settings.DIRECTIVE_IMPORT_MEMORY_MB,
            )
        except ExtractionError as error:
            raise CommandError(error_message(error.code, error.detail)) from None
        document = parse(extraction.text).as_json()
        if options["json"]:
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{document['document_type']} {document['number']}/{document['symbol']}")
        self.stdout.write(f"Cơ quan ban hành: {document['issuer']}")
        when = document["date"] or (
            f"tháng {document['month']:02d}/{document['year']}" if document["month"] else ""
        )
        self.stdout.write(f"Ngày: {when} · {document['place']}")
        self.stdout.write(f"Trích yếu: {document['subject']}")
        self.stdout.write(f"Căn cứ: {', '.join(r['notation'] for r in document['references'])}")
        self.stdout.write(f"Mục: {len(document['sections'])} · nhiệm vụ: {len(document['tasks'])}")
        for task in document["tasks"]:
            when = task["deadline"] or task["cadence"] or "chưa rõ hạn"
            leads = ", ".join(task["lead"])
            self.stdout.write(f"  - [{task['section']}] {task['text'][:70]}… ({leads}; {when})")
        signer = document["signer"]
        self.stdout.write(
            f"Người ký: {signer['authority']} {signer['title']} {signer['name']}".strip()
        )
        if document["uncertain"]:
            self.stdout.write(f"Cần kiểm tra: {', '.join(document['uncertain'])}")
