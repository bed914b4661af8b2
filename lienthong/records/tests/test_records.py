"""The file plan (danh mục hồ sơ) and case files (hồ sơ): NĐ30 Art. 28–29, Phụ lục V and VI; vanthu.md §5."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from lienthong.audit.models import AuditEntry
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.core.spreadsheets import ImportRejected
from lienthong.processing import services as processing
from lienthong.records import selectors, services
from lienthong.records import spreadsheets as tables
from lienthong.records.models import CaseFileDocument, PlanEntry, PlanHeading, PlanNumbering, RetentionPeriod
from lienthong.records.tests.helpers import cells, outgoing, plan_with_entries, secret_incoming_for, workbook, world
from lienthong.testing.builders import make_province

pytestmark = pytest.mark.django_db


def _msg(message) -> str:
    return re.escape(str(message))


# ----------------------------------------------------------------------------------------- retention

def test_retention_periods_are_seeded_data_with_their_source_and_unverified_flag():
    rows = {r.code: r for r in RetentionPeriod.objects.all()}
    assert {"vinh-vien", "70-nam", "50-nam", "30-nam", "20-nam", "10-nam", "5-nam"} <= set(rows)
    assert rows["vinh-vien"].years is None and rows["vinh-vien"].is_permanent
    assert rows["10-nam"].years == 10 and not rows["10-nam"].is_permanent
    assert all(r.source for r in rows.values())
    assert rows["70-nam"].verified is False  # the retention tables were not checked (vanthu.md §8)


# ----------------------------------------------------------------------------------------- plans

def test_plan_numbers_run_through_the_plan_with_the_main_heading_abbreviation():
    p = make_province()
    plan, entries = plan_with_entries(p, publish=False)
    assert [e.number for e in entries] == ["01.TCCB", "02.TCCB", "03.VX"]
    content = selectors.plan_content(plan=plan)
    assert [(r.numeral, r.level) for r in content.rows] == [("I", 1), ("1", 2), ("II", 1)]
    assert (content.total, content.permanent, content.fixed_term) == (3, 1, 2)


def test_a_generated_number_skips_numbers_already_given_after_a_removal():
    p = make_province()
    plan, entries = plan_with_entries(p, publish=False)
    clerk = p.users["clerk.huyen"]
    services.entry_delete(actor=clerk, entry_id=entries[1].pk)
    added = services.entry_add(actor=clerk, plan_id=plan.pk, heading_id=entries[2].heading_id, title="Hồ sơ mới",
                               retention_code="5-nam")
    assert added.number == "04.VX"


def test_plan_numbers_can_run_within_each_main_heading_as_the_agency_chooses():
    p = make_province()
    clerk = p.users["clerk.huyen"]
    services.agency_numbering_set(actor=clerk, agency_id=p.agencies["huyen"].pk, numbering=PlanNumbering.WITHIN_HEADING)
    plan, entries = plan_with_entries(p, publish=False)
    assert plan.numbering == PlanNumbering.WITHIN_HEADING
    assert [e.number for e in entries] == ["01.TCCB", "02.TCCB", "01.VX"]


def test_a_repeated_number_or_an_unknown_retention_code_is_refused():
    p = make_province()
    plan, entries = plan_with_entries(p, publish=False)
    heading = entries[0].heading_id
    clerk = p.users["clerk.huyen"]
    with pytest.raises(ValidationFailed, match=_msg(services.NUMBER_REPEATED % {"number": "01.TCCB", "year": 2018})):
        services.entry_add(actor=clerk, plan_id=plan.pk, heading_id=heading, title="Khác", retention_code="10-nam",
                           number="01.TCCB")
    with pytest.raises(ValidationFailed, match=_msg(services.RETENTION_UNKNOWN % {"code": "99-nam"})):
        services.entry_add(actor=clerk, plan_id=plan.pk, heading_id=heading, title="Khác", retention_code="99-nam")
    assert PlanEntry.objects.filter(plan=plan).count() == 3


def test_only_the_agency_clerk_edits_only_a_leader_approves_and_only_with_the_decision():
    p = make_province()
    plan, entries = plan_with_entries(p, publish=False)
    with pytest.raises(PermissionDenied):
        services.heading_add(actor=p.users["specialist.huyen"], plan_id=plan.pk, title="X")
    with pytest.raises(NotFound):  # another agency's plan is not even seen
        services.heading_add(actor=p.users["clerk.xa"], plan_id=plan.pk, title="X")
    with pytest.raises(PermissionDenied, match=_msg(services.NOT_PLAN_APPROVER)):
        services.plan_approve(actor=p.users["clerk.huyen"], plan_id=plan.pk, decision_reference="QĐ 1")
    with pytest.raises(ValidationFailed, match=_msg(services.DECISION_REQUIRED)):
        services.plan_approve(actor=p.users["leader.huyen"], plan_id=plan.pk, decision_reference=" ")
    with pytest.raises(ValidationFailed, match=_msg(services.PLAN_NOT_APPROVED)):
        services.plan_publish(actor=p.users["clerk.huyen"], plan_id=plan.pk)
    decision = outgoing(p, "Quyết định ban hành danh mục hồ sơ năm 2018")
    approved = services.plan_approve(actor=p.users["leader.huyen"], plan_id=plan.pk,
                                     decision_reference="Quyết định số 01/QĐ-UBND", decision_document_id=decision.pk)
    assert approved.state == "approved" and approved.decision_document_id == decision.pk
    with pytest.raises(ValidationFailed, match=_msg(services.PLAN_NOT_DRAFT)):
        services.entry_add(actor=p.users["clerk.huyen"], plan_id=plan.pk, heading_id=entries[0].heading_id,
                           title="Muộn", retention_code="5-nam")
    assert services.plan_publish(actor=p.users["clerk.huyen"], plan_id=plan.pk).state == "published"
    assert AuditEntry.objects.filter(object_type="file_plan", object_id=str(plan.pk), action="transition").count() == 2


def test_a_plan_is_copied_from_last_year_as_a_draft():
    p = make_province()
    plan_with_entries(p, year=2017)
    copy = services.plan_copy(actor=p.users["clerk.huyen"], agency_id=p.agencies["huyen"].pk, year=2018)
    assert copy.state == "draft"
    assert [(e.number, e.title, e.retention.code) for e in PlanEntry.objects.filter(plan=copy).order_by("order")] == [
        ("01.TCCB", "Hồ sơ về công tác tổ chức", "vinh-vien"), ("02.TCCB", "Hồ sơ tuyển dụng công chức", "70-nam"),
        ("03.VX", "Hồ sơ lễ hội", "10-nam")]
    assert PlanHeading.objects.filter(plan=copy, parent__isnull=False).count() == 1
    with pytest.raises(ValidationFailed, match=_msg(services.NO_PREVIOUS_PLAN % {"year": 2015})):
        services.plan_copy(actor=p.users["clerk.huyen"], agency_id=p.agencies["huyen"].pk, year=2016)
    with pytest.raises(ValidationFailed, match=_msg(services.PLAN_EXISTS % {"year": 2018})):
        services.plan_create(actor=p.users["clerk.huyen"], agency_id=p.agencies["huyen"].pk, year=2018)


# ----------------------------------------------------------------------------------------- XLSX

HEADER = ["Số và ký hiệu hồ sơ", "Tên đề mục và tiêu đề hồ sơ", "Thời hạn bảo quản", "Người lập hồ sơ", "Ghi chú"]


def test_export_is_the_appendix_v_layout_with_totals_and_imports_back_unchanged():
    p = make_province()
    plan, _entries = plan_with_entries(p, year=2017)
    data = tables.plan_workbook(plan=plan)
    rows = cells(data)
    flat = [c for r in rows for c in r if c]
    assert HEADER[0] in flat and "I" in flat and "TỔ CHỨC, CÁN BỘ (TCCB)" in flat
    assert ("Bản danh mục này có 3 hồ sơ, bao gồm: 1 hồ sơ lưu trữ vĩnh viễn; 2 hồ sơ lưu trữ có thời hạn."
            in flat)
    target = services.plan_create(actor=p.users["clerk.huyen"], agency_id=p.agencies["huyen"].pk, year=2018)
    assert tables.plan_import(actor=p.users["clerk.huyen"], plan_id=target.pk, data=data) == (3, 3)
    again = selectors.plan_content(plan=target)
    assert [(r.numeral, r.heading.title, r.heading.abbreviation, [(e.number, e.title, e.retention.code)
             for e in r.entries]) for r in again.rows] == [
        ("I", "TỔ CHỨC, CÁN BỘ", "TCCB", [("01.TCCB", "Hồ sơ về công tác tổ chức", "vinh-vien")]),
        ("1", "Tuyển dụng", "", [("02.TCCB", "Hồ sơ tuyển dụng công chức", "70-nam")]),
        ("II", "VĂN HÓA, XÃ HỘI", "VX", [("03.VX", "Hồ sơ lễ hội", "10-nam")])]


def test_an_xlsx_plan_with_bad_rows_reports_every_row_and_imports_nothing():
    p = make_province()
    clerk = p.users["clerk.huyen"]
    plan, _entries = plan_with_entries(p, publish=False)
    data = workbook([
        ["DANH MỤC HỒ SƠ NĂM 2018"], HEADER,
        ["01.X", "Hồ sơ trước mọi đề mục", "10 năm"],                 # row 3: no heading above
        ["I", "TỔ CHỨC (TCCB)"],
        ["01.TCCB", "Hồ sơ tốt", "Vĩnh viễn"],
        ["02.TCCB", "", "10 năm"],                                    # row 6: no title
        ["03.TCCB", "Hồ sơ thời hạn lạ", "99 năm"],                   # row 7: unknown retention
        ["01.TCCB", "Hồ sơ trùng số", "5 năm"],                       # row 8: number repeats row 5
        ["04.TCCB", "Hồ sơ thiếu thời hạn", ""],                      # row 9: no retention
    ])
    with pytest.raises(ImportRejected) as caught:
        tables.plan_import(actor=clerk, plan_id=plan.pk, data=data)
    found = {(e.row, e.message) for e in caught.value.rows}
    assert found == {
        (3, str(tables.ENTRY_BEFORE_HEADING)), (6, str(tables.TITLE_MISSING)),
        (7, str(tables.RETENTION_NOT_FOUND % {"v": "99 năm"})),
        (8, str(tables.NUMBER_DUPLICATE % {"n": "01.TCCB", "r": 5})), (9, str(tables.RETENTION_MISSING))}
    # Nothing stored: the plan keeps its three entries.
    assert sorted(PlanEntry.objects.filter(plan=plan).values_list("number", flat=True)) == [
        "01.TCCB", "02.TCCB", "03.VX"]


def test_an_import_that_is_not_a_workbook_or_has_no_header_is_refused_whole():
    p = make_province()
    plan, _entries = plan_with_entries(p, publish=False)
    for data in (b"%PDF-1.4 nope", workbook([["a", "b"], ["c", "d"]])):
        with pytest.raises(ImportRejected) as caught:
            tables.plan_import(actor=p.users["clerk.huyen"], plan_id=plan.pk, data=data)
        assert caught.value.rows and caught.value.rows[0].row is None
    assert PlanEntry.objects.filter(plan=plan).count() == 3


# ----------------------------------------------------------------------------------------- case files

def test_a_file_is_opened_from_a_published_plan_entry_with_its_number_and_retention():
    p, _plan, entries = world()
    owner = p.users["specialist.huyen.noivu"]
    f = services.case_file_open(actor=owner, plan_entry_id=entries[1].pk)
    assert (f.number, f.title, f.retention.code, f.year, f.unit_id) == (
        "02.TCCB", "Hồ sơ tuyển dụng công chức", "70-nam", 2018, p.units["noivu"].pk)
    assert AuditEntry.objects.filter(object_type="case_file", object_id=str(f.pk), action="created").exists()


def test_a_draft_plan_opens_no_file_and_a_file_outside_the_plan_needs_its_own_fields():
    p = make_province()
    _plan, entries = plan_with_entries(p, publish=False)
    owner = p.users["specialist.huyen.noivu"]
    with pytest.raises(ValidationFailed, match=_msg(services.PLAN_NOT_PUBLISHED)):
        services.case_file_open(actor=owner, plan_entry_id=entries[0].pk)
    with pytest.raises(ValidationFailed) as caught:
        services.case_file_open(actor=owner, retention_code="xx")
    assert set(caught.value.errors) == {"title", "number", "start_date", "retention"}
    assert caught.value.errors["retention"] == [str(services.RETENTION_UNKNOWN % {"code": "xx"})]
    f = services.case_file_open(actor=owner, title="Hồ sơ đột xuất", number="15.NV", retention_code="5-nam",
                                start_date=dt.date(2018, 6, 1))
    assert f.plan_entry_id is None and f.year == 2018


def test_documents_are_filed_as_links_numbered_in_time_order_and_one_document_can_be_in_two_files():
    p, _plan, entries = world()
    owner, other = p.users["specialist.huyen.noivu"], p.users["specialist.huyen.taichinh"]
    early = outgoing(p, "Thông báo tháng hai", issued_on=dt.date(2018, 2, 1))
    late = outgoing(p, "Thông báo tháng năm", issued_on=dt.date(2018, 5, 2))
    f = services.case_file_open(actor=owner, plan_entry_id=entries[0].pk)
    assert services.documents_file(actor=owner, case_file_id=f.pk, document_ids=[late.pk]) == [late.pk]
    assert services.documents_file(actor=owner, case_file_id=f.pk, document_ids=[early.pk, late.pk]) == [early.pk]
    items = selectors.case_file_items(user=owner, case_file=f)
    assert [(i.ordinal, i.document_id) for i in items] == [(1, early.pk), (2, late.pk)]
    g = services.case_file_open(actor=other, title="Hồ sơ khác", number="20.TC", retention_code="10-nam",
                                start_date=dt.date(2018, 1, 1))
    services.documents_file(actor=other, case_file_id=g.pk, document_ids=[late.pk])
    assert CaseFileDocument.objects.filter(document=late).count() == 2
    assert {x.pk for x in selectors.files_of_document(user=owner, document_id=late.pk)} == {f.pk}
    services.document_unfile(actor=owner, case_file_id=f.pk, document_id=early.pk)
    assert [(i.ordinal, i.document_id) for i in selectors.case_file_items(user=owner, case_file=f)] == [(1, late.pk)]
    assert AuditEntry.objects.filter(object_type="document", object_id=str(late.pk), action="changed").count() == 2


def test_filing_refuses_a_document_the_owner_cannot_see_and_anyone_but_the_owner():
    p, _plan, entries = world()
    owner = p.users["specialist.huyen.noivu"]
    secret, _lead = secret_incoming_for(p, "specialist.huyen")
    f = services.case_file_open(actor=owner, plan_entry_id=entries[0].pk)
    with pytest.raises(ValidationFailed, match=_msg(services.DOCUMENT_NOT_VISIBLE % {"id": secret.pk})):
        services.documents_file(actor=owner, case_file_id=f.pk, document_ids=[secret.pk])
    doc = outgoing(p, "Thông báo chung")
    with pytest.raises(PermissionDenied, match=_msg(services.NOT_FILE_OWNER)):
        services.documents_file(actor=p.users["leader.huyen"], case_file_id=f.pk, document_ids=[doc.pk])
    with pytest.raises(NotFound):  # a person of another unit does not see the file at all
        services.documents_file(actor=p.users["specialist.huyen.taichinh"], case_file_id=f.pk,
                                document_ids=[doc.pk])
    assert not CaseFileDocument.objects.filter(case_file=f).exists()


def test_nobody_sees_a_document_through_a_file_that_they_could_not_see_otherwise():
    p, _plan, entries = world()
    owner = p.users["specialist.huyen.noivu"]
    secret, _lead = secret_incoming_for(p, "specialist.huyen.noivu")
    ordinary = outgoing(p, "Thông báo công khai")
    f = services.case_file_open(actor=owner, plan_entry_id=entries[0].pk)
    services.documents_file(actor=owner, case_file_id=f.pk, document_ids=[secret.pk, ordinary.pk])
    # The head of the same unit sees the file (unit access) but not the secret document in it.
    head = p.users["leader.huyen.noivu"]
    assert selectors.case_file_get(user=head, case_file_id=f.pk) == f
    assert [i.document_id for i in selectors.case_file_items(user=head, case_file=f)] == [ordinary.pk]
    index = [c for row in cells(tables.index_workbook(user=head, case_file=f)) for c in row if c]
    assert not any("mật" in str(c) for c in index)
    assert [i.document_id for i in selectors.case_file_items(user=owner, case_file=f)] == [secret.pk, ordinary.pk]
    # The agency's leader and văn thư see the file and both documents; another unit and agency see no file.
    for name in ("leader.huyen", "clerk.huyen"):
        assert len(selectors.case_file_items(user=p.users[name], case_file=f)) == 2
    for name in ("specialist.huyen.taichinh", "specialist.huyen", "clerk.xa"):
        with pytest.raises(NotFound):
            selectors.case_file_get(user=p.users[name], case_file_id=f.pk)


def test_closing_with_a_document_in_processing_needs_a_reason_and_confirmed_retention_then_freezes():
    p, _plan, entries = world()
    owner = p.users["specialist.huyen.noivu"]
    busy, _lead = secret_incoming_for(p, "specialist.huyen.noivu")
    f = services.case_file_open(actor=owner, plan_entry_id=entries[0].pk)
    services.documents_file(actor=owner, case_file_id=f.pk, document_ids=[busy.pk])
    warning = str(services.WARN_IN_PROCESSING % {"doc": "12/CV-MAT"})
    assert [w.message for w in services.close_check(case_file=f)] == [warning]
    with pytest.raises(ValidationFailed) as caught:
        services.case_file_close(actor=owner, case_file_id=f.pk, retention_confirmed=False)
    assert caught.value.errors["reason"] == [str(services.REASON_REQUIRED), warning]
    assert caught.value.errors["retention_confirmed"] == [str(services.RETENTION_NOT_CONFIRMED)]
    with pytest.raises(ValidationFailed, match=_msg(services.RETENTION_UNKNOWN % {"code": "7-nam"})):
        services.case_file_close(actor=owner, case_file_id=f.pk, retention_confirmed=True, reason="Đủ",
                                 retention_code="7-nam")
    f.refresh_from_db()
    assert f.state == "open"
    closed = services.case_file_close(actor=owner, case_file_id=f.pk, retention_confirmed=True,
                                      reason="Việc đã xong, chờ văn bản trả lời", retention_code="20-nam")
    assert (closed.state, closed.retention.code, closed.doc_total, closed.page_total) == ("closed", "20-nam", 1, 1)
    assert closed.close_reason == "Việc đã xong, chờ văn bản trả lời"
    assert AuditEntry.objects.filter(object_type="case_file", object_id=str(f.pk), action="transition").exists()
    # Frozen: nothing more goes in or out.
    doc = outgoing(p, "Thông báo muộn")
    frozen = str(services.FILE_FROZEN % {"number": f.number})
    with pytest.raises(ValidationFailed, match=_msg(frozen)):
        services.documents_file(actor=owner, case_file_id=f.pk, document_ids=[doc.pk])
    with pytest.raises(ValidationFailed, match=_msg(frozen)):
        services.document_unfile(actor=owner, case_file_id=f.pk, document_id=busy.pk)
    with pytest.raises(ValidationFailed, match=_msg(frozen)):
        services.case_file_close(actor=owner, case_file_id=f.pk, retention_confirmed=True)


def test_a_clean_file_closes_without_a_reason_and_its_index_lists_documents_in_order():
    p, _plan, entries = world()
    owner = p.users["specialist.huyen.noivu"]
    a = outgoing(p, "Thông báo thứ nhất", issued_on=dt.date(2018, 1, 10))
    b = outgoing(p, "Thông báo thứ hai", issued_on=dt.date(2018, 4, 10))
    f = services.case_file_open(actor=owner, plan_entry_id=entries[0].pk)
    services.documents_file(actor=owner, case_file_id=f.pk, document_ids=[b.pk, a.pk])
    services.case_file_close(actor=owner, case_file_id=f.pk, retention_confirmed=True)
    rows = cells(tables.index_workbook(user=owner, case_file=f))
    body = [r for r in rows if r and isinstance(r[0], int)]
    assert [(r[0], r[1], r[2]) for r in body] == [(1, a.number_symbol, "10/01/2018"),
                                                  (2, b.number_symbol, "10/04/2018")]
    assert [r[5] for r in body] == ["1", "2"]  # tờ số / trang số: one page each
    assert any("2 văn bản, 2 trang" in str(c) for r in rows for c in r if c)


def test_cancelled_and_duplicate_documents_are_warned_about_when_closing():
    p, _plan, entries = world()
    owner = p.users["specialist.huyen.noivu"]
    from lienthong.documents.services import document_cancel

    a = outgoing(p, "Thông báo bị hủy")
    document_cancel(actor=p.users["clerk.huyen"], document=a, reason="Nhầm")
    f = services.case_file_open(actor=owner, plan_entry_id=entries[0].pk)
    services.documents_file(actor=owner, case_file_id=f.pk, document_ids=[a.pk])
    assert [w.code for w in services.close_check(case_file=f)] == ["cancelled"]


def test_completing_the_lead_part_files_the_reply_into_the_leads_file_holding_the_document():
    p, _plan, entries = world()
    lead_user = p.users["specialist.huyen.noivu"]
    incoming, lead = secret_incoming_for(p, "specialist.huyen.noivu")
    f = services.case_file_open(actor=lead_user, plan_entry_id=entries[0].pk)
    services.documents_file(actor=lead_user, case_file_id=f.pk, document_ids=[incoming.pk])
    reply = outgoing(p, "Công văn trả lời", issued_on=dt.date(2018, 2, 20))
    processing.assignment_complete(actor=lead_user, assignment_id=lead.pk, result="Xong", reply_document_id=reply.pk)
    assert [(i.ordinal, i.document_id) for i in selectors.case_file_items(user=lead_user, case_file=f)] == [
        (1, incoming.pk), (2, reply.pk)]
    assert services.close_check(case_file=f) == []  # the work is done: nothing in processing any more
