"""Pages: the applications, one application's assessment, the daily board's advice."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from governance import clock
from governance.accounts.auth import allowed
from governance.admissions import services as admissions
from governance.admissions.forms import AdviceForm, ApplicationForm
from governance.admissions.models import Application
from governance.errors import DomainError
from governance.extensions import db
from governance.members import services as members
from governance.members.models import City
from governance.network import rules
from governance.views_common import errors_into_form
from governance.voting.models import Poll

bp = Blueprint("admissions", __name__)


@bp.route("/applications", methods=["GET", "POST"])
@allowed(Application.can_read)
def application_list():
    form = ApplicationForm()

    today = clock.today()
    candidates = [
        c for c in sorted(db.session.scalars(sa.select(City)), key=members.sort_key) if c.membership_on(today) is None
    ]
    form.city_id.choices = [(0, _("— choose —"))] + [(c.id, c.name) for c in candidates]
    status = 200
    if request.method == "POST":
        if not Application.can_create(current_user):
            return render_template(
                "errors/error.html", status=403, message=_("Only the secretariat registers applications.")
            ), 403
        if form.validate_on_submit():
            try:
                application = admissions.create_application(
                    current_user,
                    form.city_id.data,
                    form.received_on.data,
                    form.effective_on.data,
                    form.motivation.data or "",
                )
            except DomainError as error:
                db.session.rollback()
                errors_into_form(form, error)
                status = 422
            else:
                db.session.commit()
                flash(_("The application of %(name)s has been registered.", name=application.city.name), "success")
                return redirect(url_for("admissions.application_detail", application_id=application.id))
        else:
            status = 422
    network = rules.get_network()
    return render_template(
        "admissions/list.html",
        applications=admissions.list_applications(),
        form=form,
        seats_left=rules.seats_left(network),
        network=network,
    ), status


@bp.route("/applications/<int:application_id>")
@allowed(Application.can_read)
def application_detail(application_id):
    application = admissions.get_application(application_id)
    return _detail(
        application,
        AdviceForm(
            formdata=None,
            advice=application.advice.value if application.advice else None,
            advice_text=application.advice_text,
        ),
    )


def _detail(application, advice_form, status=200):
    polls = list(db.session.scalars(sa.select(Poll).where(Poll.application_id == application.id).order_by(Poll.id)))
    return render_template(
        "admissions/detail.html",
        application=application,
        assessment=admissions.assess(application),
        advice_form=advice_form,
        polls=polls,
    ), status


@bp.route("/applications/<int:application_id>/advice", methods=["POST"])
@allowed(Application.can_advise)
def application_advice(application_id):
    application = admissions.get_application(application_id)
    form = AdviceForm()
    if form.validate_on_submit():
        try:
            admissions.record_advice(current_user, application, form.advice.data, form.advice_text.data)
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            db.session.commit()
            flash(_("The advice has been recorded."), "success")
            return redirect(url_for("admissions.application_detail", application_id=application.id))
    return _detail(application, form, 422)


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@allowed(Application.can_withdraw)
def application_withdraw(application_id):
    application = admissions.get_application(application_id)
    try:
        admissions.withdraw_application(current_user, application)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The application of %(name)s has been withdrawn.", name=application.city.name), "success")
    return redirect(url_for("admissions.application_detail", application_id=application.id))
