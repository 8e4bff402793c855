"""Text out of an uploaded document: DOCX, PDF with a text layer, scanned PDF, photo, plain text.

Reading a file someone uploaded is the riskiest thing the portal does (a zip bomb dressed as a
DOCX, a PDF of 300 pages, a 60-megapixel photo), so it runs in a child process with a memory and
CPU limit and a wall-clock timeout (``extract_in_child``, through ``sonmai.lib.sandbox``); the
child reports progress page by page on its standard output, one JSON object per line, and the
parent turns failures into ``ExtractionError`` codes that the page explains in Vietnamese. The
child runs this file as a script: it imports nothing of the project, so it starts fast.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO

#: Pages of a PDF with a text layer that are read; a longer file is refused whole.
MAX_TEXT_PAGES = 60
#: Pages of a scan that are run through OCR (about two seconds a page).
MAX_OCR_PAGES = 20
#: Largest total of a DOCX's unpacked parts, and the largest packing ratio of any part.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_PACKING_RATIO = 150
#: Largest photo decoded (a 48-megapixel phone camera is under it).
MAX_PIXELS = 60_000_000
OCR_DPI = 250
#: A page with fewer characters than this in its text layer is treated as scanned.
SCANNED_PAGE_CHARS = 40
#: Below this many letters recognised in all, there was no document in the picture.
MIN_DOCUMENT_LETTERS = 80
#: Pages drawn as pictures for the review page (the source beside the fields), and their width.
PREVIEW_PAGES = 8
PREVIEW_WIDTH = 900

KINDS = ("docx", "pdf", "image", "text")


class ExtractionError(Exception):
    """The file cannot be read; ``code`` says why (the page words it), ``detail`` adds numbers."""

    def __init__(self, code: str, **detail: object) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass
class Extraction:
    text: str
    method: str  # "docx", "pdf", "ocr", "text"
    pages: int = 1
    confidence: float | None = None  # mean OCR word confidence, 0–100
    previews: list[str] | None = None  # file names of page pictures in the preview folder


def _save_preview(image: object, folder: Path | None, index: int) -> str | None:
    if folder is None or index >= PREVIEW_PAGES:
        return None
    picture = image.convert("L")
    if picture.width > PREVIEW_WIDTH:
        picture = picture.resize(
            (PREVIEW_WIDTH, round(picture.height * PREVIEW_WIDTH / picture.width))
        )
    name = f"page-{index + 1}.png"
    picture.save(folder / name, optimize=True)
    return name


# --- Recognising the file ----------------------------------------------------------------------
def detect_kind(path: Path) -> str:
    """What the file is, from its bytes; raise ``ExtractionError`` for what we do not read."""
    size = path.stat().st_size
    if size == 0:
        raise ExtractionError("empty")
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if (
        head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or head[:4] in (b"II*\x00", b"MM\x00*")
    ):
        return "image"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # An OLE2 file: an old .doc, or an Office file locked with a password (the encrypted
        # package of a .docx lives in an OLE2 container).
        with path.open("rb") as handle:
            content = handle.read(min(size, 8 * 1024 * 1024))
        if "EncryptedPackage".encode("utf-16-le") in content:
            raise ExtractionError("encrypted_office")
        raise ExtractionError("legacy_doc")
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            raise ExtractionError("corrupt") from None
        if "word/document.xml" in names:
            return "docx"
        raise ExtractionError("unknown_format")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # The 4 KiB cut may split a character: only the last three bytes may be incomplete.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            raise ExtractionError("unknown_format") from None
    if text and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) / len(text) > 0.95:
        return "text"
    raise ExtractionError("unknown_format")


# --- DOCX ---------------------------------------------------------------------------------------
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _xml(content: bytes) -> object:
    """Parse a part of the DOCX without entities, network access or huge trees."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(content, parser=parser)


def check_zip(
    source: Path | str | BinaryIO, *, max_total: int = MAX_UNPACKED_BYTES
) -> list[zipfile.ZipInfo]:
    """Refuse, from the zip's directory alone, an archive that unpacks to more than
    ``max_total`` bytes or holds a part packed more than ``MAX_PACKING_RATIO`` times (a zip
    bomb); return its entries. DOCX files and imported Excel sheets both pass here."""
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise ExtractionError("corrupt") from None
    total = sum(info.file_size for info in infos)
    if total > max_total:
        raise ExtractionError("zip_bomb")
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_PACKING_RATIO * max(
            info.compress_size, 1
        ):
            raise ExtractionError("zip_bomb")
    return infos


class _Numbering:
    """The markers Word draws for automatic numbering ("1.", "a)", "-"), which are not text."""

    _BULLETS = {"\uf0b7": "-", "\uf0a7": "-", "•": "-", "o": "-", "-": "-", "–": "-", "+": "+"}

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.formats: dict[tuple[str, str], tuple[str, str, int]] = {}
        self.counters: dict[tuple[str, str], int] = {}
        try:
            root = _xml(archive.read("word/numbering.xml"))
        except (KeyError, ValueError, SyntaxError):
            return
        abstract = {}
        for node in root.findall(f"{_W}abstractNum"):
            levels = {}
            for level in node.findall(f"{_W}lvl"):
                fmt = level.find(f"{_W}numFmt")
                text = level.find(f"{_W}lvlText")
                start = level.find(f"{_W}start")
                levels[level.get(f"{_W}ilvl")] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    text.get(f"{_W}val") if text is not None else "%1.",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for node in root.findall(f"{_W}num"):
            ref = node.find(f"{_W}abstractNumId")
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(f"{_W}val"), {}).items():
                self.formats[(node.get(f"{_W}numId"), ilvl)] = spec

    def marker(self, num_id: str, ilvl: str) -> str:
        spec = self.formats.get((num_id, ilvl))
        if spec is None or num_id == "0":
            return ""
        fmt, text, start = spec
        if fmt == "bullet":
            return self._BULLETS.get(text.strip(), "-")
        key = (num_id, ilvl)
        self.counters[key] = self.counters.get(key, start - 1) + 1
        for other_id, other_level in list(self.counters):
            if other_id == num_id and int(other_level) > int(ilvl):
                del self.counters[(other_id, other_level)]
        value = self.counters[key]
        rendered = {
            "upperRoman": _roman(value),
            "lowerRoman": _roman(value).lower(),
            "lowerLetter": "abcdefghiklmnopqrstuvxy"[(value - 1) % 23],
            "upperLetter": "ABCDEFGHIKLMNOPQRSTUVXY"[(value - 1) % 23],
        }.get(fmt, str(value))
        return re.sub(r"%\d", rendered, text, count=1).replace("%", "")


def _roman(value: int) -> str:
    out = ""
    for number, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out, value = out + letters, value - number
    return out


def _paragraph_text(node: object) -> str:
    parts = []
    for element in node.iter():
        if element.tag == f"{_W}t" and element.text:
            parts.append(element.text)
        elif element.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif element.tag == f"{_W}tab":
            parts.append(" ")
    return "".join(parts)


def _blocks(node: object, numbering: _Numbering, out: list[str]) -> None:
    for child in node:
        if child.tag == f"{_W}p":
            text = _paragraph_text(child)
            num = child.find(f"{_W}pPr/{_W}numPr")
            if num is not None and text.strip():
                num_id = num.find(f"{_W}numId")
                level = num.find(f"{_W}ilvl")
                marker = numbering.marker(
                    num_id.get(f"{_W}val") if num_id is not None else "0",
                    level.get(f"{_W}val") if level is not None else "0",
                )
                text = f"{marker} {text}" if marker else text
            out.append(text)
        elif child.tag == f"{_W}tbl":
            # A borderless header table: each row's cells left to right, each cell whole.
            for row in child.findall(f"{_W}tr"):
                for cell in row.findall(f"{_W}tc"):
                    _blocks(cell, numbering, out)
        elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            _blocks(child, numbering, out)


def docx_text(path: Path) -> Extraction:
    check_zip(path)
    try:
        with zipfile.ZipFile(path) as archive:
            root = _xml(archive.read("word/document.xml"))
            numbering = _Numbering(archive)
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError):
        raise ExtractionError("corrupt") from None
    body = root.find(f"{_W}body")
    lines: list[str] = []
    if body is not None:
        _blocks(body, numbering, lines)
    return Extraction(text="\n".join(lines), method="docx")


# --- PDF ----------------------------------------------------------------------------------------
def _layout_lines(words: list[dict]) -> list[str]:
    """The page's lines top to bottom; a line whose words are far apart (the two columns of the
    header or of the signature block) gives one line per column, left first. Which column a
    line belongs to is left to the parser, which knows what each column says."""
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        height = word["bottom"] - word["top"]
        if rows and abs(rows[-1][0]["top"] - word["top"]) <= max(2.0, 0.3 * height):
            rows[-1].append(word)
        else:
            rows.append([word])
    out: list[str] = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        segment = [row[0]["text"]]
        for previous, word in pairwise(row):
            size = max(previous["bottom"] - previous["top"], 6)
            if word["x0"] - previous["x1"] > 1.5 * size:
                out.append(" ".join(segment))
                segment = []
            segment.append(word["text"])
        out.append(" ".join(segment))
    return out


def _ocr(image: object, tmp: Path) -> tuple[str, float]:
    """Run Tesseract's Vietnamese model over one page image: (text, mean word confidence)."""
    source = tmp / "page.png"
    image.save(source)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments, our own temporary file
            ["tesseract", str(source), "stdout", "-l", "vie", "--psm", "3", "tsv"],  # noqa: S607
            capture_output=True,
            env=env,
            check=False,
            cwd=tmp,
        )
    except FileNotFoundError:
        raise ExtractionError("ocr_unavailable") from None
    if done.returncode != 0:
        if b"vie" in done.stderr and b"loading" in done.stderr.lower():
            raise ExtractionError("ocr_unavailable")
        raise ExtractionError("corrupt")
    # The TSV lists every word with its block, paragraph and line, and its confidence.
    lines: dict[tuple[str, str, str], list[str]] = {}
    confidences = []
    for row in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) != 12 or cells[0] != "5" or not cells[11].strip():
            continue
        lines.setdefault((cells[2], cells[3], cells[4]), []).append(cells[11])
        try:
            confidences.append(float(cells[10]))
        except ValueError:
            continue
    text = "\n".join(" ".join(words) for words in lines.values())
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return text, mean


def _ocr_pages(images: Callable[[int], object], count: int, progress: Callable) -> Extraction:
    texts, confidences = [], []
    with tempfile.TemporaryDirectory(prefix="sonmai-ocr-") as folder:
        for index in range(count):
            progress("ocr", index, count)
            text, confidence = _ocr(images(index), Path(folder))
            texts.append(text)
            confidences.append(confidence)
    progress("ocr", count, count)
    joined = "\n".join(texts)
    if sum(ch.isalpha() for ch in joined) < MIN_DOCUMENT_LETTERS:
        raise ExtractionError("no_text")
    return Extraction(
        text=joined,
        method="ocr",
        pages=count,
        confidence=round(sum(confidences) / len(confidences), 1) if confidences else None,
    )


def _pdf_previews(pdf: object, folder: Path | None) -> list[str]:
    names = []
    for index in range(min(len(pdf), PREVIEW_PAGES) if folder else 0):
        page = pdf[index]
        image = page.render(scale=100 / 72, grayscale=True).to_pil()
        page.close()
        name = _save_preview(image, folder, index)
        if name:
            names.append(name)
    return names


def pdf_text(path: Path, progress: Callable, previews: Path | None = None) -> Extraction:
    import pdfplumber
    import pypdfium2
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():
            raise ExtractionError("encrypted_pdf") from None
        raise ExtractionError("corrupt") from None
    count = len(pdf)
    if count == 0:
        raise ExtractionError("empty")
    if count > MAX_TEXT_PAGES:
        raise ExtractionError("too_many_pages", pages=count, limit=MAX_TEXT_PAGES)
    lines: list[str] = []
    scanned_pages = 0
    try:
        with pdfplumber.open(str(path)) as document:
            for index, page in enumerate(document.pages):
                progress("text", index, count)
                words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
                page_lines = _layout_lines(words)
                if sum(len(line) for line in page_lines) < SCANNED_PAGE_CHARS:
                    scanned_pages += 1
                lines += page_lines
                page.flush_cache()
    except PDFPasswordIncorrect:
        raise ExtractionError("encrypted_pdf") from None
    except ExtractionError:
        raise
    except Exception:
        raise ExtractionError("corrupt") from None
    if scanned_pages * 2 < count:
        return Extraction(
            text="\n".join(lines), method="pdf", pages=count, previews=_pdf_previews(pdf, previews)
        )
    # A scan: no text layer worth the name, so every page goes through OCR.
    if count > MAX_OCR_PAGES:
        raise ExtractionError("too_many_scanned_pages", pages=count, limit=MAX_OCR_PAGES)

    def render(index: int) -> object:
        page = pdf[index]
        image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
        page.close()
        return image

    result = _ocr_pages(render, count, progress)
    result.previews = _pdf_previews(pdf, previews)
    return result


# --- Photos -------------------------------------------------------------------------------------
def image_text(path: Path, progress: Callable, previews: Path | None = None) -> Extraction:
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ExtractionError("image_too_large")
            image.draft("L", (4000, 4000))
            upright = ImageOps.exif_transpose(image).convert("L")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ExtractionError("image_too_large") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ExtractionError("corrupt") from None
    # A phone photo of a page is often 4000 px wide; OCR wants about 2,000–2,500.
    longest = max(upright.size)
    if longest > 3500:
        upright.thumbnail((3500, 3500))
    elif longest < 1500:
        factor = 1500 / longest
        upright = upright.resize((round(upright.width * factor), round(upright.height * factor)))
    result = _ocr_pages(lambda _index: upright, 1, progress)
    name = _save_preview(upright, previews, 0)
    result.previews = [name] if name else []
    return result


def plain_text(path: Path) -> Extraction:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExtractionError("unknown_format") from None
    return Extraction(text=text, method="text")


def extract(path: Path, kind: str, progress: Callable, previews: Path | None = None) -> Extraction:
    if kind == "docx":
        return docx_text(path)
    if kind == "pdf":
        return pdf_text(path, progress, previews)
    if kind == "image":
        return image_text(path, progress, previews)
    if kind == "text":
        return plain_text(path)
    raise ExtractionError("unknown_format")


# --- The child process --------------------------------------------------------------------------
def _emit(message: dict) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    """The child's work, run by ``sonmai.lib.sandbox`` (which set the limits) with the file, its
    kind and the folder for page pictures."""
    path, kind = Path(argv[0]), argv[1]
    previews = Path(argv[2]) if len(argv) > 2 and argv[2] else None

    def progress(step: str, done: int, total: int) -> None:
        _emit({"progress": {"step": step, "done": done, "total": total}})

    try:
        result = extract(path, kind, progress, previews)
    except ExtractionError as error:
        _emit({"error": error.code, "detail": error.detail})
        return 0
    except MemoryError:
        _emit({"error": "memory", "detail": {}})
        return 0
    _emit({"result": asdict(result)})
    return 0


def extract_in_child(
    path: Path,
    *,
    timeout: float,
    memory_mb: int,
    on_progress: Callable[[str, int, int], None] | None = None,
    previews: Path | None = None,
) -> Extraction:
    """Read ``path`` in a child process limited to ``memory_mb`` and ``timeout`` seconds; page
    pictures go to the folder ``previews`` when one is given."""
    # Imported here, in the parent only: the child runs this file as a script and imports
    # nothing of the project.
    from sonmai.lib.sandbox import SandboxError, run_in_child

    kind = detect_kind(path)
    if kind == "text":
        return plain_text(path)

    def progress(step: dict) -> None:
        if on_progress:
            on_progress(step["step"], step["done"], step["total"])

    try:
        outcome = run_in_child(
            __file__,
            [str(path), kind, str(previews or "")],
            memory_mb=memory_mb,
            timeout=timeout,
            on_progress=progress,
        )
    except SandboxError as error:
        if error.code == "timeout":
            raise ExtractionError("timeout", seconds=int(timeout)) from None
        raise ExtractionError("memory") from None
    if "error" in outcome:
        raise ExtractionError(outcome["error"], **outcome.get("detail", {}))
    return Extraction(**outcome["result"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
