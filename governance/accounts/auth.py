"""Who is asking: session login for pages, bearer tokens for the API, and role checks."""

import functools
import hashlib
import secrets
from collections.abc import Callable
from typing import Optional

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, abort, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from governance import clock
from governance.accounts.models import Anonymous, ApiToken, User
from governance.accounts.token_use import init_token_use, note_use
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


def user_for_token(token: str) -> Optional[User]:
    """The active user a bearer token belongs to, or None for an unknown, revoked or expired token.

    One query on the vote's hot path: the expiry is a condition of it, and the token's last use
    comes back with the user so that noting this use costs no statement of its own.
    """
    if not token:
        return None
    now = clock.now()
    row = (
        db.session.execute(
            sa.select(User, ApiToken.id, ApiToken.last_used_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(
                ApiToken.token_hash == hash_token(token),
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > now,
                User.active.is_(True),
            )
            .options(so.joinedload(User.role_rows))
        )
        .unique()
        .one_or_none()
    )
    if row is None:
        return None
    user, token_id, last_used_at = row
    note_use(token_id, last_used_at, now)
    return user


def api_user() -> Optional[User]:
    """The user behind this API request's bearer token (cached for the request)."""
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        g.api_user = _authenticate_before_writing(token.strip()) if scheme.lower() == "bearer" else None
    return g.api_user


def _authenticate_before_writing(token: str) -> Optional[User]:
    """Look the token up; on SQLite, in a read of its own before the request's write transaction.

    A write request on SQLite begins with BEGIN IMMEDIATE. Were the token lookup its first
    statement, the database's single write lock would be held through authentication and every
    other writer would wait for it; read apart, the lock covers only the writing itself.
    """
    if not token:
        return None
    if db.session.get_bind().dialect.name != "sqlite" or sqlite_deferred.get() or db.session().in_transaction():
        return user_for_token(token)
    reset = sqlite_deferred.set(True)
    try:
        user = user_for_token(token)
        if user is not None:
            db.session.expunge(user)  # keeps what was loaded (id, city, roles) across the end of the read
        db.session.rollback()
    finally:
        sqlite_deferred.reset(reset)
    if user is not None:
        db.session.add(user)
    return user


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
