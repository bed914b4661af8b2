"""Writing to and checking the keyed hash-chained audit log, and its signed checkpoints.

An entry's hash is an HMAC-SHA-256, under the audit key (``lienthong.audit.keys``), of exactly the values
the database gives back: text is cut to its column before hashing and ``details`` go through the JSON
encoding of the column. Checkpoints (``audit_checkpoint_write``, daily) record the head of every chain in a
signed file outside the database; ``audit_verify`` recomputes the chains and compares them with the latest
valid checkpoint, which reveals truncated chains, deleted chains and entries rewritten by someone holding
the key. The threat model is in docs/decisions.md ("Audit log: threat model").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import CharField
from django.utils import timezone

from lienthong.audit.keys import LEGACY_KEY_ID, Keyring, keyring
from lienthong.audit.models import AuditChain, AuditEntry
from lienthong.core.bulkinsert import insert_rows

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
CHECKPOINT_FORMAT = "lienthong-audit-checkpoint/1"
ELLIPSIS = "…"


def _payload(*, chain: str, seq: int, at, actor_id, actor_name, action, object_type, object_id, summary, details,
             prev_hash, key_id: str) -> bytes:
    values = [chain, seq, at.isoformat(timespec="microseconds"), actor_id, actor_name, action, object_type,
              str(object_id), summary, details, prev_hash]
    if key_id != LEGACY_KEY_ID:
        values.append(key_id)  # the key id is sealed too: it cannot be swapped for another key's
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _digest(*, key: bytes | None, key_id: str, **fields) -> str:
    """HMAC-SHA-256 of the entry's canonical content; plain SHA-256 for legacy (unkeyed) entries."""
    payload = _payload(key_id=key_id, **fields)
    if key_id == LEGACY_KEY_ID:
        return hashlib.sha256(payload).hexdigest()
    assert key is not None, "a keyed entry is hashed with its key"  # callers look the key up (or skip) first
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def chain_key(agency_id: int | None) -> str:
    return f"agency:{agency_id}" if agency_id else "platform"


# --- Normalising what is stored ---------------------------------------------------------------------

def _fit(value, field_name: str, *, ellipsis: bool = False) -> str:
    """``value`` as the column will store it: text without NUL characters (PostgreSQL refuses them), cut to
    the column's length (with "…" for prose, so a reader sees it was cut)."""
    text = str(value if value is not None else "").replace("\x00", "")
    column = AuditEntry._meta.get_field(field_name)
    assert isinstance(column, CharField) and column.max_length is not None  # only the bounded text columns
    limit = column.max_length
    if len(text) > limit:
        text = text[:limit - 1] + ELLIPSIS if ellipsis else text[:limit]
    return text


def _json_roundtrip(details) -> dict:
    """``details`` as the JSON column gives them back: string keys, lists for tuples, ISO dates, decimals
    and lazy translations as strings (Django's JSON encoder)."""
    raw = json.dumps(details or {}, cls=DjangoJSONEncoder, ensure_ascii=False).replace("\\u0000", "")
    return json.loads(raw)


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
              details: dict | None = None, read_only: bool = False) -> AuditEntry:
    """Append one entry to the chain of ``agency_id`` (or the platform chain).

    Runs inside the caller's transaction when there is one, so the entry commits or rolls back with
    the change it describes. The chain head row is locked first, which orders concurrent writers.
    Text longer than its column is cut (the summary with "…") BEFORE hashing: the hash covers what is stored.

    ``read_only``: the entry records a read that changed nothing (a document opened, a file downloaded). When
    it is its own transaction on PostgreSQL, the commit does not wait for the disk (``synchronous_commit`` off
    for that transaction only), so the agency's chain head is locked for the three statements and not for a
    disk flush: views of one agency's documents do not queue behind each other. The entry is still written
    in order and atomically; a power cut may lose the last fraction of a second of such entries, never an entry
    that describes a change (decision in docs/decisions.md, "Audit entries of reads").
    """
    if read_only and not connection.in_atomic_block and connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            return audit_log(actor=actor, action=action, obj_type=obj_type, obj_id=obj_id, agency_id=agency_id,
                             summary=summary, details=details)
    keys = keyring()
    key = chain_key(agency_id)
    actor_id = getattr(actor, "pk", None)
    fields = dict(
        actor_id=actor_id, actor_name=_fit(actor if actor_id else "", "actor_name", ellipsis=True),
        action=_fit(action, "action"), object_type=_fit(obj_type, "object_type"),
        object_id=_fit(obj_id, "object_id"), summary=_fit(summary, "summary", ellipsis=True),
        details=_json_roundtrip(details),
    )
    with transaction.atomic(savepoint=False):
        seq, prev_hash = _advance_chain(key)
        at = timezone.now()
        digest = _digest(key=keys.current, key_id=keys.current_id, chain=key, seq=seq, at=at, prev_hash=prev_hash,
                         **fields)
        entry = AuditEntry.objects.create(chain=key, seq=seq, at=at, prev_hash=prev_hash, hash=digest,
                                          key_id=keys.current_id, **fields)
        AuditChain.objects.filter(key=key).update(last_hash=digest)
    return entry


@dataclass
class AuditItem:
    """One entry of a batch written by ``audit_log_many``: what ``audit_log`` takes besides the actor."""

    action: str
    obj_type: str
    obj_id: object
    summary: str = ""
    details: dict | None = None


def audit_log_many(*, actor, agency_id: int | None, items: list[AuditItem]) -> int:
    """Append many entries to one chain with a fixed number of statements: the chain head is advanced
    by ``len(items)`` in one ``UPDATE … RETURNING`` (which locks it, as ``audit_log`` does), the hashes
    are chained in Python and the rows inserted in bulk (``core.bulkinsert.insert_rows``). For bulk paths (an import of
    thousands of documents); the entries are exactly those ``audit_log`` would write one by one.
    Runs inside the caller's transaction. Returns the number of entries written."""
    if not items:
        return 0
    keys = keyring()
    key = chain_key(agency_id)
    actor_id = getattr(actor, "pk", None)
    actor_name = _fit(actor if actor_id else "", "actor_name", ellipsis=True)
    sql = 'UPDATE audit_auditchain SET last_seq = last_seq + %s WHERE "key" = %s RETURNING last_seq, last_hash'
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(sql, [len(items), key])
            row = cursor.fetchone()
            if row is None:
                AuditChain.objects.get_or_create(key=key)
                cursor.execute(sql, [len(items), key])
                row = cursor.fetchone()
        last_seq, prev_hash = int(row[0]), row[1]
        seq = last_seq - len(items)
        at = timezone.now()
        entries = []
        for item in items:
            seq += 1
            fields = dict(
                actor_id=actor_id, actor_name=actor_name, action=_fit(item.action, "action"),
                object_type=_fit(item.obj_type, "object_type"), object_id=_fit(item.obj_id, "object_id"),
                summary=_fit(item.summary, "summary", ellipsis=True), details=_json_roundtrip(item.details),
            )
            digest = _digest(key=keys.current, key_id=keys.current_id, chain=key, seq=seq, at=at,
                             prev_hash=prev_hash, **fields)
            entries.append(AuditEntry(chain=key, seq=seq, at=at, prev_hash=prev_hash, hash=digest,
                                      key_id=keys.current_id, **fields))
            prev_hash = digest
        insert_rows(AuditEntry, entries)
        AuditChain.objects.filter(key=key).update(last_hash=prev_hash)
    return len(entries)


# --- Checking the chains ----------------------------------------------------------------------------

@dataclass
class ChainProblem:
    chain: str
    seq: int
    reason: str


@dataclass
class Checkpoint:
    name: str
    created_at: str
    key_id: str
    chains: dict[str, dict]
    entries: int


@dataclass
class VerifyReport:
    checked: int = 0
    problems: list[ChainProblem] = field(default_factory=list)
    legacy: int = 0  # entries hashed without a key (before issue 11): still rewritable by the database owner
    checkpoint: Checkpoint | None = None  # the latest valid checkpoint the chains were compared with
    checkpoints_found: int = 0


def _expected_hash(e: AuditEntry, keys: Keyring) -> str | None:
    key = None if e.key_id == LEGACY_KEY_ID else keys.key(e.key_id)
    if key is None and e.key_id != LEGACY_KEY_ID:
        return None
    return _digest(key=key, key_id=e.key_id, chain=e.chain, seq=e.seq, at=e.at, actor_id=e.actor_id,
                   actor_name=e.actor_name, action=e.action, object_type=e.object_type, object_id=e.object_id,
                   summary=e.summary, details=e.details, prev_hash=e.prev_hash)


@dataclass
class _ChainWalk:
    """State of one chain while its entries are read in order."""
    seq: int = 0
    hash: str = GENESIS
    keyed_seen: bool = False
    legacy_seq: int = 0
    hash_at: dict[int, str] = field(default_factory=dict)  # hashes at the seqs a checkpoint asks about


def _check_entry(e: AuditEntry, state: _ChainWalk, keys: Keyring, problems: list[ChainProblem],
                 unknown_keys: set) -> None:
    if e.seq != state.seq + 1:
        problems.append(ChainProblem(e.chain, e.seq, f"sequence gap after {state.seq}"))
    if e.prev_hash != state.hash:
        problems.append(ChainProblem(e.chain, e.seq, "previous hash does not match"))
    if e.key_id == LEGACY_KEY_ID:
        if state.keyed_seen:
            problems.append(ChainProblem(e.chain, e.seq, "unkeyed (sha256-legacy) entry after keyed entries"))
        state.legacy_seq = e.seq
    else:
        state.keyed_seen = True
    expected = _expected_hash(e, keys)
    if expected is None:
        unknown_keys.add(e.key_id)
        problems.append(ChainProblem(e.chain, e.seq, f"sealed with unknown key id {e.key_id!r} "
                                                     "(add it to LIENTHONG_AUDIT_OLD_KEYS)"))
    elif not hmac.compare_digest(expected, e.hash):
        problems.append(ChainProblem(e.chain, e.seq, "content does not match its hash"))
    state.seq, state.hash = e.seq, e.hash


def audit_verify_report(*, checkpoint_dir: Path | None = None) -> VerifyReport:
    """Recompute every chain with the audit keys, then compare with the latest valid checkpoint."""
    keys = keyring()
    report = VerifyReport()
    found, report.checkpoint, bad = checkpoints_read(keys=keys, directory=checkpoint_dir)
    report.checkpoints_found = found
    report.problems.extend(bad)
    cp = report.checkpoint
    wanted = {k: int(v["seq"]) for k, v in cp.chains.items()} if cp else {}
    walks: dict[str, _ChainWalk] = {}
    unknown: set[str] = set()
    for e in AuditEntry.objects.order_by("chain", "seq").iterator(chunk_size=2000):
        report.checked += 1
        if e.key_id == LEGACY_KEY_ID:
            report.legacy += 1
        state = walks.setdefault(e.chain, _ChainWalk())
        _check_entry(e, state, keys, report.problems, unknown)
        if wanted.get(e.chain) == e.seq:
            state.hash_at[e.seq] = e.hash
    heads = {h.key: h for h in AuditChain.objects.all()}
    for key, head in heads.items():
        state = walks.get(key, _ChainWalk())
        if head.last_seq != state.seq or head.last_hash != state.hash:
            report.problems.append(ChainProblem(key, state.seq, "chain was truncated (head does not match last entry)"))
    for key, state in walks.items():
        if key not in heads:
            report.problems.append(ChainProblem(key, state.seq, "chain head is missing"))
    if cp:
        report.problems.extend(_compare_with_checkpoint(cp, walks, heads))
    return report


def _compare_with_checkpoint(cp: Checkpoint, walks: dict[str, _ChainWalk], heads: dict) -> list[ChainProblem]:
    problems = []
    for key, mark in sorted(cp.chains.items()):
        seq, digest = int(mark["seq"]), mark["hash"]
        state = walks.get(key)
        if state is None:
            problems.append(ChainProblem(key, seq, f"chain deleted: checkpoint {cp.name} recorded {seq} entries, "
                                                   "none remain" + ("" if key in heads else " (head row gone too)")))
            continue
        if state.seq < seq:
            problems.append(ChainProblem(key, state.seq, f"chain truncated: checkpoint {cp.name} recorded {seq} "
                                                         f"entries, the chain now ends at #{state.seq}"))
            continue
        if seq and state.hash_at.get(seq) != digest:
            problems.append(ChainProblem(key, seq, f"entry rewritten before checkpoint {cp.name}: "
                                                   "its hash differs from the checkpointed one"))
        if state.legacy_seq > int(mark.get("legacy_seq", 0)):
            problems.append(ChainProblem(key, state.legacy_seq, f"unkeyed (sha256-legacy) entry after checkpoint "
                                                                f"{cp.name}, which had keyed entries only from "
                                                                f"#{int(mark.get('legacy_seq', 0)) + 1}"))
    return problems


def audit_verify() -> tuple[int, list[ChainProblem]]:
    """Recompute every chain and compare with the latest checkpoint. Returns (entries checked, problems)."""
    report = audit_verify_report()
    return report.checked, report.problems


# --- Checkpoints ------------------------------------------------------------------------------------

def _checkpoint_dir(directory: Path | None = None) -> Path:
    return Path(directory or settings.AUDIT_CHECKPOINT_DIR)


def _signature(body: dict, key: bytes) -> str:
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, b"lienthong audit checkpoint\x00" + canonical, hashlib.sha256).hexdigest()


def checkpoints_read(*, keys: Keyring | None = None, directory: Path | None = None):
    """(files found, latest checkpoint whose signature verifies or None, problems with the others)."""
    keys = keys or keyring()
    folder = _checkpoint_dir(directory)
    paths = sorted(folder.glob("audit-checkpoint-*.json")) if folder.is_dir() else []
    problems: list[ChainProblem] = []
    valid: list[Checkpoint] = []
    for path in paths:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            body = {k: v for k, v in doc.items() if k != "signature"}
            key_id, signature = doc["key_id"], doc["signature"]
            chains, created_at, entries = doc["chains"], doc["created_at"], int(doc["entries"])
            if doc.get("format") != CHECKPOINT_FORMAT or not isinstance(chains, dict):
                raise ValueError("not a checkpoint")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(ChainProblem("checkpoint", 0, f"checkpoint {path.name} is unreadable ({exc})"))
            continue
        key = keys.key(key_id)
        if key is None:
            problems.append(ChainProblem("checkpoint", 0, f"checkpoint {path.name} is signed with unknown key id "
                                                          f"{key_id!r}"))
            continue
        if not hmac.compare_digest(_signature(body, key), str(signature)):
            problems.append(ChainProblem("checkpoint", 0, f"checkpoint {path.name}: signature does not verify "
                                                          "(the file was altered or forged)"))
            continue
        valid.append(Checkpoint(name=path.name, created_at=created_at, key_id=key_id, chains=chains, entries=entries))
    latest = max(valid, key=lambda c: (c.created_at, c.name)) if valid else None
    return len(paths), latest, problems


class AuditCheckpointRefused(RuntimeError):
    """The chains do not extend the previous checkpoint: no checkpoint is written over a tampered log."""

    def __init__(self, problems: list[ChainProblem]):
        self.problems = problems
        super().__init__("Audit log problems, no checkpoint written: " + "; ".join(
            f"{p.chain} #{p.seq}: {p.reason}" for p in problems[:20]))


class ChainMark(TypedDict):
    """Where a checkpoint saw one chain: its head (seq and hash) and its last unkeyed seq."""

    seq: int
    hash: str
    legacy_seq: int


def _extend_chain(key: str, head: AuditChain, start: dict | None, keys: Keyring,
                  problems: list[ChainProblem]) -> int:
    """Check the entries of one chain written since the previous checkpoint (all of them for a new chain);
    return the chain's last unkeyed seq."""
    state = _ChainWalk()
    entries = AuditEntry.objects.filter(chain=key, seq__lte=head.last_seq).order_by("seq")
    if start:
        state.seq, state.hash = int(start["seq"]), start["hash"]
        state.legacy_seq = int(start.get("legacy_seq", 0))
        state.keyed_seen = state.seq > state.legacy_seq
        at_mark = AuditEntry.objects.filter(chain=key, seq=state.seq).values_list("hash", flat=True).first()
        if state.seq and at_mark != state.hash:
            problems.append(ChainProblem(key, state.seq, "entry rewritten before the previous checkpoint"))
        entries = entries.filter(seq__gt=state.seq)
    for e in entries.iterator(chunk_size=2000):
        _check_entry(e, state, keys, problems, set())
    if (state.seq, state.hash) != (head.last_seq, head.last_hash):
        problems.append(ChainProblem(key, state.seq, "chain was truncated (head does not match last entry)"))
    return state.legacy_seq


def audit_checkpoint_write(*, directory: Path | None = None, now: dt.datetime | None = None,
                           email: bool | None = None) -> Path:
    """Write a signed checkpoint of every chain head to a new file; mail it to the system administrators
    when ``AUDIT_CHECKPOINT_EMAIL`` is on. The entries added since the previous checkpoint are checked
    first; over a tampered log nothing is written (``AuditCheckpointRefused``). Run daily (django-q2)."""
    keys = keyring()
    folder = _checkpoint_dir(directory)
    _found, previous, _bad = checkpoints_read(keys=keys, directory=folder)
    start = previous.chains if previous else {}
    heads = {h.key: h for h in AuditChain.objects.all()}  # one statement: a consistent set of heads
    problems: list[ChainProblem] = []
    for key in sorted(set(start) - set(heads)):
        problems.append(ChainProblem(key, int(start[key]["seq"]), "chain deleted since the previous checkpoint"))
    chains: dict[str, ChainMark] = {}
    for key, head in sorted(heads.items()):
        mark = start.get(key)
        if mark and head.last_seq < int(mark["seq"]):
            problems.append(ChainProblem(key, head.last_seq, "chain truncated since the previous checkpoint"))
            continue
        legacy_seq = _extend_chain(key, head, mark, keys, problems)
        chains[key] = ChainMark(seq=head.last_seq, hash=head.last_hash, legacy_seq=legacy_seq)
    if problems:
        logger.error("Audit checkpoint refused: %s problem(s)", len(problems))
        raise AuditCheckpointRefused(problems)
    now = now or timezone.now()
    body = {"format": CHECKPOINT_FORMAT, "created_at": now.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "key_id": keys.current_id, "chains": chains, "entries": sum(c["seq"] for c in chains.values())}
    document = {**body, "signature": _signature(body, keys.current)}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"audit-checkpoint-{now.astimezone(dt.UTC):%Y%m%dT%H%M%S%fZ}.json"
    # "x": a checkpoint file is created once and never overwritten.
    with open(path, "x", encoding="utf-8") as fh:
        json.dump(document, fh, ensure_ascii=False, sort_keys=True, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    send = settings.AUDIT_CHECKPOINT_EMAIL if email is None else email
    if send:
        _mail_checkpoint(path)
    return path


def _mail_checkpoint(path: Path) -> int:
    """Send the checkpoint file to every active system administrator with an e-mail address."""
    from django.contrib.auth import get_user_model
    from django.core.mail import EmailMessage

    addresses = list(get_user_model().objects.filter(is_system_admin=True, is_active=True).exclude(email="")
                     .values_list("email", flat=True))
    if not addresses:
        return 0
    message = EmailMessage(
        subject=f"[Liên Thông] Audit log checkpoint {path.name}",
        body=("Signed checkpoint of the audit log (head of every chain). Keep this mail: "
              "manage.py verify_audit compares the log with the latest checkpoint.\n"),
        to=addresses,
    )
    message.attach(path.name, path.read_bytes(), "application/json")
    try:
        message.send()
    except Exception:  # a mail server that is down must not lose the checkpoint file already written
        logger.exception("Could not mail audit checkpoint %s", path.name)
        return 0
    return len(addresses)
