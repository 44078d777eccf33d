"""A member on a day, written once: Python and SQL agree on every boundary; the database refuses overlaps itself."""

import datetime as dt

import pytest
import sqlalchemy as sa

from governance.errors import Conflict
from governance.extensions import db
from governance.members import services as members
from governance.members.models import City, Membership
from governance.network.periods import member_on, periods_overlap

D = dt.date
JOINED, LEFT = D(2010, 1, 1), D(2018, 1, 1)

# (joined_on, left_on, day, member?)
CASES = [
    (None, None, D(1900, 1, 1), True),  # a founding member, still a member
    (None, LEFT, D(2017, 12, 31), True),
    (None, LEFT, LEFT, False),  # the day it left is no longer a member's day
    (JOINED, None, JOINED, True),  # the first day counts
    (JOINED, None, JOINED - dt.timedelta(days=1), False),
    (JOINED, LEFT, D(2014, 6, 1), True),
    (JOINED, LEFT, LEFT - dt.timedelta(days=1), True),
    (JOINED, LEFT, LEFT, False),
    (JOINED, LEFT, D(2030, 1, 1), False),
]


@pytest.mark.parametrize(("joined_on", "left_on", "day", "expected"), CASES)
def test_member_on_in_python(joined_on, left_on, day, expected):
    assert member_on(joined_on, left_on, day) is expected
    assert Membership(joined_on=joined_on, left_on=left_on).active_on(day) is expected


def _city(name: str) -> City:
    city = City(name=name, cbs_code=f"GM{abs(hash(name)) % 10000:04d}", province="Utrecht")
    db.session.add(city)
    db.session.flush()
    return city


def test_member_on_in_sql_agrees_with_python(ctx):
    """The same rule as a WHERE clause: each case's row is found on exactly the days Python says."""
    rows = []
    for number, (joined_on, left_on, _day, _expected) in enumerate(CASES):
        city = _city(f"Periode {number}")
        rows.append(Membership(city_id=city.id, joined_on=joined_on, left_on=left_on))
        db.session.add(rows[-1])
    db.session.flush()
    for row, (_joined_on, _left_on, day, expected) in zip(rows, CASES, strict=True):
        found = db.session.scalar(sa.select(sa.func.count()).where(Membership.id == row.id, Membership.active_on(day)))
        assert bool(found) is expected, (row.joined_on, row.left_on, day)
        assert row.active_on(day) is expected


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        ((None, None), (D(2018, 1, 1), None), True),  # a member still cannot join again
        ((None, LEFT), (D(2017, 6, 1), None), True),
        ((None, LEFT), (LEFT, None), False),  # leaving on the day it joins again: adjacent, no shared day
        ((JOINED, LEFT), (D(2000, 1, 1), JOINED), False),
        ((JOINED, LEFT), (D(2000, 1, 1), D(2010, 1, 2)), True),
        ((JOINED, LEFT), (D(2012, 1, 1), D(2013, 1, 1)), True),  # inside
        ((JOINED, LEFT), (None, D(2011, 1, 1)), True),
    ],
)
def test_direct_insert_of_an_overlapping_period_is_refused_by_the_database(ctx, first, second, overlap):
    """Not through the service: a plain INSERT. PostgreSQL's exclusion constraint or SQLite's trigger refuses it."""
    assert bool(periods_overlap(*first, *second)) is overlap
    city = _city("Overlapstad")
    other = _city("Anderstad")
    db.session.execute(sa.insert(Membership).values(city_id=city.id, joined_on=first[0], left_on=first[1]))
    # Another city's period on the same days is always fine.
    db.session.execute(sa.insert(Membership).values(city_id=other.id, joined_on=second[0], left_on=second[1]))
    insert = sa.insert(Membership).values(city_id=city.id, joined_on=second[0], left_on=second[1])
    if overlap:
        with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
            db.session.execute(insert)
    else:
        db.session.execute(insert)
    rows = db.session.scalar(sa.select(sa.func.count()).where(Membership.city_id == city.id))
    assert rows == (1 if overlap else 2)


def test_an_update_that_makes_periods_overlap_is_refused(ctx):
    city = _city("Verschuifstad")
    db.session.execute(sa.insert(Membership).values(city_id=city.id, joined_on=JOINED, left_on=LEFT))
    db.session.execute(sa.insert(Membership).values(city_id=city.id, joined_on=D(2020, 1, 1), left_on=None))
    later = sa.update(Membership).where(Membership.city_id == city.id, Membership.joined_on == JOINED)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(later.values(left_on=D(2021, 1, 1)))
    db.session.execute(later.values(left_on=D(2020, 1, 1)))  # up to the day the next period starts is fine


def test_the_service_says_why_before_the_database_refuses(ctx):
    city = _city("Dubbelstad")
    members.add_membership(None, city, D(2018, 1, 1))
    with pytest.raises(Conflict) as refused:
        members.add_membership(None, city, D(2019, 1, 1))
    assert refused.value.code == "duplicate" and "Dubbelstad" in refused.value.message
