"""API: the network as on a date, and its cap."""

from governance import clock
from governance.accounts.models import Role
from governance.api import bp
from governance.api.common import body, query, refusals, requires
from governance.extensions import db
from governance.members import services as members
from governance.members.schemas import CapChangeSchema, NetworkOnDay, NetworkSchema, OnDateQuerySchema


@bp.get("/network")
@requires()
@bp.doc(summary="The network as on a date: name, members, population; the cap and seats left as they stand now")
@query(OnDateQuerySchema)
@bp.response(200, NetworkSchema)
@refusals(401)
def get_network(user, args):
    return NetworkOnDay(members.get_network(), args["on"])


@bp.patch("/network")
@requires(Role.SECRETARIAT)
@bp.doc(summary="Change the cap, naming the board decision (secretariat)")
@body(CapChangeSchema)
@bp.response(200, NetworkSchema)
@refusals(401, 403)
def patch_network(actor, data):
    network = members.get_network()
    members.change_cap(actor, network, data["cap"], data["decision"])
    db.session.commit()
    return NetworkOnDay(network, clock.today())
