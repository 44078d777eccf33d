"""The network day through its services and pages: invitations by SMTP, the signed link, documents, agenda."""

import datetime as dt
import io
import os
import re
import socket

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from governance.accounts.models import User
from governance.audit import AuditEntry
from governance.errors import Conflict, ValidationFailed
from governance.extensions import db
from governance.meetings import invitations
from governance.meetings.agenda import add_agenda_item, agenda, tie_to_latest_version
from governance.meetings.attendance import attendance
from governance.meetings.documents import add_document, add_version
from governance.meetings.fields import format_time
from governance.meetings.invitations import _invitation_for, token_for
from governance.meetings.meeting import create_meeting
from governance.meetings.models import (
    DocumentVersion,
    Invitation,
    Meeting,
    MeetingDocument,
    PlaceStatus,
    Registration,
)
from governance.meetings.programme import ItemInput, add_item, get_item, update_item
from governance.meetings.registrations import (
    MOVED_UP_KEY,
    RegistrationInput,
    cancel_registration,
    register,
    update_registration,
)
from governance.network.rules import network_name_on


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture(autouse=True)
def english(client):
    """Assertions read the English texts; Dutch is the default language."""
    client.set_cookie("lang", "en")


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


# The weeks before the network day of 30 November 2017: its registration links end with that day.
BEFORE_THE_DAY = "2017-11-20T10:00:00+01:00"


def local_today() -> dt.date:
    """Today on the app's fixed clock."""
    return dt.date(2017, 11, 20)


@pytest.fixture
def app_config(request):
    # Point the app's mail settings at the local SMTP server when the test uses one.
    config = {"CLOCK_NOW": BEFORE_THE_DAY}
    if "smtp" in request.fixturenames:
        config["MAIL_PORT"] = request.getfixturevalue("smtp")[0]
    return config


def pdf_bytes(text="Begroting 2018") -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.fixture
def day(app, people):
    """A meeting with two parallel sessions, a board session, a member city and its board member."""
    lelystad = people.city("Lelystad")
    people.city("Almere")
    _, board_email = people.user("board", city_id=lelystad, name="Ina Adema")
    sec_id, sec_email = people.user("secretariat", name="Gerard Hendriksma")
    with app.app_context():
        meeting = create_meeting(None, "Netwerkdag", dt.date(2017, 11, 30), "Stadhuisplein 2, Lelystad")
        a = add_item(
            None,
            meeting,
            ItemInput("10:00", "11:00", "theme_session", "Wal en schip", room="Zaal 1", capacity=1),
        )
        b = add_item(None, meeting, ItemInput("10:00", "11:00", "theme_session", "Jeugd", room="Zaal 2"))
        c = add_item(None, meeting, ItemInput("15:30", "16:00", "general_board", "Algemeen Bestuur", room="Raadzaal"))
        db.session.commit()
        return {
            "meeting": meeting.id,
            "items": [a.id, b.id, c.id],
            "city": lelystad,
            "board": board_email,
            "sec": sec_email,
            "sec_id": sec_id,
        }


def link_from(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://\S+/meetings/register/\S+", body).group(0)


# -- invitations and the signed link ----------------------------------------------------------


def test_invitation_is_sent_by_smtp_with_a_personal_link(app, client, people, day, smtp):
    _, inbox = smtp
    people.login(client, day["sec"])
    r = client.post(f"/meetings/{day['meeting']}/invitations", data={"only_unanswered": "y"})
    assert r.status_code == 302
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"].addresses[0].addr_spec == day["board"]
    assert "Netwerkdag" in message["Subject"]
    link = link_from(message)
    client.post("/logout")
    page = client.get(link.replace("http://localhost", ""))
    assert page.status_code == 200 and "Ina Adema" in page.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "meeting.invitations_sent"))
            is not None
        )


def test_unreachable_mail_server_is_reported_and_nothing_is_recorded(app, client, people, day):
    people.login(client, day["sec"])  # MAIL_PORT 1: nobody listens
    r = client.post(f"/meetings/{day['meeting']}/invitations", data={}, follow_redirects=True)
    assert "could not send" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def _token(app, day):
    with app.app_context():
        meeting = db.session.get(Meeting, day["meeting"])
        user = db.session.scalars(sa.select(User).where(User.email == day["board"])).one()
        invitation = _invitation_for(meeting, user)
        db.session.commit()
        return token_for(invitation)


def test_registering_through_the_link(app, client, day):
    token = _token(app, day)
    a, b, c = day["items"]
    r = client.post(
        f"/meetings/register/{token}",
        data={"attending": "yes", "items": [str(a), str(c)], "name": "Ina Adema", "function": "burgemeester"},
    )
    assert r.status_code == 302
    page = client.get(f"/meetings/register/{token}").get_data(as_text=True)
    assert "Wal en schip" in page and "burgemeester" in page
    with app.app_context():
        registration = db.session.scalars(sa.select(Registration)).one()
        assert registration.city_id == day["city"] and registration.email == day["board"]
        assert {p.item_id: p.status for p in registration.places} == {
            a: PlaceStatus.REGISTERED,
            c: PlaceStatus.REGISTERED,
        }
    # Changing the answer: giving up a session, then not coming at all.
    client.post(f"/meetings/register/{token}", data={"attending": "yes", "items": [str(b)], "name": "Ina Adema"})
    client.post(f"/meetings/register/{token}", data={"attending": "no", "items": [str(b)], "name": "Ina Adema"})
    with app.app_context():
        registration = db.session.scalars(sa.select(Registration)).one()
        assert registration.attending is False and registration.places == []
    ics = client.get(f"/meetings/register/{token}/calendar.ics").get_data(as_text=True)
    assert ics.count("BEGIN:VEVENT") == 1  # the day only: no sessions when not attending


def test_own_calendar_holds_the_day_and_the_chosen_sessions(app, client, day):
    token = _token(app, day)
    _, b, c = day["items"]
    client.post(
        f"/meetings/register/{token}", data={"attending": "yes", "items": [str(b), str(c)], "name": "Ina Adema"}
    )
    ics = client.get(f"/meetings/register/{token}/calendar.ics").get_data(as_text=True)
    assert ics.count("BEGIN:VEVENT") == 3
    assert "SUMMARY:Jeugd" in ics and "SUMMARY:Algemeen Bestuur" in ics and "Wal en schip" not in ics


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
        lambda t: "x" + t,  # payload changed
        lambda t: "nonsense",
    ],
)
def test_tampered_link_is_refused_with_a_sentence_and_changes_nothing(app, client, day, mangle):
    token = _token(app, day)
    for method in ("get", "post"):
        r = getattr(client, method)(
            f"/meetings/register/{mangle(token)}", data={"attending": "yes", "name": "Inbreker"}
        )
        assert r.status_code == 400
        assert "This registration link is not valid" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_expired_link_is_refused(app, client, day, monkeypatch):
    token = _token(app, day)
    monkeypatch.setattr(invitations, "link_max_age", lambda: -1)
    r = client.post(f"/meetings/register/{token}", data={"attending": "yes", "name": "Te laat"})
    assert r.status_code == 400 and "has expired" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_a_link_for_a_changed_address_no_longer_works(app, client, day):
    token = _token(app, day)
    with app.app_context():
        invitation = db.session.scalars(sa.select(Invitation)).one()
        invitation.email = "ander@example.test"
        db.session.commit()
    assert client.get(f"/meetings/register/{token}").status_code == 400


def test_link_pages_need_no_login_but_the_rest_does(app, client, day):
    assert client.get(f"/meetings/{day['meeting']}").status_code == 302
    assert client.get(f"/meetings/{day['meeting']}/badges.pdf").status_code == 302


# -- waiting lists ---------------------------------------------------------------------------------


def test_a_place_given_up_moves_the_first_on_the_waiting_list_up(app, day):
    a = day["items"][0]  # capacity 1
    with app.app_context():
        meeting = db.session.get(Meeting, day["meeting"])
        first = register(None, meeting, RegistrationInput("Een", "", "een@x.test", None, True, [a]))
        second = register(None, meeting, RegistrationInput("Twee", "", "twee@x.test", None, True, [a]))
        third = register(None, meeting, RegistrationInput("Drie", "", "drie@x.test", None, True, [a]))
        assert [r.places[0].status for r in (first, second, third)] == [
            PlaceStatus.REGISTERED,
            PlaceStatus.WAITLISTED,
            PlaceStatus.WAITLISTED,
        ]
        update_registration(None, first, RegistrationInput("Een", "", "een@x.test", None, True, []))
        db.session.expire_all()
        assert second.places[0].status == PlaceStatus.REGISTERED
        assert third.places[0].status == PlaceStatus.WAITLISTED
        # A larger room takes the rest of the list.
        item = get_item(meeting, a)
        update_item(None, item, ItemInput("10:00", "11:00", "theme_session", "Wal en schip", room="Zaal 1", capacity=5))
        db.session.expire_all()
        assert third.places[0].status == PlaceStatus.REGISTERED
        with pytest.raises(ValidationFailed) as error:
            update_item(
                None,
                item,
                ItemInput("10:00", "11:00", "theme_session", "Wal en schip", room="Zaal 1", capacity=1),
            )
        assert "capacity" in error.value.fields
        db.session.rollback()


# -- attendance and exports -------------------------------------------------------------------------


def test_attendance_page_and_exports(app, client, people, day):
    with app.app_context():
        meeting = db.session.get(Meeting, day["meeting"])
        register(
            None,
            meeting,
            RegistrationInput('=HYPERLINK("x")', "wethouder", "a@x.test", day["city"], True, [day["items"][1]]),
        )
        db.session.commit()
    people.login(client, day["sec"])
    page = client.get(f"/meetings/{day['meeting']}/attendance").get_data(as_text=True)
    assert "Almere" in page.split('id="unanswered"')[1].split("</p>")[0]
    assert "Lelystad" not in page.split('id="unanswered"')[1].split("</p>")[0]
    csv_text = client.get(f"/meetings/{day['meeting']}/attendance.csv").get_data().decode("utf-8-sig")
    import csv

    lines = list(csv.reader(io.StringIO(csv_text), delimiter=";"))
    assert len(lines) == 2 and lines[1][2:6] == ["Lelystad", "a@x.test", "yes", "Jeugd"]
    assert lines[1][0] == '\'=HYPERLINK("x")'  # never a live formula
    xlsx = client.get(f"/meetings/{day['meeting']}/attendance.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == "Lelystad" and rows[1][5] == "Jeugd"


def test_on_behalf_registration_page(app, client, people, day):
    people.login(client, day["sec"])
    r = client.post(
        f"/meetings/{day['meeting']}/registrations/new",
        data={
            "name": "Henk Jansen",
            "function": "wethouder",
            "email": "henk@x.test",
            "city_id": str(day["city"]),
            "attending": "yes",
            "items": [str(day["items"][0]), str(day["items"][1])],
        },
    )
    assert r.status_code == 422 and "same time" in r.get_data(as_text=True)
    r = client.post(
        f"/meetings/{day['meeting']}/registrations/new",
        data={
            "name": "Henk Jansen",
            "function": "wethouder",
            "email": "henk@x.test",
            "city_id": str(day["city"]),
            "attending": "yes",
            "items": [str(day["items"][0])],
        },
    )
    assert r.status_code == 302
    with app.app_context():
        registration = db.session.scalars(sa.select(Registration)).one()
        assert registration.registered_by_id == day["sec_id"]


@pytest.mark.parametrize("role", ["board", "chair", "daily_board"])
def test_secretariat_pages_are_closed_to_others(app, client, people, day, role):
    _, email = people.user(role, city_id=day["city"] if role == "board" else None)
    people.login(client, email)
    m = day["meeting"]
    for path in (
        f"/meetings/{m}/badges.pdf",
        f"/meetings/{m}/invitations",
        f"/meetings/{m}/items/new",
        f"/meetings/{m}/documents/new",
        f"/meetings/{m}/registrations/new",
    ):
        assert client.get(path).status_code == 403, path
    assert client.get(f"/meetings/{m}").status_code == 200


def test_programme_form_shows_the_overlap(app, client, people, day):
    people.login(client, day["sec"])
    r = client.post(
        f"/meetings/{day['meeting']}/items/new",
        data={"start": "10:30", "end": "11:30", "kind": "theme_group", "title": "Botsing", "room": "Zaal 1"},
    )
    assert r.status_code == 422 and "already in use" in r.get_data(as_text=True)
    r = client.post(
        f"/meetings/{day['meeting']}/items/new",
        data={"start": "12:00", "end": "11:30", "kind": "theme_group", "title": "Achteruit", "room": "Zaal 9"},
    )
    assert r.status_code == 422 and "must come after the start" in r.get_data(as_text=True)


# -- documents ----------------------------------------------------------------------------------------


def upload(client, meeting_id, title, publish_on, data, filename="stuk.pdf"):
    return client.post(
        f"/meetings/{meeting_id}/documents/new",
        data={
            "title": title,
            "item_id": "0",
            "publish_on": publish_on.isoformat(),
            "file": (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (b"GIF89a not a pdf at all", "stuk.pdf", "not a PDF"),
        (b"%PDF-1.4\nno end marker", "stuk.pdf", "not a PDF"),
        (b"%PDF-1.4\ngarbage\n%%EOF\n", "stuk.pdf", "cannot be read"),
        (b"", "leeg.pdf", "Choose a PDF file"),
    ],
)
def test_only_real_pdfs_are_accepted(app, client, people, day, data, filename, message):
    people.login(client, day["sec"])
    r = upload(client, day["meeting"], "Stuk", local_today(), data, filename)
    assert r.status_code == 422 and message in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DocumentVersion)) == 0


def test_a_pdf_named_otherwise_is_fine_and_stored_under_a_generated_name(app, client, people, day):
    people.login(client, day["sec"])
    data = pdf_bytes()
    r = upload(client, day["meeting"], "Begroting 2018", local_today(), data, "../../etc/passwd.txt")
    assert r.status_code == 302
    with app.app_context():
        version = db.session.scalars(sa.select(DocumentVersion)).one()
        assert re.fullmatch(r"[0-9a-f]{32}\.pdf", version.stored_name)
        path = os.path.join(app.config["DOCUMENTS_DIR"], version.stored_name)
        with open(path, "rb") as handle:
            assert handle.read() == data
        import hashlib

        assert version.sha256 == hashlib.sha256(data).hexdigest()
    page = client.get(f"/meetings/{day['meeting']}").get_data(as_text=True)
    assert version.sha256 in page and "passwd" not in page


def test_too_large_upload_is_refused(app, client, people, day):
    app.config["UPLOAD_MAX_BYTES"] = 2000
    people.login(client, day["sec"])
    data = pdf_bytes("x" * 10) + b"%" + b"0" * 3000 + b"\n%%EOF\n"
    r = upload(client, day["meeting"], "Groot", local_today(), data)
    assert r.status_code == 422 and "larger than" in r.get_data(as_text=True)


def test_documents_appear_from_their_publication_date(app, client, people, day):
    today = local_today()
    people.login(client, day["sec"])
    upload(client, day["meeting"], "Vandaag gepubliceerd", today, pdf_bytes("een"))
    upload(client, day["meeting"], "Morgen gepubliceerd", today + dt.timedelta(days=1), pdf_bytes("twee"))
    secretariat_page = client.get(f"/meetings/{day['meeting']}").get_data(as_text=True)
    assert "Vandaag gepubliceerd" in secretariat_page and "Morgen gepubliceerd" in secretariat_page
    client.post("/logout")
    people.login(client, day["board"])
    page = client.get(f"/meetings/{day['meeting']}").get_data(as_text=True)
    assert "Vandaag gepubliceerd" in page and "Morgen gepubliceerd" not in page
    with app.app_context():
        ids = dict(db.session.execute(sa.select(MeetingDocument.title, MeetingDocument.id)).all())
    assert client.get(f"/meetings/documents/{ids['Vandaag gepubliceerd']}/v1.pdf").status_code == 200
    assert client.get(f"/meetings/documents/{ids['Morgen gepubliceerd']}/v1.pdf").status_code == 404


def test_new_versions_keep_the_old_ones(app, client, people, day):
    people.login(client, day["sec"])
    upload(client, day["meeting"], "Begroting 2018", local_today(), pdf_bytes("versie 1"))
    with app.app_context():
        document_id = db.session.scalar(sa.select(MeetingDocument.id))
    r = client.post(
        f"/meetings/documents/{document_id}/versions",
        data={"file": (io.BytesIO(pdf_bytes("versie 2")), "v2.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    first = client.get(f"/meetings/documents/{document_id}/v1.pdf").data
    second = client.get(f"/meetings/documents/{document_id}/v2.pdf").data
    assert first == pdf_bytes("versie 1") or b"%PDF" in first
    assert first != second
    assert client.get(f"/meetings/documents/{document_id}/v3.pdf").status_code == 404


# -- the general board's agenda and the budget motion -------------------------------------------------


def test_motion_is_tied_to_the_exact_document_version(app, day):
    from governance.voting.services import close_poll, create_poll, open_poll

    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        meeting = db.session.get(Meeting, day["meeting"])
        sec = db.session.get(User, day["sec_id"])
        document = add_document(sec, meeting, "Begroting 2018", local_today(), pdf_bytes("v1"))
        poll = create_poll(sec, title="Goedkeuring begroting 2018")
        point = add_agenda_item(sec, meeting, "Begroting 2018", poll_id=poll.id, document_version_id=document.latest.id)
        db.session.commit()
        # While the poll is a draft a new version may come, and the agenda says the tie no longer matches.
        add_version(sec, document, pdf_bytes("v2"))
        db.session.commit()
        assert point.document_mismatch is True
        tie_to_latest_version(sec, point)
        db.session.commit()
        assert point.document_mismatch is False and point.document_version.version == 2
        open_poll(sec, poll)
        db.session.commit()
        with pytest.raises(Conflict) as error:
            add_version(sec, document, pdf_bytes("v3"))
        assert "version 2" in error.value.message
        db.session.rollback()
        with pytest.raises(Conflict):
            tie_to_latest_version(sec, point)
        db.session.rollback()
        assert len(document.versions) == 2
        close_poll(sec, poll.id)
        db.session.commit()
        add_version(sec, document, pdf_bytes("v3"))
        db.session.commit()
        db.session.refresh(point)
        assert point.document_version.version == 2 and point.document_mismatch is True


def test_agenda_refuses_unknown_polls_and_foreign_documents(app, day):
    with app.app_context():
        meeting = db.session.get(Meeting, day["meeting"])
        other = create_meeting(None, "Andere dag", dt.date(2018, 3, 1), "Assen")
        document = add_document(None, other, "Elders", local_today(), pdf_bytes())
        with pytest.raises(ValidationFailed) as error:
            add_agenda_item(None, meeting, "Punt", poll_id=424242)
        assert "poll_id" in error.value.fields
        with pytest.raises(ValidationFailed) as error:
            add_agenda_item(None, meeting, "Punt", document_version_id=document.latest.id)
        assert "document_version_id" in error.value.fields
        db.session.rollback()


def test_every_change_is_in_the_audit_chain(app, runner, day):
    from governance.audit import verify

    with app.app_context():
        meeting = db.session.get(Meeting, day["meeting"])
        registration = register(
            None, meeting, RegistrationInput("Een", "", "een@x.test", None, True, [day["items"][0]])
        )
        cancel_registration(None, registration)
        db.session.commit()
        actions = set(db.session.scalars(sa.select(AuditEntry.action)))
        assert {
            "meeting.created",
            "meeting.item_added",
            "meeting.registered",
            "meeting.registration_cancelled",
        } <= actions
        assert verify().ok


def test_demo_network_day(app):
    from governance.meetings.demo import seed_network_day

    with app.app_context():
        meeting = seed_network_day(None)
        db.session.commit()
        assert meeting.date == dt.date(2017, 11, 30) and "Stadhuisplein 2" in meeting.place
        assert len(meeting.items) == 12
        board = [i for i in meeting.items if i.kind.value == "general_board"]
        assert [(format_time(i.starts_at), format_time(i.ends_at)) for i in board] == [("15:30", "16:00")]
        assert format_time(meeting.items[0].starts_at) == "10:00"
        titles = [a.title for a in agenda(meeting)]
        assert "Goedkeuring begroting 2018" in titles
        assert seed_network_day(None).id == meeting.id  # running it again adds nothing


def test_demo_network_day_on_the_2017_network(app, demo):
    from governance.meetings.demo import seed_network_day
    from governance.voting.models import PollKind, PollState

    with app.app_context():
        meeting = seed_network_day(None)
        db.session.commit()
        points = agenda(meeting)
        assert [p.title for p in points] == [
            "Lidmaatschap Assen",
            "Lidmaatschap Hilversum",
            "Goedkeuring begroting 2018",
            "Terugkoppeling dagelijks bestuur",
        ]
        # The admission votes stand prepared as drafts; the budget motion is a draft tied to the budget.
        assert [(p.linked_poll.kind, p.linked_poll.state) for p in points[:2]] == [
            (PollKind.ADMISSION, PollState.DRAFT)
        ] * 2
        assert [p.linked_poll.application.city.name for p in points[:2]] == ["Assen", "Hilversum"]
        assert (points[2].poll.kind, points[2].poll.state) == (PollKind.MOTION, PollState.DRAFT)
        budget = points[2].document_version
        assert budget.document.title == "Begroting 2018" and budget.document.publish_on == dt.date(2017, 11, 20)
        # 38 member cities on the day, none of which has answered yet.
        assert len(attendance(meeting).unanswered) == 38
        assert network_name_on(meeting.date) == "G32"


def test_secretariat_edits_and_removes_programme_items(app, client, people, day):
    people.login(client, day["sec"])
    a, b, _ = day["items"]
    form = client.get(f"/meetings/{day['meeting']}/items/{b}/edit").get_data(as_text=True)
    assert 'value="10:00"' in form and 'value="Jeugd"' in form
    r = client.post(
        f"/meetings/{day['meeting']}/items/{b}/edit",
        data={
            "start": "11:15",
            "end": "12:15",
            "kind": "theme_group",
            "title": "Jeugd",
            "room": "Zaal 1",
            "capacity": "",
        },
    )
    assert r.status_code == 302
    with app.app_context():
        item = get_item(db.session.get(Meeting, day["meeting"]), b)
        assert (format_time(item.starts_at), item.kind.value, item.room) == ("11:15", "theme_group", "Zaal 1")
        register(None, item.meeting, RegistrationInput("Een", "", "een@x.test", None, True, [a]))
        db.session.commit()
    # An item people registered for stays; an empty one can go.
    page = client.post(f"/meetings/{day['meeting']}/items/{a}/delete", follow_redirects=True).get_data(as_text=True)
    assert "cannot be removed" in page
    client.post(f"/meetings/{day['meeting']}/items/{b}/delete")
    with app.app_context():
        assert [i.id for i in db.session.get(Meeting, day["meeting"]).items] == [a, day["items"][2]]
    r = client.post(
        f"/meetings/{day['meeting']}/edit",
        data={"title": "Netwerkdag Lelystad", "date": "2017-11-30", "place": "Stadhuisplein 2, Lelystad"},
    )
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, day["meeting"]).title == "Netwerkdag Lelystad"


def _two_for_one_place(app, people, day):
    token = people.token(day["sec"])
    with app.app_context():
        meeting = db.session.get(Meeting, day["meeting"])
        first = register(None, meeting, RegistrationInput("Een", "", "een@x.test", None, True, [day["items"][0]]))
        register(None, meeting, RegistrationInput("Twee", "", "twee@x.test", None, True, [day["items"][0]]))
        db.session.commit()
        return token, first.id


def test_whoever_moves_up_is_told_by_email(app, api, people, day, smtp):
    _, inbox = smtp
    token, first = _two_for_one_place(app, people, day)
    assert api("DELETE", f"/meetings/{day['meeting']}/registrations/{first}", token=token).status_code == 204
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"].addresses[0].addr_spec == "twee@x.test"
    assert "Wal en schip" in message["Subject"]


def test_a_mail_failure_does_not_undo_the_move_up(app, api, people, day):
    token, first = _two_for_one_place(app, people, day)  # MAIL_PORT 1: nobody listens
    assert api("DELETE", f"/meetings/{day['meeting']}/registrations/{first}", token=token).status_code == 204
    with app.app_context():
        registration = db.session.scalars(sa.select(Registration).where(Registration.email == "twee@x.test")).one()
        assert registration.places[0].status == PlaceStatus.REGISTERED


def test_a_refused_change_tells_nobody(app, client, people, day, smtp):
    _, inbox = smtp
    _two_for_one_place(app, people, day)
    people.login(client, day["sec"])
    # A refused change (an overlap) moves nobody and tells nobody; the accepted one tells who moved up.
    a = day["items"][0]
    with app.app_context():
        add_item(
            None,
            db.session.get(Meeting, day["meeting"]),
            ItemInput("09:00", "09:30", "other", "Ontvangst", room="Zaal 1"),
        )
        db.session.commit()
    r = client.post(
        f"/meetings/{day['meeting']}/items/{a}/edit",
        data={
            "start": "09:15",
            "end": "11:00",
            "kind": "theme_session",
            "title": "Wal en schip",
            "room": "Zaal 1",
            "capacity": "5",
        },
    )
    assert r.status_code == 422 and inbox.messages == []
    r = client.post(
        f"/meetings/{day['meeting']}/items/{a}/edit",
        data={
            "start": "10:00",
            "end": "11:00",
            "kind": "theme_session",
            "title": "Wal en schip",
            "room": "Zaal 1",
            "capacity": "5",
        },
    )
    assert r.status_code == 302 and [m["To"].addresses[0].addr_spec for m in inbox.messages] == ["twee@x.test"]


def test_a_move_up_that_is_rolled_back_is_not_announced(app, people, day, smtp):
    from governance.meetings import mail

    _, inbox = smtp
    _two_for_one_place(app, people, day)
    with app.test_request_context("/"):
        first = db.session.scalars(sa.select(Registration).where(Registration.email == "een@x.test")).one()
        cancel_registration(None, first)
        assert db.session.info.get(MOVED_UP_KEY)
        db.session.rollback()
        assert mail.send_moved_up_notices() == 0
    assert inbox.messages == []


def test_a_motion_tied_to_a_superseded_version_does_not_open(app, day):
    from governance.voting.services import create_poll, open_poll

    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        meeting = db.session.get(Meeting, day["meeting"])
        sec = db.session.get(User, day["sec_id"])
        document = add_document(sec, meeting, "Begroting 2018", local_today(), pdf_bytes("v1"))
        poll = create_poll(sec, title="Goedkeuring begroting 2018")
        add_agenda_item(sec, meeting, "Begroting 2018", poll_id=poll.id, document_version_id=document.latest.id)
        add_version(sec, document, pdf_bytes("v2"))
        db.session.commit()
        with pytest.raises(Conflict) as error:
            open_poll(sec, poll)
        assert "newer version" in error.value.message
        db.session.rollback()
        assert db.session.get(type(poll), poll.id).state.value == "draft"
