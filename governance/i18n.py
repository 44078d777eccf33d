"""Language choice and locale formatting: Dutch by default, English selectable and remembered."""

import os

from babel.numbers import get_group_symbol
from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, format_date, format_decimal, get_locale

from governance import clock, labels

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    """The language the user chose (a cookie), else Dutch; the API also honours Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages) or default
    return default


def format_number(value) -> str:
    """A number in the user's locale ("4.947.000"); whole numbers take a fast path, tables hold hundreds."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", get_group_symbol(get_locale()))
    return format_decimal(value)


def init_i18n(app: Flask, babel: Babel) -> None:
    """Wire Flask-Babel and the formatting filters used by every template."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", os.path.join(os.path.dirname(__file__), "translations"))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["longdate"] = lambda value: "" if value is None else format_date(value, "long")
    app.jinja_env.filters["fulldate"] = lambda value: "" if value is None else format_date(value, "full")
    app.jinja_env.filters["shortdate"] = lambda value: "" if value is None else format_date(value, "short")
    app.jinja_env.globals["current_language"] = lambda: str(get_locale() or "nl")
    app.jinja_env.globals["today"] = clock.today
    app.jinja_env.globals.update(labels.TEMPLATE_FUNCTIONS)
    app.jinja_env.add_extension("jinja2.ext.i18n") if "jinja2.ext.i18n" not in app.jinja_env.extensions else None
