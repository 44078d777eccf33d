"""The API's schemas for polls: preparing one, a vote, the poll with its frozen result, turnout, the record."""

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from governance.members.models import Majority
from governance.schema_fields import AsStored, Bool, Choice, CityId, Id, QuerySchema, Schema, Text, Timestamp, computed
from governance.voting.models import Choice as VoteChoice
from governance.voting.models import PollKind, PollState
from governance.voting.services import cast_count
from governance.voting.texts import turnout_sentence

OUTCOMES = ("adopted", "rejected")
REASONS = ("quorum_not_met", "tie", "majority", "no_majority")
CAST_MODES = ("online", "proxy", "in_room")


class PollCreateSchema(Schema):
    """An admission (`application_id`) or a motion (`title`); the service says which is missing."""

    application_id = Id(
        error_messages={"invalid": _l("Must be the number of an application.")},
        allow_none=True,
        load_default=None,
        metadata={"description": "For an admission vote"},
    )
    title = Text(allow_none=True, load_default=None, max_length=200, metadata={"description": "For a motion"})
    description = Text(allow_none=True, load_default="", max_length=10_000)
    secret = Bool(allow_none=True, load_default=None, metadata={"description": "Default: named"})
    majority = Choice(Majority, allow_none=True, load_default=None, message="Choose simple, absolute or two_thirds.")
    previous_poll_id = Id(allow_none=True, load_default=None, metadata={"description": "The poll this re-vote follows"})
    meeting_id = Id(allow_none=True, load_default=None, metadata={"description": "The meeting the poll belongs to"})


class PollQuerySchema(QuerySchema):
    state = Choice(PollState, load_default=None, message="Choose draft, open or closed.")


class VoteSchema(Schema):
    choice = Choice(VoteChoice, required=True, message="Choose yes, no or abstain.")
    on_behalf_of = CityId(allow_none=True, load_default=None, metadata={"description": "The city whose proxy you hold"})
    city_id = CityId(
        allow_none=True, load_default=None, metadata={"description": "With in_room: the city whose hand it is"}
    )
    in_room = Bool(
        load_default=False, metadata={"description": "A vote given by hand in the room (chair, secretariat)"}
    )


class ReceiptSchema(Schema):
    receipt = ma.fields.String(required=True, metadata={"description": "Lets the voter check the vote was counted"})
    poll_id = ma.fields.Integer()


class VoteInResultSchema(Schema):
    city_id = ma.fields.Integer(required=True)
    city = ma.fields.String(allow_none=True)
    choice = Choice(VoteChoice, required=True)
    receipt = ma.fields.String(required=True)
    cast = Choice(CAST_MODES)
    entered_by = ma.fields.Integer(allow_none=True, metadata={"description": "Who entered a hand raised in the room"})


class AdmittedSchema(Schema):
    city_id = ma.fields.Integer(required=True)
    from_ = ma.fields.Date(required=True, data_key="from")


class RenamedSchema(Schema):
    from_ = ma.fields.String(required=True, data_key="from")
    to = ma.fields.String(required=True)
    valid_from = ma.fields.Date(required=True)


class EffectsSchema(Schema):
    admitted = ma.fields.List(ma.fields.Nested(AdmittedSchema), required=True)
    renamed = ma.fields.Nested(RenamedSchema, required=True, allow_none=True)


class ResultSchema(Schema):
    """Frozen in the close transaction; answered as frozen."""

    yes = ma.fields.Integer(required=True)
    no = ma.fields.Integer(required=True)
    abstain = ma.fields.Integer(required=True)
    cast = ma.fields.Integer(required=True)
    eligible = ma.fields.Integer(required=True)
    quorum_met = ma.fields.Boolean(required=True)
    outcome = Choice(OUTCOMES, required=True)
    reason = Choice(REASONS, required=True)
    majority = Choice(Majority)
    votes = ma.fields.List(
        ma.fields.Nested(VoteInResultSchema),
        required=True,
        allow_none=True,
        metadata={"description": "How each city voted (named polls); null for a secret poll"},
    )
    closed_at = ma.fields.String()
    not_voted = ma.fields.List(ma.fields.Integer(), metadata={"description": "Eligible cities that did not vote"})
    effects = ma.fields.Nested(EffectsSchema)


def _cast_count(poll) -> int:
    return cast_count(poll)


class PollSchema(Schema):
    id = ma.fields.Integer(required=True)
    kind = Choice(PollKind, required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String()
    state = Choice(PollState, required=True)
    secret = ma.fields.Boolean(required=True)
    majority = Choice(Majority, required=True)
    application_id = ma.fields.Integer(required=True, allow_none=True)
    previous_poll_id = ma.fields.Integer(allow_none=True)
    meeting_id = ma.fields.Integer(allow_none=True)
    eligible_count = ma.fields.Integer(required=True)
    cast_count = computed(ma.fields.Integer(required=True, metadata={"description": "Never how"}), _cast_count)
    opened_at = Timestamp(allow_none=True)
    closed_at = Timestamp(allow_none=True)
    result = AsStored(ResultSchema, required=True, allow_none=True, metadata={"description": "null until closed"})


class PollListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(PollSchema), required=True)


class TurnoutCitySchema(Schema):
    city_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    voted = ma.fields.Boolean(required=True)


class TurnoutSchema(Schema):
    """Which eligible cities have voted, never how: the one shape of the API and of the chair's live page."""

    poll_id = ma.fields.Integer(required=True)
    state = Choice(PollState, required=True)
    eligible_count = ma.fields.Integer(required=True)
    cast_count = ma.fields.Integer(required=True)
    cities = ma.fields.List(ma.fields.Nested(TurnoutCitySchema), required=True)
    text = ma.fields.String(metadata={"description": "The turnout in a sentence, in the reader's language"})


def turnout_answer(poll, turnout) -> dict:
    """What TurnoutSchema dumps, from a poll and its `voting.turnout(poll)`."""
    return {
        "poll_id": poll.id,
        "state": poll.state,
        "eligible_count": len(turnout.eligible),
        "cast_count": turnout.cast_count,
        "cities": [{"city_id": c.id, "name": c.name, "voted": c.id in turnout.voted} for c in turnout.eligible],
        "text": turnout_sentence(turnout.cast_count, len(turnout.eligible)),
    }


# -- the signed record ------------------------------------------------------------------------------------


class AuditHeadSchema(Schema):
    seq = ma.fields.Integer(required=True)
    hash = ma.fields.String(required=True)


class RecordSchema(Schema):
    """The proces-verbaal; `signature` is Ed25519 over its canonical JSON (keys sorted, no spaces, UTF-8)."""

    network = ma.fields.Dict(required=True)
    poll = ma.fields.Dict(required=True)
    eligible = ma.fields.List(ma.fields.Dict(), required=True)
    votes = ma.fields.List(ma.fields.Dict(), required=True, allow_none=True)
    receipts = ma.fields.List(ma.fields.String())
    tally = ma.fields.Dict()
    majority = Choice(Majority)
    quorum = ma.fields.Dict()
    outcome = Choice(OUTCOMES, required=True)
    reason = ma.fields.String(required=True)
    effects = ma.fields.Dict()
    audit_head = ma.fields.Nested(AuditHeadSchema, required=True)


class SignedRecordSchema(Schema):
    record = AsStored(RecordSchema, required=True, metadata={"description": "Answered exactly as signed"})
    signature = ma.fields.String(required=True, metadata={"description": "Ed25519, base64"})
    key_id = ma.fields.String(
        required=True, metadata={"description": "First 16 hex digits of SHA-256 over the raw public key"}
    )


class PublicKeySchema(Schema):
    key_id = ma.fields.String(required=True)
    algorithm = Choice(("Ed25519",), required=True)
    public_key = ma.fields.String(required=True, metadata={"description": "The raw 32-byte key, base64"})


class PublicKeysSchema(Schema):
    keys = ma.fields.List(ma.fields.Nested(PublicKeySchema), required=True)
