"""The command line: init-db, seed-demo, users, cities import, audit verify."""

import io
import json
from pathlib import Path
from typing import Optional

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from governance import audit, keys
from governance.accounts.services import create_user, find_user, issue_token, revoke_tokens
from governance.demo import AlreadySeeded, load_demo
from governance.errors import DomainError
from governance.extensions import db
from governance.members.imports import apply_import, plan_import
from governance.members.models import City
from governance.members.services import ensure_network, find_city
from governance.voting.record import verify_signed_record


def register_commands(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(record_cli)
    app.cli.add_command(cities_cli)
    app.cli.add_command(cities_count_command)


@click.command("cities-count")
@with_appcontext
def cities_count_command() -> None:
    """Print how many cities the database holds (make run seeds the demo when it is 0)."""
    click.echo(db.session.scalar(sa.select(sa.func.count(City.id))) or 0)


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the schema and the network row; safe to run again."""
    upgrade()
    for path in keys.ensure_keys(current_app):
        click.echo(f"Created the key file {path} (mode 0600); keep it out of backups of the database.")
    _network, created = ensure_network()
    db.session.commit()
    click.echo("Database ready; network created." if created else "Database up to date.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the November 2017 network (38 members, Assen and Hilversum applying) and demo accounts."""
    try:
        logins = load_demo()
    except AlreadySeeded:
        raise click.ClickException("The database already has cities; seed-demo only fills an empty database.") from None
    db.session.commit()
    lines = ["Demo logins (email, password, role):"] + [f"  {e}  {p}  {r}" for e, p, r in logins]
    # Passwords are kept only as hashes; this file lets `make run` show them again.
    logins_file = Path(current_app.instance_path) / "demo-logins.txt"
    logins_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    logins_file.chmod(0o600)
    click.echo("Loaded the November 2017 network: 38 members, Assen and Hilversum applying.")
    click.echo("\n".join(lines))


users_cli = AppGroup("users", help="Create accounts and API tokens.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice(["secretariat", "chair", "board", "daily_board"])
)
@click.option("--city", help="The member city a board member represents (name or CBS code).")
@click.option("--function", default="", help="Function for the name badge, e.g. burgemeester.")
@click.option("--password", help="Without it you are asked for one.")
def users_create(email, name, roles, city, function, password) -> None:
    """Create an account."""
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
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    count = revoke_tokens(None, user)
    db.session.commit()
    click.echo(f"Revoked {count} token(s) of {user.email}.")


audit_cli = AppGroup("audit", help="Check the audit log.")


def _fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    raise SystemExit(code)


def _read_record_file(path: str) -> dict:
    """A saved signed record, or exit 2 with a sentence when the file cannot be read as JSON."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        _fail(f"The record file {path} cannot be read ({error.strerror}).", 2)
    except UnicodeDecodeError:
        _fail(f"The record file {path} is not UTF-8 text.", 2)
    try:
        return json.loads(text)
    except ValueError:
        _fail(f"The record file {path} is not JSON (save the answer of GET /api/v1/polls/ID/record).", 2)


def _public_key_from(option: Optional[str]):
    """The key given on the command line (base64, a PEM file or a saved GET /keys), else this install's own."""
    if option is None:
        try:
            return keys.public_key()
        except keys.KeyFileError as error:
            _fail(str(error), 2)
    candidate = Path(option)
    try:
        text = candidate.read_text(encoding="utf-8") if candidate.is_file() else option
        value = json.loads(text) if text.lstrip().startswith("{") else text
        return keys.load_public_key(value)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        _fail(f"{option} is not an Ed25519 public key (base64, PEM, or the answer of GET /api/v1/keys).", 2)


@audit_cli.command("verify")
@click.option("--against", "against", metavar="FILE", help="A signed record whose audit head the chain must hold.")
@click.option("--key", "key_option", metavar="KEY", help="Public key for --against (default: this install's).")
def audit_verify(against, key_option) -> None:
    """Check the hash chain and everything it vouches for; exit 1 at the first mismatch, 2 when it cannot check."""
    document = _read_record_file(against) if against else None
    public_key = _public_key_from(key_option) if against else None
    try:
        result = audit.verify(against=(document, public_key) if against else None)
    except audit.CannotVerify as error:
        _fail(f"Cannot verify: {error}", 2)
    except sa.exc.SQLAlchemyError as error:
        _fail(f"Cannot verify: the database cannot be read ({_first_line(error)}).", 2)
    if result.ok:
        click.echo(f"Audit log intact: {result.count} entries, head {result.head}")
        if result.unsealed:
            click.echo(f"{result.unsealed} entries written after the head are not sealed yet; each matches.")
        if document is not None:
            click.echo(f"The chain holds the head of the record ({result.against}).")
        return
    _fail(f"Audit log broken: {result.problem}", 1)


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


record_cli = AppGroup("record", help="Check a poll's signed record.")


@record_cli.command("verify")
@click.argument("file")
@click.option("--key", "key_option", metavar="KEY", help="The public key: base64, a PEM file or a saved GET /keys.")
def record_verify(file, key_option) -> None:
    """Check a saved record's signature with the public key alone (no database); exit 0 intact, 1 not."""
    document = _read_record_file(file)
    public_key = _public_key_from(key_option)
    intact, problem = verify_signed_record(document, public_key)
    if not intact:
        _fail(f"Record not intact: {problem}", 1)
    poll = document["record"].get("poll") or {}
    click.echo(f"Record intact: poll {poll.get('id')}, signed by key {document.get('key_id')}.")


cities_cli = AppGroup("cities", help="The member registry.")


@cities_cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--source", default="CBS", help="The source to record with each figure.")
@click.option("--yes", is_flag=True, help="Apply without asking.")
def cities_import(file, source, yes) -> None:
    """Read population figures from a CBS-style CSV (cbs_code,population,population_date); all or nothing."""
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
