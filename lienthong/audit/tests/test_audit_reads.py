"""Entries that record a read (a document opened, a file downloaded) are written like any other entry: in
order, linked, verifiable. On their own they commit without waiting for the disk on PostgreSQL, for that one
transaction only; inside a caller's transaction they commit or roll back with it."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from lienthong.audit.models import AuditAction, AuditEntry
from lienthong.audit.services import audit_log, audit_verify


def _read(actor, agency, n: int = 1):
    for i in range(n):
        audit_log(actor=actor, action=AuditAction.VIEWED, obj_type="document", obj_id=i, agency_id=agency.pk,
                  summary="", read_only=True)


def _synchronous_commit() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reads_on_their_own_are_committed_linked_and_verifiable(province):
    clerk, vp = province.users["clerk.vp"], province.agencies["vp"]
    before = _synchronous_commit()
    _read(clerk, vp, 3)
    audit_log(actor=clerk, action=AuditAction.CREATED, obj_type="document", obj_id=99, agency_id=vp.pk)
    entries = list(AuditEntry.objects.filter(chain=f"agency:{vp.pk}").order_by("seq"))
    assert [e.action for e in entries[-4:]] == [AuditAction.VIEWED] * 3 + [AuditAction.CREATED]
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:], strict=False))
    checked, problems = audit_verify()
    assert checked >= 4 and problems == []
    # The relaxed commit was for the read's own transaction: the connection's setting is what it was.
    assert _synchronous_commit() == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_read_inside_a_rolled_back_transaction_leaves_no_entry(province):
    clerk, vp = province.users["clerk.vp"], province.agencies["vp"]
    count = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        _read(clerk, vp)
        raise RuntimeError("the change the read belonged to failed")
    assert AuditEntry.objects.count() == count
    _read(clerk, vp)  # the chain head was rolled back too: the next entry links to the last committed one
    assert audit_verify()[1] == []
