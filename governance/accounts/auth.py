"""Who is asking: session login for pages, bearer tokens for the API, and role checks."""

import functools
import hashlib
import secrets
from collections.abc import Callable
from typing import Optional

import sqlalchemy as sa
from flask import Flask, abort, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from governance import clock
from governance.accounts.models import Anonymous, ApiToken, Role, User, UserRole
from governance.accounts.token_use import init_token_use, note_use
from governance.database import IMPLICIT_READ
from governance.extensions import db, login_manager, sqlite_deferred


def hash_token(token: str) -> str:
    """Tokens are kept only as their SHA-256: a stolen database yields no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token_value() -> str:
    return "gov_" + secrets.token_urlsafe(32)


def init_login(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.anonymous_user = Anonymous  # answers has_role (never), so every can_* rule takes it
    init_token_use(app)

    @login_manager.user_loader
    def load_user(session_id: str) -> Optional[User]:
        user_id, _, version = session_id.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # A session made before the last logout or deactivation no longer counts.
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user


class TokenUser:
    """The account behind a bearer token, as the API needs it: id, name, city and roles, from one query.

    Anything else (email, city, tokens, ...) comes from the full account, loaded from the database the
    first time it is asked for, so that a vote never builds an ORM user with its roles.
    """

    def __init__(self, user_id: int, name: str, city_id: Optional[int], roles: frozenset[Role], token_id: int):
        self.id = user_id
        self.name = name
        self.city_id = city_id
        self.roles = roles
        self.token_id = token_id
        self.active = True  # the lookup only finds active accounts
        self._account: Optional[User] = None

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def has_role(self, *roles: Role) -> bool:
        """Whether the user holds any of the roles."""
        return not self.roles.isdisjoint(roles)

    @property
    def account(self) -> User:
        """The full account (an ORM object of this request's session)."""
        if self._account is None:
            self._account = db.session.get(User, self.id)
        return self._account

    def __getattr__(self, name: str):
        # Only called for what the light object does not hold itself.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.account, name)

    def __repr__(self) -> str:
        return f"<TokenUser {self.id}>"


@functools.cache
def _token_lookup() -> sa.Select:
    """Built once: token, account and roles in one statement, one row per role."""
    token, user, role = ApiToken.__table__, User.__table__, UserRole.__table__
    return (
        sa.select(
            user.c.id, user.c.name, user.c.city_id, token.c.id.label("token_id"), token.c.last_used_at, role.c.role
        )
        .select_from(token.join(user, user.c.id == token.c.user_id).outerjoin(role, role.c.user_id == user.c.id))
        .where(
            token.c.token_hash == sa.bindparam("token_hash"),
            token.c.revoked_at.is_(None),
            token.c.expires_at > sa.bindparam("now"),
            user.c.active.is_(True),
        )
    )


def user_for_token(token: str, connection: Optional[sa.Connection] = None) -> Optional[TokenUser]:
    """The active user a bearer token belongs to, or None for an unknown, revoked or expired token.

    One Core statement on the vote's hot path: revocation, expiry and deactivation are conditions of it,
    the roles come as its rows, and the token's last use comes back too, so that noting this use costs
    no statement of its own. It runs on the request's session unless given a connection.
    """
    if not token:
        return None
    now = clock.now()
    if connection is None:
        connection = db.session.connection()
    rows = connection.execute(_token_lookup(), {"token_hash": hash_token(token), "now": now}).all()
    if not rows:
        return None
    first = rows[0]
    roles = frozenset(Role(row.role) for row in rows if row.role is not None)
    note_use(first.token_id, first.last_used_at, now)
    return TokenUser(first.id, first.name, first.city_id, roles, first.token_id)


def api_user() -> Optional[TokenUser]:
    """The user behind this API request's bearer token (cached for the request)."""
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        g.api_user = _authenticate_before_writing(token.strip()) if scheme.lower() == "bearer" else None
    return g.api_user


def _authenticate_before_writing(token: str) -> Optional[TokenUser]:
    """Look the token up; on SQLite, in a read of its own before the request's write transaction.

    A write request on SQLite begins with BEGIN IMMEDIATE. Were the token lookup its first
    statement, the database's single write lock would be held through authentication and every
    other writer would wait for it; read apart, the lock covers only the writing itself. The read
    is one statement on a pooled connection of its own, outside any transaction (SQLite's implicit
    one), so that it costs no BEGIN and no rollback of the request's session.
    """
    if not token:
        return None
    if db.session.get_bind().dialect.name != "sqlite" or sqlite_deferred.get() or db.session().in_transaction():
        return user_for_token(token)
    with db.engine.connect().execution_options(**{IMPLICIT_READ: True}) as connection:
        return user_for_token(token, connection)  # a light object: nothing of it is tied to the read that found it


Rule = Callable[[object], bool]


def allowed(rule: Rule) -> Callable:
    """Page decorator: logged in (else the login page), and allowed by the rule, a can_* method (else 403).

    The rule is the same method the API route names in `requires`, so a page and its API route never disagree.
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not rule(current_user):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = rule  # read by the role x route table test and the docs
        return wrapped

    return decorator


def login_required(view: Callable) -> Callable:
    """Page decorator: any logged-in user, for the pages about the person themself (own account, own registration)."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped
