"""The decision list (besluitenlijst) of a meeting: every closed poll with its tally and the document it approved.

It is put to the next meeting as a PDF that a motion approves (the same tie of a motion to a document version
as any other); once that motion is adopted the list is locked: the items frozen when it was proposed are the list.
"""

import datetime as dt
import hashlib
import io
from typing import Any, Optional
from xml.sax.saxutils import escape

import sqlalchemy as sa
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from governance import audit, clock, labels
from governance.accounts.models import User
from governance.errors import Conflict, ValidationFailed
from governance.extensions import db
from governance.meetings.agenda import add_agenda_item, agenda, documents_for_poll, tie_to_latest_version
from governance.meetings.badges import _font_names
from governance.meetings.documents import add_document, add_version
from governance.meetings.minutes_models import DecisionList
from governance.meetings.models import AgendaItem, Meeting
from governance.network.rules import network_name_on
from governance.voting import services as voting
from governance.voting.models import Poll, PollState

# -- which polls belong to a meeting --------------------------------------------------------------


def meeting_polls(meeting: Meeting) -> list[Poll]:
    """The polls of a meeting: those that name it, and those its agenda decides by, in the order they opened."""
    found: dict[int, Poll] = {}
    for poll in db.session.scalars(sa.select(Poll).where(Poll.meeting_id == meeting.id)):
        found[poll.id] = poll
    for point in agenda(meeting):
        if point.poll is not None:
            found[point.poll.id] = point.poll
        if point.application_id is not None:
            for poll in db.session.scalars(sa.select(Poll).where(Poll.application_id == point.application_id)):
                found[poll.id] = poll
    return sorted(found.values(), key=lambda p: (p.opened_at or dt.datetime.max, p.id))


def meeting_of_poll(poll: Poll) -> Optional[Meeting]:
    """The meeting a poll belongs to: the one it names, else the first whose agenda decides by it."""
    if poll.meeting_id is not None:
        return db.session.get(Meeting, poll.meeting_id)
    conditions = [AgendaItem.poll_id == poll.id]
    if poll.application_id is not None:
        conditions.append(AgendaItem.application_id == poll.application_id)
    point = db.session.scalars(
        sa.select(AgendaItem).where(sa.or_(*conditions)).order_by(AgendaItem.meeting_id).limit(1)
    ).first()
    return point.meeting if point is not None else None


# -- the list -----------------------------------------------------------------------------------------


def _document_of(poll: Poll) -> Optional[dict[str, Any]]:
    for point in documents_for_poll(poll):
        version = point.document_version
        return {"title": version.document.title, "version": version.version, "sha256": version.sha256}
    return None


def live_items(meeting: Meeting) -> list[dict[str, Any]]:
    """Every closed poll of the meeting as a decision: outcome, tally, and the document version it approved."""
    items = []
    for poll in meeting_polls(meeting):
        if poll.state != PollState.CLOSED or poll.result is None:
            continue
        result = poll.result
        document = _document_of(poll)
        items.append(
            {
                "poll_id": poll.id,
                "title": poll.title,
                "outcome": result["outcome"],
                "reason": result["reason"],
                "yes": result["yes"],
                "no": result["no"],
                "abstain": result["abstain"],
                "cast": result["cast"],
                "eligible": result["eligible"],
                "closed_at": poll.closed_at.isoformat(timespec="seconds") if poll.closed_at else None,
                "document_sha256": document["sha256"] if document else None,
                "document": document,
            }
        )
    items.sort(key=lambda item: (item["closed_at"] or "", item["poll_id"]))
    return items


def decision_list_of(meeting: Meeting) -> Optional[DecisionList]:
    return db.session.scalars(sa.select(DecisionList).where(DecisionList.meeting_id == meeting.id)).first()


def items_of(meeting: Meeting) -> list[dict[str, Any]]:
    """The decisions as they stand: frozen once the list is adopted, else as the polls closed."""
    proposal = decision_list_of(meeting)
    if proposal is not None and proposal.adopted:
        return proposal.items
    return live_items(meeting)


def adoption_of(proposal: Optional[DecisionList]) -> Optional[dict[str, Any]]:
    """Who adopted the list and when: the motion, its meeting, its close and the chair who closed it."""
    if proposal is None or not proposal.adopted:
        return None
    poll = proposal.poll
    closer = db.session.get(User, poll.closed_by_id) if poll.closed_by_id else None
    return {
        "poll_id": poll.id,
        "meeting_id": proposal.adopting_meeting_id,
        "meeting_title": proposal.adopting_meeting.title,
        "meeting_date": proposal.adopting_meeting.date.isoformat(),
        "adopted_at": poll.closed_at.isoformat(timespec="seconds") if poll.closed_at else None,
        "closed_by": closer.name if closer else None,
        "yes": poll.result["yes"],
        "no": poll.result["no"],
        "abstain": poll.result["abstain"],
    }


def decisions_json(meeting: Meeting) -> dict[str, Any]:
    proposal = decision_list_of(meeting)
    items = items_of(meeting)
    return {
        "meeting_id": meeting.id,
        "items": [
            {key: item[key] for key in ("poll_id", "title", "outcome", "yes", "no", "abstain", "document_sha256")}
            | {"reason": item["reason"], "closed_at": item["closed_at"]}
            for item in items
        ],
        "locked": bool(proposal and proposal.adopted),
        "proposed": None
        if proposal is None
        else {
            "meeting_id": proposal.adopting_meeting_id,
            "poll_id": proposal.poll_id,
            "sha256": proposal.sha256,
            "document_sha256": proposal.document_version.sha256,
        },
        "adopted": adoption_of(proposal),
    }


def _digest(items: list[dict[str, Any]]) -> tuple[str, str]:
    text = audit.canonical(items)
    return text, hashlib.sha256(text.encode()).hexdigest()


def next_meetings(meeting: Meeting) -> list[Meeting]:
    """The meetings after this one, the nearest first: where its decision list can be adopted."""
    return list(
        db.session.scalars(
            sa.select(Meeting).where(Meeting.date > meeting.date).order_by(Meeting.date, Meeting.id).limit(20)
        )
    )


def propose_for_adoption(actor, meeting: Meeting, adopting_meeting: Optional[Meeting]) -> DecisionList:
    """Put the decision list to a later meeting: its PDF as a document there, and a motion that approves it."""
    if adopting_meeting is None or adopting_meeting.date <= meeting.date:
        raise ValidationFailed.on(
            "adopting_meeting_id", _("Choose a meeting after %(date)s.", date=format_date(meeting.date, "long"))
        )
    polls = meeting_polls(meeting)
    if any(p.state == PollState.OPEN for p in polls):
        raise Conflict(_("A vote of this meeting is still open; close it before putting the decision list forward."))
    items = live_items(meeting)
    if not items:
        raise Conflict(_("This meeting has taken no decisions yet: no vote of it has closed."))
    proposal = decision_list_of(meeting)
    if proposal is not None:
        if proposal.adopted:
            raise Conflict(_("This decision list has been adopted and is locked: it can no longer change."))
        if proposal.poll.state == PollState.OPEN:
            raise Conflict(_("The vote on this decision list is open; it cannot change now."))
    text, digest = _digest(items)
    with force_locale("nl"):
        title = _("Decision list %(meeting)s, %(date)s", meeting=meeting.title, date=format_date(meeting.date, "long"))
        motion_title = _("Adoption of the decision list of %(date)s", date=format_date(meeting.date, "long"))
        pdf = decisions_pdf(meeting, items, proposal=None)
    if proposal is not None and proposal.poll.state == PollState.DRAFT:
        # Still being prepared: a new version of the same document, and the motion tied to it.
        version = add_version(actor, proposal.document_version.document, pdf)
        point = db.session.scalars(sa.select(AgendaItem).where(AgendaItem.poll_id == proposal.poll_id)).first()
        if point is not None:
            tie_to_latest_version(actor, point)
        proposal.items_json, proposal.sha256, proposal.document_version_id = text, digest, version.id
    else:
        document = add_document(actor, adopting_meeting, title, clock.today(), pdf)
        poll = voting.create_poll(
            actor,
            title=motion_title,
            description=_("The general board adopts the decision list of %(meeting)s.", meeting=meeting.title),
            previous_poll_id=proposal.poll_id if proposal is not None else None,
            meeting_id=adopting_meeting.id,
        )
        add_agenda_item(actor, adopting_meeting, motion_title, poll_id=poll.id, document_version_id=document.latest.id)
        if proposal is None:
            proposal = DecisionList(meeting_id=meeting.id)
            db.session.add(proposal)
        proposal.items_json, proposal.sha256 = text, digest
        proposal.adopting_meeting_id, proposal.document_version_id, proposal.poll_id = (
            adopting_meeting.id,
            document.latest.id,
            poll.id,
        )
    proposal.proposed_at = clock.now()
    proposal.proposed_by_id = getattr(actor, "id", None)
    db.session.flush()
    db.session.refresh(proposal)
    audit.record(
        "meeting.decisions_proposed",
        meeting,
        actor,
        adopting_meeting_id=adopting_meeting.id,
        poll_id=proposal.poll_id,
        sha256=digest,
        document_sha256=proposal.document_version.sha256,
    )
    return proposal


def check_decision_lists_against_chain(entries) -> list[str]:
    """Each decision list holds the items whose fingerprint the chain recorded when it was last put forward."""
    proposed: dict[str, str] = {}
    for entry in entries:
        if entry.action == "meeting.decisions_proposed":
            proposed[entry.object_id] = entry.payload().get("sha256")
    problems = []
    for proposal in db.session.scalars(sa.select(DecisionList)):
        actual = hashlib.sha256(proposal.items_json.encode()).hexdigest()
        if actual != proposal.sha256 or proposed.get(str(proposal.meeting_id)) != actual:
            problems.append(f"the decision list of meeting {proposal.meeting_id} differs from the audit chain")
    return problems


audit.register_consistency_check(check_decision_lists_against_chain)


# -- words and the PDF ---------------------------------------------------------------------------------


def decisions_pdf(meeting: Meeting, items: list[dict[str, Any]], proposal: Optional[DecisionList]) -> bytes:
    """The decision list for the minutes: one row per decision with its tally and the approved document."""
    regular, bold = _font_names()
    network = network_name_on(meeting.date)
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=HexColor("#333333"))
    head = ParagraphStyle("head", parent=body, fontName=bold, fontSize=18, leading=22, spaceAfter=4)
    cell_bold = ParagraphStyle("cellbold", parent=body, fontName=bold)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Decision list") + f" — {meeting.title}",
        author=network,
    )
    story = [
        Paragraph(_("Decision list"), head),
        Paragraph(f"<b>{_esc(network)}</b> · {_esc(meeting.title)}", body),
        Paragraph(f"{_esc(format_date(meeting.date, 'full'))} · {_esc(meeting.place)}", body),
        Spacer(1, 6 * mm),
    ]
    rows = [
        [
            Paragraph(f"<b>{_esc(h)}</b>", body)
            for h in ("#", _("Decision"), _("Outcome"), *(labels.choice(c) for c in ("yes", "no", "abstain")))
        ]
    ]
    for number, item in enumerate(items, start=1):
        decision = [Paragraph(_esc(item["title"]), cell_bold)]
        if item.get("document"):
            doc = item["document"]
            decision.append(
                Paragraph(
                    _esc(_("Approves %(title)s, version %(version)d", title=doc["title"], version=doc["version"])),
                    small,
                )
            )
        if item.get("document_sha256"):
            decision.append(Paragraph("SHA-256 " + _esc(item["document_sha256"]), small))
        rows.append(
            [
                Paragraph(str(number), body),
                decision,
                Paragraph(_esc(labels.decision(item)), body),
                Paragraph(str(item["yes"]), body),
                Paragraph(str(item["no"]), body),
                Paragraph(str(item["abstain"]), body),
            ]
        )
    if not items:
        rows.append(["", Paragraph(_esc(_("No decisions yet.")), body), "", "", "", ""])
    table = Table(rows, colWidths=[9 * mm, 88 * mm, 35 * mm, 14 * mm, 14 * mm, 14 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, HexColor("#1d4e89")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, HexColor("#b0b0b0")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 8 * mm))
    adoption = adoption_of(proposal)
    if adoption:
        story.append(
            Paragraph(
                _esc(
                    _(
                        "Adopted by the general board at %(meeting)s on %(date)s (vote %(poll)d: %(yes)d for, "
                        "%(no)d against, %(abstain)d abstentions). This list is locked.",
                        meeting=adoption["meeting_title"],
                        date=format_date(dt.date.fromisoformat(adoption["meeting_date"]), "long"),
                        poll=adoption["poll_id"],
                        yes=adoption["yes"],
                        no=adoption["no"],
                        abstain=adoption["abstain"],
                    )
                ),
                body,
            )
        )
    else:
        story.append(Paragraph(_esc(_("Not yet adopted: the next meeting adopts this list.")), body))
    document.build(story)
    return out.getvalue()


def _esc(text: str) -> str:
    return escape(str(text))
