"""API: cities with their population and status as on a date."""

from governance import clock
from governance.api import bp
from governance.api.common import body, query, refusals, requires
from governance.extensions import db
from governance.members import services as members
from governance.members.models import City
from governance.members.schemas import (
    CityCreateSchema,
    CityListSchema,
    CityOnDay,
    CityPatchSchema,
    CityQuerySchema,
    CitySchema,
    OnDateQuerySchema,
    check_new_figure,
)


@bp.get("/cities")
@requires(City.can_read)
@bp.doc(summary="Cities with their status as on a date")
@query(CityQuerySchema)
@bp.response(200, CityListSchema)
@refusals(401)
def list_cities(user, args):
    day, status = args["on"], args["status"]
    rows = members.cities_with_status(None if status == "all" else status, day)
    return {"items": [CityOnDay(city, day, city_status) for city, city_status in rows]}


@bp.post("/cities")
@requires(City.can_create)
@bp.doc(summary="Add a city (secretariat); with joined_on a member since that date")
@body(CityCreateSchema)
@bp.response(201, CitySchema)
@refusals(401, 403, 409)
def create_city(actor, data):
    city = members.create_city(actor, data)
    db.session.commit()
    return CityOnDay(city, clock.today())


@bp.get("/cities/<int:id>")
@requires(City.can_read)
@bp.doc(summary="One city as on a date")
@query(OnDateQuerySchema)
@bp.response(200, CitySchema)
@refusals(401, 404)
def get_city(user, args, id):  # noqa: A002 - the contract's path parameter
    return CityOnDay(members.get_city(id), args["on"])


@bp.patch("/cities/<int:id>")
@requires(City.can_edit)
@bp.doc(summary="Change a city; a new population figure is added to its history (secretariat)")
@body(CityPatchSchema)
@bp.response(200, CitySchema)
@refusals(401, 403, 404, 409)
def patch_city(actor, data, id):  # noqa: A002 - the contract's path parameter
    city = members.get_city(id)
    members.update_city(actor, city, check_new_figure(data))
    db.session.commit()
    return CityOnDay(city, clock.today())
