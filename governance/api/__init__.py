"""The JSON API under /api/v1: bearer tokens, one error shape, the same services as the pages.

Every route declares what it takes and what it answers with marshmallow schemas (flask-smorest); the
schemas validate the input once and shape the output, and the OpenAPI document is generated from them.
Each module of this package adds its routes to ``bp``; the app factory imports them before it registers ``bp``
(importing them here would make every module a cycle with the package that defines ``bp``).
"""

from apispec.ext.marshmallow import MarshmallowPlugin, resolver
from flask import Flask, current_app
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint

from governance.input_guard import INT_MAX, BoundedIntConverter

PREFIX = "/api/v1"

bp = ApiBlueprint("api", __name__, url_prefix=PREFIX, description="The board tool's JSON API")


class GovernanceApi(Api):
    """flask-smorest, with the app's own error handlers (governance/main.py) answering every error."""

    DEFAULT_ERROR_RESPONSE_NAME = None  # each route names the errors it can give; no catch-all "default"

    def _register_error_handlers(self):
        # main.py's handlers already answer every error in the envelope, and the HTML pages need theirs.
        pass


api = GovernanceApi()

SPEC_OPTIONS = {
    "info": {"description": "The board tool of a network of cities: members, admissions, votes, the network day."},
    "servers": [{"url": PREFIX}],
    "security": [{"bearer": []}],
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
}


def _component_name(schema) -> str | None:
    """A schema's component name (City for CitySchema); None documents it in place (`Meta.inline`)."""
    schema_class = schema if isinstance(schema, type) else type(schema)
    if getattr(schema_class.Meta, "inline", False):
        return None
    return resolver(schema_class)


def init_api(app: Flask) -> None:
    """Attach flask-smorest to the app and register the API blueprint with its documentation."""
    # deferred import: api.common adds routes to bp, defined above, so it cannot be imported at this module's top.
    from governance.api.common import ErrorSchema

    app.config.setdefault("API_TITLE", "governance API")
    app.config.setdefault("API_VERSION", "1.0.0")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", None)  # the document is served by the route below, at PREFIX
    app.config.setdefault("API_SPEC_OPTIONS", SPEC_OPTIONS)
    GovernanceApi.ERROR_SCHEMA = ErrorSchema
    api.init_app(app, spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=_component_name)})
    api.register_converter(BoundedIntConverter, lambda converter: {"type": "integer", "minimum": 0, "maximum": INT_MAX})
    api.register_blueprint(bp)


def openapi_document() -> dict:
    """The generated document, with paths relative to the server URL /api/v1 (as the contract names them)."""
    cache = current_app.extensions.setdefault("governance-openapi", {})
    if "document" not in cache:
        document = api.spec.to_dict()
        document["paths"] = {path.removeprefix(PREFIX) or "/": item for path, item in document["paths"].items()}
        cache["document"] = document
    return cache["document"]
