"""The member registry: cities, populations and memberships, asked as on any date."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from governance import audit, clock
from governance.admissions.models import Application, ApplicationStatus
from governance.errors import Conflict, NotFound, ValidationFailed
from governance.extensions import db
from governance.members.models import City, Majority, Membership, Network, NetworkName, PopulationFigure
from governance.network.periods import member_on, periods_overlap

PROVINCES = (
    "Drenthe",
    "Flevoland",
    "Friesland",
    "Gelderland",
    "Groningen",
    "Limburg",
    "Noord-Brabant",
    "Noord-Holland",
    "Overijssel",
    "Utrecht",
    "Zeeland",
    "Zuid-Holland",
)
CBS_CODE = re.compile(r"^GM\d{4}$")
MAX_POPULATION = 10_000_000
NAME_MAX = 120


class CityStatus:
    MEMBER = "member"
    APPLICANT = "applicant"
    FORMER = "former"
    NONE = "none"
    ALL = ("member", "applicant", "former", "none")


# -- the network -------------------------------------------------------------------


def ensure_network() -> tuple[Network, bool]:
    """Create the network row from the settings unless it exists; return it and whether it is new."""
    network = db.session.scalars(sa.select(Network).order_by(Network.id).limit(1)).first()
    if network is not None:
        return network, False
    config = current_app.config
    network = Network(
        cap=int(config["NETWORK_CAP"]),
        min_population=int(config["NETWORK_MIN_POPULATION"]),
        rename_at_members=config["NETWORK_RENAME_AT"],
        rename_to=config["NETWORK_RENAME_TO"],
        default_majority=Majority.SIMPLE,
        max_proxies_per_holder=int(config.get("NETWORK_MAX_PROXIES_PER_HOLDER", 1)),
    )
    db.session.add(network)
    db.session.flush()
    db.session.add(NetworkName(network_id=network.id, name=config["NETWORK_NAME"], valid_from=None, reason="init-db"))
    db.session.flush()
    audit.record(
        "network.created",
        network,
        None,
        name=config["NETWORK_NAME"],
        cap=network.cap,
        rename_at=network.rename_at_members,
        rename_to=network.rename_to,
    )
    return network, True


# -- asking as on a date --------------------------------------------------------------


def members_on(day: dt.date) -> list[City]:
    """The member cities on the day, by name."""
    cities = db.session.scalars(
        sa.select(City)
        .where(City.id.in_(sa.select(Membership.city_id).where(Membership.active_on(day))))
        .options(so.selectinload(City.populations), so.selectinload(City.memberships))
    ).all()
    return sorted(cities, key=sort_key)


def _latest_figures_on(day: dt.date):
    """A subquery of each city's latest figure on the day: (city_id, population, figure id)."""
    ranked = (
        sa.select(
            PopulationFigure.id,
            PopulationFigure.city_id,
            PopulationFigure.population,
            sa.func.row_number()
            .over(
                partition_by=PopulationFigure.city_id,
                order_by=(PopulationFigure.reference_date.desc(), PopulationFigure.id.desc()),
            )
            .label("rank"),
        )
        .where(PopulationFigure.reference_date <= day)
        .subquery()
    )
    return sa.select(ranked.c.id, ranked.c.city_id, ranked.c.population).where(ranked.c.rank == 1).subquery()


def population_by_city_on(day: dt.date, city_ids: Optional[set[int]] = None) -> dict[int, PopulationFigure]:
    """Each city's latest population figure on the day (reference date on or before it)."""
    latest = _latest_figures_on(day)
    query = sa.select(PopulationFigure).join(latest, latest.c.id == PopulationFigure.id)
    if city_ids is not None:
        query = query.where(PopulationFigure.city_id.in_(city_ids))
    return {figure.city_id: figure for figure in db.session.scalars(query)}


def total_population_on(day: dt.date) -> int:
    """The network's population on the day: the sum of each member's latest figure, added up in the database."""
    latest = _latest_figures_on(day)
    members = sa.select(Membership.city_id).where(Membership.active_on(day)).distinct().subquery()
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(latest.c.population), 0))
        .select_from(latest)
        .join(members, members.c.city_id == latest.c.city_id)
    )
    return int(total or 0)


def status_on(city: City, day: dt.date, applications: Optional[list] = None) -> str:
    """member, applicant, former or none, as on the day (applications: the city's, when already loaded)."""
    if applications is None:
        applications = db.session.scalars(sa.select(Application).where(Application.city_id == city.id)).all()
    return status_from(city.memberships, applications, day)


def status_from(memberships, applications, day: dt.date) -> str:
    """The status rule on plain rows (memberships: joined_on, left_on; applications: status and their dates)."""
    if any(member_on(m.joined_on, m.left_on, day) for m in memberships):
        return CityStatus.MEMBER
    for application in applications:
        if application.received_on > day:
            continue
        if application.status == ApplicationStatus.WITHDRAWN and (
            application.decided_on is None or application.decided_on <= day
        ):
            continue
        if (
            application.status == ApplicationStatus.REJECTED
            and application.decided_on
            and application.decided_on <= day
        ):
            continue
        if (
            application.status == ApplicationStatus.ADMITTED
            and (application.effective_on or application.decided_on or day) <= day
        ):
            continue
        return CityStatus.APPLICANT
    if any(m.left_on is not None and m.left_on <= day for m in memberships):
        return CityStatus.FORMER
    return CityStatus.NONE


@dataclass(slots=True)
class MemberListRow:
    """One line of the member list, from plain rows (no ORM objects): quick at hundreds of cities."""

    city_id: int
    name: str
    cbs_code: str
    province: str
    status: str
    population: Optional[int]
    reference_date: Optional[dt.date]
    member_since: Optional[dt.date]  # the period covering the day (None with is_founding: before the records)
    is_founding: bool
    member_from: Optional[dt.date]  # an admitted applicant's membership still to start
    member_until: Optional[dt.date]  # a former member's last period's end


def member_list_rows(status: Optional[str], day: dt.date) -> list[MemberListRow]:
    """The cities with their status, latest population figure and membership dates on the day, by name.

    Four plain queries and one pass in Python: the member list of hundreds of cities loads no ORM objects
    and asks nothing per row.
    """
    periods: dict[int, list] = {}
    for period in db.session.execute(
        sa.select(Membership.city_id, Membership.joined_on, Membership.left_on).order_by(Membership.id)
    ):
        periods.setdefault(period.city_id, []).append(period)
    applications: dict[int, list] = {}
    for application in db.session.execute(
        sa.select(
            Application.city_id,
            Application.status,
            Application.received_on,
            Application.decided_on,
            Application.effective_on,
        )
    ):
        applications.setdefault(application.city_id, []).append(application)
    # Each city's latest figure on the day, picked here: one scan of the figures, no window function to sort.
    figures: dict[int, tuple] = {}
    for city_id, reference_date, figure_id, population in db.session.execute(
        sa.select(
            PopulationFigure.city_id, PopulationFigure.reference_date, PopulationFigure.id, PopulationFigure.population
        ).where(PopulationFigure.reference_date <= day)
    ):
        known = figures.get(city_id)
        if known is None or (reference_date, figure_id) > (known[0], known[1]):
            figures[city_id] = (reference_date, figure_id, population)
    rows = []
    no_periods: list = []
    for city_id, name, cbs_code, province in db.session.execute(
        sa.select(City.id, City.name, City.cbs_code, City.province)
    ):
        city_periods = periods.get(city_id, no_periods)
        current = None
        member_from = member_until = None
        for period in city_periods:
            joined_on, left_on = period.joined_on, period.left_on
            if member_on(joined_on, left_on, day):
                current = period
            elif joined_on is not None and joined_on > day:
                member_from = joined_on if member_from is None else min(member_from, joined_on)
            elif left_on is not None and left_on <= day:
                member_until = left_on if member_until is None else max(member_until, left_on)
        if current is not None:
            city_status = CityStatus.MEMBER
            member_from = member_until = None
        else:
            city_status = status_from(city_periods, applications.get(city_id, no_periods), day)
        if status and city_status != status:
            continue
        figure = figures.get(city_id)
        rows.append(
            MemberListRow(
                city_id,
                name,
                cbs_code,
                province,
                city_status,
                figure[2] if figure else None,
                figure[0] if figure else None,
                current.joined_on if current is not None else None,
                current is not None and current.joined_on is None,
                member_from,
                member_until,
            )
        )
    rows.sort(key=lambda row: name_sort_key(row.name))
    return rows


def sort_key(city: City) -> str:
    """Dutch alphabetical order of cities: see name_sort_key."""
    return name_sort_key(city.name)


def name_sort_key(name: str) -> str:
    """Dutch alphabetical order: "'s-Hertogenbosch" files under H, accents under their letter."""
    if name.lower().startswith(("'s-", "’s-", "'t ")):
        name = name[3:]
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


# -- changing the registry -------------------------------------------------------------


@dataclass
class CityInput:
    """A city's fields as typed in a form or sent to the API (already parsed into types)."""

    name: Optional[str] = None
    cbs_code: Optional[str] = None
    province: Optional[str] = None
    population: Optional[int] = None
    population_date: Optional[dt.date] = None
    population_source: Optional[str] = None
    joined_on: Optional[dt.date] = None


def _validate_city(data: CityInput, *, creating: bool, city: Optional[City] = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if creating or data.name is not None:
        name = (data.name or "").strip()
        if not name:
            fail("name", _("Enter the city's name."))
        elif len(name) > NAME_MAX:
            fail("name", _("At most %(n)d characters.", n=NAME_MAX))
        elif any(ch in name for ch in '<>"\\') or any(ord(ch) < 32 for ch in name):
            fail("name", _("A city's name cannot contain < > \" or \\."))
    if creating or data.cbs_code is not None:
        code = (data.cbs_code or "").strip().upper()
        if not code:
            fail("cbs_code", _("Enter the CBS municipality code."))
        elif not CBS_CODE.match(code):
            fail("cbs_code", _("A CBS municipality code is GM followed by four digits, such as GM0363."))
    if creating or data.province is not None:
        if not data.province:
            fail("province", _("Choose the province."))
        elif data.province not in PROVINCES:
            fail("province", _("'%(value)s' is not a Dutch province.", value=str(data.province)[:40]))
    if creating or data.population is not None:
        _validate_population(data.population, data.population_date, data.population_source, fail)
    return errors


def _validate_population(population, reference_date, source, fail) -> None:
    if population is None:
        fail("population", _("Enter the number of inhabitants."))
    elif isinstance(population, bool) or not isinstance(population, int):
        fail("population", _("The population must be a whole number."))
    elif not 1 <= population <= MAX_POPULATION:
        fail("population", _("The population must be between 1 and 10,000,000."))
    if reference_date is None:
        fail("population_date", _("Enter the reference date of the population figure."))
    elif reference_date > clock.today():
        fail("population_date", _("The reference date cannot lie in the future."))
    if source is not None and len(source) > 120:
        fail("population_source", _("At most %(n)d characters.", n=120))


def city_problems(data: CityInput) -> dict[str, list[str]]:
    """Every rule a new city breaks, without raising: lets a form show them all at once."""
    errors = _validate_city(data, creating=True)
    if data.population is None:
        errors.pop("population", None)  # the form says what is wrong with a value it could not read
    if data.population_date is None:
        errors.pop("population_date", None)
    return errors


def _check_unique(name: Optional[str], code: Optional[str], exclude_id: Optional[int] = None) -> None:
    if name:
        other = db.session.scalars(sa.select(City).where(sa.func.lower(City.name) == name.lower())).first()
        if other is not None and other.id != exclude_id:
            raise Conflict(
                _("There is already a city named %(name)s.", name=other.name),
                code="duplicate",
                fields={"name": [_("There is already a city named %(name)s.", name=other.name)]},
            )
    if code:
        other = db.session.scalars(sa.select(City).where(City.cbs_code == code)).first()
        if other is not None and other.id != exclude_id:
            message = _("The CBS code %(code)s belongs to %(name)s already.", code=code, name=other.name)
            raise Conflict(message, code="duplicate", fields={"cbs_code": [message]})


def create_city(actor, data: CityInput) -> City:
    """Add a city with its first population figure; with joined_on it is a member from that date."""
    errors = _validate_city(data, creating=True)
    if data.joined_on is not None and data.joined_on > clock.today() + dt.timedelta(days=3660):
        errors.setdefault("joined_on", []).append(_("The membership date is too far in the future."))
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    name, code = data.name.strip(), data.cbs_code.strip().upper()
    _check_unique(name, code)
    city = City(name=name, cbs_code=code, province=data.province)
    db.session.add(city)
    db.session.flush()
    figure = PopulationFigure(
        city_id=city.id,
        population=data.population,
        reference_date=data.population_date,
        source=(data.population_source or "CBS").strip() or "CBS",
    )
    db.session.add(figure)
    if data.joined_on is not None:
        db.session.add(Membership(city_id=city.id, joined_on=data.joined_on))
    db.session.flush()
    db.session.refresh(city)
    audit.record(
        "city.created",
        city,
        actor,
        name=name,
        cbs_code=code,
        province=data.province,
        population=data.population,
        population_date=data.population_date,
        joined_on=data.joined_on,
    )
    return city


def update_city(actor, city: City, data: CityInput) -> City:
    """Change a city's name, code or province; a population given is added to its history."""
    errors = _validate_city(data, creating=False, city=city)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    changes = {}
    name = data.name.strip() if data.name is not None else None
    code = data.cbs_code.strip().upper() if data.cbs_code is not None else None
    _check_unique(
        name if name and name != city.name else None,
        code if code and code != city.cbs_code else None,
        exclude_id=city.id,
    )
    for field, value in (("name", name), ("cbs_code", code), ("province", data.province)):
        if value is not None and getattr(city, field) != value:
            changes[field] = [getattr(city, field), value]
            setattr(city, field, value)
    if changes:
        db.session.flush()
        audit.record("city.updated", city, actor, changes=changes)
    if data.population is not None:
        record_population(actor, city, data.population, data.population_date, data.population_source)
    return city


def record_population(actor, city: City, population, reference_date, source=None) -> PopulationFigure:
    """Add a dated population figure to the city's history; earlier figures stay."""
    errors: dict[str, list[str]] = {}
    _validate_population(population, reference_date, source, lambda f, m: errors.setdefault(f, []).append(m))
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    figure = PopulationFigure(
        city_id=city.id, population=population, reference_date=reference_date, source=(source or "CBS").strip() or "CBS"
    )
    db.session.add(figure)
    db.session.flush()
    db.session.refresh(city)
    audit.record(
        "population.recorded", city, actor, population=population, reference_date=reference_date, source=figure.source
    )
    return figure


def add_membership(actor, city: City, joined_on: Optional[dt.date], application=None) -> Membership:
    """Make the city a member from the date; refused when it would overlap a period it already has."""
    for period in city.memberships:
        if periods_overlap(period.joined_on, period.left_on, joined_on, None):
            raise Conflict(_("%(name)s is already a member.", name=city.name), code="duplicate")
    membership = Membership(city_id=city.id, joined_on=joined_on, application_id=getattr(application, "id", None))
    db.session.add(membership)
    db.session.flush()
    db.session.refresh(city)
    audit.record(
        "membership.started", city, actor, joined_on=joined_on, application_id=getattr(application, "id", None)
    )
    return membership


def end_membership(actor, city: City, left_on: dt.date) -> Membership:
    """End the city's current membership on the date (it is no longer a member from that day)."""
    current = next((m for m in city.memberships if m.left_on is None), None)
    if current is None:
        raise Conflict(_("%(name)s is not a member.", name=city.name), code="invalid_state")
    if current.joined_on is not None and left_on <= current.joined_on:
        raise ValidationFailed.on("left_on", _("The end date must lie after the date the city joined."))
    current.left_on = left_on
    db.session.flush()
    audit.record("membership.ended", city, actor, left_on=left_on)
    return current


def get_city(city_id: int) -> City:
    city = db.session.get(City, city_id)
    if city is None:
        raise NotFound(_("There is no city with number %(id)s.", id=city_id))
    return city


def find_city(name_or_code: str) -> Optional[City]:
    """A city by its name (any case) or its CBS code."""
    value = name_or_code.strip()
    return db.session.scalars(
        sa.select(City).where(sa.or_(sa.func.lower(City.name) == value.lower(), City.cbs_code == value.upper()))
    ).first()


def cities_with_status(status: Optional[str], day: dt.date, with_populations: bool = True) -> list[tuple[City, str]]:
    """Every city with its status on the day, optionally only those with the given status.

    with_populations=False leaves each city's population history unloaded, for callers that ask
    population_by_city_on for the one figure they show.
    """
    options = [so.selectinload(City.memberships)]
    if with_populations:
        options.append(so.selectinload(City.populations))
    cities = db.session.scalars(sa.select(City).options(*options)).all()
    applications: dict[int, list] = {}
    for application in db.session.scalars(sa.select(Application)):
        applications.setdefault(application.city_id, []).append(application)
    rows = [(city, status_on(city, day, applications.get(city.id, []))) for city in cities]
    if status:
        rows = [row for row in rows if row[1] == status]
    return sorted(rows, key=lambda row: sort_key(row[0]))


def matches(city: City, query: str) -> bool:
    """Whether every word of a search finds the city by its name, CBS code or province (case and accents aside)."""
    haystack = fold(f"{city.name} {city.cbs_code} {city.province}")
    return all(fold(word) in haystack for word in query.split())


def fold(text: str) -> str:
    """Lower case without accents, so "Sudwest" finds "Súdwest-Fryslân" and "'s-hertogenbosch" its city."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))
