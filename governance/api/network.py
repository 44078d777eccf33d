"""API: the network as on a date, and its cap."""

from governance import clock
from governance.api import bp
from governance.api.common import body, query, refusals, requires
from governance.extensions import db
from governance.members.models import Network
from governance.members.schemas import CapChangeSchema, NetworkOnDay, NetworkSchema, OnDateQuerySchema
from governance.network import rules


@bp.get("/network")
@requires(Network.can_read)
@bp.doc(summary="The network as on a date: name, members, population; the cap and seats left as they stand now")
@query(OnDateQuerySchema)
@bp.response(200, NetworkSchema)
@refusals(401)
def get_network(user, args):
    return NetworkOnDay(rules.get_network(), args["on"])


@bp.patch("/network")
@requires(Network.can_change_cap)
@bp.doc(summary="Change the cap, naming the board decision (secretariat)")
@body(CapChangeSchema)
@bp.response(200, NetworkSchema)
@refusals(401, 403)
def patch_network(actor, data):
    network = rules.get_network()
    rules.change_cap(actor, network, data["cap"], data["decision"])
    db.session.commit()
    return NetworkOnDay(network, clock.today())
