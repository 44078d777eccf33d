"""Seed the app for the load benchmark: N member cities, each with a board member and an API token.

Runs inside the app (create_app() with the FLASK_* environment the server uses) and goes
through the app's own services, so every city, account, token and audit entry is made
exactly as the API would make it: `members.services.create_city`,
`accounts.services.create_user`, `accounts.services.issue_token`, batched in commits of
250. One shortcut, for speed only: all benchmark accounts share one password, hashed
with argon2 once instead of 2,000 times (150 ms each here). The API path is the same
code behind POST /cities, POST /users and POST /auth/token.

    python bench/load/seed_app.py --count 2000 --actor sec@bench.test --out tokens.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

PASSWORD = "Bench-Load-Wachtwoord-2017"


def seed(count: int, actor_email: str) -> list[dict]:
    """In an app context: `count` member cities, each with a board member and a token; return them."""
    from governance.accounts import services as accounts
    from governance.extensions import db
    from governance.members import services as members

    one_hash = accounts.hash_password(PASSWORD)
    real_hash_password = accounts.hash_password
    accounts.hash_password = lambda _password: one_hash  # one argon2 hash for every benchmark account
    try:
        actor = accounts.find_user(actor_email)
        if actor is None:
            raise SystemExit(f"no account {actor_email}")
        provinces = members.PROVINCES
        seeded = []
        for i in range(count):
            city = members.create_city(actor, members.CityInput(
                name=f"Bankstad {i + 1:04d}", cbs_code=f"GM{5000 + i:04d}", province=provinces[i % len(provinces)],
                population=50_000 + 37 * i, population_date=dt.date(2017, 1, 1), population_source="CBS",
                joined_on=dt.date(2000, 1, 1)))
            email = f"bestuur{i + 1:04d}@bench.test"
            user = accounts.create_user(actor, email, f"Bestuurder {i + 1:04d}", ["board"], PASSWORD,
                                        city_id=city.id)
            token = accounts.issue_token(actor, user, label="bench-load")
            seeded.append({"city_id": city.id, "user_id": user.id, "email": email, "token": token})
            if (i + 1) % 250 == 0:
                db.session.commit()
        db.session.commit()
    finally:
        accounts.hash_password = real_hash_password
    return seeded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--actor", required=True, help="email of the secretariat account that seeds")
    parser.add_argument("--out", required=True, help="JSON file for [{city_id, email, token}]")
    args = parser.parse_args()
    if not 1 <= args.count <= 4999:
        parser.error("--count is 1 to 4999 (CBS codes GM5000-GM9998)")

    from governance import create_app

    app = create_app()
    started = time.perf_counter()
    with app.app_context():
        seeded = seed(args.count, args.actor)
    with open(args.out, "w") as f:
        json.dump(seeded, f)
    print(f"seeded {len(seeded)} cities, board members and tokens in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
