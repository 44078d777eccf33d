"""The network day: meetings, their programme, invitations, registrations, documents and the board's agenda."""

import datetime as dt
import enum
from typing import Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from governance import clock
from governance.accounts.models import EVERY_ROLE, Role, holds
from governance.extensions import db
from governance.models_base import enum_column
from governance.voting.models import Poll


class ItemKind(enum.StrEnum):
    THEME_SESSION = "theme_session"
    THEME_GROUP = "theme_group"
    PILLAR = "pillar"
    GENERAL_BOARD = "general_board"
    DRINKS = "drinks"
    OTHER = "other"


class PlaceStatus(enum.StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"


class Meeting(db.Model):
    """A day of the network (a network day, a board meeting) at one place."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    date: so.Mapped[dt.date]
    place: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    items: so.Mapped[list["MeetingItem"]] = so.relationship(
        back_populates="meeting",
        order_by="(MeetingItem.starts_at, MeetingItem.ends_at, MeetingItem.id)",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Meeting {self.date} {self.title}>"

    # -- who may do what --------------------------------------------------------------------------

    @classmethod
    def can_read(cls, user) -> bool:
        """Every account reads the meetings: programme, published documents, agenda, decision list, calendar,
        and in the room who is present and who holds which proxy."""
        return holds(user, *EVERY_ROLE)

    @classmethod
    def can_manage(cls, user) -> bool:
        """The secretariat makes and edits meetings: programme, invitations, registrations on someone's behalf,
        badges, documents, the agenda, and puts the decision list to the next meeting."""
        return holds(user, Role.SECRETARIAT)

    @classmethod
    def can_create(cls, user) -> bool:
        """The secretariat creates a meeting."""
        return cls.can_manage(user)

    @classmethod
    def can_see_attendance(cls, user) -> bool:
        """The secretariat and the chair see who registered for what, and export it."""
        return holds(user, Role.SECRETARIAT, Role.CHAIR)

    @classmethod
    def can_see_unpublished(cls, user) -> bool:
        """The secretariat sees documents before their publication date; for others they do not exist yet."""
        return holds(user, Role.SECRETARIAT)

    @classmethod
    def can_manage_presence(cls, user) -> bool:
        """The chair and the secretariat mark who is present (and record hands raised in the room)."""
        return holds(user, Role.CHAIR, Role.SECRETARIAT)

    @classmethod
    def can_manage_proxies(cls, user) -> bool:
        """The secretariat records and revokes proxies (volmachten)."""
        return holds(user, Role.SECRETARIAT)

    @classmethod
    def can_read_mandates(cls, user) -> bool:
        """The chair and the secretariat read a proxy's signed mandate (a PDF with a signature on it)."""
        return holds(user, Role.SECRETARIAT, Role.CHAIR)

    @classmethod
    def can_show_screen(cls, user) -> bool:
        """The chair and the secretariat open the big screen and hand out (or revoke) its link."""
        return holds(user, Role.CHAIR, Role.SECRETARIAT)

    @classmethod
    def can_retie(cls, user) -> bool:
        """The secretariat, and the chair who finds at the meeting that a motion's document has a newer version."""
        return holds(user, Role.SECRETARIAT, Role.CHAIR)


class MeetingItem(db.Model):
    """One session on the day's programme, from a start to an end time, in a room."""

    __tablename__ = "meeting_item"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id"), index=True)
    starts_at: so.Mapped[dt.time]
    ends_at: so.Mapped[dt.time]
    kind: so.Mapped[ItemKind] = so.mapped_column(enum_column(ItemKind, "item_kind"))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    speakers: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    room: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    # None: no limit on the number of places.
    capacity: so.Mapped[int | None]

    meeting: so.Mapped[Meeting] = so.relationship(back_populates="items")

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
    )

    def overlaps(self, other: "MeetingItem") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


class Invitation(db.Model):
    """An invitation sent to one person; its signed link lets them register without logging in."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id"), index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    city_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("city.id"))
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    function: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    sent_at: so.Mapped[dt.datetime | None]
    sent_count: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)

    meeting: so.Mapped[Meeting] = so.relationship()
    city: so.Mapped[Optional["City"]] = so.relationship()  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("meeting_id", "email", name="uq_invitation_meeting_email"),)


class Registration(db.Model):
    """A person's answer for a meeting: attending or not, the sessions, and what the badge says."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id"), index=True)
    invitation_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("invitation.id"))
    city_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("city.id"), index=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    function: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    attending: so.Mapped[bool] = so.mapped_column(default=True)
    # Set when the secretariat registered the person on their behalf.
    registered_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)

    meeting: so.Mapped[Meeting] = so.relationship()
    city: so.Mapped[Optional["City"]] = so.relationship()  # noqa: F821
    places: so.Mapped[list["RegistrationItem"]] = so.relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="RegistrationItem.id"
    )

    __table_args__ = (sa.UniqueConstraint("meeting_id", "email", name="uq_registration_meeting_email"),)


class RegistrationItem(db.Model):
    """A place (or a place on the waiting list) of one registration in one session."""

    __tablename__ = "registration_item"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("registration.id"), index=True)
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting_item.id"), index=True)
    status: so.Mapped[PlaceStatus] = so.mapped_column(enum_column(PlaceStatus, "place_status"))
    # The waiting list is served in the order people joined it.
    queued_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)

    registration: so.Mapped[Registration] = so.relationship(back_populates="places")
    item: so.Mapped[MeetingItem] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("registration_id", "item_id", name="uq_registration_item_place"),)


class MeetingDocument(db.Model):
    """A meeting document (PDF) for a programme item, visible to board members from its publication date."""

    __tablename__ = "meeting_document"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id"), index=True)
    item_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("meeting_item.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    publish_on: so.Mapped[dt.date]
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)

    meeting: so.Mapped[Meeting] = so.relationship()
    item: so.Mapped[MeetingItem | None] = so.relationship()
    versions: so.Mapped[list["DocumentVersion"]] = so.relationship(
        back_populates="document", order_by="DocumentVersion.version", cascade="all, delete-orphan"
    )

    @property
    def latest(self) -> Optional["DocumentVersion"]:
        return self.versions[-1] if self.versions else None

    def is_published(self, day: dt.date) -> bool:
        return self.publish_on <= day


class DocumentVersion(db.Model):
    """One uploaded version of a document, stored under a generated name; old versions are kept."""

    __tablename__ = "document_version"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    document_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting_document.id"), index=True)
    version: so.Mapped[int]
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    size: so.Mapped[int]
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    uploaded_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    document: so.Mapped[MeetingDocument] = so.relationship(back_populates="versions")

    __table_args__ = (
        sa.UniqueConstraint("document_id", "version", name="uq_document_version_number"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )


class AgendaItem(db.Model):
    """A point on the general board's agenda: a decision (an admission poll, a motion) or information."""

    __tablename__ = "agenda_item"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=1)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    poll_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("poll.id"), index=True)
    # An admission decision: its vote is whichever poll the application has (made when the chair is ready).
    application_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("application.id"))
    # The exact document version a motion approves.
    document_version_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("document_version.id"))

    meeting: so.Mapped[Meeting] = so.relationship()
    poll: so.Mapped[Optional["Poll"]] = so.relationship()  # noqa: F821
    application: so.Mapped[Optional["Application"]] = so.relationship()  # noqa: F821
    document_version: so.Mapped[DocumentVersion | None] = so.relationship()

    __table_args__ = (sa.CheckConstraint("position >= 1", name="position_positive"),)

    @property
    def linked_poll(self) -> Optional["Poll"]:  # noqa: F821
        """The poll this point decides by: its own, or the latest poll on its application."""
        if self.poll is not None or self.application_id is None:
            return self.poll

        return db.session.scalars(
            sa.select(Poll).where(Poll.application_id == self.application_id).order_by(Poll.id.desc()).limit(1)
        ).first()

    @property
    def document_mismatch(self) -> bool:
        """The document the motion approves has a newer version than the one the poll is tied to."""
        version = self.document_version
        return version is not None and version.document.latest is not None and version.document.latest.id != version.id


# -- the meeting room: presence, proxies, and what a poll froze of them ---------------------------


class MeetingPresence(db.Model):
    """Whether a member city is present at a meeting; no row means absent."""

    __tablename__ = "meeting_presence"

    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id"), primary_key=True)
    city_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("city.id"), primary_key=True)
    present: so.Mapped[bool] = so.mapped_column(default=True)
    # True when a board member's vote made the city present, rather than the chair or the secretariat.
    by_vote: so.Mapped[bool] = so.mapped_column(default=False)
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))


class Proxy(db.Model):
    """A volmacht: for one meeting, the board member of `to_city` casts the vote of `from_city`."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id"), index=True)
    from_city_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("city.id"))
    to_city_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("city.id"))
    # The signed mandate (optional), stored as a PDF under a generated name.
    mandate_name: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    mandate_sha256: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    mandate_size: so.Mapped[int | None]
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    # Revoked proxies stay, as history.
    revoked_at: so.Mapped[dt.datetime | None]
    revoked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    meeting: so.Mapped[Meeting] = so.relationship()
    from_city: so.Mapped["City"] = so.relationship(foreign_keys=[from_city_id])  # noqa: F821
    to_city: so.Mapped["City"] = so.relationship(foreign_keys=[to_city_id])  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint("from_city_id <> to_city_id", name="not_to_itself"),
        # One active proxy per delegating city and meeting, whatever races the service's check.
        sa.Index(
            "uq_proxy_active_from",
            "meeting_id",
            "from_city_id",
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        ),
    )

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class PollPresence(db.Model):
    """Presence and proxies as a poll of a meeting froze them when it opened: one row per member city."""

    __tablename__ = "poll_presence"

    poll_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("poll.id"), primary_key=True)
    city_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("city.id"), primary_key=True)
    present: so.Mapped[bool]
    # The proxy this city had given, active when the poll opened: its holder casts the city's vote.
    proxy_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("proxy.id"))
    proxy_to_city_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("city.id"))
