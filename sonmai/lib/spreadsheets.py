"""Writing the portal's Excel exports: text stays text, never a formula.

Task titles, unit names and answers are typed by people; an export must not turn them into
something a spreadsheet runs. openpyxl stores any string that starts with ``=`` as a formula
(``Cell._bind_value`` sets ``data_type = "f"``) and a string such as ``#N/A`` as an error
value, so ``=HYPERLINK("http://…","Bấm vào đây")`` in a title would come out as a live link.
Before a workbook is saved every string cell is forced back to text (``data_type = "s"``,
written as an inline string), and a string that starts with ``= + - @``, a tab or a carriage
return also gets the "quote prefix" style, Excel's own mark for "typed with a leading
apostrophe", so it stays text even after someone edits the cell. Numbers and dates are left
alone: -5 written as a number stays a number.

The portal writes no formulas of its own; every export goes through ``workbook_download``.
"""

from __future__ import annotations

import io

from django.http.response import HttpResponseBase
from openpyxl import Workbook

from sonmai.lib.downloads import attachment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: First characters with which a spreadsheet program reads typed text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def keep_text_as_text(workbook: Workbook) -> None:
    """Make every string cell of ``workbook`` plain text (see the module's docstring)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, str):
                    continue
                cell.data_type = "s"
                if value.startswith(FORMULA_TRIGGERS):
                    cell.quotePrefix = True


def workbook_bytes(workbook: Workbook) -> bytes:
    """The ``.xlsx`` file of ``workbook``, its text cells made safe first."""
    keep_text_as_text(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_download(workbook: Workbook, filename: str) -> HttpResponseBase:
    """The workbook as a private download (``sonmai.lib.downloads``)."""
    return attachment(workbook_bytes(workbook), filename=filename, content_type=XLSX)
