"""API: tokens and accounts."""

from flask import current_app, request
from flask_babel import gettext as _

from governance.accounts import services as accounts
from governance.accounts.models import Role
from governance.api import bp
from governance.api.common import ApiError, json_body, requires
from governance.extensions import db, limiter


def _login_key() -> str:
    data = request.get_json(silent=True) if request.is_json else None
    email = data.get("email") if isinstance(data, dict) else None
    return f"login:{(email or '').strip().lower()}" if isinstance(email, str) else "login:?"


@bp.post("/auth/token")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_login_key)
def issue_token():
    data = json_body()
    user = accounts.authenticate(data.get("email"), data.get("password"))
    if user is None:
        raise ApiError(401, "unauthorized", _("The email address or password is not right."))
    token = accounts.issue_token(user, user, "api login")
    db.session.commit()
    return {"token": token}


@bp.post("/users")
@requires(Role.SECRETARIAT)
def create_user(actor):
    data = json_body()
    user = accounts.create_user(
        actor,
        data.get("email"),
        data.get("name"),
        data.get("roles"),
        # The contract requires a password here; accounts without one are made on the pages, with an invitation.
        data.get("password") or "",
        city_id=data.get("city_id"),
        function=data.get("function") or "",
    )
    db.session.commit()
    return accounts.user_json(user), 201


@bp.get("/users/me")
@requires()
def me(user):
    return accounts.user_json(user)
