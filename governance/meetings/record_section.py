"""The meeting room's part of a poll's signed record: the meeting and its chair, presence and proxies as frozen
at open, and how each named vote was cast (online, by proxy, by hand in the room) and by whom."""

from typing import Any

from governance.accounts.models import User
from governance.extensions import db
from governance.meetings import room
from governance.meetings.decisions import meeting_of_poll
from governance.voting import record
from governance.voting.models import CastMode


def _name(user_id) -> Any:
    user = db.session.get(User, user_id) if user_id else None
    return user.name if user is not None else None


def meeting_section(poll) -> dict[str, Any]:
    """{"meeting": {id, title, date, place, chair, opened_by}} for a poll of a meeting, else {"meeting": None}."""
    meeting = meeting_of_poll(poll)
    if meeting is None:
        return {"meeting": None}
    return {
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "date": meeting.date.isoformat(),
            "place": meeting.place,
            # The chair closes the vote; the record names who did.
            "chair": _name(poll.closed_by_id) or _name(poll.opened_by_id),
            "opened_by": _name(poll.opened_by_id),
        }
    }


def presence_section(poll) -> dict[str, Any]:
    """Who was present and which proxies were active, as the poll froze them when it opened (None outside a meeting);
    each proxy names both cities, so that the record reads without the database."""
    frozen = room.frozen_json(poll)
    if frozen is not None:
        frozen["proxies"] = [
            proxy | {"from_city": room.city_name(proxy["from_city_id"]), "to_city": room.city_name(proxy["to_city_id"])}
            for proxy in frozen["proxies"]
        ]
    return {"presence": frozen}


def votes_section(poll) -> dict[str, Any]:
    """The named votes of the ledger's record, each with how it was cast and who cast or entered it."""
    section = record.votes_section(poll)
    modes = room.cast_modes(poll)
    for vote in section.get("votes") or []:
        mode, user_id = modes.get(vote["city_id"], (CastMode.ONLINE, None))
        vote["cast"] = mode.value
        if mode == CastMode.IN_ROOM:
            vote["entered_by"] = _name(user_id)
        elif mode == CastMode.PROXY:
            holder = db.session.get(User, user_id) if user_id else None
            vote["cast_by"] = holder.name if holder else None
            vote["cast_by_city"] = holder.city.name if holder is not None and holder.city is not None else None
            if vote["cast_by_city"] is None:
                # The frozen proxy names the holding city even when the voter's account names none.
                frozen = room.frozen_json(poll) or {}
                held = [p for p in frozen.get("proxies") or [] if p.get("from_city_id") == vote["city_id"]]
                vote["cast_by_city"] = room.city_name(held[0]["to_city_id"]) if held else None
    return section


def register() -> None:
    """Add the meeting room's sections to the record, last, so that they complete what other sections say of the
    meeting and presence (the chair, the proxies' city names); the votes say how each was cast, in place."""
    sections = record.RECORD_SECTIONS
    if meeting_section in sections:
        return
    sections.extend([meeting_section, presence_section])
    if record.votes_section in sections:
        sections[sections.index(record.votes_section)] = votes_section


register()
