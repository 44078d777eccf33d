"""Proxies and presence racing at one meeting, on a file database (SQLite) or PostgreSQL."""

import threading

import pytest
import sqlalchemy as sa

from governance import clock
from governance.errors import DomainError
from governance.extensions import db
from governance.meetings import room
from governance.meetings.meeting import create_meeting
from governance.meetings.models import MeetingPresence, Proxy


def _run_threads(targets):
    barrier = threading.Barrier(len(targets))
    threads = [threading.Thread(target=t, args=(barrier,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"


def _attempt(app, barrier, work, outcomes):
    with app.app_context():
        barrier.wait()
        try:
            work()
            db.session.commit()
            outcomes.append("ok")
        except DomainError as error:
            db.session.rollback()
            outcomes.append(error.code)
        except Exception as error:  # noqa: BLE001 - any other error is what this test looks for
            db.session.rollback()
            outcomes.append(repr(error))


@pytest.mark.parametrize("round_number", range(2))
def test_a_holder_never_gets_more_proxies_than_allowed_nor_a_city_two(app, people, round_number):
    people.user("secretariat")
    holder = people.city(name="Lelystad")
    givers = [people.city(name=f"Stad {n}") for n in range(5)]
    with app.app_context():
        meeting = create_meeting(None, "Algemeen bestuur", clock.today(), "Lelystad")
        db.session.commit()
        meeting_id = meeting.id
    outcomes: list[str] = []

    def give(giver, to):
        return lambda: room.record_proxy(_secretariat(), room.get_meeting(meeting_id), giver, to)

    # Five cities race to give their proxy to Lelystad, and the first city twice more to others.
    work = [give(g, holder) for g in givers] + [give(givers[0], givers[3]), give(givers[0], givers[4])]
    _run_threads([lambda barrier, w=w: _attempt(app, barrier, w, outcomes) for w in work])
    with app.app_context():
        active = db.session.scalars(sa.select(Proxy).where(Proxy.revoked_at.is_(None))).all()
        held = [p for p in active if p.to_city_id == holder]
        assert len(held) == 1
        assert len({p.from_city_id for p in active}) == len(active)
    assert sorted(set(outcomes)) == ["ok", "proxy_conflict"], outcomes


def test_taps_on_one_city_at_once_leave_one_row(app, people):
    city = people.city(name="Lelystad")
    with app.app_context():
        meeting = create_meeting(None, "Algemeen bestuur", clock.today(), "Lelystad")
        db.session.commit()
        meeting_id = meeting.id
    outcomes: list[str] = []

    def tap(present):
        return lambda: room.set_presence(None, room.get_meeting(meeting_id), city, present)

    _run_threads([lambda barrier, p=p: _attempt(app, barrier, tap(p), outcomes) for p in (True, False) * 4])
    assert outcomes == ["ok"] * 8
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MeetingPresence)) == 1


def _secretariat():
    from governance.accounts.models import User

    return db.session.scalars(sa.select(User)).first()
