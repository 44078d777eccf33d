"""API: tokens and accounts."""

from flask import request
from flask_babel import gettext as _

from governance.accounts import services as accounts
from governance.accounts.models import User
from governance.accounts.schemas import TokenRequestSchema, TokenSchema, UserCreateSchema, UserSchema
from governance.accounts.throttle import Throttled
from governance.api import bp
from governance.api.common import ApiError, body, error_response, refusals, requires
from governance.extensions import db


@bp.post("/auth/token")
@bp.doc(security=[], summary="Exchange email and password for an API token")
@body(TokenRequestSchema)
@bp.response(200, TokenSchema)
@refusals(401, 429)
def issue_token(data):
    try:
        user = accounts.login(data["email"], data["password"], request.remote_addr)
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
@bp.doc(summary="Create an account (secretariat)")
@body(UserCreateSchema)
@bp.response(201, UserSchema)
@refusals(401, 403, 409)
def create_user(actor, data):
    user = accounts.create_user(
        actor,
        data["email"],
        data["name"],
        data["roles"],
        # The contract requires a password here; accounts without one are made on the pages, with an invitation.
        data["password"] or "",
        city_id=data["city_id"],
        function=data["function"] or "",
    )
    db.session.commit()
    return user


@bp.get("/users/me")
@requires()
@bp.doc(summary="The account behind the token")
@bp.response(200, UserSchema)
@refusals(401)
def me(user):
    return user
