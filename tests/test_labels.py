"""Each enum's words live in governance/labels.py, for every value, in Dutch and English."""

import pathlib
import re

import pytest
from flask_babel import force_locale

from governance import labels
from governance.accounts.models import Role
from governance.admissions.models import Advice, ApplicationStatus
from governance.meetings.models import ItemKind
from governance.members.models import Majority
from governance.members.services import CityStatus
from governance.voting.models import CastMode, Choice, PollKind, PollState

GOVERNANCE = pathlib.Path(__file__).resolve().parent.parent / "governance"

TABLES = [
    (Role, labels.ROLES),
    (Role, labels.ROLE_CHOICES),
    (CityStatus.ALL, labels.CITY_STATUSES),
    (ApplicationStatus, labels.APPLICATION_STATUSES),
    (Advice, labels.ADVICE_CHOICES),
    (PollKind, labels.POLL_KINDS),
    (PollState, labels.POLL_STATES),
    (Choice, labels.CHOICES),
    (Choice, labels.CHOICES_IN_CHARTS),
    (Majority, labels.MAJORITIES),
    (Majority, labels.MAJORITY_CHOICES),
    (CastMode, labels.CAST_MODES),
    (ItemKind, labels.ITEM_KINDS),
]


@pytest.mark.parametrize("values, table", TABLES, ids=lambda x: getattr(x, "__name__", None))
def test_every_value_has_its_words_and_no_more(values, table):
    assert [str(v) for v in values] == list(table)


@pytest.mark.parametrize(
    "word, value, dutch, english",
    [
        (labels.role, Role.BOARD, "AB-lid", "board member"),
        (labels.role, "daily_board", "dagelijks bestuur", "daily board"),
        (labels.city_status, CityStatus.APPLICANT, "kandidaat-lid", "applicant"),
        (labels.city_status, "all", "alle steden", "all cities"),
        (labels.application_status, ApplicationStatus.REJECTED, "afgewezen", "rejected"),
        (labels.criterion, "cap", "Een plaats binnen het maximum", "A seat under the cap"),
        (labels.poll_kind, PollKind.ADMISSION, "toelating", "admission"),
        (labels.poll_state, PollState.DRAFT, "concept", "draft"),
        (labels.choice, Choice.ABSTAIN, "Onthouding", "Abstain"),
        (labels.choice_in_chart, "yes", "voor", "in favour"),
        (labels.majority, Majority.SIMPLE, "gewone meerderheid", "simple majority"),
        (labels.cast_mode, CastMode.IN_ROOM, "bij handopsteking in de zaal", "by a show of hands in the room"),
        (labels.cast_mode, None, "online", "online"),  # a vote recorded before cast modes came in online
        (labels.item_kind, ItemKind.PILLAR, "Pijlerbijeenkomst", "Pillar meeting"),
        (labels.role, "unknown", "unknown", "unknown"),  # an unknown value shows as it is, never a 500
    ],
)
def test_a_value_reads_in_the_language_of_the_moment(app, word, value, dutch, english):
    with app.test_request_context():
        with force_locale("nl"):
            assert word(value).startswith(dutch)
        with force_locale("en"):
            assert word(value).startswith(english)


@pytest.mark.parametrize(
    "outcome, reason, dutch",
    [
        ("adopted", "majority", "aangenomen (meerderheid)"),
        ("rejected", "quorum_not_met", "verworpen (geen quorum)"),
        ("rejected", "something new", "verworpen"),
    ],
)
def test_a_charts_outcome(app, outcome, reason, dutch):
    with app.test_request_context(), force_locale("nl"):
        assert labels.outcome_in_chart(outcome, reason) == dutch


@pytest.mark.parametrize(
    "item, dutch",
    [
        ({"outcome": "adopted", "reason": "majority"}, "Aangenomen"),
        ({"outcome": "rejected", "reason": "quorum_not_met"}, "Niet aangenomen: geen quorum"),
        ({"outcome": "rejected", "reason": "tie"}, "Niet aangenomen: staking van stemmen"),
        ({"outcome": "rejected", "reason": "no_majority"}, "Verworpen"),
    ],
)
def test_a_decisions_outcome(app, item, dutch):
    with app.test_request_context(), force_locale("nl"):
        assert labels.decision(item) == dutch


def test_no_other_module_keeps_words_for_an_enum():
    """No `def ..._label(s)` outside labels.py (the site menu's labels are menu entries, not an enum)."""
    found = sorted(
        f"{path.relative_to(GOVERNANCE)}: {name}"
        for path in GOVERNANCE.rglob("*.py")
        if path.name != "labels.py"
        for name in re.findall(r"^def (\w+_labels?)\(", path.read_text(encoding="utf-8"), re.M)
        if name != "menu_labels"
    )
    assert found == []
