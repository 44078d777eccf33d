"""The November 2017 network as demo data: 38 members, Assen and Hilversum applying, demo accounts."""

import csv
import datetime as dt
import secrets
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from governance.accounts.models import Role
from governance.accounts.services import create_user
from governance.admissions.services import create_application
from governance.extensions import db
from governance.meetings.demo import seed_network_day
from governance.members.models import City
from governance.members.services import CityInput, add_membership, create_city, ensure_network

DATA_DIR = Path(__file__).parent
APPLICATION_RECEIVED = dt.date(2017, 9, 15)
EFFECTIVE = dt.date(2018, 1, 1)


# Fictional people: common Dutch first names and surnames, paired so that no real mayor or alderman is meant.
FIRST_NAMES = (
    "Anneke Bart Carla Daan Els Frank Gerda Hans Ilse Jeroen Karin Lars Marieke Niels Olga Pieter Renske Sander "
    "Tineke Ruud Wendy Youssef Sanne Koen Fatima Maarten Nadia Joost Linda Erik Hanneke Thijs Ingrid Mehmet Petra "
    "Wouter Esther Dirk Mirjam Rob Suzanne"
).split()
SURNAMES = [
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos",
    "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf",
    "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Berg", "van der Heijden",
    "van der Veen", "van den Broek", "de Bruijn", "de Jong", "Willems", "Koster", "Prins", "Huisman", "Kuipers",
    "Postma", "Hoekstra", "Wolters", "Verhoeven",
]  # fmt: skip
STAFF = {
    "secretariaat@g32.example": ("Marloes Verbeek", "secretaris"),
    "voorzitter@g32.example": ("Hendrik Zwart", "voorzitter"),
    "db@g32.example": ("Annemiek Roelofs", "lid dagelijks bestuur"),
}


def board_member(city_name: str, index: int) -> tuple[str, str]:
    """The demo board member of the index-th member city (alphabetical): a fictional name and function."""
    name = f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {SURNAMES[(index * 7 + 3) % len(SURNAMES)]}"
    return name, "wethouder" if index % 3 == 2 else "burgemeester"


def demo_people() -> dict[str, tuple[str, str]]:
    """Every demo account's email with its person's name and function, as the badges and mail show them."""
    people = dict(STAFF)
    members = sorted(row["name"] for row in _rows("g32-2017-members.csv"))
    for index, city in enumerate(members):
        people[f"bestuur.{slug(city)}@g32.example"] = board_member(city, index)
    return people


class AlreadySeeded(Exception):
    """The database has cities already; the demo only fills an empty one."""


def _rows(name: str) -> list[dict]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def slug(name: str) -> str:
    cleaned = name.lower().replace(" ", "-").replace("'", "")
    return "".join(ch for ch in cleaned if ch.isalnum() or ch == "-").strip("-")


def load_demo(
    password_for: Callable[[str], str] = lambda email: secrets.token_urlsafe(9), with_network_day: bool = True
) -> list[tuple[str, str, str]]:
    """Fill an empty database with the 2017 network; return (email, password, roles) of each demo account."""
    if db.session.scalar(sa.select(sa.func.count(City.id))):
        raise AlreadySeeded()
    ensure_network()

    def city_from(row: dict) -> City:
        return create_city(
            None,
            CityInput(
                name=row["name"],
                cbs_code=row["cbs_code"],
                province=row["province"],
                population=int(row["population"]),
                population_date=dt.date.fromisoformat(row["population_date"]),
                population_source="CBS",
            ),
        )

    members = []
    for row in _rows("g32-2017-members.csv"):
        city = city_from(row)
        add_membership(None, city, dt.date.fromisoformat(row["joined_on"]) if row["joined_on"] else None)
        members.append(city)
    applicants = [city_from(row) for row in _rows("g32-2017-applicants.csv")]

    logins: list[tuple[str, str, str]] = []

    def account(email: str, name: str, roles: list[Role], city=None, function: str = "") -> None:
        password = password_for(email)
        create_user(
            None, email, name, [r.value for r in roles], password, city_id=getattr(city, "id", None), function=function
        )
        logins.append((email, password, ", ".join(r.value for r in roles) + (f" ({city.name})" if city else "")))

    people = demo_people()
    for email, roles in (
        ("secretariaat@g32.example", [Role.SECRETARIAT]),
        ("voorzitter@g32.example", [Role.CHAIR]),
        ("db@g32.example", [Role.DAILY_BOARD]),
    ):
        account(email, people[email][0], roles, function=people[email][1])
    for city in sorted(members, key=lambda c: c.name):
        email = f"bestuur.{slug(city.name)}@g32.example"
        account(email, people[email][0], [Role.BOARD], city=city, function=people[email][1])
    for city in applicants:
        create_application(
            None,
            city.id,
            APPLICATION_RECEIVED,
            EFFECTIVE,
            f"{city.name} vraagt het lidmaatschap van het G32-stedennetwerk aan per 1 januari 2018.",
        )
    if with_network_day:
        seed_network_day(None)
    return logins
