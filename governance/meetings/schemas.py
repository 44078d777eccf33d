"""The API's schemas for meetings: the programme, registrations, attendance, presence, proxies, decisions."""

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from governance.meetings.models import ItemKind, PlaceStatus
from governance.schema_fields import Bool, Choice, CityId, Id, Int, IsoDate, Schema, Text, Timestamp, computed

TIME = {"pattern": "^[0-2][0-9]:[0-5][0-9]$", "description": "HH:MM"}


class MeetingCreateSchema(Schema):
    title = Text(required=True, max_length=200)
    date = IsoDate(required=True)
    place = Text(required=True, max_length=200)
    description = Text(allow_none=True, load_default="", max_length=10_000)


class ItemSchema(Schema):
    id = ma.fields.Integer(required=True)
    start = computed(ma.fields.String(required=True, metadata=TIME), lambda item: item.starts_at.strftime("%H:%M"))
    end = computed(ma.fields.String(required=True, metadata=TIME), lambda item: item.ends_at.strftime("%H:%M"))
    kind = Choice(ItemKind, required=True)
    title = ma.fields.String(required=True)
    room = ma.fields.String(required=True, allow_none=True)
    capacity = ma.fields.Integer(required=True, allow_none=True)
    description = ma.fields.String()
    speakers = ma.fields.String()


class ItemCreateSchema(Schema):
    """Times as HH:MM text; the service says when the end is not after the start or the room is taken."""

    start = Text(allow_none=True, load_default=None, max_length=20, metadata={"description": "HH:MM"})
    end = Text(allow_none=True, load_default=None, max_length=20, metadata={"description": "HH:MM"})
    kind = Choice(ItemKind, allow_none=True, load_default=None)
    title = Text(allow_none=True, load_default=None, max_length=200)
    room = Text(allow_none=True, load_default="", max_length=200)
    capacity = Int(allow_none=True, load_default=None, metadata={"description": "Places; none: no limit"})
    description = Text(allow_none=True, load_default="", max_length=10_000)
    speakers = Text(allow_none=True, load_default="", max_length=10_000)


class MeetingSchema(Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    date = ma.fields.Date(required=True)
    place = ma.fields.String(required=True)
    description = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(ItemSchema), required=True)


class MeetingListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(MeetingSchema), required=True)


class PlaceSchema(Schema):
    id = ma.fields.Integer(required=True, attribute="item_id")
    status = Choice(PlaceStatus, required=True)


class RegistrationSchema(Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String()
    function = ma.fields.String()
    city_id = ma.fields.Integer(allow_none=True)
    email = ma.fields.String()
    attending = ma.fields.Boolean()
    items = ma.fields.List(ma.fields.Nested(PlaceSchema), required=True, attribute="places")


class RegistrationListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(RegistrationSchema), required=True)


class RegistrationCreateSchema(Schema):
    name = Text(allow_none=True, load_default=None, max_length=200)
    function = Text(allow_none=True, load_default="", max_length=200)
    email = Text(allow_none=True, load_default=None, max_length=254)
    city_id = CityId(allow_none=True, load_default=None)
    attending = Bool(load_default=True)
    items = ma.fields.List(Id(), load_default=list, metadata={"description": "The ids of the chosen items"})


class ItemAttendanceSchema(Schema):
    id = computed(ma.fields.Integer(required=True), lambda row: row.item.id)
    title = computed(ma.fields.String(), lambda row: row.item.title)
    registered = ma.fields.Integer(required=True)
    waitlisted = ma.fields.Integer(required=True)
    capacity = ma.fields.Integer(required=True, allow_none=True)


class CityNameSchema(Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class AttendanceSchema(Schema):
    total = ma.fields.Integer(required=True)
    declined = ma.fields.Integer()
    items = ma.fields.List(ma.fields.Nested(ItemAttendanceSchema), required=True)
    unanswered_cities = ma.fields.List(ma.fields.Nested(CityNameSchema), attribute="unanswered")


# -- the meeting room -------------------------------------------------------------------------------------


class CityPresenceSchema(Schema):
    city_id = computed(ma.fields.Integer(required=True), lambda row: row.city.id)
    name = computed(ma.fields.String(), lambda row: row.city.name)
    present = ma.fields.Boolean(required=True)
    represented_by = computed(
        ma.fields.Integer(required=True, allow_none=True, metadata={"description": "The city holding its proxy"}),
        lambda row: row.represented_by.id if row.represented_by else None,
    )
    holds = computed(
        ma.fields.List(ma.fields.Integer(), metadata={"description": "The cities whose proxy it holds"}),
        lambda row: [p.from_city_id for p in row.holds],
    )


class PresenceSchema(Schema):
    meeting_id = ma.fields.Integer()
    members = ma.fields.Integer(required=True)
    present = ma.fields.Integer(required=True)
    represented = ma.fields.Integer(
        required=True, metadata={"description": "Absent cities whose proxy a present city holds"}
    )
    needed = ma.fields.Integer(metadata={"description": "Present or represented needed for a quorum"})
    quorum_present = ma.fields.Boolean(required=True)
    cities = ma.fields.List(ma.fields.Nested(CityPresenceSchema), required=True, attribute="rows")


class PresenceChangeSchema(Schema):
    present = Bool(required=True, error_messages={"required": _l("Must be true or false.")})


class ProxyCreateSchema(Schema):
    from_city_id = CityId(required=True, metadata={"description": "The city that gives its vote"})
    to_city_id = CityId(required=True, metadata={"description": "The city whose board member casts it"})


class ProxySchema(Schema):
    id = ma.fields.Integer(required=True)
    meeting_id = ma.fields.Integer()
    from_city_id = ma.fields.Integer(required=True)
    to_city_id = ma.fields.Integer(required=True)
    revoked = ma.fields.Boolean(required=True)
    mandate_sha256 = ma.fields.String(allow_none=True)
    created_at = Timestamp()
    revoked_at = Timestamp(allow_none=True)


class ProxyListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(ProxySchema), required=True)


class DecisionSchema(Schema):
    class Meta(Schema.Meta):
        inline = True  # the decision list is documented in place (readers validate it without the components)

    poll_id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    outcome = Choice(("adopted", "rejected"), required=True)
    reason = Choice(("quorum_not_met", "tie", "majority", "no_majority"))
    yes = ma.fields.Integer(required=True)
    no = ma.fields.Integer(required=True)
    abstain = ma.fields.Integer(required=True)
    closed_at = ma.fields.String(allow_none=True)
    document_sha256 = ma.fields.String(
        required=True, allow_none=True, metadata={"pattern": "^[0-9a-f]{64}$", "description": "null unless approved"}
    )


class ProposedSchema(Schema):
    class Meta(Schema.Meta):
        inline = True  # the decision list is documented in place (readers validate it without the components)

    meeting_id = ma.fields.Integer()
    poll_id = ma.fields.Integer()
    sha256 = ma.fields.String()
    document_sha256 = ma.fields.String()


class AdoptedSchema(Schema):
    class Meta(Schema.Meta):
        inline = True  # the decision list is documented in place (readers validate it without the components)

    poll_id = ma.fields.Integer()
    meeting_id = ma.fields.Integer()
    meeting_title = ma.fields.String()
    meeting_date = ma.fields.String(metadata={"format": "date"})
    adopted_at = ma.fields.String(allow_none=True)
    closed_by = ma.fields.String(allow_none=True)
    yes = ma.fields.Integer(allow_none=True)
    no = ma.fields.Integer(allow_none=True)
    abstain = ma.fields.Integer(allow_none=True)


class DecisionListSchema(Schema):
    class Meta(Schema.Meta):
        inline = True  # the decision list is documented in place (readers validate it without the components)

    meeting_id = ma.fields.Integer()
    items = ma.fields.List(ma.fields.Nested(DecisionSchema), required=True)
    locked = ma.fields.Boolean(metadata={"description": "Adopted by a later meeting: the items no longer change"})
    proposed = ma.fields.Nested(ProposedSchema, allow_none=True)
    adopted = ma.fields.Nested(AdoptedSchema, allow_none=True)
