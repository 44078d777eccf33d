"""The meeting room through the API and its services: presence and quorum, proxies, hands in the room, effects."""

import datetime as dt
import io

import pytest
import sqlalchemy as sa

from governance import clock
from governance.extensions import db


def pdf_bytes(text="Volmacht") -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, text)
    canvas.save()
    return buffer.getvalue()


class Room:
    """A network of four member cities (plus an outsider), a board member each, a chair, a secretariat, a meeting."""

    def __init__(self, app, api, people):
        self.app, self.api, self.people = app, api, people
        self.city = {}
        for name in ("Noordstad", "Zuidstad", "Oostdorp", "Weststad"):
            self.city[name] = people.city(name=name)
        self.city["Buitenstad"] = people.city(name="Buitenstad", member_since=None)
        self.token = {}
        for name in ("Noordstad", "Zuidstad", "Oostdorp", "Weststad"):
            self.token[name] = people.token(people.user("board", city_id=self.city[name], name=f"Bestuurder {name}")[1])
        self.chair = people.token(people.user("chair", name="Voorzitter")[1])
        self.sec = people.token(people.user("secretariat", name="Secretariaat")[1])
        with app.app_context():
            today = clock.today()
        r = api(
            "POST", "/meetings", {"title": "Algemeen bestuur", "date": today.isoformat(), "place": "Stadhuis"}, self.sec
        )
        assert r.status_code == 201, r.get_json()
        self.meeting = r.get_json()["id"]

    def present(self, *names, present=True):
        for name in names:
            r = self.api(
                "PUT", f"/meetings/{self.meeting}/presence/{self.city[name]}", {"present": present}, self.chair
            )
            assert r.status_code == 200, r.get_json()

    def proxy(self, giver, holder, token=None):
        return self.api(
            "POST",
            f"/meetings/{self.meeting}/proxies",
            {"from_city_id": self.city[giver], "to_city_id": self.city[holder]},
            token or self.sec,
        )

    def poll(self, secret=False, open_it=True):
        r = self.api(
            "POST", "/polls", {"title": "Motie: begroting", "meeting_id": self.meeting, "secret": secret}, self.chair
        )
        assert r.status_code == 201, r.get_json()
        poll = r.get_json()["id"]
        if open_it:
            r = self.api("POST", f"/polls/{poll}/open", token=self.chair)
            assert r.status_code == 200, r.get_json()
        return poll

    def vote(self, poll, name, choice="yes", **extra):
        return self.api("POST", f"/polls/{poll}/votes", {"choice": choice, **extra}, self.token[name])

    def presence(self):
        return self.api("GET", f"/meetings/{self.meeting}/presence", token=self.chair).get_json()

    def proxies(self):
        return self.api("GET", f"/meetings/{self.meeting}/proxies", token=self.sec).get_json()["items"]


@pytest.fixture
def room(app, api, people):
    return Room(app, api, people)


def error(response):
    return (response.status_code, response.get_json()["error"]["code"])


# -- presence and quorum -----------------------------------------------------------------------------


def test_presence_counts_present_and_represented_cities(room):
    assert room.presence()["present"] == 0
    room.present("Noordstad", "Zuidstad")
    assert room.proxy("Oostdorp", "Noordstad").status_code == 201
    assert room.proxy("Weststad", "Buitenstad").status_code == 422
    state = room.presence()
    assert (state["members"], state["present"], state["represented"], state["needed"]) == (4, 2, 1, 3)
    assert state["quorum_present"] is True
    by_city = {c["city_id"]: c for c in state["cities"]}
    assert by_city[room.city["Oostdorp"]]["represented_by"] == room.city["Noordstad"]
    assert room.city["Buitenstad"] not in by_city
    room.present("Noordstad", present=False)
    state = room.presence()
    assert (state["present"], state["represented"], state["quorum_present"]) == (1, 0, False)


@pytest.mark.parametrize(
    ("city", "body", "field", "message"),
    [
        ("Buitenstad", {"present": True}, "city_id", "Buitenstad is not a member city on"),
        ("unknown", {"present": True}, "city_id", "There is no city with number 999"),
        ("Noordstad", {"present": "ja"}, "present", "Must be true or false."),
        ("Noordstad", {}, "present", "Must be true or false."),
    ],
)
def test_bad_presence_is_refused_with_a_sentence_and_nothing_stored(room, city, body, field, message):
    city_id = room.city.get(city, 999)
    r = room.api("PUT", f"/meetings/{room.meeting}/presence/{city_id}", body, room.chair)
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"][field][0].startswith(message)
    assert room.presence()["present"] == 0
    with room.app.app_context():
        from governance.meetings.models import MeetingPresence

        assert db.session.scalar(sa.select(sa.func.count()).select_from(MeetingPresence)) == 0


def test_only_chair_and_secretariat_mark_presence(room):
    r = room.api(
        "PUT", f"/meetings/{room.meeting}/presence/{room.city['Noordstad']}", {"present": True}, room.token["Noordstad"]
    )
    assert error(r) == (403, "forbidden")
    r = room.api("PUT", f"/meetings/{room.meeting}/presence/{room.city['Noordstad']}", {"present": True}, room.sec)
    assert r.status_code == 200 and r.get_json() == {
        "city_id": room.city["Noordstad"],
        "name": "Noordstad",
        "present": True,
        "represented_by": None,
        "holds": [],
    }
    r = room.api("GET", f"/meetings/{room.meeting}/presence/{room.city['Noordstad']}", token=room.token["Zuidstad"])
    assert r.get_json()["present"] is True


def test_opening_without_a_quorum_present_is_refused_with_how_many_are_needed(room):
    room.present("Noordstad", "Zuidstad")
    poll = room.poll(open_it=False)
    r = room.api("POST", f"/polls/{poll}/open", token=room.chair)
    assert error(r) == (409, "quorum_not_present")
    assert r.get_json()["error"]["message"] == (
        "2 of 4 member cities are present or represented; more than half, at least 3, must be before the vote can open."
    )
    assert room.api("GET", f"/polls/{poll}", token=room.chair).get_json()["state"] == "draft"
    with room.app.app_context():
        from governance.meetings.models import PollPresence

        assert db.session.scalar(sa.select(sa.func.count()).select_from(PollPresence)) == 0
    room.present("Oostdorp")
    assert room.api("POST", f"/polls/{poll}/open", token=room.chair).status_code == 200


def test_a_poll_outside_a_meeting_needs_no_presence(room):
    r = room.api("POST", "/polls", {"title": "Motie"}, room.chair)
    poll = r.get_json()["id"]
    assert r.get_json()["meeting_id"] is None
    assert room.api("POST", f"/polls/{poll}/open", token=room.chair).status_code == 200


def test_a_poll_for_an_unknown_meeting_is_refused(room):
    r = room.api("POST", "/polls", {"title": "Motie", "meeting_id": 4242}, room.chair)
    assert r.status_code == 422 and "meeting_id" in r.get_json()["error"]["fields"]


def test_voting_makes_the_city_present(room):
    room.present("Noordstad", "Zuidstad", "Oostdorp")
    poll = room.poll()
    room.present("Zuidstad", present=False)
    assert room.vote(poll, "Zuidstad").status_code == 201
    by_city = {c["city_id"]: c["present"] for c in room.presence()["cities"]}
    assert by_city[room.city["Zuidstad"]] is True


# -- proxies ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (None, ("Noordstad", "Noordstad"), "A city cannot give its proxy to itself."),
        (("Oostdorp", "Noordstad"), ("Oostdorp", "Zuidstad"), "Oostdorp has already given its proxy to Noordstad"),
        (("Noordstad", "Zuidstad"), ("Oostdorp", "Noordstad"), "Noordstad has itself given its proxy to Zuidstad"),
        (("Oostdorp", "Noordstad"), ("Noordstad", "Zuidstad"), "Noordstad holds the proxy of Oostdorp"),
        (("Oostdorp", "Noordstad"), ("Weststad", "Noordstad"), "Noordstad already holds 1 proxy, the most"),
    ],
)
def test_conflicting_proxies_are_refused_and_nothing_stored(room, first, second, message):
    if first:
        assert room.proxy(*first).status_code == 201
    before = room.proxies()
    r = room.proxy(*second)
    assert error(r) == (409, "proxy_conflict")
    assert r.get_json()["error"]["message"].startswith(message)
    assert room.proxies() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from_city_id": "Buitenstad", "to_city_id": "Noordstad"}, "from_city_id"),
        ({"from_city_id": "Noordstad", "to_city_id": "Buitenstad"}, "to_city_id"),
        ({"to_city_id": "Noordstad"}, "from_city_id"),
        ({"from_city_id": "Noordstad", "to_city_id": "12"}, "to_city_id"),
    ],
)
def test_proxies_between_non_members_are_invalid(room, body, field):
    data = {k: room.city.get(v, v) for k, v in body.items()}
    r = room.api("POST", f"/meetings/{room.meeting}/proxies", data, room.sec)
    assert r.status_code == 422 and field in r.get_json()["error"]["fields"]
    assert room.proxies() == []


def test_a_holder_may_hold_as_many_as_the_network_allows(room):
    with room.app.app_context():
        from governance.network.rules import get_network

        get_network().max_proxies_per_holder = 2
        db.session.commit()
    assert room.proxy("Oostdorp", "Noordstad").status_code == 201
    assert room.proxy("Weststad", "Noordstad").status_code == 201
    r = room.proxy("Zuidstad", "Noordstad")
    assert error(r) == (409, "proxy_conflict")
    assert "already holds 2 proxies" in r.get_json()["error"]["message"]


def test_only_the_secretariat_records_and_revokes_proxies(room):
    assert error(room.proxy("Oostdorp", "Noordstad", token=room.chair)) == (403, "forbidden")
    pid = room.proxy("Oostdorp", "Noordstad").get_json()["id"]
    r = room.api("DELETE", f"/meetings/{room.meeting}/proxies/{pid}", token=room.token["Noordstad"])
    assert error(r) == (403, "forbidden")


def test_a_revoked_proxy_stays_in_the_history_and_every_change_is_audited(room):
    r = room.proxy("Oostdorp", "Noordstad")
    assert r.get_json() == {**r.get_json(), "from_city_id": room.city["Oostdorp"], "revoked": False}
    pid = r.get_json()["id"]
    assert room.api("DELETE", f"/meetings/{room.meeting}/proxies/{pid}", token=room.sec).status_code == 204
    assert error(room.api("DELETE", f"/meetings/{room.meeting}/proxies/{pid}", token=room.sec)) == (
        409,
        "invalid_state",
    )
    assert room.api("DELETE", f"/meetings/{room.meeting}/proxies/999", token=room.sec).status_code == 404
    assert room.proxy("Oostdorp", "Zuidstad").status_code == 201
    items = room.proxies()
    assert [(p["to_city_id"], p["revoked"]) for p in items] == [
        (room.city["Noordstad"], True),
        (room.city["Zuidstad"], False),
    ]
    with room.app.app_context():
        from governance import audit

        actions = db.session.scalars(
            sa.select(audit.AuditEntry.action)
            .where(audit.AuditEntry.action.like("proxy.%"))
            .order_by(audit.AuditEntry.id)
        ).all()
        assert actions == ["proxy.recorded", "proxy.revoked", "proxy.recorded"]
        assert audit.verify().ok


def test_a_signed_mandate_is_kept_with_the_proxy(room):
    data = {
        "from_city_id": str(room.city["Oostdorp"]),
        "to_city_id": str(room.city["Noordstad"]),
        "mandate": (io.BytesIO(pdf_bytes()), "volmacht.pdf"),
    }
    r = room.api(
        "POST", f"/meetings/{room.meeting}/proxies", token=room.sec, data=data, content_type="multipart/form-data"
    )
    assert r.status_code == 201, r.get_json()
    assert len(r.get_json()["mandate_sha256"]) == 64
    got = room.api("GET", f"/meetings/{room.meeting}/proxies/{r.get_json()['id']}/mandate.pdf", token=room.sec)
    assert got.status_code == 200 and got.data.startswith(b"%PDF-")


def test_a_mandate_that_is_not_a_pdf_is_refused_and_nothing_stored(room):
    data = {
        "from_city_id": str(room.city["Oostdorp"]),
        "to_city_id": str(room.city["Noordstad"]),
        "mandate": (io.BytesIO(b"not a pdf"), "volmacht.pdf"),
    }
    r = room.api(
        "POST", f"/meetings/{room.meeting}/proxies", token=room.sec, data=data, content_type="multipart/form-data"
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["mandate"] == ["Only PDF files can be uploaded; this file is not a PDF."]
    assert room.proxies() == []


# -- votes: on behalf, in the room ---------------------------------------------------------------------------


def test_the_meeting_walk_casts_online_by_proxy_and_in_the_room(room):
    room.present("Noordstad", "Zuidstad")
    assert room.proxy("Oostdorp", "Noordstad").status_code == 201
    poll = room.poll()
    assert room.vote(poll, "Noordstad").status_code == 201
    assert room.vote(poll, "Noordstad", on_behalf_of=room.city["Oostdorp"]).status_code == 201
    r = room.vote(poll, "Oostdorp", "no")
    assert error(r) == (403, "not_eligible")
    assert r.get_json()["error"]["message"] == (
        "Oostdorp gave its proxy to Noordstad for this meeting: Noordstad casts its vote."
    )
    r = room.api(
        "POST", f"/polls/{poll}/votes", {"choice": "no", "city_id": room.city["Zuidstad"], "in_room": True}, room.chair
    )
    assert r.status_code == 201 and r.get_json()["receipt"]
    assert error(room.vote(poll, "Zuidstad")) == (409, "already_voted")
    result = room.api("POST", f"/polls/{poll}/close", token=room.chair).get_json()["result"]
    casts = {v["city_id"]: v["cast"] for v in result["votes"]}
    assert casts == {room.city["Noordstad"]: "online", room.city["Oostdorp"]: "proxy", room.city["Zuidstad"]: "in_room"}
    assert result["not_voted"] == [room.city["Weststad"]]
    assert result["effects"] == {"admitted": [], "renamed": None}
    assert (result["yes"], result["no"], result["outcome"]) == (2, 1, "adopted")
    entered = {v["city_id"]: v.get("entered_by") for v in result["votes"]}
    with room.app.app_context():
        from governance import audit
        from governance.accounts.models import User

        chair = db.session.scalars(sa.select(User).where(User.name == "Voorzitter")).one()
        assert entered == {room.city["Noordstad"]: None, room.city["Oostdorp"]: None, room.city["Zuidstad"]: chair.id}
        assert audit.verify().ok


@pytest.mark.parametrize(
    ("who", "body", "status", "code", "message"),
    [
        ("Weststad", {"on_behalf_of": "Oostdorp"}, 403, "not_eligible", "Weststad holds no proxy of Oostdorp"),
        ("Zuidstad", {"on_behalf_of": "Oostdorp"}, 403, "not_eligible", "Zuidstad holds no proxy of Oostdorp"),
        ("Noordstad", {"on_behalf_of": "Buitenstad"}, 403, "not_eligible", "Noordstad holds no proxy of Buitenstad"),
        ("Noordstad", {"on_behalf_of": "x"}, 422, "invalid", "Must be the number of a city."),
        ("Oostdorp", {}, 403, "not_eligible", "Oostdorp gave its proxy to Noordstad"),
        ("chair", {"city_id": "Weststad", "in_room": True}, 201, None, None),
        ("Noordstad", {"on_behalf_of": "Oostdorp"}, 201, None, None),
        ("Noordstad", {"city_id": "Weststad", "in_room": True}, 403, "forbidden", "Only the chair"),
        ("chair", {"city_id": "Oostdorp", "in_room": True}, 403, "not_eligible", "Oostdorp gave its proxy"),
        ("chair", {"city_id": "Buitenstad", "in_room": True}, 403, "not_eligible", "Buitenstad is not among"),
        ("chair", {"in_room": True}, 422, "invalid", "Name the city whose hand is recorded."),
        ("chair", {"city_id": "Weststad", "in_room": "yes"}, 422, "invalid", "Must be true or false."),
        ("chair", {"city_id": "Noordstad", "in_room": True}, 409, "already_voted", "Noordstad has already voted"),
        ("sec", {"city_id": "Noordstad", "in_room": True}, 409, "already_voted", "Noordstad has already voted"),
    ],
)
def test_who_may_cast_for_which_city(room, who, body, status, code, message):
    room.present("Noordstad", "Zuidstad")
    room.proxy("Oostdorp", "Noordstad")
    poll = room.poll()
    assert room.vote(poll, "Noordstad").status_code == 201
    data = {k: room.city.get(v, v) if k in ("on_behalf_of", "city_id") else v for k, v in body.items()}
    token = {"chair": room.chair, "sec": room.sec}.get(who) or room.token[who]
    r = room.api("POST", f"/polls/{poll}/votes", {"choice": "no", **data}, token)
    assert r.status_code == status, r.get_json()
    cast = room.api("GET", f"/polls/{poll}", token=room.chair).get_json()["cast_count"]
    if code:
        assert r.get_json()["error"]["code"] == code
        assert r.get_json()["error"]["message"].startswith(message)
        assert cast == 1
    else:
        assert cast == 2


def test_a_secret_poll_takes_no_hands_in_the_room(room):
    room.present("Noordstad", "Zuidstad", "Oostdorp")
    poll = room.poll(secret=True)
    r = room.api(
        "POST", f"/polls/{poll}/votes", {"choice": "no", "city_id": room.city["Zuidstad"], "in_room": True}, room.chair
    )
    assert error(r) == (409, "invalid_state")
    assert room.api("GET", f"/polls/{poll}", token=room.chair).get_json()["cast_count"] == 0
    assert room.vote(poll, "Zuidstad").status_code == 201


def test_a_draft_poll_refuses_every_kind_of_vote_first(room):
    poll = room.poll(open_it=False)
    r = room.api(
        "POST", f"/polls/{poll}/votes", {"choice": "no", "city_id": room.city["Zuidstad"], "in_room": True}, room.chair
    )
    assert error(r) == (409, "poll_not_open")


def test_an_open_poll_keeps_the_proxies_it_froze(room):
    room.present("Noordstad", "Zuidstad")
    pid = room.proxy("Oostdorp", "Noordstad").get_json()["id"]
    poll = room.poll()
    assert room.api("DELETE", f"/meetings/{room.meeting}/proxies/{pid}", token=room.sec).status_code == 204
    assert room.proxy("Weststad", "Zuidstad").status_code == 201
    # The revoked proxy still holds in the poll that froze it; the new one does not.
    assert error(room.vote(poll, "Oostdorp")) == (403, "not_eligible")
    assert room.vote(poll, "Noordstad", on_behalf_of=room.city["Oostdorp"]).status_code == 201
    assert error(room.vote(poll, "Zuidstad", on_behalf_of=room.city["Weststad"])) == (403, "not_eligible")
    assert room.vote(poll, "Weststad").status_code == 201
    # The next poll freezes the proxies as they are now.
    room.api("POST", f"/polls/{poll}/close", token=room.chair)
    second = room.poll()
    assert room.vote(second, "Oostdorp").status_code == 201
    assert room.vote(second, "Zuidstad", on_behalf_of=room.city["Weststad"]).status_code == 201


# -- effects of the result ------------------------------------------------------------------------------------


@pytest.fixture
def app_config():
    return {"NETWORK_RENAME_AT": 5, "NETWORK_RENAME_TO": "G5"}


def test_an_admission_result_states_who_was_admitted_from_when_and_the_rename(room):
    r = room.api(
        "POST",
        "/applications",
        {"city_id": room.city["Buitenstad"], "received_on": "2017-09-01", "effective_on": "2018-01-01"},
        room.sec,
    )
    application = r.get_json()["id"]
    r = room.api("POST", "/polls", {"application_id": application, "meeting_id": room.meeting}, room.chair)
    poll = r.get_json()["id"]
    room.present("Noordstad", "Zuidstad", "Oostdorp")
    assert room.api("POST", f"/polls/{poll}/open", token=room.chair).status_code == 200
    for name in ("Noordstad", "Zuidstad", "Oostdorp"):
        assert room.vote(poll, name).status_code == 201
    result = room.api("POST", f"/polls/{poll}/close", token=room.chair).get_json()["result"]
    assert result["effects"] == {
        "admitted": [{"city_id": room.city["Buitenstad"], "from": "2018-01-01"}],
        "renamed": {"from": "G32", "to": "G5", "valid_from": "2018-01-01"},
    }
    assert result["not_voted"] == [room.city["Weststad"]]
    with room.app.test_request_context(headers={"Accept-Language": "nl"}):
        from governance.meetings import room as room_services

        assert room_services.effects_sentences(result["effects"]) == [
            "Buitenstad is lid per 1 januari 2018; het netwerk heet vanaf die dag G5."
        ]


def test_a_re_vote_stays_at_the_meeting(room):
    room.present("Noordstad", "Zuidstad", "Oostdorp")
    poll = room.poll()
    room.vote(poll, "Noordstad", "yes")
    room.vote(poll, "Zuidstad", "no")
    room.vote(poll, "Oostdorp", "abstain")
    result = room.api("POST", f"/polls/{poll}/close", token=room.chair).get_json()["result"]
    assert result["reason"] == "tie"
    r = room.api("POST", "/polls", {"title": "Motie: begroting (herstemming)", "previous_poll_id": poll}, room.chair)
    assert r.status_code == 201 and r.get_json()["meeting_id"] == room.meeting


def test_presence_counts_the_members_on_the_meetings_date(room):
    """Presence is of the members on the meeting's date, not of today's."""
    with room.app.app_context():
        from governance.meetings.room import get_meeting, presence

        meeting = get_meeting(room.meeting)
        assert meeting.date == clock.today()
        assert presence(meeting).members == 4
        meeting.date = dt.date(1999, 1, 1)
        assert presence(meeting).members == 0
        db.session.rollback()


def test_the_signed_record_holds_the_meeting_presence_and_proxies_as_frozen_and_how_each_vote_was_cast(room):
    room.present("Noordstad", "Zuidstad")
    assert room.proxy("Oostdorp", "Noordstad").status_code == 201
    poll = room.poll()
    room.present("Weststad")  # after the open: not in what the poll froze
    room.vote(poll, "Noordstad")
    room.vote(poll, "Noordstad", "no", on_behalf_of=room.city["Oostdorp"])
    room.api(
        "POST", f"/polls/{poll}/votes", {"choice": "yes", "city_id": room.city["Zuidstad"], "in_room": True}, room.chair
    )
    room.api("POST", f"/polls/{poll}/close", token=room.chair)
    r = room.api("GET", f"/polls/{poll}/record", token=room.sec)
    assert r.status_code == 200
    record = r.get_json()["record"]
    assert record["meeting"]["id"] == room.meeting and record["meeting"]["chair"] == "Voorzitter"
    c = room.city
    assert record["presence"]["present"] == sorted([c["Noordstad"], c["Zuidstad"]])
    assert record["presence"]["represented"] == [c["Oostdorp"]]
    assert [(p["from_city_id"], p["to_city_id"]) for p in record["presence"]["proxies"]] == [
        (c["Oostdorp"], c["Noordstad"])
    ]
    assert [(p["from_city"], p["to_city"]) for p in record["proxies"]] == [("Oostdorp", "Noordstad")]
    assert {v["city_id"]: v["cast"] for v in record["votes"]} == {
        c["Noordstad"]: "online",
        c["Oostdorp"]: "proxy",
        c["Zuidstad"]: "in_room",
    }
    assert record["not_voted"] == [c["Weststad"]]
    assert [v.get("entered_by") for v in record["votes"] if v["cast"] == "in_room"] == ["Voorzitter"]


def test_the_room_answers_as_the_openapi_document_says(room):
    from tests.test_openapi import validator_for

    document = room.api("GET", "/openapi.json").get_json()
    check = {name: validator_for(document, name) for name in ("Presence", "CityPresence", "Proxy", "Poll", "Error")}
    room.present("Noordstad", "Zuidstad")
    check["CityPresence"].validate(
        room.api("GET", f"/meetings/{room.meeting}/presence/{room.city['Noordstad']}", token=room.chair).get_json()
    )
    check["Proxy"].validate(room.proxy("Oostdorp", "Noordstad").get_json())
    check["Error"].validate(room.proxy("Oostdorp", "Noordstad").get_json())
    for proxy in room.proxies():
        check["Proxy"].validate(proxy)
    check["Presence"].validate(room.presence())
    poll = room.poll()
    room.vote(poll, "Noordstad", on_behalf_of=room.city["Oostdorp"])
    room.api(
        "POST", f"/polls/{poll}/votes", {"choice": "no", "city_id": room.city["Zuidstad"], "in_room": True}, room.chair
    )
    closed = room.api("POST", f"/polls/{poll}/close", token=room.chair).get_json()
    check["Poll"].validate(closed)
    assert {v["cast"] for v in closed["result"]["votes"]} == {"proxy", "in_room"}
