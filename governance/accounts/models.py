"""Accounts: users with roles, the city a board member represents, API tokens."""

import datetime as dt
import enum
from typing import Optional

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin

from governance import clock
from governance.extensions import db
from governance.models_base import enum_column


class Role(enum.StrEnum):
    SECRETARIAT = "secretariat"
    CHAIR = "chair"
    BOARD = "board"
    DAILY_BOARD = "daily_board"


EVERY_ROLE = tuple(Role)


def holds(user, *roles: Role) -> bool:
    """Whether someone holds one of the roles; no one (None) and anonymous visitors hold none.

    The one primitive under every can_* rule: it asks only `has_role`, so a session user, a token's user
    and a light user object all answer it alike.
    """
    has_role = getattr(user, "has_role", None)
    return has_role is not None and has_role(*roles)


def roles_problem(roles) -> Optional[str]:
    """The sentence that refuses a combination of roles one account may not hold, or None.

    The secretariat never votes (it runs the vote), so one account is never both secretariat and board member:
    a person who is both gets two accounts.
    """
    if Role.SECRETARIAT in roles and Role.BOARD in roles:
        return _(
            "An account cannot be both secretariat and board member: the secretariat never votes. "
            "Give the person two accounts."
        )
    return None


def may_vote(user) -> bool:
    """A board member who represents a city casts votes; the secretariat never does, whatever else it holds."""
    return holds(user, Role.BOARD) and not holds(user, Role.SECRETARIAT) and getattr(user, "city_id", None) is not None


class Anonymous(AnonymousUserMixin):
    """The visitor who has not logged in: no roles, no city, no account number."""

    id = None
    city_id = None
    roles: frozenset = frozenset()

    def has_role(self, *roles: Role) -> bool:
        return False


class User(db.Model):
    """A person with one or more roles; a board member represents one city."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    function: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    city_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("city.id"), index=True)
    # Raised on logout and deactivation: every session and remember cookie carries the
    # number it was made with, so raising it ends them all at once.
    session_version: so.Mapped[int] = so.mapped_column(default=1)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)

    city: so.Mapped[Optional["City"]] = so.relationship()  # noqa: F821
    role_rows: so.Mapped[list["UserRole"]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    # Flask-Login's interface.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def has_password(self) -> bool:
        """False for an account created without one, until the person sets it through their invitation."""
        return bool(self.password_hash)

    @property
    def roles(self) -> set[Role]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        """Whether the user holds any of the roles."""
        return bool(self.roles & set(roles))

    @classmethod
    def can_manage_accounts(cls, user) -> bool:
        """The secretariat creates accounts, invites people and (de)activates accounts."""
        return holds(user, Role.SECRETARIAT)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(db.Model):
    """One role held by one user."""

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), primary_key=True)
    role: so.Mapped[Role] = so.mapped_column(enum_column(Role, "role"), primary_key=True)


class ApiToken(db.Model):
    """A bearer token for the JSON API, kept only as its SHA-256."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    label: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)
    revoked_at: so.Mapped[Optional[dt.datetime]]
    # Set when issued, from API_TOKEN_DAYS; the token lookup refuses a token past it.
    expires_at: so.Mapped[dt.datetime]
    # To the minute or so: uses are noted in memory and written in batches (see accounts/token_use.py).
    last_used_at: so.Mapped[Optional[dt.datetime]]

    user: so.Mapped[User] = so.relationship()

    def state_on(self, moment: dt.datetime) -> str:
        """'active', 'revoked' or 'expired' at that moment."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= moment else "active"
