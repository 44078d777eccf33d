"""A Hypothesis state machine drives open, vote, close and cap changes and checks the vote's invariants."""

import datetime as dt

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from governance.accounts.models import User
from governance.errors import DomainError
from governance.extensions import db
from governance.members import services as members
from governance.network import rules
from governance.voting import services as voting
from governance.voting.models import Ballot, PollState, PollVoter
from tests.conftest import empty_all_tables, make_app

CITIES = 6


@pytest.fixture(autouse=True)
def migrated_schema(_schema):
    """The state machine builds its own app, on the schema the session migrated."""


class VotingMachine(RuleBasedStateMachine):
    """Model: which cities voted in which poll, what the cap is; the app must agree."""

    @initialize()
    def setup(self):
        from governance.accounts.services import create_user
        from governance.admissions.services import create_application

        self.app = make_app()
        self.ctx = self.app.app_context()
        self.ctx.push()
        empty_all_tables(self.app)
        members.ensure_network()
        self.cities = []
        for i in range(CITIES):
            city = members.create_city(
                None,
                members.CityInput(
                    name=f"Modelstad {i}",
                    cbs_code=f"GM{8100 + i}",
                    province="Utrecht",
                    population=60_000,
                    population_date=dt.date(2017, 1, 1),
                ),
            )
            if i < CITIES - 2:
                members.add_membership(None, city, dt.date(2010, 1, 1))
            self.cities.append(city.id)
        self.voters = [
            create_user(None, f"m{i}@example.test", f"M{i}", ["board"], "Lang-genoeg-123", city_id=self.cities[i]).id
            for i in range(CITIES - 2)
        ]
        self.chair = create_user(None, "chair@example.test", "Chair", ["chair"], "Lang-genoeg-123").id
        self.applications = [
            create_application(None, self.cities[i], dt.date(2017, 1, 1), None).id for i in (CITIES - 2, CITIES - 1)
        ]
        db.session.commit()
        self.polls: dict[int, str] = {}
        self.voted: dict[int, set[int]] = {}
        self.accepted = 0

    def teardown(self):
        db.session.rollback()
        empty_all_tables(self.app)
        self.ctx.pop()

    def _chair(self):
        return db.session.get(User, self.chair)

    @rule(admission=st.booleans())
    def create_poll(self, admission):
        try:
            if admission:
                poll = voting.create_poll(self._chair(), application_id=self.applications[len(self.polls) % 2])
            else:
                poll = voting.create_poll(self._chair(), title=f"Motie {len(self.polls)}")
            db.session.commit()
        except DomainError:
            db.session.rollback()
            return
        self.polls[poll.id] = "draft"
        self.voted[poll.id] = set()

    @precondition(lambda self: self.polls)
    @rule(data=st.data())
    def open_poll(self, data):
        poll_id = data.draw(st.sampled_from(sorted(self.polls)))
        before = rules.seats_left(rules.get_network())
        try:
            voting.open_poll(self._chair(), voting.get_poll(poll_id))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            assert self.polls[poll_id] != "draft" or error.code in {"cap_reached", "invalid_state"}
            if error.code == "cap_reached":
                assert before == 0
            return
        assert self.polls[poll_id] == "draft"
        self.polls[poll_id] = "open"

    @precondition(lambda self: self.polls)
    @rule(data=st.data(), choice=st.sampled_from(["yes", "no", "abstain", "maybe"]))
    def vote(self, data, choice):
        poll_id = data.draw(st.sampled_from(sorted(self.polls)))
        voter_index = data.draw(st.integers(0, len(self.voters) - 1))
        city_id = self.cities[voter_index]
        try:
            voting.cast_vote(db.session.get(User, self.voters[voter_index]), poll_id, choice)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            if self.polls[poll_id] != "open":
                assert error.code == "poll_not_open"
            elif choice == "maybe":
                assert error.code == "invalid"
            else:
                assert error.code == "already_voted" and city_id in self.voted[poll_id]
            return
        assert self.polls[poll_id] == "open" and city_id not in self.voted[poll_id] and choice != "maybe"
        self.voted[poll_id].add(city_id)
        self.accepted += 1

    @precondition(lambda self: self.polls)
    @rule(data=st.data())
    def close_poll(self, data):
        poll_id = data.draw(st.sampled_from(sorted(self.polls)))
        try:
            poll = voting.close_poll(self._chair(), poll_id)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            assert self.polls[poll_id] != "open" and error.code == "invalid_state"
            return
        assert self.polls[poll_id] == "open"
        self.polls[poll_id] = "closed"
        assert poll.result["cast"] == len(self.voted[poll_id])

    @rule(cap=st.integers(1, 8))
    def change_cap(self, cap):
        network = rules.get_network()
        taken = rules.seats_taken(network)
        try:
            rules.change_cap(None, network, cap, "Besluit AB")
            db.session.commit()
        except DomainError:
            db.session.rollback()
            assert cap < taken
            return
        assert cap >= taken

    @invariant()
    def ballots_match_the_model(self):
        if not hasattr(self, "polls"):
            return
        for poll_id, state in self.polls.items():
            poll = voting.get_poll(poll_id)
            assert poll.state == PollState(state)
            ballots = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot).where(Ballot.poll_id == poll_id))
            voters = db.session.scalar(
                sa.select(sa.func.count()).select_from(PollVoter).where(PollVoter.poll_id == poll_id)
            )
            assert ballots == voters == len(self.voted[poll_id])
            if state == "closed":
                assert poll.result["cast"] == ballots
        network = rules.get_network()
        assert rules.seats_taken(network) <= max(network.cap, rules.member_count_on(dt.date.today()))
        db.session.rollback()


VotingMachine.TestCase.settings = settings(
    max_examples=15, stateful_step_count=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestVotingMachine = VotingMachine.TestCase
