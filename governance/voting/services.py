"""The vote: create, open, cast, close; quorum and majority; the tally frozen at close."""

import collections
import functools
import hashlib
import secrets
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from governance import audit, clock, labels
from governance.accounts.models import User
from governance.admissions import services as admissions
from governance.admissions.models import Application, ApplicationStatus
from governance.database import lock_for_share, lock_for_update
from governance.errors import Conflict, Forbidden, NotFound, ValidationFailed
from governance.extensions import db
from governance.meetings import room
from governance.meetings.agenda import documents_for_poll
from governance.meetings.documents import lock_documents
from governance.members import services as members
from governance.members.models import City, Majority, Network
from governance.network import rules
from governance.network.rules import Tally, decide
from governance.voting import ballots
from governance.voting.models import Ballot, Choice, Poll, PollEligibleCity, PollKind, PollState, PollVoter

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_receipt() -> str:
    # 32 letters divide 256, so each random byte picks one letter uniformly.
    raw = "".join(RECEIPT_ALPHABET[byte % 32] for byte in secrets.token_bytes(10))
    return f"{raw[:5]}-{raw[5:]}"


def get_poll(poll_id: int) -> Poll:
    poll = db.session.get(Poll, poll_id)
    if poll is None:
        raise NotFound(_("There is no poll with number %(id)s.", id=poll_id))
    return poll


def list_polls(state: Optional[str] = None) -> list[Poll]:
    query = sa.select(Poll).order_by(Poll.id.desc())
    if state:
        query = query.where(Poll.state == PollState(state))
    return list(db.session.scalars(query))


# -- creating and opening ------------------------------------------------------------------


def create_poll(
    actor,
    *,
    application_id=None,
    title=None,
    description="",
    secret=None,
    majority=None,
    previous_poll_id=None,
    meeting_id=None,
) -> Poll:
    """A draft poll: an admission vote on an application, or a motion with a title."""
    network = rules.get_network()
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if majority is None:
        majority_value = network.default_majority
    else:
        try:
            majority_value = Majority(majority)
        except ValueError:
            fail("majority", _("Choose simple, absolute or two_thirds."))
            majority_value = network.default_majority
    if secret is not None and not isinstance(secret, bool):
        fail("secret", _("Must be true or false."))
    if not isinstance(description, str) or len(description) > 10_000:
        fail("description", _("At most %(n)d characters.", n=10_000))
    previous = None
    if previous_poll_id is not None:
        previous = db.session.get(Poll, previous_poll_id) if isinstance(previous_poll_id, int) else None
        if previous is None:
            fail("previous_poll_id", _("There is no poll with number %(id)s.", id=previous_poll_id))
        elif previous.state != PollState.CLOSED:
            fail("previous_poll_id", _("A re-vote follows a closed poll."))
    application = None
    if application_id is not None:
        if isinstance(application_id, bool) or not isinstance(application_id, int):
            fail("application_id", _("Must be the number of an application."))
        else:
            # Locked: of two requests for a vote on one application, the second sees the first's poll.
            application = db.session.scalars(
                lock_for_update(sa.select(Application).where(Application.id == application_id)).execution_options(
                    populate_existing=True
                )
            ).first()
            if application is None:
                fail("application_id", _("There is no application with number %(id)s.", id=application_id))
        if secret:
            fail("secret", _("Admission votes are named: how each city voted is part of the result."))
    else:
        if title is None or not isinstance(title, str) or not title.strip():
            fail("title", _("Give the motion a title."))
        elif len(title.strip()) > 200:
            fail("title", _("At most %(n)d characters.", n=200))
    try:
        meeting_id = room.meeting_for_new_poll(meeting_id, previous)
    except ValidationFailed as error:
        errors.update(error.fields)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)

    if application is not None:
        reopening = (
            previous is not None
            and previous.application_id == application.id
            and application.status == ApplicationStatus.REJECTED
        )
        if application.status != ApplicationStatus.RECEIVED and not reopening:
            raise Conflict(
                _(
                    "The application of %(name)s is %(status)s; no vote can be put on it.",
                    name=application.city.name,
                    status=labels.application_status(application.status),
                )
            )
        pending = db.session.scalars(
            sa.select(Poll).where(Poll.application_id == application.id, Poll.state != PollState.CLOSED)
        ).first()
        if pending is not None:
            raise Conflict(
                _("There is already a vote on this application (number %(id)s).", id=pending.id), code="duplicate"
            )
        if reopening:
            application.status = ApplicationStatus.RECEIVED
            application.decided_on = None
            audit.record("application.revote", application, actor, previous_poll_id=previous.id)
        with force_locale("nl"):
            default_title = _("Admission of %(name)s as a member", name=application.city.name)
        poll = Poll(
            kind=PollKind.ADMISSION,
            title=(title or "").strip() or default_title,
            description=description.strip(),
            secret=False,
            majority=majority_value,
            application_id=application.id,
            previous_poll_id=getattr(previous, "id", None),
            meeting_id=meeting_id,
            created_by_id=getattr(actor, "id", None),
        )
    else:
        poll = Poll(
            kind=PollKind.MOTION,
            title=title.strip(),
            description=description.strip(),
            secret=bool(secret),
            majority=majority_value,
            previous_poll_id=getattr(previous, "id", None),
            meeting_id=meeting_id,
            created_by_id=getattr(actor, "id", None),
        )
    db.session.add(poll)
    db.session.flush()
    audit.record(
        "poll.created",
        poll,
        actor,
        kind=poll.kind,
        title=poll.title,
        secret=poll.secret,
        majority=poll.majority,
        application_id=poll.application_id,
        previous_poll_id=poll.previous_poll_id,
        meeting_id=poll.meeting_id,
    )
    return poll


def _locked_poll(poll_id: int, *, exclusive: bool) -> Poll:
    stmt = sa.select(Poll).where(Poll.id == poll_id).execution_options(populate_existing=True)
    stmt = lock_for_update(stmt) if exclusive else lock_for_share(stmt)
    poll = db.session.scalars(stmt).first()
    if poll is None:
        raise NotFound(_("There is no poll with number %(id)s.", id=poll_id))
    return poll


def open_poll(actor, poll: Poll) -> Poll:
    """Open the vote: freeze the eligible cities; an admission takes a seat under the cap."""
    network = db.session.scalars(lock_for_update(sa.select(Network).order_by(Network.id).limit(1))).one()
    poll = _locked_poll(poll.id, exclusive=True)
    if poll.state == PollState.OPEN:
        raise Conflict(_("This poll is already open."))
    if poll.state == PollState.CLOSED:
        raise Conflict(_("This poll is closed; a closed poll never reopens. Start a re-vote instead."))
    today = clock.today()
    application = poll.application
    if application is not None:
        if application.status != ApplicationStatus.RECEIVED:
            raise Conflict(
                _(
                    "The application of %(name)s is %(status)s; its vote cannot open.",
                    name=application.city.name,
                    status=labels.application_status(application.status),
                )
            )
        if rules.seats_left(network, today) < 1:
            raise Conflict(
                _("No seat is left under the cap of %(cap)d: this admission vote cannot open.", cap=network.cap),
                code="cap_reached",
            )
        admissions.freeze_assessment(application, network)
    points = documents_for_poll(poll)
    # Locked against a new version being uploaded meanwhile (add_version locks the same rows).
    lock_documents({point.document_version.document_id for point in points if point.document_version})
    stale = [point for point in points if point.document_mismatch]
    if stale:
        raise Conflict(
            _(
                "The document this motion approves (%(title)s, version %(version)d) has a newer version: "
                "the chair or the secretariat first ties the motion to the latest version, with the button "
                "on this vote's page.",
                title=stale[0].document_version.document.title,
                version=stale[0].document_version.version,
            )
        )
    eligible = sorted(rules.member_ids_on(today) - ({application.city_id} if application else set()))
    if not eligible:
        raise Conflict(_("There are no member cities to vote."))
    frozen = room.freeze_for_poll(poll) if poll.meeting_id is not None else None
    db.session.add_all(PollEligibleCity(poll_id=poll.id, city_id=city_id) for city_id in eligible)
    poll.state = PollState.OPEN
    poll.opened_at = clock.now()
    poll.opened_by_id = getattr(actor, "id", None)
    poll.eligible_count = len(eligible)
    if application is not None:
        application.status = ApplicationStatus.VOTING
    db.session.flush()
    if frozen is None:
        audit.record("poll.opened", poll, actor, eligible=eligible)
    else:
        audit.record("poll.opened", poll, actor, eligible=eligible, **room.frozen_json(poll))
    return poll


# -- voting ------------------------------------------------------------------------------------


# The vote's statements, built once per dialect: a meeting of thousands casts them thousands of times.
_VOTE_STATEMENTS: dict[str, dict] = {}


def _vote_statements(dialect: str) -> dict:
    if dialect not in _VOTE_STATEMENTS:
        poll, eligible, voter = Poll.__table__, PollEligibleCity.__table__, PollVoter.__table__
        # The poll and where the user's own city stands in it, in one statement: eligible (a row joined)
        # and whether it has voted (the voter's user id). On PostgreSQL the poll row is held FOR SHARE, so
        # that the close (an UPDATE of that row) waits for this vote and then counts it.
        poll_and_city = (
            sa.select(poll.c.state, poll.c.secret, poll.c.meeting_id, eligible.c.city_id, voter.c.user_id)
            .select_from(
                poll.outerjoin(
                    eligible, sa.and_(eligible.c.poll_id == poll.c.id, eligible.c.city_id == sa.bindparam("city_id"))
                ).outerjoin(
                    voter, sa.and_(voter.c.poll_id == eligible.c.poll_id, voter.c.city_id == eligible.c.city_id)
                )
            )
            .where(poll.c.id == sa.bindparam("poll_id"))
        )
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        _VOTE_STATEMENTS[dialect] = statements = {
            "poll": poll_and_city.with_for_update(read=True, of=poll) if dialect == "postgresql" else poll_and_city,
            "standing": sa.select(eligible.c.city_id, voter.c.user_id)
            .select_from(
                eligible.outerjoin(
                    voter, sa.and_(voter.c.poll_id == eligible.c.poll_id, voter.c.city_id == eligible.c.city_id)
                )
            )
            .where(eligible.c.poll_id == sa.bindparam("poll_id"), eligible.c.city_id == sa.bindparam("city_id")),
            # INSERT … ON CONFLICT DO NOTHING: a row back means it went in, none that the city had voted.
            "voter": insert(voter).on_conflict_do_nothing().returning(sa.literal(1)),
            "ballot": sa.insert(Ballot.__table__),
        }
        if dialect == "postgresql":
            statements["vote"] = _one_statement_vote()
    return _VOTE_STATEMENTS[dialect]


def _one_statement_vote() -> sa.Select:
    """PostgreSQL: the voter, the ballot and the audit entry in one statement (writable CTEs), one round trip.

    The ballot and the entry are written from the voter row the first CTE returns, so a city that has
    voted (ON CONFLICT DO NOTHING: no row) gets neither; the statement returns the entry's number, or no row.
    """
    voter, ballot, entry = PollVoter.__table__, Ballot.__table__, audit.AuditEntry.__table__
    new_voter = (
        postgresql.insert(voter)
        .values({name: sa.bindparam(name) for name in ("poll_id", "city_id", "user_id", "voted_at", "cast_mode")})
        .on_conflict_do_nothing()
        .returning(voter.c.poll_id)
        .cte("new_voter")
    )
    ballot_columns = ("id", "city_id", "choice", "receipt", "mac")
    new_ballot = (
        sa.insert(ballot)
        .from_select(
            ["poll_id", *ballot_columns],
            sa.select(
                new_voter.c.poll_id,
                *(sa.bindparam(f"ballot_{name}", type_=ballot.c[name].type) for name in ballot_columns),
            ),
        )
        .returning(ballot.c.id)
        .cte("new_ballot")
    )
    entry_columns = [c.name for c in entry.columns if c.name != "id"]
    new_entry = (
        sa.insert(entry)
        .from_select(
            entry_columns,
            sa.select(*(sa.bindparam(f"entry_{name}", type_=entry.c[name].type) for name in entry_columns)).where(
                sa.exists(sa.select(new_voter.c.poll_id))
            ),
        )
        .returning(entry.c.id)
        .cte("new_entry")
    )
    return sa.select(new_entry.c.id).add_cte(new_ballot)


def cast_vote(user: User, poll_id: int, choice, *, on_behalf_of=None, city_id=None, in_room=False) -> str:
    """Record a city's vote (the user's own, one it holds the proxy of, or a hand in the room); return the receipt."""
    # The hot path of a meeting: prebuilt Core statements, the poll row held against the close. A board
    # member's own vote outside a meeting sends four: the poll with the city's standing, the voter, the
    # ballot and the audit entry (unsealed: the chain is sealed in batches and by the close).
    connection = db.session.connection()
    statements = _vote_statements(connection.dialect.name)
    own_city_id = getattr(user, "city_id", None)
    poll = connection.execute(statements["poll"], {"poll_id": poll_id, "city_id": own_city_id}).first()
    if poll is None:
        raise NotFound(_("There is no poll with number %(id)s.", id=poll_id))
    if poll.state != PollState.OPEN:
        if poll.state == PollState.DRAFT:
            raise Conflict(_("This poll has not been opened yet."), code="poll_not_open")
        raise Conflict(_("This poll is closed; no more votes are accepted."), code="poll_not_open")
    city_id, cast_mode = room.casting(
        user, poll_id, poll.meeting_id, poll.secret, on_behalf_of=on_behalf_of, city_id=city_id, in_room=in_room
    )
    if city_id == own_city_id:
        eligible_city_id, voter_id = poll.city_id, poll.user_id
    else:
        standing = connection.execute(statements["standing"], {"poll_id": poll_id, "city_id": city_id}).first()
        eligible_city_id, voter_id = (standing.city_id, standing.user_id) if standing else (None, None)
    if eligible_city_id is None:
        raise Forbidden(
            _("%(city)s is not among the cities that vote in this poll.", city=room.city_name(city_id)),
            code="not_eligible",
        )
    try:
        choice_value = Choice(choice)
    except ValueError:
        message = _("Choose yes, no or abstain.")
        raise ValidationFailed(message, fields={"choice": [message]}) from None
    if voter_id is not None:
        raise _already_voted(city_id, voter_id)
    receipt = new_receipt()
    ballot_id = ballots.new_ballot_id()
    voter = {
        "poll_id": poll_id,
        "city_id": city_id,
        "user_id": user.id,
        "voted_at": clock.now(),
        "cast_mode": cast_mode,
    }
    ballot = {
        "id": ballot_id,
        "city_id": None if poll.secret else city_id,
        "choice": choice_value,
        "receipt": receipt,
        # A secret ballot is vouched for by a keyed MAC, since the chain must not know its choice.
        "mac": ballots.ballot_mac(poll_id, ballot_id, choice_value.value, receipt) if poll.secret else None,
    }
    if poll.secret:
        said = {"city_id": city_id, "cast": cast_mode}
    else:
        said = {
            "city_id": city_id,
            "choice": choice_value,
            "ballot_id": ballot_id,
            "receipt": receipt,
            "cast": cast_mode,
        }
    if "vote" in statements:
        # One round trip for the three rows. Presence before them, so its entry precedes the vote's as on SQLite.
        if poll.meeting_id is not None:
            room.mark_present_by_vote(poll.meeting_id, city_id, user.id)
        entry = audit.unsealed_entry("vote.cast", ("poll", poll_id), user, said)
        params = voter | {f"ballot_{k}": v for k, v in ballot.items()} | {f"entry_{k}": v for k, v in entry.items()}
        entry_id = connection.execute(statements["vote"], params).scalar()
        if entry_id is None:
            raise _already_voted(city_id, db.session.get(PollVoter, (poll_id, city_id)).user_id)
    else:
        # The primary key (poll, city) settles a race between two board members of one city.
        if connection.execute(statements["voter"], voter).first() is None:
            raise _already_voted(city_id, db.session.get(PollVoter, (poll_id, city_id)).user_id)
        connection.execute(statements["ballot"], ballot | {"poll_id": poll_id})
        if poll.meeting_id is not None:
            room.mark_present_by_vote(poll.meeting_id, city_id, user.id)
        entry_id = audit.write_unsealed(audit.unsealed_entry("vote.cast", ("poll", poll_id), user, said))
    audit.seal_if_due(entry_id)
    return receipt


def _already_voted(city_id: int, voter_id: Optional[int]) -> Conflict:
    city = db.session.get(City, city_id)
    who = db.session.get(User, voter_id) if voter_id else None
    message = _("%(city)s has already voted in this poll.", city=city.name)
    if who is not None:
        message = _("%(city)s has already voted in this poll (by %(name)s).", city=city.name, name=who.name)
    return Conflict(message, code="already_voted")


def vote_of_city(poll: Poll, city_id: Optional[int]) -> Optional[PollVoter]:
    if city_id is None:
        return None
    return db.session.get(PollVoter, (poll.id, city_id))


# -- closing --------------------------------------------------------------------------------------


# A city's name files the same way every time: kept, so a close of thousands does not normalise each anew.
_name_key = functools.lru_cache(maxsize=16_384)(members.name_sort_key)


def ballot_digest(rows) -> str:
    """A fingerprint of a poll's ballots (id and choice), recorded at close and checked by audit verify."""
    text = "\n".join(f"{ballot_id}:{choice}" for ballot_id, choice in sorted((r[0], str(r[1])) for r in rows))
    return hashlib.sha256(text.encode()).hexdigest()


def close_poll(actor, poll_id: int) -> Poll:
    """Close the vote for good: freeze the tally and the outcome, and apply its effects, in one transaction."""
    closed_at = clock.now()
    # The conditional UPDATE is the gate: of two chairs closing at once exactly one gets a row.
    done = db.session.execute(
        sa.update(Poll)
        .where(Poll.id == poll_id, Poll.state == PollState.OPEN)
        .values(state=PollState.CLOSED, closed_at=closed_at, closed_by_id=getattr(actor, "id", None))
        .execution_options(synchronize_session=False)
    ).rowcount
    poll = db.session.scalars(
        sa.select(Poll).where(Poll.id == poll_id).execution_options(populate_existing=True)
    ).first()
    if poll is None:
        raise NotFound(_("There is no poll with number %(id)s.", id=poll_id))
    if not done:
        if poll.state == PollState.CLOSED:
            raise Conflict(_("This poll is already closed."))
        raise Conflict(_("This poll has not been opened yet."))
    # Every vote accepted before the close is in the chain before the tally is frozen; then a secret
    # poll's ballots are written afresh, in random order, so that nothing stored follows the voting order.
    audit.seal()
    modes = None  # how each named vote came in; a secret result names none
    if poll.secret:
        rows = ballots.rewrite_secret_ballots(poll.id)
        voters = db.session.scalar(sa.select(sa.func.count()).where(PollVoter.poll_id == poll.id))
    else:
        # Plain rows, city names with them: a poll of thousands is counted and frozen from one read.
        ballot, city = Ballot.__table__, City.__table__
        rows = db.session.execute(
            sa.select(ballot.c.id, ballot.c.choice, ballot.c.city_id, ballot.c.receipt, city.c.name.label("city_name"))
            .select_from(ballot.outerjoin(city, city.c.id == ballot.c.city_id))
            .where(ballot.c.poll_id == poll.id)
        ).all()
        modes = room.cast_modes(poll)
        voters = len(modes)
    # Each row's fields read once, the choice as its text: the tally, the fingerprint and the votes use them.
    plain = [(row.id, row.choice.value, row) for row in rows]
    counts = collections.Counter(choice for _, choice, _ in plain)
    tally = Tally(counts[Choice.YES.value], counts[Choice.NO.value], counts[Choice.ABSTAIN.value], poll.eligible_count)
    quorum_met, adopted, reason = decide(tally, poll.majority)
    # The effects first, so that the frozen result states them (membership, rename).
    effects = None
    if poll.application is not None:
        effects = admissions.apply_decision(actor, poll.application, adopted, poll, closed_at.date())
    votes = None
    if not poll.secret:
        keyed = sorted(
            (_name_key(r.city_name or ""), r.city_name or "", r.city_id, choice, r.receipt) for _, choice, r in plain
        )
        votes = [
            {"city_id": city_id, "city": name or None, "choice": choice, "receipt": receipt}
            for _, name, city_id, choice, receipt in keyed
        ]
    result = {
        "yes": tally.yes,
        "no": tally.no,
        "abstain": tally.abstain,
        "cast": tally.cast,
        "eligible": tally.eligible,
        "quorum_met": quorum_met,
        "outcome": "adopted" if adopted else "rejected",
        "reason": reason,
        "majority": poll.majority.value,
        "votes": votes,
        "closed_at": closed_at.isoformat(timespec="seconds"),
    }
    # Written with the head below, in one UPDATE of the poll row.
    poll.result_json = audit.canonical(room.complete_result(poll, result, effects, modes, voters))
    audit.record(
        "poll.closed",
        poll,
        actor,
        yes=tally.yes,
        no=tally.no,
        abstain=tally.abstain,
        cast=tally.cast,
        eligible=tally.eligible,
        outcome=result["outcome"],
        reason=reason,
        quorum_met=quorum_met,
        majority=poll.majority,
        ballots=ballot_digest((ballot_id, choice) for ballot_id, choice, _ in plain),
    )
    # The signed record carries the head as it stands with the close and its effects sealed.
    head = audit.head()
    poll.audit_head_seq, poll.audit_head_hash = head.id, head.entry_hash
    db.session.flush()
    return poll


# -- turnout and presentation ---------------------------------------------------------------------


@dataclass
class Turnout:
    eligible: list[City]
    voted: dict[int, PollVoter]

    @property
    def cast_count(self) -> int:
        return len(self.voted)


def cast_count(poll: Poll) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PollVoter).where(PollVoter.poll_id == poll.id)) or 0


def turnout(poll: Poll) -> Turnout:
    """Which cities may vote and which have (never how)."""
    eligible = list(
        db.session.scalars(
            sa.select(City)
            .join(PollEligibleCity, PollEligibleCity.city_id == City.id)
            .where(PollEligibleCity.poll_id == poll.id)
        )
    )
    eligible.sort(key=members.sort_key)
    voted = {v.city_id: v for v in db.session.scalars(sa.select(PollVoter).where(PollVoter.poll_id == poll.id))}
    return Turnout(eligible, voted)


def open_polls_for(user: User) -> list[Poll]:
    """The open polls in which the user's city may vote."""
    if not Poll.can_cast(user):
        return []
    return list(
        db.session.scalars(
            sa.select(Poll)
            .join(PollEligibleCity, PollEligibleCity.poll_id == Poll.id)
            .where(PollEligibleCity.city_id == user.city_id, Poll.state == PollState.OPEN)
            .order_by(Poll.opened_at, Poll.id)
        )
    )
