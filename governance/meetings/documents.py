"""The day's documents: PDF uploads in numbered versions, published to board members from a date."""

import datetime as dt
import hashlib
import io
import os
import secrets
import warnings

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from pypdf import PdfReader

from governance import audit
from governance.database import lock_for_update
from governance.errors import Conflict, NotFound, ValidationFailed
from governance.extensions import db
from governance.meetings.fields import add_error, clean_text, raise_if
from governance.meetings.models import AgendaItem, DocumentVersion, Meeting, MeetingDocument
from governance.meetings.pdfs import active_content
from governance.voting.models import Poll, PollState


def documents_dir() -> str:
    path = current_app.config["DOCUMENTS_DIR"]
    os.makedirs(path, exist_ok=True)
    return path


def check_pdf(data: bytes) -> None:
    """Accept only a readable PDF within the size limit; the content decides, not the file's name."""
    limit = int(current_app.config["UPLOAD_MAX_BYTES"])
    if not data:
        raise ValidationFailed.on("file", _("Choose a PDF file to upload."))
    if len(data) > limit:
        raise ValidationFailed.on("file", _("The file is larger than %(mb)s MB.", mb=limit // (1024 * 1024)))
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise ValidationFailed.on("file", _("Only PDF files can be uploaded; this file is not a PDF."))
    problem = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            pages = len(reader.pages)
            problem = active_content(data, reader) if pages else None
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of error for a damaged file; all mean "unreadable"
        pages = 0
    if pages < 1:
        raise ValidationFailed.on("file", _("This PDF cannot be read; upload a complete, undamaged PDF."))
    if problem:
        raise ValidationFailed.on("file", problem)


def store_file(data: bytes) -> tuple[str, str]:
    """Write the bytes under a generated name; returns that name and the SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    name = secrets.token_hex(16) + ".pdf"
    directory = documents_dir()
    tmp = os.path.join(directory, "." + name + ".part")
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, os.path.join(directory, name))
    return name, digest


def document_path(version: DocumentVersion) -> str:
    return os.path.join(documents_dir(), version.stored_name)


def get_document(document_id: int) -> MeetingDocument:
    document = db.session.get(MeetingDocument, document_id)
    if document is None:
        raise NotFound(_("There is no document with number %(id)s.", id=document_id))
    return document


def _validate_document(meeting: Meeting, title, publish_on, item_id) -> dict:
    errors: dict[str, list[str]] = {}
    values = {"title": clean_text(errors, "title", title)}
    if publish_on is None:
        add_error(errors, "publish_on", _("This field is required."))
    elif not isinstance(publish_on, dt.date):
        add_error(errors, "publish_on", _("Must be a date as YYYY-MM-DD."))
    values["publish_on"] = publish_on
    values["item_id"] = None
    if item_id not in (None, "", 0):
        if not any(item.id == item_id for item in meeting.items):
            add_error(errors, "item_id", _("Programme item %(id)s is not part of this meeting.", id=item_id))
        else:
            values["item_id"] = item_id
    raise_if(errors)
    return values


def add_document(actor, meeting: Meeting, title, publish_on, data: bytes, item_id=None) -> MeetingDocument:
    """Upload a PDF as a new document (version 1), visible to board members from its publication date."""
    values = _validate_document(meeting, title, publish_on, item_id)
    check_pdf(data)
    document = MeetingDocument(meeting_id=meeting.id, **values)
    db.session.add(document)
    db.session.flush()
    _add_version(actor, document, data)
    audit.record(
        "meeting.document_added",
        document,
        actor,
        meeting_id=meeting.id,
        title=document.title,
        publish_on=document.publish_on,
    )
    return document


def open_polls_on(document: MeetingDocument) -> list:
    """The open polls that approve a version of this document."""
    return list(
        db.session.scalars(
            sa.select(Poll)
            .join(AgendaItem, AgendaItem.poll_id == Poll.id)
            .join(DocumentVersion, DocumentVersion.id == AgendaItem.document_version_id)
            .where(DocumentVersion.document_id == document.id, Poll.state == PollState.OPEN)
        )
    )


def lock_documents(document_ids) -> None:
    """Lock documents' rows until commit, so that opening a vote on one and uploading a version take turns."""
    if not document_ids:
        return
    stmt = sa.select(MeetingDocument).where(MeetingDocument.id.in_(document_ids))
    for document in db.session.scalars(lock_for_update(stmt).execution_options(populate_existing=True)):
        db.session.expire(document, ["versions"])  # read the versions anew, now that no upload can slip in


def add_version(actor, document: MeetingDocument, data: bytes) -> DocumentVersion:
    """Upload a new version; the earlier ones stay. Refused while the board votes on this document."""
    lock_documents({document.id})
    polls = open_polls_on(document)
    if polls:
        raise Conflict(
            _(
                "The board is voting on version %(v)d of this document (%(poll)s); a new version can "
                "only be added after that vote closes.",
                v=document.latest.version,
                poll=polls[0].title,
            )
        )
    check_pdf(data)
    return _add_version(actor, document, data)


def _add_version(actor, document: MeetingDocument, data: bytes) -> DocumentVersion:
    number = (
        db.session.scalar(
            sa.select(sa.func.max(DocumentVersion.version)).where(DocumentVersion.document_id == document.id)
        )
        or 0
    ) + 1
    stored, digest = store_file(data)
    version = DocumentVersion(
        document_id=document.id,
        version=number,
        stored_name=stored,
        size=len(data),
        sha256=digest,
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(version)
    db.session.flush()
    db.session.refresh(document)
    audit.record(
        "meeting.document_version_added",
        version,
        actor,
        document_id=document.id,
        version=number,
        sha256=digest,
        size=len(data),
    )
    return version


def visible_documents(meeting: Meeting, user, today: dt.date) -> list[MeetingDocument]:
    """The meeting's documents the user may see today: the secretariat all, others from their publication date."""
    query = sa.select(MeetingDocument).where(MeetingDocument.meeting_id == meeting.id)
    if not Meeting.can_see_unpublished(user):
        query = query.where(MeetingDocument.publish_on <= today)
    return list(db.session.scalars(query.order_by(MeetingDocument.publish_on, MeetingDocument.id)))


def version_for_download(document: MeetingDocument, number: int, user, today: dt.date) -> DocumentVersion:
    """A version the user may download; an unpublished document does not exist for board members."""
    if not Meeting.can_see_unpublished(user) and not document.is_published(today):
        raise NotFound(_("There is no document with number %(id)s.", id=document.id))
    version = next((v for v in document.versions if v.version == number), None)
    if version is None:
        raise NotFound(_("This document has no version %(n)s.", n=number))
    return version
