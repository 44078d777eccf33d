"""The API's schemas for the network and its cities: the input they take and the answers as on a date."""

import datetime as dt
from dataclasses import dataclass
from typing import Optional

import marshmallow as ma
from flask_babel import gettext as _

from governance import clock
from governance.errors import ValidationFailed
from governance.members import services as members
from governance.members.models import City, Network
from governance.network import rules
from governance.network.rules import seats_left
from governance.schema_fields import Choice, Int, IsoDate, QuerySchema, Schema, Text, computed

CITY_STATUSES = (*members.CityStatus.ALL,)


class OnDateQuerySchema(QuerySchema):
    on = IsoDate(load_default=clock.today, metadata={"description": "As on this date (default today)"})


# -- the network ------------------------------------------------------------------------------------------


@dataclass
class NetworkOnDay:
    """The network as asked on a day (name, members, population as on it; cap and seats as they stand now)."""

    network: Network
    day: dt.date


class NetworkNameSchema(Schema):
    name = ma.fields.String(required=True)
    valid_from = IsoDate(required=True, allow_none=True)
    reason = ma.fields.String(required=True)
    poll_id = ma.fields.Integer(allow_none=True, metadata={"description": "The poll whose admission renamed it"})


class NamingRuleSchema(Schema):
    at_members = ma.fields.Integer(allow_none=True)
    name = ma.fields.String(allow_none=True)


def _seats_left(view: NetworkOnDay) -> int:
    return seats_left(view.network)


class NetworkSchema(Schema):
    name = computed(ma.fields.String(required=True), lambda v: rules.name_on(v.network, v.day))
    on = computed(IsoDate(), lambda v: v.day)
    member_count = computed(ma.fields.Integer(required=True), lambda v: rules.member_count_on(v.day))
    total_population = computed(ma.fields.Integer(required=True), lambda v: members.total_population_on(v.day))
    cap = computed(ma.fields.Integer(required=True), lambda v: v.network.cap)
    seats_left = computed(ma.fields.Integer(required=True, metadata={"description": "As it stands now"}), _seats_left)
    min_population = computed(ma.fields.Integer(), lambda v: v.network.min_population)
    max_proxies_per_holder = computed(ma.fields.Integer(), lambda v: v.network.max_proxies_per_holder)
    naming_rule = computed(
        ma.fields.Nested(NamingRuleSchema),
        lambda v: {"at_members": v.network.rename_at_members, "name": v.network.rename_to},
    )
    names = computed(
        ma.fields.List(ma.fields.Nested(NetworkNameSchema), required=True), lambda v: rules.name_history(v.network)
    )


class CapChangeSchema(Schema):
    cap = Int(required=True, metadata={"description": "The new membership cap (1 to 100,000)"})
    decision = Text(required=True, max_length=500, metadata={"description": "The board decision behind the change"})


# -- cities ----------------------------------------------------------------------------------------------


@dataclass
class CityOnDay:
    """A city as asked on a day, with its status then (worked out by the list when it has it already)."""

    city: City
    day: dt.date
    status: Optional[str] = None

    @property
    def figure(self):
        return self.city.population_on(self.day)

    @property
    def membership(self):
        city = self.city
        return city.membership_on(self.day) or (city.memberships[-1] if city.memberships else None)


class CityQuerySchema(OnDateQuerySchema):
    status = Choice(
        (*CITY_STATUSES, "all"),
        load_default="member",
        message="Choose member, applicant, former, none or all.",
        metadata={"description": "Which cities, by their status on the date (default: members)"},
    )


class PopulationFigureSchema(Schema):
    population = ma.fields.Integer(required=True)
    population_date = ma.fields.Date(required=True, attribute="reference_date")
    source = ma.fields.String(required=True)


def _figure(attribute: str):
    def value(view: CityOnDay):
        figure = view.figure
        return getattr(figure, attribute) if figure else None

    return value


def _membership(attribute: str):
    def value(view: CityOnDay):
        membership = view.membership
        return getattr(membership, attribute) if membership else None

    return value


class CitySchema(Schema):
    id = computed(ma.fields.Integer(required=True), lambda v: v.city.id)
    name = computed(ma.fields.String(required=True), lambda v: v.city.name)
    cbs_code = computed(
        ma.fields.String(required=True, metadata={"pattern": "^GM[0-9]{4}$"}), lambda v: v.city.cbs_code
    )
    province = computed(ma.fields.String(required=True), lambda v: v.city.province)
    population = computed(ma.fields.Integer(required=True, allow_none=True), _figure("population"))
    population_date = computed(ma.fields.Date(required=True, allow_none=True), _figure("reference_date"))
    population_source = computed(ma.fields.String(allow_none=True), _figure("source"))
    status = computed(
        Choice(CITY_STATUSES, required=True, metadata={"description": "As on the date asked"}),
        lambda v: v.status or members.status_on(v.city, v.day),
    )
    joined_on = computed(ma.fields.Date(required=True, allow_none=True), _membership("joined_on"))
    left_on = computed(ma.fields.Date(required=True, allow_none=True), _membership("left_on"))
    population_history = computed(
        ma.fields.List(
            ma.fields.Nested(PopulationFigureSchema), metadata={"description": "Every figure, oldest first"}
        ),
        lambda v: v.city.populations,
    )


class CityListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(CitySchema), required=True)


class CityCreateSchema(Schema):
    name = Text(required=True, max_length=members.NAME_MAX)
    cbs_code = Text(required=True, max_length=20, metadata={"description": "GM and four digits, such as GM0363"})
    province = Text(required=True, max_length=40)
    population = Int(required=True, metadata={"description": "Inhabitants, 1 to 10,000,000"})
    population_date = IsoDate(required=True, metadata={"description": "The reference date of the figure"})
    population_source = Text(allow_none=True, max_length=120, metadata={"description": "Default: CBS"})
    joined_on = IsoDate(allow_none=True, metadata={"description": "A member since this date; omitted: not a member"})

    @ma.post_load
    def to_input(self, data, **kwargs) -> members.CityInput:
        return members.CityInput(**data)


class CityPatchSchema(Schema):
    """Only the fields sent change; a population (with its date) is added to the history, not overwritten."""

    name = Text(allow_none=True, max_length=members.NAME_MAX)
    cbs_code = Text(allow_none=True, max_length=20)
    province = Text(allow_none=True, max_length=40)
    population = Int(allow_none=True, metadata={"description": "A new figure; needs population_date"})
    population_date = IsoDate(allow_none=True)
    population_source = Text(allow_none=True, max_length=120)


def check_new_figure(data: dict) -> members.CityInput:
    """A new population figure comes with its date; the PATCH's fields as a CityInput.

    Checked by the view after the city is found, so that a city that does not exist is 404 whatever was sent.
    """
    if data.get("population") is not None and data.get("population_date") is None:
        raise ValidationFailed.on("population_date", _("This field is required."))
    if "population_date" in data and data.get("population") is None:
        raise ValidationFailed.on("population", _("A new population figure needs both population and population_date."))
    return members.CityInput(**data)
