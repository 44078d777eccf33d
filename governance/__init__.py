"""governance: the board tool of a network of cities."""

import gc
import os

from flask import Flask, g, request
from flask_login import current_user

from governance import clock
from governance import config as default_config
from governance.extensions import babel, csrf, db, limiter, login_manager, migrate, sqlite_deferred

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, command line."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        # An installed package's default instance folder is <prefix>/var/governance-instance; a deployment
        # may name its own (it holds the SQLite database, instance/config.py and the key files).
        instance_path=os.environ.get("GOVERNANCE_INSTANCE_PATH") or None,
        template_folder=_asset_folder("templates"),
        static_folder=_asset_folder("static"),
    )
    app.config.from_mapping(default_config.DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "governance.sqlite")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    _check_secret_key(app)
    clock.check_settings(app.config)
    if app.debug:
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False
    if not app.config.get("DOCUMENTS_DIR"):
        app.config["DOCUMENTS_DIR"] = os.path.join(app.instance_path, "documents")
    os.makedirs(app.instance_path, exist_ok=True)
    # deferred import: the factory loads the areas; at the package's top they would load with any governance.x.
    from governance import keys

    keys.init_app(app)

    # deferred import: as above, the factory loads the areas.
    from governance.database import configure_engine, engine_options

    engine_options(app.config)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    # deferred import: as above, the factory loads the areas.
    from governance import mail

    mail.init_app(app)

    # deferred import: as above, the factory loads the areas.
    from governance.security import install_security

    install_security(app)

    # deferred import: as above.
    from governance.i18n import init_i18n

    init_i18n(app, babel)

    configure_engine(app)
    _import_models()

    # deferred import: as above.
    from governance.accounts.auth import init_login

    init_login(app)

    # deferred import: as above.
    from governance import input_guard

    input_guard.init_app(app)  # before the blueprints: it bounds the <int:...> converter of every route

    # deferred import: the blueprints, and the modules that add routes to them, load with the app, not the package.
    from governance.accounts.views import bp as accounts_bp
    from governance.admissions.views import bp as admissions_bp
    from governance.api import (  # noqa: F401 - each adds its routes to the API's blueprint
        accounts,
        applications,
        charts,
        cities,
        common,
        decisions,
        init_api,
        meetings,
        network,
        polls,
        records,
        room,
    )
    from governance.api import bp as api_bp
    from governance.charts.views import bp as charts_bp
    from governance.health import bp as health_bp
    from governance.main import bp as main_bp
    from governance.meetings import screen_views  # noqa: F401 - the big screen's pages, on the meetings blueprint
    from governance.meetings.room_views import bp as room_bp
    from governance.meetings.views import bp as meetings_bp
    from governance.members.views import bp as members_bp
    from governance.voting import record_views  # noqa: F401 - the signed record's PDF, on the voting blueprint
    from governance.voting.views import bp as voting_bp

    for blueprint in (
        main_bp,
        accounts_bp,
        members_bp,
        admissions_bp,
        voting_bp,
        meetings_bp,
        charts_bp,
        health_bp,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(room_bp)
    init_api(app)  # registers the API blueprint through flask-smorest, which documents every route
    csrf.exempt(api_bp)

    # deferred import: as above.
    from governance.cli import register_commands

    register_commands(app)
    _install_request_hooks(app)
    if test_config is None:
        _freeze_startup_objects()
    return app


def _freeze_startup_objects() -> None:
    """Keep what the app loaded at start (some 180,000 objects) out of every later garbage collection.

    A full collection walks every tracked object: in a served worker that is 80 ms, paid by whichever request
    happens to trigger it (the close of a poll of thousands allocates enough to). Frozen, the modules,
    schemas and metadata loaded here are never walked again; what requests allocate is collected as before.
    """
    gc.freeze()


def _asset_folder(name: str) -> str:
    """templates/ or static/: inside the installed package (the wheel carries them), else beside it in the checkout."""
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, name)
    return packaged if os.path.isdir(packaged) else os.path.join(os.path.dirname(here), name)


def _check_secret_key(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        if app.debug or app.testing:
            app.config["SECRET_KEY"] = "dev-only-not-secret"
        else:
            raise RuntimeError(
                "FLASK_SECRET_KEY is not set. Set it in the environment or as SECRET_KEY in "
                "instance/config.py (for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )


def _import_models() -> None:
    """Import every area's models so the metadata is complete for Alembic and queries."""
    # deferred import: the models load with the app, not with the package (see create_app).
    import governance.accounts.models  # noqa: F401
    import governance.admissions.models  # noqa: F401
    import governance.audit  # noqa: F401
    import governance.meetings.minutes_models  # noqa: F401
    import governance.meetings.models  # noqa: F401
    import governance.members.models  # noqa: F401
    import governance.voting.models  # noqa: F401


def _install_request_hooks(app: Flask) -> None:
    @app.before_request
    def choose_transaction_kind():
        # Reads run in deferred SQLite transactions; writes take the write lock at BEGIN.
        g._sqlite_token = sqlite_deferred.set(request.method in SAFE_METHODS)

    @app.teardown_request
    def finish_unit_of_work(exc):
        token = g.pop("_sqlite_token", None)
        if exc is not None:
            db.session.rollback()
        if token is not None:
            sqlite_deferred.reset(token)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        )
        # The API knows its caller from the bearer token it read; asking Flask-Login would load a session user.
        user = g.get("api_user") if request.blueprint == "api" else current_user
        if user is not None and getattr(user, "is_authenticated", False):
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response
