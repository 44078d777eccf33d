"""The one clock: every "now" and "today" of the app comes from here, so a setting can fix it for a demo or a test.

`CLOCK_NOW` (an ISO date-time with offset, e.g. "2017-11-30T15:30:00+01:00") fixes the clock at that instant.
With `CLOCK_NOW_SET_AT` (the real ISO instant at which CLOCK_NOW was meant) the clock runs on from CLOCK_NOW at
real speed, the same in every process: a demo replays an afternoon instead of standing still.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Europe/Amsterdam"


def _parse_instant(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        moment = dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def check_settings(config) -> None:
    """Refuse to start on a clock setting that is not a date-time, with a sentence rather than at the first request."""
    for key in ("CLOCK_NOW", "CLOCK_NOW_SET_AT"):
        value = config.get(key)
        if value:
            try:
                _parse_instant(value)
            except (TypeError, ValueError) as error:
                raise RuntimeError(
                    f"{key} = {value!r} is not an ISO date-time such as 2017-11-30T15:30:00+01:00."
                ) from error


def aware_now() -> dt.datetime:
    """The current instant, timezone-aware in UTC: real, or as the clock settings say."""
    real = dt.datetime.now(dt.UTC)
    if not has_app_context():
        return real
    fixed = current_app.config.get("CLOCK_NOW")
    if not fixed:
        return real
    moment = _parse_instant(fixed)
    set_at = current_app.config.get("CLOCK_NOW_SET_AT")
    if set_at:
        moment = moment + (real - _parse_instant(set_at))
    return moment


def now() -> dt.datetime:
    """The current time in UTC without tzinfo, as every timestamp column stores it."""
    return aware_now().replace(tzinfo=None)


def zone() -> ZoneInfo:
    """The network's time zone (the Netherlands unless configured otherwise)."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)


def local_now() -> dt.datetime:
    """The current time in the network's time zone."""
    return aware_now().astimezone(zone())


def today() -> dt.date:
    """Today in the network's time zone: a day starts at midnight in the Netherlands, not in UTC."""
    return local_now().date()
