"""``manage.py parse_dispatch FILE --json``: what the parser finds, as one JSON object."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from directives.seed import SON_MAI_DISPATCH
from tests.directives.seed_documents import seed_docx

KEYS = {
    "document_type",
    "number",
    "symbol",
    "date",
    "place",
    "issuer",
    "subject",
    "addressees",
    "references",
    "sections",
    "tasks",
    "signer",
    "recipients",
}


def run(*args) -> str:
    out = io.StringIO()
    call_command("parse_dispatch", *args, stdout=out)
    return out.getvalue()


def test_json_has_every_key_the_issue_names(tmp_path):
    path = tmp_path / "cv.docx"
    path.write_bytes(seed_docx())
    document = json.loads(run(str(path), "--json"))
    assert set(document) >= KEYS
    assert (document["symbol"], document["date"], document["place"]) == ("UBND-VP", None, "Sơn Mai")
    reference = document["references"][0]
    assert {"notation", "number", "symbol", "date", "issuer"} <= set(reference)
    assert reference["notation"] == "120/UBND-NC" and reference["date"] == "2026-01-07"
    task = document["tasks"][7]
    assert {"text", "lead", "coordinating", "deadline", "cadence"} <= set(task)
    assert task["lead"] == ["Phòng Văn hóa – Xã hội"]
    assert document["signer"] == {"authority": "", "title": "CHỦ TỊCH", "name": "Nguyễn Anh Tuấn"}
    assert document["recipients"] == ["Như trên", "CT, các PCT. UBND xã", "Lưu: VT"]


def test_plain_text_and_a_summary_in_vietnamese():
    summary = run(str(SON_MAI_DISPATCH))
    assert "Cơ quan ban hành: ỦY BAN NHÂN DÂN XÃ SƠN MAI" in summary
    assert "Ngày: tháng 01/2026 · Sơn Mai" in summary
    assert "Mục: 3 · nhiệm vụ: 9" in summary


def test_a_file_it_cannot_read_is_explained(tmp_path):
    path = tmp_path / "rong.pdf"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="Tệp trống"):
        run(str(path))
