"""Sentences about a vote that several pages and the charts share, so that each reads the same everywhere."""

from flask_babel import gettext as _
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


def reason_sentence(result: dict) -> str:
    """The outcome in a sentence: "Adopted: 30 for, 5 against, 3 abstentions; quorum met, 38 of 38 cities"."""
    counts = ngettext(
        "%(yes)d for, %(no)d against, %(num)d abstention",
        "%(yes)d for, %(no)d against, %(num)d abstentions",
        result["abstain"],
        yes=result["yes"],
        no=result["no"],
    )
    turnout = _("%(cast)d of %(eligible)d cities", cast=result["cast"], eligible=result["eligible"])
    if not result["quorum_met"]:
        return _(
            "Not adopted: no quorum (%(turnout)s voted; more than half is needed). %(counts)s.",
            turnout=turnout,
            counts=counts,
        )
    if result["reason"] == "tie":
        return _("Not adopted: tie. %(counts)s; quorum met, %(turnout)s.", counts=counts, turnout=turnout)
    if result["outcome"] == "adopted":
        return _("Adopted: %(counts)s; quorum met, %(turnout)s.", counts=counts, turnout=turnout)
    return _("Rejected: %(counts)s; quorum met, %(turnout)s.", counts=counts, turnout=turnout)
