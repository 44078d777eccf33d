"""The API's schemas for tokens and accounts: what comes in, what goes out (never a password or its hash)."""

import marshmallow as ma

from governance.accounts.models import Role
from governance.schema_fields import Bool, Choice, CityId, Schema, Text, computed

ROLES = [role.value for role in Role]


class TokenRequestSchema(Schema):
    """Any email and password are tried (and an odd one counted as a failure toward the limits): 401, not 422."""

    email = ma.fields.Raw(load_default=None, allow_none=True, metadata={"type": "string"})
    password = ma.fields.Raw(load_default=None, allow_none=True, metadata={"type": "string"})


class TokenSchema(Schema):
    token = ma.fields.String(required=True)
    expires_at = ma.fields.String(
        required=True, metadata={"description": "UTC, as YYYY-MM-DDTHH:MM:SSZ; the token stops working then"}
    )


class UserCreateSchema(Schema):
    email = Text(required=True, max_length=254)
    name = Text(required=True, max_length=200)
    roles = ma.fields.List(Choice(ROLES), required=True)
    city_id = CityId(allow_none=True, load_default=None, metadata={"description": "The city a board member represents"})
    # Required by the contract; a missing one gets the password rules' own sentence from the service.
    # Whatever is sent (a number too) meets the password rules, which say what is wrong with it.
    password = ma.fields.Raw(allow_none=True, load_default=None, metadata={"type": "string"})
    function = Text(load_default="", allow_none=True, max_length=200)


class UserSchema(Schema):
    id = ma.fields.Integer(required=True)
    email = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    function = ma.fields.String()
    roles = computed(ma.fields.List(Choice(ROLES), required=True), lambda user: sorted(r.value for r in user.roles))
    city_id = ma.fields.Integer(required=True, allow_none=True)
    active = Bool()
