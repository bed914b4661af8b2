"""Who may see which report page, and report builds through the background job."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from lienthong.accounts.models import Role
from lienthong.accounts.services import user_create
from lienthong.core.tests.test_i18n import compiled_messages  # noqa: F401  (fixture: the .mo files exist)
from lienthong.reports import selectors, services
from lienthong.reports.models import BuildState, ReportBuild
from lienthong.testing.builders import PASSWORD, make_agency

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _as(client, user):
    client.force_login(user)
    return client


def _urls(campaign, agency_id):
    return {
        "campaign": reverse("reports:campaign", args=[campaign.pk]),
        "chart": reverse("reports:chart", args=[campaign.pk, "chi-so-theo-nhom"]),
        "sheet": reverse("reports:unit_sheet", args=[campaign.pk, agency_id]),
        "sheet_pdf": reverse("reports:unit_sheet_pdf", args=[campaign.pk, agency_id]),
    }


@pytest.mark.parametrize("who", ["specialist.stttt", "clerk.vp", "leader.ubnd"])
def test_council_office_and_approver_see_reports_once_computed(client, computed, who):
    p, council, campaign = computed
    urls = _urls(campaign, p.agencies["huyen"].pk)
    c = _as(client, p.users[who])
    page = c.get(urls["campaign"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "Báo cáo kết quả đánh giá, xếp hạng mức độ ứng dụng CNTT năm 2017" in body
    assert "Ủy ban nhân dân huyện Vị Thủy" in body and "Cấp xã chưa thuộc phạm vi đánh giá năm 2017" in body
    chart = c.get(urls["chart"])
    assert chart.status_code == 200 and chart["Content-Type"] == "image/png" and chart.content[:4] == b"\x89PNG"
    sheet = c.get(urls["sheet"])
    assert sheet.status_code == 200 and "Phiếu kết quả" in sheet.content.decode()


def test_nothing_before_results_are_computed(client, computed):
    p, council, campaign = computed
    campaign.results_computed_at = None
    campaign.save(update_fields=["results_computed_at"])
    page = _as(client, council).get(reverse("reports:campaign", args=[campaign.pk]))
    assert page.status_code == 403 and escape(str(selectors.NOT_COMPUTED)) in page.content.decode()


def test_unit_sees_nothing_before_publication(client, computed):
    p, council, campaign = computed
    urls = _urls(campaign, p.agencies["huyen"].pk)
    c = _as(client, p.users["leader.huyen"])
    for name in ("campaign", "chart", "sheet", "sheet_pdf"):
        assert c.get(urls[name]).status_code == 403, name
    assert escape(str(selectors.SHEET_AFTER_PUBLICATION)) in c.get(urls["sheet"]).content.decode()
    # approved but not yet published: still nothing (the contract waits for publication)
    from lienthong.assessment import services as assessment

    assessment.campaign_approve(actor=p.users["leader.ubnd"], campaign=campaign)
    assert c.get(urls["sheet"]).status_code == 403


def test_unit_sees_only_its_own_sheet_after_publication(client, published):
    p, council, campaign = published
    own = _urls(campaign, p.agencies["huyen"].pk)
    other = _urls(campaign, p.agencies["stttt"].pk)
    c = _as(client, p.users["clerk.huyen"])
    sheet = c.get(own["sheet"])
    assert sheet.status_code == 200
    body = sheet.content.decode()
    assert "Ủy ban nhân dân huyện Vị Thủy" in body and "Tốt" in body and "1/1" in body
    pdf = c.get(own["sheet_pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    assert c.get(other["sheet"]).status_code == 403
    assert c.get(other["sheet_pdf"]).status_code == 403
    # the province-wide report stays with the council, approver and office
    assert c.get(own["campaign"]).status_code == 403
    assert c.get(own["chart"]).status_code == 403


def test_outsider_and_unknown_are_not_found(client, published):
    p, council, campaign = published
    outside = make_agency("Sở Y tế tỉnh Hậu Giang", "SYT", p.agencies["vp"].level, code="000.00.20.H30")
    stranger = user_create(username="clerk.syt", password=PASSWORD, full_name="Văn thư Sở Y tế",
                           positions=[(outside, Role.CLERK, "")])
    urls = _urls(campaign, p.agencies["huyen"].pk)
    c = _as(client, stranger)
    assert c.get(urls["campaign"]).status_code == 404
    assert c.get(urls["sheet"]).status_code == 404
    c = _as(client, council)
    assert c.get(reverse("reports:unit_sheet", args=[campaign.pk, outside.pk])).status_code == 404
    assert c.get(reverse("reports:chart", args=[campaign.pk, "khong-co"])).status_code == 404
    client.logout()
    assert client.get(urls["campaign"]).status_code == 302  # to the login page


def test_unit_sheet_shows_weak_categories_and_recommendations(client, computed):
    p, council, campaign = computed
    body = _as(client, council).get(
        reverse("reports:unit_sheet", args=[campaign.pk, p.agencies["stttt"].pk])).content.decode()
    assert "Nhân lực cho ứng dụng CNTT" in body and "chưa đạt" in body
    assert "Bố trí cán bộ chuyên trách CNTT" in body
    assert "2/2" in body  # rank in its group of two


@pytest.mark.parametrize("fmt, content_type, magic", [("docx", DOCX, b"PK"), ("xlsx", XLSX, b"PK"),
                                                      ("pdf", "application/pdf", b"%PDF-")])
def test_build_runs_through_the_job_with_progress_and_download(client, computed, fmt, content_type, magic,
                                                               django_capture_on_commit_callbacks):
    p, council, campaign = computed
    c = _as(client, p.users["clerk.vp"])  # the office may build too
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("reports:build", args=[campaign.pk]), {"format": fmt})
    assert r.status_code == 302
    build = ReportBuild.objects.get()
    assert (build.state, build.progress, build.format, build.requested_by) == (BuildState.DONE, 100, fmt,
                                                                               p.users["clerk.vp"])
    assert build.started_at and build.finished_at and build.size > 1000
    status = c.get(reverse("reports:build_status", args=[build.pk])).content.decode()
    assert "Hoàn thành" in status and reverse("reports:download", args=[build.pk]) in status
    assert "hx-trigger" not in status  # finished: the fragment stops polling
    page = c.get(reverse("reports:campaign", args=[campaign.pk])).content.decode()
    assert build.filename in page
    download = c.get(reverse("reports:download", args=[build.pk]))
    assert download.status_code == 200 and download["Content-Type"] == content_type
    data = b"".join(download.streaming_content)
    assert data[: len(magic)] == magic and len(data) == build.size
    assert f'filename="{build.filename}"' in download["Content-Disposition"] and build.filename.endswith(f".{fmt}")


def test_queued_build_shows_a_polled_progress_bar(client, computed):
    p, council, campaign = computed
    c = _as(client, council)
    r = c.post(reverse("reports:build", args=[campaign.pk]), {"format": "docx"})  # on_commit not run: stays queued
    assert r.status_code == 302
    build = ReportBuild.objects.get()
    assert build.state == BuildState.QUEUED
    ReportBuild.objects.filter(pk=build.pk).update(state=BuildState.RUNNING, progress=42, message="Đang vẽ biểu đồ")
    fragment = c.get(reverse("reports:build_status", args=[build.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'aria-valuenow="42"' in fragment and "Đang vẽ biểu đồ" in fragment
    assert c.get(reverse("reports:download", args=[build.pk])).status_code == 404  # no file yet


def test_failed_build_is_shown_in_vietnamese(client, computed, monkeypatch, django_capture_on_commit_callbacks):
    p, council, campaign = computed

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("lienthong.reports.services.province_report_bytes", broken)
    c = _as(client, council)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("reports:build", args=[campaign.pk]), {"format": "pdf"})
    build = ReportBuild.objects.get()
    assert build.state == BuildState.FAILED and not build.file
    page = c.get(reverse("reports:campaign", args=[campaign.pk])).content.decode()
    assert escape(str(services.SYSTEM_FAILURE)) in page and "disk full" not in page
    assert c.get(reverse("reports:download", args=[build.pk])).status_code == 404


def test_unit_people_cannot_build_or_download(client, published, django_capture_on_commit_callbacks):
    p, council, campaign = published
    with django_capture_on_commit_callbacks(execute=True):
        _as(client, council).post(reverse("reports:build", args=[campaign.pk]), {"format": "xlsx"})
    build = ReportBuild.objects.get()
    c = _as(client, p.users["leader.huyen"])
    assert c.post(reverse("reports:build", args=[campaign.pk]), {"format": "xlsx"}).status_code == 403
    assert ReportBuild.objects.count() == 1
    assert c.get(reverse("reports:download", args=[build.pk])).status_code == 403
    assert c.get(reverse("reports:build_status", args=[build.pk])).status_code == 403


def test_bad_format_is_refused(client, computed):
    p, council, campaign = computed
    c = _as(client, council)
    r = c.post(reverse("reports:build", args=[campaign.pk]), {"format": "exe"}, follow=True)
    assert escape(str(services.BAD_FORMAT)) in r.content.decode()
    assert not ReportBuild.objects.exists()


def test_report_page_query_count_does_not_grow_with_builds(client, computed, django_assert_max_num_queries):
    p, council, campaign = computed
    c = _as(client, council)
    for _i in range(5):
        ReportBuild.objects.create(campaign=campaign, format="pdf", requested_by=council)
    c.get(reverse("reports:campaign", args=[campaign.pk]))
    with django_assert_max_num_queries(20):
        assert c.get(reverse("reports:campaign", args=[campaign.pk])).status_code == 200


def test_a_build_the_worker_never_took_says_so_and_stops_polling(client, computed):
    import datetime as dt

    from django.utils import timezone

    p, council, campaign = computed
    build = ReportBuild.objects.create(campaign=campaign, format="docx", requested_by=council)
    ReportBuild.objects.filter(pk=build.pk).update(requested_at=timezone.now() - dt.timedelta(hours=1))
    fragment = _as(client, council).get(reverse("reports:build_status", args=[build.pk])).content.decode()
    assert "bộ xử lý nền (qcluster) có thể đang dừng" in fragment and "hx-trigger" not in fragment


def test_the_counters_read_as_sentences_in_both_languages(compiled_messages, client, computed, settings):  # noqa: F811
    import lxml.html

    p, council, campaign = computed
    c = _as(client, council)

    def figures():
        tree = lxml.html.fromstring(c.get(reverse("reports:campaign", args=[campaign.pk])).content.decode())
        return [" ".join(f.text_content().split()) for f in tree.xpath("//div[@class='fig']")]

    vietnamese = figures()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = figures()
    numbers = [f.split()[0] for f in vietnamese]
    assert all(n.isdigit() for n in numbers) and [f.split()[0] for f in english] == numbers
    assert vietnamese[0] == f"{numbers[0]} đơn vị được đánh giá"
    assert english[0] == f"{numbers[0]} assessed unit{'' if numbers[0] == '1' else 's'}"
    assert english[2] == f"{numbers[2]} unit group{'' if numbers[2] == '1' else 's'}"


def test_the_unit_sheet_pdf_stays_vietnamese_when_the_interface_is_english(
        compiled_messages, client, published, settings, tmp_path):  # noqa: F811
    import subprocess

    p, council, campaign = published
    urls = _urls(campaign, p.agencies["huyen"].pk)
    c = _as(client, p.users["clerk.huyen"])
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = c.get(urls["sheet"]).content.decode()
    assert "Thứ hạng trong nhóm" not in page  # the web page follows the interface language
    path = tmp_path / "sheet.pdf"
    path.write_bytes(c.get(urls["sheet_pdf"]).content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                                   text=True).stdout.split())
    for words in ("PHIẾU KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG MỨC ĐỘ ỨNG DỤNG CNTT", "Thứ hạng trong nhóm", "Tổng điểm"):
        assert words in text, words
