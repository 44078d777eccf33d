"""Pages: log in, log out, and the secretariat's list of accounts."""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from governance import clock, mail
from governance.accounts import invitations
from governance.accounts import services as accounts
from governance.accounts.auth import allowed, login_required
from governance.accounts.forms import (
    BoardMemberForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    SetPasswordForm,
    UserForm,
)
from governance.accounts.models import User
from governance.accounts.throttle import Throttled
from governance.errors import DomainError, NotFound
from governance.extensions import db, limiter
from governance.members.models import City
from governance.members.services import sort_key
from governance.views_common import errors_into_form

bp = Blueprint("accounts", __name__)


@bp.app_context_processor
def _board_panel():
    """The city page's board-member section (accounts own the people; members own the page)."""
    return {
        "city_board_panel": invitations.board_panel,
        "cities_without_board_members": invitations.cities_without_board_members,
    }


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


def _invitation_link(token: str) -> str:
    return url_for("accounts.accept_invitation", token=token, _external=True)


def _reset_link(token: str) -> str:
    return url_for("accounts.reset_password", token=token, _external=True)


def _flash_mail_result(problem: str | None, sent: str) -> None:
    """After the commit: say the mail went, or why it did not (the change itself stays saved)."""
    if problem:
        flash(problem, "error")
    else:
        flash(sent, "success")


@bp.route("/accounts", methods=["GET", "POST"])
@allowed(User.can_manage_accounts)
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
                form.password.data or None,
                city_id=form.city_id.data or None,
                function=form.function.data or "",
            )
            if form.invite.data:
                invitations.invite(current_user, user, _invitation_link)
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
            if form.invite.data:
                _flash_mail_result(
                    mail.send_queued(), _("The invitation has been sent to %(email)s.", email=user.email)
                )
            return redirect(url_for("accounts.user_list"))
    elif request.method == "POST":
        status = 422
    query = (request.args.get("q") or "").strip()[:100]
    return render_template(
        "accounts/users.html", users=accounts.search_users(query), form=form, query=query, total=accounts.count_users()
    ), status


@bp.route("/accounts/<int:user_id>/invite", methods=["POST"])
@allowed(User.can_manage_accounts)
def send_invitation(user_id):
    user = accounts.get_user(user_id)
    try:
        invitations.invite(current_user, user, _invitation_link)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        _flash_mail_result(mail.send_queued(), _("The invitation has been sent to %(email)s.", email=user.email))
    return redirect(request.form.get("next") if _is_local(request.form.get("next")) else url_for("accounts.user_list"))


def _is_local(target: str | None) -> bool:
    return bool(target) and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc


@bp.route("/cities/<int:city_id>/board-members/new", methods=["GET", "POST"])
@allowed(User.can_manage_accounts)
def add_board_member(city_id):
    city = db.get_or_404(City, city_id)
    form = BoardMemberForm()
    if form.validate_on_submit():
        try:
            user = invitations.add_board_member(
                current_user, city, form.name.data, form.function.data, form.email.data, _invitation_link
            )
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            db.session.commit()
            _flash_mail_result(
                mail.send_queued(),
                _(
                    "%(name)s is a board member of %(city)s; the invitation has been sent to %(email)s.",
                    name=user.name,
                    city=city.name,
                    email=user.email,
                ),
            )
            return redirect(url_for("members.city_detail", city_id=city.id) + "#board-members")
    return render_template(
        "accounts/board_member_form.html", form=form, city=city, board=accounts.board_members_of(city.id)
    ), 422 if request.method == "POST" else 200


def _set_password_page(token: str, purpose: str):
    """The page behind an invitation or reset link: choose a password, then you are logged in."""
    try:
        user = invitations.user_for_link(token, purpose)
    except invitations.LinkRefused as error:
        return render_template("accounts/link_refused.html", message=error.message), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            invitations.set_password(user, form.password.data, purpose)
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            logout_user()
            login_user(user)
            db.session.commit()
            flash(_("Your password has been set. Welcome, %(name)s.", name=user.name), "success")
            return redirect(url_for("main.index"))
    return render_template(
        "accounts/set_password.html", form=form, user=user, invitation=purpose == invitations.INVITATION
    ), 422 if request.method == "POST" else 200


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
def accept_invitation(token):
    return _set_password_page(token, invitations.INVITATION)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
def reset_password(token):
    return _set_password_page(token, invitations.RESET)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        invitations.request_password_reset(form.email.data, _reset_link)
        db.session.commit()
        # The same answer, as fast, whether or not the address has an account: the mail goes after the response.
        return mail.send_queued_after(
            make_response(render_template("accounts/forgot_sent.html", email=form.email.data.strip()))
        )
    return render_template("accounts/forgot.html", form=form), 422 if request.method == "POST" else 200


@bp.route("/accounts/<int:user_id>/active", methods=["POST"])
@allowed(User.can_manage_accounts)
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
