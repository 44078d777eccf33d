"""API: membership applications and their assessment."""

from flask import request
from flask_babel import gettext as _

from governance.admissions import services as admissions
from governance.admissions.models import Application, ApplicationStatus
from governance.api import bp
from governance.api.common import Fields, json_body, requires
from governance.errors import ValidationFailed
from governance.extensions import db


@bp.post("/applications")
@requires(Application.can_create)
def create_application(actor):
    data = json_body()
    fields = Fields(data)
    received_on = fields.date("received_on")
    effective_on = fields.date("effective_on", required=False)
    motivation = fields.text("motivation", required=False, max_length=10_000)
    if "city_id" not in data or data.get("city_id") is None:
        fields.fail("city_id", _("This field is required."))
    fields.check()
    application = admissions.create_application(actor, data.get("city_id"), received_on, effective_on, motivation or "")
    db.session.commit()
    return admissions.application_json(application), 201


@bp.get("/applications")
@requires(Application.can_read)
def list_applications(user):
    status = request.args.get("status") or None
    if status and status not in {s.value for s in ApplicationStatus}:
        raise ValidationFailed.on("status", _("Choose received, voting, admitted, rejected or withdrawn."))
    return {"items": [admissions.application_json(a) for a in admissions.list_applications(status)]}


@bp.get("/applications/<int:application_id>")
@requires(Application.can_read)
def get_application(user, application_id):
    return admissions.application_json(admissions.get_application(application_id))


@bp.post("/applications/<int:application_id>/advice")
@requires(Application.can_advise)
def record_advice(actor, application_id):
    data = json_body()
    application = admissions.get_application(application_id)
    try:
        admissions.record_advice(actor, application, data.get("advice"), data.get("text"))
    except ValidationFailed as error:
        # The API calls the reasoning "text"; the form calls it "advice_text".
        error.fields = {("text" if f == "advice_text" else f): m for f, m in error.fields.items()}
        raise
    db.session.commit()
    return admissions.application_json(application)


@bp.post("/applications/<int:application_id>/withdraw")
@requires(Application.can_withdraw)
def withdraw_application(actor, application_id):
    application = admissions.get_application(application_id)
    admissions.withdraw_application(actor, application)
    db.session.commit()
    return admissions.application_json(application)
