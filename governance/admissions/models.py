"""A city's application for membership and the daily board's advice on it."""

import datetime as dt
import enum
from typing import Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from governance import clock
from governance.accounts.models import Role, holds
from governance.extensions import db
from governance.models_base import enum_column


class ApplicationStatus(enum.StrEnum):
    RECEIVED = "received"
    VOTING = "voting"
    ADMITTED = "admitted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


ACTIVE_STATUSES = (ApplicationStatus.RECEIVED, ApplicationStatus.VOTING)


class Advice(enum.StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"


class Application(db.Model):
    """A city's request to become a member from a date."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    city_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("city.id"), index=True)
    status: so.Mapped[ApplicationStatus] = so.mapped_column(
        enum_column(ApplicationStatus, "application_status"), default=ApplicationStatus.RECEIVED
    )
    received_on: so.Mapped[dt.date]
    effective_on: so.Mapped[Optional[dt.date]]
    motivation: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    advice: so.Mapped[Optional[Advice]] = so.mapped_column(enum_column(Advice, "advice"))
    advice_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    advice_by_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id"))
    advice_at: so.Mapped[Optional[dt.datetime]]
    decided_on: so.Mapped[Optional[dt.date]]
    # The facts the criteria were judged on when the admission poll opened (JSON), shown once decided.
    assessment_json: so.Mapped[Optional[str]] = so.mapped_column(sa.Text)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)

    city: so.Mapped["City"] = so.relationship()  # noqa: F821
    advice_by: so.Mapped[Optional["User"]] = so.relationship()  # noqa: F821

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    # -- who may do what --------------------------------------------------------------------------

    @classmethod
    def can_read(cls, user) -> bool:
        """Every role reads the applications with their criteria and the daily board's advice.

        The secretariat registers them, the daily board advises, the chair puts them to the vote, and the board
        members decide on them: the advice is addressed to them.
        """
        return holds(user, Role.SECRETARIAT, Role.DAILY_BOARD, Role.CHAIR, Role.BOARD)

    @classmethod
    def can_create(cls, user) -> bool:
        """The secretariat registers an application."""
        return holds(user, Role.SECRETARIAT)

    @classmethod
    def can_advise(cls, user) -> bool:
        """The daily board records its advice (the qualitative criterion)."""
        return holds(user, Role.DAILY_BOARD)

    @classmethod
    def can_withdraw(cls, user) -> bool:
        """The secretariat withdraws an application on the city's request."""
        return holds(user, Role.SECRETARIAT)
