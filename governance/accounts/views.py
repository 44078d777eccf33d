"""Pages: log in, log out, and the secretariat's list of accounts."""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from governance.accounts import services as accounts
from governance.accounts.auth import role_required
from governance.accounts.forms import LoginForm, UserForm
from governance.accounts.models import Role
from governance.accounts.throttle import Throttled
from governance.errors import DomainError
from governance.extensions import db
from governance.members.models import City
from governance.members.services import sort_key

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
