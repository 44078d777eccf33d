"""The meeting room: who is present, proxies (volmachten), what a poll of the meeting froze, who casts for whom."""

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any, Optional

import sqlalchemy as sa
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from governance import audit, clock
from governance.accounts.models import Role, User, holds
from governance.database import lock_for_update
from governance.errors import Conflict, Forbidden, NotFound, ValidationFailed
from governance.extensions import db
from governance.meetings.documents import check_pdf, documents_dir, store_file
from governance.meetings.models import Meeting, MeetingPresence, PollPresence, Proxy
from governance.members import services as members
from governance.members.models import City
from governance.network import rules
from governance.voting import record
from governance.voting.models import Ballot, CastMode, Poll, PollEligibleCity, PollState, PollVoter


def get_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("There is no meeting with number %(id)s.", id=meeting_id))
    return meeting


def _city(city_id: Any, field_name: str) -> City:
    if isinstance(city_id, bool) or not isinstance(city_id, int):
        raise ValidationFailed.on(field_name, _("Must be the number of a city."))
    city = db.session.get(City, city_id)
    if city is None:
        raise ValidationFailed.on(field_name, _("There is no city with number %(id)s.", id=city_id))
    return city


def _member_city(meeting: Meeting, city_id: Any, field_name: str) -> City:
    """A city that is a member on the meeting's date; 422 with a sentence otherwise."""
    city = _city(city_id, field_name)
    if city.id not in rules.member_ids_on(meeting.date):
        raise ValidationFailed.on(
            field_name,
            _(
                "%(city)s is not a member city on %(date)s, the day of the meeting.",
                city=city.name,
                date=meeting.date.isoformat(),
            ),
        )
    return city


# -- presence ---------------------------------------------------------------------------------------


@dataclass
class CityPresence:
    """One member city at a meeting: present or not, and whose proxy it gave or holds."""

    city: City
    present: bool
    by_vote: bool = False
    proxy: Optional[Proxy] = None  # the active proxy this city gave
    holds: list[Proxy] = field(default_factory=list)  # the active proxies this city holds

    @property
    def represented_by(self) -> Optional[City]:
        return self.proxy.to_city if self.proxy is not None else None


@dataclass
class Presence:
    """Who is present at a meeting, who is represented, and whether that makes a quorum."""

    rows: list[CityPresence]

    @property
    def members(self) -> int:
        return len(self.rows)

    @property
    def present(self) -> int:
        return sum(1 for row in self.rows if row.present)

    @property
    def represented(self) -> int:
        """Absent cities whose proxy is held by a present city."""
        present_ids = {row.city.id for row in self.rows if row.present}
        return sum(
            1 for row in self.rows if not row.present and row.proxy is not None and row.proxy.to_city_id in present_ids
        )

    @property
    def needed(self) -> int:
        """The smallest number present or represented that is more than half of the members."""
        return rules.quorum_needed(self.members)

    @property
    def quorum_present(self) -> bool:
        return rules.quorum_met(self.present + self.represented, self.members)

    def sentence(self) -> str:
        """'21 of 38 present or represented; needed: 20'."""
        return _(
            "%(count)d of %(members)d present or represented; needed: %(needed)d",
            count=self.present + self.represented,
            members=self.members,
            needed=self.needed,
        )


def active_proxies(meeting: Meeting) -> list[Proxy]:
    return list(
        db.session.scalars(
            sa.select(Proxy).where(Proxy.meeting_id == meeting.id, Proxy.revoked_at.is_(None)).order_by(Proxy.id)
        )
    )


def presence(meeting: Meeting) -> Presence:
    """The member cities on the meeting's date, each present or absent, with the active proxies."""
    cities = members.members_on(meeting.date)
    marks = {
        row.city_id: row
        for row in db.session.scalars(sa.select(MeetingPresence).where(MeetingPresence.meeting_id == meeting.id))
    }
    rows = {
        city.id: CityPresence(
            city,
            bool(marks.get(city.id) and marks[city.id].present),
            bool(marks.get(city.id) and marks[city.id].by_vote),
        )
        for city in cities
    }
    for proxy in active_proxies(meeting):
        if proxy.from_city_id in rows:
            rows[proxy.from_city_id].proxy = proxy
        if proxy.to_city_id in rows:
            rows[proxy.to_city_id].holds.append(proxy)
    return Presence(list(rows.values()))


def _upsert_presence(meeting_id: int, city_id: int, present: bool, actor_id: Optional[int], by_vote: bool) -> None:
    # One statement: two taps at once on the same city must not collide on the primary key.
    connection = db.session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    values = {"present": present, "by_vote": by_vote, "updated_at": clock.now(), "updated_by_id": actor_id}
    stmt = insert(MeetingPresence.__table__).values(meeting_id=meeting_id, city_id=city_id, **values)
    connection.execute(stmt.on_conflict_do_update(index_elements=["meeting_id", "city_id"], set_=values))


def set_presence(actor, meeting: Meeting, city_id: Any, present: Any) -> CityPresence:
    """Mark a member city present or absent at the meeting (the chair or the secretariat)."""
    if not isinstance(present, bool):
        raise ValidationFailed.on("present", _("Must be true or false."))
    city = _member_city(meeting, city_id, "city_id")
    _upsert_presence(meeting.id, city.id, present, getattr(actor, "id", None), False)
    db.session.expire_all()
    audit.record("meeting.presence", meeting, actor, city_id=city.id, present=present)
    return next(row for row in presence(meeting).rows if row.city.id == city.id)


def mark_present_by_vote(meeting_id: int, city_id: int, user_id: Optional[int]) -> None:
    """A board member who votes in a poll of the meeting makes the city present from then on."""
    _upsert_presence(meeting_id, city_id, True, user_id, True)


def presence_json(meeting: Meeting, state: Optional[Presence] = None) -> dict:
    state = state or presence(meeting)
    return {
        "meeting_id": meeting.id,
        "members": state.members,
        "present": state.present,
        "represented": state.represented,
        "needed": state.needed,
        "quorum_present": state.quorum_present,
        "cities": [city_presence_json(row) for row in state.rows],
    }


def city_presence_json(row: CityPresence) -> dict:
    return {
        "city_id": row.city.id,
        "name": row.city.name,
        "present": row.present,
        "represented_by": row.represented_by.id if row.represented_by else None,
        "holds": [p.from_city_id for p in row.holds],
    }


# -- proxies ------------------------------------------------------------------------------------------


def _lock_meeting(meeting: Meeting) -> None:
    """Serialise proxy changes of one meeting, so two clerks cannot both give the holder its last place."""
    db.session.scalars(lock_for_update(sa.select(Meeting.id).where(Meeting.id == meeting.id))).first()


def record_proxy(actor, meeting: Meeting, from_city_id: Any, to_city_id: Any, mandate: Optional[bytes] = None) -> Proxy:
    """Record that `to_city`'s board member casts `from_city`'s vote at this meeting; refuse chains and excess."""
    errors: dict[str, list[str]] = {}
    cities: dict[str, City] = {}
    for name, value in (("from_city_id", from_city_id), ("to_city_id", to_city_id)):
        try:
            cities[name] = _member_city(meeting, value, name)
        except ValidationFailed as error:
            errors.update(error.fields)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    giver, holder = cities["from_city_id"], cities["to_city_id"]
    if mandate is not None:
        try:
            check_pdf(mandate)
        except ValidationFailed as error:
            raise ValidationFailed(
                error.message, fields={"mandate": error.fields.get("file", [error.message])}
            ) from None
    _lock_meeting(meeting)
    network = rules.get_network()
    active = active_proxies(meeting)

    def conflict(message: str) -> Conflict:
        return Conflict(message, code="proxy_conflict")

    if giver.id == holder.id:
        raise conflict(_("A city cannot give its proxy to itself."))
    given = next((p for p in active if p.from_city_id == giver.id), None)
    if given is not None:
        raise conflict(
            _(
                "%(city)s has already given its proxy to %(holder)s; revoke that one first.",
                city=giver.name,
                holder=given.to_city.name,
            )
        )
    onward = next((p for p in active if p.from_city_id == holder.id), None)
    if onward is not None:
        raise conflict(
            _(
                "%(holder)s has itself given its proxy to %(other)s; a proxy cannot be passed on.",
                holder=holder.name,
                other=onward.to_city.name,
            )
        )
    held_by_giver = next((p for p in active if p.to_city_id == giver.id), None)
    if held_by_giver is not None:
        raise conflict(
            _(
                "%(city)s holds the proxy of %(other)s; a proxy cannot be passed on.",
                city=giver.name,
                other=held_by_giver.from_city.name,
            )
        )
    held = [p for p in active if p.to_city_id == holder.id]
    if len(held) >= network.max_proxies_per_holder:
        raise conflict(
            ngettext(
                "%(holder)s already holds %(num)d proxy, the most one city may hold.",
                "%(holder)s already holds %(num)d proxies, the most one city may hold.",
                len(held),
                holder=holder.name,
            )
            if held
            else _("The network's rules allow no proxies.")
        )
    proxy = Proxy(
        meeting_id=meeting.id, from_city_id=giver.id, to_city_id=holder.id, created_by_id=getattr(actor, "id", None)
    )
    if mandate is not None:
        proxy.mandate_name, proxy.mandate_sha256 = store_file(mandate)
        proxy.mandate_size = len(mandate)
    db.session.add(proxy)
    db.session.flush()
    audit.record(
        "proxy.recorded",
        proxy,
        actor,
        meeting_id=meeting.id,
        from_city_id=giver.id,
        to_city_id=holder.id,
        mandate_sha256=proxy.mandate_sha256,
    )
    return proxy


def get_proxy(meeting: Meeting, proxy_id: int) -> Proxy:
    proxy = db.session.get(Proxy, proxy_id)
    if proxy is None or proxy.meeting_id != meeting.id:
        raise NotFound(_("There is no proxy with number %(id)s at this meeting.", id=proxy_id))
    return proxy


def revoke_proxy(actor, proxy: Proxy) -> Proxy:
    """Revoke a proxy; it stays in the history, and a poll already open keeps what it froze."""
    if proxy.revoked_at is not None:
        raise Conflict(_("This proxy has already been revoked."))
    proxy.revoked_at = clock.now()
    proxy.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record("proxy.revoked", proxy, actor, meeting_id=proxy.meeting_id, from_city_id=proxy.from_city_id)
    return proxy


def proxies(meeting: Meeting) -> list[Proxy]:
    """Every proxy of the meeting, revoked ones included, in the order they were recorded."""
    return list(db.session.scalars(sa.select(Proxy).where(Proxy.meeting_id == meeting.id).order_by(Proxy.id)))


def mandate_path(proxy: Proxy) -> str:
    if not proxy.mandate_name:
        raise NotFound(_("This proxy has no signed mandate."))
    return os.path.join(documents_dir(), proxy.mandate_name)


def proxy_json(proxy: Proxy) -> dict:
    return {
        "id": proxy.id,
        "meeting_id": proxy.meeting_id,
        "from_city_id": proxy.from_city_id,
        "to_city_id": proxy.to_city_id,
        "revoked": proxy.revoked,
        "mandate_sha256": proxy.mandate_sha256,
        "created_at": proxy.created_at.isoformat(timespec="seconds"),
        "revoked_at": proxy.revoked_at.isoformat(timespec="seconds") if proxy.revoked_at else None,
    }


# -- polls of a meeting ---------------------------------------------------------------------------------


def meeting_for_new_poll(meeting_id: Any, previous: Optional[Poll]) -> Optional[int]:
    """The meeting a new poll belongs to: the one asked for, or a re-vote's predecessor's."""
    if meeting_id is None:
        return previous.meeting_id if previous is not None else None
    if isinstance(meeting_id, bool) or not isinstance(meeting_id, int) or db.session.get(Meeting, meeting_id) is None:
        raise ValidationFailed.on("meeting_id", _("There is no meeting with number %(id)s.", id=meeting_id))
    return meeting_id


def freeze_for_poll(poll: Poll) -> Presence:
    """At open: refuse without a quorum present, else freeze presence and the active proxies for the poll."""
    meeting = get_meeting(poll.meeting_id)
    state = presence(meeting)
    if not state.quorum_present:
        count = state.present + state.represented
        raise Conflict(
            ngettext(
                "%(num)d of %(members)d member cities is present or represented; more than half, "
                "at least %(needed)d, must be before the vote can open.",
                "%(num)d of %(members)d member cities are present or represented; more than half, "
                "at least %(needed)d, must be before the vote can open.",
                count,
                members=state.members,
                needed=state.needed,
            ),
            code="quorum_not_present",
        )
    db.session.add_all(
        PollPresence(
            poll_id=poll.id,
            city_id=row.city.id,
            present=row.present,
            proxy_id=row.proxy.id if row.proxy else None,
            proxy_to_city_id=row.proxy.to_city_id if row.proxy else None,
        )
        for row in state.rows
    )
    return state


def frozen_presence(poll: Poll) -> list[PollPresence]:
    """What the poll froze when it opened (empty for a poll outside a meeting or not yet open)."""
    return list(db.session.scalars(sa.select(PollPresence).where(PollPresence.poll_id == poll.id)))


def frozen_json(poll: Poll) -> Optional[dict]:
    """Presence and proxies as the poll froze them, for the API and the signed record."""
    if poll.meeting_id is None or poll.state == PollState.DRAFT:
        return None
    rows = frozen_presence(poll)
    present = {r.city_id for r in rows if r.present}
    return {
        "meeting_id": poll.meeting_id,
        "members": len(rows),
        "present": sorted(present),
        "represented": sorted(r.city_id for r in rows if not r.present and r.proxy_to_city_id in present),
        "proxies": [
            {"id": r.proxy_id, "from_city_id": r.city_id, "to_city_id": r.proxy_to_city_id}
            for r in sorted(rows, key=lambda r: r.proxy_id or 0)
            if r.proxy_id is not None
        ],
    }


def _frozen_row(poll_id: int, city_id: int) -> Optional[PollPresence]:
    return db.session.get(PollPresence, (poll_id, city_id))


def city_name(city_id: int) -> str:
    city = db.session.get(City, city_id)
    return city.name if city is not None else str(city_id)


def casting(
    user: Optional[User],
    poll_id: int,
    meeting_id: Optional[int],
    secret: bool,
    *,
    on_behalf_of: Any = None,
    city_id: Any = None,
    in_room: Any = False,
) -> tuple[int, CastMode]:
    """Which city's vote this user casts in this poll, and how; refuse who may not (the poll is open)."""
    if in_room is not None and not isinstance(in_room, bool):
        raise ValidationFailed.on("in_room", _("Must be true or false."))
    if in_room:
        if not Poll.can_record_hand(user):
            raise Forbidden(_("Only the chair or the secretariat records a hand raised in the room."))
        if secret:
            raise Conflict(_("A secret poll takes no hands in the room: how a city votes must stay unknown."))
        if isinstance(city_id, bool) or not isinstance(city_id, int):
            raise ValidationFailed.on("city_id", _("Name the city whose hand is recorded."))
        _refuse_if_delegated(poll_id, meeting_id, city_id)
        return city_id, CastMode.IN_ROOM
    if not Poll.can_cast(user):
        if holds(user, Role.SECRETARIAT):
            raise Forbidden(
                _("The secretariat never votes, not even on an account that also has the board role."),
                code="not_eligible",
            )
        raise Forbidden(_("Only a board member of a member city can vote."), code="not_eligible")
    if on_behalf_of is not None and on_behalf_of != user.city_id:
        if isinstance(on_behalf_of, bool) or not isinstance(on_behalf_of, int):
            raise ValidationFailed.on("on_behalf_of", _("Must be the number of a city."))
        frozen = _frozen_row(poll_id, on_behalf_of) if meeting_id is not None else None
        if frozen is None or frozen.proxy_to_city_id != user.city_id:
            raise Forbidden(
                _(
                    "%(own)s holds no proxy of %(city)s in this poll.",
                    own=city_name(user.city_id),
                    city=city_name(on_behalf_of),
                ),
                code="not_eligible",
            )
        return on_behalf_of, CastMode.PROXY
    _refuse_if_delegated(poll_id, meeting_id, user.city_id)
    return user.city_id, CastMode.ONLINE


def _refuse_if_delegated(poll_id: int, meeting_id: Optional[int], city_id: int) -> None:
    """A city that gave its proxy, frozen in this poll, does not vote itself: its holder does."""
    if meeting_id is None:
        return
    frozen = _frozen_row(poll_id, city_id)
    if frozen is not None and frozen.proxy_to_city_id is not None:
        raise Forbidden(
            _(
                "%(city)s gave its proxy to %(holder)s for this meeting: %(holder)s casts its vote.",
                city=city_name(city_id),
                holder=city_name(frozen.proxy_to_city_id),
            ),
            code="not_eligible",
        )


def not_voted(poll: Poll) -> list[int]:
    """The eligible cities that did not vote, by name."""
    rows = db.session.execute(
        sa.select(City.id, City.name)
        .join(PollEligibleCity, PollEligibleCity.city_id == City.id)
        .outerjoin(PollVoter, sa.and_(PollVoter.poll_id == poll.id, PollVoter.city_id == City.id))
        .where(PollEligibleCity.poll_id == poll.id, PollVoter.city_id.is_(None))
    ).all()
    return [row.id for row in sorted(rows, key=lambda r: members.name_sort_key(r.name))]


def cast_modes(poll: Poll) -> dict[int, tuple[CastMode, int]]:
    """For each city that voted: how its vote came in and who cast or entered it."""
    # Plain rows, not ORM objects: the close of a poll of thousands asks this once per city.
    rows = db.session.execute(
        sa.select(PollVoter.city_id, PollVoter.cast_mode, PollVoter.user_id).where(PollVoter.poll_id == poll.id)
    )
    return {city_id: (mode, user_id) for city_id, mode, user_id in rows}


def complete_result(
    poll: Poll,
    result: dict,
    effects: Optional[dict],
    modes: Optional[dict[int, tuple[CastMode, int]]] = None,
    voters: Optional[int] = None,
) -> dict:
    """Add to a result being frozen: how each named vote was cast, who did not vote, and the effects.

    `modes` is `cast_modes(poll)` when the caller has read it already (the close reads it with the ballots);
    `voters` the number of cities that voted, when known: if every eligible city did, none is looked for.
    """
    if modes is None:
        modes = cast_modes(poll) if result.get("votes") else {}
    for vote in result.get("votes") or []:
        mode, user_id = modes.get(vote["city_id"], (CastMode.ONLINE, None))
        vote["cast"] = mode.value
        if mode == CastMode.IN_ROOM:
            vote["entered_by"] = user_id
    result["not_voted"] = [] if voters is not None and voters >= poll.eligible_count else not_voted(poll)
    result["effects"] = effects or {"admitted": [], "renamed": None}
    return result


# -- the ballot page: whose vote the user casts ----------------------------------------------------------


@dataclass
class Ballots:
    """The cities whose vote a board member casts in one poll, and, if their own is held, by whom."""

    own: Optional[City]
    held: list[City]  # cities whose proxy the user's city holds in this poll
    delegated_to: Optional[City]  # the city that holds the user's city's proxy in this poll


def ballots_for(user: Optional[User], poll: Poll) -> Ballots:
    if not Poll.can_cast(user):
        return Ballots(None, [], None)
    if poll.meeting_id is None or poll.state == PollState.DRAFT:
        return Ballots(user.city, [], None)
    rows = frozen_presence(poll)
    own_row = next((r for r in rows if r.city_id == user.city_id), None)
    holder = db.session.get(City, own_row.proxy_to_city_id) if own_row and own_row.proxy_to_city_id else None
    held = [db.session.get(City, r.city_id) for r in rows if r.proxy_to_city_id == user.city_id]
    return Ballots(None if holder else user.city, sorted(held, key=members.sort_key), holder)


def effects_sentences(effects: Optional[dict]) -> list[str]:
    """'Assen is a member from 1 January 2018; the network is called G40 from that day.'"""
    if not effects:
        return []
    sentences = []
    renamed = effects.get("renamed")
    for admitted in effects.get("admitted") or []:
        day = dt.date.fromisoformat(admitted["from"])
        name = city_name(admitted["city_id"])
        if renamed and renamed.get("valid_from") == admitted["from"]:
            sentences.append(
                _(
                    "%(city)s is a member from %(date)s; the network is called %(name)s from that day.",
                    city=name,
                    date=format_date(day, "long"),
                    name=renamed["to"],
                )
            )
            renamed = None
        else:
            sentences.append(_("%(city)s is a member from %(date)s.", city=name, date=format_date(day, "long")))
    if renamed:
        sentences.append(
            _(
                "The network is called %(name)s from %(date)s.",
                name=renamed["to"],
                date=format_date(dt.date.fromisoformat(renamed["valid_from"]), "long"),
            )
        )
    return sentences


# -- the pages' questions ------------------------------------------------------------------------------------


def upcoming_meetings() -> list[Meeting]:
    """Today's meeting and later ones, nearest first."""
    return list(db.session.scalars(sa.select(Meeting).where(Meeting.date >= clock.today()).order_by(Meeting.date)))


def polls_of(meeting: Meeting) -> list[Poll]:
    """The polls of a meeting, in the order they were made."""
    return list(db.session.scalars(sa.select(Poll).where(Poll.meeting_id == meeting.id).order_by(Poll.id)))


def hands_to_record(poll: Poll) -> list[City]:
    """In an open named poll: the eligible cities that have not voted and cast their own vote (no proxy given)."""
    if poll.secret or poll.state != PollState.OPEN:
        return []
    voted = set(cast_modes(poll))
    delegated = {r.city_id for r in frozen_presence(poll) if r.proxy_to_city_id is not None}
    cities = db.session.scalars(
        sa.select(City)
        .join(PollEligibleCity, PollEligibleCity.city_id == City.id)
        .where(PollEligibleCity.poll_id == poll.id)
    ).all()
    return sorted((c for c in cities if c.id not in voted and c.id not in delegated), key=members.sort_key)


def named_ballot(poll: Poll, city_id: int) -> Optional[Ballot]:
    """A named poll's ballot of a city (what it voted and its receipt); None in a secret poll."""
    if poll.secret:
        return None
    return db.session.scalars(sa.select(Ballot).where(Ballot.poll_id == poll.id, Ballot.city_id == city_id)).first()


# -- the signed record: the meeting, presence and proxies as frozen, how each vote was cast ------------------------


def record_section(poll: Poll) -> dict:
    """The meeting room's part of a closed poll's signed record: presence and proxies as frozen, how each vote came.

    How each vote was cast is written into the votes section itself (meetings/record_section.py).
    """

    section: dict[str, Any] = {
        "presence": frozen_json(poll),
        "not_voted": (poll.result or {}).get("not_voted", not_voted(poll)),
    }
    frozen = section["presence"]
    section["proxies"] = (
        [
            {**p, "from_city": city_name(p["from_city_id"]), "to_city": city_name(p["to_city_id"])}
            for p in frozen["proxies"]
        ]
        if frozen
        else None
    )
    # How each vote was cast is added to the votes in place by meetings/record_section.votes_section.
    return section


def _register_record_section() -> None:
    if record_section not in record.RECORD_SECTIONS:
        record.RECORD_SECTIONS.append(record_section)


_register_record_section()
