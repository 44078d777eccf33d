"""The hash-chained audit log: every state change appends an entry that seals the one before."""

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Optional

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_app_context

from governance import clock, keys
from governance.extensions import db

GENESIS_HASH = "0" * 64
# One key for PostgreSQL's transaction-scoped advisory lock that serialises appends.
_APPEND_LOCK_KEY = 7_340_032
# What the sealer appends when an entry was edited in the database while it waited to be sealed.
ALTERED_BEFORE_SEAL = "audit.altered_before_seal"


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


@dataclass
class Sealed:
    """A place in the chain: the entry's number and hash."""

    id: int
    entry_hash: str


_ENTRY = AuditEntry.__table__
# Built once: every vote appends an entry, and building statements anew each time was a tenth of its cost.
_STATEMENTS: dict[str, Any] = {}


def _statements() -> dict[str, Any]:
    if not _STATEMENTS:
        anchor = AuditAnchor.__table__
        _STATEMENTS.update(
            head=sa.select(anchor.c.count, anchor.c.head_hash).where(anchor.c.id == 1),
            last_sealed=sa.select(_ENTRY.c.seq, _ENTRY.c.entry_hash)
            .where(_ENTRY.c.seq.is_not(None))
            .order_by(_ENTRY.c.seq.desc())
            .limit(1),
            insert_entry=sa.insert(_ENTRY),
            unsealed=sa.select(
                _ENTRY.c.id,
                _ENTRY.c.recorded_at,
                _ENTRY.c.actor_id,
                _ENTRY.c.action,
                _ENTRY.c.object_type,
                _ENTRY.c.object_id,
                _ENTRY.c.data,
                _ENTRY.c.entry_hash,
            )
            .where(_ENTRY.c.seq.is_(None))
            .order_by(_ENTRY.c.id),
            seal_entry=sa.update(_ENTRY)
            .where(_ENTRY.c.id == sa.bindparam("entry_id"), _ENTRY.c.seq.is_(None))
            .values(
                seq=sa.bindparam("new_seq"), prev_hash=sa.bindparam("new_prev"), entry_hash=sa.bindparam("new_hash")
            ),
            update_anchor=sa.update(anchor)
            .where(anchor.c.id == 1)
            .values(count=sa.bindparam("new_count"), head_hash=sa.bindparam("new_head")),
            insert_anchor=sa.insert(anchor),
            try_lock=sa.text("SELECT pg_try_advisory_xact_lock(:key)").bindparams(key=_APPEND_LOCK_KEY),
            lock=sa.text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=_APPEND_LOCK_KEY),
        )
    return _STATEMENTS


def _object_of(obj: Any) -> tuple[str, Optional[str]]:
    if isinstance(obj, tuple):
        return obj[0], str(obj[1])
    if obj is not None and hasattr(obj, "__tablename__"):
        return obj.__tablename__, str(obj.id)
    return str(obj or "system"), None


def unsealed_mac(recorded_at, actor_id, action, object_type, object_id, data) -> str:
    """The keyed MAC an entry carries until it is sealed, so that one edited while unsealed shows in verify."""
    return keys.mac(canonical(["unsealed", recorded_at, actor_id, action, object_type, object_id, data]))


def unsealed_entry(action: str, obj: Any, actor: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The columns of an entry written unsealed, carrying its keyed MAC (for a statement that inserts it)."""
    object_type, object_id = _object_of(obj)
    actor_id = getattr(actor, "id", None)
    recorded_at = clock.now().isoformat(timespec="microseconds")
    text = canonical(data)
    return {
        "seq": None,
        "recorded_at": recorded_at,
        "actor_id": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "data": text,
        "prev_hash": None,
        "entry_hash": unsealed_mac(recorded_at, actor_id, action, object_type, object_id, text),
    }


def write_unsealed(entry: dict[str, Any]) -> int:
    """Insert an entry made by unsealed_entry in the caller's transaction; return the number it got."""
    return db.session.connection().execute(_statements()["insert_entry"], entry).inserted_primary_key[0]


def _append(action: str, obj: Any, actor: Any, data: dict[str, Any]) -> int:
    """Write an entry unsealed, carrying its keyed MAC, in the caller's transaction; return the number it got."""
    return write_unsealed(unsealed_entry(action, obj, actor, data))


def record(action: str, obj: Any = None, actor: Any = None, **data: Any) -> None:
    """Append an entry for a change to `obj` (a model, or a (type, id) pair) by `actor`, in the caller's transaction.

    The entry is written unsealed and then the chain is sealed up to it if the head is free: on SQLite
    always (the transaction holds the database's write lock), on PostgreSQL unless another writer is
    sealing, which then leaves it to the next writer and always to the close of a poll.
    """
    _append(action, obj, actor, data)
    seal(wait=False)


def record_hot(action: str, obj: Any = None, actor: Any = None, **data: Any) -> None:
    """Append an entry on a hot path (a vote): written unsealed, and sealed later, not by this request.

    One entry in AUDIT_SEAL_EVERY (by the number it was written as, so across every process) also seals
    the chain if its head is free; the close of a poll always seals before it counts. Until sealed, the
    entry's keyed MAC is what verify checks it against.
    """
    seal_if_due(_append(action, obj, actor, data))


def seal_if_due(entry_id: int) -> None:
    """After a hot entry was written as number `entry_id`: seal if it is the one in AUDIT_SEAL_EVERY that does."""
    every = int(current_app.config.get("AUDIT_SEAL_EVERY", 50)) if has_app_context() else 1
    if every <= 1 or entry_id % every == 0:
        seal(wait=False)


def _head(connection) -> tuple[str, int]:
    """(hash, number) of the last sealed entry; the anchor row saves scanning for it."""
    statements = _statements()
    head = connection.execute(statements["head"]).first()
    if head is not None:
        return head.head_hash, head.count
    last = connection.execute(statements["last_sealed"]).first()
    return (last.entry_hash, last.seq) if last else (GENESIS_HASH, 0)


def _move_anchor(connection, count: int, head_hash: str) -> None:
    statements = _statements()
    if not connection.execute(statements["update_anchor"], {"new_count": count, "new_head": head_hash}).rowcount:
        connection.execute(statements["insert_anchor"], {"id": 1, "count": count, "head_hash": head_hash})


def seal(*, wait: bool = True) -> int:
    """Seal the entries written so far into the chain, in the order they were written; return how many.

    `wait=False` (a writer passing by) seals only when no one else holds the head; the close waits, so
    that the chain it signs holds every vote it counts. On SQLite the writer always holds the head.
    """
    connection = db.session.connection()
    statements = _statements()
    if connection.dialect.name != "postgresql":
        pass  # SQLite: this transaction already holds the database's write lock (BEGIN IMMEDIATE)
    elif wait:
        connection.execute(statements["lock"])
    elif not connection.execute(statements["try_lock"]).scalar():
        return 0
    # Read after the lock is held: the previous holder's seals are committed and visible by now.
    pending = connection.execute(statements["unsealed"]).all()
    if not pending:
        return 0
    prev_hash, seq = _head(connection)
    updates, altered = [], []
    for entry in pending:
        fields = (entry.recorded_at, entry.actor_id, entry.action, entry.object_type, entry.object_id, entry.data)
        seq += 1
        entry_hash = compute_hash(prev_hash, seq, *fields)
        updates.append({"entry_id": entry.id, "new_seq": seq, "new_prev": prev_hash, "new_hash": entry_hash})
        prev_hash = entry_hash
        if entry.entry_hash != unsealed_mac(*fields):
            altered.append(entry.id)
    connection.execute(statements["seal_entry"], updates)
    for entry_id in altered:
        # Sealing must not make an entry edited in the database look genuine: the chain says so for good.
        seq += 1
        fields = (
            clock.now().isoformat(timespec="microseconds"),
            None,
            ALTERED_BEFORE_SEAL,
            "audit_entry",
            str(entry_id),
        )
        text = canonical({"seq": next(u["new_seq"] for u in updates if u["entry_id"] == entry_id)})
        entry_hash = compute_hash(prev_hash, seq, *fields, text)
        connection.execute(
            statements["insert_entry"],
            dict(zip(("recorded_at", "actor_id", "action", "object_type", "object_id"), fields, strict=True))
            | {"data": text, "seq": seq, "prev_hash": prev_hash, "entry_hash": entry_hash},
        )
        prev_hash = entry_hash
    _move_anchor(connection, seq, prev_hash)
    return len(updates)


def head() -> Sealed:
    """The chain's head as sealed now: the number and hash of its last sealed entry."""
    head_hash, seq = _head(db.session.connection())
    return Sealed(seq, head_hash)


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
    # deferred import: the ledger registers the checks of everything the chain vouches for, and imports audit.
    import governance.ledger  # noqa: F401

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
        if entry.action == ALTERED_BEFORE_SEAL:
            return VerifyResult(
                False,
                len(sealed),
                prev_hash,
                f"entry {entry.payload().get('seq')} was altered in the database before it was sealed "
                f"(the sealer said so in entry {entry.seq})",
            )
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
    for entry in unsealed:
        fields = (entry.recorded_at, entry.actor_id, entry.action, entry.object_type, entry.object_id, entry.data)
        if entry.entry_hash != unsealed_mac(*fields):
            return VerifyResult(
                False,
                len(sealed),
                prev_hash,
                f"the entry written as number {entry.id} ({entry.action}), not yet sealed, was altered",
                unsealed=len(unsealed),
            )
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
    # deferred import: the signed record sits above audit (it reads members and votes, which record to audit).
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
