"""The general board's agenda: points tied to their poll, their application and the document version they approve."""

import sqlalchemy as sa
from flask_babel import gettext as _

from governance import audit
from governance.admissions.models import Application
from governance.errors import Conflict, ValidationFailed
from governance.extensions import db
from governance.meetings.fields import TEXT_MAX, clean_text, raise_if
from governance.meetings.models import AgendaItem, DocumentVersion, Meeting
from governance.voting.models import Poll


def agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(
        db.session.scalars(
            sa.select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def _poll(poll_id):
    if poll_id in (None, "", 0):
        return None
    poll = db.session.get(Poll, poll_id) if isinstance(poll_id, int) else None
    if poll is None:
        raise ValidationFailed.on("poll_id", _("There is no poll with number %(id)s.", id=poll_id))
    return poll


def _version(meeting: Meeting, version_id) -> DocumentVersion | None:
    if version_id in (None, "", 0):
        return None
    version = db.session.get(DocumentVersion, version_id) if isinstance(version_id, int) else None
    if version is None or version.document.meeting_id != meeting.id:
        raise ValidationFailed.on(
            "document_version_id", _("Document version %(id)s does not belong to this meeting.", id=version_id)
        )
    return version


def _application(application_id):
    if application_id in (None, "", 0):
        return None
    application = db.session.get(Application, application_id) if isinstance(application_id, int) else None
    if application is None:
        raise ValidationFailed.on("application_id", _("There is no application with number %(id)s.", id=application_id))
    return application


def add_agenda_item(
    actor, meeting: Meeting, title, description="", poll_id=None, document_version_id=None, application_id=None
) -> AgendaItem:
    """Put a point on the general board's agenda, linked to its poll and the document version it approves."""
    errors: dict[str, list[str]] = {}
    title = clean_text(errors, "title", title)
    description = clean_text(errors, "description", description, required=False, max_length=TEXT_MAX)
    raise_if(errors)
    poll = _poll(poll_id)
    version = _version(meeting, document_version_id)
    application = _application(application_id)
    if version is not None and poll is not None and poll.state.value != "draft":
        raise Conflict(_("Tie the document to the motion before its vote opens."))
    position = (
        db.session.scalar(sa.select(sa.func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)) or 0
    ) + 1
    item = AgendaItem(
        meeting_id=meeting.id,
        position=position,
        title=title,
        description=description,
        poll_id=poll.id if poll else None,
        application_id=application.id if application else None,
        document_version_id=version.id if version else None,
    )
    db.session.add(item)
    db.session.flush()
    audit.record(
        "meeting.agenda_item_added",
        item,
        actor,
        meeting_id=meeting.id,
        title=title,
        poll_id=item.poll_id,
        application_id=item.application_id,
        document_version_id=item.document_version_id,
        sha256=version.sha256 if version else None,
    )
    return item


def tie_to_latest_version(actor, item: AgendaItem) -> AgendaItem:
    """Tie a motion to the newest version of its document, as long as its vote has not opened."""
    if item.document_version is None:
        raise Conflict(_("This agenda item approves no document."))
    if item.poll is not None and item.poll.state.value != "draft":
        raise Conflict(_("The vote has opened; the document version it approves can no longer change."))
    latest = item.document_version.document.latest
    item.document_version_id = latest.id
    db.session.flush()
    db.session.refresh(item)
    audit.record("meeting.agenda_item_retied", item, actor, document_version_id=latest.id, sha256=latest.sha256)
    return item


def remove_agenda_item(actor, item: AgendaItem) -> None:
    audit.record("meeting.agenda_item_removed", item, actor, meeting_id=item.meeting_id, title=item.title)
    db.session.delete(item)
    db.session.flush()


def documents_for_poll(poll) -> list[AgendaItem]:
    """The agenda items that tie a poll to a document version (for the poll's page: "approves version N")."""
    return list(
        db.session.scalars(
            sa.select(AgendaItem).where(AgendaItem.poll_id == poll.id, AgendaItem.document_version_id.is_not(None))
        )
    )


def polls_to_link() -> list:
    """Polls the secretariat can put on an agenda, the newest first."""
    return list(db.session.scalars(sa.select(Poll).order_by(Poll.id.desc()).limit(200)))
