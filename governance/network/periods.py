"""A member on a day, written once: the same expression answers for a loaded row in Python and in SQL.

A membership period runs from ``joined_on`` up to, not including, ``left_on``; an unknown ``joined_on`` (None) is a
member since before the records start, an empty ``left_on`` a member still. The functions take either plain values
(dates or None) or SQL columns: with values they return a bool, with columns a clause for a WHERE.
"""

import datetime as dt

import sqlalchemy as sa


def _or_open(bound, open_end: dt.date):
    """The bound, or the open end it stands for when it is empty (None in Python, NULL in SQL)."""
    if bound is None:
        return open_end
    if isinstance(bound, dt.date):
        return bound
    return sa.func.coalesce(bound, open_end)  # a column, or an ORM attribute on the class


def member_on(joined_on, left_on, day):
    """Whether a period with these bounds makes its city a member on the day."""
    return (_or_open(joined_on, dt.date.min) <= day) & (_or_open(left_on, dt.date.max) > day)


def periods_overlap(joined_on, left_on, other_joined_on, other_left_on):
    """Whether two periods share a day: each starts before the other ends (the database refuses the same)."""
    return (_or_open(joined_on, dt.date.min) < _or_open(other_left_on, dt.date.max)) & (
        _or_open(other_joined_on, dt.date.min) < _or_open(left_on, dt.date.max)
    )
