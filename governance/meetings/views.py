"""Pages of the network day: the programme, invitations, registration, attendance, badges, documents, agenda."""

import os

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from governance import clock, exports
from governance.accounts.auth import allowed, login_required
from governance.errors import DomainError, NotFound
from governance.extensions import db
from governance.meetings import attendance as meetings_attendance
from governance.meetings import mail
from governance.meetings import registrations as meetings_registrations
from governance.meetings.agenda import (
    add_agenda_item,
    agenda,
    polls_to_link,
    remove_agenda_item,
    tie_to_latest_version,
)
from governance.meetings.attendance import badge_rows, registrations
from governance.meetings.badges import badges_pdf
from governance.meetings.calendar import meeting_calendar
from governance.meetings.documents import (
    add_document,
    add_version,
    document_path,
    version_for_download,
    visible_documents,
)
from governance.meetings.fields import format_time
from governance.meetings.forms import (
    AgendaForm,
    DocumentForm,
    InviteForm,
    ItemForm,
    MeetingForm,
    OnBehalfForm,
    RegistrationForm,
    VersionForm,
)
from governance.meetings.invitations import (
    LinkRefused,
    answer_invitation,
    invitation_for_person,
    invitation_for_token,
    invitees,
    send_invitations,
)
from governance.meetings.meeting import create_meeting, list_meetings, update_meeting
from governance.meetings.models import AgendaItem, Invitation, Meeting, MeetingDocument, PlaceStatus
from governance.meetings.programme import ItemInput, add_item, delete_item, get_item, update_item
from governance.meetings.registrations import (
    RegistrationInput,
    cancel_registration,
    find_registration,
    get_registration,
)
from governance.members.services import members_on
from governance.network.rules import network_name_on
from governance.views_common import errors_into_form
from governance.voting.services import create_poll

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


def _meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


def _is_secretariat() -> bool:
    return Meeting.can_manage(current_user)


def _time_slots(items):
    """The programme grouped by time slot: parallel sessions side by side."""
    slots: list[dict] = []
    for item in items:
        key = (item.starts_at, item.ends_at)
        if slots and slots[-1]["key"] == key:
            slots[-1]["items"].append(item)
        else:
            slots.append({"key": key, "start": item.starts_at, "end": item.ends_at, "items": [item]})
    return slots


@bp.app_context_processor
def meeting_helpers():
    return {"format_time": format_time, "can_retie": Meeting.can_retie}


# -- meetings and their programme ---------------------------------------------------------------


@bp.route("/")
@allowed(Meeting.can_read)
def meeting_list():
    return render_template("meetings/list.html", meetings=list_meetings(), on_day=clock.today())


@bp.route("/new", methods=["GET", "POST"])
@allowed(Meeting.can_create)
def meeting_new():
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = create_meeting(
                current_user, form.title.data, form.date.data, form.place.data, form.description.data or ""
            )
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            db.session.commit()
            flash(_("The meeting has been created. Now add its programme."), "success")
            return redirect(url_for("meetings.meeting_detail", meeting_id=meeting.id))
    return render_template(
        "meetings/meeting_form.html", form=form, meeting=None
    ), 422 if request.method == "POST" else 200


@bp.route("/<int:meeting_id>")
@allowed(Meeting.can_read)
def meeting_detail(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    today = clock.today()
    documents = visible_documents(meeting, current_user, today)
    own = find_registration(meeting, current_user.email)
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        slots=_time_slots(meeting.items),
        documents=documents,
        agenda=agenda(meeting),
        on_day=today,
        own=own,
        day_network_name=network_name_on(meeting.date),
        is_secretariat=_is_secretariat(),
        version_form=VersionForm(formdata=None),
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@allowed(Meeting.can_manage)
def meeting_edit(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = MeetingForm(obj=meeting)
    if form.validate_on_submit():
        try:
            update_meeting(
                current_user, meeting, form.title.data, form.date.data, form.place.data, form.description.data or ""
            )
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            db.session.commit()
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("meetings.meeting_detail", meeting_id=meeting.id))
    return render_template(
        "meetings/meeting_form.html", form=form, meeting=meeting
    ), 422 if request.method == "POST" else 200


def _item_input(form: ItemForm) -> ItemInput:
    return ItemInput(
        start=form.start.data,
        end=form.end.data,
        kind=form.kind.data,
        title=form.title.data,
        room=form.room.data or "",
        capacity=form.capacity.data,
        description=form.description.data or "",
        speakers=form.speakers.data or "",
    )


@bp.route("/<int:meeting_id>/items/new", methods=["GET", "POST"])
@allowed(Meeting.can_manage)
def item_new(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = ItemForm()
    if form.validate_on_submit():
        try:
            item = add_item(current_user, meeting, _item_input(form))
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            db.session.commit()
            flash(_("%(title)s has been added to the programme.", title=item.title), "success")
            return redirect(url_for("meetings.meeting_detail", meeting_id=meeting.id) + f"#item-{item.id}")
    return render_template(
        "meetings/item_form.html", form=form, meeting=meeting, item=None
    ), 422 if request.method == "POST" else 200


@bp.route("/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@allowed(Meeting.can_manage)
def item_edit(meeting_id, item_id):
    meeting = _meeting_or_404(meeting_id)
    try:
        item = get_item(meeting, item_id)
    except NotFound:
        abort(404)
    form = ItemForm(obj=item)
    if request.method == "GET":
        form.start.data = format_time(item.starts_at)
        form.end.data = format_time(item.ends_at)
        form.kind.data = item.kind.value
        form.capacity.data = item.capacity
    if form.validate_on_submit():
        try:
            update_item(current_user, item, _item_input(form))
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            db.session.commit()
            mail.send_moved_up_notices()
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("meetings.meeting_detail", meeting_id=meeting.id) + f"#item-{item.id}")
    return render_template(
        "meetings/item_form.html", form=form, meeting=meeting, item=item
    ), 422 if request.method == "POST" else 200


@bp.route("/<int:meeting_id>/items/<int:item_id>/delete", methods=["POST"])
@allowed(Meeting.can_manage)
def item_delete(meeting_id, item_id):
    meeting = _meeting_or_404(meeting_id)
    try:
        delete_item(current_user, get_item(meeting, item_id))
    except NotFound:
        abort(404)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The item has been removed from the programme."), "success")
    return redirect(url_for("meetings.meeting_detail", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/calendar.ics")
@allowed(Meeting.can_read)
def calendar(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    return _ics(meeting, None)


def _ics(meeting: Meeting, items) -> Response:
    return Response(
        meeting_calendar(meeting, items),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{meeting.date.isoformat()}.ics"'},
    )


# -- invitations and registering -----------------------------------------------------------------


@bp.route("/<int:meeting_id>/invitations", methods=["GET", "POST"])
@allowed(Meeting.can_manage)
def invitations(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            sent = send_invitations(
                current_user,
                meeting,
                lambda token: url_for("meetings.register", token=token, _external=True),
                only_unanswered=form.only_unanswered.data,
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                ngettext("%(num)d invitation has been sent.", "%(num)d invitations have been sent.", len(sent)),
                "success",
            )
            return redirect(url_for("meetings.invitations", meeting_id=meeting.id))
    sent = db.session.scalars(
        db.select(Invitation).where(Invitation.meeting_id == meeting.id).order_by(Invitation.name)
    ).all()
    answered = {r.email for r in registrations(meeting)}
    return render_template(
        "meetings/invitations.html",
        meeting=meeting,
        form=form,
        invitees=invitees(meeting),
        sent=sent,
        answered=answered,
    )


def _choices(meeting: Meeting, form: RegistrationForm) -> None:
    numbers = {row.item.id: row for row in meetings_attendance.attendance(meeting).items}
    choices = []
    for item in meeting.items:
        row = numbers[item.id]
        label = f"{format_time(item.starts_at)}–{format_time(item.ends_at)} {item.title}"
        if row.places_left == 0:
            label += " — " + _("full: you will be on the waiting list")
        elif row.places_left is not None:
            label += " — " + _("%(n)d places left", n=row.places_left)
        choices.append(SelectChoice(item.id, label))
    form.items.choices = choices


def _registration_input(form: RegistrationForm) -> RegistrationInput:
    return RegistrationInput(
        name=form.name.data,
        function=form.function.data or "",
        attending=form.attending.data == "yes",
        item_ids=form.items.data or [],
    )


def _answer_page(invitation: Invitation, token: str | None):
    """The registration form for one invited person (through their link, or logged in)."""
    meeting = invitation.meeting
    registration = find_registration(meeting, invitation.email)
    form = RegistrationForm()
    _choices(meeting, form)
    if request.method == "GET":
        source = registration or invitation
        form.name.data = source.name
        form.function.data = source.function
        form.attending.data = "no" if registration is not None and not registration.attending else "yes"
        form.items.data = [p.item_id for p in registration.places] if registration else []
    if form.validate_on_submit():
        try:
            registration = answer_invitation(invitation, _registration_input(form))
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            db.session.commit()
            mail.send_moved_up_notices()
            if registration.attending:
                flash(_("Thank you, your registration has been saved."), "success")
            else:
                flash(_("Thank you, we have noted that you cannot attend."), "success")
            target = (
                url_for("meetings.register", token=token)
                if token
                else url_for("meetings.register_self", meeting_id=meeting.id)
            )
            return redirect(target)
    return render_template(
        "meetings/register.html",
        meeting=meeting,
        invitation=invitation,
        form=form,
        registration=registration,
        token=token,
        slots=_time_slots(meeting.items),
        day_network_name=network_name_on(meeting.date),
        waitlisted=PlaceStatus.WAITLISTED,
    ), 422 if request.method == "POST" else 200


@bp.route("/register/<token>", methods=["GET", "POST"])
def register(token):
    try:
        invitation = invitation_for_token(token)
    except LinkRefused as error:
        db.session.rollback()
        return render_template("meetings/link_refused.html", message=error.message), error.status
    return _answer_page(invitation, token)


@bp.route("/register/<token>/calendar.ics")
def register_calendar(token):
    try:
        invitation = invitation_for_token(token)
    except LinkRefused as error:
        return render_template("meetings/link_refused.html", message=error.message), error.status
    return _own_calendar(invitation.meeting, invitation.email)


def _own_calendar(meeting: Meeting, email: str) -> Response:
    registration = find_registration(meeting, email)
    items = [p.item for p in registration.places if p.status == PlaceStatus.REGISTERED] if registration else []
    return _ics(meeting, items)


@bp.route("/<int:meeting_id>/register", methods=["GET", "POST"])
@login_required
def register_self(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    invitation = invitation_for_person(meeting, current_user)
    return _answer_page(invitation, None)


@bp.route("/<int:meeting_id>/my-calendar.ics")
@login_required
def my_calendar(meeting_id):
    return _own_calendar(_meeting_or_404(meeting_id), current_user.email)


# -- attendance, registrations by the secretariat, exports, badges ----------------------------------------


@bp.route("/<int:meeting_id>/attendance")
@allowed(Meeting.can_see_attendance)
def attendance(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    return render_template(
        "meetings/attendance.html",
        meeting=meeting,
        numbers=meetings_attendance.attendance(meeting),
        registered=PlaceStatus.REGISTERED,
        is_secretariat=_is_secretariat(),
    )


@bp.route("/<int:meeting_id>/registrations/new", methods=["GET", "POST"])
@allowed(Meeting.can_manage)
def registration_new(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = OnBehalfForm()
    _choices(meeting, form)

    form.city_id.choices = [SelectChoice(0, _("— none —"))] + [
        SelectChoice(c.id, c.name) for c in members_on(meeting.date)
    ]
    if form.validate_on_submit():
        data = _registration_input(form)
        data.email, data.city_id = form.email.data, form.city_id.data or None
        try:
            registration = meetings_registrations.register(current_user, meeting, data, on_behalf=True)
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s has been registered.", name=registration.name), "success")
            return redirect(url_for("meetings.attendance", meeting_id=meeting.id))
    return render_template(
        "meetings/on_behalf.html", meeting=meeting, form=form
    ), 422 if request.method == "POST" else 200


@bp.route("/<int:meeting_id>/registrations/<int:registration_id>/delete", methods=["POST"])
@allowed(Meeting.can_manage)
def registration_delete(meeting_id, registration_id):
    meeting = _meeting_or_404(meeting_id)
    try:
        registration = get_registration(meeting, registration_id)
    except NotFound:
        abort(404)
    name = registration.name
    cancel_registration(current_user, registration)
    db.session.commit()
    mail.send_moved_up_notices()
    flash(_("The registration of %(name)s has been cancelled.", name=name), "success")
    return redirect(url_for("meetings.attendance", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/attendance.csv")
@allowed(Meeting.can_see_attendance)
def export_csv(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    return exports.download(meetings_attendance.export_csv(meeting), f"attendance-{meeting.date}.csv")


@bp.route("/<int:meeting_id>/attendance.xlsx")
@allowed(Meeting.can_see_attendance)
def export_xlsx(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    return exports.download(meetings_attendance.export_xlsx(meeting), f"attendance-{meeting.date}.xlsx")


@bp.route("/<int:meeting_id>/badges.pdf")
@allowed(Meeting.can_manage)
def badges(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    pdf = badges_pdf(meeting, badge_rows(meeting), network_name_on(meeting.date))
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="badges-{meeting.date}.pdf"'},
    )


# -- documents ---------------------------------------------------------------------------------------


def _read_upload(storage) -> bytes:
    return storage.stream.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)


@bp.route("/<int:meeting_id>/documents/new", methods=["GET", "POST"])
@allowed(Meeting.can_manage)
def document_new(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = DocumentForm()
    form.item_id.choices = [SelectChoice(0, _("— the whole meeting —"))] + [
        SelectChoice(i.id, f"{format_time(i.starts_at)} {i.title}") for i in meeting.items
    ]
    if form.validate_on_submit():
        try:
            document = add_document(
                current_user,
                meeting,
                form.title.data,
                form.publish_on.data,
                _read_upload(form.file.data),
                item_id=form.item_id.data or None,
            )
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            db.session.commit()
            flash(_("%(title)s has been uploaded (version 1).", title=document.title), "success")
            return redirect(url_for("meetings.meeting_detail", meeting_id=meeting.id) + "#documents")
    return render_template(
        "meetings/document_form.html", meeting=meeting, form=form
    ), 422 if request.method == "POST" else 200


@bp.route("/documents/<int:document_id>/versions", methods=["POST"])
@allowed(Meeting.can_manage)
def document_version_new(document_id):
    document = db.get_or_404(MeetingDocument, document_id)
    form = VersionForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for error in form.file.errors) or _("Choose a PDF file to upload."), "error")
        return redirect(url_for("meetings.meeting_detail", meeting_id=document.meeting_id) + "#documents")
    try:
        version = add_version(current_user, document, _read_upload(form.file.data))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Version %(n)d of %(title)s has been uploaded.", n=version.version, title=document.title), "success")
    return redirect(url_for("meetings.meeting_detail", meeting_id=document.meeting_id) + "#documents")


@bp.route("/documents/<int:document_id>/v<int:number>.pdf")
@allowed(Meeting.can_read)
def document_download(document_id, number):
    document = db.get_or_404(MeetingDocument, document_id)
    try:
        version = version_for_download(document, number, current_user, clock.today())
    except NotFound:
        abort(404)
    path = document_path(version)
    if not os.path.isfile(path):
        raise NotFound(
            _("The file of this document is missing on the server; the secretariat can upload the version again.")
        )
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,  # a download, never a page of this site
        download_name=f"document-{document.id}-v{version.version}.pdf",
        etag=version.sha256,
        max_age=0,
    )


# -- the general board's agenda ---------------------------------------------------------------------------


def _agenda_choices(meeting: Meeting, form: AgendaForm) -> None:
    form.poll_id.choices = [SelectChoice(0, _("— no vote —"))] + [
        SelectChoice(poll.id, f"#{poll.id} {poll.title} ({poll.state.value})") for poll in polls_to_link()
    ]
    versions = []
    for document in visible_documents(meeting, current_user, clock.today()):
        for version in document.versions:
            label = _(
                "%(title)s, version %(n)d (SHA-256 %(hash)s…)",
                title=document.title,
                n=version.version,
                hash=version.sha256[:12],
            )
            versions.append(SelectChoice(version.id, label))
    form.document_version_id.choices = [SelectChoice(0, _("— none —"))] + versions


@bp.route("/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
@allowed(Meeting.can_manage)
def agenda_new(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = AgendaForm()
    _agenda_choices(meeting, form)
    if form.validate_on_submit():
        try:
            poll_id = form.poll_id.data or None
            if form.new_motion.data:
                poll_id = create_poll(current_user, title=form.title.data, description=form.description.data or "").id
            add_agenda_item(
                current_user,
                meeting,
                form.title.data,
                form.description.data or "",
                poll_id=poll_id,
                document_version_id=form.document_version_id.data or None,
            )
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            db.session.commit()
            flash(_("The item has been added to the agenda."), "success")
            return redirect(url_for("meetings.meeting_detail", meeting_id=meeting.id) + "#agenda")
    return render_template(
        "meetings/agenda_form.html", meeting=meeting, form=form
    ), 422 if request.method == "POST" else 200


@bp.route("/agenda/<int:agenda_id>/retie", methods=["POST"])
@allowed(Meeting.can_retie)
def agenda_retie(agenda_id):
    item = db.get_or_404(AgendaItem, agenda_id)
    try:
        tie_to_latest_version(current_user, item)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The motion now approves the latest version."), "success")
    if request.form.get("back") == "poll" and item.poll_id:
        return redirect(url_for("voting.poll_detail", poll_id=item.poll_id))
    return redirect(url_for("meetings.meeting_detail", meeting_id=item.meeting_id) + "#agenda")


@bp.route("/agenda/<int:agenda_id>/delete", methods=["POST"])
@allowed(Meeting.can_manage)
def agenda_delete(agenda_id):
    item = db.get_or_404(AgendaItem, agenda_id)
    meeting_id = item.meeting_id
    remove_agenda_item(current_user, item)
    db.session.commit()
    flash(_("The item has been removed from the agenda."), "success")
    return redirect(url_for("meetings.meeting_detail", meeting_id=meeting_id) + "#agenda")
