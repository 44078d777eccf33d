"""Pages: log in, log out, and the secretariat's list of accounts."""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from governance import clock
from governance.accounts import services as accounts
from governance.accounts.auth import login_required, role_required
from governance.accounts.forms import LoginForm, PasswordChangeForm, UserForm
from governance.accounts.models import Role
from governance.accounts.throttle import Throttled
from governance.errors import DomainError, NotFound
from governance.extensions import db
from governance.members.models import City
from governance.members.services import sort_key
from governance.views_common import errors_into_form

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.login(form.email.data, form.password.data, request.remote_addr)
        except Throttled as refusal:
            form.form_errors.append(refusal.message)
            response = make_response(render_template("accounts/login.html", form=form), 429)
            response.headers["Retry-After"] = str(refusal.retry_after)
            return response
        if user is None:
            form.password.errors.append(_("The email address or password is not right."))
        else:
            login_user(user, remember=form.remember.data)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template(
        "accounts/login.html", form=form
    ), 200 if request.method == "GET" or form.errors == {} else 422


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        # Ends this user's sessions everywhere, remember cookies included.
        accounts.end_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("accounts.login"))


def _city_choices() -> list[tuple[int, str]]:
    cities = sorted(db.session.scalars(sa.select(City)), key=sort_key)
    return [(0, _("— none —"))] + [(c.id, c.name) for c in cities]


@bp.route("/accounts", methods=["GET", "POST"])
@role_required(Role.SECRETARIAT)
def user_list():
    form = UserForm()
    form.city_id.choices = _city_choices()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                current_user,
                form.email.data,
                form.name.data,
                form.roles.data,
                form.password.data,
                city_id=form.city_id.data or None,
                function=form.function.data or "",
            )
        except DomainError as error:
            db.session.rollback()
            for field, messages in error.fields.items():
                target = getattr(form, "roles" if field == "roles" else field, None)
                (target.errors if target is not None else form.form_errors).extend(messages)
            if not error.fields:
                form.form_errors.append(error.message)
            status = 422
        else:
            db.session.commit()
            flash(_("Account created for %(name)s.", name=user.name), "success")
            return redirect(url_for("accounts.user_list"))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/users.html", users=accounts.all_users(), form=form), status


@bp.route("/accounts/<int:user_id>/active", methods=["POST"])
@role_required(Role.SECRETARIAT)
def set_active(user_id):
    user = accounts.get_user(user_id)
    active = request.form.get("active") == "1"
    try:
        accounts.set_active(current_user, user, active)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(
            _("%(name)s can log in again.", name=user.name)
            if active
            else _("%(name)s is deactivated; every session and token has ended.", name=user.name),
            "success",
        )
    return redirect(url_for("accounts.user_list"))


def _account_page(form: PasswordChangeForm, status: int = 200):
    user = current_user._get_current_object()
    return render_template(
        "accounts/account.html", form=form, tokens=accounts.tokens_of(user), now=clock.now(), when=_when
    ), status


def _when(moment) -> str:
    """A stored UTC time as the user reads it: in the network's zone, in their language."""
    return format_datetime(moment, "medium") if moment else "—"


@bp.route("/account", methods=["GET"])
@login_required
def account():
    """The user's own account: their API tokens (revocable) and a new password."""
    return _account_page(PasswordChangeForm())


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _account_page(form, 422)
    user = current_user._get_current_object()
    try:
        accounts.change_password(user, form.current_password.data, form.new_password.data)
    except DomainError as error:
        db.session.rollback()
        errors_into_form(form, error)
        return _account_page(form, 422)
    # Every other session and every token has ended; this one carries on under the new session number.
    login_user(user)
    db.session.commit()
    flash(_("Your password has been changed. Your other sessions and your API tokens have ended."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id):
    try:
        token = accounts.revoke_token(current_user, current_user._get_current_object(), token_id)
    except NotFound:
        abort(404)
    db.session.commit()
    flash(_("The token “%(label)s” is revoked.", label=token.label or f"#{token.id}"), "success")
    return redirect(url_for("accounts.account"))
