"""The one clock: real by default, fixed or running from a set instant by a setting."""

import datetime as dt

import pytest

from governance import clock, create_app
from tests.conftest import base_config


def test_real_clock_by_default(app):
    with app.app_context():
        assert abs((clock.now() - dt.datetime.now(dt.UTC).replace(tzinfo=None)).total_seconds()) < 5


def test_fixed_clock_gives_the_demo_afternoon():
    app = create_app(base_config(CLOCK_NOW="2017-11-30T15:30:00+01:00"))
    with app.app_context():
        assert clock.now() == dt.datetime(2017, 11, 30, 14, 30)
        assert clock.today() == dt.date(2017, 11, 30)
        assert clock.local_now().hour == 15


def test_running_clock_moves_on_from_the_set_instant():
    set_at = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    app = create_app(base_config(CLOCK_NOW="2017-11-30T15:30:00+01:00", CLOCK_NOW_SET_AT=set_at))
    with app.app_context():
        assert dt.datetime(2017, 11, 30, 15, 29) < clock.now() < dt.datetime(2017, 11, 30, 15, 31)


def test_today_is_dutch_midnight_not_utc():
    app = create_app(base_config(CLOCK_NOW="2017-11-30T23:30:00+00:00"))
    with app.app_context():
        assert clock.today() == dt.date(2017, 12, 1)


@pytest.mark.parametrize("value", ["yesterday", "2017-13-40", "30-11-2017 15:30"])
def test_a_clock_setting_that_is_not_a_time_refuses_to_start(value):
    with pytest.raises(RuntimeError, match="CLOCK_NOW"):
        create_app(base_config(CLOCK_NOW=value))
