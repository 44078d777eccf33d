"""The JSON API under /api/v1: bearer tokens, one error shape, the same services as the pages.

Each module of this package adds its routes to ``bp``; the app factory imports them before it registers ``bp``
(importing them here would make every module a cycle with the package that defines ``bp``).
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
