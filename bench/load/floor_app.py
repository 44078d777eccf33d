"""The floor: the least a Flask vote endpoint can do, served and driven like the app.

One endpoint, POST /polls/<poll_id>/votes: look the bearer token up by its SHA-256
in a token table, insert one ballot row (UNIQUE per poll and voter), answer 201 with
a receipt. Same database kinds and settings as the app (SQLite: WAL, synchronous=
NORMAL, busy timeout, BEGIN IMMEDIATE for the write; PostgreSQL through psycopg 3),
SQLAlchemy Core with its connection pool, JSON in and out. No ORM, no audit, no
eligibility, no i18n: whatever the app spends above this is its own overhead.

Served as `gunicorn 'floor_app:create_app()'` with FLOOR_DATABASE_URL set.
"""

from __future__ import annotations

import hashlib
import os
import secrets

import sqlalchemy as sa
from flask import Flask, jsonify, request

metadata = sa.MetaData()

api_token = sa.Table(
    "api_token",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("revoked_at", sa.DateTime, nullable=True),
)

ballot = sa.Table(
    "ballot",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("poll_id", sa.Integer, nullable=False, index=True),
    sa.Column("user_id", sa.Integer, nullable=False),
    sa.Column("choice", sa.String(8), nullable=False),
    sa.Column("receipt", sa.String(16), nullable=False),
    sa.UniqueConstraint("poll_id", "user_id", name="uq_ballot_poll_user"),
)

CHOICES = frozenset({"yes", "no", "abstain"})


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_engine(url: str) -> sa.Engine:
    """An engine with the same settings the app uses on each database."""
    # As the app: a ping before each checkout on PostgreSQL, none on a SQLite file.
    engine = sa.create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def on_begin(connection):
            connection.connection.driver_connection.execute("BEGIN IMMEDIATE")  # as the app sends it

    return engine


def init_db(url: str, tokens: list[str]) -> None:
    """Create the two tables and one token row per voter (user id = position + 1)."""
    engine = make_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        rows = [{"user_id": i + 1, "token_hash": hash_token(t)} for i, t in enumerate(tokens)]
        conn.execute(api_token.insert(), rows)
    engine.dispose()


def count_ballots(url: str, poll_id: int) -> dict[str, int]:
    """Ballots stored per choice in one poll."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(ballot.c.choice, sa.func.count()).where(ballot.c.poll_id == poll_id).group_by(ballot.c.choice)
        ).all()
    engine.dispose()
    return {choice: n for choice, n in rows}


def error(status: int, code: str, message: str):
    response = jsonify({"error": {"code": code, "message": message, "fields": {}}})
    response.status_code = status
    return response


def create_app() -> Flask:
    app = Flask(__name__)
    engine = make_engine(os.environ["FLOOR_DATABASE_URL"])
    find_token = sa.select(api_token.c.user_id).where(
        api_token.c.token_hash == sa.bindparam("h"), api_token.c.revoked_at.is_(None)
    )

    @app.post("/polls/<int:poll_id>/votes")
    def vote(poll_id: int):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return error(400, "bad_request", "The request body must be a JSON object.")
        if data.get("choice") not in CHOICES:
            return error(422, "invalid", "Choose yes, no or abstain.")
        receipt = secrets.token_hex(8)
        if scheme.lower() != "bearer" or not token.strip():
            return error(401, "unauthorized", "A valid API token is required.")
        try:
            with engine.begin() as conn:
                user_id = conn.execute(find_token, {"h": hash_token(token.strip())}).scalar()
                if user_id is None:
                    return error(401, "unauthorized", "A valid API token is required.")
                conn.execute(ballot.insert().values(poll_id=poll_id, user_id=user_id, choice=data["choice"],
                                                    receipt=receipt))
        except sa.exc.IntegrityError:
            return error(409, "already_voted", "This voter has already voted in this poll.")
        return jsonify({"receipt": receipt}), 201

    return app
