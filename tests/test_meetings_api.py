"""The meetings part of the JSON API (API.md): programme, registrations, waiting lists, attendance, files."""

import io

import pytest
from pypdf import PdfReader

from governance.extensions import db


@pytest.fixture(autouse=True)
def english(client):
    """Assertions read the English texts; Dutch is the default language."""
    client.set_cookie("lang", "en")


@pytest.fixture
def sec(people):
    _, email = people.user("secretariat")
    return people.token(email)


@pytest.fixture
def meeting(api, sec):
    r = api("POST", "/meetings", {"title": "Netwerkdag", "date": "2017-11-30", "place": "Stadhuis Lelystad"}, sec)
    assert r.status_code == 201, r.json
    return r.json


def add_item(api, sec, meeting, **body):
    data = {"start": "10:00", "end": "11:00", "kind": "theme_session", "title": "Sessie", "room": "Zaal 1"}
    data.update(body)
    return api("POST", f"/meetings/{meeting['id']}/items", data, sec)


def test_create_meeting_and_item(api, sec, meeting):
    assert meeting["title"] == "Netwerkdag" and meeting["date"] == "2017-11-30" and meeting["items"] == []
    r = add_item(api, sec, meeting, capacity=20)
    assert r.status_code == 201
    assert {k: r.json[k] for k in ("start", "end", "kind", "title", "room", "capacity")} == {
        "start": "10:00",
        "end": "11:00",
        "kind": "theme_session",
        "title": "Sessie",
        "room": "Zaal 1",
        "capacity": 20,
    }
    got = api("GET", f"/meetings/{meeting['id']}", token=sec).json
    assert [i["id"] for i in got["items"]] == [r.json["id"]]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"start": "11:00", "end": "10:00"}, "end"),
        ({"start": "10:00", "end": "10:00"}, "end"),
        ({"start": "10.00"}, "start"),
        ({"start": "25:00"}, "start"),
        ({"end": None}, "end"),
        ({"kind": "lunch"}, "kind"),
        ({"title": ""}, "title"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": "veel"}, "capacity"),
        ({"capacity": True}, "capacity"),
        ({"start": "10:30", "end": "11:30"}, "start"),  # overlaps "Bestaand" in Zaal 1
        ({"start": "09:00", "end": "12:00", "room": "zaal 1"}, "start"),  # same room, other case
    ],
)
def test_bad_items_are_refused(api, sec, meeting, body, field):
    assert add_item(api, sec, meeting, title="Bestaand").status_code == 201
    r = add_item(api, sec, meeting, **{"title": "Nieuw", **body})
    assert r.status_code == 422
    assert r.json["error"]["code"] == "invalid"
    assert field in r.json["error"]["fields"], r.json
    assert len(api("GET", f"/meetings/{meeting['id']}", token=sec).json["items"]) == 1


def test_same_time_in_other_room_or_back_to_back_is_fine(api, sec, meeting):
    assert add_item(api, sec, meeting).status_code == 201
    assert add_item(api, sec, meeting, room="Zaal 2").status_code == 201
    assert add_item(api, sec, meeting, start="11:00", end="12:00").status_code == 201


def test_meetings_need_the_secretariat(api, people, meeting):
    _, email = people.user("board", city_id=people.city("Lelystad"))
    board = people.token(email)
    r = api("POST", "/meetings", {"title": "X", "date": "2017-11-30", "place": "Y"}, board)
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert api("POST", "/meetings", {"title": "X", "date": "2017-11-30", "place": "Y"}).status_code == 401
    assert api("GET", "/meetings/4242", token=board).json["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"date": "30-11-2017"}, "date"),
        ({"title": ""}, "title"),
        ({"place": None}, "place"),
        ({"date": "2017-02-30"}, "date"),
    ],
)
def test_bad_meetings_are_refused(api, sec, body, field):
    data = {"title": "Netwerkdag", "date": "2017-11-30", "place": "Lelystad", **body}
    r = api("POST", "/meetings", data, sec)
    assert r.status_code == 422 and field in r.json["error"]["fields"]


def register(api, sec, meeting, who, items, city_id=None, **extra):
    body = {
        "name": who,
        "function": "wethouder",
        "city_id": city_id,
        "email": f"{who.lower().replace(' ', '.')}@example.test",
        "items": items,
    }
    body.update(extra)
    return api("POST", f"/meetings/{meeting['id']}/registrations", body, sec)


def test_full_session_waitlists_and_moves_up(api, sec, meeting, people):
    small = add_item(api, sec, meeting, capacity=2).json["id"]
    city = people.city("Lelystad")
    ids = []
    for name in ("Anna", "Bert", "Cor", "Dirk"):
        r = register(api, sec, meeting, name, [small], city)
        assert r.status_code == 201
        ids.append(r.json["id"])
        assert r.json["items"][0]["id"] == small
    statuses = [api("GET", f"/meetings/{meeting['id']}/registrations", token=sec).json]
    by_name = {r["name"]: r["items"][0]["status"] for r in statuses[0]["items"]}
    assert by_name == {"Anna": "registered", "Bert": "registered", "Cor": "waitlisted", "Dirk": "waitlisted"}
    att = api("GET", f"/meetings/{meeting['id']}/attendance", token=sec).json
    assert att["total"] == 4
    assert att["items"] == [{"id": small, "title": "Sessie", "registered": 2, "waitlisted": 2, "capacity": 2}]

    assert api("DELETE", f"/meetings/{meeting['id']}/registrations/{ids[1]}", token=sec).status_code == 204
    rows = api("GET", f"/meetings/{meeting['id']}/registrations", token=sec).json["items"]
    by_name = {r["name"]: r["items"][0]["status"] for r in rows}
    assert by_name == {"Anna": "registered", "Cor": "registered", "Dirk": "waitlisted"}
    att = api("GET", f"/meetings/{meeting['id']}/attendance", token=sec).json
    assert att["total"] == 3 and att["items"][0]["registered"] == 2 and att["items"][0]["waitlisted"] == 1
    assert api("DELETE", f"/meetings/{meeting['id']}/registrations/{ids[1]}", token=sec).status_code == 404


@pytest.mark.parametrize(
    "extra, field, status",
    [
        ({"email": "geen-adres"}, "email", 422),
        ({"name": ""}, "name", 422),
        ({"items": [999999]}, "items", 422),
        ({"items": "alles"}, "items", 422),
        ({"city_id": 999999}, "city_id", 422),
        ({"attending": "ja"}, "attending", 422),
    ],
)
def test_bad_registrations_are_refused(api, sec, meeting, extra, field, status):
    body = {"items": [], **extra}
    r = register(api, sec, meeting, "Anna", body.pop("items"), **body)
    assert r.status_code == status and field in r.json["error"]["fields"], r.json
    assert api("GET", f"/meetings/{meeting['id']}/attendance", token=sec).json["total"] == 0


def test_registering_twice_and_clashing_sessions(api, sec, meeting):
    a = add_item(api, sec, meeting, title="A").json["id"]
    b = add_item(api, sec, meeting, title="B", room="Zaal 2").json["id"]
    r = register(api, sec, meeting, "Anna", [a, b])
    assert r.status_code == 422 and "same time" in r.json["error"]["message"]
    assert register(api, sec, meeting, "Anna", [a]).status_code == 201
    r = register(api, sec, meeting, "Anna", [b])
    assert r.status_code == 409 and r.json["error"]["code"] == "duplicate"


def test_unanswered_cities(api, sec, meeting, people):
    answered = people.city("Lelystad")
    people.city("Almere")
    people.city("Assen", member_since=None)
    assert register(api, sec, meeting, "Anna", [], answered, attending=False).status_code == 201
    att = api("GET", f"/meetings/{meeting['id']}/attendance", token=sec).json
    assert att["total"] == 0 and att["declined"] == 1
    assert [c["name"] for c in att["unanswered_cities"]] == ["Almere"]


def test_badges_pdf_holds_name_city_and_network_name(api, sec, meeting, people):
    item = add_item(api, sec, meeting).json["id"]
    zwolle = people.city("Zwolle")
    almere = people.city("Almere")
    register(api, sec, meeting, "Zeno Zwart", [item], zwolle)
    register(api, sec, meeting, "Alie Appel", [], almere)
    register(api, sec, meeting, "Niet Komen", [], almere, attending=False)
    r = api("GET", f"/meetings/{meeting['id']}/badges.pdf", token=sec)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(r.data)).pages)
    assert "Zeno Zwart" in text and "Zwolle" in text and "G32" in text
    assert text.index("Almere") < text.index("Zwolle")  # sorted by city
    assert "Niet Komen" not in text


def test_badges_show_the_name_on_the_meeting_day(app, api, sec, people):
    import datetime as dt

    from governance.members.models import NetworkName
    from governance.network.rules import get_network

    with app.app_context():
        db.session.add(
            NetworkName(network_id=get_network().id, name="G40", valid_from=dt.date(2018, 1, 1), reason="test")
        )
        db.session.commit()
    city = people.city("Assen")
    for day, expected, other in (("2017-11-30", "G32", "G40"), ("2018-03-01", "G40", "G32")):
        m = api("POST", "/meetings", {"title": "Dag", "date": day, "place": "Assen"}, sec).json
        register(api, sec, m, f"Persoon {day}", [], city)
        text = (
            PdfReader(io.BytesIO(api("GET", f"/meetings/{m['id']}/badges.pdf", token=sec).data)).pages[0].extract_text()
        )
        assert expected in text and other not in text


def test_eight_badges_to_a_page(api, sec, meeting, people):
    city = people.city("Lelystad")
    for n in range(9):
        register(api, sec, meeting, f"Persoon {n}", [], city)
    r = api("GET", f"/meetings/{meeting['id']}/badges.pdf", token=sec)
    assert len(PdfReader(io.BytesIO(r.data)).pages) == 2


def test_calendar(api, sec, meeting):
    add_item(api, sec, meeting, title="Themasessie, wal en schip")
    r = api("GET", f"/meetings/{meeting['id']}/calendar.ics", token=sec)
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    text = r.data.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.count("BEGIN:VEVENT") == 2
    # 10:00 in Amsterdam in November is 09:00 UTC.
    assert "DTSTART:20171130T090000Z" in text and "SUMMARY:Themasessie\\, wal en schip" in text
