"""A small meeting for the big screen and decision list tests: five cities, their board members, a chair, a motion."""

import datetime as dt
from dataclasses import dataclass, field

from governance.extensions import db
from governance.meetings.agenda import add_agenda_item
from governance.meetings.documents import add_document
from governance.meetings.meeting import create_meeting


def tiny_pdf(text: str = "Stuk") -> bytes:
    import io

    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@dataclass
class Room:
    meeting_id: int
    poll_id: int
    city_ids: list[int]
    board: dict[int, str] = field(default_factory=dict)  # city id -> email
    tokens: dict[int, str] = field(default_factory=dict)
    chair: str = ""
    chair_token: str = ""
    secretariat: str = ""
    secretariat_token: str = ""
    document_sha256: str = ""


def build_room(app, people, *, cities=5, date=dt.date(2017, 11, 30), with_document=True) -> Room:
    names = ["Alkmaar", "Almere", "Amersfoort", "Arnhem", "Breda", "Delft", "Deventer"][:cities]
    city_ids = [people.city(name=name, code=f"GM{9200 + i:04d}") for i, name in enumerate(names)]
    room = Room(meeting_id=0, poll_id=0, city_ids=city_ids)
    for city_id in city_ids:
        _, email = people.user("board", city_id=city_id)
        room.board[city_id] = email
        room.tokens[city_id] = people.token(email)
    _, room.chair = people.user("chair", name="Voorzitter Van Dam")
    room.chair_token = people.token(room.chair)
    _, room.secretariat = people.user("secretariat")
    room.secretariat_token = people.token(room.secretariat)
    with app.app_context():
        from governance.voting.services import create_poll

        meeting = create_meeting(None, "Algemeen bestuur", date, "Stadhuis Lelystad")
        poll = create_poll(None, title="Goedkeuring begroting 2018")
        version_id = None
        if with_document:
            document = add_document(None, meeting, "Begroting 2018", date, tiny_pdf("Begroting"))
            version_id = document.latest.id
            room.document_sha256 = document.latest.sha256
        add_agenda_item(None, meeting, "Begroting 2018", poll_id=poll.id, document_version_id=version_id)
        db.session.commit()
        room.meeting_id, room.poll_id = meeting.id, poll.id
    return room


def run_vote(api, room: Room, poll_id: int, choices: dict[int, str], close: bool = True) -> None:
    """Open the poll, let the given cities vote, and (by default) close it."""
    meeting_id = api("GET", f"/polls/{poll_id}", token=room.chair_token).json.get("meeting_id")
    if meeting_id is not None:  # a poll of a meeting opens with a quorum present: everyone is in the room
        for city_id in room.city_ids:
            r = api("PUT", f"/meetings/{meeting_id}/presence/{city_id}", {"present": True}, room.chair_token)
            assert r.status_code == 200, r.json
    r = api("POST", f"/polls/{poll_id}/open", token=room.chair_token)
    assert r.status_code == 200, r.json
    for city_id, choice in choices.items():
        r = api("POST", f"/polls/{poll_id}/votes", {"choice": choice}, room.tokens[city_id])
        assert r.status_code == 201, r.json
    if close:
        r = api("POST", f"/polls/{poll_id}/close", token=room.chair_token)
        assert r.status_code == 200, r.json
