"""GET /healthz: is this server up and its database reachable? For the load balancer; no login, no data."""

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from governance.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("health check: the database does not answer")
        response = jsonify({"status": "unavailable", "database": "unreachable"})
        response.status_code = 503
    else:
        response = jsonify({"status": "ok", "database": "ok"})
    response.headers["Cache-Control"] = "no-store"
    return response
