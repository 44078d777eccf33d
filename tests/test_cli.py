"""The command line: init-db, seed-demo, users, cities import, the secret key."""

import pytest
import sqlalchemy as sa

from governance.extensions import db
from governance.members.models import City


def test_init_db_is_idempotent(runner):
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "up to date" in second.output


def test_seed_demo_loads_the_network_once(runner, app):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "secretariaat@g32.example" in result.output and "bestuur.assen" not in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(City.id))) == 40
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0 and "already has cities" in again.output


def test_users_create_and_token(runner, app, people):
    people.city(name="Lelystad", code="GM0995")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "ina@example.test",
            "--name",
            "Ina Adema",
            "--role",
            "board",
            "--role",
            "chair",
            "--city",
            "Lelystad",
            "--password",
            "Een-lang-wachtwoord",
        ]
    )
    assert result.exit_code == 0, result.output
    token = runner.invoke(args=["users", "token", "ina@example.test"]).output.strip().splitlines()[-1]
    client = app.test_client()
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["roles"] == ["board", "chair"] and me["city_id"] is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["users", "create", "x@example.test", "--name", "X", "--role", "board", "--password", "Lang-genoeg-123"],
            "city_id:",
        ),
        (
            [
                "users",
                "create",
                "x@example.test",
                "--name",
                "X",
                "--role",
                "board",
                "--city",
                "Atlantis",
                "--password",
                "Lang-genoeg-123",
            ],
            "no city named Atlantis",
        ),
        (["users", "create", "x@example.test", "--name", "X", "--role", "chair", "--password", "kort"], "password:"),
        (
            ["users", "create", "x@example.test", "--name", "X", "--role", "king", "--password", "Lang-genoeg-123"],
            "Invalid value",
        ),
        (["users", "token", "nobody@example.test"], "no active account"),
    ],
)
def test_users_refusals(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output


def test_cities_import_applies_all_or_nothing(runner, app, people, tmp_path):
    people.city(name="Noordstad", code="GM9101")
    people.city(name="Zuidstad", code="GM9102")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "cbs_code,population,population_date\nGM9101,101000,2018-01-01\nGM9999,5,2018-01-01\n"
        "GM9102,-4,2018-01-01\nGM9102,96000,1-1-2018\nXX12,5,2018-01-01\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["cities", "import", str(bad), "--yes"])
    assert result.exit_code != 0
    for line, text in (
        (3, "no city has the CBS code GM9999"),
        (4, "not a population"),
        (5, "not a date"),
        (6, "not a CBS municipality code"),
    ):
        assert f"line {line}: " in result.output and text in result.output
    with app.app_context():
        noord = db.session.scalars(sa.select(City).where(City.cbs_code == "GM9101")).one()
        assert len(noord.populations) == 1  # nothing imported
    good = tmp_path / "good.csv"
    good.write_text(
        "cbs_code,population,population_date\nGM9101,101000,2018-01-01\nGM9102,96000,2018-01-01\n", encoding="utf-8"
    )
    result = runner.invoke(args=["cities", "import", str(good), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Noordstad (GM9101): 100.000 → 101.000" in result.output and "Imported 2" in result.output
    with app.app_context():
        noord = db.session.scalars(sa.select(City).where(City.cbs_code == "GM9101")).one()
        assert [p.population for p in noord.populations] == [100_000, 101_000]
    assert "Nothing to change" in runner.invoke(args=["cities", "import", str(good), "--yes"]).output


def test_cities_import_bad_header(runner, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("code;inwoners\n", encoding="utf-8")
    result = runner.invoke(args=["cities", "import", str(path), "--yes"])
    assert result.exit_code != 0 and "line 1: the header must be" in result.output


def test_a_secret_key_is_required_outside_debug_and_testing(monkeypatch):
    from governance import create_app

    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY is not set"):
        create_app({"TESTING": False, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
