"""The meeting's part of a poll's signed record: which meeting, when and where, and who chaired it."""

from typing import Any

from governance.accounts.models import User
from governance.extensions import db
from governance.meetings.decisions import meeting_of_poll


def meeting_section(poll) -> dict[str, Any]:
    """{"meeting": {id, title, date, place, chair, opened_by}} for a poll of a meeting, else {"meeting": None}."""
    meeting = meeting_of_poll(poll)
    if meeting is None:
        return {"meeting": None}
    opener = db.session.get(User, poll.opened_by_id) if poll.opened_by_id else None
    closer = db.session.get(User, poll.closed_by_id) if poll.closed_by_id else None
    return {
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "date": meeting.date.isoformat(),
            "place": meeting.place,
            # The chair closes the vote; the record names who did.
            "chair": closer.name if closer else (opener.name if opener else None),
            "opened_by": opener.name if opener else None,
        }
    }


def register() -> None:
    """Add the meeting section to the record, after the network's (once the signed record exists)."""
    try:
        from governance.voting import record
    except ImportError:
        return
    if meeting_section not in record.RECORD_SECTIONS:
        record.RECORD_SECTIONS.insert(1, meeting_section)


register()
