"""Shared fixtures: an app on a migrated database (SQLite file or PostgreSQL), clients and people."""

import os
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from governance import create_app
from governance.extensions import db

PASSWORD = "Correct-Horse-2017"
DATABASE_ENV = "GOVERNANCE_TEST_DATABASE_URI"
# Shared through the environment so that `from tests.conftest import ...` (a second import of this
# module) points at the same database as the fixtures.
_TMP = Path(os.environ.setdefault("GOVERNANCE_TEST_TMP", tempfile.mkdtemp(prefix="governance-tests-")))


def database_uri() -> str:
    """PostgreSQL when GOVERNANCE_TEST_DATABASE_URI says so, else a SQLite file (never :memory:)."""
    return os.environ.get(DATABASE_ENV) or f"sqlite:///{_TMP / 'test.sqlite'}"


def base_config(**extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_uri(),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "CHEAP_PASSWORD_HASHES": True,
        "DOCUMENTS_DIR": str(_TMP / "documents"),
        "SIGNING_KEY_FILE": str(_TMP / "keys" / "signing-key.pem"),
        "MAC_KEY_FILE": str(_TMP / "keys" / "mac-key"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 1,
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def _schema():
    """Migrate a fresh schema once per run, exactly as init-db does."""
    from flask_migrate import upgrade

    app = create_app(base_config())
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        else:
            db.drop_all()
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        from governance import keys

        keys.ensure_keys(app)
        db.engine.dispose()
    return True


def empty_all_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if db.engine.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            else:
                for table in tables:
                    connection.execute(table.delete())
                connection.exec_driver_sql("DELETE FROM sqlite_sequence") if connection.execute(
                    sa.text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")
                ).first() else None
        db.engine.dispose()


def make_app(**extra):
    return create_app(base_config(**extra))


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change settings of the `app` fixture."""
    return {}


@pytest.fixture
def app(_schema, app_config):
    app = make_app(**app_config)
    with app.app_context():
        from governance.members.services import ensure_network

        ensure_network()
        db.session.commit()
    yield app
    empty_all_tables(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An app context for calling services directly (no request)."""
    with app.app_context():
        yield
        db.session.rollback()


class People:
    """Makes cities and accounts for a test and logs them in."""

    def __init__(self, app):
        self.app = app
        self._count = 0

    def city(self, name=None, population=100_000, member_since="2000-01-01", province="Utrecht", code=None):
        import datetime as dt

        from governance.members.services import CityInput, add_membership, create_city

        self._count += 1
        with self.app.app_context():
            city = create_city(
                None,
                CityInput(
                    name=name or f"Stad {self._count}",
                    cbs_code=code or f"GM{9000 + self._count:04d}",
                    province=province,
                    population=population,
                    population_date=dt.date(2017, 1, 1),
                ),
            )
            if member_since:
                add_membership(None, city, dt.date.fromisoformat(member_since))
            db.session.commit()
            return city.id

    def user(self, *roles, city_id=None, email=None, name=None, password=PASSWORD):
        from governance.accounts.services import create_user

        self._count += 1
        email = email or f"user{self._count}@example.test"
        with self.app.app_context():
            user = create_user(
                None, email, name or f"Persoon {self._count}", list(roles) or ["secretariat"], password, city_id=city_id
            )
            db.session.commit()
            return user.id, email

    def token(self, email):
        from governance.accounts.services import find_user, issue_token

        with self.app.app_context():
            value = issue_token(None, find_user(email), "test")
            db.session.commit()
            return value

    def login(self, client, email, password=PASSWORD):
        return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def people(app):
    return People(app)


class Api:
    """Calls /api/v1 with a bearer token and returns (status, json)."""

    def __init__(self, client):
        self.client = client

    def __call__(self, method, path, body=None, token=None, language="en", **kwargs):
        # Tests read the English messages; Dutch is the default (see test_translations).
        headers = {"Accept-Language": language}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.client.open(f"/api/v1{path}", method=method, json=body, headers=headers, **kwargs)
        return response


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def demo(app):
    """The November 2017 network with every demo account on PASSWORD."""
    from governance.demo import load_demo

    with app.app_context():
        logins = load_demo(password_for=lambda email: PASSWORD, with_network_day=False)
        db.session.commit()
    return {email: roles for email, _password, roles in logins}
