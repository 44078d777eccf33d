"""The network, its names, and the cities with their dated populations and memberships."""

import datetime as dt
import enum
from typing import Optional

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.ext.hybrid import hybrid_method

from governance import clock
from governance.accounts.models import EVERY_ROLE, Role, holds
from governance.extensions import db
from governance.models_base import enum_column
from governance.network.periods import member_on


class Majority(enum.StrEnum):
    SIMPLE = "simple"
    ABSOLUTE = "absolute"
    TWO_THIRDS = "two_thirds"


class Network(db.Model):
    """The city network: its rules (cap, naming rule, admission minimum, default majority)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    cap: so.Mapped[int] = so.mapped_column(default=40)
    min_population: so.Mapped[int] = so.mapped_column(default=50_000)
    rename_at_members: so.Mapped[Optional[int]] = so.mapped_column(default=40)
    rename_to: so.Mapped[Optional[str]] = so.mapped_column(sa.String(80), default="G40")
    default_majority: so.Mapped[Majority] = so.mapped_column(enum_column(Majority, "majority"), default=Majority.SIMPLE)
    # How many other cities' proxies (volmachten) one city may hold at a meeting.
    max_proxies_per_holder: so.Mapped[int] = so.mapped_column(default=1)

    names: so.WriteOnlyMapped["NetworkName"] = so.relationship(back_populates="network")

    @classmethod
    def can_read(cls, user) -> bool:
        """Every account reads the network as on a date: its name, members, population, cap and seats left."""
        return holds(user, *EVERY_ROLE)

    @classmethod
    def can_change_cap(cls, user) -> bool:
        """The secretariat records a change of the cap, with the board decision behind it."""
        return holds(user, Role.SECRETARIAT)

    @classmethod
    def can_view_charts(cls, user) -> bool:
        """The secretariat and the board members see the charts (membership, population, a poll's result)."""
        return holds(user, Role.SECRETARIAT, Role.BOARD)

    __table_args__ = (
        sa.CheckConstraint("cap >= 1", name="cap_positive"),
        sa.CheckConstraint("min_population >= 0", name="min_population_not_negative"),
        sa.CheckConstraint("max_proxies_per_holder >= 0", name="max_proxies_not_negative"),
    )


class NetworkName(db.Model):
    """A name the network carried from a date on, and the decision behind it."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    network_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("network.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    # None: the network's first name, carried since before the records start.
    valid_from: so.Mapped[Optional[dt.date]]
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    by_naming_rule: so.Mapped[bool] = so.mapped_column(default=False)
    poll_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("poll.id"))
    recorded_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)

    network: so.Mapped[Network] = so.relationship(back_populates="names")


class CapChange(db.Model):
    """A change of the membership cap, with the board decision that made it."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    network_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("network.id"), index=True)
    old_cap: so.Mapped[int]
    new_cap: so.Mapped[int]
    decision: so.Mapped[str] = so.mapped_column(sa.Text)
    changed_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)
    changed_by_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id"))


class City(db.Model):
    """A municipality that is, was, may become or never was a member."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    cbs_code: so.Mapped[str] = so.mapped_column(sa.String(6), unique=True)
    province: so.Mapped[str] = so.mapped_column(sa.String(40))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)

    populations: so.Mapped[list["PopulationFigure"]] = so.relationship(
        back_populates="city",
        order_by="(PopulationFigure.reference_date, PopulationFigure.id)",
        cascade="all, delete-orphan",
    )
    memberships: so.Mapped[list["Membership"]] = so.relationship(
        back_populates="city",
        order_by="Membership.id",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<City {self.name}>"

    # -- who may do what --------------------------------------------------------------------------

    @classmethod
    def can_read(cls, user) -> bool:
        """Every account reads the member list and each city's page (population history, membership).

        Board members decide on admissions and ask who the members are; only the secretariat manages them.
        """
        return holds(user, *EVERY_ROLE)

    @classmethod
    def can_create(cls, user) -> bool:
        """The secretariat adds a city."""
        return holds(user, Role.SECRETARIAT)

    @classmethod
    def can_edit(cls, user) -> bool:
        """The secretariat edits a city, records its population figures and adds its board members."""
        return holds(user, Role.SECRETARIAT)

    def can_vote_in(self, poll) -> bool:
        """Whether this city is among the cities that vote in the poll (frozen when it opened)."""
        return poll.is_eligible(self.id)

    def population_on(self, day: dt.date) -> Optional["PopulationFigure"]:
        """The latest figure whose reference date is on or before the day."""
        figures = [p for p in self.populations if p.reference_date <= day]
        return max(figures, key=lambda p: (p.reference_date, p.id)) if figures else None

    def latest_population(self) -> Optional["PopulationFigure"]:
        """The figure with the latest reference date, whatever the day."""
        return max(self.populations, key=lambda p: (p.reference_date, p.id)) if self.populations else None

    def membership_on(self, day: dt.date) -> Optional["Membership"]:
        """The membership period that covers the day, if any."""
        return next((m for m in self.memberships if m.active_on(day)), None)


class PopulationFigure(db.Model):
    """A city's number of inhabitants on a reference date, from a source such as CBS."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    city_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("city.id"), index=True)
    population: so.Mapped[int]
    reference_date: so.Mapped[dt.date]
    source: so.Mapped[str] = so.mapped_column(sa.String(120), default="CBS")
    recorded_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)

    city: so.Mapped[City] = so.relationship(back_populates="populations")

    __table_args__ = (sa.CheckConstraint("population >= 1 AND population <= 10000000", name="population_range"),)


class Membership(db.Model):
    """A period in which a city was a member: from joined_on up to, not including, left_on."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    city_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("city.id"), index=True)
    # None: a member since before the records start (a founding member, date unknown).
    joined_on: so.Mapped[Optional[dt.date]]
    left_on: so.Mapped[Optional[dt.date]]
    application_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("application.id"))

    city: so.Mapped[City] = so.relationship(back_populates="memberships")

    __table_args__ = (
        sa.CheckConstraint("left_on IS NULL OR joined_on IS NULL OR left_on > joined_on", name="period_order"),
        # Overlapping periods of one city are refused by the database as well (migration 0004_membership_overlap:
        # an exclusion constraint on PostgreSQL, triggers on SQLite); add_membership says why first.
    )

    @hybrid_method
    def active_on(self, day: dt.date):
        """Whether the city was a member on the day under this period; on the class, the same rule as SQL."""
        return member_on(self.joined_on, self.left_on, day)
