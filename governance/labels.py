"""Every enum's words in one place: what the pages, PDFs, exports, charts and forms call each value.

Each table maps a value (the enum's string, so an enum member and its stored string both look it up) to a
lazily translated label, read in the language of the moment. Where one value reads differently in another
place on purpose (a form's choice, a chart's legend), that wording is a second table here, named for where
it is used. The tables name values, not the enums, so that this module imports no area;
tests/test_labels.py checks that every enum member has its words in each of its tables.
"""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

ROLES = {
    "secretariat": _l("secretariat"),
    "chair": _l("chair"),
    "board": _l("board member"),
    "daily_board": _l("daily board"),
}
# The same roles as the choices of the account form.
ROLE_CHOICES = {
    "secretariat": _l("Secretariat"),
    "chair": _l("Chair"),
    "board": _l("Board member"),
    "daily_board": _l("Daily board"),
}
CITY_STATUSES = {
    "member": _l("member"),
    "applicant": _l("applicant"),
    "former": _l("former member"),
    "none": _l("not a member"),
}
# The member list's filter has one choice more than there are statuses.
CITY_STATUS_FILTERS = CITY_STATUSES | {"all": _l("all cities")}
APPLICATION_STATUSES = {
    "received": _l("received"),
    "voting": _l("being voted on"),
    "admitted": _l("admitted"),
    "rejected": lazy_pgettext("application status", "rejected"),
    "withdrawn": _l("withdrawn"),
}
ADVICE_CHOICES = {"positive": _l("Positive"), "negative": _l("Negative")}
# The admission criteria an application is checked against (governance/admissions/services.py).
CRITERIA = {
    "not_member": _l("Not already a member"),
    "min_population": _l("Minimum population"),
    "cap": _l("A seat under the cap"),
    "daily_board_advice": _l("Advice of the daily board"),
}
POLL_KINDS = {"admission": _l("admission"), "motion": _l("motion")}
POLL_STATES = {"draft": _l("draft"), "open": _l("open"), "closed": _l("closed")}
# A vote as the ballot, the result table, the screen and the records say it.
CHOICES = {"yes": _l("For"), "no": _l("Against"), "abstain": _l("Abstain")}
# A chart's legend says the same in lower case, inside a sentence ("voor", "tegen", "onthouding").
CHOICES_IN_CHARTS = {"yes": _l("in favour"), "no": _l("against"), "abstain": _l("abstention")}
MAJORITIES = {
    "simple": _l("simple majority (more for than against; abstentions do not count)"),
    "absolute": _l("absolute majority (more than half of all votes cast)"),
    "two_thirds": _l("two-thirds majority (at least two thirds of the votes for and against)"),
}
# The same rules as the choices of the motion form.
MAJORITY_CHOICES = {
    "simple": _l("Simple: more votes for than against"),
    "absolute": _l("Absolute: more than half of all votes cast"),
    "two_thirds": _l("Two thirds of the votes for and against"),
}
CAST_MODES = {"online": _l("online"), "proxy": _l("by proxy"), "in_room": _l("by a show of hands in the room")}
ITEM_KINDS = {
    "theme_session": _l("Theme session"),
    "theme_group": _l("Theme group"),
    "pillar": _l("Pillar meeting"),
    "general_board": _l("General board"),
    "drinks": _l("Drinks"),
    "other": _l("Other"),
}
# A closed poll's outcome and the reason its result gives, as a chart says them ("adopted (majority)").
OUTCOMES = {"adopted": lazy_pgettext("poll outcome", "adopted"), "rejected": lazy_pgettext("poll outcome", "rejected")}
OUTCOME_REASONS = {
    "quorum_not_met": _l("no quorum"),
    "tie": _l("tie"),
    "majority": _l("majority"),
    "no_majority": _l("no majority"),
}
# The outcome as the decision list says it: failed for want of a quorum or on a tie, else adopted or rejected.
DECISIONS = {
    "adopted": _l("Adopted"),
    "quorum_not_met": _l("Not adopted: no quorum"),
    "tie": _l("Not adopted: tie"),
    "rejected": _l("Rejected"),
}


def _word(table: dict, value: Any) -> str:
    """The value's label in the current language; an unknown value is shown as it is."""
    key = str(getattr(value, "value", value))
    return str(table[key]) if key in table else key


def role(value) -> str:
    return _word(ROLES, value)


def city_status(value) -> str:
    return _word(CITY_STATUS_FILTERS, value)


def application_status(value) -> str:
    return _word(APPLICATION_STATUSES, value)


def criterion(code) -> str:
    return _word(CRITERIA, code)


def poll_kind(value) -> str:
    return _word(POLL_KINDS, value)


def poll_state(value) -> str:
    return _word(POLL_STATES, value)


def choice(value) -> str:
    return _word(CHOICES, value)


def choice_in_chart(value) -> str:
    return _word(CHOICES_IN_CHARTS, value)


def majority(value) -> str:
    return _word(MAJORITIES, value)


def cast_mode(value) -> str:
    """How a vote came in; a vote recorded before cast modes existed came in online."""
    return _word(CAST_MODES, value or "online")


def item_kind(value) -> str:
    return _word(ITEM_KINDS, value)


def outcome_in_chart(outcome: str, reason: str) -> str:
    """'adopted (majority)': the outcome with the reason of the result, as the chart of a poll says it."""
    text = _word(OUTCOMES, outcome)
    return f"{text} ({_word(OUTCOME_REASONS, reason)})" if reason in OUTCOME_REASONS else text


def decision(item: dict[str, Any]) -> str:
    """A decision's outcome on the decision list: adopted, not adopted for want of a quorum or on a tie, rejected."""
    if item["outcome"] == "adopted":
        return str(DECISIONS["adopted"])
    if item.get("reason") in ("quorum_not_met", "tie"):
        return str(DECISIONS[item["reason"]])
    return str(DECISIONS["rejected"])


def choices(table: dict) -> list[tuple[str, Any]]:
    """A table as a form's (value, label) choices, in its order."""
    return list(table.items())


# What the templates call them (governance/i18n.py makes them template globals).
TEMPLATE_FUNCTIONS = {
    "role_label": role,
    "city_status_label": city_status,
    "application_status_label": application_status,
    "criterion_label": criterion,
    "poll_kind_label": poll_kind,
    "poll_state_label": poll_state,
    "choice_label": choice,
    "majority_label": majority,
    "cast_label": cast_mode,
    "kind_label": item_kind,
    "outcome_label": decision,
}
