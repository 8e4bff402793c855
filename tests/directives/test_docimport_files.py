"""Reading the directive's file: DOCX, PDF, a scan, a photo; and refusing what cannot be read,
in a child process with a memory and time limit."""

import io
import json
import resource
import zipfile
from pathlib import Path

import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter

from bench.parsing_score import CORPUS, score
from directives.docimport.extract import ExtractionError, extract_in_child
from directives.docimport.parser import parse
from tests.directives.seed_documents import scanned, seed_docx, seed_pdf

EXPECTED = json.loads((CORPUS / "00-son-mai-kl221.json").read_text(encoding="utf-8"))


def read(tmp_path: Path, content: bytes, name: str = "doc", **limits):
    path = tmp_path / name
    path.write_bytes(content)
    return extract_in_child(
        path, timeout=limits.get("timeout", 120), memory_mb=limits.get("memory_mb", 1024)
    )


def fields_of(text: str):
    return score("seed", EXPECTED, parse(text).as_json())


@pytest.fixture(scope="module")
def pdf_bytes():
    return seed_pdf()


def test_the_seed_as_docx_gives_every_field_and_task(tmp_path):
    extraction = read(tmp_path, seed_docx(), "cv.docx")
    assert extraction.method == "docx"
    result = fields_of(extraction.text)
    assert result.wrong == {}
    assert result.tasks_right == 9


def test_the_seed_as_pdf_gives_every_field_and_task(tmp_path, pdf_bytes):
    extraction = read(tmp_path, pdf_bytes, "cv.pdf")
    assert (extraction.method, extraction.pages) == ("pdf", 2)
    result = fields_of(extraction.text)
    assert result.wrong == {}
    assert result.tasks_right == 9


def test_the_seed_scanned_gives_the_same_fields_through_ocr(tmp_path, pdf_bytes):
    extraction = read(tmp_path, scanned(pdf_bytes), "scan.pdf")
    assert extraction.method == "ocr"
    assert extraction.confidence > 80
    result = fields_of(extraction.text)
    # OCR may misread a character; the fields and the tasks' leads must still come out.
    assert sum(result.fields.values()) >= len(result.fields) - 1, result.wrong
    assert result.tasks_found == 9 and result.tasks_right >= 8, result.wrong


def test_a_phone_photo_of_a_page_is_read(tmp_path, pdf_bytes):
    scan = scanned(pdf_bytes, dpi=150)
    page = PdfReader(io.BytesIO(scan)).pages[0]
    image = next(iter(page.images)).image.convert("RGB").rotate(0.6, expand=True, fillcolor="white")
    photo = io.BytesIO()
    image.save(photo, "JPEG", quality=80)
    extraction = read(tmp_path, photo.getvalue(), "photo.jpg")
    assert extraction.method == "ocr"
    document = parse(extraction.text)
    assert document.symbol == "UBND-VP"
    assert document.issuer == "ỦY BAN NHÂN DÂN XÃ SƠN MAI"
    # The first page holds part 1 and its first three tasks.
    assert [s.number for s in document.sections] == ["1"]
    assert len(document.tasks) >= 3


# --- What cannot be read ---------------------------------------------------------------------
def code_of(tmp_path, content: bytes, name: str = "doc", **limits) -> str:
    with pytest.raises(ExtractionError) as raised:
        read(tmp_path, content, name, **limits)
    return raised.value.code


def test_an_empty_file(tmp_path):
    assert code_of(tmp_path, b"") == "empty"


def test_an_encrypted_pdf(tmp_path, pdf_bytes):
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes))
    writer.encrypt("matkhau")
    out = io.BytesIO()
    writer.write(out)
    assert code_of(tmp_path, out.getvalue(), "locked.pdf") == "encrypted_pdf"


def test_a_password_protected_docx(tmp_path):
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(seed_docx())).encrypt("matkhau", out)
    assert code_of(tmp_path, out.getvalue(), "locked.docx") == "encrypted_office"


def test_a_docx_that_is_a_zip_bomb(tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):  # 300 MB unpacked
                part.write(chunk)
    assert len(bomb.getvalue()) < 1024 * 1024
    assert code_of(tmp_path, bomb.getvalue(), "bomb.docx") == "zip_bomb"


def test_a_300_page_pdf(tmp_path):
    writer = PdfWriter()
    for _ in range(300):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    assert code_of(tmp_path, out.getvalue(), "long.pdf") == "too_many_pages"


def test_a_photo_of_something_that_is_not_a_document(tmp_path):
    picture = Image.new("RGB", (1600, 1200), (90, 140, 200))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 800, 1600, 1200), fill=(40, 120, 40))  # a field under the sky
    draw.ellipse((1200, 100, 1400, 300), fill=(250, 220, 80))  # the sun
    photo = io.BytesIO()
    picture.save(photo, "JPEG")
    assert code_of(tmp_path, photo.getvalue(), "field.jpg") == "no_text"


def test_a_file_that_is_no_document_format(tmp_path):
    assert code_of(tmp_path, b"\x7fELF\x02\x01\x01" + b"\0" * 100, "x.pdf") == "unknown_format"


def test_the_child_is_stopped_at_its_memory_limit(tmp_path, pdf_bytes):
    # Far below what reading a PDF needs: the limit, not the parent, takes the blow.
    assert code_of(tmp_path, pdf_bytes, "cv.pdf", memory_mb=40) == "memory"


def test_the_child_is_stopped_at_its_time_limit(tmp_path, pdf_bytes):
    assert code_of(tmp_path, scanned(pdf_bytes), "scan.pdf", timeout=1) == "timeout"


def test_reading_happens_outside_the_calling_process(tmp_path, pdf_bytes):
    """The work (and its memory) is the child's: the caller's peak stays where it was."""
    scan = scanned(pdf_bytes)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    read(tmp_path, scan, "scan.pdf")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert after - before < 20 * 1024  # KiB: the caller did not grow by 20 MB
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss > 0
