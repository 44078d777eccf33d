"""The way in: invitations to set one's own password, password reset, and the board members of a new city.

Both links are signed and dated (by the app's clock) and carry a fingerprint of the account's password hash, so a
link ends when it is used or whenever the password changes, without a table of links: an invitation is valid for
`ACCOUNT_INVITATION_DAYS` (7), a reset link for `PASSWORD_RESET_MINUTES` (60).
"""

import hashlib
import hmac
from collections.abc import Callable
from typing import Optional

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired

from governance import audit, clock, links, mail
from governance.accounts import services as accounts
from governance.accounts.models import Role, User
from governance.accounts.passwords import password_problem as common_password_problem
from governance.admissions.models import Application, ApplicationStatus
from governance.errors import DomainError, ValidationFailed
from governance.extensions import db
from governance.members.models import City
from governance.members.services import status_on
from governance.network.rules import get_network, name_on

INVITATION = "account-invitation"
RESET = "password-reset"
DEFAULT_INVITATION_DAYS = 7
DEFAULT_RESET_MINUTES = 60
# Passwords that are long enough and still guessed first; compared without case, spaces or digits at the end.
COMMON_PASSWORDS = {
    "wachtwoord",
    "password",
    "welkom",
    "welkomwelkom",
    "qwertyuiop",
    "azertyuiop",
    "geheim",
    "letmein",
    "iloveyou",
    "voetbal",
    "zomer",
    "winter",
    "gemeente",
    "burgemeester",
    "wethouder",
    "stedennetwerk",
    "administrator",
}

LinkFor = Callable[[str], str]


class LinkRefused(DomainError):
    """An invitation or reset link that is forged, expired or already used."""

    status = 400
    code = "invalid_link"


def max_age(purpose: str) -> int:
    """How long a link of this kind stays valid, in seconds."""
    config = current_app.config
    if purpose == INVITATION:
        return int(config.get("ACCOUNT_INVITATION_DAYS", DEFAULT_INVITATION_DAYS)) * 24 * 3600
    return int(config.get("PASSWORD_RESET_MINUTES", DEFAULT_RESET_MINUTES)) * 60


def _fingerprint(user: User) -> str:
    """Changes whenever the password does (setting it through the link included): that ends the link."""
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:20]


def link_token(user: User, purpose: str) -> str:
    """The signed, dated token of a user's invitation or reset link."""
    return links.serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_link(token: str, purpose: str) -> User:
    """The account a link belongs to; refused with a sentence when forged, expired or used."""
    invitation = purpose == INVITATION
    try:
        payload = links.serializer(purpose).loads(token, max_age=max_age(purpose))
    except SignatureExpired:
        raise LinkRefused(
            _("This invitation link has expired. Ask the secretariat to send you a new invitation.")
            if invitation
            else _("This link to set a new password has expired. Ask for a new one on the login page."),
            code="link_expired",
        ) from None
    except BadSignature:
        payload = None
    user = db.session.get(User, payload.get("u")) if isinstance(payload, dict) and "u" in payload else None
    if user is None or not user.active:
        raise LinkRefused(
            _(
                "This link is not valid. Use the link from your e-mail exactly as it was sent, or ask the "
                "secretariat for a new invitation."
            )
        )
    if not hmac.compare_digest(str(payload.get("f", "")), _fingerprint(user)):
        raise LinkRefused(
            _(
                "This link has already been used, or the password has been changed since it was sent. Log in "
                "with your password, or ask for a new link on the login page."
            ),
            code="link_used",
        )
    return user


def password_problem(password, user: Optional[User] = None) -> Optional[str]:
    """Why a password is too weak, in a sentence; None when it will do."""
    # Length, the shipped list of the 10,000 most common passwords, too few different characters.
    problem = common_password_problem(password, user.email if user is not None else None)
    if problem:
        return problem
    plain = password.lower().replace(" ", "").rstrip("0123456789!?.")
    if len(set(password)) < 5 or plain in COMMON_PASSWORDS or password.isdigit():
        return _("This password is too easy to guess. Choose a longer one, for instance a few unrelated words.")
    if user is not None:
        for own in (user.email.split("@")[0], user.name.replace(" ", "")):
            if len(own) >= 4 and own.lower() in password.lower().replace(" ", ""):
                return _("A password must not contain your name or e-mail address.")
    return None


def set_password(user: User, password, purpose: str) -> User:
    """Set the password chosen through a link; every other session of the account ends with the old one."""
    problem = password_problem(password, user)
    if problem:
        raise ValidationFailed(problem, fields={"password": [problem]})
    user.password_hash = accounts.hash_password(password)
    accounts.end_sessions(user)
    audit.record("user.password_set", user, user, through=purpose)
    return user


def _network_name() -> str:
    return name_on(get_network(), clock.today())


def _invitation_message(user: User, link: str):
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return mail.build(
            "invitation",
            user.name,
            user.email,
            _("Your account for the general board of the %(network)s", network=_network_name()),
            user=user,
            network=_network_name(),
            link=link,
            days=max_age(INVITATION) // (24 * 3600),
        )


def invite(actor, user: User, link_for: LinkFor) -> None:
    """Queue the invitation mail with the link to set one's own password (sent after the commit)."""
    if not user.active:
        raise ValidationFailed(_("%(name)s is deactivated; reactivate the account first.", name=user.name))
    mail.queue(_invitation_message(user, link_for(link_token(user, INVITATION))))
    audit.record("user.invited", user, actor, email=user.email)


def request_password_reset(email, link_for: LinkFor) -> None:
    """Queue a reset mail when an active account has this address; the caller answers the same either way."""
    user = accounts.find_user(email) if isinstance(email, str) else None
    if user is None or not user.active:
        return
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        message = mail.build(
            "password_reset",
            user.name,
            user.email,
            _("Set a new password"),
            user=user,
            network=_network_name(),
            link=link_for(link_token(user, RESET)),
            minutes=max_age(RESET) // 60,
        )
    mail.queue(message)
    audit.record("user.password_reset_requested", user, None)


def add_board_member(actor, city, name, function, email, link_for: LinkFor) -> User:
    """An account without a password for a board member of the city, and the invitation to set one."""
    user = accounts.create_user(actor, email, name, [Role.BOARD.value], None, city_id=city.id, function=function or "")
    invite(actor, user, link_for)
    return user


def is_admitted(city) -> bool:
    """A member now, or admitted by the board (its membership may start later): it needs board members."""
    if status_on(city, clock.today()) == "member":
        return True
    return (
        db.session.scalar(
            sa.select(Application.id).where(
                Application.city_id == city.id, Application.status == ApplicationStatus.ADMITTED
            )
        )
        is not None
    )


def board_panel(city) -> dict:
    """What the city's page shows about its board members, and whether the secretariat is asked for them."""
    board = accounts.board_members_of(city.id)
    admitted = is_admitted(city)
    return {"members": board, "admitted": admitted, "ask": admitted and not board}


def cities_without_board_members() -> list:
    """Admitted cities that have no active board member yet: the secretariat is asked for theirs."""
    admitted = db.session.scalars(
        sa.select(City)
        .join(Application, Application.city_id == City.id)
        .where(Application.status == ApplicationStatus.ADMITTED)
        .order_by(City.name)
    ).all()
    return [city for city in admitted if not accounts.board_members_of(city.id)]
