"""Every CSV and XLSX the app writes: one formula guard, and one convention for the downloads from the pages.

Every download of one goes out through `download()`: its content type from the file's suffix, always as an
attachment. Downloads from the pages open as Excel in the Netherlands expects them: headers in the page's language,
semicolons between fields, dates as dd-mm-jjjj and numbers without thousands separators (a decimal comma
in Dutch), UTF-8 with a byte-order mark so that Excel reads the accents. The API's chart CSVs keep the
contract's format (`contract_csv`: commas, ISO dates, the contract's column names). Both go through
`formula_safe`, so a cell that a spreadsheet would run as a formula is written as text.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any, Optional

from flask import Response

CSV_MEDIA_TYPE = "text/csv"  # as the OpenAPI document names it; the download adds the charset
CSV_MIMETYPE = f"{CSV_MEDIA_TYPE}; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"csv": CSV_MIMETYPE, "xlsx": XLSX_MIMETYPE}
# Spreadsheets run a cell that starts with one of these as a formula (or a DDE command).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters an XLSX file cannot hold (openpyxl refuses them); no text needs them.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def formula_safe(value: Any) -> Any:
    """A text cell as text: a leading formula character gets an apostrophe; numbers and dates pass as they are."""
    if isinstance(value, str):
        value = _NOT_IN_XML.sub("", value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def _is_dutch(locale: Optional[str]) -> bool:
    return (locale or "nl").split("_")[0].split("-")[0] == "nl"


def page_cell(value: Any, locale: Optional[str]) -> str:
    """One cell of a page download: dd-mm-jjjj dates, plain whole numbers, a decimal comma in Dutch."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M") if _is_dutch(locale) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y") if _is_dutch(locale) else value.isoformat()
    if isinstance(value, float):
        text = f"{value:.10g}"
        return text.replace(".", ",") if _is_dutch(locale) else text
    if isinstance(value, int):
        return str(value)
    return formula_safe(str(value))


def page_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], locale: Optional[str]) -> bytes:
    """A CSV for people: semicolons, the page's language and its dates, UTF-8 with BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([formula_safe(str(h)) for h in header])
    for row in rows:
        writer.writerow([page_cell(value, locale) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def contract_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV for scripts, as the API's contract has it: commas, ISO dates, no BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if v is None else v.isoformat() if isinstance(v, dt.date) else formula_safe(v) for v in row]
        )
    return buffer.getvalue().encode("utf-8")


def xlsx(
    sheet_title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[int] = (),
    number_formats: Optional[dict[int, str]] = None,
    title: str = "",
    creator: str = "",
) -> bytes:
    """A workbook of one sheet: a bold, frozen header row, then the rows; dates as dates, numbers as numbers.

    `number_formats` maps a column (0-based) to an Excel format; dates get dd-mm-jjjj unless told otherwise.
    """
    # deferred import: openpyxl loads only when a workbook is asked for.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = formula_safe(sheet_title)[:31] or "Sheet"
    sheet.append([formula_safe(str(h)) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    formats = number_formats or {}
    for row in rows:
        sheet.append([formula_safe(v) for v in row])
        for index, cell in enumerate(sheet[sheet.max_row]):
            if index in formats:
                cell.number_format = formats[index]
            elif isinstance(cell.value, (dt.date, dt.datetime)):
                cell.number_format = "dd-mm-yyyy"
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    workbook.properties.title = formula_safe(title)
    workbook.properties.creator = formula_safe(creator)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attachment(filename: str) -> str:
    """The Content-Disposition of a download: always an attachment, never opened inside the site."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename) or "download"
    return f'attachment; filename="{safe}"'


def download(body: bytes, filename: str) -> Response:
    """A CSV or XLSX file as a download: the content type its suffix says, as an attachment."""
    # content_type, not mimetype: Werkzeug would add a second charset to the CSV's.
    response = Response(body, content_type=MIMETYPES[filename.rpartition(".")[2]])
    response.headers["Content-Disposition"] = attachment(filename)
    return response
