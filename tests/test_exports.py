"""Every CSV and XLSX is written by governance/exports.py: one formula guard, one way out as a download."""

import csv
import datetime as dt
import io
import pathlib
import re

import pytest
from openpyxl import load_workbook

from governance import exports

GOVERNANCE = pathlib.Path(__file__).resolve().parent.parent / "governance"
# What writing a CSV or a workbook, or guarding a formula, looks like in code.
WRITERS = re.compile(r"csv\.writer|csv\.DictWriter|openpyxl|Workbook\(|startswith\(\(?[\"']=|FORMULA_START")


def test_no_module_but_exports_writes_a_csv_or_workbook_or_guards_a_formula():
    others = sorted(
        str(path.relative_to(GOVERNANCE))
        for path in GOVERNANCE.rglob("*.py")
        if path.name != "exports.py" or path.parent != GOVERNANCE
        if WRITERS.search(path.read_text(encoding="utf-8"))
    )
    assert others == []


def test_no_download_sets_its_own_spreadsheet_type():
    others = sorted(
        str(path.relative_to(GOVERNANCE))
        for path in GOVERNANCE.rglob("*.py")
        if path.parent != GOVERNANCE or path.name != "exports.py"
        if re.search(r"[\"']text/csv|spreadsheetml", path.read_text(encoding="utf-8"))
    )
    assert others == []


@pytest.mark.parametrize(
    "filename, mimetype, disposition",
    [
        ("members-2017-11-30.csv", "text/csv; charset=utf-8", 'attachment; filename="members-2017-11-30.csv"'),
        (
            "attendance-2017-11-30.xlsx",
            exports.XLSX_MIMETYPE,
            'attachment; filename="attendance-2017-11-30.xlsx"',
        ),
        ('a "b"\r\n.csv', "text/csv; charset=utf-8", 'attachment; filename="a__b___.csv"'),
    ],
)
def test_a_download_has_the_type_of_its_suffix_and_is_an_attachment(filename, mimetype, disposition):
    response = exports.download(b"x", filename)
    assert response.headers["Content-Type"] == mimetype
    assert response.headers["Content-Disposition"] == disposition


FORMULAS = ['=HYPERLINK("x")', "+31 6", "-1+1", "@SUM(A1)", "\tTab", "\rReturn"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_is_text_in_every_format(text):
    page = exports.page_csv(["Naam"], [[text]], "nl").decode("utf-8-sig")
    contract = exports.contract_csv(["name"], [[text]]).decode("utf-8")
    assert list(csv.reader(io.StringIO(page), delimiter=";"))[1] == ["'" + text]
    assert list(csv.reader(io.StringIO(contract)))[1] == ["'" + text]
    sheet = load_workbook(io.BytesIO(exports.xlsx("Blad", ["Naam"], [[text]]))).active
    # XML keeps no bare carriage return: the cell reads a line feed there, still behind the apostrophe.
    assert sheet["A2"].value == "'" + text.replace("\r", "\n") and sheet["A2"].data_type == "s"


def test_numbers_and_dates_stay_numbers_and_dates():
    sheet = load_workbook(io.BytesIO(exports.xlsx("Blad", ["n", "d"], [[-5, dt.date(2017, 11, 30)]]))).active
    assert sheet["A2"].value == -5
    assert sheet["B2"].value.date() == dt.date(2017, 11, 30) and sheet["B2"].number_format == "dd-mm-yyyy"
    assert exports.page_csv(["n"], [[-5], [2.5]], "nl").decode("utf-8-sig").splitlines()[1:] == ["-5", "2,5"]


SEC = "secretariaat@g32.example"


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/charts/members.csv?on=2017-11-30", "text/csv; charset=utf-8"),
        ("/charts/members.xlsx?on=2017-11-30", exports.XLSX_MIMETYPE),
        ("/charts/membership/chart.csv?on=2017-11-30", "text/csv; charset=utf-8"),
        ("/api/v1/charts/membership?format=csv&on=2017-11-30", "text/csv; charset=utf-8"),
    ],
)
def test_every_csv_and_xlsx_download_has_one_content_type(client, demo, people, path, content_type):
    people.login(client, SEC)
    response = client.get(path, headers={"Authorization": f"Bearer {people.token(SEC)}"})
    assert response.status_code == 200, response.data[:200]
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"].startswith('attachment; filename="')
