"""An uploaded .xlsx checked before anything unpacks it, and its first sheet read in a child.

An .xlsx is a zip of XML parts, and openpyxl reads some of them whole as soon as it opens the
file: a 290 KB file whose shared-strings part unpacks to millions of strings took a process to
1.2 GB and 28 seconds. So, before openpyxl sees the file:

- ``check_archive`` reads the zip's directory only: how many parts, what they unpack to in all
  and each, how hard any part is packed (``directives.docimport.extract.check_zip``, the rule
  DOCX files follow too), and the first sheet's ``<dimension ref="A1:G5000">``, read from the
  first kilobytes of the sheet. The upload page runs it, so such a file is refused at once.
- ``count_rows`` and ``count_shared_strings`` stream the first sheet and the shared strings
  with ``lxml.etree.iterparse`` (the dimension may be missing, or lie), keeping one element at a
  time and stopping past the limit.

Then openpyxl reads the first sheet's values (``read_first_sheet``), bounded in rows and
columns. All of that runs in the Celery worker (``directives.imports.run_check``), inside a
child process under ``UPLOAD_CHILD_MEMORY_MB`` and ``UPLOAD_CHILD_TIMEOUT``
(``read_in_child``): whatever the checks do not foresee (a style table of a million entries)
meets the child's limit, not the worker's.

The child runs this file as a script: it imports nothing of the project. Failures are
``SheetRejected`` codes that ``directives.imports`` words in Vietnamese.
"""

from __future__ import annotations

import datetime
import json
import posixpath
import re
import sys
import zipfile
from pathlib import Path
from typing import BinaryIO

#: The most parts an .xlsx may have (one sheet with its styles and theme has about ten).
MAX_PARTS = 1000
#: What all parts may unpack to, and any one part.
MAX_UNPACKED_BYTES = 48 * 1024 * 1024
MAX_PART_BYTES = 24 * 1024 * 1024
#: The most shared strings (distinct texts of the whole workbook) openpyxl is let load.
MAX_SHARED_STRINGS = 100_000
#: Parts read whole to find the first sheet (content types, relationships, the workbook):
#: a few kilobytes in any real file.
MAX_INDEX_PART_BYTES = 1024 * 1024
#: Columns read from each row: the import's columns are the first few.
MAX_COLUMNS = 30
#: Of the first sheet, read this far to find its dimension.
_DIMENSION_PEEK = 64 * 1024

_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*(\d*)(?::[A-Z]*(\d+))?\"")


class SheetRejected(Exception):
    """The file cannot be imported: ``code`` says why ("not_xlsx", "too_big", "too_many_rows",
    "too_many_strings", "memory", "timeout"), ``detail`` adds numbers."""

    def __init__(self, code: str, **detail: object) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def _xml(content: bytes) -> object:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(content, parser=parser)


def _index_part(archive: zipfile.ZipFile, name: str) -> object:
    """A small part that says where the others are, parsed; a big one is refused unread."""
    if archive.getinfo(name).file_size > MAX_INDEX_PART_BYTES:
        raise SheetRejected("too_big")
    return _xml(archive.read(name))


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type, target part name)."""
    folder, name = posixpath.split(part)
    try:
        root = _index_part(archive, posixpath.join(folder, "_rels", f"{name}.rels"))
    except KeyError:
        return {}
    found = {}
    for rel in root:
        target = rel.get("Target", "")
        if target.startswith("/"):
            target = target.lstrip("/")
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        found[rel.get("Id", "")] = (rel.get("Type", ""), target)
    return found


def first_sheet(archive: zipfile.ZipFile) -> str:
    """The part name of the first worksheet (the one openpyxl's ``worksheets[0]`` reads)."""
    workbook = next(
        (
            target
            for kind, target in _relationships(archive, "").values()
            if kind.endswith("/officeDocument")
        ),
        None,
    )
    if workbook is None:
        raise SheetRejected("not_xlsx")
    targets = _relationships(archive, workbook)
    for node in _index_part(archive, workbook).iter():
        if _local(node.tag) == "sheet":
            kind, target = targets.get(node.get(f"{{{_RELATIONSHIP}}}id", ""), ("", ""))
            if kind.endswith("/worksheet"):
                return target
    raise SheetRejected("not_xlsx")


def shared_strings_part(archive: zipfile.ZipFile) -> str | None:
    """The shared strings openpyxl will load: the part the content types name for them."""
    for node in _index_part(archive, "[Content_Types].xml"):
        if _local(node.tag) == "Override" and node.get("ContentType") == _SHARED_STRINGS_TYPE:
            return node.get("PartName", "").lstrip("/")
    return None


def check_archive(source: str | Path | BinaryIO, *, max_rows: int) -> None:
    """Refuse, from the zip's directory and the first sheet's dimension, a file that would
    unpack too far or has more than ``max_rows`` rows; nothing is unpacked whole."""
    from directives.docimport.extract import ExtractionError, check_zip

    try:
        infos = check_zip(source, max_total=MAX_UNPACKED_BYTES)
    except ExtractionError as error:
        raise SheetRejected("too_big" if error.code == "zip_bomb" else "not_xlsx") from None
    if len(infos) > MAX_PARTS or any(info.file_size > MAX_PART_BYTES for info in infos):
        raise SheetRejected("too_big")
    try:
        with zipfile.ZipFile(source) as archive:
            sheet = first_sheet(archive)
            with archive.open(sheet) as stream:
                head = stream.read(_DIMENSION_PEEK)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):
        raise SheetRejected("not_xlsx") from None
    match = _DIMENSION.search(head)
    if match:
        last_row = int(match[2] or match[1] or 0)
        if last_row > max_rows:
            raise SheetRejected("too_many_rows", rows=last_row)


def _count(stream: BinaryIO, tag: str, limit: int) -> int:
    """How many ``tag`` elements the XML holds, counted up to ``limit + 1`` with one element in
    memory at a time (each is dropped, with what came before it, once counted)."""
    from lxml import etree

    count = 0
    for _event, element in etree.iterparse(
        stream,
        events=("end",),
        tag=f"{{*}}{tag}",
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
    ):
        count += 1
        if count > limit:
            break
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]
    return count


def count_rows(archive: zipfile.ZipFile, limit: int) -> int:
    with archive.open(first_sheet(archive)) as stream:
        return _count(stream, "row", limit)


def count_shared_strings(archive: zipfile.ZipFile, limit: int) -> int:
    part = shared_strings_part(archive)
    if part is None:
        return 0
    with archive.open(part) as stream:
        return _count(stream, "si", limit)


def _plain(value: object) -> object:
    """A cell's value as JSON carries it (dates tagged, so the parent gets them back)."""
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    return value


def _trimmed(row: tuple) -> tuple:
    """The row without its empty cells at the end (openpyxl pads every row to MAX_COLUMNS)."""
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row[:end]


def _unplain(value: object) -> object:
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return datetime.date.fromisoformat(value["date"])
    return value


def read_first_sheet(path: str | Path, *, max_rows: int, header_rows: int) -> list[tuple]:
    """Check the file all the way (``check_archive``, the streamed counts), then let openpyxl
    read the first sheet's values: at most ``max_rows + header_rows + 1`` rows (one more than
    allowed, so that a longer sheet is seen to be longer) of ``MAX_COLUMNS`` columns."""
    check_archive(path, max_rows=max_rows + header_rows)
    try:
        with zipfile.ZipFile(path) as archive:
            if count_shared_strings(archive, MAX_SHARED_STRINGS) > MAX_SHARED_STRINGS:
                raise SheetRejected("too_many_strings", limit=MAX_SHARED_STRINGS)
            rows = count_rows(archive, max_rows + header_rows)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):
        raise SheetRejected("not_xlsx") from None
    if rows > max_rows + header_rows:
        raise SheetRejected("too_many_rows", rows=rows)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        values = list(
            sheet.iter_rows(
                values_only=True, max_row=max_rows + header_rows + 1, max_col=MAX_COLUMNS
            )
        )
        workbook.close()
    except MemoryError:
        raise
    except Exception:
        raise SheetRejected("not_xlsx") from None
    return values


def read_in_child(
    path: str | Path, *, max_rows: int, header_rows: int, memory_mb: int, timeout: float
) -> list[tuple]:
    """``read_first_sheet`` in a child process limited to ``memory_mb`` and ``timeout``."""
    from sonmai.lib.sandbox import SandboxError, run_in_child

    try:
        outcome = run_in_child(
            __file__,
            [str(path), str(max_rows), str(header_rows)],
            memory_mb=memory_mb,
            timeout=timeout,
        )
    except SandboxError as error:
        raise SheetRejected(error.code) from None
    if "error" in outcome:
        raise SheetRejected(outcome["error"], **outcome.get("detail", {}))
    return [tuple(_unplain(value) for value in row) for row in outcome["result"]]


def main(argv: list[str]) -> int:
    """The child: the first sheet's values of ``argv[0]`` as one JSON line."""
    path, max_rows, header_rows = argv[0], int(argv[1]), int(argv[2])
    try:
        rows = read_first_sheet(path, max_rows=max_rows, header_rows=header_rows)
    except SheetRejected as error:
        answer = {"error": error.code, "detail": error.detail}
    except MemoryError:
        answer = {"error": "memory", "detail": {}}
    else:
        answer = {"result": [[_plain(value) for value in _trimmed(row)] for row in rows]}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
