"""API: membership applications and their assessment."""

from governance.admissions import services as admissions
from governance.admissions.models import Application
from governance.admissions.schemas import (
    AdviceSchema,
    ApplicationCreateSchema,
    ApplicationListSchema,
    ApplicationQuerySchema,
    ApplicationSchema,
)
from governance.api import bp
from governance.api.common import body, query, refusals, requires
from governance.errors import ValidationFailed
from governance.extensions import db


@bp.post("/applications")
@requires(Application.can_create)
@bp.doc(summary="Register an application (secretariat)")
@body(ApplicationCreateSchema)
@bp.response(201, ApplicationSchema)
@refusals(401, 403, 409)
def create_application(actor, data):
    application = admissions.create_application(
        actor, data["city_id"], data["received_on"], data["effective_on"], data["motivation"] or ""
    )
    db.session.commit()
    return application


@bp.get("/applications")
@requires(Application.can_read)
@bp.doc(summary="Applications, optionally by status")
@query(ApplicationQuerySchema)
@bp.response(200, ApplicationListSchema)
@refusals(401)
def list_applications(user, args):
    return {"items": admissions.list_applications(args["status"])}


@bp.get("/applications/<int:id>")
@requires(Application.can_read)
@bp.doc(summary="One application with its assessment")
@bp.response(200, ApplicationSchema)
@refusals(401, 404)
def get_application(user, id):  # noqa: A002 - the contract's path parameter
    return admissions.get_application(id)


@bp.post("/applications/<int:id>/advice")
@requires(Application.can_advise)
@bp.doc(summary="Record the daily board's advice (daily board)")
@body(AdviceSchema)
@bp.response(200, ApplicationSchema)
@refusals(401, 403, 404, 409)
def record_advice(actor, data, id):  # noqa: A002 - the contract's path parameter
    application = admissions.get_application(id)
    try:
        admissions.record_advice(actor, application, data["advice"], data["text"])
    except ValidationFailed as error:
        # The API calls the reasoning "text"; the form calls it "advice_text".
        error.fields = {("text" if f == "advice_text" else f): m for f, m in error.fields.items()}
        raise
    db.session.commit()
    return application


@bp.post("/applications/<int:id>/withdraw")
@requires(Application.can_withdraw)
@bp.doc(summary="Withdraw an application before its vote opens (secretariat)")
@bp.response(200, ApplicationSchema)
@refusals(401, 403, 404, 409)
def withdraw_application(actor, id):  # noqa: A002 - the contract's path parameter
    application = admissions.get_application(id)
    admissions.withdraw_application(actor, application)
    db.session.commit()
    return application
