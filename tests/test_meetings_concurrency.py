"""Registrations racing for the last places of a session, on a file database (SQLite) or PostgreSQL."""

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from governance.errors import DomainError
from governance.extensions import db
from governance.meetings import registrations
from governance.meetings.meeting import create_meeting
from governance.meetings.models import Meeting, PlaceStatus, RegistrationItem
from governance.meetings.programme import ItemInput, add_item
from governance.meetings.registrations import RegistrationInput

PEOPLE = 12
CAPACITY = 5


def _run_threads(targets):
    barrier = threading.Barrier(len(targets))
    threads = [threading.Thread(target=t, args=(barrier,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"


@pytest.mark.parametrize("round_number", range(3))
def test_a_session_never_gets_more_people_than_places(app, round_number):
    with app.app_context():
        meeting = create_meeting(None, "Netwerkdag", dt.date(2017, 11, 30), "Lelystad")
        item = add_item(
            None,
            meeting,
            ItemInput("10:00", "11:00", "theme_session", "Vol", room="Zaal 1", capacity=CAPACITY),
        )
        db.session.commit()
        meeting_id, item_id = meeting.id, item.id
    failures = []

    def register(barrier, n):
        with app.app_context():
            barrier.wait()
            try:
                meeting = db.session.get(Meeting, meeting_id)
                # The same address twice in the race as well: only one of those may win.
                email = f"persoon{n % (PEOPLE - 1)}@example.test"
                registrations.register(
                    None, meeting, RegistrationInput(f"Persoon {n}", "", email, None, True, [item_id])
                )
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                failures.append(error.code)
            except Exception as error:  # noqa: BLE001 - any other error is what this test looks for
                db.session.rollback()
                failures.append(repr(error))

    _run_threads([lambda barrier, n=n: register(barrier, n) for n in range(PEOPLE)])
    assert failures == ["duplicate"]
    with app.app_context():
        statuses = db.session.scalars(sa.select(RegistrationItem.status).where(RegistrationItem.item_id == item_id))
        counted = list(statuses)
        assert counted.count(PlaceStatus.REGISTERED) == CAPACITY
        assert counted.count(PlaceStatus.WAITLISTED) == PEOPLE - 1 - CAPACITY
