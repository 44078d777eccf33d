"""An application's assessment: a check still to be made is pending, and a decided one keeps what it was at open."""

import sqlalchemy as sa

from governance import clock
from governance.admissions.models import Application
from governance.extensions import db
from tests.conftest import PASSWORD
from tests.test_voting_flow import lelystad, run_admission  # noqa: F401 -- the fixture is used by name


def page(app, email, path, language="nl"):
    client = app.test_client()
    client.set_cookie("lang", language)
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client.get(path).get_data(as_text=True)


def criteria(body):
    return {c["code"]: c["passed"] for c in body["assessment"]["criteria"]}


def test_without_advice_the_advice_is_pending_and_the_application_eligible(app, api, lelystad):  # noqa: F811
    body = api("GET", f"/applications/{lelystad['assen']['id']}", token=lelystad["sec"]).get_json()
    assert criteria(body) == {"not_member": True, "min_population": True, "cap": True, "daily_board_advice": None}
    assert body["assessment"]["eligible"] is True and "assessed_on" not in body["assessment"]
    html = page(app, "secretariaat@g32.example", f"/applications/{lelystad['assen']['id']}")
    assert "nog te beoordelen" in html and "niet voldaan" not in html
    assert "Voldoet (nog) niet" not in html and "Voldoet niet" not in html


def test_negative_advice_fails_the_criterion(app, api, lelystad):  # noqa: F811
    url = f"/applications/{lelystad['assen']['id']}/advice"
    body = api("POST", url, {"advice": "negative", "text": "Geen regionale functie."}, lelystad["daily"]).get_json()
    assert criteria(body)["daily_board_advice"] is False and body["assessment"]["eligible"] is False
    html = page(app, "secretariaat@g32.example", f"/applications/{lelystad['assen']['id']}")
    assert "niet voldaan" in html and "Voldoet niet aan alle criteria." in html


def test_a_decided_application_shows_the_assessment_frozen_when_its_poll_opened(app, api, lelystad):  # noqa: F811
    assen = lelystad["assen"]
    api(
        "POST",
        f"/applications/{assen['id']}/advice",
        {"advice": "positive", "text": "Centrumfunctie."},
        lelystad["daily"],
    )
    opened_on = None
    with app.app_context():
        opened_on = clock.today()
    run_admission(api, lelystad, assen, ["yes"] * 38)
    with app.app_context():
        stored = db.session.scalar(sa.select(Application.assessment_json).where(Application.id == assen["id"]))
    assert stored and '"is_member": false' in stored
    body = api("GET", f"/applications/{assen['id']}", token=lelystad["sec"]).get_json()
    assert body["status"] == "admitted"
    # Assen is a member by now (from 1 January 2018), yet the assessment is the one the board voted on.
    assert criteria(body) == {"not_member": True, "min_population": True, "cap": True, "daily_board_advice": True}
    assert body["assessment"]["eligible"] is True and body["assessment"]["assessed_on"] == opened_on.isoformat()
    html = page(app, "secretariaat@g32.example", f"/applications/{assen['id']}")
    assert "Assen is al lid" not in html and "niet voldaan" not in html
    assert 'id="assessed-on"' in html and "toen de stemming openging" in html
    english = page(app, "secretariaat@g32.example", f"/applications/{assen['id']}", language="en")
    assert "Assen is not a member yet." in english


def test_a_rejected_application_keeps_its_assessment_too(app, api, lelystad):  # noqa: F811
    hilversum = lelystad["hilversum"]
    run_admission(api, lelystad, hilversum, ["no"] * 38)
    body = api("GET", f"/applications/{hilversum['id']}", token=lelystad["sec"]).get_json()
    assert body["status"] == "rejected" and "assessed_on" in body["assessment"]
    # At the open the advice had not been given: it stays pending in what the board voted on.
    assert criteria(body)["daily_board_advice"] is None and criteria(body)["cap"] is True
