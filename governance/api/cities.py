"""API: cities with their population and status as on a date."""

import datetime as dt

from flask import request
from flask_babel import gettext as _

from governance import clock
from governance.api import bp
from governance.api.common import Fields, date_arg, json_body, requires
from governance.errors import ValidationFailed
from governance.extensions import db
from governance.members import services as members
from governance.members.models import City


def city_json(city: City, day: dt.date, status: str | None = None) -> dict:
    figure = city.population_on(day)
    membership = city.membership_on(day) or (city.memberships[-1] if city.memberships else None)
    return {
        "id": city.id,
        "name": city.name,
        "cbs_code": city.cbs_code,
        "province": city.province,
        "population": figure.population if figure else None,
        "population_date": figure.reference_date.isoformat() if figure else None,
        "population_source": figure.source if figure else None,
        "status": status or members.status_on(city, day),
        "joined_on": membership.joined_on.isoformat() if membership and membership.joined_on else None,
        "left_on": membership.left_on.isoformat() if membership and membership.left_on else None,
        "population_history": [
            {"population": p.population, "population_date": p.reference_date.isoformat(), "source": p.source}
            for p in city.populations
        ],
    }


def _city_input(data: dict, *, creating: bool) -> members.CityInput:
    fields = Fields(data)
    result = members.CityInput(
        name=fields.text("name", required=creating, max_length=members.NAME_MAX)
        if creating or "name" in data
        else None,
        cbs_code=fields.text("cbs_code", required=creating, max_length=20) if creating or "cbs_code" in data else None,
        province=fields.text("province", required=creating, max_length=40) if creating or "province" in data else None,
        population=fields.integer("population", required=creating) if creating or "population" in data else None,
        population_date=fields.date("population_date", required=creating or "population" in data)
        if creating or "population" in data or "population_date" in data
        else None,
        population_source=fields.text("population_source", required=False, max_length=120),
        joined_on=fields.date("joined_on", required=False) if creating else None,
    )
    if not creating and "population_date" in data and "population" not in data:
        fields.fail("population", _("A new population figure needs both population and population_date."))
    fields.check()
    return result


@bp.get("/cities")
@requires(City.can_read)
def list_cities(user):
    day = date_arg("on")
    status = request.args.get("status", "member")
    if status not in (*members.CityStatus.ALL, "all"):
        raise ValidationFailed.on("status", _("Choose member, applicant, former, none or all."))
    rows = members.cities_with_status(None if status == "all" else status, day)
    return {"items": [city_json(city, day, city_status) for city, city_status in rows]}


@bp.post("/cities")
@requires(City.can_create)
def create_city(actor):
    city = members.create_city(actor, _city_input(json_body(), creating=True))
    db.session.commit()
    return city_json(city, clock.today()), 201


@bp.get("/cities/<int:city_id>")
@requires(City.can_read)
def get_city(user, city_id):
    return city_json(members.get_city(city_id), date_arg("on"))


@bp.patch("/cities/<int:city_id>")
@requires(City.can_edit)
def patch_city(actor, city_id):
    city = members.get_city(city_id)
    data = _city_input(json_body(), creating=False)
    members.update_city(actor, city, data)
    db.session.commit()
    return city_json(city, clock.today())
