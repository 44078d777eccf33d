"""The meeting room's pages: presence at one tap, proxies, two ballots for a holder, hands in the room, effects."""

import re

import pytest
import sqlalchemy as sa

from governance.extensions import db
from tests.test_meeting_room import Room


@pytest.fixture
def room(app, api, people):
    return Room(app, api, people)


def login(room, client, who):
    """Log in the chair, the secretariat or a city's board member (by city name)."""
    emails = {"chair": "Voorzitter", "sec": "Secretariaat"}
    with room.app.app_context():
        from governance.accounts.models import User

        name = emails.get(who) or f"Bestuurder {who}"
        email = db.session.scalars(sa.select(User.email).where(User.name == name)).one()
    client.post("/logout")
    room.people.login(client, email)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


# -- presence -----------------------------------------------------------------------------------------------


def test_the_presence_page_counts_and_toggles_with_one_tap(room, client):
    login(room, client, "chair")
    page = text_of(client.get(f"/meetings/{room.meeting}/presence"))
    assert "0 van 4 aanwezig of vertegenwoordigd; nodig: 3" in page
    assert page.count('aria-pressed="false"') == 4
    # Without JavaScript: the form posts, the page comes back with the city pressed.
    r = client.post(f"/meetings/{room.meeting}/presence/{room.city['Noordstad']}", data={"present": "1"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"#city-{room.city['Noordstad']}")
    page = text_of(client.get(f"/meetings/{room.meeting}/presence"))
    assert "1 van 4 aanwezig of vertegenwoordigd; nodig: 3" in page
    assert page.count('aria-pressed="true"') == 1
    # With JavaScript: the same form answers JSON.
    r = client.post(
        f"/meetings/{room.meeting}/presence/{room.city['Zuidstad']}",
        data={"present": "1"},
        headers={"Accept": "application/json"},
    )
    assert r.get_json()["present"] is True
    assert r.get_json()["count_text"] == "2 van 4 aanwezig of vertegenwoordigd; nodig: 3"
    r = client.post(
        f"/meetings/{room.meeting}/presence/{room.city['Zuidstad']}",
        data={"present": "0"},
        headers={"Accept": "application/json"},
    )
    assert r.get_json()["present"] is False and r.get_json()["status_text"] == "afwezig"


def test_presence_for_a_non_member_is_refused_on_the_page(room, client):
    login(room, client, "sec")
    r = client.post(
        f"/meetings/{room.meeting}/presence/{room.city['Buitenstad']}",
        data={"present": "1"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 422 and "Buitenstad is op" in r.get_json()["error"]["message"]
    assert room.presence()["present"] == 0


def test_board_members_read_the_presence_page_but_do_not_change_it(room, client):
    """Who is present is no secret in the room (the big screen shows it; the API answers every account)."""
    login(room, client, "Noordstad")
    page = client.get(f"/meetings/{room.meeting}/presence")
    assert page.status_code == 200
    assert "presence-toggle" not in page.get_data(as_text=True)
    assert (
        client.post(f"/meetings/{room.meeting}/presence/{room.city['Noordstad']}", data={"present": "1"}).status_code
        == 403
    )


# -- proxies --------------------------------------------------------------------------------------------------


def test_the_secretariat_records_and_revokes_a_proxy_on_its_page(room, client):
    login(room, client, "sec")
    data = {"from_city_id": room.city["Oostdorp"], "to_city_id": room.city["Noordstad"]}
    r = client.post(f"/meetings/{room.meeting}/proxies", data=data)
    assert r.status_code == 303
    page = text_of(client.get(f"/meetings/{room.meeting}/proxies"))
    assert "Vastgelegd: Noordstad brengt bij deze vergadering de stem uit van Oostdorp." in page
    assert "Volmacht van Oostdorp intrekken" in page
    r = client.post(f"/meetings/{room.meeting}/proxies", data={**data, "to_city_id": room.city["Zuidstad"]})
    assert r.status_code == 409
    assert "Oostdorp heeft al een volmacht gegeven aan Noordstad; trek die eerst in." in text_of(r)
    assert len(room.proxies()) == 1
    pid = room.proxies()[0]["id"]
    assert client.post(f"/meetings/{room.meeting}/proxies/{pid}/revoke").status_code == 303
    page = text_of(client.get(f"/meetings/{room.meeting}/proxies"))
    assert "De volmacht van Oostdorp is ingetrokken." in page and "ingetrokken" in page
    assert room.proxies()[0]["revoked"] is True


def test_the_chair_sees_proxies_but_does_not_record_them(room, client):
    login(room, client, "chair")
    page = text_of(client.get(f"/meetings/{room.meeting}/proxies"))
    assert "Volmacht vastleggen" not in page
    data = {"from_city_id": room.city["Oostdorp"], "to_city_id": room.city["Noordstad"]}
    assert client.post(f"/meetings/{room.meeting}/proxies", data=data).status_code == 403


# -- ballots ----------------------------------------------------------------------------------------------------


@pytest.fixture
def open_poll(room):
    room.present("Noordstad", "Zuidstad")
    assert room.proxy("Oostdorp", "Noordstad").status_code == 201
    return room.poll()


def test_the_holder_sees_two_ballots_each_named(room, client, open_poll):
    login(room, client, "Noordstad")
    page = text_of(client.get(f"/polls/{open_poll}"))
    assert "De stem van Noordstad" in page and "De stem van Oostdorp" in page
    assert page.count('role="group"') == 2
    assert f'name="on_behalf_of" value="{room.city["Oostdorp"]}"' in page
    assert f'aria-labelledby="ballot-heading-{room.city["Oostdorp"]}"' in page
    assert 'Voor<span class="visually-hidden">: Motie: begroting (Oostdorp)</span>' in page


def test_the_delegating_city_sees_its_vote_is_held(room, client, open_poll):
    login(room, client, "Oostdorp")
    page = text_of(client.get(f"/polls/{open_poll}"))
    assert "Oostdorp heeft voor deze vergadering een volmacht gegeven aan Noordstad" in page
    assert 'class="choices"' not in page
    r = client.post(f"/polls/{open_poll}/vote", data={"choice": "yes", "confirmed": "1"})
    assert r.status_code == 303
    assert room.api("GET", f"/polls/{open_poll}", token=room.chair).get_json()["cast_count"] == 0


def test_a_vote_by_proxy_through_the_pages_then_a_reload_still_shows_it(room, client, open_poll):
    login(room, client, "Noordstad")
    confirm = text_of(
        client.post(f"/polls/{open_poll}/vote", data={"choice": "no", "on_behalf_of": room.city["Oostdorp"]})
    )
    assert "Oostdorp stemt: Tegen" in confirm
    r = client.post(
        f"/polls/{open_poll}/vote", data={"choice": "no", "on_behalf_of": room.city["Oostdorp"], "confirmed": "1"}
    )
    assert r.status_code == 303
    first = text_of(client.get(f"/polls/{open_poll}"))
    receipt = re.search(r'class="receipt">([A-Z2-9]{5}-[A-Z2-9]{5})<', first).group(1)
    # The live region is empty at load and carries the sentence for the script to announce, once.
    live = re.search(
        r'<div id="receipt-announcement" class="visually-hidden" role="status" data-text="([^"]*)">', first
    )
    assert live and receipt in live.group(1) and "</div>" == first[live.end() : live.end() + 6]
    again = text_of(client.get(f"/polls/{open_poll}"))
    assert "receipt-announcement" not in again
    assert "Oostdorp heeft gestemd." in again and "Gestemd: Tegen." in again and receipt in again
    # Its own ballot is still to fill in.
    assert 'class="choices"' in again and "on_behalf_of" not in again


def test_a_colleague_sees_the_vote_but_not_the_receipt(room, client, people, open_poll):
    assert room.vote(open_poll, "Zuidstad", "abstain").status_code == 201
    people.user("board", city_id=room.city["Zuidstad"], email="wethouder@zuidstad.test", name="Wethouder Zuidstad")
    client.post("/logout")
    people.login(client, "wethouder@zuidstad.test")
    page = text_of(client.get(f"/polls/{open_poll}"))
    assert "Uw stad heeft gestemd." in page and "Gestemd: Onthouding." in page
    assert 'class="receipt"' not in page


# -- the chair: hands in the room ---------------------------------------------------------------------------------


def test_the_chair_records_a_hand_for_a_city_that_has_not_voted(room, client, open_poll):
    assert room.vote(open_poll, "Noordstad").status_code == 201
    login(room, client, "chair")
    page = text_of(client.get(f"/polls/{open_poll}"))
    assert "Handopsteking in de zaal vastleggen" in page
    hands = page[page.index('id="hands"') :]
    assert "Zuidstad" in hands and "Weststad" in hands
    assert "Oostdorp" not in hands.split("</table>")[0]  # its holder casts its vote
    r = client.post(f"/polls/{open_poll}/hand", data={"city_id": room.city["Zuidstad"], "choice": "no"})
    assert r.status_code == 303
    page = text_of(client.get(f"/polls/{open_poll}"))
    assert "Vastgelegd: Zuidstad stemt Tegen (handopsteking in de zaal)." in page
    r = client.post(f"/polls/{open_poll}/hand", data={"city_id": room.city["Noordstad"], "choice": "no"})
    page = text_of(client.get(f"/polls/{open_poll}"))
    assert "Noordstad heeft in deze stemming al gestemd" in page
    assert room.api("GET", f"/polls/{open_poll}", token=room.chair).get_json()["cast_count"] == 2


def test_no_hands_in_a_secret_poll(room, client):
    room.present("Noordstad", "Zuidstad", "Oostdorp")
    poll = room.poll(secret=True)
    login(room, client, "chair")
    assert "Handopsteking in de zaal vastleggen" not in text_of(client.get(f"/polls/{poll}"))
    client.post(f"/polls/{poll}/hand", data={"city_id": room.city["Zuidstad"], "choice": "no"})
    assert "Een geheime stemming kent geen handopsteking" in text_of(client.get(f"/polls/{poll}"))
    assert room.api("GET", f"/polls/{poll}", token=room.chair).get_json()["cast_count"] == 0


# -- the result ----------------------------------------------------------------------------------------------------


def test_the_result_says_how_each_vote_was_cast_who_did_not_vote_and_offers_a_re_vote_after_a_tie(
    room, client, open_poll
):
    room.vote(open_poll, "Noordstad", "yes")
    room.vote(open_poll, "Noordstad", "no", on_behalf_of=room.city["Oostdorp"])
    room.vote(open_poll, "Zuidstad", "abstain")
    room.api("POST", f"/polls/{open_poll}/close", token=room.chair)
    login(room, client, "chair")
    page = text_of(client.get(f"/polls/{open_poll}"))
    assert "Niet aangenomen: de stemmen staken." in page
    assert "bij volmacht" in page and "online" in page
    assert "Niet gestemd (1 stad): Weststad." in page
    assert "Herstemming voorbereiden" in page
    r = client.post(f"/polls/{open_poll}/revote")
    assert r.status_code == 303
    new = room.api("GET", "/polls", token=room.chair).get_json()["items"][0]
    assert (new["previous_poll_id"], new["meeting_id"], new["state"]) == (open_poll, room.meeting, "draft")
    assert "Herstemming voorbereiden" not in text_of(client.get(f"/polls/{open_poll}"))


def test_an_adopted_motion_offers_no_re_vote(room, client, open_poll):
    room.vote(open_poll, "Noordstad", "yes")
    room.vote(open_poll, "Zuidstad", "yes")
    room.vote(open_poll, "Noordstad", "yes", on_behalf_of=room.city["Oostdorp"])
    room.api("POST", f"/polls/{open_poll}/close", token=room.chair)
    login(room, client, "chair")
    assert "Herstemming voorbereiden" not in text_of(client.get(f"/polls/{open_poll}"))
    assert client.post(f"/polls/{open_poll}/revote").status_code == 409


def test_the_chair_prepares_a_motion_for_todays_meeting(room, client):
    login(room, client, "chair")
    page = text_of(client.get("/polls"))
    assert f'<option selected value="{room.meeting}">' in page or f'<option value="{room.meeting}" selected' in page
    r = client.post(
        "/polls/new", data={"title": "Motie: jaarverslag", "majority": "simple", "meeting_id": str(room.meeting)}
    )
    assert r.status_code == 302 or r.status_code == 303
    poll = room.api("GET", "/polls", token=room.chair).get_json()["items"][0]
    assert (poll["title"], poll["meeting_id"]) == ("Motie: jaarverslag", room.meeting)
    r = client.post(f"/polls/{poll['id']}/open")
    page = text_of(client.get(f"/polls/{poll['id']}"))
    assert "0 van de 4 lidsteden zijn aanwezig of vertegenwoordigd" in page


@pytest.fixture
def app_config():
    return {"NETWORK_RENAME_AT": 5, "NETWORK_RENAME_TO": "G5"}


def test_an_admission_result_page_states_its_effects(room, client):
    r = room.api(
        "POST",
        "/applications",
        {"city_id": room.city["Buitenstad"], "received_on": "2017-09-01", "effective_on": "2018-01-01"},
        room.sec,
    )
    poll = room.api("POST", "/polls", {"application_id": r.get_json()["id"], "meeting_id": room.meeting}, room.chair)
    poll = poll.get_json()["id"]
    room.present("Noordstad", "Zuidstad", "Oostdorp")
    room.api("POST", f"/polls/{poll}/open", token=room.chair)
    for name in ("Noordstad", "Zuidstad", "Oostdorp", "Weststad"):
        room.vote(poll, name)
    room.api("POST", f"/polls/{poll}/close", token=room.chair)
    login(room, client, "Noordstad")
    page = text_of(client.get(f"/polls/{poll}"))
    assert "Buitenstad is lid per 1 januari 2018; het netwerk heet vanaf die dag G5." in page
    assert "Alle stemgerechtigde steden hebben gestemd." in page
    assert "Herstemming voorbereiden" not in page
