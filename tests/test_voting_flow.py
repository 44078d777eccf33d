"""The admission vote through the API: the Lelystad meeting, errors, seats, renaming, secrecy."""

import datetime as dt

import pytest
import sqlalchemy as sa

from governance.extensions import db
from governance.voting.models import Ballot, PollVoter


def tokens_for(people, emails):
    return {email: people.token(email) for email in emails}


@pytest.fixture
def lelystad(app, demo, people, api):
    """The 2017 network with tokens for the secretariat, the chair and every board member."""
    emails = [e for e in demo if e.startswith("bestuur.")]
    t = tokens_for(people, ["secretariaat@g32.example", "voorzitter@g32.example", "db@g32.example", *emails])
    apps = api("GET", "/applications?status=received", token=t["secretariaat@g32.example"]).get_json()["items"]
    by_city = {a["city"]: a for a in apps}
    return {
        "tokens": t,
        "board": emails,
        "sec": t["secretariaat@g32.example"],
        "chair": t["voorzitter@g32.example"],
        "daily": t["db@g32.example"],
        "assen": by_city["Assen"],
        "hilversum": by_city["Hilversum"],
    }


def run_admission(api, meeting, application, choices):
    poll = api("POST", "/polls", {"application_id": application["id"]}, meeting["chair"]).get_json()
    assert api("POST", f"/polls/{poll['id']}/open", token=meeting["chair"]).status_code == 200
    receipts = {}
    for email, choice in zip(meeting["board"], choices, strict=False):
        r = api("POST", f"/polls/{poll['id']}/votes", {"choice": choice}, meeting["tokens"][email])
        assert r.status_code == 201, r.get_json()
        receipts[email] = r.get_json()["receipt"]
    closed = api("POST", f"/polls/{poll['id']}/close", token=meeting["chair"]).get_json()
    return poll["id"], closed, receipts


def test_lelystad_admits_assen_and_hilversum_and_the_g32_becomes_the_g40(api, lelystad):
    meeting = lelystad
    choices = ["yes"] * 30 + ["no"] * 5 + ["abstain"] * 3
    _, assen, receipts = run_admission(api, meeting, meeting["assen"], choices)
    assert assen["result"]["outcome"] == "adopted"
    assert (assen["result"]["yes"], assen["result"]["no"], assen["result"]["abstain"]) == (30, 5, 3)
    assert assen["result"]["eligible"] == 38 and assen["result"]["quorum_met"] is True
    # Named vote: each city's choice and receipt are in the result.
    published = {v["receipt"] for v in assen["result"]["votes"]}
    assert published == set(receipts.values())
    _, hilversum, _ = run_admission(api, meeting, meeting["hilversum"], ["yes"] * 38)
    assert hilversum["result"]["outcome"] == "adopted"
    # Eligibility is frozen when a poll opens: Assen's membership (from 2018-01-01) has begun by
    # today, so Assen votes on Hilversum when that poll opens after Assen's close.
    assert hilversum["result"]["eligible"] == 39

    before = api("GET", "/network?on=2017-12-31", token=meeting["sec"]).get_json()
    after = api("GET", "/network?on=2018-01-01", token=meeting["sec"]).get_json()
    assert (before["name"], before["member_count"]) == ("G32", 38)
    assert (after["name"], after["member_count"]) == ("G40", 40)
    assert after["total_population"] == 4_791_000 + 67_000 + 89_000
    rename = [n for n in after["names"] if n["name"] == "G40"]
    assert len(rename) == 1 and rename[0]["valid_from"] == "2018-01-01" and rename[0]["poll_id"] is not None
    for application in (meeting["assen"], meeting["hilversum"]):
        got = api("GET", f"/applications/{application['id']}", token=meeting["sec"]).get_json()
        assert got["status"] == "admitted"


def test_seats_fill_and_a_third_admission_cannot_open(api, lelystad, people):
    meeting = lelystad
    # Both applicant polls open: they hold the last two seats.
    polls = []
    for application in (meeting["assen"], meeting["hilversum"]):
        poll = api("POST", "/polls", {"application_id": application["id"]}, meeting["chair"]).get_json()
        assert api("POST", f"/polls/{poll['id']}/open", token=meeting["chair"]).status_code == 200
        polls.append(poll["id"])
    assert api("GET", "/network", token=meeting["sec"]).get_json()["seats_left"] == 0
    extra = api(
        "POST",
        "/cities",
        {
            "name": "Súdwest-Fryslân",
            "cbs_code": "GM1900",
            "province": "Friesland",
            "population": 89_000,
            "population_date": "2017-01-01",
        },
        meeting["sec"],
    ).get_json()
    application = api(
        "POST", "/applications", {"city_id": extra["id"], "received_on": "2017-10-01"}, meeting["sec"]
    ).get_json()
    cap = next(c for c in application["assessment"]["criteria"] if c["code"] == "cap")
    assert cap["passed"] is False and application["assessment"]["eligible"] is False
    poll = api("POST", "/polls", {"application_id": application["id"]}, meeting["chair"]).get_json()
    refused = api("POST", f"/polls/{poll['id']}/open", token=meeting["chair"])
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "cap_reached"
    # A rejected admission frees its seat.
    for email in meeting["board"][:20]:
        api("POST", f"/polls/{polls[0]}/votes", {"choice": "no"}, meeting["tokens"][email])
    api("POST", f"/polls/{polls[0]}/close", token=meeting["chair"])
    assert api("GET", "/network", token=meeting["sec"]).get_json()["seats_left"] == 1
    assert api("POST", f"/polls/{poll['id']}/open", token=meeting["chair"]).status_code == 200


def test_raising_the_cap_needs_a_decision_and_is_recorded(api, lelystad):
    meeting = lelystad
    r = api("PATCH", "/network", {"cap": 41}, meeting["sec"])
    assert r.status_code == 422 and "decision" in r.get_json()["error"]["fields"]
    r = api("PATCH", "/network", {"cap": 37, "decision": "AB 2017-11-30"}, meeting["sec"])
    assert r.status_code == 422 and "cap" in r.get_json()["error"]["fields"]
    r = api("PATCH", "/network", {"cap": 45, "decision": "Besluit AB 30 november 2017, punt 4"}, meeting["sec"])
    assert r.status_code == 200 and r.get_json()["cap"] == 45 and r.get_json()["seats_left"] == 7
    assert api("PATCH", "/network", {"cap": 45, "decision": "x"}, meeting["chair"]).status_code == 403


def test_the_name_does_not_change_again_at_41_or_when_a_city_leaves(api, lelystad, app):
    meeting = lelystad
    run_admission(api, meeting, meeting["assen"], ["yes"] * 38)
    run_admission(api, meeting, meeting["hilversum"], ["yes"] * 38)
    api("PATCH", "/network", {"cap": 41, "decision": "AB 2018"}, meeting["sec"])
    city = api(
        "POST",
        "/cities",
        {
            "name": "Den Helder",
            "cbs_code": "GM0400",
            "province": "Noord-Holland",
            "population": 154_000,
            "population_date": "2017-01-01",
        },
        meeting["sec"],
    ).get_json()
    application = api(
        "POST",
        "/applications",
        {"city_id": city["id"], "received_on": "2017-11-01", "effective_on": "2018-03-01"},
        meeting["sec"],
    ).get_json()
    run_admission(api, meeting, application, ["yes"] * 38)
    net = api("GET", "/network?on=2018-03-01", token=meeting["sec"]).get_json()
    assert (net["name"], net["member_count"]) == ("G40", 41)
    assert [n["name"] for n in net["names"]] == ["G32", "G40"]
    with app.app_context():
        from governance.members.services import end_membership, get_city
        from governance.network.rules import get_network, name_on

        end_membership(None, get_city(city["id"]), dt.date(2019, 1, 1))
        end_membership(None, get_city(meeting["assen"]["city_id"]), dt.date(2019, 1, 1))
        db.session.commit()
        assert name_on(get_network(), dt.date(2019, 6, 1)) == "G40"


def test_no_quorum_is_rejected_with_the_reason(api, lelystad):
    meeting = lelystad
    _, closed, _ = run_admission(api, meeting, meeting["assen"], ["yes"] * 19)
    result = closed["result"]
    assert (result["quorum_met"], result["outcome"], result["reason"]) == (False, "rejected", "quorum_not_met")
    assert (
        api("GET", f"/applications/{meeting['assen']['id']}", token=meeting["sec"]).get_json()["status"] == "rejected"
    )


def test_a_revote_is_a_new_poll_linked_to_the_first(api, lelystad):
    meeting = lelystad
    first, closed, _ = run_admission(api, meeting, meeting["assen"], ["yes"] * 10)
    assert closed["result"]["reason"] == "quorum_not_met"
    again = api(
        "POST", "/polls", {"application_id": meeting["assen"]["id"], "previous_poll_id": first}, meeting["chair"]
    )
    assert again.status_code == 201 and again.get_json()["previous_poll_id"] == first
    assert api("POST", f"/polls/{first}/open", token=meeting["chair"]).get_json()["error"]["code"] == "invalid_state"


def test_choices_stay_hidden_until_close(api, lelystad):
    meeting = lelystad
    poll = api("POST", "/polls", {"title": "Begroting 2018"}, meeting["chair"]).get_json()
    api("POST", f"/polls/{poll['id']}/open", token=meeting["chair"])
    api("POST", f"/polls/{poll['id']}/votes", {"choice": "no"}, meeting["tokens"][meeting["board"][0]])
    seen = api("GET", f"/polls/{poll['id']}", token=meeting["sec"]).get_json()
    assert seen["cast_count"] == 1 and seen["result"] is None
    assert "no" not in str(api("GET", f"/polls/{poll['id']}/turnout", token=meeting["chair"]).get_json())


def test_a_secret_poll_keeps_who_apart_from_what(api, lelystad, app):
    meeting = lelystad
    poll = api("POST", "/polls", {"title": "Geheime stemming", "secret": True}, meeting["chair"]).get_json()
    api("POST", f"/polls/{poll['id']}/open", token=meeting["chair"])
    for email, choice in zip(meeting["board"][:25], ["yes"] * 20 + ["no"] * 5, strict=False):
        assert (
            api("POST", f"/polls/{poll['id']}/votes", {"choice": choice}, meeting["tokens"][email]).status_code == 201
        )
    closed = api("POST", f"/polls/{poll['id']}/close", token=meeting["chair"]).get_json()
    assert closed["result"]["votes"] is None and closed["result"]["yes"] == 20
    with app.app_context():
        ballots = db.session.scalars(sa.select(Ballot).where(Ballot.poll_id == poll["id"])).all()
        voters = db.session.scalars(sa.select(PollVoter).where(PollVoter.poll_id == poll["id"])).all()
        assert len(ballots) == len(voters) == 25
        assert all(b.city_id is None for b in ballots)
        from governance.audit import AuditEntry

        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "vote.cast", AuditEntry.object_id == str(poll["id"]))
        ).all()
        assert entries and all("choice" not in e.payload() and "ballot_id" not in e.payload() for e in entries)


def test_admission_votes_are_named(api, lelystad):
    r = api("POST", "/polls", {"application_id": lelystad["assen"]["id"], "secret": True}, lelystad["chair"])
    assert r.status_code == 422 and "secret" in r.get_json()["error"]["fields"]


def test_withdrawn_application_cannot_be_voted_on(api, lelystad):
    meeting = lelystad
    poll = api("POST", "/polls", {"application_id": meeting["assen"]["id"]}, meeting["chair"]).get_json()
    r = api("POST", f"/applications/{meeting['assen']['id']}/withdraw", token=meeting["sec"])
    assert r.status_code == 200 and r.get_json()["status"] == "withdrawn"
    r = api("POST", f"/polls/{poll['id']}/open", token=meeting["chair"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_state"


def test_daily_board_advice_is_part_of_the_assessment(api, lelystad):
    meeting = lelystad
    url = f"/applications/{meeting['assen']['id']}/advice"
    assert (
        api("POST", url, {"advice": "positive", "text": "Regionale centrumfunctie"}, meeting["sec"]).status_code == 403
    )
    r = api("POST", url, {"advice": "maybe", "text": ""}, meeting["daily"])
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"advice", "text"}
    r = api(
        "POST",
        url,
        {"advice": "positive", "text": "Assen vervult een regionale centrumfunctie voor Drenthe."},
        meeting["daily"],
    )
    body = r.get_json()
    assert body["assessment"]["eligible"] is True
    codes = {c["code"]: c["passed"] for c in body["assessment"]["criteria"]}
    assert codes == {"not_member": True, "min_population": True, "cap": True, "daily_board_advice": True}
