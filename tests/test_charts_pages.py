"""The chart pages, the dashboard and the member list exports through the test client; the cache's bounds."""

import csv
import datetime as dt
import io
import re

import pytest

from governance.charts.cache import LRUCache, Rendered

SEC = "secretariaat@g32.example"


@pytest.fixture
def sec_client(client, demo, people):
    people.login(client, SEC)
    return client


def cells(html: str, table_id: str) -> list[list[str]]:
    """The text of each body row of a table on the page."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_dashboard_shows_the_network_at_a_glance(sec_client):
    response = sec_client.get("/", follow_redirects=True)
    assert response.request.path == "/charts/dashboard"
    html = response.data.decode()
    for fact, value in (
        ("fact-name", "G32"),
        ("fact-members", "38"),
        ("fact-population", "4.791.000"),
        ("fact-seats", "2"),
    ):
        block = re.search(rf'id="{fact}".*?</li>', html, re.S).group(0)
        assert f'class="fact-value">{value}<' in block, (fact, block)
    assert "Assen" in html and "Hilversum" in html
    assert 'src="/charts/membership/chart.svg"' in html


def test_chart_page_table_holds_the_csv_rows_in_words(sec_client):
    html = sec_client.get("/charts/membership?on=2017-11-30").data.decode()
    rows = cells(html, "chart-data")
    assert rows[-1] == ["2 december 2016", "38", "G32"]  # Dutch by default
    raw = page_csv(sec_client.get("/charts/membership/chart.csv?on=2017-11-30"))
    assert len(rows) == len(raw) - 1
    assert raw[0] == ["Datum", "Leden", "Naam"] and raw[-1] == ["02-12-2016", "38", "G32"]
    assert 'alt="' in html and 'id="chart-description"' in html
    assert "/charts/membership/chart.csv?on=2017-11-30" in html
    population = cells(sec_client.get("/charts/population?on=2017-11-30").data.decode(), "chart-data")
    assert population[0] == ["Eindhoven", "227.000", "lid"] or population[0][:2] == ["Eindhoven", "227.000"]
    assert len(population) == 40


def test_a_bad_date_on_a_page_is_reported_and_today_shown(sec_client):
    response = sec_client.get("/charts/provinces?on=2017-02-30")
    assert response.status_code == 422
    assert "2017-02-30" in response.data.decode()
    assert 'role="alert"' in response.data.decode()


@pytest.mark.parametrize("query", ["dpi=7", "dpi=abc", "on=morgen", "dpi=601"])
def test_a_bad_image_request_is_422_in_a_sentence(sec_client, query):
    response = sec_client.get(f"/charts/population/chart.png?{query}")
    assert response.status_code == 422
    assert response.mimetype == "text/plain"
    assert response.data.decode().strip().endswith(".")


def test_page_images_carry_etags_the_browser_can_revalidate(sec_client):
    first = sec_client.get("/charts/provinces/chart.svg")
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = sec_client.get("/charts/provinces/chart.svg", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_poll_page_of_an_unknown_or_open_poll(sec_client, people):
    assert sec_client.get("/charts/polls/12345").status_code == 404
    assert sec_client.get("/charts/polls/12345/chart.svg").status_code == 404


@pytest.mark.parametrize("roles,status", [(("daily_board",), 403), (("chair",), 403), (("board",), 200)])
def test_pages_are_for_the_secretariat_and_the_board(app, client, demo, people, roles, status):
    from governance.members.services import find_city

    with app.app_context():
        city_id = find_city("Assen").id if "board" in roles else None
    _id, email = people.user(*roles, city_id=city_id)
    people.login(client, email)
    for path in (
        "/charts/",
        "/charts/dashboard",
        "/charts/population",
        "/charts/population/chart.svg",
        "/charts/members.csv",
    ):
        assert client.get(path).status_code == status, path


def test_anonymous_visitors_are_sent_to_log_in(client, demo):
    for path in ("/charts/dashboard", "/charts/membership/chart.svg", "/charts/members.xlsx"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location


def page_csv(response) -> list[list[str]]:
    """A download from the pages: UTF-8 with BOM, semicolons (what Excel in the Netherlands opens)."""
    assert response.data.startswith("\ufeff".encode()), response.data[:20]
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def test_member_list_as_csv_and_xlsx(sec_client):
    from openpyxl import load_workbook

    rows = page_csv(sec_client.get("/charts/members.csv?on=2017-11-30"))
    assert rows[0] == ["Stad", "CBS-code", "Provincie", "Inwoners", "Inwoners op", "Lid sinds", "Lid tot"]
    assert len(rows) == 39
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Almere"] == ["Almere", "GM0034", "Flevoland", "201000", "01-01-2017", "28-04-2009", ""]
    assert "Assen" not in by_name
    # Before Hoorn joined there were 37.
    assert len(page_csv(sec_client.get("/charts/members.csv?on=2016-12-01"))) == 38
    sec_client.post("/language", data={"lang": "en"})
    english = page_csv(sec_client.get("/charts/members.csv?on=2017-11-30"))
    assert english[0][:2] == ["City", "CBS code"] and english[1][4] == "2017-01-01"

    response = sec_client.get("/charts/members.xlsx?on=2017-11-30")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="members-2017-11-30.xlsx"' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 39
    almere = next(v for v in values if v[0] == "Almere")
    assert almere[3] == 201_000 and almere[4].date() == dt.date(2017, 1, 1) and almere[5].date() == dt.date(2009, 4, 28)
    assert sec_client.get("/charts/members.xlsx?on=nope").status_code == 422


def test_a_formula_in_a_city_name_stays_text(sec_client, people):
    from governance.exports import formula_safe

    assert formula_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert formula_safe("Den Helder") == "Den Helder"


def test_the_cache_keeps_its_bounds():
    cache = LRUCache(size=3, max_bytes=1000)
    for index in range(5):
        cache.put(index, Rendered(b"x" * 100, "image/svg+xml", str(index)))
    assert len(cache) == 3 and cache.get(0) is None and cache.get(4) is not None
    cache.put("big", Rendered(b"x" * 900, "image/png", "big"))
    assert cache.bytes <= 1000 and cache.get("big") is not None
    cache.put("huge", Rendered(b"x" * 5000, "image/png", "huge"))  # larger than the bound: kept alone
    assert len(cache) == 1 and cache.get("huge") is not None


def test_dashboard_names_the_next_meeting_and_open_votes(app, sec_client, people):
    from governance.extensions import db
    from governance.meetings.meeting import create_meeting
    from governance.voting.services import create_poll

    today = dt.date.today()
    with app.app_context():
        create_meeting(None, "Netwerkdag Lelystad", today - dt.timedelta(days=3), "Lelystad")
        upcoming = create_meeting(None, "Algemeen bestuur", today + dt.timedelta(days=10), "Zwolle")
        create_meeting(None, "Netwerkdag Assen", today + dt.timedelta(days=40), "Assen")
        create_poll(None, title="Begroting 2018")
        db.session.commit()
        upcoming_id = upcoming.id
    html = sec_client.get("/charts/dashboard").data.decode()
    section = re.search(r'aria-labelledby="next-meeting".*?</section>', html, re.S).group(0)
    assert "Algemeen bestuur" in section and "Zwolle" in section and "Lelystad" not in section
    assert f"/meetings/{upcoming_id}" in section
    votes = re.search(r'aria-labelledby="open-polls".*?</section>', html, re.S).group(0)
    assert "Begroting 2018" in votes


def test_poll_page_of_a_poll_still_open_is_409(app, sec_client):
    from governance.extensions import db
    from governance.voting.services import create_poll

    with app.app_context():
        poll = create_poll(None, title="Motie")
        db.session.commit()
        poll_id = poll.id
    response = sec_client.get(f"/charts/polls/{poll_id}")
    assert response.status_code == 409
    assert "not closed" in response.data.decode() or "niet gesloten" in response.data.decode()
    assert sec_client.get(f"/charts/polls/{poll_id}/chart.png").status_code == 409
