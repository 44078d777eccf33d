"""The network at a glance for the secretariat's home page, gathered from the areas' services."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional

from governance.admissions import services as admissions
from governance.meetings.meeting import list_meetings
from governance.members import services as members
from governance.network import rules
from governance.voting.services import list_polls


@dataclass
class DashboardFacts:
    day: dt.date
    name: str
    member_count: int
    total_population: int
    cap: int
    seats_left: int
    open_applications: list[Any] = field(default_factory=list)
    open_polls: list[Any] = field(default_factory=list)
    draft_polls: list[Any] = field(default_factory=list)
    next_meeting: Optional[Any] = None


def next_meeting(day: dt.date) -> Optional[Any]:
    """The first meeting on or after the day, if there is one."""
    upcoming = [m for m in list_meetings() if m.date >= day]
    return min(upcoming, key=lambda m: (m.date, m.id)) if upcoming else None


def dashboard_facts(day: dt.date) -> DashboardFacts:
    network = rules.get_network()
    applications = [a for a in admissions.list_applications() if a.is_active]
    return DashboardFacts(
        day=day,
        name=rules.name_on(network, day),
        member_count=rules.member_count_on(day),
        total_population=members.total_population_on(day),
        cap=network.cap,
        seats_left=rules.seats_left(network, day),
        open_applications=sorted(applications, key=lambda a: (a.received_on, a.id)),
        open_polls=list_polls("open"),
        draft_polls=list_polls("draft"),
        next_meeting=next_meeting(day),
    )
