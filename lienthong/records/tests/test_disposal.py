"""Retention and disposal (issue 16 §4): expired files proposed for review, destroyed only on a registered
decision, never when permanent; originals removed, metadata and a disposal record kept, audit-logged."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.storage import default_storage

from lienthong.audit.models import AuditEntry
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.documents.models import Document, DocumentFile
from lienthong.documents.services import document_register_outgoing
from lienthong.records import disposal, services
from lienthong.records.models import CaseFile, DisposalProposal, DisposalRecord
from lienthong.records.tests.helpers import outgoing, world
from lienthong.testing.builders import doc_input, pdf_upload

pytestmark = pytest.mark.django_db

LATER = dt.date(2030, 3, 1)  # a 10-year file closed in 2018 expired on 1/1/2029


def _msg(message) -> str:
    return re.escape(str(message))


def closed(p, entry, docs, *, owner="specialist.huyen.noivu", end=dt.date(2018, 12, 20)):
    user = p.users[owner]
    f = services.case_file_open(actor=user, plan_entry_id=entry.pk)
    services.documents_file(actor=user, case_file_id=f.pk, document_ids=[d.pk for d in docs])
    return services.case_file_close(actor=user, case_file_id=f.pk, retention_confirmed=True, reason="Đã xem",
                                    end_date=end)


def decision(p, subject="Quyết định hủy tài liệu hết giá trị"):
    data = doc_input("quyet-dinh", subject, issued_on=dt.date.today(), files=[pdf_upload("qd.pdf", "QD huy")])
    return document_register_outgoing(actor=p.users["clerk.huyen"], agency=p.agencies["huyen"], data=data)


def test_the_daily_job_proposes_files_whose_retention_ended_and_never_a_permanent_file():
    p, _plan, entries = world()
    doc = outgoing(p, "Thông báo lễ hội")
    short = closed(p, entries[2], [doc])  # 10 năm
    permanent = closed(p, entries[0], [doc])  # vĩnh viễn
    assert disposal.expiry_date(end_date=short.end_date, years=10) == dt.date(2029, 1, 1)
    assert disposal.proposals_refresh(today=dt.date(2028, 12, 31)) == 0
    assert disposal.proposals_refresh(today=LATER) == 1
    assert disposal.proposals_refresh(today=LATER) == 0  # idempotent
    assert [r.case_file_id for r in disposal.proposal_list(user=p.users["clerk.huyen"])] == [short.pk]
    assert not DisposalProposal.objects.filter(case_file=permanent).exists()
    assert disposal.proposals_refresh(today=dt.date(2400, 1, 1)) == 0
    assert not DisposalProposal.objects.filter(case_file=permanent).exists()
    assert list(disposal.proposal_list(user=p.users["specialist.huyen.noivu"])) == []  # not a keeper


def test_disposal_is_refused_without_a_decision_for_a_permanent_file_or_before_the_retention_ends():
    p, _plan, entries = world()
    doc = outgoing(p, "Thông báo lễ hội")
    short, permanent = closed(p, entries[2], [doc]), closed(p, entries[0], [doc])
    clerk, qd = p.users["clerk.huyen"], decision(p)
    with pytest.raises(ValidationFailed, match=_msg(disposal.DECISION_REQUIRED)):
        disposal.files_dispose(actor=clerk, case_file_ids=[short.pk], decision_document_id=None, today=LATER)
    with pytest.raises(ValidationFailed, match=_msg(disposal.PERMANENT % {"n": permanent.number})):
        disposal.files_dispose(actor=clerk, case_file_ids=[permanent.pk], decision_document_id=qd.pk,
                               today=dt.date(2400, 1, 1))
    with pytest.raises(ValidationFailed, match=_msg(disposal.NOT_EXPIRED % {"n": short.number,
                                                                           "d": "01/01/2029"})):
        disposal.files_dispose(actor=clerk, case_file_ids=[short.pk], decision_document_id=qd.pk,
                               today=dt.date(2028, 6, 1))
    with pytest.raises(ValidationFailed) as caught:  # one bad file refuses the whole batch
        disposal.files_dispose(actor=clerk, case_file_ids=[short.pk, permanent.pk], decision_document_id=qd.pk,
                               today=LATER)
    assert caught.value.errors["case_file_ids"] == [str(disposal.PERMANENT % {"n": permanent.number})]
    with pytest.raises(PermissionDenied, match=_msg(disposal.NOT_KEEPER)):
        disposal.files_dispose(actor=p.users["specialist.huyen.noivu"], case_file_ids=[short.pk],
                               decision_document_id=qd.pk, today=LATER)
    assert set(CaseFile.objects.values_list("state", flat=True)) == {"closed"}
    assert DocumentFile.objects.filter(document=doc).exists() and not DisposalRecord.objects.exists()


def test_disposal_removes_the_originals_after_commit_keeps_metadata_and_a_record_and_is_logged(
        django_capture_on_commit_callbacks):
    p, _plan, entries = world()
    gone = outgoing(p, "Thông báo lễ hội năm 2018")
    shared = outgoing(p, "Thông báo chung về nhân sự")
    short = closed(p, entries[2], [gone, shared])
    kept = closed(p, entries[0], [shared], owner="specialist.huyen.noivu")  # the shared one stays there
    name = DocumentFile.objects.select_related("stored_file").get(document=gone).stored_file.storage_name
    assert default_storage.exists(name)
    disposal.proposals_refresh(today=LATER)
    qd = decision(p)
    with django_capture_on_commit_callbacks(execute=True):
        done = disposal.files_dispose(actor=p.users["leader.huyen"], case_file_ids=[short.pk],
                                      decision_document_id=qd.pk, note="Theo đề nghị của Hội đồng", today=LATER)
    assert done.originals_removed == 1
    short.refresh_from_db()
    assert short.state == "disposed" and short.doc_total == 2
    assert not DocumentFile.objects.filter(document=gone).exists() and not default_storage.exists(name)
    assert Document.objects.filter(pk=gone.pk, subject="Thông báo lễ hội năm 2018").exists()  # metadata kept
    assert DocumentFile.objects.filter(document=shared).exists()  # still in a permanent file
    record = DisposalRecord.objects.get(case_file=short)
    assert record.decision_document_id == qd.pk and record.decision_reference.startswith(qd.number_symbol)
    assert [r["document_id"] for r in record.removed] == [gone.pk]
    assert record.removed[0]["files"][0]["filename"] == "tb.pdf"
    assert record.kept == [{"document_id": shared.pk, "case_files": [kept.number]}]
    assert not DisposalProposal.objects.filter(case_file=short).exists()
    assert AuditEntry.objects.filter(object_type="case_file", object_id=str(short.pk), action="transition",
                                     summary__startswith="Tiêu hủy hồ sơ").exists()
    assert AuditEntry.objects.filter(object_type="document", object_id=str(gone.pk),
                                     summary__startswith="Tiêu hủy bản gốc").exists()
    with pytest.raises(ValidationFailed, match=_msg(disposal.ALREADY_DISPOSED % {"n": short.number})):
        disposal.files_dispose(actor=p.users["leader.huyen"], case_file_ids=[short.pk],
                               decision_document_id=qd.pk, today=LATER)


def test_a_failed_disposal_keeps_every_original(monkeypatch):
    p, _plan, entries = world()
    doc = outgoing(p, "Thông báo lễ hội")
    short = closed(p, entries[2], [doc])
    qd = decision(p)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(DisposalRecord.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        disposal.files_dispose(actor=p.users["clerk.huyen"], case_file_ids=[short.pk], decision_document_id=qd.pk,
                               today=LATER)
    name = DocumentFile.objects.select_related("stored_file").get(document=doc).stored_file.storage_name
    assert default_storage.exists(name)
    short.refresh_from_db()
    assert short.state == "closed"
