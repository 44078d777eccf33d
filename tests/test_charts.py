"""Charts through the API: the numbers and dates each chart is drawn from, ETags, bad input, access."""

import csv
import datetime as dt
import io
import struct
from pathlib import Path

import pytest

import governance.charts.drawing as drawing

DEMO = Path(__file__).resolve().parent.parent / "governance" / "demo"
SEC = "secretariaat@g32.example"
VOTE_DAY_AFTER = "2018-06-01"


def demo_members() -> list[dict]:
    with open(DEMO / "g32-2017-members.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8"))))


@pytest.fixture
def sec(demo, people):
    return people.token(SEC)


@pytest.fixture
def chart(api, sec):
    """GET a chart with the secretariat's token: chart("membership", format="csv", on="2017-11-30").

    In English unless the headers say otherwise, so the words the tests look for are the source strings.
    """

    def get(name, token=None, headers=None, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        all_headers = {"Authorization": f"Bearer {token or sec}", "Accept-Language": "en", **(headers or {})}
        return api.client.get(f"/api/v1/charts/{name}" + (f"?{query}" if query else ""), headers=all_headers)

    return get


def network(api, token, on):
    return api("GET", f"/network?on={on}", token=token).get_json()


# -- membership over time ---------------------------------------------------------------------


def test_membership_rows_are_the_dates_the_count_changed(chart):
    rows = read_csv(chart("membership", format="csv", on="2017-11-30"))
    assert rows[0] == ["date", "members", "name"]
    # Expected from the demo file itself: founders have no date; the others count from their date.
    members = demo_members()
    founders = sum(1 for m in members if not m["joined_on"])
    dated = sorted({m["joined_on"] for m in members if m["joined_on"]})
    expected = [
        [day, str(founders + sum(1 for m in members if m["joined_on"] and m["joined_on"] <= day)), "G32"]
        for day in dated
    ]
    assert rows[1:] == expected
    assert rows[-1] == ["2016-12-02", "38", "G32"]
    assert founders == 27


def test_membership_rows_agree_with_the_network_on_each_date(chart, api, sec):
    rows = read_csv(chart("membership", format="csv", on="2017-11-30"))[1:]
    for day, count, name in rows:
        body = network(api, sec, day)
        assert (body["member_count"], body["name"]) == (int(count), name)
        before = network(api, sec, (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat())
        assert before["member_count"] != int(count)


def test_membership_before_any_recorded_change_has_no_rows(chart):
    rows = read_csv(chart("membership", format="csv", on="2000-01-01"))
    assert rows == [["date", "members", "name"]]
    # ... but the chart still shows the founding members, as a stub.
    svg = chart("membership", on="2000-01-01").data.decode()
    assert "founding members" in svg


# -- the admission of Assen and Hilversum, the rename, the poll chart ------------------------------


@pytest.fixture
def lelystad(api, demo, people, sec):
    """Admit Assen and Hilversum through the API, from 1 January 2018; return the two poll ids."""
    chair = people.token("voorzitter@g32.example")
    board = sorted(e for e in demo if e.startswith("bestuur."))
    tokens = {email: people.token(email) for email in board}
    applications = api("GET", "/applications?status=received", token=sec).get_json()["items"]
    polls = []
    votes = (["yes"] * 30 + ["no"] * 5 + ["abstain"] * 1, ["yes"] * 38)
    for application, choices in zip(applications, votes, strict=True):
        poll = api("POST", "/polls", {"application_id": application["id"]}, chair).get_json()
        assert api("POST", f"/polls/{poll['id']}/open", token=chair).status_code == 200
        for email, choice in zip(board, choices, strict=False):  # the last cities do not vote
            assert api("POST", f"/polls/{poll['id']}/votes", {"choice": choice}, tokens[email]).status_code == 201
        closed = api("POST", f"/polls/{poll['id']}/close", token=chair).get_json()
        assert closed["result"]["outcome"] == "adopted"
        polls.append(closed)
    return {"polls": polls, "chair": chair, "board": board, "tokens": tokens}


def test_membership_marks_the_rename_on_the_day_it_took_effect(chart, lelystad):
    rows = read_csv(chart("membership", format="csv", on=VOTE_DAY_AFTER))
    assert rows[-2:] == [["2016-12-02", "38", "G32"], ["2018-01-01", "40", "G40"]]
    # As on the last day of 2017 the admissions had not taken effect.
    assert read_csv(chart("membership", format="csv", on="2017-12-31"))[-1] == ["2016-12-02", "38", "G32"]
    svg = chart("membership", on=VOTE_DAY_AFTER).data.decode()
    assert "G32 → G40" in svg
    assert "Assen, Hilversum" in svg or "Hilversum, Assen" in svg
    assert "cap: 40" in svg


def test_population_history_adds_the_new_members_from_their_date(chart, lelystad):
    rows = read_csv(chart("population-history", format="csv", on=VOTE_DAY_AFTER))
    assert rows == [["date", "population"], ["2017-01-01", "4791000"], ["2018-01-01", str(4_791_000 + 67_000 + 89_000)]]


def test_poll_chart_counts_the_votes_as_cast(chart, lelystad):
    first = lelystad["polls"][0]
    rows = read_csv(chart(f"polls/{first['id']}", format="csv"))
    assert rows == [["choice", "votes"], ["yes", "30"], ["no", "5"], ["abstain", "1"]]
    svg = chart(f"polls/{first['id']}").data.decode()
    # Turnout: 36 of the 38 eligible cities voted, 95% in Dutch formatting.
    assert "36 of 38" in svg and "95%" in svg.replace("\u00a0", "")
    png = chart(f"polls/{first['id']}", format="png", dpi=60)
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_poll_chart_of_an_open_or_unknown_poll(chart, api, lelystad, sec):
    motion = api("POST", "/polls", {"title": "Begroting 2018"}, lelystad["chair"]).get_json()
    for state in ("draft", "open"):
        if state == "open":
            assert api("POST", f"/polls/{motion['id']}/open", token=lelystad["chair"]).status_code == 200
        response = chart(f"polls/{motion['id']}", format="csv")
        assert response.status_code == 409
        assert response.get_json()["error"]["code"] == "invalid_state"
        assert "not closed" in response.get_json()["error"]["message"]
    missing = chart("polls/99999")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


# -- population per city and per province ------------------------------------------------------------


def test_population_per_city_with_applicants_apart(chart, api, sec):
    rows = read_csv(chart("population", format="csv", on="2017-11-30"))
    assert rows[0] == ["city", "population", "status"]
    body = rows[1:]
    assert len(body) == 40
    members = [r for r in body if r[2] == "member"]
    applicants = {r[0]: int(r[1]) for r in body if r[2] == "applicant"}
    assert len(members) == 38
    assert applicants == {"Assen": 67_000, "Hilversum": 89_000}
    assert sum(int(r[1]) for r in members) == network(api, sec, "2017-11-30")["total_population"] == 4_791_000
    populations = [int(r[1]) for r in body]
    assert populations == sorted(populations, reverse=True)
    expected = {m["name"]: m["population"] for m in demo_members()}
    assert {r[0]: r[1] for r in members} == expected
    svg = chart("population", on="2017-11-30", headers={"Accept-Language": "nl"}).data.decode()
    assert "4.791.000" in svg  # the total in the title, with Dutch separators


def test_population_by_province_sums_the_members(chart):
    rows = read_csv(chart("provinces", format="csv", on="2017-11-30"))
    assert rows[0] == ["province", "population"]
    expected: dict[str, int] = {}
    for member in demo_members():
        expected[member["province"]] = expected.get(member["province"], 0) + int(member["population"])
    assert {r[0]: int(r[1]) for r in rows[1:]} == expected
    assert [int(r[1]) for r in rows[1:]] == sorted(expected.values(), reverse=True)
    # Assen is only an applicant in November 2017: Drenthe holds Emmen alone.
    assert dict(rows[1:])["Drenthe"] == "107000"


def test_population_history_follows_new_figures(chart, api, sec):
    cities = {c["name"]: c for c in api("GET", "/cities", token=sec).get_json()["items"]}
    eindhoven = cities["Eindhoven"]
    r = api("PATCH", f"/cities/{eindhoven['id']}", {"population": 229_000, "population_date": "2018-01-01"}, sec)
    assert r.status_code == 200, r.get_json()
    rows = read_csv(chart("population-history", format="csv", on="2018-06-01"))
    assert rows[1:] == [["2017-01-01", "4791000"], ["2018-01-01", "4793000"]]
    for day, population in rows[1:]:
        assert network(api, sec, day)["total_population"] == int(population)
    # As on a date before the new figure, the old one counts.
    assert read_csv(chart("population-history", format="csv", on="2017-12-31"))[1:] == [["2017-01-01", "4791000"]]


# -- the cache: ETag, 304, drawing once per data version -----------------------------------------------


def test_etag_and_304(chart):
    first = chart("membership", on="2017-11-30")
    assert first.status_code == 200 and first.mimetype == "image/svg+xml"
    etag = first.headers["ETag"]
    again = chart("membership", on="2017-11-30")
    assert again.headers["ETag"] == etag and again.data == first.data
    not_modified = chart("membership", on="2017-11-30", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == etag
    # Another format, date or resolution is another ETag.
    assert chart("membership", on="2017-11-30", format="png").headers["ETag"] != etag
    assert chart("membership", on="2017-11-29").headers["ETag"] != etag
    png_a = chart("membership", format="png", dpi=100).headers["ETag"]
    assert chart("membership", format="png", dpi=200).headers["ETag"] != png_a


def test_a_chart_is_drawn_once_per_data_version(chart, monkeypatch):
    calls = []
    real = drawing.draw
    monkeypatch.setattr(drawing, "draw", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    for _ in range(3):
        assert chart("provinces", on="2017-11-30").status_code == 200
    assert calls == ["provinces"]


@pytest.mark.parametrize("change", ["population", "membership", "city_name", "province", "new_member", "cap"])
def test_a_change_makes_the_next_request_draw_anew(chart, api, sec, change):
    cities = {c["name"]: c for c in api("GET", "/cities", token=sec).get_json()["items"]}
    name = "population" if change != "new_member" and change != "cap" else "membership"
    if change in ("province", "city_name"):
        name = "provinces" if change == "province" else "population"
    before = chart(name, format="csv", on="2018-06-01")
    before_svg = chart(name, on="2018-06-01")
    etag = before.headers["ETag"]
    if change == "population":
        r = api(
            "PATCH", f"/cities/{cities['Gouda']['id']}", {"population": 72_500, "population_date": "2018-01-01"}, sec
        )
        expect = ["Gouda", "72500", "member"]
    elif change == "city_name":
        r = api("PATCH", f"/cities/{cities['Gouda']['id']}", {"name": "Gouda aan de IJssel"}, sec)
        expect = ["Gouda aan de IJssel", "71000", "member"]
    elif change == "province":
        r = api("PATCH", f"/cities/{cities['Gouda']['id']}", {"province": "Utrecht"}, sec)
        expect = None
    elif change == "membership":
        r = api(
            "POST",
            "/cities",
            {
                "name": "Súdwest-Fryslân",
                "cbs_code": "GM1900",
                "province": "Friesland",
                "population": 89_000,
                "population_date": "2017-01-01",
                "joined_on": "2018-02-01",
            },
            sec,
        )
        expect = ["Súdwest-Fryslân", "89000", "member"]
    elif change == "new_member":
        r = api(
            "POST",
            "/cities",
            {
                "name": "Súdwest-Fryslân",
                "cbs_code": "GM1900",
                "province": "Friesland",
                "population": 89_000,
                "population_date": "2017-01-01",
                "joined_on": "2018-02-01",
            },
            sec,
        )
        expect = ["2018-02-01", "39", "G32"]
    else:
        r = api("PATCH", "/network", {"cap": 45, "decision": "AB 2018-03-01, besluit 4"}, sec)
        expect = None
    assert r.status_code in (200, 201), r.get_json()
    after = chart(name, format="csv", on="2018-06-01", headers={"If-None-Match": etag})
    assert after.status_code == 200, "the old ETag must not match after a change"
    assert after.headers["ETag"] != etag
    after_svg = chart(name, on="2018-06-01", headers={"If-None-Match": before_svg.headers["ETag"]})
    assert after_svg.status_code == 200 and after_svg.data != before_svg.data
    rows = read_csv(after)
    if expect is not None:
        assert expect in rows
    if change == "province":
        assert (
            dict((r[0], int(r[1])) for r in rows[1:])["Utrecht"]
            == dict((r[0], int(r[1])) for r in read_csv(before)[1:])["Utrecht"] + 71_000
        )
    if change == "cap":
        assert "cap: 45" in after_svg.data.decode()


def test_the_etag_is_the_same_for_a_second_app_on_the_same_database(chart, app):
    """Two app servers on one database give the same ETag, so a 304 holds across them."""
    from tests.conftest import make_app

    first = chart("population", on="2017-11-30")
    other = make_app()
    with other.app_context():
        from governance.accounts.services import find_user, issue_token
        from governance.extensions import db

        token = issue_token(None, find_user(SEC), "second server")
        db.session.commit()
    response = other.test_client().get(
        "/api/v1/charts/population?on=2017-11-30",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en", "If-None-Match": first.headers["ETag"]},
    )
    assert response.status_code == 304


# -- bad input and access --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("on=2017-13-01", "on"),
        ("on=2017-02-30", "on"),
        ("on=30-11-2017", "on"),
        ("on=yesterday", "on"),
        ("on=2017-11-30T00:00", "on"),
        ("on=0001-01-01", "on"),
        ("on=9999-12-31", "on"),
        ("format=gif", "format"),
        ("format=svg%20", None),  # trailing space is forgiven
        ("format=pdf", "format"),
        ("format=png&dpi=49", "dpi"),
        ("format=png&dpi=601", "dpi"),
        ("format=png&dpi=abc", "dpi"),
        ("format=png&dpi=100.5", "dpi"),
        ("format=png&dpi=-100", "dpi"),
        ("dpi=1e3", "dpi"),
        ("format=png&dpi=99999999999999999999", "dpi"),
    ],
)
def test_bad_options_are_422_with_a_sentence(api, sec, query, field):
    for path in ("membership", "population", "provinces", "population-history"):
        response = api.client.get(f"/api/v1/charts/{path}?{query}", headers={"Authorization": f"Bearer {sec}"})
        if field is None:
            assert response.status_code == 200
            continue
        assert response.status_code == 422, (path, query)
        error = response.get_json()["error"]
        assert error["code"] == "invalid"
        assert field in error["fields"]
        assert error["message"].endswith(".") and len(error["message"].split()) >= 4


def test_every_bad_field_is_named_at_once(api, sec):
    response = api.client.get(
        "/api/v1/charts/membership?on=x&format=gif&dpi=7", headers={"Authorization": f"Bearer {sec}"}
    )
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"on", "format", "dpi"}


def test_dpi_sets_the_png_size(chart):
    def size(png: bytes) -> tuple[int, int]:
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        return struct.unpack(">II", png[16:24])

    small = size(chart("provinces", format="png", dpi=50).data)
    large = size(chart("provinces", format="png", dpi=200).data)
    assert large[0] == pytest.approx(small[0] * 4, abs=4)
    assert small[0] == 350  # 7 inches at 50 dpi: fits an A4 page


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        (None, 401),
        (("chair",), 403),
        (("daily_board",), 403),
        (("board",), 200),
        (("secretariat",), 200),
        (("chair", "board"), 200),
    ],
)
def test_who_may_see_charts(api, demo, people, roles, status):
    token = None
    if roles:
        city_id = None
        if "board" in roles:
            city_id = api("GET", "/cities", token=people.token(SEC)).get_json()["items"][0]["id"]
        _, email = people.user(*roles, city_id=city_id)
        token = people.token(email)
    for path in ("membership", "population", "provinces", "population-history", "polls/1"):
        response = api("GET", f"/charts/{path}?format=csv", token=token)
        if path == "polls/1" and status == 200:
            assert response.status_code == 404  # no poll yet; the point is that it is not 401/403
            continue
        assert response.status_code == status, (path, roles)
        if status != 200:
            assert response.get_json()["error"]["code"] in ("unauthorized", "forbidden")


def test_a_revoked_token_sees_no_chart(api, demo, people, runner):
    token = people.token(SEC)
    assert api("GET", "/charts/membership", token=token).status_code == 200
    assert runner.invoke(args=["users", "revoke", SEC]).exit_code == 0
    assert api("GET", "/charts/membership", token=token).status_code == 401


# -- an empty network, languages ------------------------------------------------------------------------


def test_charts_of_an_empty_network_say_so(api, people):
    _, email = people.user("secretariat")
    token = people.token(email)
    for path, header in (
        ("membership", ["date", "members", "name"]),
        ("population", ["city", "population", "status"]),
        ("provinces", ["province", "population"]),
        ("population-history", ["date", "population"]),
    ):
        rows = read_csv(api("GET", f"/charts/{path}?format=csv", token=token))
        assert rows == [header]
        svg = api.client.get(
            f"/api/v1/charts/{path}", headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"}
        )
        assert svg.status_code == 200
        assert any(
            sentence in svg.data.decode()
            for sentence in ("no members on this date", "no member cities on this date", "no population figures")
        )
        assert api("GET", f"/charts/{path}?format=png", token=token).status_code == 200


def test_numbers_in_the_users_language(chart):
    dutch = chart("population", on="2017-11-30", headers={"Accept-Language": "nl"}).data.decode()
    english = chart("population", on="2017-11-30", headers={"Accept-Language": "en"}).data.decode()
    assert "4.791.000" in dutch and "227.000" in dutch
    assert "4,791,000" in english and "227,000" in english
    csv_nl = chart("population", format="csv", on="2017-11-30", headers={"Accept-Language": "nl"})
    csv_en = chart("population", format="csv", on="2017-11-30", headers={"Accept-Language": "en"})
    assert csv_nl.data == csv_en.data and csv_nl.headers["ETag"] == csv_en.headers["ETag"]


def test_the_openapi_document_lists_the_charts(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/charts/membership",
        "/charts/population",
        "/charts/provinces",
        "/charts/population-history",
        "/charts/polls/{id}",
    ):
        assert path in document["paths"]
