"""The audit log is a hash chain per agency: registrations append to it, ``verify_audit`` proves it
intact, and any edit or removal made behind the application's back is detected and named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from lienthong.audit.keys import keyring
from lienthong.audit.models import AuditChain, AuditEntry
from lienthong.audit.services import GENESIS, _digest
from lienthong.documents import services
from lienthong.testing.builders import doc_input

TODAY = dt.date(2018, 3, 20)


@pytest.fixture
def logged(province):
    """Two registrations in the VP, one in Sở TT&TT: two agency chains."""
    vp, stttt = province.agencies["vp"], province.agencies["stttt"]
    for subject in ("Thông báo thứ nhất", "Thông báo thứ hai"):
        services.document_register_outgoing(actor=province.users["clerk.vp"], agency=vp,
                                            data=doc_input(subject=subject), today=TODAY)
    services.document_register_outgoing(actor=province.users["clerk.stttt"], agency=stttt,
                                        data=doc_input(), today=TODAY)
    return province


def chain_of(agency) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(chain=f"agency:{agency.pk}").order_by("seq"))


def run_verify() -> str:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("verify_audit", stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue().strip().splitlines()[-1]


def verify_failure() -> tuple[str, str]:
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit", stdout=StringIO(), stderr=err)
    return str(exc.value), err.getvalue()


def test_registrations_append_linked_entries_to_their_agency_chain(logged):
    vp = logged.agencies["vp"]
    entries = chain_of(vp)

    assert [(e.seq, e.action, e.actor, e.object_type) for e in entries] == [
        (1, "numbered", logged.users["clerk.vp"], "document"),
        (2, "numbered", logged.users["clerk.vp"], "document"),
    ]
    assert [e.summary for e in entries] == ["Cấp số 01/TB-VP.UBND, sổ “Sổ đăng ký văn bản đi”",
                                            "Cấp số 02/TB-VP.UBND, sổ “Sổ đăng ký văn bản đi”"]
    assert entries[0].prev_hash == GENESIS
    assert entries[1].prev_hash == entries[0].hash
    head = AuditChain.objects.get(key=f"agency:{vp.pk}")
    assert (head.last_seq, head.last_hash) == (2, entries[1].hash)
    assert [e.seq for e in chain_of(logged.agencies["stttt"])] == [1]


def test_verify_audit_passes_on_an_intact_log(logged):
    assert run_verify().strip() == "Audit log intact: 3 entries checked"


def test_a_summary_changed_with_raw_sql_is_detected(logged):
    victim = chain_of(logged.agencies["vp"])[0]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET summary = %s WHERE id = %s",
                       ["Cấp số 01/TB-VP.UBND (đã sửa)", victim.pk])

    message, detail = verify_failure()

    assert message == "Audit log tampered: 1 problem(s) in 3 entries"
    assert detail.strip() == f"{victim.chain} #1: content does not match its hash"


def test_a_rewritten_entry_with_a_recomputed_hash_breaks_the_next_link(logged):
    """An attacker who also recomputes the entry's own hash (here even with the key) breaks the chain after it."""
    first, second = chain_of(logged.agencies["vp"])
    forged = _digest(key=keyring().current, key_id=first.key_id, chain=first.chain, seq=first.seq, at=first.at,
                     actor_id=first.actor_id, actor_name=first.actor_name, action=first.action,
                     object_type=first.object_type,
                     object_id=first.object_id, summary="Nội dung giả mạo", details=first.details,
                     prev_hash=first.prev_hash)
    AuditEntry.objects.filter(pk=first.pk).update(summary="Nội dung giả mạo", hash=forged)

    message, detail = verify_failure()

    assert "Audit log tampered" in message
    assert detail.strip() == f"{second.chain} #2: previous hash does not match"


def test_deleting_the_last_entry_is_detected(logged):
    last = chain_of(logged.agencies["vp"])[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [last.pk])

    message, detail = verify_failure()

    assert message == "Audit log tampered: 1 problem(s) in 2 entries"
    assert detail.strip() == f"{last.chain} #1: chain was truncated (head does not match last entry)"


def test_deleting_an_entry_in_the_middle_is_detected(logged):
    vp = logged.agencies["vp"]
    services.document_register_outgoing(actor=logged.users["clerk.vp"], agency=vp, data=doc_input(), today=TODAY)
    middle = chain_of(vp)[1]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [middle.pk])

    _message, detail = verify_failure()

    assert f"{middle.chain} #3: sequence gap after 1" in detail
    assert f"{middle.chain} #3: previous hash does not match" in detail


def test_entries_cannot_be_changed_or_deleted_through_the_orm(logged):
    entry = chain_of(logged.agencies["vp"])[0]
    original = (entry.summary, entry.hash)

    entry.summary = "Sửa lại nội dung"
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()
    with pytest.raises(RuntimeError, match="append-only"):
        entry.delete()

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.summary, stored.hash) == original
    assert run_verify().strip() == "Audit log intact: 3 entries checked"


def test_a_refused_registration_leaves_no_entry(logged):
    """The entry is written in the registration's transaction: when it fails, nothing is logged."""
    from lienthong.core.errors import ValidationFailed

    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed):
        services.document_register_outgoing(actor=logged.users["clerk.vp"], agency=logged.agencies["vp"],
                                            data=doc_input(issued_on=dt.date(2018, 1, 2)), today=TODAY)
    assert AuditEntry.objects.count() == before
    assert run_verify().strip() == "Audit log intact: 3 entries checked"
