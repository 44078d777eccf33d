"""The big screen of a meeting: which poll it shows, what it shows of it, and the signed link that opens it.

The link needs no login: it is signed with the app's secret, names one meeting and carries the meeting's current
link version and an expiry (from the one clock); revoking bumps the version, so every earlier link stops working.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from governance import audit, clock
from governance.errors import DomainError
from governance.extensions import db
from governance.meetings import room
from governance.meetings.decisions import meeting_polls
from governance.meetings.minutes_models import MeetingScreen
from governance.meetings.models import Meeting
from governance.meetings.room import effects_sentences
from governance.members.models import Membership, NetworkName
from governance.network.rules import network_name_on
from governance.voting import services as voting
from governance.voting.models import Poll, PollState

SCREEN_SALT = "meeting-screen"
DEFAULT_LINK_HOURS = 48


class ScreenLinkRefused(DomainError):
    """A screen link that is forged, expired, revoked or for another meeting."""

    status = 403
    code = "forbidden"


# -- the link ---------------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SCREEN_SALT)


def link_version(meeting: Meeting) -> int:
    row = db.session.get(MeetingScreen, meeting.id)
    return row.link_version if row is not None else 1


def link_hours() -> int:
    return int(current_app.config.get("SCREEN_LINK_HOURS", DEFAULT_LINK_HOURS))


def screen_token(meeting: Meeting) -> str:
    """A signed token for this meeting's screen, valid for SCREEN_LINK_HOURS from now or until revoked."""
    expires = clock.aware_now() + dt.timedelta(hours=link_hours())
    return _serializer().dumps({"m": meeting.id, "v": link_version(meeting), "x": int(expires.timestamp())})


def link_expires(token: str) -> Optional[dt.datetime]:
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    return dt.datetime.fromtimestamp(payload["x"], dt.UTC).astimezone(clock.zone())


def meeting_for_token(meeting: Meeting, token: str) -> Meeting:
    """The meeting a screen link opens; refused with a sentence when it is forged, expired, revoked or elsewhere."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        payload = None
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), int) for k in ("m", "v", "x")):
        raise ScreenLinkRefused(
            _("This screen link is not valid. Ask the chair or the secretariat for the link of this meeting.")
        )
    if payload["m"] != meeting.id:
        raise ScreenLinkRefused(
            _("This screen link is for another meeting. Ask the chair or the secretariat for the link of this one.")
        )
    if payload["v"] != link_version(meeting):
        raise ScreenLinkRefused(_("This screen link has been revoked. Ask the chair or the secretariat for a new one."))
    if payload["x"] < clock.aware_now().timestamp():
        raise ScreenLinkRefused(_("This screen link has expired. Ask the chair or the secretariat for a new one."))
    return meeting


def revoke_screen_links(actor, meeting: Meeting) -> int:
    """Stop every screen link of this meeting handed out so far; return the new link version."""
    row = db.session.get(MeetingScreen, meeting.id)
    if row is None:
        row = MeetingScreen(meeting_id=meeting.id, link_version=1)
        db.session.add(row)
    row.link_version += 1
    row.revoked_at = clock.now()
    row.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record("meeting.screen_links_revoked", meeting, actor, link_version=row.link_version)
    return row.link_version


# -- what the screen shows ------------------------------------------------------------------------------


def current_poll(meeting: Meeting) -> Optional[Poll]:
    """The poll the screen follows: the one open (the latest opened), else the last closed."""
    polls = meeting_polls(meeting)
    open_polls = [p for p in polls if p.state == PollState.OPEN]
    if open_polls:
        return max(open_polls, key=lambda p: (p.opened_at or dt.datetime.min, p.id))
    closed = [p for p in polls if p.state == PollState.CLOSED]
    if closed:
        return max(closed, key=lambda p: (p.closed_at or dt.datetime.min, p.id))
    return None


def effects_of(poll: Poll) -> dict[str, Any]:
    """What a closed poll changed: the cities admitted from a date, and the network renamed from a date."""
    result = poll.result or {}
    if isinstance(result.get("effects"), dict):
        return result["effects"]
    effects: dict[str, Any] = {"admitted": [], "renamed": None}
    if poll.application_id is None or result.get("outcome") != "adopted":
        return effects
    for membership in db.session.scalars(sa.select(Membership).where(Membership.application_id == poll.application_id)):
        effects["admitted"].append(
            {"city_id": membership.city_id, "from": membership.joined_on.isoformat() if membership.joined_on else None}
        )
    name = db.session.scalars(sa.select(NetworkName).where(NetworkName.poll_id == poll.id)).first()
    if name is not None:
        before = name.valid_from - dt.timedelta(days=1) if name.valid_from else None
        effects["renamed"] = {
            "from": network_name_on(before) if before else None,
            "to": name.name,
            "valid_from": name.valid_from.isoformat() if name.valid_from else None,
        }
    return effects


def effect_sentences(poll: Poll) -> list[str]:
    """The effects in words: "Assen is a member from 1 January 2018; the network is called G40 from that day"."""
    sentences = effects_sentences(effects_of(poll))
    if poll.application_id is not None and (poll.result or {}).get("outcome") == "rejected":
        sentences.append(_("%(city)s does not become a member.", city=poll.application.city.name))
    return sentences


def _long(day: Optional[dt.date]) -> str:
    return format_date(day, "long") if day else "?"


@dataclass
class CityTile:
    id: int
    name: str
    voted: bool
    choice: Optional[str] = None


@dataclass
class ScreenState:
    meeting: Meeting
    network_name: str
    poll: Optional[Poll]
    tiles: list[CityTile] = field(default_factory=list)
    cast: int = 0
    eligible: int = 0
    result: Optional[dict[str, Any]] = None
    effects: list[str] = field(default_factory=list)
    presence: Optional[dict[str, Any]] = None

    @property
    def key(self) -> str:
        """Changes when the screen must be redrawn: another poll, or the same poll in another state."""
        return f"{self.poll.id}:{self.poll.state.value}" if self.poll else "none"

    @property
    def quorum_needed(self) -> int:
        return self.eligible // 2 + 1

    @property
    def quorum_reached(self) -> bool:
        return self.cast >= self.quorum_needed

    @property
    def voted_ids(self) -> list[int]:
        return [t.id for t in self.tiles if t.voted]


def _presence(meeting: Meeting, poll: Optional[Poll]) -> Optional[dict[str, Any]]:
    """Present and represented cities: as the poll froze them at open, else as they stand now."""
    frozen = room.frozen_json(poll) if poll is not None and poll.meeting_id else None
    if frozen is not None:
        return {
            "members": frozen["members"],
            "present": len(frozen["present"]),
            "represented": len(frozen["represented"]),
        }
    now = room.presence(meeting)
    return {"members": now.members, "present": now.present, "represented": now.represented}


def screen_state(meeting: Meeting) -> ScreenState:
    """Everything the big screen shows now; how each city voted only once the poll is closed and named."""
    poll = current_poll(meeting)
    state = ScreenState(
        meeting=meeting,
        network_name=network_name_on(meeting.date),
        poll=poll,
        presence=_presence(meeting, poll),
    )
    if poll is None or poll.state == PollState.DRAFT:
        return state
    turnout = voting.turnout(poll)
    state.eligible = len(turnout.eligible)
    state.cast = turnout.cast_count
    choices: dict[int, str] = {}
    if poll.state == PollState.CLOSED:
        state.result = poll.result
        state.effects = effect_sentences(poll)
        for vote in (poll.result or {}).get("votes") or []:
            if vote.get("city_id") is not None:
                choices[vote["city_id"]] = vote["choice"]
    state.tiles = [CityTile(c.id, c.name, c.id in turnout.voted, choices.get(c.id)) for c in turnout.eligible]
    return state


def meeting_day_text(meeting: Meeting) -> str:
    return format_date(meeting.date, "full")
