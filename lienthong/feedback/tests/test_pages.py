"""The pages of problem reports: the button and form of every page, the server error page's form, the operator who
opens no document, the operator's queue and the Provincial Office's monthly report with its công văn."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lienthong.accounts.services import api_token_issue, user_create
from lienthong.assessment.models import AssessmentAuthority, AuthorityKind
from lienthong.audit.models import AuditEntry
from lienthong.documents.services import document_register_outgoing
from lienthong.feedback import services
from lienthong.feedback.models import ProblemReport, Source, State
from lienthong.feedback.tests.test_services import png_bytes
from lienthong.testing.builders import PASSWORD, doc_input, make_agency, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return user_create(username="vanhanh", password=PASSWORD, full_name="Nhân viên vận hành", is_operator=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_every_page_has_the_button_and_the_report_returns_to_the_page(client, province, media):
    user = province.users["specialist.huyen"]
    client.force_login(user)
    page = client.get("/xu-ly/").content.decode()
    assert "data-fb-open" in page and 'id="fb-dialog"' in page and "html2canvas.min.js" in page
    response = client.post(reverse("feedback:new"), {
        "text": "Danh sách không lọc được", "page_url": "/xu-ly/?q=abc",
        "screenshot": SimpleUploadedFile("anh.png", png_bytes(), "image/png")}, HTTP_USER_AGENT="Mozilla/5.0 Test")
    assert response.status_code == 302 and response["Location"] == "/xu-ly/?q=abc"
    report = ProblemReport.objects.get()
    assert report.user_agent == "Mozilla/5.0 Test" and report.screenshot_type == "image/png"
    assert report.reporter_agency == province.agencies["huyen"]
    shot = client.get(reverse("feedback:screenshot", args=[report.pk]))
    assert shot.status_code == 200 and shot["Content-Type"] == "image/png"
    client.force_login(province.users["clerk.huyen"])  # not theirs: 404, as a missing one
    assert client.get(reverse("feedback:screenshot", args=[report.pk])).status_code == 404


def test_a_20_mb_screenshot_is_dropped_and_the_user_told(client, province, media):
    client.force_login(province.users["clerk.xa"])
    big = SimpleUploadedFile("anh.png", png_bytes(20 * 1024 * 1024), "image/png")
    response = client.post(reverse("feedback:new"), {"text": "Chậm", "page_url": "/", "screenshot": big},
                           follow=True)
    text = response.content.decode()
    assert "Đã gửi báo lỗi" in text and "không được đính kèm" in text
    assert ProblemReport.objects.get().screenshot_name == ""


def test_a_report_without_text_is_refused_with_a_message(client, province):
    client.force_login(province.users["clerk.xa"])
    response = client.post(reverse("feedback:new"), {"text": "  ", "page_url": "/"})
    assert response.status_code == 400 and "Hãy mô tả" in response.content.decode()
    assert not ProblemReport.objects.exists()


def test_the_server_error_page_offers_the_form_with_its_reference(client, province, settings):
    from django.test import RequestFactory

    from lienthong.core.error_views import server_error

    request = RequestFactory().get("/van-ban/5/")
    request.request_id = "req-42"
    page = server_error(request).content.decode()
    assert 'action="/gop-y/gui/"' in page and 'value="req-42"' in page and 'value="/van-ban/5/"' in page
    client.force_login(province.users["clerk.huyen"])
    form = client.get("/gop-y/gui/?ma-loi=req-42&trang=/van-ban/5/&text=Bấm+lưu+thì+lỗi").content.decode()
    assert "req-42" in form and "Bấm lưu thì lỗi" in form
    client.post(reverse("feedback:new"), {"text": "Bấm lưu thì lỗi", "request_id": "req-42", "page_url": "/van-ban/5/"})
    report = ProblemReport.objects.get()
    assert report.source == Source.ERROR_PAGE and report.request_id == "req-42"


def _document_addresses(document_id: int, file_id: int) -> list[str]:
    """Every page address of the site that takes a document id (and a file id), filled in."""
    out = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if "<int:document_id>" in route and "<" not in route.replace("<int:document_id>", "").replace(
                        "<int:file_id>", ""):
                    out.append("/" + route.replace("<int:document_id>", str(document_id))
                               .replace("<int:file_id>", str(file_id)).lstrip("^").rstrip("$"))
    walk(get_resolver().url_patterns, "")
    return out


def test_an_operator_opens_no_document_not_even_one_linked_from_a_report(client, province, operator, media):
    clerk = province.users["clerk.huyen"]
    doc = document_register_outgoing(actor=clerk, agency=province.agencies["huyen"], data=doc_input(
        "thong-bao", "Thông báo kết luận", files=[pdf_upload("tb.pdf", "Thong bao")]))
    file_id = doc.files.first().pk
    link = f"/van-ban/{doc.pk}/"
    services.report_create(user=clerk, text=f"Văn bản {link} không mở được", page_url=link)
    client.force_login(operator)
    assert "chỉ trả lời báo lỗi" in client.get("/").content.decode()  # the home page says what the account is for
    addresses = _document_addresses(doc.pk, file_id)
    assert link in addresses and len(addresses) > 5
    api = Client(headers={"Authorization": f"Bearer {api_token_issue(user=operator)}"})
    pages, actions = {}, {}
    for address in addresses:
        asker = api if address.startswith("/api/") else client
        response = asker.get(address)
        if response.status_code != 405:
            pages[address] = response.status_code
            continue
        # An action (POST only), sent empty: refused for its missing fields (422, or back to the document's page,
        # itself a 404) before anything is read, or 404; never done.
        response = (asker.post(address, {}, content_type="application/json") if asker is api
                    else asker.post(address, {}))
        if response.status_code == 302:
            assert client.get(response["Location"]).status_code == 404, address
        else:
            actions[address] = response.status_code
    assert {a: s for a, s in pages.items() if s != 404} == {}
    assert {a: s for a, s in actions.items() if s not in (404, 422)} == {}
    denied = AuditEntry.objects.filter(action="denied", object_type="document", object_id=str(doc.pk),
                                       actor_id=operator.pk)
    assert denied.exists()  # logged
    # The report itself, with the link as text: the operator reads it.
    detail = client.get(reverse("feedback:operator_detail", args=[ProblemReport.objects.get().pk]))
    assert detail.status_code == 200 and link in detail.content.decode()


def test_operator_queue_filters_at_a_constant_number_of_queries(client, province, operator,
                                                                django_assert_max_num_queries):
    for i, who in enumerate(("clerk.xa", "specialist.huyen", "leader.vp") * 4):
        services.report_create(user=province.users[who], text=f"Báo lỗi {i}")
    client.force_login(operator)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("feedback:queue") + f"?agency={province.agencies['xa'].pk}&severity=medium")
    assert page.status_code == 200 and page.content.decode().count("Báo lỗi ") >= 4
    assert "Báo lỗi cần xử lý" in page.content.decode()  # the operator's menu entry
    client.force_login(province.users["clerk.xa"])
    assert client.get(reverse("feedback:queue")).status_code == 403
    report = ProblemReport.objects.first()
    assert client.post(reverse("feedback:operator_detail", args=[report.pk]),
                       {"action": "answer", "answer": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.state == State.NEW


@pytest.fixture
def office(province):
    AssessmentAuthority.objects.create(agency=province.agencies["vp"], kind=AuthorityKind.OFFICE)
    contractor = make_agency("Công ty Cổ phần Phần mềm Liên Thông", "LTS", province.agencies["ubnd"].level,
                             external=True, short_name="Nhà thầu phần mềm")
    return province, contractor


def test_monthly_report_and_its_letter_to_the_contractor(client, office, operator):
    from django.utils import timezone

    from lienthong.drafting.models import Draft

    province, contractor = office
    report, _n = services.report_create(user=province.users["clerk.xa"], text="Không gửi được")
    services.report_answer(actor=operator, report_id=report.pk, text="Đã nhận")
    client.force_login(province.users["clerk.vp"])
    month = timezone.localdate().strftime("%Y-%m")
    page = client.get(reverse("oversight:feedback_report") + f"?thang={month}").content.decode()
    assert "Phản hồi đúng hạn" in page and "Ủy ban nhân dân xã Vị Thắng" in page
    assert "Soạn công văn gửi nhà thầu" in page
    dashboard = client.get(reverse("oversight:dashboard")).content.decode()
    assert "data-fb-tile" in dashboard
    response = client.post(reverse("oversight:feedback_letter") + f"?thang={month}",
                           {"contractor": contractor.pk, "signer": province.users["leader.vp"].pk})
    draft = Draft.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("drafting:detail", args=[draft.pk])
    assert "khắc phục lỗi" in draft.subject
    assert list(draft.recipients.values_list("agency_id", flat=True)) == [contractor.pk]
    client.force_login(province.users["clerk.xa"])
    assert client.get(reverse("oversight:feedback_report")).status_code == 403
