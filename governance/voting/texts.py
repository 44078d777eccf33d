"""Sentences about a vote that several pages and the charts share, so that each reads the same everywhere."""

from flask_babel import ngettext


def turnout_sentence(cast: int, eligible: int, number=str) -> str:
    """'1 of 38 cities has voted', '6 of 40 cities have voted': the verb follows the count (number formats it)."""
    return ngettext(
        "%(cast)s of %(eligible)s cities has voted",
        "%(cast)s of %(eligible)s cities have voted",
        cast,
        cast=number(cast),
        eligible=number(eligible),
    )
