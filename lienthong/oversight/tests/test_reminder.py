"""The "công văn đôn đốc": from the laggards highlighted on the dashboard the Provincial Office ticks the
agencies and with one POST gets a draft công văn carrying each agency's figures, which then goes the
normal outgoing way (submit, format check, approval, signature, number, seal, issue) and arrives at
exactly those agencies. Bad choices are explained in Vietnamese and store nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from lienthong.accounts.models import Position
from lienthong.accounts.services import user_create
from lienthong.core.tests.test_i18n import compiled_messages  # noqa: F401  (fixture: the .mo files exist)
from lienthong.delivery.models import Delivery, DeliveryState
from lienthong.drafting.models import Draft, DraftFile, DraftState
from lienthong.oversight import services
from lienthong.oversight.forms import AGENCY_LIST_INVALID, PERIOD_REVERSED, ReminderForm
from lienthong.oversight.models import AgencyMonthStats
from lienthong.oversight.tests.test_dashboard import FEB, JAN, MAR, NO_THRESHOLDS, PERIOD
from lienthong.oversight.views import REMINDER_DRAFTED
from lienthong.testing.builders import PASSWORD


def docx_text(data: bytes) -> str:
    """The Word document's text as read in order: paragraphs, then each table's rows (cells joined by spaces)."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            seen = []
            for cell in row.cells:
                if cell._tc not in seen:
                    seen.append(cell._tc)
                    parts.append(cell.text)
    return "\n".join(parts)

pytestmark = pytest.mark.django_db
THRESHOLDS = "&min_active=50&min_electronic=80&max_overdue=5"
URL = reverse("oversight:reminder_draft") + PERIOD + THRESHOLDS


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def page_of(response):
    return lxml_html.fromstring(response.content.decode())


def messages_of(response) -> list[str]:
    return [" ".join(li.text_content().split()) for li in page_of(response).xpath("//ul[@class='messages']/li")]


@pytest.fixture
def laggards(office):
    """The district fails three thresholds (active users 2/10, sent electronically 15/60, 7 overdue), the
    commune only the electronic one (30/60); Sở TT&TT passes. The Office's leader is a deputy."""
    AgencyMonthStats.objects.filter(agency=office.agencies["xa"]).update(sent_electronically=10)
    Position.objects.filter(user=office.users["leader.vp"]).update(title="Phó Chánh Văn phòng")
    return office


def future(days=20) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_the_dashboard_offers_the_laggards_ticked(laggards, client):
    a = laggards.agencies
    client.force_login(laggards.users["specialist.vp"])
    page = page_of(client.get(f"/giam-sat/{PERIOD}{THRESHOLDS}"))
    [form] = page.xpath("//form[@id='reminder-form']")
    assert form.get("action") == URL
    assert form.xpath(".//select[@name='signer']/option/text()") == ["Lãnh đạo vp – Phó Chánh Văn phòng"]
    ticked = page.xpath("//input[@form='reminder-form'][@name='agency']")
    assert {(i.get("value"), i.get("checked")) for i in ticked} == {(str(a["huyen"].pk), "checked"),
                                                                   (str(a["xa"].pk), "checked")}
    # Thresholds cleared: nobody to remind; the action stays in view, disabled, and says why.
    page = page_of(client.get(f"/giam-sat/{PERIOD}{NO_THRESHOLDS}"))
    assert not page.xpath("//input[@name='agency']")
    [button] = page.xpath("//form[@id='reminder-form']//button[@type='submit']")
    assert button.get("disabled") is not None
    assert "Không có cơ quan nào dưới ngưỡng trong kỳ này" in page.text_content()


def test_reminder_goes_the_outgoing_way_to_the_agencies_chosen(laggards, client):
    from lienthong.signing.tests.flow_setup import AGENCY_PIN, PERSONAL_PIN, add_credential, trust_demo_ca

    p, a, u = laggards, laggards.agencies, laggards.users
    client.force_login(u["specialist.vp"])
    response = client.post(URL, {"agency": [a["xa"].pk, a["huyen"].pk], "signer": u["leader.vp"].pk,
                                 "reply_by": future()})
    draft = Draft.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("drafting:detail", args=[draft.pk])
    assert (draft.agency_id, draft.state, draft.document_type.code, draft.created_by_id) == (
        a["vp"].pk, DraftState.DRAFTING, "cong-van", u["specialist.vp"].pk)
    assert draft.subject == "V/v đôn đốc sử dụng Hệ thống quản lý văn bản và điều hành"
    assert (draft.signer_id, draft.signer_authority, draft.signer_position) == (
        u["leader.vp"].pk, "KT.", "Phó Chánh Văn phòng")
    # Recipients in the dashboard's order (district before commune), whatever the order ticked.
    assert [r.agency_id for r in draft.recipients.order_by("order")] == [a["huyen"].pk, a["xa"].pk]
    assert draft.recipients_text == ("Nơi nhận:\n- Ủy ban nhân dân huyện Vị Thủy;\n- Ủy ban nhân dân xã Vị Thắng;\n"
                                     "- Lưu: VT.")
    page = client.get(response["Location"])
    assert messages_of(page) == [REMINDER_DRAFTED % {"n": 2}]

    # Version 1: the letter as an editable Word document; version 2, the one signed: the PDF made from it.
    editable, generated = DraftFile.objects.filter(draft=draft, role="draft").order_by("version")
    assert (editable.version, editable.filename, generated.version, generated.filename) == (
        1, "cong-van-don-doc.docx", 2, "cong-van-don-doc.pdf")

    def download(row) -> bytes:
        answer = client.get(reverse("drafting:file", args=[draft.pk, row.pk]))
        return b"".join(answer.streaming_content) if answer.streaming else answer.content

    text = " ".join(pdf_text(download(generated)).split())
    word = " ".join(docx_text(download(editable)).split())
    for expected in ("UBND TỈNH HẬU GIANG", "VĂN PHÒNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "/VP.UBND", "V/v đôn đốc sử dụng Hệ thống",
                     "Hậu Giang, ngày", "Kính gửi:", "- Ủy ban nhân dân huyện Vị Thủy;",
                     "- Ủy ban nhân dân xã Vị Thắng.",
                     "từ tháng 01/2018 đến tháng 03/2018",
                     # the district: 2 of 10 users, 15/60 sent electronically, 12/60 signed, 7 overdue
                     "2/10 25% 20% 7", "Người dùng hoạt động: 20% (tối thiểu 50%)", "Việc quá hạn: 7 (tối đa 5)",
                     # the commune: only the electronic share fails
                     "8/10 50%", "Gửi điện tử: 50% (tối thiểu 80%)",
                     "Khẩn trương giải quyết dứt điểm", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Lãnh đạo vp",
                     "Nơi nhận:", "- Như trên;", "- Lưu: VT."):
        assert expected in text, expected
        assert expected in word, expected
    assert "Sở Thông tin" not in text and "Sở Thông tin" not in word  # not a laggard, not in the letter

    # The normal outgoing flow: submit → format check → approval → signature → number → seal and issue.
    act = lambda action: reverse("drafting:act", args=[draft.pk, action])  # noqa: E731
    trust_demo_ca()
    add_credential(user=u["leader.vp"])
    add_credential(agency=a["vp"], pin=AGENCY_PIN)
    assert client.post(act("submit"), {"submit-note": "Kính trình"}).status_code == 302
    client.force_login(u["clerk.vp"])
    assert client.post(act("format_ok"), {}).status_code == 302
    client.force_login(u["leader.vp"])
    assert client.post(act("approve"), {"approve-urgency": "normal", "approve-note": "Đồng ý"}).status_code == 302
    assert client.post(act("sign"), {"sign-method": "pades", "sign-pin": PERSONAL_PIN}).status_code == 302
    client.force_login(u["clerk.vp"])
    assert client.post(act("number"), {"number-register": ""}).status_code == 302
    assert client.post(act("seal"), {"seal-method": "pades", "seal-pin": AGENCY_PIN, "seal-issue": "on"}
                       ).status_code == 302
    draft.refresh_from_db()
    assert draft.state == DraftState.ISSUED
    assert draft.document.number_symbol == "01/VP.UBND"
    deliveries = Delivery.objects.filter(document=draft.document).order_by("recipient_agency_id")
    assert [(d.recipient_agency_id, d.state) for d in deliveries] == [
        (a["huyen"].pk, DeliveryState.ARRIVED), (a["xa"].pk, DeliveryState.ARRIVED)]
    # What arrives is the generated letter, signed by the deputy head and the Office.
    sealed = DraftFile.objects.filter(draft=draft, role="sealed").select_related("stored_file").get()
    from lienthong import files as file_store

    with file_store.open_original(sealed.stored_file.storage_name) as fh:
        assert "Gửi điện tử: 50% (tối thiểu 80%)" in " ".join(pdf_text(fh.read()).split())
    assert p.agencies["stttt"].pk not in {d.recipient_agency_id for d in deliveries}


@pytest.mark.parametrize(("query", "post", "message"), [
    (PERIOD + NO_THRESHOLDS, {"agency": ["huyen"]}, services.NO_THRESHOLD),
    (PERIOD + THRESHOLDS, {}, services.NO_AGENCY_CHOSEN),
    (PERIOD + THRESHOLDS, {"agency": ["huyen", "stttt"]},
     services.NOT_LAGGING % {"n": "Sở Thông tin và Truyền thông tỉnh Hậu Giang"}),
    (PERIOD + THRESHOLDS, {"agency": ["huyen", "vp"]}, services.NOT_TO_ISSUER % {"a": "VP UBND tỉnh"}),
    (PERIOD + THRESHOLDS, {"agency": ["huyen"], "signer": "leader.huyen"},
     services.SIGNER_NOT_LEADER % {"a": "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang"}),
    (PERIOD + THRESHOLDS, {"agency": ["huyen"], "reply_by": "2018-01-01"}, services.REPLY_BY_PAST),
    (PERIOD + THRESHOLDS, {"agency": ["abc"]},
     f"{ReminderForm.base_fields['agency'].label}: {AGENCY_LIST_INVALID}"),
    ("?month_from=2018-05&month_to=2018-03" + THRESHOLDS, {"agency": ["huyen"]}, PERIOD_REVERSED),
])
def test_bad_choices_are_explained_and_nothing_is_stored(laggards, client, query, post, message):
    a, u = laggards.agencies, laggards.users
    data = {k: [a[x].pk if x in a else x for x in v] if k == "agency" else v for k, v in post.items()}
    if "signer" in data:
        data["signer"] = u[data["signer"]].pk
    client.force_login(u["clerk.vp"])
    response = client.post(reverse("oversight:reminder_draft") + query, data, follow=True)
    assert response.redirect_chain[0][0] == "/giam-sat/" + query
    assert str(message) in messages_of(response)
    assert not Draft.objects.exists() and not DraftFile.objects.exists()


def test_who_may_send_a_reminder(laggards, client):
    a, u = laggards.agencies, laggards.users
    body = {"agency": [a["huyen"].pk]}
    # Not an overseer: the shared "no permission" page.
    client.force_login(u["clerk.huyen"])
    assert client.post(URL, body).status_code == 403
    client.logout()
    assert client.post(URL, body).status_code == 302 and not Draft.objects.exists()
    # A system administrator holds no position: may look, but has no agency to write from.
    admin = user_create(username="sysadmin", password=PASSWORD, full_name="Quản trị", is_system_admin=True)
    client.force_login(admin)
    assert not page_of(client.get(f"/giam-sat/{PERIOD}{THRESHOLDS}")).xpath("//form[@id='reminder-form']")
    response = client.post(URL, body, follow=True)
    assert str(services.REMINDER_STAFF_ONLY) in messages_of(response)
    assert not Draft.objects.exists()
    # Sở TT&TT (the council) writes in its own name, signed by its leader; a GET does nothing.
    client.force_login(u["specialist.stttt"])
    assert client.get(URL).status_code == 405
    response = client.post(URL, body)
    draft = Draft.objects.get()
    assert response.status_code == 302 and (draft.agency_id, draft.signer_id) == (a["stttt"].pk, u["leader.stttt"].pk)
    assert draft.signer_authority == "" and draft.signer_position == ""


def test_the_dashboard_with_the_form_keeps_its_query_count(laggards, client, django_assert_max_num_queries):
    from lienthong.testing.builders import make_agency

    client.force_login(laggards.users["clerk.vp"])
    url = f"/giam-sat/{PERIOD}{THRESHOLDS}"
    client.get(url)
    with django_assert_max_num_queries(40) as before:
        client.get(url)
    level = laggards.agencies["xa"].level
    for i in range(8):
        agency = make_agency(f"Ủy ban nhân dân xã số {i}", "UBND", level, parent=laggards.agencies["huyen"])
        for m in (JAN, FEB, MAR):
            AgencyMonthStats.objects.create(agency=agency, month=m, computed_at=timezone.now(), staff_accounts=10,
                                            active_users=1)
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = page_of(client.get(url))
    assert len(page.xpath("//input[@form='reminder-form']")) == 10


def test_many_addressees_are_named_in_the_table_only():
    """Up to six agencies are listed after "Kính gửi:"; more are "the agencies in the table below"."""
    from lienthong.oversight import notice
    from lienthong.oversight.selectors import UsageRow

    def letter(n):
        rows = [notice.NoticeRow(row=UsageRow(agency_id=i, agency_name=f"Ủy ban nhân dân xã số {i}",
                                              agency_short_name="", level_code="xa", level_rank=3, group_code=None,
                                              group_name=None, staff_accounts=10, active_users=1),
                                 failed={"active_user_share": (0.1, 0.5)}) for i in range(n)]
        return " ".join(lxml_html.fromstring(notice.notice_html(notice.Notice(
            parent_name="Ủy ban nhân dân tỉnh Hậu Giang", issuer_name="Văn phòng Ủy ban nhân dân tỉnh Hậu Giang",
            issuer_abbreviation="VP.UBND", place="Hậu Giang", year=2018, month_from=JAN, month_to=MAR, rows=rows,
            signer_name="Nguyễn Văn A"))).xpath("//div[@class='addressees']")[0].text_content().split())

    assert letter(1) == "Kính gửi: Ủy ban nhân dân xã số 0."
    assert letter(6).endswith("- Ủy ban nhân dân xã số 4;- Ủy ban nhân dân xã số 5.")  # one line each
    assert letter(7) == "Kính gửi: Các cơ quan, đơn vị có tên trong bảng dưới đây."


def test_the_letter_stays_vietnamese_when_the_interface_is_english(compiled_messages):  # noqa: F811
    """A Decree 30 công văn is Vietnamese whatever language the Provincial Office reads the pages in."""
    from django.utils import translation

    from lienthong.oversight import notice
    from lienthong.oversight.selectors import UsageRow

    row = notice.NoticeRow(row=UsageRow(agency_id=1, agency_name="Ủy ban nhân dân xã Vị Thắng", agency_short_name="",
                                        level_code="xa", level_rank=3, group_code=None, group_name=None,
                                        staff_accounts=10, active_users=1),
                           failed={"active_user_share": (0.1, 0.5)})
    letter = notice.Notice(
        parent_name="Ủy ban nhân dân tỉnh Hậu Giang", issuer_name="Văn phòng Ủy ban nhân dân tỉnh Hậu Giang",
        issuer_abbreviation="VP.UBND", place="Hậu Giang", year=2018, month_from=JAN, month_to=MAR, rows=[row],
        signer_name="Nguyễn Văn A", signer_title="Phó Chánh Văn phòng", reply_by=dt.date(2018, 4, 20))
    with translation.override("en"):
        text = " ".join(lxml_html.fromstring(notice.notice_html(letter)).text_content().split())
        assert translation.get_language() == "en"
        pdf = " ".join(pdf_text(notice.notice_pdf(letter)).split())
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Kính gửi:", "Nơi nhận:",
                  "Người dùng hoạt động: 10% (tối thiểu 50%)", "từ tháng 01/2018 đến tháng 03/2018",
                  "trước ngày 20 tháng 4 năm 2018", "- Lưu: VT."):
        assert words in text, words
        assert words in pdf, words


def test_a_reminder_asked_for_in_english_is_a_vietnamese_draft(compiled_messages, laggards, client,  # noqa: F811
                                                                settings):
    a, u = laggards.agencies, laggards.users
    client.force_login(u["specialist.vp"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(URL, {"agency": [a["xa"].pk, a["huyen"].pk], "signer": u["leader.vp"].pk,
                                 "reply_by": future()})
    draft = Draft.objects.get()
    assert response.status_code == 302
    assert draft.recipients_text.endswith("- Lưu: VT.")
    for row in DraftFile.objects.filter(draft=draft, role="draft"):  # the Word letter and its PDF
        letter = client.get(reverse("drafting:file", args=[draft.pk, row.pk]))
        data = b"".join(letter.streaming_content) if letter.streaming else letter.content
        text = " ".join((pdf_text(data) if row.filename.endswith(".pdf") else docx_text(data)).split())
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Kính gửi:" in text and "- Lưu: VT." in text
        assert "Recipients" not in text and "No.:" not in text  # nothing of the English page in the letter
