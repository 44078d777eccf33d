"""The command line: init-db, seed-demo, users, cities import, audit verify."""

import csv
import datetime as dt
import io
import secrets
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup
from flask_migrate import upgrade

from governance.extensions import db

DEMO_DIR = Path(__file__).parent / "demo"


def register_commands(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(cities_cli)


@click.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the schema and the network row; safe to run again."""
    from governance.members.services import ensure_network

    upgrade()
    _network, created = ensure_network()
    db.session.commit()
    click.echo("Database ready; network created." if created else "Database up to date.")


def _read_csv(name: str) -> list[dict]:
    with open(DEMO_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load the November 2017 network (38 members, Assen and Hilversum applying) and demo accounts."""
    from governance.accounts.models import Role
    from governance.accounts.services import create_user
    from governance.members.models import City
    from governance.members.services import CityInput, create_city, ensure_network

    if db.session.scalar(sa.select(sa.func.count(City.id))):
        raise click.ClickException("The database already has cities; seed-demo only fills an empty database.")
    ensure_network()
    cities: dict[str, City] = {}
    for row in _read_csv("g32-2017-members.csv"):
        joined = dt.date.fromisoformat(row["joined_on"]) if row["joined_on"] else None
        city = create_city(None, CityInput(name=row["name"], cbs_code=row["cbs_code"], province=row["province"],
                                           population=int(row["population"]),
                                           population_date=dt.date.fromisoformat(row["population_date"]),
                                           population_source="CBS"))
        from governance.members.services import add_membership

        add_membership(None, city, joined)
        cities[city.name] = city
    applicants = []
    for row in _read_csv("g32-2017-applicants.csv"):
        city = create_city(None, CityInput(name=row["name"], cbs_code=row["cbs_code"], province=row["province"],
                                           population=int(row["population"]),
                                           population_date=dt.date.fromisoformat(row["population_date"]),
                                           population_source="CBS"))
        applicants.append(city)

    logins: list[tuple[str, str, str]] = []

    def account(email: str, name: str, roles: list[Role], city=None, function: str = "") -> None:
        password = secrets.token_urlsafe(9)
        create_user(None, email, name, [r.value for r in roles], password, city_id=getattr(city, "id", None),
                    function=function)
        logins.append((email, password, ", ".join(r.value for r in roles) + (f" ({city.name})" if city else "")))

    account("secretariaat@g32.example", "Gerard Hendriksma", [Role.SECRETARIAT], function="secretaris")
    account("voorzitter@g32.example", "Ferd Crone", [Role.CHAIR, Role.DAILY_BOARD], function="voorzitter")
    account("db@g32.example", "Dagelijks Bestuur", [Role.DAILY_BOARD], function="lid dagelijks bestuur")
    for city in sorted(cities.values(), key=lambda c: c.name):
        slug = "".join(ch for ch in city.name.lower().replace(" ", "-") if ch.isalnum() or ch == "-").strip("-")
        account(f"bestuur.{slug}@g32.example", f"AB-lid {city.name}", [Role.BOARD], city=city,
                function="burgemeester")

    from governance.admissions.services import create_application

    for city in applicants:
        create_application(None, city.id, dt.date(2017, 9, 15), dt.date(2018, 1, 1),
                           f"{city.name} vraagt het lidmaatschap van het G32-stedennetwerk aan per 1 januari 2018.")
    try:
        from governance.meetings.demo import seed_network_day
    except ImportError:
        seed_network_day = None
    if seed_network_day is not None:
        seed_network_day(None)
    db.session.commit()
    click.echo(f"Loaded {len(cities)} members and {len(applicants)} applicants.")
    click.echo("Demo logins (email, password, role):")
    for email, password, role in logins:
        click.echo(f"  {email}  {password}  {role}")


users_cli = AppGroup("users", help="Create accounts and API tokens.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(["secretariat", "chair", "board", "daily_board"]))
@click.option("--city", help="The member city a board member represents (name or CBS code).")
@click.option("--function", default="", help="Function for the name badge, e.g. burgemeester.")
@click.option("--password", help="Without it you are asked for one.")
def users_create(email, name, roles, city, function, password) -> None:
    """Create an account."""
    from governance.accounts.services import create_user
    from governance.errors import DomainError
    from governance.members.services import find_city

    city_id = None
    if city:
        found = find_city(city)
        if found is None:
            raise click.ClickException(f"There is no city named {city}.")
        city_id = found.id
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(None, email, name, list(roles), password, city_id=city_id, function=function)
    except DomainError as error:
        db.session.rollback()
        details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.fields.items())
        raise click.ClickException(details or error.message) from None
    db.session.commit()
    click.echo(f"Created account {user.email} ({', '.join(sorted(r.value for r in user.roles))}).")


@users_cli.command("token")
@click.argument("email")
@click.option("--label", default="command line", help="What the token is for.")
def users_token(email, label) -> None:
    """Print a new API token (the last line of output)."""
    from governance.accounts.services import find_user, issue_token

    user = find_user(email)
    if user is None or not user.active:
        raise click.ClickException(f"There is no active account for {email}.")
    token = issue_token(None, user, label)
    db.session.commit()
    click.echo(f"New API token for {user.email}:")
    click.echo(token)


@users_cli.command("revoke")
@click.argument("email")
def users_revoke(email) -> None:
    """Revoke every API token of an account."""
    from governance.accounts.services import find_user, revoke_tokens

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    count = revoke_tokens(None, user)
    db.session.commit()
    click.echo(f"Revoked {count} token(s) of {user.email}.")


audit_cli = AppGroup("audit", help="Check the audit log.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the hash chain and the ballots against it; exit 1 at the first broken entry."""
    import governance.voting.services  # noqa: F401  (registers the ballot check)
    from governance.audit import verify

    result = verify()
    if result.ok:
        click.echo(f"Audit log intact: {result.count} entries, head {result.head}")
        return
    click.echo(f"Audit log broken: {result.problem}", err=True)
    raise SystemExit(1)


cities_cli = AppGroup("cities", help="The member registry.")


@cities_cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--source", default="CBS", help="The source to record with each figure.")
@click.option("--yes", is_flag=True, help="Apply without asking.")
def cities_import(file, source, yes) -> None:
    """Read population figures from a CBS-style CSV (cbs_code,population,population_date); all or nothing."""
    from governance.members.imports import apply_import, plan_import

    plan = plan_import(io.StringIO(file.read()))
    for problem in plan.problems:
        click.echo(f"line {problem.line}: {problem.message}", err=True)
    if plan.problems:
        raise click.ClickException(f"{len(plan.problems)} bad row(s); nothing was imported.")
    if not plan.changes:
        click.echo("Nothing to change.")
        return
    click.echo(f"{len(plan.changes)} population figure(s) will be added:")
    for change in plan.changes:
        before = f"{change.previous:,}".replace(",", ".") if change.previous is not None else "—"
        after = f"{change.population:,}".replace(",", ".")
        click.echo(f"  {change.city.name} ({change.city.cbs_code}): {before} → {after} on {change.reference_date}")
    if not yes and not click.confirm("Apply these changes?", default=False):
        raise click.ClickException("Nothing was imported.")
    with click.progressbar(length=len(plan.changes), label="Importing") as bar:
        apply_import(None, plan, source=source, progress=bar.update)
    db.session.commit()
    click.echo(f"Imported {len(plan.changes)} figure(s).")
