"""The audit chain: every change is sealed; verify finds edits, deletions, truncation and altered ballots."""

import pytest
import sqlalchemy as sa

from governance.audit import AuditEntry, verify
from governance.extensions import db
from governance.voting.models import Ballot


@pytest.fixture
def closed_named_poll(app, people, api):
    cities = [people.city() for _ in range(3)]
    _, sec = people.user("secretariat")
    _, chair = people.user("chair")
    voters = [people.user("board", city_id=c)[1] for c in cities]
    chair_token = people.token(chair)
    poll = api("POST", "/polls", {"title": "Begroting 2018"}, chair_token).get_json()
    api("POST", f"/polls/{poll['id']}/open", token=chair_token)
    for email, choice in zip(voters, ["yes", "yes", "no"], strict=True):
        assert api("POST", f"/polls/{poll['id']}/votes", {"choice": choice}, people.token(email)).status_code == 201
    api("POST", f"/polls/{poll['id']}/close", token=chair_token)
    return poll["id"]


def run_verify(runner):
    return runner.invoke(args=["audit", "verify"])


def test_an_intact_chain_verifies(runner, closed_named_poll, app):
    result = run_verify(runner)
    assert result.exit_code == 0, result.output
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
        actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert f"{count} entries" in result.output
    assert {"city.created", "user.created", "poll.opened", "vote.cast", "poll.closed"} <= actions


def _execute(app, sql, **params):
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.text(sql), params)


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        ("UPDATE audit_entry SET data = REPLACE(data, '\"yes\"', '\"no\"') WHERE action = 'vote.cast'", "altered"),
        ("DELETE FROM audit_entry WHERE id = 3", "entry 3 is missing"),
        ("DELETE FROM audit_entry WHERE id = (SELECT MAX(id) FROM audit_entry)", "truncated"),
        ("UPDATE ballot SET choice = 'no' WHERE choice = 'yes'", "does not match"),
        ("DELETE FROM ballot WHERE choice = 'no'", "is missing from the database"),
        ("UPDATE audit_entry SET actor_id = 999 WHERE id = 2", "entry 2"),
    ],
)
def test_verify_finds_tampering(app, runner, closed_named_poll, tamper, expected):
    if "MAX(id)" in tamper:
        # A chain cut at its tail must not look whole.
        with app.app_context():
            last = db.session.scalar(sa.select(sa.func.max(AuditEntry.id)))
        _execute(app, "DELETE FROM audit_entry WHERE id = :id", id=last)
    else:
        _execute(app, tamper)
    result = run_verify(runner)
    assert result.exit_code == 1
    assert expected in result.output


def test_verify_on_an_empty_log(app):
    with app.app_context():
        result = verify()
    assert result.ok and result.count >= 1  # init of the network is the first entry


def test_ballot_rows_changed_behind_the_apps_back_are_found(app, runner, closed_named_poll):
    with app.app_context():
        ballot = db.session.scalars(sa.select(Ballot).where(Ballot.choice == "no")).first()
        ballot_id = ballot.id
    _execute(app, "UPDATE ballot SET choice = 'yes' WHERE id = :id", id=ballot_id)
    result = run_verify(runner)
    assert result.exit_code == 1 and ballot_id in result.output
