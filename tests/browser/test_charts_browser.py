"""In a real browser: the secretariat's dashboard, every chart page, the downloads, screenshots for the README."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from babel.numbers import format_decimal
from playwright.sync_api import expect

from governance.extensions import db

pytestmark = pytest.mark.browser

SEC = "secretariaat@g32.example"
CHART_PAGES = ("membership", "population", "provinces", "population-history")


@pytest.fixture
def closed_poll(app, demo):
    """A closed motion with its frozen result (the voting flow itself is tested in test_voting_flow)."""
    from governance.voting.models import Poll, PollKind, PollState

    result = {
        "yes": 30,
        "no": 5,
        "abstain": 3,
        "cast": 38,
        "eligible": 38,
        "quorum_met": True,
        "outcome": "adopted",
        "reason": "majority",
        "votes": None,
    }
    with app.app_context():
        poll = Poll(
            kind=PollKind.MOTION,
            title="Begroting 2018",
            state=PollState.CLOSED,
            eligible_count=38,
            closed_at=dt.datetime(2017, 11, 30, 15, 0),
            result_json=json.dumps(result),
        )
        db.session.add(poll)
        db.session.commit()
        return poll.id


def images_loaded(page) -> list[tuple[str, int]]:
    """Every <img> on the page with its natural width, once each has finished loading."""
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    return page.evaluate("() => [...document.images].map(i => [i.currentSrc, i.naturalWidth])")


def test_secretariat_dashboard_charts_and_downloads(user_page, browser_errors, screenshot_dir, closed_poll, axe):
    page = user_page(SEC, axe=True)
    page.goto("/")
    assert page.url.endswith("/charts/dashboard"), "the secretariat's home page is the dashboard"
    expect(page.locator("#fact-name .fact-value")).to_have_text("G32")
    expect(page.locator("#fact-members .fact-value")).to_have_text("38")
    expect(page.locator("#fact-population .fact-value")).to_have_text(format_decimal(4_791_000, locale="nl"))
    expect(page.locator("#fact-seats .fact-value")).to_have_text("2")
    expect(page.locator("section[aria-labelledby=open-applications] li")).to_have_count(2)
    expect(page.locator("section[aria-labelledby=open-applications]")).to_contain_text("Assen")
    expect(page.locator("section[aria-labelledby=open-applications]")).to_contain_text("Hilversum")
    loaded = images_loaded(page)
    assert len(loaded) == 2 and all(width > 0 for _src, width in loaded), loaded
    page.screenshot(path=str(screenshot_dir / "charts-dashboard.png"), full_page=True)
    axe(page, "the dashboard")

    # Each chart page: the image loads, the table holds the CSV's rows, the CSV downloads.
    for name in CHART_PAGES:
        page.goto(f"/charts/{name}?on=2017-11-30")
        loaded = images_loaded(page)
        assert loaded and all(width > 0 for _src, width in loaded), (name, loaded)
        expect(page.locator("#chart-image")).to_have_attribute("alt", re.compile(r"\S"))
        expect(page.locator("#chart-description")).not_to_be_empty()
        with page.expect_download() as download_info:
            page.click("#csv-link")
        # Downloads from the pages follow the Excel-NL convention: BOM, semicolons, dd-mm-jjjj dates.
        rows = list(
            csv.reader(io.StringIO(open(download_info.value.path(), encoding="utf-8-sig").read()), delimiter=";")
        )
        table_rows = page.locator("#chart-data tbody tr").count()
        assert len(rows) - 1 == table_rows, (name, len(rows), table_rows)
        if name == "population":
            assert len(rows) == 41  # header, 38 members and 2 applicants
            page.screenshot(path=str(screenshot_dir / "charts-population.png"), full_page=True)
        if name == "membership":
            assert rows[-1] == ["02-12-2016", "38", "G32"]
            page.screenshot(path=str(screenshot_dir / "charts-membership.png"), full_page=True)
    axe(page, "a chart page")

    page.goto(f"/charts/polls/{closed_poll}")
    assert all(width > 0 for _src, width in images_loaded(page))
    expect(page.locator("#chart-data tbody tr")).to_have_count(3)
    expect(page.locator("#chart-description")).to_contain_text("38")

    # The member list: XLSX and CSV, one row per member under a header.
    from openpyxl import load_workbook

    page.goto("/charts/dashboard")
    with page.expect_download() as download_info:
        page.click("#members-xlsx")
    assert download_info.value.suggested_filename.endswith(".xlsx")
    with open(download_info.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 39
    by_name = {row[0]: row for row in values[1:]}
    assert by_name["Almere"][3] == 201_000 and by_name["Almere"][5].date() == dt.date(2009, 4, 28)
    assert by_name["Alkmaar"][5] is None  # a founding member: no recorded date
    with page.expect_download() as download_info:
        page.click("#members-csv")
    rows = list(csv.reader(open(download_info.value.path(), encoding="utf-8-sig"), delimiter=";"))
    assert len(rows) == 39 and rows[0] == [str(header) for header in values[0]]  # the page's headers, as in the XLSX

    page.goto("/charts/")
    expect(page.locator(".chart-list li")).to_have_count(4)
    expect(page.locator(f"a[href='/charts/polls/{closed_poll}']")).to_have_count(1)
    assert browser_errors == [], browser_errors


def test_dashboard_in_english_and_kept_from_other_roles(user_page, people, new_context, log_in, demo):
    page = user_page(SEC)
    page.goto("/charts/dashboard")
    page.click("header form button[name=lang]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#fact-population .fact-value")).to_have_text(format_decimal(4_791_000, locale="en"))

    _id, email = people.user("daily_board")
    other = new_context().new_page()
    log_in(other, email)
    response = other.goto("/charts/dashboard")
    assert response.status == 403
    assert other.goto("/charts/membership/chart.svg").status == 403
