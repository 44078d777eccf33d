"""Account operations: create, authenticate, tokens, deactivation; every change audited."""

import datetime as dt
import re
from typing import Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

from governance import audit, clock
from governance.accounts.auth import hash_token, new_token_value
from governance.accounts.models import ApiToken, Role, User, UserRole, roles_problem
from governance.accounts.passwords import password_problem
from governance.accounts.throttle import check_login_allowed, record_login_failure
from governance.errors import Conflict, NotFound, ValidationFailed
from governance.extensions import db
from governance.members.models import City

_STRONG = PasswordHasher()
# Tests create hundreds of accounts; they may ask for cheap hashes (never used outside testing).
_CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_dummy_hashes: dict[int, str] = {}


def _hasher() -> PasswordHasher:
    return _CHEAP if current_app.testing and current_app.config.get("CHEAP_PASSWORD_HASHES") else _STRONG


def _dummy_hash() -> str:
    """A hash to check against when the email is unknown, so a wrong address costs as long as a wrong password."""
    hasher = _hasher()
    if id(hasher) not in _dummy_hashes:
        _dummy_hashes[id(hasher)] = hasher.hash("not-a-real-password")
    return _dummy_hashes[id(hasher)]


EMAIL = re.compile(r"^[^@\s<>\"]{1,64}@[^@\s<>\"]+\.[^@\s<>\"]{2,}$")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(user: Optional[User], password: str) -> bool:
    """Verify with argon2; also spends the same time when there is no such user."""
    try:
        _hasher().verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


def find_user(email: str) -> Optional[User]:
    return db.session.scalars(sa.select(User).where(User.email == (email or "").strip().lower())).first()


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("There is no account with number %(id)s.", id=user_id))
    return user


def create_user(actor, email, name, roles, password, city_id=None, function: str = "") -> User:
    """Create an account (without a password when it is None); a board member must represent an existing city."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    email = (email or "").strip().lower() if isinstance(email, str) else ""
    if not email:
        fail("email", _("Enter an email address."))
    elif len(email) > 254 or not EMAIL.match(email):
        fail("email", _("'%(value)s' is not a valid email address.", value=email[:60]))
    if not isinstance(name, str) or not name.strip():
        fail("name", _("Enter the person's name."))
    elif len(name.strip()) > 120:
        fail("name", _("At most %(n)d characters.", n=120))
    role_values: set[Role] = set()
    if not isinstance(roles, list | tuple | set) or not roles:
        fail("roles", _("Choose at least one role."))
    else:
        for value in roles:
            try:
                role_values.add(Role(value))
            except ValueError:
                fail(
                    "roles",
                    _(
                        "'%(value)s' is not a role; choose from secretariat, chair, board, daily_board.",
                        value=str(value)[:40],
                    ),
                )
    if role_values and "roles" not in errors and roles_problem(role_values):
        fail("roles", roles_problem(role_values))
    if password is None:
        pass  # no password yet: the person sets one through an invitation (accounts/invitations.py)
    else:
        problem = password_problem(password, email)
        if problem:
            fail("password", problem)
    city = None
    if city_id is not None:
        if isinstance(city_id, bool) or not isinstance(city_id, int):
            fail("city_id", _("Must be the number of a city."))
        else:
            city = db.session.get(City, city_id)
            if city is None:
                fail("city_id", _("There is no city with number %(id)s.", id=city_id))
    if Role.BOARD in role_values and city_id is None and "city_id" not in errors:
        fail("city_id", _("A board member represents a city: choose which."))
    if city is not None and Role.BOARD not in role_values:
        fail("city_id", _("Only a board member represents a city."))
    if not isinstance(function, str) or len(function) > 120:
        fail("function", _("At most %(n)d characters.", n=120))
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    existing = find_user(email)
    if existing is not None:
        message = _("There is already an account for %(email)s.", email=email)
        raise Conflict(message, code="duplicate", fields={"email": [message]})
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password) if password is not None else "",
        city_id=getattr(city, "id", None),
        function=function.strip(),
    )
    user.role_rows = [UserRole(role=r) for r in sorted(role_values)]
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created", user, actor, email=email, roles=sorted(r.value for r in role_values), city_id=user.city_id
    )
    return user


def authenticate(email: str, password: str) -> Optional[User]:
    """The active user with this email and password, or None."""
    user = find_user(email) if isinstance(email, str) else None
    if not isinstance(password, str) or not check_password(user, password):
        return None
    if not user.active:
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def login(email, password, address: Optional[str]) -> Optional[User]:
    """Authenticate within the login limits: Throttled when refused unchecked; a failure is counted."""
    check_login_allowed(email, address)
    user = authenticate(email, password)
    if user is None:
        record_login_failure(email, address)
    return user


def issue_token(actor, user: User, label: str = "") -> str:
    """Make a new API token for the user and return its value; only its hash is kept."""
    return issue_api_token(actor, user, label)[0]


def issue_api_token(actor, user: User, label: str = "") -> tuple[str, ApiToken]:
    """A new API token (its value, and the row that keeps its hash), valid for API_TOKEN_DAYS."""
    value = new_token_value()
    now = clock.now()
    token = ApiToken(
        user_id=user.id,
        token_hash=hash_token(value),
        label=label[:120],
        created_at=now,
        expires_at=now + dt.timedelta(days=int(current_app.config["API_TOKEN_DAYS"])),
    )
    db.session.add(token)
    db.session.flush()
    audit.record("token.issued", user, actor, token_id=token.id, label=label[:120])
    return value, token


def tokens_of(user: User) -> list[ApiToken]:
    """Every token of the user, newest first, revoked and expired ones included."""
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def revoke_token(actor, user: User, token_id) -> ApiToken:
    """Revoke one of the user's tokens (revoking it again changes nothing)."""
    token = db.session.get(ApiToken, token_id) if isinstance(token_id, int) else None
    if token is None or token.user_id != user.id:
        raise NotFound(_("You have no token with number %(id)s.", id=token_id))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        db.session.flush()
        audit.record("token.revoked", user, actor, count=1, token_id=token.id)
    return token


def change_password(user: User, current: str, new: str) -> User:
    """Set a new password after checking the current one; every other session and every API token ends."""
    if not check_password(user, current if isinstance(current, str) else ""):
        message = _("Your current password is not right.")
        raise ValidationFailed(message, fields={"current_password": [message]})
    problem = password_problem(new, user.email)
    if problem is None and new == current:
        problem = _("Choose a password that differs from the current one.")
    if problem:
        raise ValidationFailed(problem, fields={"new_password": [problem]})
    user.password_hash = hash_password(new)
    end_sessions(user)
    revoke_tokens(user, user)
    audit.record("user.password_changed", user, user)
    return user


def revoke_tokens(actor, user: User) -> int:
    """Revoke every live token of the user; return how many."""
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = clock.now()
    db.session.flush()
    if tokens:
        audit.record("token.revoked", user, actor, count=len(tokens))
    return len(tokens)


def end_sessions(user: User) -> None:
    """Invalidate every session and remember cookie of the user."""
    user.session_version += 1
    db.session.flush()


def set_active(actor, user: User, active: bool) -> User:
    """Deactivate (ending every session and token) or reactivate an account."""
    if actor is not None and actor.id == user.id and not active:
        raise Conflict(_("You cannot deactivate your own account."))
    if user.active == active:
        return user
    user.active = active
    if not active:
        end_sessions(user)
        revoke_tokens(actor, user)
    db.session.flush()
    audit.record("user.activated" if active else "user.deactivated", user, actor)
    return user


def board_members_of(city_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(UserRole)
            .where(User.city_id == city_id, UserRole.role == Role.BOARD, User.active.is_(True))
            .order_by(User.name)
        )
    )


def all_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.name)))


def count_users() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id))) or 0


def search_users(query: str = "") -> list[User]:
    """The accounts whose name, e-mail address or city contains the query (all of them for an empty one)."""
    stmt = sa.select(User).outerjoin(City, City.id == User.city_id).order_by(User.name, User.id)
    words = (query or "").split()
    for word in words[:5]:
        word = word.lower()
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.name).contains(word, autoescape=True),
                User.email.contains(word, autoescape=True),
                sa.func.lower(City.name).contains(word, autoescape=True),
            )
        )
    return list(db.session.scalars(stmt))
