"""The network's rules in one place: members on a day, seats under the cap and its changes, the name and the
naming rule, majority and quorum.

Every area asks these here (members, admissions, voting, meetings, charts); the rule of one membership period
on a day is ``governance.network.periods.member_on``, which this module asks through ``Membership.active_on``.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
from flask_babel import gettext as _

from governance import audit, clock
from governance.admissions.models import Application, ApplicationStatus
from governance.errors import NotFound, ValidationFailed
from governance.extensions import db
from governance.members.models import CapChange, Majority, Membership, Network, NetworkName
from governance.voting.models import Poll, PollKind, PollState

CAP_MAX = 100_000
CAP_DECISION_MAX = 500


# -- the network and its name --------------------------------------------------------------------


def get_network() -> Network:
    """The one network this installation serves (created by init-db)."""
    network = db.session.scalars(sa.select(Network).order_by(Network.id).limit(1)).first()
    if network is None:
        raise NotFound(_("The network has not been set up yet: run 'flask --app governance init-db'."))
    return network


def name_history(network: Network) -> list[NetworkName]:
    """The network's names in the order they took effect."""
    rows = db.session.scalars(sa.select(NetworkName).where(NetworkName.network_id == network.id)).all()
    return sorted(rows, key=lambda n: (n.valid_from or dt.date.min, n.id))


def name_on(network: Network, day: dt.date) -> str:
    """The name the network carried on the day."""
    history = name_history(network)
    names = [n for n in history if n.valid_from is None or n.valid_from <= day]
    return names[-1].name if names else history[0].name


def network_name_on(day: dt.date) -> str:
    """The network's name on the day, or "" before init-db has set the network up (badges, mail, screens)."""
    try:
        return name_on(get_network(), day)
    except NotFound:
        return ""


def apply_naming_rule(actor, poll, from_day: dt.date) -> Optional[NetworkName]:
    """Rename the network, once, from the first day membership reaches the rule's threshold (G32 → G40 at 40)."""
    network = get_network()
    if not network.rename_at_members or not network.rename_to:
        return None
    already = db.session.scalar(
        sa.select(sa.func.count(NetworkName.id)).where(
            NetworkName.network_id == network.id, NetworkName.by_naming_rule.is_(True)
        )
    )
    if already:
        return None
    later_starts = db.session.scalars(
        sa.select(Membership.joined_on).where(Membership.joined_on > from_day).distinct()
    ).all()
    for day in sorted({from_day, *later_starts}):
        count = member_count_on(day)
        if count >= network.rename_at_members:
            name = NetworkName(
                network_id=network.id,
                name=network.rename_to,
                valid_from=day,
                reason=_(
                    "Naming rule: the network reached %(count)d members (poll %(poll)s).",
                    count=network.rename_at_members,
                    poll=poll.id,
                ),
                by_naming_rule=True,
                poll_id=poll.id,
            )
            db.session.add(name)
            db.session.flush()
            audit.record(
                "network.renamed",
                network,
                actor,
                name=network.rename_to,
                valid_from=day,
                poll_id=poll.id,
                members=count,
            )
            return name
    return None


# -- members on a day ---------------------------------------------------------------------------------


def member_ids_on(day: dt.date) -> set[int]:
    """The ids of the cities that were members on the day."""
    return set(db.session.scalars(sa.select(Membership.city_id).where(Membership.active_on(day))).all())


def member_count_on(day: dt.date) -> int:
    """How many cities were members on the day."""
    count = sa.select(sa.func.count(sa.distinct(Membership.city_id))).where(Membership.active_on(day))
    return db.session.scalar(count) or 0


# -- seats under the cap, and the cap's changes ---------------------------------------------------------


def admissions_pending_effect(today: Optional[dt.date] = None) -> int:
    """Admissions decided whose effective date has not come yet."""
    today = today or clock.today()
    return (
        db.session.scalar(
            sa.select(sa.func.count(Application.id)).where(
                Application.status == ApplicationStatus.ADMITTED, Application.effective_on > today
            )
        )
        or 0
    )


def open_admission_polls() -> int:
    """Admission polls open now: each holds a seat until it closes."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Poll.id)).where(Poll.kind == PollKind.ADMISSION, Poll.state == PollState.OPEN)
        )
        or 0
    )


def seats_taken(network: Network, today: Optional[dt.date] = None) -> int:
    """Members now, plus admissions decided but not yet effective, plus admission polls open now."""
    today = today or clock.today()
    return member_count_on(today) + admissions_pending_effect(today) + open_admission_polls()


def seats_left(network: Network, today: Optional[dt.date] = None) -> int:
    """The seats under the cap that an admission vote may still take."""
    return max(0, network.cap - seats_taken(network, today))


def change_cap(actor, network: Network, new_cap, decision) -> Network:
    """Set a new membership cap, recording the board decision behind it; never below the seats taken."""
    errors: dict[str, list[str]] = {}
    if isinstance(new_cap, bool) or not isinstance(new_cap, int):
        errors["cap"] = [_("The cap must be a whole number.")]
    elif not 1 <= new_cap <= CAP_MAX:
        errors["cap"] = [_("The cap must be between 1 and 100,000.")]
    if not isinstance(decision, str) or not decision.strip():
        errors["decision"] = [_("Name the board decision that changes the cap.")]
    elif len(decision) > CAP_DECISION_MAX:
        errors["decision"] = [_("At most %(n)d characters.", n=CAP_DECISION_MAX)]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    taken = seats_taken(network)
    if new_cap < taken:
        raise ValidationFailed.on(
            "cap",
            _("The cap cannot be below the %(taken)d seats already taken or reserved.", taken=taken),
        )
    old = network.cap
    network.cap = new_cap
    db.session.add(
        CapChange(
            network_id=network.id,
            old_cap=old,
            new_cap=new_cap,
            decision=decision.strip(),
            changed_by_id=getattr(actor, "id", None),
        )
    )
    db.session.flush()
    audit.record("network.cap_changed", network, actor, old_cap=old, new_cap=new_cap, decision=decision.strip())
    return network


# -- quorum and majority ---------------------------------------------------------------------------------


def quorum_met(count: int, members: int) -> bool:
    """A quorum is more than half: of the eligible cities voting, or of the members present or represented."""
    return count * 2 > members


def quorum_needed(members: int) -> int:
    """The smallest count that is more than half of the members."""
    return members // 2 + 1


@dataclass
class Tally:
    """The ballots of a closed poll, counted, and how many cities could vote."""

    yes: int
    no: int
    abstain: int
    eligible: int

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain


def decide(tally: Tally, majority: Majority) -> tuple[bool, bool, str]:
    """Apply quorum then majority: (quorum_met, adopted, reason); abstentions count for the quorum only."""
    if not quorum_met(tally.cast, tally.eligible):
        return False, False, "quorum_not_met"
    if tally.yes == tally.no:
        return True, False, "tie"
    if majority == Majority.SIMPLE:
        adopted = tally.yes > tally.no
    elif majority == Majority.ABSOLUTE:
        adopted = tally.yes * 2 > tally.cast
    else:
        adopted = tally.yes * 3 >= 2 * (tally.yes + tally.no)
    return True, adopted, "majority" if adopted else "no_majority"
