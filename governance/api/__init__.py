"""The JSON API under /api/v1: bearer tokens, one error shape, the same services as the pages."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Each module adds its routes to bp.
from governance.api import (  # noqa: E402, F401
    accounts,
    applications,
    charts,
    cities,
    common,
    decisions,
    meetings,
    network,
    openapi,
    polls,
    records,
    room,
)
