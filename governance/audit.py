"""The hash-chained audit log: every state change appends an entry that seals the one before."""

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from governance.extensions import db
from governance.models_base import utcnow

GENESIS_HASH = "0" * 64
# One key for PostgreSQL's transaction-scoped advisory lock that serialises appends.
_APPEND_LOCK_KEY = 7_340_032


class AuditEntry(db.Model):
    """One recorded change; `entry_hash` covers its fields and the previous entry's hash."""

    __tablename__ = "audit_entry"

    # `id` is the order entries were written in; `seq` their place in the chain, given when sealed.
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    seq: so.Mapped[Optional[int]] = so.mapped_column(unique=True)
    recorded_at: so.Mapped[str] = so.mapped_column(sa.String(32))
    actor_id: so.Mapped[Optional[int]]
    action: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    object_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    object_id: so.Mapped[Optional[str]] = so.mapped_column(sa.String(64))
    data: so.Mapped[str] = so.mapped_column(sa.Text, default="{}")
    prev_hash: so.Mapped[Optional[str]] = so.mapped_column(sa.String(64))
    entry_hash: so.Mapped[Optional[str]] = so.mapped_column(sa.String(64), unique=True)

    __table_args__ = (
        sa.Index(
            "ix_audit_entry_unsealed",
            "id",
            postgresql_where=sa.text("seq IS NULL"),
            sqlite_where=sa.text("seq IS NULL"),
        ),
    )

    def payload(self) -> dict[str, Any]:
        return json.loads(self.data)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    raise TypeError(f"cannot record {type(value).__name__} in the audit log")


def canonical(value: Any) -> str:
    """The one JSON text of a value that both append and verify hash."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def compute_hash(
    prev_hash: str,
    seq: int,
    recorded_at: str,
    actor_id: Optional[int],
    action: str,
    object_type: str,
    object_id: Optional[str],
    data: str,
) -> str:
    """SHA-256 over the entry's fields and its predecessor's hash."""
    body = canonical([prev_hash, seq, recorded_at, actor_id, action, object_type, object_id, data])
    return hashlib.sha256(body.encode()).hexdigest()


def _lock_chain_head() -> None:
    """Serialise appends so two transactions never seal the same predecessor."""
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK_KEY})
    # SQLite: every write transaction already holds the database's write lock (BEGIN IMMEDIATE).


@dataclass
class Sealed:
    """What an append wrote: the entry's number and hash."""

    id: int
    entry_hash: str


_ENTRY = AuditEntry.__table__
# Built once: every vote appends an entry, and building statements anew each time was a tenth of its cost.
_SELECT_HEAD = None
_INSERT_ENTRY = None
_UPDATE_ANCHOR = None
_INSERT_ANCHOR = None


def _statements():
    global _SELECT_HEAD, _INSERT_ENTRY, _UPDATE_ANCHOR, _INSERT_ANCHOR
    if _SELECT_HEAD is None:
        anchor = AuditAnchor.__table__
        _SELECT_HEAD = sa.select(anchor.c.count, anchor.c.head_hash).where(anchor.c.id == 1)
        _INSERT_ENTRY = sa.insert(_ENTRY)
        _UPDATE_ANCHOR = (
            sa.update(anchor)
            .where(anchor.c.id == 1)
            .values(count=sa.bindparam("new_count"), head_hash=sa.bindparam("new_head"))
        )
        _INSERT_ANCHOR = sa.insert(anchor)
    return _SELECT_HEAD, _INSERT_ENTRY, _UPDATE_ANCHOR, _INSERT_ANCHOR


def record(action: str, obj: Any = None, actor: Any = None, **data: Any) -> Sealed:
    """Append an entry for a change to `obj` (a model, or a (type, id) pair) by `actor`, in the caller's transaction."""
    select_head, insert_entry, update_anchor, insert_anchor = _statements()
    _lock_chain_head()
    connection = db.session.connection()
    # The anchor row holds the head of the chain: one indexed read instead of scanning for the last entry.
    head = connection.execute(select_head).first()
    if head is None:
        last = connection.execute(
            sa.select(_ENTRY.c.id, _ENTRY.c.entry_hash).order_by(_ENTRY.c.id.desc()).limit(1)
        ).first()
        prev_hash, seq = (last.entry_hash, last.id + 1) if last else (GENESIS_HASH, 1)
    else:
        prev_hash, seq = head.head_hash, head.count + 1
    if isinstance(obj, tuple):
        object_type, object_id = obj[0], str(obj[1])
    elif obj is not None and hasattr(obj, "__tablename__"):
        object_type, object_id = obj.__tablename__, str(obj.id)
    else:
        object_type, object_id = str(obj or "system"), None
    actor_id = getattr(actor, "id", None)
    recorded_at = utcnow().isoformat(timespec="microseconds")
    text = canonical(data)
    entry_hash = compute_hash(prev_hash, seq, recorded_at, actor_id, action, object_type, object_id, text)
    connection.execute(
        insert_entry,
        {
            "id": seq,
            "seq": seq,
            "recorded_at": recorded_at,
            "actor_id": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "data": text,
            "prev_hash": prev_hash,
            "entry_hash": entry_hash,
        },
    )
    if head is None:
        connection.execute(insert_anchor, {"id": 1, "count": seq, "head_hash": entry_hash})
    else:
        connection.execute(update_anchor, {"new_count": seq, "new_head": entry_hash})
    return Sealed(seq, entry_hash)


def head() -> Sealed:
    """The chain's head as sealed now: the number and hash of its last sealed entry."""
    anchor = db.session.execute(_statements()[0]).first()
    if anchor is None:
        return Sealed(0, GENESIS_HASH)
    return Sealed(anchor.count, anchor.head_hash)


class CannotVerify(Exception):
    """Verify cannot judge the chain at all (no entries, no MAC key): a sentence, not a verdict."""


@dataclass
class VerifyResult:
    ok: bool
    count: int
    head: str
    problem: Optional[str] = None
    unsealed: int = 0
    against: Optional[str] = None


# Other areas register checks that compare their rows with what the chain recorded
# (e.g. a ballot against its vote entry); each yields a sentence per mismatch.
_consistency_checks: list[Callable[[list[AuditEntry]], Iterator[str]]] = []


def register_consistency_check(check: Callable[[list[AuditEntry]], Iterator[str]]) -> None:
    """Add a check that `verify` runs after the chain itself holds."""
    if check not in _consistency_checks:
        _consistency_checks.append(check)


def verify(against: Optional[tuple[Any, Any]] = None) -> VerifyResult:
    """Walk the chain from the start; name the first entry that is edited, missing or out of place.

    `against` = (a saved signed record, the public key): the chain must still hold the head it was signed with.
    """
    from governance import keys

    try:
        keys.mac("")  # the MAC key checks every secret ballot: without it verify cannot judge them
    except keys.KeyFileError as error:
        raise CannotVerify(str(error)) from None
    entries = list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq, AuditEntry.id)))
    if not entries:
        raise CannotVerify("the audit log is empty; run `flask --app governance init-db` first.")
    sealed = [e for e in entries if e.seq is not None]
    unsealed = [e for e in entries if e.seq is None]
    prev_hash = GENESIS_HASH
    for expected_seq, entry in enumerate(sealed, start=1):
        if entry.seq != expected_seq:
            return VerifyResult(False, len(sealed), prev_hash, f"entry {expected_seq} is missing (next is {entry.seq})")
        if entry.prev_hash != prev_hash:
            return VerifyResult(
                False, len(sealed), prev_hash, f"entry {entry.seq} does not follow entry {entry.seq - 1}"
            )
        recomputed = compute_hash(
            entry.prev_hash,
            entry.seq,
            entry.recorded_at,
            entry.actor_id,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.data,
        )
        if recomputed != entry.entry_hash:
            return VerifyResult(False, len(sealed), prev_hash, f"entry {entry.seq} ({entry.action}) was altered")
        prev_hash = entry.entry_hash
    anchor = AuditAnchor.current()
    if anchor is not None and anchor.count > len(sealed):
        return VerifyResult(
            False,
            len(sealed),
            prev_hash,
            f"the log ends at entry {len(sealed)} but entry {anchor.count} was recorded (truncated)",
        )
    if anchor is not None and anchor.count == len(sealed) and anchor.head_hash != prev_hash:
        return VerifyResult(False, len(sealed), prev_hash, f"entry {len(sealed)} is not the recorded head")
    held_against = None
    if against is not None:
        checked = verify_against(VerifyResult(True, len(sealed), prev_hash), *against)
        if not checked.ok:
            return checked
        held_against = checked.against
    for check in _consistency_checks:
        for problem in check(entries):
            return VerifyResult(False, len(sealed), prev_hash, problem, unsealed=len(unsealed))
    return VerifyResult(True, len(sealed), prev_hash, unsealed=len(unsealed), against=held_against)


def verify_against(result: VerifyResult, document: Any, public_key) -> VerifyResult:
    """Check a saved signed record, and that the chain still holds the head it was signed with."""
    from governance.voting.record import verify_signed_record

    intact, problem = verify_signed_record(document, public_key)
    if not intact:
        return VerifyResult(False, result.count, result.head, f"the saved record does not check: {problem}")
    record = document["record"]
    poll_id = (record.get("poll") or {}).get("id")
    head = record.get("audit_head") or {}
    seq, head_hash = head.get("seq"), head.get("hash")
    if not isinstance(seq, int) or not isinstance(head_hash, str):
        return VerifyResult(False, result.count, result.head, "the saved record carries no audit head")
    held = db.session.scalar(sa.select(AuditEntry.entry_hash).where(AuditEntry.seq == seq))
    if held is None:
        return VerifyResult(
            False,
            result.count,
            result.head,
            f"the log ends at entry {result.count}, but the record of poll {poll_id} was signed when it reached "
            f"entry {seq} (the chain was cut short)",
        )
    if held != head_hash:
        return VerifyResult(
            False,
            result.count,
            result.head,
            f"entry {seq} is not the head the record of poll {poll_id} was signed with (the chain was rewritten)",
        )
    result.against = f"poll {poll_id}, entry {seq}"
    return result


class AuditAnchor(db.Model):
    """The count and head hash the chain reached: a truncated tail shows against it."""

    __tablename__ = "audit_anchor"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    count: so.Mapped[int]
    head_hash: so.Mapped[str] = so.mapped_column(sa.String(64))

    @classmethod
    def current(cls) -> Optional["AuditAnchor"]:
        return db.session.get(cls, 1)
