"""Races that a lock settles, with threads on a file database (SQLite) or PostgreSQL.

Opening a budget vote while a new version of its document is uploaded, and eight requests at once for
a vote on one application: the second of each pair is refused with a sentence, never both let through.
"""

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from governance.accounts.models import User
from governance.errors import DomainError
from governance.extensions import db
from governance.meetings.agenda import add_agenda_item
from governance.meetings.documents import add_document, add_version
from governance.meetings.meeting import create_meeting
from tests.test_meetings import pdf_bytes

ROUNDS = 6
REQUESTS = 8


def run_together(targets):
    barrier = threading.Barrier(len(targets))
    threads = [threading.Thread(target=t, args=(barrier,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"


def attempt(app, outcomes, work):
    """A thread's unit of work: one transaction, its outcome recorded as "ok", an error code or a defect."""

    def run(barrier):
        with app.test_request_context("/", headers={"Cookie": "lang=en"}):
            barrier.wait()
            try:
                work()
                db.session.commit()
                outcomes.append("ok")
            except DomainError as error:
                db.session.rollback()
                outcomes.append((error.code, error.message))
            except Exception as error:  # noqa: BLE001 - any other failure is a defect to report
                db.session.rollback()
                outcomes.append(repr(error))

    return run


def test_eight_requests_for_a_vote_on_one_application_make_one_poll(app, people):
    from governance.admissions.services import create_application
    from governance.voting import services as voting
    from governance.voting.models import Poll

    people.city()
    chair_id, _ = people.user("chair")
    for round_number in range(ROUNDS):
        applicant = people.city(member_since=None)
        with app.app_context():
            application_id = create_application(None, applicant, dt.date(2017, 9, 1), None).id
            db.session.commit()
        outcomes = []

        def create(application_id=application_id):
            voting.create_poll(db.session.get(User, chair_id), application_id=application_id)

        run_together([attempt(app, outcomes, create) for _ in range(REQUESTS)])
        assert outcomes.count("ok") == 1, (round_number, outcomes)
        refusals = [o for o in outcomes if o != "ok"]
        assert all(code == "duplicate" and "There is already a vote" in text for code, text in refusals), refusals
        with app.app_context():
            count = db.session.scalar(
                sa.select(sa.func.count()).select_from(Poll).where(Poll.application_id == application_id)
            )
        assert count == 1


@pytest.fixture
def budget(app, people):
    """A meeting today with the budget document, and a member city to vote."""
    from governance.clock import today as local_today

    people.city()
    sec_id, _ = people.user("secretariat")
    chair_id, _ = people.user("chair")
    with app.test_request_context("/"):
        meeting = create_meeting(None, "Algemeen bestuur", local_today(), "Lelystad")
        db.session.commit()
        return {"meeting": meeting.id, "sec": sec_id, "chair": chair_id}


def test_opening_the_budget_vote_and_uploading_a_new_version_take_turns(app, budget):
    from governance.clock import today as local_today
    from governance.meetings.models import Meeting, MeetingDocument
    from governance.voting import services as voting
    from governance.voting.models import Poll, PollState

    versions = [pdf_bytes(f"Begroting 2018, versie {n}") for n in range(1, ROUNDS + 2)]
    for round_number in range(ROUNDS):
        with app.test_request_context("/"):
            sec = db.session.get(User, budget["sec"])
            meeting = db.session.get(Meeting, budget["meeting"])
            document = add_document(sec, meeting, f"Begroting {round_number}", local_today(), versions[0])
            poll = voting.create_poll(sec, title=f"Goedkeuring begroting {round_number}")
            add_agenda_item(sec, meeting, "Begroting", poll_id=poll.id, document_version_id=document.latest.id)
            db.session.commit()
            document_id, poll_id = document.id, poll.id
        outcomes = []

        def open_vote(poll_id=poll_id):
            voting.open_poll(db.session.get(User, budget["chair"]), voting.get_poll(poll_id))

        def upload(document_id=document_id, data=versions[round_number + 1]):
            add_version(db.session.get(User, budget["sec"]), db.session.get(MeetingDocument, document_id), data)

        run_together([attempt(app, outcomes, open_vote), attempt(app, outcomes, upload)])
        assert outcomes.count("ok") == 1, (round_number, outcomes)
        ((code, text),) = [o for o in outcomes if o != "ok"]
        assert "newer version" in text or "is voting on version 1" in text, text
        with app.app_context():
            poll = db.session.get(Poll, poll_id)
            newest = (
                db.session.scalars(sa.select(MeetingDocument).where(MeetingDocument.id == document_id))
                .one()
                .latest.version
            )
            # Never both: an open vote on version 1 while version 2 exists.
            assert not (poll.state == PollState.OPEN and newest > 1), (round_number, outcomes)
