"""Votes racing the close, and many attempts for one city, on a file database (SQLite) or PostgreSQL."""

import threading

import pytest
import sqlalchemy as sa

from governance.accounts.services import find_user
from governance.errors import DomainError
from governance.extensions import db
from governance.voting import services as voting
from governance.voting.models import Ballot, PollVoter

REPEATS = 50
VOTERS = 40


def _setup_poll(app, people, voters):
    cities = [people.city(name=f"Racestad {i}", code=f"GM{7000 + i:04d}") for i in range(voters)]
    _, chair_email = people.user("chair")
    emails = [people.user("board", city_id=c)[1] for c in cities]
    return chair_email, emails


def _open_motion(app, chair_email, title):
    with app.app_context():
        chair = find_user(chair_email)
        poll = voting.create_poll(chair, title=title)
        voting.open_poll(chair, poll)
        db.session.commit()
        return poll.id


def _run_threads(targets):
    barrier = threading.Barrier(len(targets))
    threads = [threading.Thread(target=t, args=(barrier,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"


@pytest.mark.slow
def test_votes_racing_the_close_are_counted_or_refused(app, people):
    chair_email, emails = _setup_poll(app, people, VOTERS)
    with app.app_context():
        voter_ids = [find_user(e).id for e in emails]
        chair_id = find_user(chair_email).id
    for round_number in range(REPEATS):
        poll_id = _open_motion(app, chair_email, f"Race {round_number}")
        accepted, refused, errors, closes = [], [], [], []

        def vote(barrier, user_id, poll_id=poll_id, accepted=accepted, refused=refused, errors=errors):
            with app.app_context():
                from governance.accounts.models import User

                barrier.wait()
                try:
                    voting.cast_vote(db.session.get(User, user_id), poll_id, "yes")
                    db.session.commit()
                    accepted.append(user_id)
                except DomainError as error:
                    db.session.rollback()
                    refused.append(error.code)
                except Exception as error:  # noqa: BLE001 - any other failure is a defect to report
                    db.session.rollback()
                    errors.append(repr(error))

        def close(barrier, poll_id=poll_id, closes=closes, errors=errors):
            with app.app_context():
                from governance.accounts.models import User

                barrier.wait()
                try:
                    voting.close_poll(db.session.get(User, chair_id), poll_id)
                    db.session.commit()
                    closes.append(True)
                except Exception as error:  # noqa: BLE001
                    db.session.rollback()
                    errors.append(repr(error))

        targets = [lambda b, u=u: vote(b, u) for u in voter_ids] + [close]
        _run_threads(targets)
        assert errors == []
        assert closes == [True]
        assert set(refused) <= {"poll_not_open"}
        with app.app_context():
            poll = voting.get_poll(poll_id)
            stored = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot).where(Ballot.poll_id == poll_id))
            voters = db.session.scalar(
                sa.select(sa.func.count()).select_from(PollVoter).where(PollVoter.poll_id == poll_id)
            )
            # accepted votes = ballots stored = tally frozen at close
            assert len(accepted) == stored == voters == poll.result["cast"] == poll.result["yes"]
            assert len(accepted) + len(refused) == VOTERS
            # nothing is accepted after the close
            late = db.session.get(__import__("governance.accounts.models", fromlist=["User"]).User, voter_ids[0])
            if voter_ids[0] not in accepted:
                with pytest.raises(DomainError) as refusal:
                    voting.cast_vote(late, poll_id, "no")
                assert refusal.value.code == "poll_not_open"
            db.session.rollback()


def test_twenty_attempts_for_one_city_store_one_ballot(app, people):
    city = people.city(name="Eenstad", code="GM7999")
    _, chair_email = people.user("chair")
    emails = [people.user("board", city_id=city)[1] for _ in range(4)]
    others = [people.city(name=f"Anderstad {i}", code=f"GM78{i:02d}") for i in range(3)]
    assert others
    poll_id = _open_motion(app, chair_email, "Twintig pogingen")
    with app.app_context():
        user_ids = [find_user(e).id for e in emails]
    outcomes = []

    def attempt(barrier, user_id):
        with app.app_context():
            from governance.accounts.models import User

            barrier.wait()
            try:
                voting.cast_vote(db.session.get(User, user_id), poll_id, "yes")
                db.session.commit()
                outcomes.append("ok")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.code)
            except Exception as error:  # noqa: BLE001
                db.session.rollback()
                outcomes.append(repr(error))

    _run_threads([lambda b, u=user_ids[i % 4]: attempt(b, u) for i in range(20)])
    assert sorted(outcomes) == ["already_voted"] * 19 + ["ok"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot).where(Ballot.poll_id == poll_id)) == 1


def test_two_chairs_closing_at_once_give_one_close(app, people):
    city = people.city()
    _, chair_email = people.user("chair")
    people.user("board", city_id=city)
    poll_id = _open_motion(app, chair_email, "Dubbel sluiten")
    with app.app_context():
        chair_id = find_user(chair_email).id
    outcomes = []

    def close(barrier):
        with app.app_context():
            from governance.accounts.models import User

            barrier.wait()
            try:
                voting.close_poll(db.session.get(User, chair_id), poll_id)
                db.session.commit()
                outcomes.append("closed")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.code)

    _run_threads([close, close, close])
    assert sorted(outcomes) == ["closed", "invalid_state", "invalid_state"]
