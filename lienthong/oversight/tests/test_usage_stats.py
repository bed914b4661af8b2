"""Usage statistics per agency and month: a small province worked through the real services, then
the figures the Provincial Office would read on the dashboard."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from lienthong.accounts.models import Role
from lienthong.accounts.services import user_create
from lienthong.audit.models import AuditEntry
from lienthong.audit.services import audit_log
from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery
from lienthong.documents.models import Document, DocumentFile, DocumentStatus
from lienthong.documents.services import document_register_outgoing
from lienthong.oversight import selectors
from lienthong.oversight.models import AgencyMonthStats, LoginMonth
from lienthong.oversight.services import usage_stats_refresh
from lienthong.processing import services as processing
from lienthong.processing.models import Assignment, AssignmentRole, Handling
from lienthong.processing.tests.test_flow import issue_report
from lienthong.signing.models import FileVerification
from lienthong.testing.builders import doc_input, make_agency, pdf_upload

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MAR, APR = dt.date(2018, 3, 1), dt.date(2018, 4, 1)
TODAY = dt.date(2018, 4, 10)


def at(y, mo, d, h=10, mi=0):
    return dt.datetime(y, mo, d, h, mi, tzinfo=VN)


def completed(assignment_ids, when):
    """The work was done at ``when`` (the services stamp "now"; the scenario is in 2018)."""
    Assignment.objects.filter(pk__in=assignment_ids).update(completed_at=when)
    Handling.objects.filter(assignments__pk__in=assignment_ids, completed_at__isnull=False).update(completed_at=when)


def paper_incoming(p, *, received_on, text):
    return processing.incoming_register_paper(
        actor=p.users["clerk.huyen"], agency=p.agencies["huyen"],
        data=doc_input("cong-van", f"Công văn {text}", issued_on=received_on, files=[pdf_upload("cv.pdf", text)]),
        number_symbol=f"{received_on.month}{received_on.day:02d}/SYT-VP",
        issuer_name="Sở Y tế", received_on=received_on, today=TODAY)


def assign_lead(p, incoming, *, deadline, user="specialist.huyen"):
    u = p.users
    processing.handling_submit(actor=u["clerk.huyen"], handling_id=incoming.handling.pk, leader_id=u["leader.huyen"].pk)
    [lead] = processing.handling_assign(actor=u["leader.huyen"], handling_id=incoming.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u[user].pk, deadline=deadline)])
    return lead


def build_scenario(p):
    u = p.users
    # The commune issues a paper letter that is not sent through the system (5/3), a cancelled one
    # (never counted)…
    document_register_outgoing(actor=u["clerk.xa"], agency=p.agencies["xa"], today=TODAY,
                               data=doc_input("thong-bao", "Thông báo giấy", issued_on=dt.date(2018, 3, 5),
                                              files=[pdf_upload("tb.pdf", "giay")]))
    cancelled = document_register_outgoing(actor=u["clerk.xa"], agency=p.agencies["xa"], today=TODAY,
                                           data=doc_input("thong-bao", "Thông báo hủy", issued_on=dt.date(2018, 3, 6),
                                                          files=[pdf_upload("tb.pdf", "huy")]))
    Document.objects.filter(pk=cancelled.pk).update(status=DocumentStatus.CANCELLED)
    # …and a report to the district through the system (12/3), legally valid.
    _draft, report = issue_report(p)
    Document.objects.filter(pk=report.pk).update(legally_valid=True)

    # The district receives the report (12/3) with a valid signature; its lead part goes to the
    # department (deadline 20/3), which hands it to its specialist; done 19/3 → on time, 7 days.
    delivery = Delivery.objects.get(document=report)
    incoming = delivery_services.delivery_register(actor=u["clerk.huyen"], delivery_id=delivery.pk,
                                                   today=dt.date(2018, 3, 12))
    stored = DocumentFile.objects.filter(document=incoming).values_list("stored_file_id", flat=True)[0]
    FileVerification.objects.update_or_create(stored_file_id=stored, defaults={"status": "valid",
                                                                               "verified_at": timezone.now()})
    processing.handling_submit(actor=u["clerk.huyen"], handling_id=incoming.handling.pk, leader_id=u["leader.huyen"].pk)
    [unit_part] = processing.handling_assign(actor=u["leader.huyen"], handling_id=incoming.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, unit_id=p.units["noivu"].pk,
                                  deadline=dt.date(2018, 3, 20))])
    [person] = processing.assignment_delegate(actor=u["leader.huyen.noivu"], assignment_id=unit_part.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.huyen.noivu"].pk,
                                  deadline=dt.date(2018, 3, 19))])
    processing.assignment_complete(actor=u["specialist.huyen.noivu"], assignment_id=person.pk)
    completed([unit_part.pk, person.pk], at(2018, 3, 19))

    # A paper letter received 1/3, deadline 10/3, finished at 01:00 on 1/4 Vietnam time (still 31/3
    # in UTC): late, counted in April, and overdue at the end of March.
    late = paper_incoming(p, received_on=dt.date(2018, 3, 1), text="muon")
    lead = assign_lead(p, late, deadline=dt.date(2018, 3, 10))
    processing.assignment_complete(actor=u["specialist.huyen"], assignment_id=lead.pk)
    completed([lead.pk], at(2018, 4, 1, 1, 0))
    # A letter received 15/3, deadline 25/3, still open.
    still_open = paper_incoming(p, received_on=dt.date(2018, 3, 15), text="mo")
    assign_lead(p, still_open, deadline=dt.date(2018, 3, 25))
    for h in Handling.objects.all():  # assigned the day each arrived (the services stamp "now")
        Assignment.objects.filter(handling=h).update(assigned_at=at(h.received_on.year, h.received_on.month,
                                                                   h.received_on.day, 9))


def stats(p, key, month):
    return AgencyMonthStats.objects.get(agency=p.agencies[key], month=month)


def test_monthly_figures_of_a_small_province(province):
    p = province
    build_scenario(p)
    assert usage_stats_refresh(months=[MAR, APR], today=TODAY) == 2 * 5

    xa = stats(p, "xa", MAR)
    assert (xa.documents_issued, xa.issued_normal, xa.sent_electronically, xa.issued_e_doc,
            xa.issued_legally_valid) == (2, 2, 1, 1, 1)
    huyen_mar, huyen_apr = stats(p, "huyen", MAR), stats(p, "huyen", APR)
    assert (huyen_mar.documents_received, huyen_mar.received_signed_valid, huyen_mar.received_assigned) == (3, 1, 3)
    # Only the top of the lead tree counts: one part done in March (on time), one in April (late).
    assert (huyen_mar.assignments_completed, huyen_mar.completed_with_deadline,
            huyen_mar.completed_on_time) == (1, 1, 1)
    assert (huyen_apr.assignments_completed, huyen_apr.completed_on_time) == (1, 0)
    # End of March: the late one (done 1/4) and the open one were overdue; on 10/4 only the open one.
    assert (huyen_mar.overdue_open, huyen_apr.overdue_open) == (2, 1)
    assert (huyen_mar.handlings_completed, huyen_mar.median_processing_days) == (1, 7.0)
    assert (huyen_apr.handlings_completed, huyen_apr.median_processing_days) == (1, 31.0)
    assert stats(p, "ubnd", MAR).documents_issued == 0 and stats(p, "ubnd", MAR).median_processing_days is None
    assert huyen_mar.staff_accounts == 7  # clerk, leader, specialist + two heads and two specialists

    # The dashboard rows agree with the definitions of docs/indicators.md.
    rows = {r.agency_id: r for r in selectors.usage_overview(month_from=MAR, month_to=APR)}
    xa_row, huyen_row = rows[p.agencies["xa"].pk], rows[p.agencies["huyen"].pk]
    assert xa_row.documents_issued == 2 and xa_row.e_doc_share == 0.5 and xa_row.digital_sign_valid_share == 0.5
    assert huyen_row.documents_received == 3 and huyen_row.received_signed_valid_share == pytest.approx(1 / 3)
    assert huyen_row.e_case_share == 1.0 and huyen_row.on_time_share == 0.5
    assert huyen_row.overdue_items == 1 and huyen_row.median_processing_days == 7.0
    assert xa_row.on_time_share is None and xa_row.median_processing_days is None  # nothing to measure
    assert [r.agency_id for r in selectors.usage_overview(month_from=MAR, month_to=MAR,
                                                          agency_ids=[p.agencies["xa"].pk])] == [p.agencies["xa"].pk]

    trend = selectors.usage_trend(agency_id=p.agencies["huyen"].pk, months=[MAR, APR, dt.date(2018, 5, 1)])
    assert [(t.month, t.row.overdue_items, t.row.on_time_share) for t in trend] == [
        (MAR, 2, 1.0), (APR, 1, 0.0), (dt.date(2018, 5, 1), 0, None)]

    lag = selectors.laggards(thresholds={"e_doc_share": 0.8, "overdue_items": 0}, month_from=MAR, month_to=APR)
    assert {(x.row.agency_id, tuple(sorted(x.failed))) for x in lag} == {
        (p.agencies["xa"].pk, ("e_doc_share",)), (p.agencies["huyen"].pk, ("overdue_items",))}
    strict = selectors.laggards(thresholds={"e_doc_share": 0.8}, month_from=MAR, month_to=APR, missing_is_lagging=True)
    assert len(strict) == 5  # the others issued nothing: a missing share counts against them when asked


def test_refresh_is_idempotent(province):
    p = province
    build_scenario(p)
    usage_stats_refresh(months=[MAR, APR], today=TODAY)
    first = list(AgencyMonthStats.objects.order_by("agency_id", "month").values())
    usage_stats_refresh(months=[MAR, APR], today=TODAY)
    second = list(AgencyMonthStats.objects.order_by("agency_id", "month").values())
    assert len(second) == 10
    strip = lambda rows: [{k: v for k, v in r.items() if k != "computed_at"} for r in rows]  # noqa: E731
    assert strip(first) == strip(second)
    # A later change is picked up by the next run, in place.
    Document.objects.filter(agency=p.agencies["xa"], direction="out", legally_valid=False,
                            status=DocumentStatus.ACTIVE).update(legally_valid=True)
    usage_stats_refresh(months=[MAR], today=TODAY)
    assert AgencyMonthStats.objects.count() == 10 and stats(p, "xa", MAR).issued_legally_valid == 2


def test_active_users_and_month_boundaries_in_vietnam_time(province, client):
    p, u = province, province.users
    oct_, nov = dt.date(2026, 10, 1), dt.date(2026, 11, 1)
    xa = p.agencies["xa"].pk
    entries = [
        audit_log(actor=u["leader.xa"], action="viewed", obj_type="document", obj_id=1, agency_id=xa),
        audit_log(actor=u["specialist.xa"], action="viewed", obj_type="document", obj_id=1, agency_id=xa),
        audit_log(actor=u["clerk.huyen"], action="viewed", obj_type="document", obj_id=1, agency_id=xa),
    ]
    # 00:30 on 1/11 in Vietnam is still 31/10 in UTC: November. 23:30 on 31/10 in Vietnam: October.
    AuditEntry.objects.filter(pk=entries[0].pk).update(at=at(2026, 11, 1, 0, 30))
    AuditEntry.objects.filter(pk=entries[1].pk).update(at=at(2026, 10, 31, 23, 30))
    AuditEntry.objects.filter(pk=entries[2].pk).update(at=at(2026, 11, 2))  # not staff of the commune
    LoginMonth.objects.create(user=u["clerk.xa"], month=nov)
    usage_stats_refresh(months=[oct_, nov], today=dt.date(2026, 11, 20))
    o, n = stats(p, "xa", oct_), stats(p, "xa", nov)
    assert (o.staff_accounts, o.active_users, n.active_users) == (3, 1, 2)
    assert o.last_activity_at == at(2026, 10, 31, 23, 30) and n.last_activity_at == at(2026, 11, 2)
    row = selectors.usage_overview(month_from=nov, month_to=nov, agency_ids=[xa])[0]
    assert (row.active_user_share, row.unused_accounts) == (pytest.approx(2 / 3), 1)
    # A month without activity keeps the last activity seen before it.
    usage_stats_refresh(months=[dt.date(2026, 12, 1)], today=dt.date(2026, 12, 5))
    assert stats(p, "xa", dt.date(2026, 12, 1)).last_activity_at == at(2026, 11, 2)

    # Logging in records the month, once.
    client.force_login(u["specialist.vp"])
    client.force_login(u["specialist.vp"])
    this_month = timezone.localdate(timezone=ZoneInfo("Asia/Ho_Chi_Minh")).replace(day=1)
    assert list(LoginMonth.objects.filter(user=u["specialist.vp"]).values_list("month", flat=True)) == [this_month]


def test_queries_do_not_grow_with_agencies(province, django_assert_max_num_queries, django_assert_num_queries):
    p = province
    build_scenario(p)
    with django_assert_max_num_queries(20) as before:
        usage_stats_refresh(months=[MAR, APR], today=TODAY)
    n = len(before.captured_queries)
    level = p.agencies["xa"].level
    for i in range(15):
        agency = make_agency(f"Ủy ban nhân dân xã {i}", "UBND", level, parent=p.agencies["huyen"])
        clerk = user_create(username=f"clerk.xa{i}", password="x", full_name=f"Văn thư {i}",
                            positions=[(agency, Role.CLERK, "")])
        document_register_outgoing(actor=clerk, agency=agency, today=TODAY,
                                   data=doc_input("thong-bao", f"Thông báo {i}", issued_on=dt.date(2018, 3, 7)))
    with django_assert_num_queries(n):
        usage_stats_refresh(months=[MAR, APR], today=TODAY)
    assert AgencyMonthStats.objects.filter(month=MAR, documents_issued=1).count() >= 15
    with django_assert_max_num_queries(3):
        rows = selectors.usage_overview(month_from=MAR, month_to=APR)
    assert len(rows) == 20
    with django_assert_max_num_queries(3):
        selectors.laggards(thresholds={"on_time_share": 0.9}, month_from=MAR, month_to=APR)
    with django_assert_max_num_queries(2):
        selectors.usage_trend(agency_id=p.agencies["huyen"].pk, months=[MAR, APR])
