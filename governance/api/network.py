"""API: the network as on a date, and its cap."""

import datetime as dt

from governance import clock
from governance.api import bp
from governance.api.common import date_arg, json_body, requires
from governance.extensions import db
from governance.members import services as members
from governance.members.models import Network
from governance.network import rules
from governance.network.rules import seats_left


def network_json(day: dt.date) -> dict:
    network = rules.get_network()
    return {
        "name": rules.name_on(network, day),
        "on": day.isoformat(),
        "member_count": rules.member_count_on(day),
        "total_population": members.total_population_on(day),
        "cap": network.cap,
        "seats_left": seats_left(network),
        "min_population": network.min_population,
        "max_proxies_per_holder": network.max_proxies_per_holder,
        "naming_rule": {"at_members": network.rename_at_members, "name": network.rename_to},
        "names": [
            {
                "name": n.name,
                "valid_from": n.valid_from.isoformat() if n.valid_from else None,
                "reason": n.reason,
                "poll_id": n.poll_id,
            }
            for n in rules.name_history(network)
        ],
    }


@bp.get("/network")
@requires(Network.can_read)
def get_network(user):
    return network_json(date_arg("on"))


@bp.patch("/network")
@requires(Network.can_change_cap)
def patch_network(actor):
    data = json_body()
    rules.change_cap(actor, rules.get_network(), data.get("cap"), data.get("decision"))
    db.session.commit()
    return network_json(clock.today())
