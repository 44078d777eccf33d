"""The home page, the language switch, the site menu and the error pages."""

import datetime as dt
import re
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BuildError

from governance import clock
from governance.accounts.models import Role, User
from governance.admissions.models import Application
from governance.api.common import error_response
from governance.errors import DomainError
from governance.extensions import db
from governance.i18n import LANGUAGE_COOKIE
from governance.meetings.models import Meeting
from governance.members.models import City, Network
from governance.network.rules import get_network, name_on
from governance.voting.models import Poll

bp = Blueprint("main", __name__)
FILE_SUFFIX = re.compile(r"\.(svg|png|csv|xlsx|pdf|ics|json)$")

# (endpoint, label, the rule of who sees it: the one its page is guarded by)
MENU = (
    ("main.index", "Overview", None),
    ("members.city_list", "Cities", City.can_read),
    ("admissions.application_list", "Applications", Application.can_read),
    ("voting.poll_list", "Votes", Poll.can_read),
    ("meetings.meeting_list", "Network day", Meeting.can_read),
    ("charts.index", "Charts", Network.can_view_charts),
    ("accounts.user_list", "Accounts", User.can_manage_accounts),
)


def menu_labels() -> dict[str, str]:
    # Listed here so the extractor sees each label as a translatable string.
    return {
        "Overview": _("Overview"),
        "Cities": _("Cities"),
        "Applications": _("Applications"),
        "Votes": _("Votes"),
        "Network day": _("Network day"),
        "Charts": _("Charts"),
        "Accounts": _("Accounts"),
    }


@bp.app_context_processor
def layout_helpers():
    def network_name() -> str:

        if "network_name" not in g:  # asked three times per page; looked up once
            try:
                g.network_name = name_on(get_network(), clock.today())
            except Exception:  # before init-db there is no network to name
                db.session.rollback()
                g.network_name = "governance"
        return g.network_name

    def menu_items() -> list[dict]:
        labels = menu_labels()
        items = []
        for endpoint, label, rule in MENU:
            if rule is not None and not rule(current_user):
                continue
            try:
                url = url_for(endpoint)
            except BuildError:
                continue
            items.append({"url": url, "label": labels[label], "active": request.endpoint == endpoint})
        return items

    return {
        "network_name": network_name,
        "menu_items": menu_items,
        # The models, so that templates ask the same can_* rules as the routes: {% if Poll.can_open(current_user) %}
        "Application": Application,
        "City": City,
        "Meeting": Meeting,
        "Network": Network,
        "Poll": Poll,
        "User": User,
    }


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    if current_user.has_role(Role.SECRETARIAT):
        try:
            return redirect(url_for("charts.dashboard"))
        except BuildError:
            pass
    if current_user.has_role(Role.CHAIR, Role.BOARD):
        return redirect(url_for("voting.poll_list"))
    if current_user.has_role(Role.DAILY_BOARD):
        return redirect(url_for("admissions.application_list"))
    return render_template("main/index.html")


# What the accessibility statement reports: when and how the pages were last evaluated (tests/browser runs the
# same axe-core checks on every build; update these lines when a new evaluation is published).
ACCESSIBILITY_EVALUATION = {
    "statement_date": dt.date(2026, 12, 2),
    "evaluated_on": dt.date(2026, 12, 2),
    "tool": "axe-core 4",
    "widths": (1280, 390, 320),
    "review_by": dt.date(2027, 6, 30),
}


@bp.route("/accessibility")
def accessibility():
    """The accessibility statement in the form Dutch public bodies publish (digitoegankelijk.nl); open to all."""
    return render_template(
        "main/accessibility.html",
        evaluation=ACCESSIBILITY_EVALUATION,
        contact=current_app.config.get("ACCESSIBILITY_CONTACT") or current_app.config.get("MAIL_SENDER"),
    )


@bp.route("/language", methods=["POST"])
def set_language():
    language = request.form.get("lang", "")
    target = request.form.get("next") or url_for("main.index")
    # Only ever go back to a page of this site.
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        target = url_for("main.index")
    response = make_response(redirect(target))
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    return response


ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "invalid",
    409: "invalid_state",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}


def error_sentence(status: int) -> str:
    return {
        400: _("The request could not be understood (for example, the form had expired). Please try again."),
        401: _("You need to log in first."),
        403: _("Your account may not open this page."),
        404: _("This page does not exist."),
        405: _("This action is not possible here."),
        413: _("What you sent is too large."),
        429: _("Too many attempts. Please wait a while and try again."),
        500: _("Something went wrong on our side. Nothing was saved; please try again."),
    }.get(status, _("The request could not be completed."))


@bp.app_errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    db.session.rollback()
    status = error.code or 500
    if request.path.startswith("/api/"):
        message = error_sentence(status)
        if status == 413:
            message = _("The request body is larger than 1 MiB.")
        response = error_response(status, ERROR_CODES.get(status, "invalid"), message)
        if status == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response
    return render_template("errors/error.html", status=status, message=error_sentence(status)), status


@bp.app_errorhandler(DomainError)
def handle_domain_error(error: DomainError):
    """The one handler for the whole app: a refused operation is its status and its sentence, never a 500."""
    db.session.rollback()
    if request.path.startswith("/api/"):
        return error_response(error.status, error.code, error.message, error.fields)
    if FILE_SUFFIX.search(request.path):  # an image or download: the sentence as plain text
        return Response(error.message + "\n", status=error.status, mimetype="text/plain")
    return render_template("errors/error.html", status=error.status, message=error.message), error.status


@bp.app_errorhandler(Exception)
def handle_unexpected(error: Exception):
    db.session.rollback()
    current_app.logger.exception("unexpected error on %s %s", request.method, request.path)
    if current_app.testing and current_app.config.get("PROPAGATE_UNEXPECTED", True):
        raise error
    if request.path.startswith("/api/"):
        return error_response(500, "server_error", error_sentence(500))
    return render_template("errors/error.html", status=500, message=error_sentence(500)), 500
