"""Quorum and majority: every rule, tie and boundary as a table."""

import pytest

from governance.members.models import Majority
from governance.network.rules import Tally, decide


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "eligible", "majority", "expected"),
    [
        # quorum: more than half of the eligible cities cast a vote, abstentions count
        (10, 0, 9, 38, Majority.SIMPLE, (False, False, "quorum_not_met")),
        (10, 0, 10, 40, Majority.SIMPLE, (False, False, "quorum_not_met")),  # exactly half is not more than half
        (1, 0, 19, 38, Majority.SIMPLE, (True, True, "majority")),  # abstentions carry the quorum
        (0, 0, 0, 38, Majority.SIMPLE, (False, False, "quorum_not_met")),
        # simple: yes > no, abstentions do not count
        (30, 5, 3, 38, Majority.SIMPLE, (True, True, "majority")),
        (5, 30, 3, 38, Majority.SIMPLE, (True, False, "no_majority")),
        (15, 15, 8, 38, Majority.SIMPLE, (True, False, "tie")),
        (0, 0, 20, 38, Majority.SIMPLE, (True, False, "tie")),
        (2, 1, 0, 3, Majority.SIMPLE, (True, True, "majority")),
        # absolute: yes > half of all votes cast
        (10, 5, 6, 38, Majority.ABSOLUTE, (True, False, "no_majority")),  # 10 of 21 is not more than half
        (11, 5, 5, 38, Majority.ABSOLUTE, (True, True, "majority")),
        (10, 0, 10, 38, Majority.ABSOLUTE, (True, False, "no_majority")),  # exactly half
        (9, 9, 2, 38, Majority.ABSOLUTE, (True, False, "tie")),
        # two thirds: yes >= 2/3 of yes + no
        (20, 10, 0, 38, Majority.TWO_THIRDS, (True, True, "majority")),  # exactly two thirds
        (19, 10, 1, 38, Majority.TWO_THIRDS, (True, False, "no_majority")),
        (2, 1, 30, 38, Majority.TWO_THIRDS, (True, True, "majority")),
        (12, 12, 0, 38, Majority.TWO_THIRDS, (True, False, "tie")),
    ],
)
def test_decide(yes, no, abstain, eligible, majority, expected):
    assert decide(Tally(yes, no, abstain, eligible), majority) == expected
