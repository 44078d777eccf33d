"""The member list as on a date, as CSV and XLSX for people (written by governance.exports), with figures and dates."""

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from flask_babel import gettext as _

from governance import exports
from governance.members import services as members


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


def members_csv(day: dt.date, locale: str) -> bytes:
    """The member list for Excel: the page's headers, semicolons, dd-mm-jjjj dates (see governance.exports)."""
    return exports.page_csv(xlsx_headers(), _cells(member_rows(day)), locale)


def _cells(rows: list[MemberRow]) -> list[tuple]:
    return [(r.name, r.cbs_code, r.province, r.population, r.population_date, r.joined_on, r.left_on) for r in rows]


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
    return exports.xlsx(
        _("Members"),
        xlsx_headers(),
        _cells(member_rows(day)),
        widths=(28, 10, 16, 13, 14, 14, 14),
        number_formats={3: "#,##0"},
        title=_("Members of the %(name)s on %(date)s", name=network_name, date=day.isoformat()),
        creator=network_name,
    )
