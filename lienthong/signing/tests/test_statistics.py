"""signature_statistics: per agency and period, issued documents that are legally valid electronic
documents and received documents that arrived with a valid signature — in two queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lienthong.documents.models import Document, DocumentFile, DocumentStatus
from lienthong.documents.services import document_register_incoming, document_register_outgoing
from lienthong.signing.models import FileVerification
from lienthong.signing.selectors import signature_statistics
from lienthong.testing.builders import doc_input, pdf_upload

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)


def outgoing(p, agency, day, *, legally_valid=False, text="x"):
    doc = document_register_outgoing(actor=p.users[f"clerk.{agency}"], agency=p.agencies[agency],
                                     data=doc_input("thong-bao", f"Thông báo {text}", issued_on=day,
                                                    files=[pdf_upload("tb.pdf", text)]), today=dt.date(2026, 6, 30))
    Document.objects.filter(pk=doc.pk).update(legally_valid=legally_valid)
    return doc


def incoming(p, agency, received, *, status=None, text="y"):
    doc = document_register_incoming(actor=p.users[f"clerk.{agency}"], agency=p.agencies[agency],
                                     data=doc_input("cong-van", f"Công văn {text}", issued_on=received,
                                                    files=[pdf_upload("cv.pdf", text)]),
                                     number_symbol=f"{received.month}{received.day:02d}/SYT-VP",
                                     issuer_name="Sở Y tế", received_on=received,
                                     today=dt.date(2026, 6, 30))
    if status:
        stored_id = DocumentFile.objects.filter(document=doc).values_list("stored_file_id", flat=True)[0]
        FileVerification.objects.update_or_create(stored_file_id=stored_id, defaults={
            "status": status, "verified_at": timezone.now()})
    return doc


def test_shares_per_agency_and_period(province, django_assert_max_num_queries):
    p = province
    outgoing(p, "xa", dt.date(2026, 1, 5), legally_valid=True, text="a1")
    outgoing(p, "xa", dt.date(2026, 2, 5), legally_valid=True, text="a2")
    outgoing(p, "xa", dt.date(2026, 3, 5), text="a3")
    outgoing(p, "xa", dt.date(2025, 12, 31), legally_valid=True, text="a4")  # before the period
    cancelled = outgoing(p, "xa", dt.date(2026, 3, 6), legally_valid=True, text="a5")
    Document.objects.filter(pk=cancelled.pk).update(status=DocumentStatus.CANCELLED)
    incoming(p, "huyen", dt.date(2026, 1, 10), status="valid", text="b1")
    incoming(p, "huyen", dt.date(2026, 1, 11), status="invalid", text="b2")
    incoming(p, "huyen", dt.date(2026, 1, 12), text="b3")  # unsigned: never verified as valid
    incoming(p, "huyen", dt.date(2026, 4, 1), status="valid", text="b4")  # after the period
    outgoing(p, "huyen", dt.date(2026, 2, 1), text="b5")

    ids = [p.agencies[k].pk for k in ("xa", "huyen", "vp")]
    with django_assert_max_num_queries(2):
        rows = {r.agency_id: r for r in signature_statistics(agency_ids=ids, start=START, end=END)}
    xa, huyen, vp = (rows[p.agencies[k].pk] for k in ("xa", "huyen", "vp"))
    assert (xa.issued, xa.issued_legally_valid, xa.received) == (3, 2, 0)
    assert xa.issued_share == pytest.approx(2 / 3) and xa.received_share is None
    assert (huyen.issued, huyen.issued_legally_valid, huyen.received, huyen.received_signed_valid) == (1, 0, 3, 1)
    assert huyen.issued_share == 0 and huyen.received_share == pytest.approx(1 / 3)
    assert (vp.issued, vp.received, vp.issued_share) == (0, 0, None)
    assert xa.agency_name == p.agencies["xa"].name


def test_all_agencies_in_two_queries(province, django_assert_max_num_queries):
    outgoing(province, "xa", dt.date(2026, 1, 5), legally_valid=True)
    with django_assert_max_num_queries(2):
        rows = signature_statistics(start=START, end=END)
    assert len(rows) >= 5
    assert sum(r.issued_legally_valid for r in rows) == 1
