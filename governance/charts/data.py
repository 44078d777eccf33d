"""The numbers each chart is drawn from, gathered from the member, admission and voting services.

Every function here takes a day and returns plain dataclasses: no request, no drawing.
The CSV of a chart is exactly `rows()` of its data, under `HEADER`.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from governance.admissions.models import Application
from governance.errors import Conflict
from governance.extensions import db
from governance.members import services as members
from governance.members.models import City, Membership, PopulationFigure
from governance.network import rules
from governance.voting.models import PollState
from governance.voting.services import get_poll

# More bars than this would not be readable on one A4 page: the smallest cities are summed into one.
MAX_BARS = 45

# -- membership over time -------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipPoint:
    day: dt.date
    members: int
    name: str


@dataclass(frozen=True)
class DatedEvent:
    """A dated change worth marking on the chart: an admission, a departure, or a rename."""

    day: dt.date
    label: str


@dataclass
class MembershipData:
    """Members over time: one point per date on which the count or the name changed, up to `on`."""

    HEADER = ("date", "members", "name")

    on: dt.date
    points: list[MembershipPoint]
    founding: int  # members since before the records start (no known date)
    first_name: str
    cap: int
    admissions: list[DatedEvent] = field(default_factory=list)
    departures: list[DatedEvent] = field(default_factory=list)
    renames: list[DatedEvent] = field(default_factory=list)  # label: "G32 → G40"

    @property
    def members_now(self) -> int:
        return self.points[-1].members if self.points else self.founding

    @property
    def name_now(self) -> str:
        return self.points[-1].name if self.points else self.first_name

    @property
    def is_empty(self) -> bool:
        return self.members_now == 0 and not self.points

    def rows(self) -> list[tuple]:
        return [(p.day.isoformat(), p.members, p.name) for p in self.points]


def membership_data(on: dt.date) -> MembershipData:
    """The member count and the name at every date on or before `on` where either changed."""
    network = rules.get_network()
    periods = db.session.execute(
        sa.select(Membership.joined_on, Membership.left_on, City.name).join(City, City.id == Membership.city_id)
    ).all()
    names = rules.name_history(network)

    founding = 0
    change: dict[dt.date, int] = defaultdict(int)
    admissions, departures = [], []
    for joined_on, left_on, city_name in periods:
        if joined_on is None:
            founding += 1
        elif joined_on <= on:
            change[joined_on] += 1
            admissions.append(DatedEvent(joined_on, city_name))
        if left_on is not None and left_on <= on:
            change[left_on] -= 1
            departures.append(DatedEvent(left_on, city_name))

    first_name = names[0].name if names else ""
    dated_names = [(n.valid_from, n.name) for n in names if n.valid_from is not None and n.valid_from <= on]
    renames = []
    previous = first_name
    for day, name in dated_names:
        renames.append(DatedEvent(day, f"{previous} → {name}"))
        previous = name

    points: list[MembershipPoint] = []
    count, name_index = founding, 0
    current_name = first_name
    for day in sorted(set(change) | {day for day, _name in dated_names}):
        count += change.get(day, 0)
        while name_index < len(dated_names) and dated_names[name_index][0] <= day:
            current_name = dated_names[name_index][1]
            name_index += 1
        if not points or (points[-1].members, points[-1].name) != (count, current_name):
            points.append(MembershipPoint(day, count, current_name))

    return MembershipData(
        on=on,
        points=points,
        founding=founding,
        first_name=first_name,
        cap=network.cap,
        admissions=sorted(admissions, key=lambda e: (e.day, e.label)),
        departures=sorted(departures, key=lambda e: (e.day, e.label)),
        renames=renames,
    )


# -- population per city --------------------------------------------------------------------


@dataclass(frozen=True)
class CityPopulation:
    city_id: int
    city: str
    province: str
    population: Optional[int]  # None: no figure dated on or before the day
    reference_date: Optional[dt.date]
    status: str  # member or applicant


@dataclass
class PopulationData:
    """Population per member city (and applicants, drawn apart), largest first."""

    HEADER = ("city", "population", "status")

    on: dt.date
    name: str
    cities: list[CityPopulation]

    @property
    def members(self) -> list[CityPopulation]:
        return [c for c in self.cities if c.status == members.CityStatus.MEMBER]

    @property
    def applicants(self) -> list[CityPopulation]:
        return [c for c in self.cities if c.status == members.CityStatus.APPLICANT]

    @property
    def total(self) -> int:
        """The network's population: members only, applicants are not (yet) part of it."""
        return sum(c.population or 0 for c in self.members)

    @property
    def is_empty(self) -> bool:
        return not self.cities

    def rows(self) -> list[tuple]:
        return [(c.city, "" if c.population is None else c.population, c.status) for c in self.cities]


def applicant_ids_on(day: dt.date, member_ids: set[int]) -> set[int]:
    """The cities that were applicants on the day, by the registry's own rule (members.status_on).

    Only cities with an application and no membership that day can be applicants, so only
    those are loaded: asking every city's status took most of this chart's time at 400 cities.
    """
    by_city: dict[int, list] = defaultdict(list)
    for application in db.session.scalars(sa.select(Application)):
        by_city[application.city_id].append(application)
    candidates = [city_id for city_id in by_city if city_id not in member_ids]
    if not candidates:
        return set()
    cities = db.session.scalars(
        sa.select(City).where(City.id.in_(candidates)).options(so.selectinload(City.memberships))
    ).all()
    return {c.id for c in cities if members.status_on(c, day, by_city[c.id]) == members.CityStatus.APPLICANT}


def population_data(on: dt.date) -> PopulationData:
    """Each member's and each applicant's latest population figure on the day."""
    member_ids = rules.member_ids_on(on)
    applicant_ids = applicant_ids_on(on, member_ids)
    wanted = member_ids | applicant_ids
    figures = members.population_by_city_on(on, wanted) if wanted else {}
    cities = (
        db.session.execute(sa.select(City.id, City.name, City.province).where(City.id.in_(wanted))).all()
        if wanted
        else []
    )
    rows = []
    for city_id, name, province in cities:
        figure = figures.get(city_id)
        rows.append(
            CityPopulation(
                city_id=city_id,
                city=name,
                province=province,
                population=figure.population if figure else None,
                reference_date=figure.reference_date if figure else None,
                status=members.CityStatus.MEMBER if city_id in member_ids else members.CityStatus.APPLICANT,
            )
        )
    rows.sort(key=lambda c: (-(c.population or 0), c.city.casefold()))
    return PopulationData(on=on, name=rules.name_on(rules.get_network(), on), cities=rows)


# -- population by province ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProvincePopulation:
    province: str
    population: int
    cities: int


@dataclass
class ProvinceData:
    """The members' population summed per province, largest first."""

    HEADER = ("province", "population")

    on: dt.date
    name: str
    provinces: list[ProvincePopulation]

    @property
    def total(self) -> int:
        return sum(p.population for p in self.provinces)

    @property
    def is_empty(self) -> bool:
        return not self.provinces

    def rows(self) -> list[tuple]:
        return [(p.province, p.population) for p in self.provinces]


def province_data(on: dt.date, population: Optional[PopulationData] = None) -> ProvinceData:
    """Sum the members' populations per province (applicants are not counted)."""
    population = population or population_data(on)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for city in population.members:
        totals[city.province][0] += city.population or 0
        totals[city.province][1] += 1
    provinces = [ProvincePopulation(province, total, count) for province, (total, count) in totals.items()]
    provinces.sort(key=lambda p: (-p.population, p.province))
    return ProvinceData(on=on, name=population.name, provinces=provinces)


# -- the network's population over time ----------------------------------------------------------


@dataclass(frozen=True)
class PopulationPoint:
    day: dt.date
    population: int


@dataclass
class PopulationHistoryData:
    """The network's total population at every date on or before `on` where it changed."""

    HEADER = ("date", "population")

    on: dt.date
    name: str
    points: list[PopulationPoint]

    @property
    def is_empty(self) -> bool:
        return not self.points

    def rows(self) -> list[tuple]:
        return [(p.day.isoformat(), p.population) for p in self.points]


def population_history_data(on: dt.date) -> PopulationHistoryData:
    """Sweep every figure and membership date once, keeping the running sum of the members' figures.

    The sum on a day equals members.total_population_on(day): each member's latest figure
    dated on or before the day (ties broken by the later record, as that service does).
    """
    figures = db.session.execute(
        sa.select(
            PopulationFigure.reference_date, PopulationFigure.id, PopulationFigure.city_id, PopulationFigure.population
        ).where(PopulationFigure.reference_date <= on)
    ).all()
    periods = db.session.execute(sa.select(Membership.city_id, Membership.joined_on, Membership.left_on)).all()

    # Events on one day: figures first (so a city joining that day counts its new figure),
    # then departures and arrivals.
    events: list[tuple] = []
    for reference_date, figure_id, city_id, population in figures:
        events.append((reference_date, 0, figure_id, city_id, population))
    membership_count: dict[int, int] = defaultdict(int)
    for city_id, joined_on, left_on in periods:
        if joined_on is None:
            membership_count[city_id] += 1
        elif joined_on <= on:
            events.append((joined_on, 2, 0, city_id, +1))
        if left_on is not None and left_on <= on:
            events.append((left_on, 1, 0, city_id, -1))
    events.sort()

    current: dict[int, int] = {}
    total = 0
    points: list[PopulationPoint] = []
    index = 0
    while index < len(events):
        day = events[index][0]
        while index < len(events) and events[index][0] == day:
            _day, kind, _id, city_id, value = events[index]
            if kind == 0:
                if membership_count[city_id] > 0:
                    total += value - current.get(city_id, 0)
                current[city_id] = value
            else:
                was_member = membership_count[city_id] > 0
                membership_count[city_id] += value
                is_member = membership_count[city_id] > 0
                if is_member and not was_member:
                    total += current.get(city_id, 0)
                elif was_member and not is_member:
                    total -= current.get(city_id, 0)
            index += 1
        # One row per change of the total; the history starts with the first non-zero total.
        if points and points[-1].population == total:
            continue
        if not points and total == 0:
            continue
        points.append(PopulationPoint(day, total))
    return PopulationHistoryData(on=on, name=rules.name_on(rules.get_network(), on), points=points)


# -- the result of a closed poll ---------------------------------------------------------------------


@dataclass
class PollData:
    """Yes, no and abstain of a closed poll, with the turnout and the outcome."""

    HEADER = ("choice", "votes")
    CHOICES = ("yes", "no", "abstain")

    poll_id: int
    title: str
    closed_on: Optional[dt.date]
    yes: int
    no: int
    abstain: int
    cast: int
    eligible: int
    quorum_met: bool
    outcome: str
    reason: str

    @property
    def is_empty(self) -> bool:
        return self.cast == 0

    def votes(self, choice: str) -> int:
        return getattr(self, choice)

    def rows(self) -> list[tuple]:
        return [(choice, self.votes(choice)) for choice in self.CHOICES]


def poll_data(poll_id: int) -> PollData:
    """The frozen result of a closed poll; 404 for no such poll, 409 while it is not closed."""
    poll = get_poll(poll_id)
    result = poll.result
    if poll.state != PollState.CLOSED or result is None:
        raise Conflict(
            _("Poll %(id)s is not closed yet: its result is drawn once the chair closes it.", id=poll_id),
            code="invalid_state",
        )
    return PollData(
        poll_id=poll.id,
        title=poll.title,
        closed_on=poll.closed_at.date() if poll.closed_at else None,
        yes=int(result.get("yes", 0)),
        no=int(result.get("no", 0)),
        abstain=int(result.get("abstain", 0)),
        cast=int(result.get("cast", 0)),
        eligible=int(result.get("eligible", poll.eligible_count)),
        quorum_met=bool(result.get("quorum_met")),
        outcome=str(result.get("outcome", "")),
        reason=str(result.get("reason", "")),
    )


CHARTS = ("membership", "population", "provinces", "population-history")


def gather(chart: str, on: dt.date, poll_id: Optional[int] = None):
    """The data of one chart by its name in the URL."""
    if chart == "membership":
        return membership_data(on)
    if chart == "population":
        return population_data(on)
    if chart == "provinces":
        return province_data(on)
    if chart == "population-history":
        return population_history_data(on)
    if chart == "poll":
        return poll_data(poll_id)
    raise ValueError(f"unknown chart {chart!r}")
