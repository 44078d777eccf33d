"""API: tokens and accounts."""

from flask import request
from flask_babel import gettext as _

from governance.accounts import services as accounts
from governance.accounts.models import User
from governance.accounts.throttle import Throttled
from governance.api import bp
from governance.api.common import ApiError, error_response, json_body, requires
from governance.extensions import db


@bp.post("/auth/token")
def issue_token():
    data = json_body()
    try:
        user = accounts.login(data.get("email"), data.get("password"), request.remote_addr)
    except Throttled as refusal:
        response = error_response(429, "too_many_requests", refusal.message)
        response.headers["Retry-After"] = str(refusal.retry_after)
        return response
    if user is None:
        raise ApiError(401, "unauthorized", _("The email address or password is not right."))
    value, token = accounts.issue_api_token(user, user, "api login")
    db.session.commit()
    return {"token": value, "expires_at": token.expires_at.isoformat(timespec="seconds") + "Z"}


@bp.post("/users")
@requires(User.can_manage_accounts)
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
