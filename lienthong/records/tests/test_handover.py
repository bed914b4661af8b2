"""Handover to the agency archive (nộp lưu): deadlines and reminders, handing over, the archive's check,
custody, the usage register, keeping past the deadline, passing files to a successor; every refusal in
Vietnamese, nothing half-stored, every action audit-logged."""

from __future__ import annotations

import datetime as dt

import pytest

from lienthong.accounts.models import Role
from lienthong.accounts.services import user_create
from lienthong.audit.models import AuditEntry
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.notifications.models import Notification
from lienthong.records import handover, services
from lienthong.records import handover_selectors as reads
from lienthong.records.models import (
    CaseFile,
    Handover,
    HandoverItem,
    HandoverRule,
    KeepApproval,
    UsageRequest,
)
from lienthong.records.tests.helpers import outgoing, world
from lienthong.testing.builders import PASSWORD

pytestmark = pytest.mark.django_db


def archivist_of(p, key="huyen"):
    username = f"archivist.{key}"
    if username not in p.users:
        p.users[username] = user_create(username=username, password=PASSWORD, full_name=f"Lưu trữ {key}",
                                        positions=[(p.agencies[key], Role.ARCHIVIST, "Lưu trữ viên")])
    return p.users[username]


def closed_file(p, entry, *, owner="specialist.huyen.noivu", end=dt.date(2018, 6, 30), subject="Thông báo"):
    user = p.users[owner]
    row = services.case_file_open(actor=user, plan_entry_id=entry.pk)
    doc = outgoing(p, subject)
    services.documents_file(actor=user, case_file_id=row.pk, document_ids=[doc.pk])
    services.case_file_close(actor=user, case_file_id=row.pk, retention_confirmed=True, reason="Việc đã xong",
                             end_date=end)
    return CaseFile.objects.get(pk=row.pk), doc


def test_rules_are_data_and_the_deadline_follows_them():
    p, _plan, entries = world()
    rules = {r.code: r for r in reads.rules()}
    assert (rules["chung"].months, rules["chung"].counts_from, rules["chung"].is_default) == (12, "end", True)
    assert (rules["xdcb"].months, rules["xdcb"].counts_from) == (3, "final_accounts")
    assert all(r.source and r.remind_days == 30 and r.max_keep_months == 24 for r in rules.values())
    f, _doc = closed_file(p, entries[0], end=dt.date(2018, 6, 30))
    assert f.handover_due == dt.date(2019, 6, 30)  # 1 year after the work ended
    owner = p.users["specialist.huyen.noivu"]
    f = handover.file_due_set(actor=owner, case_file_id=f.pk, rule_code="xdcb",
                              final_accounts_date=dt.date(2019, 11, 30))
    assert f.handover_due == dt.date(2020, 2, 29)  # 3 months after the final accounts, end of a short month
    with pytest.raises(ValidationFailed) as exc:
        handover.file_due_set(actor=owner, case_file_id=f.pk, rule_code="xdcb", final_accounts_date=None)
    assert exc.value.errors["final_accounts_date"] == [str(handover.ACCOUNTS_DATE_REQUIRED)]
    with pytest.raises(ValidationFailed) as exc:
        handover.file_due_set(actor=owner, case_file_id=f.pk, rule_code="khong-co", final_accounts_date=None)
    assert exc.value.errors["rule_code"] == [str(handover.RULE_UNKNOWN % {"code": "khong-co"})]
    # An administrator changes the rule: the next file closed follows it.
    HandoverRule.objects.filter(code="chung").update(months=6)
    g, _doc = closed_file(p, entries[1], end=dt.date(2018, 8, 31))
    assert g.handover_due == dt.date(2019, 2, 28)


def test_reminders_30_days_before_the_deadline_once_and_when_overdue():
    p, _plan, entries = world()
    f, _doc = closed_file(p, entries[0], end=dt.date(2018, 6, 30))  # due 30/06/2019
    owner = p.users["specialist.huyen.noivu"]
    assert handover.send_handover_reminders(today=dt.date(2019, 5, 30))["notifications"] == 0  # 31 days before
    result = handover.send_handover_reminders(today=dt.date(2019, 5, 31))
    assert (result["due_soon"], result["notifications"]) == (1, 1)
    note = Notification.objects.get(user=owner)
    assert note.title == "Sắp đến hạn nộp lưu: hồ sơ 01.TCCB (hạn 30/06/2019)"
    assert note.kind == "reminder_due_soon" and note.url == f"/ho-so/{f.pk}/"
    assert handover.send_handover_reminders(today=dt.date(2019, 6, 10))["notifications"] == 0  # once
    result = handover.send_handover_reminders(today=dt.date(2019, 7, 1))
    assert (result["overdue"], result["notifications"]) == (1, 1)
    assert Notification.objects.filter(user=owner, kind="reminder_overdue").count() == 1
    # A file handed over is not reminded any more.
    handover.handover_submit(actor=owner, case_file_ids=[f.pk])
    assert handover.send_handover_reminders(today=dt.date(2019, 7, 2)) == {"due_soon": 0, "overdue": 0,
                                                                            "notifications": 0}


def test_short_retention_files_are_not_reminded():
    p, _plan, entries = world()
    owner = p.users["specialist.huyen.noivu"]
    row = services.case_file_open(actor=owner, title="Tài liệu tham khảo", number="99.NV", retention_code="5-nam",
                                  start_date=dt.date(2018, 1, 2))
    services.documents_file(actor=owner, case_file_id=row.pk, document_ids=[outgoing(p, "Tham khảo").pk])
    services.case_file_close(actor=owner, case_file_id=row.pk, retention_confirmed=True, reason="Xong",
                             end_date=dt.date(2018, 1, 31))
    assert handover.send_handover_reminders(today=dt.date(2019, 2, 1))["notifications"] == 1  # 5 years: yes
    from lienthong.records.models import RetentionPeriod

    RetentionPeriod.objects.create(code="2-nam", name="2 năm", years=2, order=99)
    services.case_file_open(actor=owner, title="Ngắn hạn", number="98.NV", retention_code="2-nam",
                            start_date=dt.date(2018, 1, 2))
    CaseFile.objects.filter(number="98.NV").update(state="closed", handover_due=dt.date(2019, 1, 1))
    assert handover.send_handover_reminders(today=dt.date(2019, 2, 2))["notifications"] == 0


def test_hand_over_accept_and_return_with_audit_and_notifications():
    p, _plan, entries = world()
    archivist = archivist_of(p)
    owner = p.users["specialist.huyen.noivu"]
    f, doc = closed_file(p, entries[0])
    g, _doc2 = closed_file(p, entries[1], subject="Tuyển dụng")
    h = handover.handover_submit(actor=owner, case_file_ids=[g.pk, f.pk], note="Nộp lưu năm 2018")
    assert (h.number, h.state, h.agency_id) == (1, "submitted", p.agencies["huyen"].pk)
    assert list(h.items.values_list("case_file__number", "ordinal")) == [("01.TCCB", 1), ("02.TCCB", 2)]
    assert set(CaseFile.objects.filter(pk__in=[f.pk, g.pk]).values_list("state", flat=True)) == {"handed_over"}
    assert Notification.objects.filter(user=archivist, title="Có 2 hồ sơ nộp lưu chờ kiểm tra").exists()
    # Filing into a handed-over file is refused with its own message.
    with pytest.raises(ValidationFailed) as exc:
        services.documents_file(actor=owner, case_file_id=f.pk, document_ids=[outgoing(p, "Muộn").pk])
    assert exc.value.errors["state"] == [str(reads.FILE_HANDED_OVER % {"number": "01.TCCB"})]
    # The archive sees both, checks them against the plan, accepts one and returns the other.
    assert {x.pk for x in reads.archive_files(user=archivist, tab="pending")} == {f.pk, g.pk}
    assert reads.plan_check(CaseFile.objects.get(pk=f.pk)).ok
    with pytest.raises(ValidationFailed) as exc:
        handover.handover_decide(actor=archivist, case_file_id=g.pk, accept=False, reason="")
    assert exc.value.errors["reason"] == [str(handover.RETURN_REASON_REQUIRED)]
    handover.handover_decide(actor=archivist, case_file_id=f.pk, accept=True)
    handover.handover_decide(actor=archivist, case_file_id=g.pk, accept=False, reason="Thiếu biên bản họp")
    f.refresh_from_db()
    g.refresh_from_db()
    assert (f.state, g.state) == ("accepted", "closed")
    h.refresh_from_db()
    assert h.state == "done" and h.completed_at is not None
    assert HandoverItem.objects.get(case_file=g).reason == "Thiếu biên bản họp"
    assert Notification.objects.filter(user=owner, title="Lưu trữ cơ quan trả lại hồ sơ 02.TCCB",
                                       body="Thiếu biên bản họp").exists()
    # Accepted: read-only, with the custody message; the returned file can be handed over again.
    with pytest.raises(ValidationFailed) as exc:
        services.documents_file(actor=owner, case_file_id=f.pk, document_ids=[doc.pk])
    assert exc.value.errors["state"] == [str(reads.FILE_IN_CUSTODY % {"number": "01.TCCB"})]
    with pytest.raises(ValidationFailed):
        services.document_unfile(actor=owner, case_file_id=f.pk, document_id=doc.pk)
    with pytest.raises(ValidationFailed):
        handover.file_due_set(actor=owner, case_file_id=f.pk, rule_code="chung", final_accounts_date=None)
    again = handover.handover_submit(actor=owner, case_file_ids=[g.pk])
    assert again.number == 2
    actions = set(AuditEntry.objects.filter(object_type="case_file", object_id=str(f.pk)).values_list(
        "action", flat=True))
    assert {"sent", "received"} <= actions
    assert AuditEntry.objects.filter(object_type="case_file", object_id=str(g.pk), action="returned").exists()
    assert AuditEntry.objects.filter(object_type="handover", object_id=str(h.pk), action="created").exists()


def test_bad_handovers_and_decisions_store_nothing():
    p, _plan, entries = world()
    archivist = archivist_of(p)
    owner = p.users["specialist.huyen.noivu"]
    f, _doc = closed_file(p, entries[0])
    open_file = services.case_file_open(actor=owner, plan_entry_id=entries[2].pk)
    with pytest.raises(ValidationFailed) as exc:
        handover.handover_submit(actor=owner, case_file_ids=[f.pk, open_file.pk])
    assert exc.value.errors["case_file_ids"] == [str(handover.NOT_CLOSED % {"number": open_file.number})]
    assert not Handover.objects.exists() and CaseFile.objects.get(pk=f.pk).state == "closed"
    with pytest.raises(ValidationFailed) as exc:
        handover.handover_submit(actor=owner, case_file_ids=[])
    assert exc.value.errors["case_file_ids"] == [str(handover.FILES_REQUIRED)]
    # Someone else's file: the unit head sees it but may not hand it over.
    with pytest.raises(ValidationFailed) as exc:
        handover.handover_submit(actor=p.users["leader.huyen.noivu"], case_file_ids=[f.pk])
    assert exc.value.errors["case_file_ids"] == [str(handover.NOT_OWNER % {"number": f.number})]
    # Accepting a file not handed over.
    with pytest.raises(ValidationFailed) as exc:
        handover.handover_decide(actor=archivist, case_file_id=f.pk, accept=True)
    assert exc.value.errors["state"] == [str(handover.NOT_HANDED_OVER % {"number": f.number})]
    assert CaseFile.objects.get(pk=f.pk).state == "closed" and not HandoverItem.objects.exists()
    # Only the archive decides; the agency's văn thư or leader may not.
    handover.handover_submit(actor=owner, case_file_ids=[f.pk])
    for name in ("clerk.huyen", "leader.huyen"):
        with pytest.raises(PermissionDenied):
            handover.handover_decide(actor=p.users[name], case_file_id=f.pk, accept=True)
    # Another agency's archive does not even see it.
    from lienthong.core.errors import NotFound

    with pytest.raises(NotFound):
        handover.handover_decide(actor=archivist_of(p, "xa"), case_file_id=f.pk, accept=True)
    assert CaseFile.objects.get(pk=f.pk).state == "handed_over"
    handover.handover_decide(actor=archivist, case_file_id=f.pk, accept=True)
    with pytest.raises(ValidationFailed) as exc:  # twice
        handover.handover_decide(actor=archivist, case_file_id=f.pk, accept=True)
    assert exc.value.errors["state"] == [str(handover.NOT_HANDED_OVER % {"number": f.number})]


def test_keeping_past_the_deadline_needs_a_leader_and_at_most_two_years():
    p, _plan, entries = world()
    archivist = archivist_of(p)
    owner, leader = p.users["specialist.huyen.noivu"], p.users["leader.huyen"]
    f, _doc = closed_file(p, entries[0], end=dt.date(2018, 6, 30))  # due 30/06/2019
    for name in ("specialist.huyen.noivu", "leader.huyen.noivu", "clerk.huyen"):
        with pytest.raises(PermissionDenied):
            handover.keep_approve(actor=p.users[name], case_file_id=f.pk, until=dt.date(2020, 6, 30), reason="Cần")
    with pytest.raises(ValidationFailed) as exc:
        handover.keep_approve(actor=leader, case_file_id=f.pk, until=dt.date(2021, 7, 1), reason="Còn dùng")
    assert exc.value.errors["until"] == [str(handover.KEEP_TOO_LONG % {"m": 24, "d": "30/06/2021"})]
    with pytest.raises(ValidationFailed) as exc:
        handover.keep_approve(actor=leader, case_file_id=f.pk, until=dt.date(2019, 6, 1), reason="")
    assert exc.value.errors == {"until": [str(handover.KEEP_BEFORE_DUE % {"d": "30/06/2019"})],
                                "reason": [str(handover.KEEP_REASON_REQUIRED)]}
    assert not KeepApproval.objects.exists() and CaseFile.objects.get(pk=f.pk).kept_until is None
    handover.keep_approve(actor=leader, case_file_id=f.pk, until=dt.date(2021, 6, 30), reason="Còn theo dõi",
                          decision_reference="Ý kiến của Chủ tịch ngày 01/6/2019")
    f.refresh_from_db()
    assert f.kept_until == dt.date(2021, 6, 30)
    # The list sent to the archive: a notification and the archive's "kept" list.
    assert Notification.objects.filter(user=archivist, title="Hồ sơ 01.TCCB được giữ lại đến ngày 30/06/2021").exists()
    assert [x.pk for x in reads.archive_files(user=archivist, tab="kept")] == [f.pk]
    # The reminder now counts from the approved date.
    assert handover.send_handover_reminders(today=dt.date(2019, 7, 1))["notifications"] == 0
    assert handover.send_handover_reminders(today=dt.date(2021, 6, 1))["due_soon"] == 1
    assert AuditEntry.objects.filter(object_type="case_file", object_id=str(f.pk), action="transition",
                                     summary__startswith="Đồng ý giữ lại").exists()
    _ = owner


def test_custody_is_read_by_request_recorded_in_the_usage_register():
    p, _plan, entries = world()
    archivist = archivist_of(p)
    owner, other = p.users["specialist.huyen.noivu"], p.users["specialist.huyen.taichinh"]
    f, _doc = closed_file(p, entries[0])
    handover.handover_submit(actor=owner, case_file_ids=[f.pk])
    handover.handover_decide(actor=archivist, case_file_id=f.pk, accept=True)
    f.refresh_from_db()
    # The catalogue is the agency's; the documents list needs an approved request.
    assert f.pk in set(reads.custody_catalogue(user=other).values_list("pk", flat=True))
    assert not reads.may_read_custody(user=other, case_file=f)
    assert not reads.may_read_custody(user=owner, case_file=f)
    assert reads.may_read_custody(user=archivist, case_file=f)
    with pytest.raises(ValidationFailed) as exc:
        handover.usage_request(actor=other, case_file_id=f.pk, purpose="  ")
    assert exc.value.errors["purpose"] == [str(handover.PURPOSE_REQUIRED)]
    request = handover.usage_request(actor=other, case_file_id=f.pk, purpose="Tra cứu để trả lời đơn")
    with pytest.raises(PermissionDenied):  # the requester does not approve their own request
        handover.usage_decide(actor=other, request_id=request.pk, approve=True)
    with pytest.raises(ValidationFailed) as exc:
        handover.usage_decide(actor=archivist, request_id=request.pk, approve=True,
                              access_until=dt.date(2000, 1, 1))
    assert exc.value.errors["access_until"] == [str(handover.ACCESS_UNTIL_PAST)]
    with pytest.raises(ValidationFailed) as exc:
        handover.usage_record(actor=archivist, request_id=request.pk)
    assert exc.value.errors["state"] == [str(handover.REQUEST_NOT_APPROVED)]
    handover.usage_decide(actor=archivist, request_id=request.pk, approve=True, note="Đọc tại chỗ")
    assert reads.may_read_custody(user=other, case_file=f)
    handover.usage_record(actor=archivist, request_id=request.pk, note="Đã trả hồ sơ")
    row = UsageRequest.objects.get(pk=request.pk)
    assert (row.state, row.decided_by, row.use_note) == ("used", archivist, "Đã trả hồ sơ")
    assert not reads.may_read_custody(user=other, case_file=f)  # the use is over
    assert [r.pk for r in reads.usage_register(user=archivist)] == [request.pk]
    assert [r.pk for r in reads.usage_register(user=other)] == [request.pk]
    assert not reads.usage_register(user=owner).exists()
    assert {"created", "transition", "completed"} <= set(AuditEntry.objects.filter(
        object_type="usage_request").values_list("action", flat=True))
    # Only files in custody are requested.
    g, _d = closed_file(p, entries[1], subject="Khác")
    with pytest.raises(ValidationFailed) as exc:
        handover.usage_request(actor=owner, case_file_id=g.pk, purpose="Xem")
    assert exc.value.errors["state"] == [str(handover.NOT_IN_CUSTODY)]


def test_an_official_who_leaves_passes_every_file_to_a_successor_of_the_same_agency():
    p, _plan, entries = world()
    owner, successor = p.users["specialist.huyen.noivu"], p.users["specialist.huyen.taichinh"]
    f, _doc = closed_file(p, entries[0])
    g = services.case_file_open(actor=owner, plan_entry_id=entries[1].pk)
    accepted, _d = closed_file(p, entries[2], subject="Lễ hội")
    archivist = archivist_of(p)
    handover.handover_submit(actor=owner, case_file_ids=[accepted.pk])
    handover.handover_decide(actor=archivist, case_file_id=accepted.pk, accept=True)
    agency = p.agencies["huyen"]
    # Bad input: a successor of another agency, the same person, no reason; someone else's files.
    with pytest.raises(ValidationFailed) as exc:
        handover.files_pass_on(actor=owner, from_user_id=owner.pk, successor_id=p.users["specialist.xa"].pk,
                               agency_id=agency.pk, reason="Chuyển công tác")
    assert exc.value.errors["successor_id"] == [str(handover.SUCCESSOR_OTHER_AGENCY % {
        "name": str(p.users["specialist.xa"]), "agency": agency.name})]
    with pytest.raises(ValidationFailed) as exc:
        handover.files_pass_on(actor=owner, from_user_id=owner.pk, successor_id=owner.pk, agency_id=agency.pk,
                               reason="")
    assert exc.value.errors == {"successor_id": [str(handover.SUCCESSOR_SAME)],
                                "reason": [str(handover.PASS_ON_REASON_REQUIRED)]}
    with pytest.raises(PermissionDenied):
        handover.files_pass_on(actor=successor, from_user_id=owner.pk, successor_id=successor.pk,
                               agency_id=agency.pk, reason="Chuyển công tác")
    assert set(CaseFile.objects.filter(owner=owner).values_list("pk", flat=True)) == {f.pk, g.pk, accepted.pk}
    count = handover.files_pass_on(actor=p.users["leader.huyen"], from_user_id=owner.pk, successor_id=successor.pk,
                                   agency_id=agency.pk, reason="Nghỉ hưu")
    assert count == 2
    assert set(CaseFile.objects.filter(owner=successor).values_list("pk", flat=True)) == {f.pk, g.pk}
    assert set(CaseFile.objects.filter(pk__in=[f.pk, g.pk]).values_list("unit_id", flat=True)) == {
        p.units["taichinh"].pk}
    assert CaseFile.objects.get(pk=accepted.pk).owner == owner  # in the archive's custody: not theirs any more
    entries_ = AuditEntry.objects.filter(object_type="case_file", action="assigned")
    assert entries_.count() == 2 and all("Nghỉ hưu" in e.summary for e in entries_)
    assert Notification.objects.filter(user=successor, title="Anh/chị được bàn giao 2 hồ sơ").exists()
    with pytest.raises(ValidationFailed) as exc:
        handover.files_pass_on(actor=owner, from_user_id=owner.pk, successor_id=successor.pk, agency_id=agency.pk,
                               reason="Lần nữa")
    assert exc.value.errors["from_user_id"] == [str(handover.NOTHING_TO_PASS_ON)]
    # The successor now files into the open one.
    services.documents_file(actor=successor, case_file_id=g.pk, document_ids=[outgoing(p, "Tiếp tục").pk])


def test_a_file_in_custody_is_exported_only_by_those_who_may_read_it():
    from lienthong.records import package_export

    p, _plan, entries = world()
    archivist = archivist_of(p)
    owner = p.users["specialist.huyen.noivu"]
    f, _doc = closed_file(p, entries[0])
    assert package_export.case_file_package(user=owner, case_file=f)  # closed: the owner exports it
    handover.handover_submit(actor=owner, case_file_ids=[f.pk])
    handover.handover_decide(actor=archivist, case_file_id=f.pk, accept=True)
    f.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        package_export.case_file_package(user=owner, case_file=f)
    assert exc.value.errors["state"] == [str(reads.REQUEST_FIRST)]
    assert package_export.case_file_package(user=archivist, case_file=f)[:2] == b"PK"
