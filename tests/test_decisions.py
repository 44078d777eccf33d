"""The decision list of a meeting: its decisions with tally and approved document, as JSON, page and PDF;
put to the next meeting by a motion that approves its PDF, and locked once adopted."""

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from pypdf import PdfReader

from governance.extensions import db
from governance.meetings.agenda import add_agenda_item
from governance.meetings.meeting import create_meeting
from tests.room_setup import build_room, run_vote


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture
def room(app, people):
    return build_room(app, people)


def later_meeting(app, date=dt.date(2018, 3, 15)):
    with app.app_context():
        meeting = create_meeting(None, "Algemeen bestuur maart", date, "Utrecht")
        db.session.commit()
        return meeting.id


def propose(app, meeting_id, adopting_id):
    with app.app_context():
        from governance.meetings import decisions
        from governance.meetings.models import Meeting

        proposal = decisions.propose_for_adoption(
            None, db.session.get(Meeting, meeting_id), db.session.get(Meeting, adopting_id)
        )
        db.session.commit()
        return proposal.poll_id, proposal.document_version.sha256


def test_the_list_holds_closed_polls_with_tally_and_document(api, room):
    token = room.secretariat_token
    assert api("GET", f"/meetings/{room.meeting_id}/decisions", token=token).json["items"] == []
    run_vote(api, room, room.poll_id, {room.city_ids[0]: "yes", room.city_ids[1]: "yes", room.city_ids[2]: "no"})
    got = api("GET", f"/meetings/{room.meeting_id}/decisions", token=room.tokens[room.city_ids[0]])
    assert got.status_code == 200
    assert got.json["items"] == [
        {
            "poll_id": room.poll_id,
            "title": "Goedkeuring begroting 2018",
            "outcome": "adopted",
            "yes": 2,
            "no": 1,
            "abstain": 0,
            "document_sha256": room.document_sha256,
            "reason": "majority",
            "closed_at": got.json["items"][0]["closed_at"],
        }
    ]
    assert got.json["locked"] is False and got.json["adopted"] is None


@pytest.mark.parametrize(
    "path, token, status, code",
    [
        ("/meetings/999999/decisions", "secretariat", 404, "not_found"),
        ("/meetings/{id}/decisions", None, 401, "unauthorized"),
    ],
)
def test_decisions_refusals(api, room, path, token, status, code):
    r = api("GET", path.format(id=room.meeting_id), token=room.secretariat_token if token else None)
    assert r.status_code == status and r.json["error"]["code"] == code


def test_adopted_at_the_next_meeting_then_locked(app, api, client, people, room):
    run_vote(api, room, room.poll_id, {c: "yes" for c in room.city_ids[:3]})
    march = later_meeting(app)
    adoption_poll, pdf_sha = propose(app, room.meeting_id, march)
    # The motion approves the decision list's PDF, a document of the March meeting.
    listed = api("GET", f"/meetings/{march}/decisions", token=room.secretariat_token).json
    assert listed["items"] == []
    run_vote(api, room, adoption_poll, {c: "yes" for c in room.city_ids[:4]})
    march_list = api("GET", f"/meetings/{march}/decisions", token=room.secretariat_token).json
    assert [(i["poll_id"], i["document_sha256"]) for i in march_list["items"]] == [(adoption_poll, pdf_sha)]
    got = api("GET", f"/meetings/{room.meeting_id}/decisions", token=room.secretariat_token).json
    assert got["locked"] is True
    assert got["adopted"]["poll_id"] == adoption_poll and got["adopted"]["meeting_id"] == march
    assert got["adopted"]["closed_by"] == "Voorzitter Van Dam"
    # A poll closed later on the old meeting's agenda does not change the adopted list.
    with app.app_context():
        from governance.meetings.models import Meeting
        from governance.voting.services import create_poll

        late = create_poll(None, title="Nagekomen motie")
        add_agenda_item(None, db.session.get(Meeting, room.meeting_id), "Nagekomen", poll_id=late.id)
        db.session.commit()
        late_id = late.id
    run_vote(api, room, late_id, {c: "no" for c in room.city_ids[:3]})
    after = api("GET", f"/meetings/{room.meeting_id}/decisions", token=room.secretariat_token).json
    assert [i["poll_id"] for i in after["items"]] == [room.poll_id]
    # Putting it forward again is refused with a sentence, on the page as in the service.
    people.login(client, room.secretariat)
    page = client.post(
        f"/meetings/{room.meeting_id}/decisions/propose", data={"adopting_meeting_id": march}, follow_redirects=True
    )
    assert "adopted and is locked" in page.get_data(as_text=True)
    html = client.get(f"/meetings/{room.meeting_id}/decisions").get_data(as_text=True)
    assert "This list is locked" in html and "Voorzitter Van Dam" in html


@pytest.mark.parametrize(
    "case, message",
    [
        ("earlier_meeting", "Choose a meeting after"),
        ("same_meeting", "Choose a meeting after"),
        ("nothing_closed", "has taken no decisions yet"),
        ("vote_open", "is still open"),
    ],
)
def test_bad_proposals_are_refused_and_nothing_is_stored(app, api, room, case, message):
    from governance.errors import DomainError

    target = later_meeting(app)
    if case == "earlier_meeting":
        target = later_meeting(app, dt.date(2017, 6, 1))
    elif case == "same_meeting":
        target = room.meeting_id
    if case in ("earlier_meeting", "same_meeting"):
        run_vote(api, room, room.poll_id, {c: "yes" for c in room.city_ids[:3]})
    elif case == "vote_open":
        run_vote(api, room, room.poll_id, {room.city_ids[0]: "yes"}, close=False)
    with app.app_context():
        from governance.meetings import decisions
        from governance.meetings.minutes_models import DecisionList
        from governance.meetings.models import Meeting, MeetingDocument
        from governance.voting.models import Poll

        def counts():
            return [
                db.session.scalar(sa.select(sa.func.count()).select_from(t))
                for t in (DecisionList, MeetingDocument, Poll)
            ]

        before = counts()
        with pytest.raises(DomainError) as refused, force_locale("en"):
            decisions.propose_for_adoption(
                None, db.session.get(Meeting, room.meeting_id), db.session.get(Meeting, target)
            )
        db.session.rollback()
        assert message in refused.value.message
        assert counts() == before


def test_a_proposal_still_in_preparation_is_refreshed(app, api, room):
    run_vote(api, room, room.poll_id, {c: "yes" for c in room.city_ids[:3]})
    march = later_meeting(app)
    first_poll, first_sha = propose(app, room.meeting_id, march)
    second_poll, second_sha = propose(app, room.meeting_id, march)
    assert second_poll == first_poll  # the same draft motion, tied to the new version
    with app.app_context():
        from governance.meetings.models import AgendaItem

        point = db.session.scalars(sa.select(AgendaItem).where(AgendaItem.poll_id == first_poll)).one()
        assert point.document_version.version == 2 and point.document_version.sha256 == second_sha


def test_page_and_pdf(app, api, client, people, room):
    run_vote(api, room, room.poll_id, {c: "yes" for c in room.city_ids[:3]} | {room.city_ids[3]: "no"})
    people.login(client, room.board[room.city_ids[0]])
    page = client.get(f"/meetings/{room.meeting_id}/decisions")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Goedkeuring begroting 2018" in html and room.document_sha256 in html
    assert "Put to the next meeting" not in html  # board members do not put it forward
    pdf = client.get(f"/meetings/{room.meeting_id}/decisions.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Decision list" in text and "Goedkeuring begroting 2018" in text
    assert room.document_sha256[:20] in text.replace("\n", "")
    assert "Not yet adopted" in text


def test_the_answer_matches_the_openapi_document(client, api, room):
    import jsonschema

    run_vote(api, room, room.poll_id, {c: "yes" for c in room.city_ids[:3]})
    document = client.get("/api/v1/openapi.json").get_json()
    schema = document["paths"]["/meetings/{id}/decisions"]["get"]["responses"]["200"]["content"]["application/json"]
    got = api("GET", f"/meetings/{room.meeting_id}/decisions", token=room.secretariat_token).json
    jsonschema.validate(got, schema["schema"])
    assert got["items"][0]["document_sha256"] == room.document_sha256
