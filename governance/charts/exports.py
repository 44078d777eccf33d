"""The member list as on a date, as CSV (for scripts) and XLSX (for people), with population and dates."""

import datetime as dt
import io
from dataclasses import dataclass
from typing import Optional

from flask_babel import gettext as _

from governance.charts.serve import csv_bytes
from governance.members import services as members

CSV_HEADER = ("name", "cbs_code", "province", "population", "population_date", "joined_on", "left_on")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class MemberRow:
    name: str
    cbs_code: str
    province: str
    population: Optional[int]
    population_date: Optional[dt.date]
    joined_on: Optional[dt.date]  # None: a member since before the records start
    left_on: Optional[dt.date]  # set when the membership already has an end date


def member_rows(day: dt.date) -> list[MemberRow]:
    """The members on the day, in Dutch alphabetical order, with their figure on that day."""
    rows = []
    for city in members.members_on(day):
        figure = city.population_on(day)
        period = city.membership_on(day)
        rows.append(
            MemberRow(
                name=city.name,
                cbs_code=city.cbs_code,
                province=city.province,
                population=figure.population if figure else None,
                population_date=figure.reference_date if figure else None,
                joined_on=period.joined_on if period else None,
                left_on=period.left_on if period else None,
            )
        )
    return rows


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def members_csv(day: dt.date) -> bytes:
    def cell(value):
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            return _safe_text(value)
        return value

    return csv_bytes(CSV_HEADER, [tuple(cell(getattr(r, c)) for c in CSV_HEADER) for r in member_rows(day)])


def xlsx_headers() -> tuple[str, ...]:
    return (
        _("City"),
        _("CBS code"),
        _("Province"),
        _("Population"),
        _("Population on"),
        _("Member since"),
        _("Member until"),
    )


def members_xlsx(day: dt.date, network_name: str) -> bytes:
    """A workbook with one sheet: a header row, then one row per member; dates as dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = member_rows(day)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Members")[:31]
    sheet.append(list(xlsx_headers()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        # openpyxl writes str values as text, never as formulas, unless they start with "=".
        sheet.append(
            [_safe_text(r.name), r.cbs_code, r.province, r.population, r.population_date, r.joined_on, r.left_on]
        )
    sheet.freeze_panes = "A2"
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=7):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        for cell in row:
            cell.number_format = "#,##0"
    widths = (28, 10, 16, 13, 14, 14, 14)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    workbook.properties.title = _("Members of the %(name)s on %(date)s", name=network_name, date=day.isoformat())
    workbook.properties.creator = network_name
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
