"""Problem reports: screenshots (kept, too large, not an image), the operator's triage with notifications, the SLA
figures of a month and the grouping of the reports the system opens from unhandled errors."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lienthong.accounts.services import user_create
from lienthong.audit.models import AuditEntry
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.feedback import selectors, services
from lienthong.feedback.models import Kind, ProblemReport, Severity, SlaTarget, Source, State
from lienthong.notifications.models import Notification
from lienthong.testing.builders import PASSWORD

pytestmark = pytest.mark.django_db


def png_bytes(size: int = 0) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, format="PNG")
    data = buf.getvalue()
    if size > len(data):  # a valid PNG with trailing bytes: large, still an image
        data += b"\0" * (size - len(data))
    return data


@pytest.fixture
def operator(db):
    return user_create(username="vanhanh", password=PASSWORD, full_name="Nhân viên vận hành", is_operator=True)


@pytest.fixture
def reporter(province):
    return province.users["specialist.huyen"]


T0 = dt.datetime(2018, 3, 5, 8, 0, tzinfo=dt.UTC)


def test_report_keeps_page_role_agency_browser_and_screenshot(province, reporter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report, note = services.report_create(
        user=reporter, text="  Nút Lưu không phản hồi ", page_url="/van-ban/12/?tab=xu-ly",
        user_agent="Mozilla/5.0 Chrome", screenshot=SimpleUploadedFile("s.png", png_bytes(), "image/png"))
    assert note == ""
    assert report.text == "Nút Lưu không phản hồi"
    assert report.reporter_agency == province.agencies["huyen"]
    assert report.reporter_role.startswith("Chuyên viên")
    assert report.page_url == "/van-ban/12/?tab=xu-ly" and report.user_agent == "Mozilla/5.0 Chrome"
    assert report.screenshot_type == "image/png" and (tmp_path / report.screenshot_name).exists()
    assert report.response_due_at - report.created_at == dt.timedelta(hours=24)  # medium: seeded 24 h
    assert AuditEntry.objects.filter(action="feedback.reported", object_id=str(report.pk)).exists()
    assert [o.sha256 for o in selectors.stored_screenshots()] == [report.screenshot_sha256]


def test_a_20_mb_screenshot_is_left_out_and_the_report_kept(reporter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("s.png", png_bytes(20 * 1024 * 1024), "image/png")
    report, note = services.report_create(user=reporter, text="Trang chậm", screenshot=big)
    assert "lớn hơn giới hạn" in note and "vẫn được ghi nhận" in note
    assert report.pk and report.screenshot_name == ""
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # nothing of it written


def test_a_screenshot_that_is_not_an_image_is_left_out(reporter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report, note = services.report_create(user=reporter, text="Lỗi", screenshot=SimpleUploadedFile(
        "s.png", b"%PDF-1.4 not a picture", "image/png"))
    assert "không phải ảnh PNG hoặc JPEG" in note and report.screenshot_name == ""


def test_empty_text_is_refused_and_nothing_stored(reporter):
    with pytest.raises(ValidationFailed) as err:
        services.report_create(user=reporter, text="   ")
    assert "Hãy mô tả" in str(err.value.as_dict())
    assert not ProblemReport.objects.exists()


def test_operator_triage_notifies_the_reporter_at_each_step(reporter, operator):
    report, _note = services.report_create(user=reporter, text="Không in được sổ", now=T0)
    services.report_classify(actor=operator, report_id=report.pk, kind=Kind.DEFECT, severity=Severity.HIGH)
    report.refresh_from_db()
    assert report.response_due_at == T0 + dt.timedelta(hours=8)  # high: re-graded from when it came in
    services.report_answer(actor=operator, report_id=report.pk, text="Đã tái hiện, đang sửa.",
                           now=T0 + dt.timedelta(hours=2))
    services.report_mark_fixed(actor=operator, report_id=report.pk, release="2.4.1", now=T0 + dt.timedelta(hours=30))
    report.refresh_from_db()
    assert report.state == State.FIXED and report.fixed_in == "2.4.1"
    assert report.first_response_at == T0 + dt.timedelta(hours=2)
    titles = list(Notification.objects.filter(user=reporter).values_list("title", flat=True))
    assert any("trả lời" in t for t in titles) and any("2.4.1" in t for t in titles)
    # "Still broken": the reporter's reply reopens it, back in the operator's open queue, the fix to be measured again.
    services.report_reply(user=reporter, report_id=report.pk, text="Vẫn không in được")
    report.refresh_from_db()
    assert (report.state, report.fixed_at, report.fixed_in) == (State.IN_PROGRESS, None, "")
    assert report in selectors.operator_queue(user=operator, open_only=True)
    services.report_close(actor=operator, report_id=report.pk)
    with pytest.raises(ValidationFailed):
        services.report_answer(actor=operator, report_id=report.pk, text="nữa")


def test_only_an_operator_triages_and_a_reporter_sees_only_their_own(province, reporter, operator):
    report, _note = services.report_create(user=reporter, text="Góp ý giao diện")
    other = province.users["clerk.huyen"]
    for call in (lambda: services.report_answer(actor=reporter, report_id=report.pk, text="x"),
                 lambda: services.report_classify(actor=other, report_id=report.pk, kind=Kind.SUGGESTION),
                 lambda: services.report_mark_fixed(actor=other, report_id=report.pk, release="1"),
                 lambda: selectors.operator_queue(user=reporter)):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(NotFound):
        selectors.report_for_reporter(user=other, report_id=report.pk)
    assert list(selectors.reports_of(user=reporter)) == [report]


def test_an_operator_holds_no_position_and_sees_no_document(province, operator):
    from lienthong.accounts.models import Position, Role
    from lienthong.documents.selectors import documents_visible_to

    # Even a position given by hand in the admin gives an operator nothing.
    Position.objects.create(user=operator, agency=province.agencies["huyen"], role=Role.CLERK)
    assert documents_visible_to(user=operator).count() == 0
    with pytest.raises(ValidationFailed):
        user_create(username="vh2", password=PASSWORD, full_name="x", is_operator=True,
                    positions=[(province.agencies["huyen"], Role.CLERK, "")])


# --- SLA ----------------------------------------------------------------------------------------------

def _report(reporter, *, at, severity=Severity.MEDIUM, kind=Kind.DEFECT, answered=None, fixed=None, operator=None):
    report, _n = services.report_create(user=reporter, text="x", now=at)
    services.report_classify(actor=operator, report_id=report.pk, kind=kind, severity=severity)
    if answered is not None:
        services.report_answer(actor=operator, report_id=report.pk, text="ok", now=at + answered)
    if fixed is not None:
        services.report_mark_fixed(actor=operator, report_id=report.pk, release="2.0", now=at + fixed)
    return report


def test_month_report_counts_sla_met_missed_and_pending_by_severity_and_agency(province, reporter, operator):
    SlaTarget.objects.filter(severity=Severity.CRITICAL).update(response_hours=4, fix_hours=24)
    h = dt.timedelta(hours=1)
    kw = {"operator": operator}
    _report(reporter, at=T0, severity=Severity.CRITICAL, answered=3 * h, fixed=20 * h, **kw)    # both met
    _report(reporter, at=T0, severity=Severity.CRITICAL, answered=5 * h, fixed=30 * h, **kw)    # both missed
    _report(reporter, at=T0, severity=Severity.CRITICAL, **kw)                                   # missed by now
    _report(reporter, at=T0, severity=Severity.LOW, kind=Kind.SUGGESTION, answered=10 * h, **kw)  # met, no fix
    clerk_xa = province.users["clerk.xa"]
    _report(clerk_xa, at=T0 + dt.timedelta(days=40), severity=Severity.LOW, kind=Kind.SUGGESTION, **kw)  # April
    now = T0 + dt.timedelta(days=3)
    month = selectors.month_report(month=dt.date(2018, 3, 1), now=now)
    critical = next(r for r in month.by_severity if r.key == Severity.CRITICAL)
    assert (critical.total, critical.response_met, critical.response_missed, critical.response_pending) == (3, 1, 2, 0)
    assert (critical.fix_met, critical.fix_missed, critical.fix_pending) == (1, 2, 0)
    low = next(r for r in month.by_severity if r.key == Severity.LOW)
    assert (low.total, low.response_met, low.fix_met + low.fix_missed + low.fix_pending) == (1, 1, 0)
    assert month.total.total == 4 and month.total.response_rate == pytest.approx(2 / 4)
    assert month.total.fix_rate == pytest.approx(1 / 3)
    assert [(r.label, r.total) for r in month.by_agency] == [(province.agencies["huyen"].name, 4)]
    # Open defects by age, as of now: only the third critical one (3 days old); the two fixed ones are not open.
    assert month.open_by_age == {"under_7": 1, "under_30": 0, "over_30": 0}


def test_month_report_reads_a_constant_number_of_queries(reporter, operator, django_assert_max_num_queries):
    for i in range(6):
        _report(reporter, at=T0 + dt.timedelta(hours=i), operator=operator)
    with django_assert_max_num_queries(5):
        selectors.month_report(month=dt.date(2018, 3, 1), now=T0 + dt.timedelta(days=1))


# --- Automatic reports from errors, grouped by cause -----------------------------------------------------

TRACE = '''Traceback (most recent call last):
  File "/usr/lib/python3/site-packages/django/core/handlers/base.py", line 197, in _get_response
  File "/srv/app/lienthong/documents/views.py", line %d, in document_detail
ZeroDivisionError: division by zero'''


def test_errors_of_one_cause_group_into_one_open_report_and_reopen_anew_after_a_fix(operator):
    first = services.report_from_error(exception_type="ZeroDivisionError", traceback=TRACE % 10, path="/van-ban/1/",
                                       request_id="r1", now=T0)
    again = services.report_from_error(exception_type="ZeroDivisionError", traceback=TRACE % 12, path="/van-ban/2/",
                                       request_id="r2", now=T0 + dt.timedelta(minutes=5))
    other = services.report_from_error(exception_type="KeyError", traceback=TRACE % 10, now=T0)
    assert again.pk == first.pk and other.pk != first.pk
    first.refresh_from_db()
    assert first.occurrences == 2 and first.last_seen_at == T0 + dt.timedelta(minutes=5)
    assert first.source == Source.AUTOMATIC and first.kind == Kind.DEFECT
    assert "documents/views.py:document_detail" in first.cause
    services.report_mark_fixed(actor=operator, report_id=first.pk, release="2.5.0")
    regression = services.report_from_error(exception_type="ZeroDivisionError", traceback=TRACE % 10,
                                            now=T0 + dt.timedelta(days=2))
    assert regression.pk != first.pk and regression.previous_id == first.pk and "2.5.0" in regression.text
    first.refresh_from_db()
    assert first.state == State.FIXED and first.occurrences == 2  # the fixed one's figures stay


def test_an_unhandled_request_error_opens_a_report_through_monitoring(client, province):
    from lienthong.monitoring.services import error_record_request

    class Req:
        method, path, request_id = "GET", "/xu-ly/", "abc123"
        user = province.users["clerk.huyen"]

    try:
        raise ValueError("boom")
    except ValueError:
        error_record_request(Req())
        error_record_request(Req())
    report = ProblemReport.objects.get(source=Source.AUTOMATIC)
    assert report.occurrences == 2 and report.request_id == "abc123" and "clerk.huyen" in report.text


def test_operator_open_count_and_dashboard_figures(reporter, operator):
    services.report_create(user=reporter, text="a")
    assert selectors.operator_open_count(user=operator) == 1
    assert selectors.operator_open_count(user=reporter) == 0
    figures = selectors.dashboard_figures(now=timezone.now())
    assert figures.open_defects == 1
