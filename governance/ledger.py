"""What the audit chain vouches for, checked against the rows: ballots, voters, results, members, names, cap.

`audit verify` runs these after the chain itself holds. Each check replays the entries that made a kind
of row and compares the rows with the replay; it yields one sentence per thing that does not match,
naming it, so that a row added, removed or changed behind the application's back is found.
"""

import collections
from collections.abc import Iterator
from typing import Any, Optional

import sqlalchemy as sa

from governance import audit
from governance.admissions.models import Application
from governance.extensions import db
from governance.members.models import CapChange, City, Membership, Network, NetworkName, PopulationFigure
from governance.voting.ballots import ballot_mac
from governance.voting.models import Ballot, Poll, PollState, PollVoter
from governance.voting.services import ballot_digest


def where(entry: audit.AuditEntry) -> str:
    """How a sentence names an entry: its place in the chain, or the number it was written as."""
    if entry.seq is not None:
        return f"audit entry {entry.seq}"
    return f"the unsealed audit entry written as number {entry.id}"


class _Names:
    """City names for the sentences, looked up once."""

    def __init__(self):
        self._names: Optional[dict[int, str]] = None

    def __call__(self, city_id: Any) -> str:
        if self._names is None:
            self._names = dict(db.session.execute(sa.select(City.id, City.name)).all())
        try:
            return self._names.get(int(city_id), f"city {city_id}")
        except (TypeError, ValueError):
            return f"city {city_id}"


def _payloads(entries, *actions: str) -> Iterator[tuple[audit.AuditEntry, dict]]:
    for entry in entries:
        if entry.action in actions:
            try:
                yield entry, entry.payload()
            except ValueError:
                yield entry, {}


# -- votes, ballots, results ---------------------------------------------------------------------------


def check_votes(entries) -> Iterator[str]:
    """Every ballot and voter row against the vote entries; every closed poll's ballots and result against its close."""
    name = _Names()
    votes: dict[int, list[tuple[audit.AuditEntry, dict]]] = collections.defaultdict(list)
    for entry, data in _payloads(entries, "vote.cast"):
        votes[int(entry.object_id)].append((entry, data))
    closes = {int(entry.object_id): (entry, data) for entry, data in _payloads(entries, "poll.closed")}
    polls = {poll.id: poll for poll in db.session.scalars(sa.select(Poll))}
    ballots: dict[int, list[Ballot]] = collections.defaultdict(list)
    for ballot in db.session.scalars(sa.select(Ballot)):
        ballots[ballot.poll_id].append(ballot)
    voters: dict[int, set[int]] = collections.defaultdict(set)
    for poll_id, city_id in db.session.execute(sa.select(PollVoter.poll_id, PollVoter.city_id)):
        voters[poll_id].add(city_id)

    for poll_id in sorted(set(ballots) - set(polls)):
        yield f"there are ballots for poll {poll_id}, which does not exist"
    for poll_id, poll in sorted(polls.items()):
        recorded = votes.get(poll_id, [])
        stored = ballots.get(poll_id, [])
        if poll.secret:
            for ballot in stored:
                if ballot.mac != ballot_mac(poll_id, ballot.id, ballot.choice.value, ballot.receipt):
                    yield (
                        f"a secret ballot of poll {poll_id} (id {ballot.id}) does not carry its seal: "
                        "it was changed or added in the database"
                    )
        else:
            by_id = {ballot.id: ballot for ballot in stored}
            for entry, data in recorded:
                ballot = by_id.pop(data.get("ballot_id"), None)
                city = name(data.get("city_id"))
                if ballot is None:
                    yield f"the ballot of {city} in poll {poll_id} ({where(entry)}) is missing from the database"
                elif (ballot.choice.value, ballot.city_id, ballot.receipt) != (
                    data.get("choice"),
                    data.get("city_id"),
                    data.get("receipt"),
                ):
                    yield (
                        f"ballot {ballot.id} of poll {poll_id} does not match {where(entry)}: it says "
                        f"{name(ballot.city_id)} voted {ballot.choice.value}, the chain that {city} voted "
                        f"{data.get('choice')}"
                    )
            for ballot in by_id.values():
                yield f"ballot {ballot.id} of poll {poll_id} ({name(ballot.city_id)}) is not in the audit chain"
        if len(stored) != len(recorded):
            yield (
                f"poll {poll_id} has {len(stored)} ballots but the audit chain recorded {len(recorded)} votes "
                "(a ballot was added or removed in the database)"
            )
        recorded_cities = {data.get("city_id") for _entry, data in recorded}
        for city_id in sorted(voters.get(poll_id, set()) - recorded_cities):
            yield f"{name(city_id)} is stored as having voted in poll {poll_id}, which the audit chain does not record"
        for city_id in sorted(recorded_cities - voters.get(poll_id, set()), key=str):
            yield f"the vote of {name(city_id)} in poll {poll_id} is in the audit chain but its voter row is gone"
        yield from _check_close(poll, closes.get(poll_id), stored, name)


_RESULT_FIELDS = ("yes", "no", "abstain", "cast", "eligible", "outcome", "reason", "quorum_met", "majority")


def _check_close(poll: Poll, close, stored: list[Ballot], name) -> Iterator[str]:
    if close is None:
        if poll.state == PollState.CLOSED:
            yield f"poll {poll.id} is closed but its close is not in the audit chain"
        elif poll.result_json:
            yield f"poll {poll.id} is {poll.state.value} but has a stored result, which no close recorded"
        return
    entry, data = close
    if poll.state != PollState.CLOSED:
        yield f"poll {poll.id} is stored as {poll.state.value}, but {where(entry)} closed it"
        return
    if ballot_digest((b.id, b.choice.value) for b in stored) != data.get("ballots"):
        yield f"the ballots of poll {poll.id} differ from those sealed in {where(entry)}"
    result = poll.result or {}
    for field in _RESULT_FIELDS:
        if field in data and result.get(field) != data[field]:
            yield (
                f"the stored result of poll {poll.id} says {field} = {result.get(field)!r}, but the close "
                f"({where(entry)}) recorded {data[field]!r}"
            )
            return
    if not poll.secret:
        listed = sorted(
            (v.get("city_id"), v.get("choice"), v.get("receipt"))
            for v in (result.get("votes") or [])
            if isinstance(v, dict)
        )
        counted = sorted((b.city_id, b.choice.value, b.receipt) for b in stored)
        if listed != counted:
            yield f"the votes listed in the stored result of poll {poll.id} differ from its ballots"
    elif result.get("votes"):
        yield f"the stored result of secret poll {poll.id} lists votes"


# -- members, populations, applications, the network ----------------------------------------------------


def check_memberships(entries) -> Iterator[str]:
    """Each city's membership periods against the entries that started and ended them."""
    name = _Names()
    recorded: dict[int, list[list]] = collections.defaultdict(list)
    for entry, data in _payloads(entries, "city.created", "membership.started", "membership.ended"):
        city_id = int(entry.object_id)
        if entry.action == "city.created":
            if data.get("joined_on"):
                recorded[city_id].append([data["joined_on"], None, None])
        elif entry.action == "membership.started":
            recorded[city_id].append([data.get("joined_on"), None, data.get("application_id")])
        else:
            current = next((period for period in reversed(recorded[city_id]) if period[1] is None), None)
            if current is not None:
                current[1] = data.get("left_on")
    stored: dict[int, list[list]] = collections.defaultdict(list)
    for m in db.session.scalars(sa.select(Membership)):
        stored[m.city_id].append(
            [
                m.joined_on.isoformat() if m.joined_on else None,
                m.left_on.isoformat() if m.left_on else None,
                m.application_id,
            ]
        )
    for city_id in sorted(set(recorded) | set(stored)):
        kept, made = _sorted_periods(stored.get(city_id)), _sorted_periods(recorded.get(city_id))
        for period in kept:
            if period not in made:
                yield (
                    f"{name(city_id)} is stored as a member {_period(period)}, which no audit entry records "
                    "(a membership was added or changed in the database)"
                )
                return
        for period in made:
            if period not in kept:
                yield f"the membership of {name(city_id)} {_period(period)} recorded in the audit chain is not stored"
                return


def _sorted_periods(periods) -> list[list]:
    return sorted(periods or [], key=lambda p: (p[0] or "", p[1] or "9999"))


def _period(period) -> str:
    joined, left = period[0], period[1]
    start = f"from {joined}" if joined else "since before the records"
    return f"{start} until {left}" if left else start


def check_populations(entries) -> Iterator[str]:
    """Each city's population figures against the entries that recorded them."""
    name = _Names()
    recorded: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
    for entry, data in _payloads(entries, "city.created", "population.recorded"):
        date = data.get("population_date") if entry.action == "city.created" else data.get("reference_date")
        recorded[int(entry.object_id)][(data.get("population"), date)] += 1
    stored: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
    for figure in db.session.scalars(sa.select(PopulationFigure)):
        stored[figure.city_id][(figure.population, figure.reference_date.isoformat())] += 1
    for city_id in sorted(set(recorded) | set(stored)):
        extra = stored[city_id] - recorded[city_id]
        missing = recorded[city_id] - stored[city_id]
        if extra:
            population, day = sorted(extra)[0]
            yield f"the population of {name(city_id)} on {day} is stored as {population}, which no audit entry records"
            return
        if missing:
            population, day = sorted(missing)[0]
            yield f"the population {population} of {name(city_id)} on {day}, recorded in the audit chain, is not stored"
            return


def check_applications(entries) -> Iterator[str]:
    """Each application's status against the last entry that set it."""
    poll_application: dict[str, int] = {}
    status: dict[int, tuple[str, audit.AuditEntry]] = {}
    moves = {
        "application.received": "received",
        "application.revote": "received",
        "application.withdrawn": "withdrawn",
        "application.admitted": "admitted",
        "application.rejected": "rejected",
    }
    for entry, data in _payloads(entries, "poll.created", "poll.opened", *moves):
        if entry.action == "poll.created":
            if data.get("application_id") is not None:
                poll_application[entry.object_id] = int(data["application_id"])
        elif entry.action == "poll.opened":
            if entry.object_id in poll_application:
                status[poll_application[entry.object_id]] = ("voting", entry)
        else:
            status[int(entry.object_id)] = (moves[entry.action], entry)
    name = _Names()
    stored = {a.id: a for a in db.session.scalars(sa.select(Application))}
    for application_id, application in sorted(stored.items()):
        made = status.get(application_id)
        if made is None:
            yield f"application {application_id} ({name(application.city_id)}) is not in the audit chain"
            return
        if application.status.value != made[0]:
            yield (
                f"application {application_id} ({name(application.city_id)}) is stored as "
                f"{application.status.value}, but {where(made[1])} made it {made[0]}"
            )
            return
    for application_id in sorted(set(status) - set(stored)):
        yield f"application {application_id}, recorded in {where(status[application_id][1])}, is not stored"
        return


def check_network(entries) -> Iterator[str]:
    """The network's names and cap against the entries that set them."""
    created = next(_payloads(entries, "network.created"), None)
    network = db.session.scalars(sa.select(Network).order_by(Network.id).limit(1)).first()
    if network is None or created is None:
        if network is not None:
            yield "the network is stored but its creation is not in the audit chain"
        return
    cap, cap_entry = created[1].get("cap"), created[0]
    changes = []
    for entry, data in _payloads(entries, "network.cap_changed"):
        cap, cap_entry = data.get("new_cap"), entry
        changes.append((data.get("old_cap"), data.get("new_cap")))
    if network.cap != cap:
        yield f"the network's cap is stored as {network.cap}, but {where(cap_entry)} set it to {cap}"
        return
    stored_changes = [(c.old_cap, c.new_cap) for c in db.session.scalars(sa.select(CapChange).order_by(CapChange.id))]
    if stored_changes != changes:
        yield "the history of cap changes differs from the changes recorded in the audit chain"
        return
    names = collections.Counter({(created[1].get("name"), None): 1})
    for _entry, data in _payloads(entries, "network.renamed"):
        names[(data.get("name"), data.get("valid_from"))] += 1
    kept = collections.Counter(
        (n.name, n.valid_from.isoformat() if n.valid_from else None)
        for n in db.session.scalars(sa.select(NetworkName).where(NetworkName.network_id == network.id))
    )
    for (label, valid_from), _count in sorted((kept - names).items(), key=str):
        since = f" from {valid_from}" if valid_from else ""
        yield f"the network's name {label}{since} is stored, but no audit entry records it"
        return
    for (label, valid_from), _count in sorted((names - kept).items(), key=str):
        since = f" from {valid_from}" if valid_from else ""
        yield f"the network's name {label}{since}, recorded in the audit chain, is not stored"
        return


CHECKS = (check_votes, check_memberships, check_populations, check_applications, check_network)
for _check in CHECKS:
    audit.register_consistency_check(_check)
