"""The ledger: a secret ballot that stays secret after the close, and a verify that vouches for everything."""

import json

import pytest
import sqlalchemy as sa

from governance.audit import AuditEntry
from governance.extensions import db
from governance.voting.models import Ballot

VOTERS = 16


def is_postgres(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def sql(app, statement, **params):
    with app.app_context():
        with db.engine.begin() as connection:
            result = connection.execute(sa.text(statement), params)
            return result.all() if result.returns_rows else result.rowcount


@pytest.fixture
def board(app, people):
    """VOTERS member cities with a board member each, and a chair."""
    cities = [people.city(name=f"Stad {chr(65 + i)}", code=f"GM{8100 + i}") for i in range(VOTERS)]
    _, chair = people.user("chair")
    voters = [people.token(people.user("board", city_id=c)[1]) for c in cities]
    return {"cities": cities, "chair": people.token(chair), "voters": voters}


def open_poll(api, board, **fields):
    body = {"title": "Motie", **fields}
    poll = api("POST", "/polls", body, board["chair"]).get_json()
    assert api("POST", f"/polls/{poll['id']}/open", token=board["chair"]).status_code == 200
    return poll["id"]


def vote_all(api, board, poll_id, count=VOTERS):
    """Every voter in turn; returns the receipts in voting order."""
    receipts = []
    for i, token in enumerate(board["voters"][:count]):
        response = api("POST", f"/polls/{poll_id}/votes", {"choice": ("yes", "no", "abstain")[i % 3]}, token)
        assert response.status_code == 201, response.get_json()
        receipts.append(response.get_json()["receipt"])
    return receipts


def close(api, board, poll_id):
    response = api("POST", f"/polls/{poll_id}/close", token=board["chair"])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def verify(runner, *args):
    return runner.invoke(args=["audit", "verify", *args])


# -- secret means secret, after the close ---------------------------------------------------------------


def orderings(app, poll_id) -> dict[str, list[str]]:
    """The receipts of a poll's ballots in every order the database can give them."""
    physical = "ctid" if is_postgres(app) else "rowid"
    orders = {}
    for column in (physical, "id", "poll_id", "city_id", "choice", "receipt", "mac"):
        rows = sql(app, f"SELECT receipt FROM ballot WHERE poll_id = :p ORDER BY {column}", p=poll_id)
        orders[column] = [r.receipt for r in rows]
    orders["unordered"] = [r.receipt for r in sql(app, "SELECT receipt FROM ballot WHERE poll_id = :p", p=poll_id)]
    return orders


def test_before_the_close_the_row_order_still_follows_the_votes(app, api, board):
    # What the close removes: while the poll is open, the physical order is the voting order.
    poll_id = open_poll(api, board, secret=True)
    receipts = vote_all(api, board, poll_id)
    assert orderings(app, poll_id)["ctid" if is_postgres(app) else "rowid"] == receipts


def test_after_the_close_no_order_of_the_ballots_follows_the_votes(app, api, board):
    poll_id = open_poll(api, board, secret=True)
    receipts = vote_all(api, board, poll_id)
    close(api, board, poll_id)
    for column, order in orderings(app, poll_id).items():
        assert sorted(order) == sorted(receipts), column
        assert order != receipts, f"ordering the ballots by {column} gives the voting order"
        same_place = sum(a == b for a, b in zip(order, receipts, strict=True))
        assert same_place < VOTERS // 2, f"ordering by {column} puts {same_place} ballots in their voting place"
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(Ballot.poll_id == poll_id, Ballot.city_id.is_not(None)))
            == 0
        )


def test_after_the_close_no_ballot_shares_a_transaction_with_a_voter_or_an_entry(app, api, board):
    if not is_postgres(app):
        pytest.skip("transaction ids (xmin) are PostgreSQL's")
    poll_id = open_poll(api, board, secret=True)
    vote_all(api, board, poll_id)
    before = {r.x for r in sql(app, "SELECT xmin::text AS x FROM ballot WHERE poll_id = :p", p=poll_id)}
    voters = {r.x for r in sql(app, "SELECT xmin::text AS x FROM poll_voter WHERE poll_id = :p", p=poll_id)}
    assert before == voters  # the link the close must cut: each ballot was written with its voter row
    close(api, board, poll_id)
    ballots = {r.x for r in sql(app, "SELECT xmin::text AS x FROM ballot WHERE poll_id = :p", p=poll_id)}
    entries = {r.x for r in sql(app, "SELECT xmin::text AS x FROM audit_entry")}
    voters = {r.x for r in sql(app, "SELECT xmin::text AS x FROM poll_voter")}
    assert ballots and not ballots & voters and not ballots & entries


def test_receipts_stay_checkable_after_the_close(app, api, board, runner):
    poll_id = open_poll(api, board, secret=True)
    receipts = vote_all(api, board, poll_id)
    result = close(api, board, poll_id)["result"]
    assert result["votes"] is None and result["cast"] == VOTERS
    record = api("GET", f"/polls/{poll_id}/record", token=board["voters"][0]).get_json()["record"]
    assert set(receipts) == set(record["receipts"])
    outcome = verify(runner)
    assert outcome.exit_code == 0, outcome.output


# -- verify vouches for everything --------------------------------------------------------------------------


@pytest.fixture
def polls(app, api, board):
    """An open named poll, an open secret poll, and a closed named poll, each with some votes."""
    named = open_poll(api, board)
    vote_all(api, board, named, 4)
    secret = open_poll(api, board, secret=True)
    vote_all(api, board, secret, 5)
    closed = open_poll(api, board)
    vote_all(api, board, closed, 9)
    close(api, board, closed)
    return {"named": named, "secret": secret, "closed": closed}


def test_an_untouched_database_verifies(runner, polls):
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "Audit log intact" in result.output


def _edit_result(app, poll_id, **changes):
    (row,) = sql(app, "SELECT result_json FROM poll WHERE id = :p", p=poll_id)
    result = json.loads(row.result_json) | changes
    sql(app, "UPDATE poll SET result_json = :r WHERE id = :p", r=json.dumps(result), p=poll_id)


def _add_secret_ballot(app, poll_id, mac):
    sql(
        app,
        "INSERT INTO ballot (id, poll_id, city_id, choice, receipt, mac) "
        "VALUES (:i, :p, NULL, 'yes', 'AAAAA-BBBBB', :m)",
        i="f" * 32,
        p=poll_id,
        m=mac,
    )


def _first_city(app):
    return sql(app, "SELECT id FROM city ORDER BY id LIMIT 1")[0].id


TAMPERING = {
    "open named ballot deleted": (
        lambda app, p: sql(
            app,
            "DELETE FROM ballot WHERE poll_id = :p AND city_id = (SELECT MIN(city_id) FROM ballot WHERE poll_id = :p)",
            p=p["named"],
        ),
        "the ballot of Stad A in poll {named}",
    ),
    "open named ballot flipped": (
        lambda app, p: sql(app, "UPDATE ballot SET choice = 'no' WHERE poll_id = :p AND choice = 'yes'", p=p["named"]),
        "does not match",
    ),
    "open secret ballot flipped": (
        lambda app, p: sql(
            app,
            "UPDATE ballot SET choice = 'yes' "
            "WHERE id = (SELECT id FROM ballot WHERE poll_id = :p AND choice = 'no' LIMIT 1)",
            p=p["secret"],
        ),
        "a secret ballot of poll {secret}",
    ),
    "open secret ballot added without a seal": (
        lambda app, p: _add_secret_ballot(app, p["secret"], None),
        "a secret ballot of poll {secret}",
    ),
    "open secret ballot added with a copied seal": (
        lambda app, p: _add_secret_ballot(
            app, p["secret"], sql(app, "SELECT mac FROM ballot WHERE poll_id = :p LIMIT 1", p=p["secret"])[0].mac
        ),
        "a secret ballot of poll {secret}",
    ),
    "open secret ballot deleted": (
        lambda app, p: sql(
            app, "DELETE FROM ballot WHERE id = (SELECT id FROM ballot WHERE poll_id = :p LIMIT 1)", p=p["secret"]
        ),
        "poll {secret} has 4 ballots but the audit chain recorded 5 votes",
    ),
    "voter row deleted": (
        lambda app, p: sql(
            app,
            "DELETE FROM poll_voter "
            "WHERE poll_id = :p AND city_id = (SELECT MIN(city_id) FROM poll_voter WHERE poll_id = :p)",
            p=p["secret"],
        ),
        "voter row is gone",
    ),
    "result edited": (
        lambda app, p: _edit_result(app, p["closed"], yes=30),
        "the stored result of poll {closed} says yes = 30",
    ),
    "outcome edited": (
        lambda app, p: _edit_result(app, p["closed"], outcome="adopted"),
        "the stored result of poll {closed} says outcome = 'adopted'",
    ),
    "closed poll reopened": (
        lambda app, p: sql(app, "UPDATE poll SET state = 'open' WHERE id = :p", p=p["closed"]),
        "poll {closed} is stored as open",
    ),
    "membership added": (
        lambda app, p: sql(
            app,
            # A period before its membership: an overlapping one the database itself refuses (0004_membership_overlap).
            "INSERT INTO membership (city_id, joined_on, left_on) SELECT id, '1990-01-01', '1995-01-01' FROM city "
            "WHERE name = 'Stad B'",
        ),
        "Stad B is stored as a member from 1990-01-01 until 1995-01-01",
    ),
    "membership ended": (
        lambda app, p: sql(app, "UPDATE membership SET left_on = '2017-06-01' WHERE city_id = :c", c=_first_city(app)),
        "Stad A is stored as a member from 2000-01-01 until 2017-06-01",
    ),
    "population figure added": (
        lambda app, p: sql(
            app,
            "INSERT INTO population_figure (city_id, population, reference_date, source, recorded_at) "
            "VALUES (:c, 999999, '2018-01-01', 'CBS', '2018-01-01 00:00:00')",
            c=_first_city(app),
        ),
        "the population of Stad A on 2018-01-01 is stored as 999999",
    ),
    "population figure edited": (
        lambda app, p: sql(app, "UPDATE population_figure SET population = 7 WHERE city_id = :c", c=_first_city(app)),
        "the population of Stad A on 2017-01-01 is stored as 7",
    ),
    "cap edited": (lambda app, p: sql(app, "UPDATE network SET cap = 99"), "the network's cap is stored as 99"),
    "network renamed": (
        lambda app, p: sql(app, "UPDATE network_name SET name = 'G99'"),
        "the network's name G99 is stored",
    ),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_verify_names_what_was_changed_behind_the_apps_back(app, runner, polls, case):
    tamper, expected = TAMPERING[case]
    tamper(app, polls)
    result = verify(runner)
    assert result.exit_code == 1, result.output
    assert expected.format(**polls) in result.output


def test_verify_finds_an_application_status_changed(app, runner, people):
    from governance.admissions.services import create_application

    city = people.city(member_since=None)
    with app.app_context():
        import datetime as dt

        application = create_application(None, city, dt.date(2017, 9, 1), None)
        db.session.commit()
        application_id = application.id
    assert verify(runner).exit_code == 0
    sql(app, "UPDATE application SET status = 'admitted' WHERE id = :a", a=application_id)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"application {application_id}" in result.output and "stored as admitted" in result.output


# -- the chain off the vote's path (PostgreSQL) ------------------------------------------------------------


def hold_the_head(app):
    """Another session holding the chain's head, as a sealer busy elsewhere would."""
    from governance.audit import _APPEND_LOCK_KEY

    with app.app_context():
        engine = db.engine
    holder = engine.connect()
    holder.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _APPEND_LOCK_KEY})
    return holder


def release(holder):
    from governance.audit import _APPEND_LOCK_KEY

    holder.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _APPEND_LOCK_KEY})
    holder.close()


def test_a_vote_does_not_wait_for_the_chain_and_verify_accepts_the_unsealed_tail(app, api, board, runner):
    if not is_postgres(app):
        pytest.skip("the head is held by PostgreSQL's advisory lock (the unsealed tail on both: test_vote_path)")
    poll_id = open_poll(api, board)
    holder = hold_the_head(app)
    try:
        vote_all(api, board, poll_id, 3)  # would hang here if a vote waited for the chain
        unsealed = sql(app, "SELECT action, data FROM audit_entry WHERE seq IS NULL ORDER BY id")
        assert [r.action for r in unsealed] == ["vote.cast"] * 3
        result = verify(runner)
        assert result.exit_code == 0, result.output
        assert "3 entries written after the head are not sealed yet" in result.output
        # Unsealed entries must still match their ballots, and carry their MAC.
        first = sql(app, "SELECT id, data FROM audit_entry WHERE seq IS NULL ORDER BY id LIMIT 1")[0]
        sql(app, "UPDATE audit_entry SET data = :d WHERE id = :i", d=first.data.replace('"yes"', '"no"'), i=first.id)
        broken = verify(runner)
        assert broken.exit_code == 1 and "not yet sealed, was altered" in broken.output
        sql(app, "UPDATE audit_entry SET data = :d WHERE id = :i", d=first.data, i=first.id)
    finally:
        release(holder)
    close(api, board, poll_id)  # the close waits for the head and seals the tail before it counts
    assert sql(app, "SELECT COUNT(*) AS n FROM audit_entry WHERE seq IS NULL")[0].n == 0
    assert verify(runner).exit_code == 0


def test_an_entry_edited_before_it_was_sealed_stays_found_after_sealing(app, api, board, runner):
    if not is_postgres(app):
        pytest.skip("the head is held by PostgreSQL's advisory lock (the unsealed tail on both: test_vote_path)")
    poll_id = open_poll(api, board)
    holder = hold_the_head(app)
    try:
        vote_all(api, board, poll_id, 2)
        sql(app, "UPDATE audit_entry SET actor_id = 1 WHERE seq IS NULL")
    finally:
        release(holder)
    close(api, board, poll_id)
    result = verify(runner)
    assert result.exit_code == 1
    assert "was altered in the database before it was sealed" in result.output


# -- bad input ----------------------------------------------------------------------------------------------


def test_verify_on_an_empty_chain_says_so(app, runner):
    sql(app, "DELETE FROM audit_anchor")
    sql(app, "DELETE FROM audit_entry")
    result = verify(runner)
    assert result.exit_code == 2
    assert "the audit log is empty" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("kind", ["not a database", "no such folder"])
def test_verify_on_a_database_it_cannot_read(app, tmp_path, kind):
    from tests.conftest import make_app

    if kind == "not a database":
        path = tmp_path / "broken.sqlite"
        path.write_bytes(b"this is not a database file at all" * 100)
    else:
        path = tmp_path / "absent" / "folder" / "db.sqlite"
    other = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    result = other.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 2, result.output
    assert "the database cannot be read" in result.output and "Traceback" not in result.output


def test_entries_count_in_verify_matches_the_chain(app, runner, polls):
    result = verify(runner)
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.seq.is_not(None)))
    assert f"{count} entries" in result.output
