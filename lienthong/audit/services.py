"""Writing to and checking the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from lienthong.audit.models import AuditChain, AuditEntry

GENESIS = "0" * 64


def _digest(*, chain: str, seq: int, at, actor_id, actor_name, action, object_type, object_id, summary, details, prev_hash) -> str:
    payload = json.dumps(
        [chain, seq, at.isoformat(timespec="microseconds"), actor_id, actor_name, action, object_type,
         str(object_id), summary, details, prev_hash],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chain_key(agency_id: int | None) -> str:
    return f"agency:{agency_id}" if agency_id else "platform"


_ADVANCE_SQL = (
    'UPDATE audit_auditchain SET last_seq = last_seq + 1 WHERE "key" = %s RETURNING last_seq, last_hash'
)


def _advance_chain(key: str) -> tuple[int, str]:
    """Take the next sequence number of a chain and the hash it must link to, in one statement.

    The UPDATE takes the row lock (PostgreSQL) or runs under the write lock (SQLite, IMMEDIATE), so
    concurrent writers of one chain are ordered and each sees the head its predecessor committed.
    """
    with connection.cursor() as cursor:
        cursor.execute(_ADVANCE_SQL, [key])
        row = cursor.fetchone()
        if row is None:
            AuditChain.objects.get_or_create(key=key)
            cursor.execute(_ADVANCE_SQL, [key])
            row = cursor.fetchone()
    return int(row[0]), row[1]


def audit_log(*, actor, action: str, obj_type: str, obj_id, agency_id: int | None = None, summary: str = "",
              details: dict | None = None) -> AuditEntry:
    """Append one entry to the chain of ``agency_id`` (or the platform chain).

    Runs inside the caller's transaction when there is one, so the entry commits or rolls back with
    the change it describes. The chain head row is locked first, which orders concurrent writers.
    """
    details = details or {}
    key = chain_key(agency_id)
    with transaction.atomic(savepoint=False):
        seq, prev_hash = _advance_chain(key)
        at = timezone.now()
        actor_id = getattr(actor, "pk", None)
        actor_name = str(actor) if actor_id else ""
        digest = _digest(chain=key, seq=seq, at=at, actor_id=actor_id, actor_name=actor_name,
                         action=action, object_type=obj_type, object_id=obj_id, summary=summary,
                         details=details, prev_hash=prev_hash)
        entry = AuditEntry.objects.create(
            chain=key, seq=seq, at=at, actor_id=actor_id, actor_name=actor_name, action=action,
            object_type=obj_type, object_id=str(obj_id), summary=summary[:500], details=details,
            prev_hash=prev_hash, hash=digest,
        )
        AuditChain.objects.filter(key=key).update(last_hash=digest)
    return entry


@dataclass
class ChainProblem:
    chain: str
    seq: int
    reason: str


def audit_verify() -> tuple[int, list[ChainProblem]]:
    """Recompute every chain. Returns (entries checked, problems found)."""
    problems: list[ChainProblem] = []
    checked = 0
    prev: dict[str, tuple[int, str]] = {}
    for e in AuditEntry.objects.order_by("chain", "seq").iterator(chunk_size=2000):
        checked += 1
        last_seq, last_hash = prev.get(e.chain, (0, GENESIS))
        if e.seq != last_seq + 1:
            problems.append(ChainProblem(e.chain, e.seq, f"sequence gap after {last_seq}"))
        if e.prev_hash != last_hash:
            problems.append(ChainProblem(e.chain, e.seq, "previous hash does not match"))
        expected = _digest(chain=e.chain, seq=e.seq, at=e.at, actor_id=e.actor_id, actor_name=e.actor_name,
                           action=e.action, object_type=e.object_type, object_id=e.object_id,
                           summary=e.summary, details=e.details, prev_hash=e.prev_hash)
        if expected != e.hash:
            problems.append(ChainProblem(e.chain, e.seq, "content does not match its hash"))
        prev[e.chain] = (e.seq, e.hash)
    for head in AuditChain.objects.all():
        last_seq, last_hash = prev.get(head.key, (0, GENESIS))
        if head.last_seq != last_seq or head.last_hash != last_hash:
            problems.append(ChainProblem(head.key, last_seq, "chain was truncated (head does not match last entry)"))
    return checked, problems
