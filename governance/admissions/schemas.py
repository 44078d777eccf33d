"""The API's schemas for membership applications: registering one, the daily board's advice, the answer."""

import marshmallow as ma
import sqlalchemy as sa

from governance.admissions import services as admissions
from governance.admissions.models import Advice, Application, ApplicationStatus
from governance.extensions import db
from governance.schema_fields import Choice, CityId, IsoDate, QuerySchema, Schema, Text, computed
from governance.voting.models import Poll

CRITERION_CODES = ("not_member", "min_population", "cap", "daily_board_advice")


class ApplicationCreateSchema(Schema):
    city_id = CityId(required=True, metadata={"description": "The city that applies"})
    received_on = IsoDate(required=True)
    effective_on = IsoDate(allow_none=True, load_default=None, metadata={"description": "Default: the decision day"})
    motivation = Text(allow_none=True, load_default=None, max_length=10_000)


class ApplicationQuerySchema(QuerySchema):
    status = Choice(
        ApplicationStatus,
        load_default=None,
        message="Choose received, voting, admitted, rejected or withdrawn.",
    )


class AdviceSchema(Schema):
    advice = Choice(Advice, required=True, message="Choose positive or negative.")
    text = Text(required=True, max_length=10_000, metadata={"description": "The daily board's reasoning"})


class CriterionSchema(Schema):
    code = ma.fields.String(required=True, metadata={"description": "Includes " + ", ".join(CRITERION_CODES)})
    passed = ma.fields.Boolean(
        required=True, allow_none=True, metadata={"description": "null while still to be assessed (pending)"}
    )
    detail = ma.fields.String(required=True)


class AssessmentSchema(Schema):
    """Eligible when no criterion failed; until the decision as it stands now, once decided as when its poll opened."""

    eligible = ma.fields.Boolean(required=True)
    criteria = ma.fields.List(ma.fields.Nested(CriterionSchema), required=True)
    assessed_on = IsoDate(metadata={"description": "Only once decided: the day the poll opened"})

    @ma.post_dump(pass_original=True)
    def assessed_on_only_when_frozen(self, data, original, **kwargs):
        if original.assessed_on is None:
            data.pop("assessed_on", None)
        return data


def _latest_poll_id(application: Application):
    return db.session.scalar(
        sa.select(Poll.id).where(Poll.application_id == application.id).order_by(Poll.id.desc()).limit(1)
    )


class ApplicationSchema(Schema):
    id = ma.fields.Integer(required=True)
    city_id = ma.fields.Integer(required=True)
    city = computed(ma.fields.String(metadata={"description": "The city's name"}), lambda a: a.city.name)
    status = Choice(ApplicationStatus, required=True)
    received_on = ma.fields.Date(required=True)
    effective_on = ma.fields.Date(required=True, allow_none=True)
    motivation = ma.fields.String(required=True)
    advice = Choice(Advice, allow_none=True)
    advice_text = computed(ma.fields.String(allow_none=True), lambda a: a.advice_text or None)
    decided_on = ma.fields.Date(allow_none=True)
    assessment = computed(ma.fields.Nested(AssessmentSchema, required=True), admissions.assess)
    poll_id = computed(ma.fields.Integer(required=True, allow_none=True), _latest_poll_id)


class ApplicationListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(ApplicationSchema), required=True)
