"""What the audit log stores is what it hashed: long summaries, long names and JSON details round-trip
through the database and ``verify_audit`` still finds the chain intact (issue 11, defect 3)."""

from __future__ import annotations

import datetime as dt
import decimal

from lienthong.audit.models import AuditEntry
from lienthong.audit.services import audit_log, audit_verify
from lienthong.documents import services as document_services
from lienthong.testing.builders import doc_input

TODAY = dt.date(2018, 3, 20)
VIETNAMESE = "Đặng Thị Ưng ầ 🇻🇳 "


def test_cancelling_with_a_long_reason_leaves_the_log_intact(province):
    """The reported case: a 679-character reason made a normal cancellation look like tampering."""
    doc = document_services.document_register_outgoing(actor=province.users["clerk.vp"],
                                                       agency=province.agencies["vp"], data=doc_input(), today=TODAY)
    reason = ("Văn bản ban hành sai thẩm quyền, cần hủy để ban hành lại. " * 20)[:679]

    document_services.document_cancel(actor=province.users["clerk.vp"], document=doc, reason=reason)

    checked, problems = audit_verify()
    assert problems == []
    entry = AuditEntry.objects.get(object_type="document", object_id=str(doc.pk), action="cancelled")
    assert len(entry.summary) == 500
    assert entry.summary.startswith("Hủy văn bản: Văn bản ban hành sai thẩm quyền")
    assert entry.summary.endswith("…")


def test_every_stored_field_is_cut_to_its_column_before_hashing(province):
    entry = audit_log(actor=province.users["clerk.vp"], action="changed", obj_type="x" * 60, obj_id="9" * 60,
                      summary=VIETNAMESE * 60)

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (len(stored.object_type), len(stored.object_id), len(stored.summary)) == (40, 40, 500)
    assert audit_verify()[1] == []


def test_details_are_hashed_as_the_database_gives_them_back(province):
    """Non-string keys, tuples, dates and decimals change shape in a JSON column; the hash must not care."""
    details = {1: ("a", "b"), "on": dt.date(2018, 3, 5), "at": dt.datetime(2018, 3, 5, 8, 30, tzinfo=dt.UTC),
               "points": decimal.Decimal("2.50"), "name": VIETNAMESE, "nested": {2: [dt.date(2018, 1, 1)]}}

    entry = audit_log(actor=province.users["clerk.vp"], action="changed", obj_type="document", obj_id=1,
                      agency_id=province.agencies["vp"].pk, summary="Chi tiết", details=details)

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.details == {"1": ["a", "b"], "on": "2018-03-05", "at": "2018-03-05T08:30:00Z", "points": "2.50",
                              "name": VIETNAMESE, "nested": {"2": ["2018-01-01"]}}
    assert entry.details == stored.details
    assert audit_verify()[1] == []
