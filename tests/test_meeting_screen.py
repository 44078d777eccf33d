"""The big screen: it follows the meeting's current poll, shows turnout but never how, the outcome after the close,
and opens by a signed, revocable link for one meeting only."""

import datetime as dt

import pytest

from governance.extensions import db
from governance.meetings.agenda import add_agenda_item
from governance.meetings.meeting import create_meeting
from tests.room_setup import build_room, run_vote


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture
def room(app, people):
    return build_room(app, people)


def screen_link(app, meeting_id):
    with app.app_context(), app.test_request_context():
        from governance.meetings import screen
        from governance.meetings.models import Meeting

        return screen.screen_token(db.session.get(Meeting, meeting_id))


def test_chair_sees_the_screen_and_it_follows_turnout_without_showing_choices(app, client, api, people, room):
    people.login(client, room.chair)
    page = client.get(f"/meetings/{room.meeting_id}/screen")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "No vote is open" in html
    assert 'class="menu"' not in html  # no site menu on the projector
    run_vote(api, room, room.poll_id, {room.city_ids[0]: "yes", room.city_ids[1]: "no"}, close=False)
    state = client.get(f"/meetings/{room.meeting_id}/screen/state.json?key=none").get_json()
    assert state["state"] == "open" and state["cast"] == 2 and state["eligible"] == 5
    assert sorted(state["voted"]) == sorted(room.city_ids[:2])
    assert state["turnout_text"] == "2 of 5 cities have voted"
    assert "Quorum: 3 of 5 cities must vote" in state["quorum_text"]
    assert "Goedkeuring begroting 2018" in state["stage"]
    assert "For" not in state["stage"] and "Against" not in state["stage"]  # never how, while open
    again = client.get(f"/meetings/{room.meeting_id}/screen/state.json?key={state['key']}").get_json()
    assert "stage" not in again  # unchanged poll and state: only the figures travel
    assert again["announcement"] == "Vote open: Goedkeuring begroting 2018. 2 of 5 cities have voted."


def test_after_the_close_it_shows_the_outcome_and_the_named_votes(app, client, api, people, room):
    run_vote(api, room, room.poll_id, {c: "yes" for c in room.city_ids[:3]} | {room.city_ids[3]: "abstain"})
    people.login(client, room.secretariat)
    state = client.get(f"/meetings/{room.meeting_id}/screen/state.json").get_json()
    assert state["state"] == "closed"
    assert state["outcome_text"].startswith("Goedkeuring begroting 2018: Adopted: 3 for, 0 against, 1 abstention")
    stage = state["stage"]
    assert "Alkmaar" in stage and "did not vote" in stage  # Breda did not vote
    assert stage.count("choice-yes") == 3 and stage.count("choice-abstain") == 1


def test_admission_effects_are_stated(app, client, api, people):
    from governance.admissions.models import Application

    city_ids = [people.city(name=f"Lid {i}", code=f"GM{9300 + i:04d}") for i in range(3)]
    tokens = [people.token(people.user("board", city_id=c)[1]) for c in city_ids]
    assen = people.city(name="Assen", code="GM0106", member_since=None)
    chair = people.token(people.user("chair")[1])
    with app.app_context():
        from governance.network.rules import get_network

        get_network().rename_at_members, get_network().rename_to = 4, "G4plus"
        application = Application(city_id=assen, received_on=dt.date(2017, 6, 1), effective_on=dt.date(2018, 1, 1))
        db.session.add(application)
        meeting = create_meeting(None, "Algemeen bestuur", dt.date(2017, 11, 30), "Lelystad")
        db.session.flush()
        add_agenda_item(None, meeting, "Lidmaatschap Assen", application_id=application.id)
        db.session.commit()
        meeting_id, application_id = meeting.id, application.id
    poll = api("POST", "/polls", {"application_id": application_id}, chair).json
    assert api("POST", f"/polls/{poll['id']}/open", token=chair).status_code == 200
    for token in tokens:
        assert api("POST", f"/polls/{poll['id']}/votes", {"choice": "yes"}, token).status_code == 201
    assert api("POST", f"/polls/{poll['id']}/close", token=chair).status_code == 200
    with app.app_context():
        from governance.meetings import screen
        from governance.meetings.models import Meeting
        from governance.voting.models import Poll

        with app.test_request_context(headers={"Accept-Language": "nl"}):
            from flask_babel import force_locale

            with force_locale("nl"):
                sentences = screen.effect_sentences(db.session.get(Poll, poll["id"]))
        assert sentences == ["Assen is lid per 1 januari 2018; het netwerk heet vanaf die dag G4plus."]
        assert screen.current_poll(db.session.get(Meeting, meeting_id)).id == poll["id"]


def test_the_screen_link_opens_without_login_for_this_meeting_only(app, client, room):
    token = screen_link(app, room.meeting_id)
    page = client.get(f"/meetings/{room.meeting_id}/screen/s/{token}")
    assert page.status_code == 200 and "No vote is open" in page.get_data(as_text=True)
    assert client.get(f"/meetings/{room.meeting_id}/screen/s/{token}/state.json").status_code == 200
    assert client.get(f"/meetings/{room.meeting_id}/screen").status_code in (302, 303)  # the plain page needs a login


@pytest.mark.parametrize(
    "case, status, sentence",
    [
        ("forged", 403, "This screen link is not valid"),
        ("other_meeting", 403, "This screen link is for another meeting"),
        ("revoked", 403, "This screen link has been revoked"),
        ("expired", 403, "This screen link has expired"),
        ("no_meeting", 404, "There is no such meeting"),
    ],
)
def test_a_bad_screen_link_gets_a_plain_page(app, client, people, room, case, status, sentence):
    token = screen_link(app, room.meeting_id)
    meeting_id = room.meeting_id
    if case == "forged":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    elif case == "other_meeting":
        with app.app_context():
            meeting_id = create_meeting(None, "Andere vergadering", dt.date(2018, 3, 1), "Utrecht").id
            db.session.commit()
    elif case == "revoked":
        people.login(client, room.chair)
        assert client.post(f"/meetings/{room.meeting_id}/screen/revoke").status_code == 303
        client.post("/logout")
    elif case == "expired":
        app.config["CLOCK_NOW"] = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=49)).isoformat()
    elif case == "no_meeting":
        meeting_id = 999_999
    page = client.get(f"/meetings/{meeting_id}/screen/s/{token}")
    assert page.status_code == status
    assert sentence in page.get_data(as_text=True)
    state = client.get(f"/meetings/{meeting_id}/screen/s/{token}/state.json")
    assert state.status_code == status


def test_revoking_issues_a_link_that_works(app, client, people, room):
    people.login(client, room.chair)
    page = client.get(f"/meetings/{room.meeting_id}/screen/link")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"/meetings/{room.meeting_id}/screen/s/" in html
    client.post(f"/meetings/{room.meeting_id}/screen/revoke")
    new_token = screen_link(app, room.meeting_id)
    client.post("/logout")
    assert client.get(f"/meetings/{room.meeting_id}/screen/s/{new_token}").status_code == 200


def test_board_members_cannot_open_the_chair_screen(client, people, room):
    people.login(client, room.board[room.city_ids[0]])
    assert client.get(f"/meetings/{room.meeting_id}/screen").status_code == 403
    assert client.get(f"/meetings/{room.meeting_id}/screen/link").status_code == 403
