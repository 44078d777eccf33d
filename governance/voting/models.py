"""Polls, the cities eligible in each, who voted, and the ballots."""

import datetime as dt
import enum
import json
from typing import Any, Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from governance import clock
from governance.accounts.models import EVERY_ROLE, Role, holds, may_vote
from governance.extensions import db
from governance.members.models import Majority
from governance.models_base import enum_column


class PollKind(enum.StrEnum):
    ADMISSION = "admission"
    MOTION = "motion"


class PollState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class CastMode(enum.StrEnum):
    """How a city's vote came in: its own board member online, a proxy holder, or a hand in the room."""

    ONLINE = "online"
    PROXY = "proxy"
    IN_ROOM = "in_room"


class Choice(enum.StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class Poll(db.Model):
    """A question put to the board: draft, then open, then closed for good."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[PollKind] = so.mapped_column(enum_column(PollKind, "poll_kind"))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    state: so.Mapped[PollState] = so.mapped_column(enum_column(PollState, "poll_state"), default=PollState.DRAFT)
    secret: so.Mapped[bool] = so.mapped_column(default=False)
    majority: so.Mapped[Majority] = so.mapped_column(enum_column(Majority, "majority"), default=Majority.SIMPLE)
    application_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("application.id"), index=True)
    previous_poll_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("poll.id"))
    # A poll of a meeting opens only with a quorum present and freezes presence and proxies.
    meeting_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("meeting.id"), index=True)
    created_by_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)
    opened_at: so.Mapped[Optional[dt.datetime]]
    opened_by_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id"))
    closed_at: so.Mapped[Optional[dt.datetime]]
    closed_by_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id"))
    eligible_count: so.Mapped[int] = so.mapped_column(default=0)
    # Frozen in the close transaction; never written again.
    result_json: so.Mapped[Optional[str]] = so.mapped_column(sa.Text)
    # The audit chain's head once the close was sealed: the signed record carries it.
    audit_head_seq: so.Mapped[Optional[int]]
    audit_head_hash: so.Mapped[Optional[str]] = so.mapped_column(sa.String(64))

    application: so.Mapped[Optional["Application"]] = so.relationship()  # noqa: F821
    previous_poll: so.Mapped[Optional["Poll"]] = so.relationship(remote_side="Poll.id")

    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'admission' AND application_id IS NOT NULL) OR (kind = 'motion' AND application_id IS NULL)",
            name="kind_matches_application",
        ),
    )

    @property
    def result(self) -> Optional[dict[str, Any]]:
        return json.loads(self.result_json) if self.result_json else None

    def is_eligible(self, city_id: Optional[int]) -> bool:
        """Whether the city is on the poll's eligible list (empty until the poll opens)."""
        if city_id is None or self.id is None:
            return False
        row = db.session.scalar(
            sa.select(PollEligibleCity.city_id).where(
                PollEligibleCity.poll_id == self.id, PollEligibleCity.city_id == city_id
            )
        )
        return row is not None

    # -- who may do what --------------------------------------------------------------------------

    @classmethod
    def can_read(cls, user) -> bool:
        """Every role reads the polls, their turnout count, their results and their signed records.

        Choices stay hidden until the close whoever reads; the daily board follows the votes on its advice.
        """
        return holds(user, *EVERY_ROLE)

    @classmethod
    def can_create(cls, user) -> bool:
        """The secretariat and the chair prepare a poll (a draft)."""
        return holds(user, Role.SECRETARIAT, Role.CHAIR)

    @classmethod
    def can_open(cls, user) -> bool:
        """The chair opens a poll at the meeting."""
        return holds(user, Role.CHAIR)

    @classmethod
    def can_close(cls, user) -> bool:
        """The chair closes a poll at the meeting."""
        return holds(user, Role.CHAIR)

    @classmethod
    def can_see_turnout(cls, user) -> bool:
        """The chair and the secretariat follow live which cities have voted (never how)."""
        return holds(user, Role.CHAIR, Role.SECRETARIAT)

    @classmethod
    def can_cast(cls, user) -> bool:
        """Someone who casts a city's vote: a board member of a city, never the secretariat."""
        return may_vote(user)

    def can_vote(self, user) -> bool:
        """Whether the user casts the vote of a city eligible in this poll (whether or not it has voted)."""
        return may_vote(user) and self.is_eligible(user.city_id)

    @classmethod
    def can_record_hand(cls, user) -> bool:
        """The chair and the secretariat record a vote given by hand in the room (named polls)."""
        return holds(user, Role.CHAIR, Role.SECRETARIAT)

    @classmethod
    def can_prepare_revote(cls, user) -> bool:
        """The chair and the secretariat prepare a re-vote after a failed quorum or a tie."""
        return holds(user, Role.CHAIR, Role.SECRETARIAT)


class PollEligibleCity(db.Model):
    """A city that may vote in a poll: the members on the day it opened."""

    __tablename__ = "poll_eligible_city"

    poll_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("poll.id"), primary_key=True)
    city_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("city.id"), primary_key=True)


class PollVoter(db.Model):
    """That a city voted in a poll, and which of its board members cast the vote; never how."""

    __tablename__ = "poll_voter"

    poll_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("poll.id"), primary_key=True)
    city_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("city.id"), primary_key=True)
    # The board member who cast it (online or as proxy holder), or who entered the hand raised in the room.
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"))
    cast_mode: so.Mapped[CastMode] = so.mapped_column(enum_column(CastMode, "cast_mode"), default=CastMode.ONLINE)
    voted_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)


class Ballot(db.Model):
    """What was voted. In a secret poll it holds no city, no voter and no time, so nothing links it to a voter.

    A secret poll's ballots are written afresh at the close, in a random order with new random ids, so that
    neither row order nor transaction links them to the voters; `mac` (HMAC-SHA-256 with a key kept outside
    the database) seals each secret ballot so that one flipped or added in the database shows in verify.
    """

    id: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True)
    # No index of its own: uq_ballot_poll_city (poll_id, city_id) serves every lookup by poll.
    poll_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("poll.id"))
    city_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("city.id"))
    choice: so.Mapped[Choice] = so.mapped_column(enum_column(Choice, "choice"))
    receipt: so.Mapped[str] = so.mapped_column(sa.String(16))
    mac: so.Mapped[Optional[str]] = so.mapped_column(sa.String(64))

    __table_args__ = (sa.UniqueConstraint("poll_id", "city_id", name="uq_ballot_poll_city"),)
