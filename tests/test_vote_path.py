"""The vote's hot path: the light user of the one-statement token lookup, and the chain sealed in batches."""

import pytest
import sqlalchemy as sa

from governance.accounts.auth import TokenUser, user_for_token
from governance.audit import AuditEntry
from governance.extensions import db
from tests.test_ledger import VOTERS, close, is_postgres, open_poll, sql, verify, vote_all


@pytest.fixture
def board(app, people):
    """VOTERS member cities with a board member each, and a chair (as in test_ledger)."""
    cities = [people.city(name=f"Stad {chr(65 + i)}", code=f"GM{8100 + i}") for i in range(VOTERS)]
    _, chair = people.user("chair")
    voters = [people.token(people.user("board", city_id=c)[1]) for c in cities]
    return {"cities": cities, "chair": people.token(chair), "voters": voters}


@pytest.fixture
def voter(app, people):
    """A board member of a member city, with a token; an open poll it may vote in."""
    city = people.city(name="Stad Licht", code="GM8190")
    user_id, email = people.user("board", city_id=city)
    _, chair = people.user("chair")
    return {"user_id": user_id, "email": email, "token": people.token(email), "chair": people.token(chair)}


def test_the_light_user_carries_what_the_vote_needs_and_loads_the_rest(app, voter):
    with app.test_request_context():
        user = user_for_token(voter["token"])
        assert isinstance(user, TokenUser)
        assert user.id == voter["user_id"] and user.city_id is not None
        assert user.has_role("board") and not user.has_role("chair", "secretariat")
        assert user.email == voter["email"]  # not in the light object: read from the full account
        assert user.city.name == "Stad Licht"


# What makes a token no longer count: each is a condition of the one lookup.
REFUSED = {
    "revoked token": "UPDATE api_token SET revoked_at = '2017-01-01 00:00:00' WHERE user_id = :u",
    "expired token": "UPDATE api_token SET expires_at = '2017-01-01 00:00:00' WHERE user_id = :u",
    "deactivated account": 'UPDATE "user" SET active = false WHERE id = :u',
}


@pytest.mark.parametrize("change", REFUSED.values(), ids=REFUSED.keys())
def test_a_token_that_no_longer_counts_cannot_vote(app, api, voter, change):
    poll = api("POST", "/polls", {"title": "Motie"}, voter["chair"]).get_json()
    assert api("POST", f"/polls/{poll['id']}/open", token=voter["chair"]).status_code == 200
    sql(app, change, u=voter["user_id"])
    response = api("POST", f"/polls/{poll['id']}/votes", {"choice": "yes"}, voter["token"])
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    with app.test_request_context():
        assert user_for_token(voter["token"]) is None
    assert sql(app, "SELECT COUNT(*) AS n FROM ballot WHERE poll_id = :p", p=poll["id"])[0].n == 0


def test_a_role_taken_away_is_refused_at_once(app, api, voter):
    poll = api("POST", "/polls", {"title": "Motie"}, voter["chair"]).get_json()
    assert api("POST", f"/polls/{poll['id']}/open", token=voter["chair"]).status_code == 200
    sql(app, "DELETE FROM user_role WHERE user_id = :u", u=voter["user_id"])
    response = api("POST", f"/polls/{poll['id']}/votes", {"choice": "yes"}, voter["token"])
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "not_eligible"


@pytest.mark.parametrize("token", ["", "gov_not-a-token", "Bearer"])
def test_an_unknown_token_finds_no_user(app, token):
    with app.test_request_context():
        assert user_for_token(token) is None


# -- the chain sealed every N entries, and by the close --------------------------------------------------


def unsealed_votes(app) -> list:
    return sql(app, "SELECT id, action, data FROM audit_entry WHERE seq IS NULL ORDER BY id")


@pytest.mark.parametrize("app_config", [{"AUDIT_SEAL_EVERY": 1_000_000}])
def test_an_unsealed_tail_of_votes_verifies_until_one_is_tampered_with(app, api, board, runner):
    poll_id = open_poll(api, board)
    vote_all(api, board, poll_id, 5)
    tail = unsealed_votes(app)
    assert [r.action for r in tail] == ["vote.cast"] * 5  # no vote sealed the chain itself
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "5 entries written after the head are not sealed yet" in result.output
    first = tail[0]
    sql(app, "UPDATE audit_entry SET data = :d WHERE id = :i", d=first.data.replace('"yes"', '"no"'), i=first.id)
    broken = verify(runner)
    assert broken.exit_code == 1 and "not yet sealed, was altered" in broken.output
    sql(app, "UPDATE audit_entry SET data = :d WHERE id = :i", d=first.data, i=first.id)
    closed = close(api, board, poll_id)  # the close seals the tail before it counts
    assert closed["result"]["cast"] == 5
    assert unsealed_votes(app) == []
    assert verify(runner).exit_code == 0


@pytest.mark.parametrize("app_config", [{"AUDIT_SEAL_EVERY": 1_000_000}])
def test_a_vote_entry_deleted_from_the_unsealed_tail_is_found(app, api, board, runner):
    poll_id = open_poll(api, board)
    vote_all(api, board, poll_id, 3)
    sql(app, "DELETE FROM audit_entry WHERE id = :i", i=unsealed_votes(app)[-1].id)
    result = verify(runner)
    assert result.exit_code == 1, result.output


@pytest.mark.parametrize("app_config", [{"AUDIT_SEAL_EVERY": 1_000_000}])
def test_an_entry_edited_in_the_unsealed_tail_stays_found_after_the_close_seals_it(app, api, board, runner):
    poll_id = open_poll(api, board)
    vote_all(api, board, poll_id, 2)
    sql(app, "UPDATE audit_entry SET actor_id = 1 WHERE seq IS NULL")
    close(api, board, poll_id)
    result = verify(runner)
    assert result.exit_code == 1
    assert "was altered in the database before it was sealed" in result.output


@pytest.mark.parametrize("app_config", [{"AUDIT_SEAL_EVERY": 3}])
def test_every_nth_entry_seals_the_chain(app, api, board, runner):
    poll_id = open_poll(api, board)
    vote_all(api, board, poll_id, 10)
    # One entry number in three seals what was written before it: never three votes wait unsealed.
    assert len(unsealed_votes(app)) < 3
    with app.app_context():
        sealed_votes = db.session.scalar(
            sa.select(sa.func.count()).where(AuditEntry.action == "vote.cast", AuditEntry.seq.is_not(None))
        )
    assert sealed_votes >= 8
    assert verify(runner).exit_code == 0
    close(api, board, poll_id)
    assert unsealed_votes(app) == [] and verify(runner).exit_code == 0


def test_the_close_counts_and_seals_every_vote_of_a_secret_poll(app, api, board, runner):
    poll_id = open_poll(api, board, secret=True)
    receipts = vote_all(api, board, poll_id)
    result = close(api, board, poll_id)["result"]
    assert result["cast"] == len(receipts) and result["yes"] + result["no"] + result["abstain"] == len(receipts)
    assert unsealed_votes(app) == []
    rows = sql(app, "SELECT id, receipt, mac FROM ballot WHERE poll_id = :p", p=poll_id)
    assert sorted(r.receipt for r in rows) == sorted(receipts)
    assert len({r.id for r in rows}) == len(rows) and all(r.mac for r in rows)
    outcome = verify(runner)
    assert outcome.exit_code == 0, outcome.output
    if is_postgres(app):
        # The ballots were written by COPY inside the close's savepoint: a transaction id of their own.
        ballot_xids = {r.x for r in sql(app, "SELECT xmin::text AS x FROM ballot WHERE poll_id = :p", p=poll_id)}
        assert len(ballot_xids) == 1


def _statements_of_one_vote(app, api, token, poll_id, choice="yes"):
    seen = []

    def note(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement.split(None, 1)[0].upper())

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        response = api("POST", f"/polls/{poll_id}/votes", {"choice": choice}, token)
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return response, seen


def test_a_vote_writes_its_rows_in_one_statement_on_postgresql_and_three_on_sqlite(app, api, board):
    poll_id = open_poll(api, board)
    response, seen = _statements_of_one_vote(app, api, board["voters"][0], poll_id)
    assert response.status_code == 201
    writes = [s for s in seen if s in ("INSERT", "WITH", "UPDATE")]
    # The token lookup and the poll with the city's standing are the two reads; then the rows.
    assert writes == (["WITH"] if is_postgres(app) else ["INSERT", "INSERT", "INSERT"]), seen
    with app.app_context():
        counts = [
            db.session.scalar(sa.text(f"SELECT count(*) FROM {table} WHERE poll_id = :p"), {"p": poll_id})
            for table in ("poll_voter", "ballot")
        ]
    assert counts == [1, 1]


def test_a_second_vote_of_a_city_writes_nothing(app, api, board):
    """The voter row is what settles it; neither ballot nor entry follows a refused one."""
    poll_id = open_poll(api, board)
    first = board["voters"][0]
    assert api("POST", f"/polls/{poll_id}/votes", {"choice": "yes"}, first).status_code == 201
    with app.app_context():
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    again = api("POST", f"/polls/{poll_id}/votes", {"choice": "no"}, first)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_voted"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == entries
        assert db.session.scalar(sa.text("SELECT count(*) FROM ballot WHERE poll_id = :p"), {"p": poll_id}) == 1
