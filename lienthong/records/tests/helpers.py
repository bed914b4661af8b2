"""A district with a published 2018 file plan and documents to file, built through the real services."""

from __future__ import annotations

import datetime as dt
import io

from lienthong.documents.services import document_register_outgoing
from lienthong.processing import services as processing
from lienthong.processing.models import AssignmentRole
from lienthong.records import services
from lienthong.testing.builders import doc_input, make_province, pdf_upload


def plan_with_entries(p, *, year=2018, publish=True):
    """The district's plan: I. TỔ CHỨC, CÁN BỘ (TCCB) with a sub-heading, II. VĂN HÓA (VX)."""
    clerk, leader = p.users["clerk.huyen"], p.users["leader.huyen"]
    plan = services.plan_create(actor=clerk, agency_id=p.agencies["huyen"].pk, year=year)
    tccb = services.heading_add(actor=clerk, plan_id=plan.pk, title="Tổ chức, cán bộ", abbreviation="TCCB")
    sub = services.heading_add(actor=clerk, plan_id=plan.pk, title="Tuyển dụng", parent_id=tccb.pk)
    vx = services.heading_add(actor=clerk, plan_id=plan.pk, title="Văn hóa, xã hội", abbreviation="VX")
    entries = [
        services.entry_add(actor=clerk, plan_id=plan.pk, heading_id=tccb.pk, title="Hồ sơ về công tác tổ chức",
                           retention_code="vinh-vien", responsible_name="Phòng Nội vụ"),
        services.entry_add(actor=clerk, plan_id=plan.pk, heading_id=sub.pk, title="Hồ sơ tuyển dụng công chức",
                           retention_code="70-nam"),
        services.entry_add(actor=clerk, plan_id=plan.pk, heading_id=vx.pk, title="Hồ sơ lễ hội",
                           retention_code="10-nam"),
    ]
    if publish:
        services.plan_approve(actor=leader, plan_id=plan.pk,
                              decision_reference="Quyết định số 01/QĐ-UBND ngày 02/01/2018")
        services.plan_publish(actor=clerk, plan_id=plan.pk)
    return plan, entries


def outgoing(p, subject, *, issued_on=dt.date(2018, 3, 5), secrecy="normal", number_symbol=None):
    data = doc_input("thong-bao", subject, issued_on=issued_on, secrecy=secrecy,
                     files=[pdf_upload("tb.pdf", subject[:20])])
    return document_register_outgoing(actor=p.users["clerk.huyen"], agency=p.agencies["huyen"], data=data)


def secret_incoming_for(p, username, subject="Công văn mật về nhân sự"):
    """A secret paper document at the district handed by name to ``username`` (lead)."""
    doc = processing.incoming_register_paper(
        actor=p.users["clerk.huyen"], agency=p.agencies["huyen"], number_symbol="12/CV-MAT",
        issuer_name="Công an tỉnh", data=doc_input("cong-van", subject, issued_on=dt.date(2018, 2, 1),
                                                   secrecy="secret", files=[pdf_upload("mat.pdf", "Mat")]))
    processing.handling_submit(actor=p.users["clerk.huyen"], handling_id=doc.handling.pk,
                               leader_id=p.users["leader.huyen"].pk)
    [lead] = processing.handling_assign(actor=p.users["leader.huyen"], handling_id=doc.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=p.users[username].pk,
                                  deadline=dt.date.today() + dt.timedelta(days=30))])
    return doc, lead


def world():
    p = make_province()
    plan, entries = plan_with_entries(p)
    return p, plan, entries


def workbook(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def cells(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]
