"""Someone with database access cannot rewrite the audit log unnoticed (issue 11, defect 4).

The chains are sealed with an HMAC whose key is kept outside the database, and a signed checkpoint of every
chain head is written outside the database each day. The three reported attacks — rewriting an entry and
recomputing the hashes after it, deleting the last entries and rewinding the head, deleting a whole agency
chain with its head — go around the model's append-only guard (raw SQL, ``queryset.update``/``delete``) and
``verify_audit`` must name each of them.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from lienthong.audit.checks import audit_key_check
from lienthong.audit.keys import LEGACY_KEY_ID, keyring
from lienthong.audit.models import AuditChain, AuditEntry
from lienthong.audit.services import (
    AuditCheckpointRefused,
    _digest,
    audit_checkpoint_write,
    audit_log,
    audit_verify,
    audit_verify_report,
)
from lienthong.documents import services as document_services
from lienthong.testing.builders import doc_input

TODAY = dt.date(2018, 3, 20)
KEY = "k" * 16 + "0123456789abcdef0123456789"


@pytest.fixture
def logged(province, settings):
    """Three registrations in the VP, one in Sở TT&TT, under a configured audit key."""
    settings.AUDIT_KEY, settings.AUDIT_KEY_ID = KEY, "2026-a"
    vp, stttt = province.agencies["vp"], province.agencies["stttt"]
    for subject in ("Thông báo thứ nhất", "Thông báo thứ hai", "Thông báo thứ ba"):
        document_services.document_register_outgoing(actor=province.users["clerk.vp"], agency=vp,
                                                     data=doc_input(subject=subject), today=TODAY)
    document_services.document_register_outgoing(actor=province.users["clerk.stttt"], agency=stttt,
                                                 data=doc_input(), today=TODAY)
    return province


def chain_of(agency) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(chain=f"agency:{agency.pk}").order_by("seq"))


def reasons() -> list[str]:
    return [f"{p.chain} #{p.seq}: {p.reason}" for p in audit_verify()[1]]


def rehash_from(entries: list[AuditEntry], *, key: bytes | None, key_id: str, summary: str) -> None:
    """The attacker's rewrite: a new summary in the first entry, then every hash after it recomputed and the
    chain head moved to the new last hash, all behind the model's back."""
    prev = entries[0].prev_hash
    for i, e in enumerate(entries):
        new_summary = summary if i == 0 else e.summary
        digest = _digest(key=key, key_id=key_id, chain=e.chain, seq=e.seq, at=e.at, actor_id=e.actor_id,
                         actor_name=e.actor_name, action=e.action, object_type=e.object_type,
                         object_id=e.object_id, summary=new_summary, details=e.details, prev_hash=prev)
        AuditEntry.objects.filter(pk=e.pk).update(summary=new_summary, prev_hash=prev, hash=digest, key_id=key_id)
        prev = digest
    AuditChain.objects.filter(key=entries[0].chain).update(last_hash=prev)


def delete_sql(*ids) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id IN ({', '.join(['%s'] * len(ids))})",
                       list(ids))


# --- The keyed chain ------------------------------------------------------------------------------------

def test_entries_are_sealed_with_the_configured_key(logged):
    entry = chain_of(logged.agencies["vp"])[0]

    fields = dict(chain=entry.chain, seq=entry.seq, at=entry.at, actor_id=entry.actor_id,
                  actor_name=entry.actor_name, action=entry.action, object_type=entry.object_type,
                  object_id=entry.object_id, summary=entry.summary, details=entry.details, prev_hash=entry.prev_hash)

    assert entry.key_id == "2026-a"
    assert entry.hash == _digest(key=KEY.encode(), key_id="2026-a", **fields)
    assert entry.hash != _digest(key=None, key_id=LEGACY_KEY_ID, **fields)  # not the plain SHA-256 of before
    assert audit_verify() == (4, [])


def test_a_rewrite_with_recomputed_hashes_is_detected_without_the_key(logged):
    """Recomputing every hash after the edit used to pass; without the key, every forged entry is named."""
    entries = chain_of(logged.agencies["vp"])
    rehash_from(entries, key=b"a guess at the key, not the key itself", key_id="2026-a", summary="Giả mạo")

    assert reasons() == [f"{e.chain} #{e.seq}: content does not match its hash" for e in entries]


def test_a_rewrite_disguised_as_legacy_entries_is_detected(logged):
    """Plain SHA-256 is what unkeyed entries from before the key used: a keyed chain cannot go back to it."""
    entries = chain_of(logged.agencies["vp"])
    rehash_from(entries[1:], key=None, key_id=LEGACY_KEY_ID, summary="Giả mạo")

    assert reasons() == [f"{entries[1].chain} #{n}: unkeyed (sha256-legacy) entry after keyed entries" for n in (2, 3)]


def test_the_key_id_cannot_be_swapped(logged, settings):
    settings.AUDIT_OLD_KEYS = "2025-z:" + "z" * 40
    entry = chain_of(logged.agencies["vp"])[0]
    AuditEntry.objects.filter(pk=entry.pk).update(key_id="2025-z")

    assert reasons() == [f"{entry.chain} #1: content does not match its hash"]


# --- Checkpoints ----------------------------------------------------------------------------------------

def test_a_checkpoint_records_every_chain_head_in_a_new_signed_file(logged, settings):
    first = audit_checkpoint_write(now=dt.datetime(2018, 3, 20, 17, 0, tzinfo=dt.UTC))
    vp = chain_of(logged.agencies["vp"])
    document_services.document_register_outgoing(actor=logged.users["clerk.vp"], agency=logged.agencies["vp"],
                                                 data=doc_input(), today=TODAY)
    second = audit_checkpoint_write(now=dt.datetime(2018, 3, 21, 17, 0, tzinfo=dt.UTC))

    assert first.parent == Path(settings.AUDIT_CHECKPOINT_DIR)
    assert sorted(p.name for p in first.parent.iterdir()) == ["audit-checkpoint-20180320T170000000000Z.json",
                                                              "audit-checkpoint-20180321T170000000000Z.json"]
    doc = json.loads(first.read_text(encoding="utf-8"))
    assert doc["created_at"] == "2018-03-20T17:00:00.000000+00:00"
    assert doc["key_id"] == "2026-a" and doc["entries"] == 4 and len(doc["signature"]) == 64
    assert doc["chains"][vp[0].chain] == {"seq": 3, "hash": vp[-1].hash, "legacy_seq": 0}
    assert json.loads(second.read_text(encoding="utf-8"))["chains"][vp[0].chain]["seq"] == 4
    with pytest.raises(FileExistsError):  # a checkpoint file is never overwritten
        audit_checkpoint_write(now=dt.datetime(2018, 3, 20, 17, 0, tzinfo=dt.UTC))

    report = audit_verify_report()
    assert (report.problems, report.checkpoint.name) == ([], second.name)


def test_deleting_the_last_entries_and_rewinding_the_head_is_detected(logged):
    audit_checkpoint_write()
    entries = chain_of(logged.agencies["vp"])
    delete_sql(entries[1].pk, entries[2].pk)
    AuditChain.objects.filter(key=entries[0].chain).update(last_seq=1, last_hash=entries[0].hash)

    assert reasons() == [f"{entries[0].chain} #1: chain truncated: checkpoint "
                         f"{audit_verify_report().checkpoint.name} recorded 3 entries, the chain now ends at #1"]


def test_deleting_a_whole_agency_chain_with_its_head_is_detected(logged):
    path = audit_checkpoint_write()
    key = f"agency:{logged.agencies['stttt'].pk}"
    AuditEntry.objects.filter(chain=key).delete()  # the queryset delete skips the model's guard
    AuditChain.objects.filter(key=key).delete()

    assert reasons() == [f"{key} #1: chain deleted: checkpoint {path.name} recorded 1 entries, none remain "
                         "(head row gone too)"]


def test_a_rewrite_by_someone_holding_the_key_is_detected_by_the_checkpoint(logged):
    path = audit_checkpoint_write()
    entries = chain_of(logged.agencies["vp"])
    rehash_from(entries, key=keyring().current, key_id="2026-a", summary="Giả mạo")

    assert reasons() == [f"{entries[0].chain} #3: entry rewritten before checkpoint {path.name}: "
                         "its hash differs from the checkpointed one"]


def test_a_legacy_downgrade_of_a_whole_chain_is_detected_by_the_checkpoint(logged):
    path = audit_checkpoint_write()
    entries = chain_of(logged.agencies["vp"])
    rehash_from(entries, key=None, key_id=LEGACY_KEY_ID, summary="Giả mạo")

    found = reasons()
    assert f"{entries[0].chain} #3: entry rewritten before checkpoint {path.name}: its hash differs from the " \
           "checkpointed one" in found
    assert f"{entries[0].chain} #3: unkeyed (sha256-legacy) entry after checkpoint {path.name}, which had keyed " \
           "entries only from #1" in found


def test_an_altered_checkpoint_is_reported_and_the_previous_one_used(logged):
    older = audit_checkpoint_write(now=dt.datetime(2018, 3, 20, 17, 0, tzinfo=dt.UTC))
    newer = audit_checkpoint_write(now=dt.datetime(2018, 3, 21, 17, 0, tzinfo=dt.UTC))
    doc = json.loads(newer.read_text(encoding="utf-8"))
    doc["chains"].pop(f"agency:{logged.agencies['stttt'].pk}")
    newer.write_text(json.dumps(doc), encoding="utf-8")

    report = audit_verify_report()

    assert [p.reason for p in report.problems] == [
        f"checkpoint {newer.name}: signature does not verify (the file was altered or forged)"]
    assert report.checkpoint.name == older.name


def test_no_checkpoint_is_written_over_a_tampered_log(logged, settings):
    audit_checkpoint_write(now=dt.datetime(2018, 3, 20, 17, 0, tzinfo=dt.UTC))
    entries = chain_of(logged.agencies["vp"])
    delete_sql(entries[2].pk)
    AuditChain.objects.filter(key=entries[0].chain).update(last_seq=2, last_hash=entries[1].hash)

    with pytest.raises(AuditCheckpointRefused) as exc:
        audit_checkpoint_write(now=dt.datetime(2018, 3, 21, 17, 0, tzinfo=dt.UTC))

    assert [(p.chain, p.reason) for p in exc.value.problems] == [
        (entries[0].chain, "chain truncated since the previous checkpoint")]
    assert len(list(Path(settings.AUDIT_CHECKPOINT_DIR).iterdir())) == 1


def test_the_commands_write_a_checkpoint_and_report_the_attack(logged):
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert out.getvalue().startswith("Checkpoint written: ")
    key = f"agency:{logged.agencies['stttt'].pk}"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE chain = %s", [key])
        cursor.execute(f"DELETE FROM {AuditChain._meta.db_table} WHERE {connection.ops.quote_name('key')} = %s",
                       [key])

    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit", stdout=StringIO(), stderr=err)

    assert str(exc.value) == "Audit log tampered: 1 problem(s) in 3 entries"
    assert err.getvalue().startswith(f"{key} #1: chain deleted: checkpoint audit-checkpoint-")


def test_checkpoints_are_mailed_to_system_administrators_when_asked(logged, settings):
    from lienthong.accounts.services import user_create

    user_create(username="quantri", password="Mat-khau-dai-2018", full_name="Quản trị", email="qt@example.gov.vn",
                positions=[])
    type(logged.users["clerk.vp"]).objects.filter(username="quantri").update(is_system_admin=True)
    settings.AUDIT_CHECKPOINT_EMAIL = True

    path = audit_checkpoint_write()

    assert [(m.to, m.attachments[0][0]) for m in mail.outbox] == [(["qt@example.gov.vn"], path.name)]


def test_the_checkpoint_runs_daily_as_a_background_job(db):
    from django_q.models import Schedule

    job = Schedule.objects.get(func="lienthong.audit.tasks.write_audit_checkpoint")
    assert (job.schedule_type, job.repeats) == ("D", -1)


# --- Keys: rotation, legacy entries, configuration -----------------------------------------------------

def test_entries_sealed_with_an_old_key_verify_after_a_rotation(logged, settings):
    settings.AUDIT_KEY, settings.AUDIT_KEY_ID = "n" * 40, "2027-b"
    settings.AUDIT_OLD_KEYS = f"2026-a:{KEY}"
    audit_log(actor=logged.users["clerk.vp"], action="changed", obj_type="document", obj_id=1,
              agency_id=logged.agencies["vp"].pk, summary="Sau khi đổi khóa")

    assert [e.key_id for e in chain_of(logged.agencies["vp"])] == ["2026-a"] * 3 + ["2027-b"]
    assert audit_verify() == (5, [])

    settings.AUDIT_OLD_KEYS = ""
    assert reasons()[:1] == [f"agency:{logged.agencies['vp'].pk} #1: sealed with unknown key id '2026-a' "
                             "(add it to LIENTHONG_AUDIT_OLD_KEYS)"]


def test_legacy_entries_from_before_the_key_still_verify_and_are_counted(province, settings):
    """Rows written before the migration carry "sha256-legacy" (plain SHA-256) and keep verifying."""
    clerk, vp = province.users["clerk.vp"], province.agencies["vp"]
    e = audit_log(actor=clerk, action="created", obj_type="document", obj_id=1, agency_id=vp.pk, summary="Cũ")
    legacy = _digest(key=None, key_id=LEGACY_KEY_ID, chain=e.chain, seq=e.seq, at=e.at, actor_id=e.actor_id,
                     actor_name=e.actor_name, action=e.action, object_type=e.object_type, object_id=e.object_id,
                     summary=e.summary, details=e.details, prev_hash=e.prev_hash)
    AuditEntry.objects.filter(pk=e.pk).update(key_id=LEGACY_KEY_ID, hash=legacy)
    AuditChain.objects.filter(key=e.chain).update(last_hash=legacy)
    audit_log(actor=clerk, action="changed", obj_type="document", obj_id=1, agency_id=vp.pk, summary="Mới")

    out = StringIO()
    call_command("verify_audit", stdout=out, stderr=StringIO())

    assert "1 legacy entries are hashed without a key (sha256-legacy)" in out.getvalue()
    assert out.getvalue().strip().endswith("Audit log intact: 2 entries checked")
    assert audit_verify_report().legacy == 1


def test_development_without_a_key_derives_one_and_warns(settings):
    settings.AUDIT_KEY = settings.AUDIT_KEY_FILE = settings.AUDIT_KEY_ID = ""

    assert keyring().derived
    assert [w.id for w in audit_key_check()] == ["audit.W001"]


def test_the_key_can_come_from_a_file(settings, tmp_path):
    key_file = tmp_path / "audit.key"
    key_file.write_text(KEY + "\n", encoding="utf-8")
    settings.AUDIT_KEY, settings.AUDIT_KEY_FILE = "", str(key_file)

    assert (keyring().current, keyring().derived) == (KEY.encode(), False)
    assert audit_key_check() == []


def test_a_short_key_or_a_bad_old_key_list_is_refused(settings):
    settings.AUDIT_KEY = "ngan"
    with pytest.raises(ImproperlyConfigured, match="at least 32 characters"):
        keyring()
    settings.AUDIT_KEY, settings.AUDIT_OLD_KEYS = KEY, "khong-co-dau-hai-cham"
    with pytest.raises(ImproperlyConfigured, match="'id:key' pairs"):
        keyring()


def test_production_refuses_to_start_without_an_audit_key(settings, tmp_path):
    settings.PRODUCTION, settings.AUDIT_KEY, settings.AUDIT_KEY_FILE = True, "", ""
    with pytest.raises(ImproperlyConfigured, match="LIENTHONG_AUDIT_KEY"):
        keyring()

    env = {"LIENTHONG_MODE": "production", "DJANGO_SECRET_KEY": "s" * 50, "LIENTHONG_VAR_DIR": str(tmp_path),
           "DJANGO_ALLOWED_HOSTS": "vanban.example.gov.vn", "MEDIA_ROOT": str(tmp_path / "media"),
           "DJANGO_SETTINGS_MODULE": "lienthong.settings", "PATH": "/usr/bin:/bin"}
    started = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env,
                             cwd=Path(__file__).resolve().parents[3], capture_output=True, text=True, timeout=120)
    assert started.returncode != 0
    assert "ImproperlyConfigured: LIENTHONG_AUDIT_KEY or LIENTHONG_AUDIT_KEY_FILE must be set in production mode" \
        in started.stderr
