"""The Flask extensions, created unbound and initialised in create_app."""

import contextvars

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect


class Base(so.DeclarativeBase):
    """Declarative base with constraint names that Alembic can refer to on every database."""

    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)

# Read-only requests (GET, HEAD) start a deferred SQLite transaction so readers run
# side by side under WAL; everything else starts BEGIN IMMEDIATE so two writers never
# both read and then both try to upgrade their lock.
sqlite_deferred = contextvars.ContextVar("sqlite_deferred", default=False)
