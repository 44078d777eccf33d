"""Importing CBS population figures from CSV: plan first, then apply all or nothing."""

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Optional

from governance import clock
from governance.members import services
from governance.members.models import City

COLUMNS = ("cbs_code", "population", "population_date")


@dataclass
class Problem:
    line: int
    message: str


@dataclass
class Change:
    city: City
    population: int
    reference_date: dt.date
    previous: Optional[int]


@dataclass
class ImportPlan:
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def plan_import(handle: IO[str]) -> ImportPlan:
    """Read every row, collect each bad row with its line number, and list what would change."""
    plan = ImportPlan()
    reader = csv.DictReader(handle)
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames][:3] != list(COLUMNS):
        plan.problems.append(Problem(1, "the header must be: cbs_code,population,population_date"))
        return plan
    seen: dict[tuple[str, dt.date], int] = {}
    for row in reader:
        line = reader.line_num
        code = (row.get("cbs_code") or "").strip().upper()
        raw_population = (row.get("population") or "").strip()
        raw_date = (row.get("population_date") or "").strip()
        if not services.CBS_CODE.match(code):
            plan.problems.append(Problem(line, f"'{code}' is not a CBS municipality code (GM and four digits)"))
            continue
        city = services.find_city(code)
        if city is None:
            plan.problems.append(Problem(line, f"no city has the CBS code {code}"))
            continue
        if not raw_population.isdigit() or not 1 <= int(raw_population) <= services.MAX_POPULATION:
            plan.problems.append(Problem(line, f"'{raw_population}' is not a population from 1 to 10,000,000"))
            continue
        try:
            reference_date = dt.date.fromisoformat(raw_date)
        except ValueError:
            plan.problems.append(Problem(line, f"'{raw_date}' is not a date as YYYY-MM-DD"))
            continue
        if reference_date > clock.today():
            plan.problems.append(Problem(line, f"the reference date {raw_date} lies in the future"))
            continue
        if (code, reference_date) in seen:
            plan.problems.append(Problem(line, f"{code} on {raw_date} is also on line {seen[(code, reference_date)]}"))
            continue
        seen[(code, reference_date)] = line
        population = int(raw_population)
        existing = next((p for p in city.populations if p.reference_date == reference_date), None)
        if existing is not None and existing.population == population:
            continue
        previous = city.population_on(reference_date)
        plan.changes.append(Change(city, population, reference_date, previous.population if previous else None))
    return plan


def apply_import(actor, plan: ImportPlan, source: str = "CBS", progress: Callable[[int], None] = lambda n: None):
    """Add every planned figure; the caller commits once, so a failure leaves nothing behind."""
    for change in plan.changes:
        services.record_population(actor, change.city, change.population, change.reference_date, source)
        progress(1)
