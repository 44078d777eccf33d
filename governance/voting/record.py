"""The signed record (proces-verbaal) of a closed poll: built from what is stored, signed with Ed25519.

`build_record` gathers its sections from small functions (`RECORD_SECTIONS`), each a plain function
of the stored poll; an area that adds to the record (the meeting, presence, proxies) adds a section.
"""

import base64
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from flask_babel import gettext as _

from governance import keys
from governance.errors import Conflict
from governance.extensions import db
from governance.members import services as members
from governance.members.models import City, Membership, NetworkName
from governance.network import rules
from governance.voting.models import Ballot, Poll, PollEligibleCity, PollState

RECORD_VERSION = 1


def canonical_json(record: dict) -> bytes:
    """The bytes that are signed: keys sorted, no spaces, UTF-8."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _iso(value) -> Any:
    return value.isoformat(timespec="seconds") if value is not None else None


# -- the sections -------------------------------------------------------------------------------


def network_section(poll: Poll) -> dict:
    network = rules.get_network()
    return {"network": {"name": rules.name_on(network, poll.closed_at.date())}}


def poll_section(poll: Poll) -> dict:
    return {
        "poll": {
            "id": poll.id,
            "kind": poll.kind.value,
            "title": poll.title,
            "description": poll.description,
            "secret": poll.secret,
            "majority": poll.majority.value,
            "application_id": poll.application_id,
            "previous_poll_id": poll.previous_poll_id,
            "opened_at": _iso(poll.opened_at),
            "closed_at": _iso(poll.closed_at),
        }
    }


def eligible_section(poll: Poll) -> dict:
    rows = db.session.execute(
        sa.select(City.id, City.name)
        .join(PollEligibleCity, PollEligibleCity.city_id == City.id)
        .where(PollEligibleCity.poll_id == poll.id)
    ).all()
    cities = sorted(({"city_id": r.id, "name": r.name} for r in rows), key=lambda c: members.name_sort_key(c["name"]))
    return {"eligible": cities}


def votes_section(poll: Poll) -> dict:
    """How each city voted, with its receipt (named polls); a secret poll lists the receipts only."""
    if poll.secret:
        receipts = sorted(db.session.scalars(sa.select(Ballot.receipt).where(Ballot.poll_id == poll.id)))
        return {"votes": None, "receipts": receipts}
    rows = db.session.execute(
        sa.select(Ballot.city_id, City.name, Ballot.choice, Ballot.receipt)
        .join(City, City.id == Ballot.city_id)
        .where(Ballot.poll_id == poll.id)
    ).all()
    votes = [{"city_id": r.city_id, "city": r.name, "choice": r.choice.value, "receipt": r.receipt} for r in rows]
    return {"votes": sorted(votes, key=lambda v: members.name_sort_key(v["city"]))}


def result_section(poll: Poll) -> dict:
    result = poll.result or {}
    return {
        "tally": {key: result.get(key) for key in ("yes", "no", "abstain", "cast", "eligible")},
        "majority": result.get("majority", poll.majority.value),
        "quorum": {"rule": "more_than_half_of_eligible", "met": result.get("quorum_met")},
        "outcome": result.get("outcome"),
        "reason": result.get("reason"),
    }


def effects_section(poll: Poll) -> dict:
    """What the decision changed: the city admitted and from when, the network renamed."""
    stored = (poll.result or {}).get("effects")
    if stored is not None:
        return {"effects": stored}
    admitted = []
    if poll.application_id is not None and (poll.result or {}).get("outcome") == "adopted":
        admitted = [
            {"city_id": m.city_id, "from": m.joined_on.isoformat() if m.joined_on else None}
            for m in db.session.scalars(sa.select(Membership).where(Membership.application_id == poll.application_id))
        ]
    renamed = None
    name = db.session.scalars(sa.select(NetworkName).where(NetworkName.poll_id == poll.id)).first()
    if name is not None:
        day = name.valid_from
        renamed = {
            "from": rules.name_on(rules.get_network(), day.fromordinal(day.toordinal() - 1)) if day else None,
            "to": name.name,
            "valid_from": day.isoformat() if day else None,
        }
    return {"effects": {"admitted": admitted, "renamed": renamed}}


def audit_head_section(poll: Poll) -> dict:
    return {"audit_head": {"seq": poll.audit_head_seq, "hash": poll.audit_head_hash}}


RECORD_SECTIONS: list[Callable[[Poll], dict]] = [
    network_section,
    poll_section,
    eligible_section,
    votes_section,
    result_section,
    effects_section,
    audit_head_section,
]


def build_record(poll: Poll) -> dict:
    """The record of a closed poll as a plain dict, from the stored poll data only."""
    if poll.state != PollState.CLOSED:
        raise Conflict(_not_closed_message(), code="invalid_state")
    record: dict[str, Any] = {"record_version": RECORD_VERSION}
    for section in RECORD_SECTIONS:
        record.update(section(poll))
    return record


def _not_closed_message() -> str:
    return _("The record of a poll exists once the poll is closed.")


def signed_record(poll: Poll) -> dict:
    """{"record", "signature", "key_id"}: Ed25519 over the canonical JSON of the record."""
    record = build_record(poll)
    return {"record": record, "signature": keys.sign(canonical_json(record)), "key_id": keys.key_id()}


def verify_signed_record(document: Any, public_key) -> tuple[bool, str]:
    """Check a saved record's signature with the public key alone: (intact, a sentence saying why not)."""
    if not isinstance(document, dict) or not isinstance(document.get("record"), dict):
        return False, 'The file is not a signed record: it has no "record" object.'
    signature = document.get("signature")
    if not isinstance(signature, str) or not signature:
        return False, 'The record is not signed: it has no "signature".'
    try:
        key = keys.load_public_key(public_key)
    except (ValueError, TypeError):
        return False, "The public key is not an Ed25519 key."
    if document.get("key_id") not in (None, keys.key_id_of(key)):
        return False, f"The record was signed with key {document.get('key_id')}, not with key {keys.key_id_of(key)}."
    try:
        key.verify(base64.b64decode(signature, validate=True), canonical_json(document["record"]))
    except (InvalidSignature, ValueError):
        return False, "The signature does not match the record: the record was altered or signed by another key."
    return True, ""
