"""The demo network asked as on a date."""

import datetime as dt

from governance.members import services as members
from governance.network import rules


def test_demo_network_on_the_day_of_the_vote(app, demo):
    with app.app_context():
        day = dt.date(2017, 11, 30)
        assert rules.member_count_on(day) == 38
        assert members.total_population_on(day) == 4_791_000
        assert rules.name_on(rules.get_network(), day) == "G32"


def test_demo_network_before_the_later_members_joined(app, demo):
    with app.app_context():
        # Hoorn joined on 2016-12-02: the day before, 37 members.
        assert rules.member_count_on(dt.date(2016, 12, 1)) == 37
        # Before 28 April 2009 only the founding members (no recorded join date) count.
        assert rules.member_count_on(dt.date(2009, 4, 27)) == 27


def test_network_api_as_on_a_date(client, demo, people):
    token = people.token("secretariaat@g32.example")
    body = client.get("/api/v1/network?on=2017-11-30", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["name"] == "G32"
    assert body["member_count"] == 38
    assert body["total_population"] == 4_791_000
    assert body["cap"] == 40
    # Seats: 40 - 38 members; the applications have no open poll yet.
    assert body["seats_left"] == 2
