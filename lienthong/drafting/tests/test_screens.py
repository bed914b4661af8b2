"""The draft page and the sender's tracking panel in a real browser, with screenshots to look at
(var/screenshots; the reviewed copies are docs/screenshots/draft-detail.png and tracking.png)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lienthong.browser_tests.conftest import page, screenshot_dir  # noqa: F401 (fixtures)
from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery
from lienthong.drafting import services as drafting
from lienthong.drafting import views as drafting_views
from lienthong.drafting.models import DraftState
from lienthong.processing import services as processing
from lienthong.processing.models import AssignmentRole
from lienthong.testing.builders import PASSWORD, doc_type, make_province, pdf_upload


def sign_in(page, live_server, username):  # noqa: F811
    page.context.clear_cookies()
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_contain_text("Xin chào")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_draft_page_and_tracking_panel(live_server, page, screenshot_dir):  # noqa: F811
    p = make_province()
    u, a = p.users, p.agencies
    author = u["specialist.huyen.noivu"]
    data = drafting.DraftInput(
        document_type=doc_type("bao-cao"),
        subject="Báo cáo kết quả thực hiện công tác cải cách hành chính quý I năm 2025",
        signer_id=u["leader.huyen"].pk, reviewer_id=u["leader.huyen.noivu"].pk, unit_id=p.units["noivu"].pk,
        signer_position="Chủ tịch", urgency="urgent",
        recipient_ids=[a["ubnd"].pk, a["stttt"].pk, a["vp"].pk, a["xa"].pk], extra_recipients="Lưu: VT, NV.",
        files=[pdf_upload("bao-cao-cchc-q1.pdf", "Bao cao CCHC")],
        attachments=[pdf_upload("phu-luc-so-lieu.pdf", "Phu luc")])
    draft = drafting.draft_create(actor=author, agency=a["huyen"], data=data)
    drafting.draft_submit(actor=author, draft=draft, note="Kính trình Trưởng phòng xem xét.")
    drafting.draft_return(actor=u["leader.huyen.noivu"], draft=draft,
                          reason="Bổ sung số liệu thủ tục hành chính trực tuyến toàn trình ở mục II.")
    drafting.draft_add_files(actor=author, draft=draft, uploads=[pdf_upload("bao-cao-cchc-q1-v2.pdf", "Ban 2")],
                             note="Đã bổ sung số liệu mục II")
    drafting.draft_submit(actor=author, draft=draft)
    drafting.draft_check_content(actor=u["leader.huyen.noivu"], draft=draft, note="Đồng ý, trình ký.")
    drafting.draft_check_format(actor=u["clerk.huyen"], draft=draft)
    drafting.draft_comment(actor=u["leader.huyen"], draft=draft, text="Rút gọn phần đánh giá chung còn một trang.")

    # The chairman opens the draft waiting for his approval.
    sign_in(page, live_server, "leader.huyen")
    page.goto(live_server.url + f"/du-thao/{draft.pk}/")
    expect(page.locator("h1")).to_contain_text("cải cách hành chính")
    expect(page.locator(".flow .step.current")).to_contain_text("Duyệt")
    expect(page.locator("form.action-approve_sign button")).to_have_text("Duyệt và ký")
    page.screenshot(path=str(screenshot_dir / "draft-detail.png"), full_page=True)

    page.get_by_text("Chỉ duyệt, ký sau").click()  # approving alone is folded under "Duyệt và ký"
    page.locator("form.action-approve button").click()
    expect(page.locator(".messages")).to_contain_text(str(drafting_views.APPROVED))
    draft.refresh_from_db()
    drafting.draft_sign(actor=u["clerk.huyen"], draft=draft, uploads=[pdf_upload("da-ky.pdf", "Da ky")])
    doc = drafting.draft_number(actor=u["clerk.huyen"], draft=draft)
    drafting.draft_seal(actor=u["clerk.huyen"], draft=draft, issue=True)

    # The recipients move on at their own pace.
    d = {k: Delivery.objects.get(document=doc, recipient_agency=a[k]) for k in ("ubnd", "stttt", "vp", "xa")}
    delivery_services.delivery_receive(actor=u["clerk.ubnd"], delivery_id=d["ubnd"].pk)
    delivery_services.delivery_return(actor=u["clerk.stttt"], delivery_id=d["stttt"].pk,
                                      reason="Văn bản không thuộc thẩm quyền giải quyết của Sở.")
    incoming = delivery_services.delivery_register(actor=u["clerk.xa"], delivery_id=d["xa"].pk)
    processing.handling_submit(actor=u["clerk.xa"], handling_id=incoming.handling.pk, leader_id=u["leader.xa"].pk)
    [lead] = processing.handling_assign(actor=u["leader.xa"], handling_id=incoming.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.xa"].pk,
                                  instruction="Nghiên cứu, triển khai")])
    processing.assignment_note(actor=u["specialist.xa"], assignment_id=lead.pk, text="Đang triển khai", progress=40)

    sign_in(page, live_server, "clerk.huyen")
    page.goto(live_server.url + f"/van-ban/{doc.pk}/")
    panel = page.locator("#theo-doi")
    expect(panel).to_contain_text("Tình hình gửi và xử lý tại nơi nhận")
    expect(panel.locator(".track-item")).to_have_count(4)
    panel.locator(".track-item").nth(3).locator("summary").click()
    expect(panel.locator(".track-item").nth(3).locator("table.events tbody tr")).to_have_count(6)
    panel.screenshot(path=str(screenshot_dir / "tracking.png"))

    page.goto(live_server.url + "/lien-thong/da-gui/")
    expect(page.locator("table.sent tbody tr")).to_have_count(1)
    expect(page.locator("table.sent .chips")).to_contain_text(re.compile(r"1 bị trả lại"))
    page.screenshot(path=str(screenshot_dir / "sent.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_drafting_with_the_recipient_picker(live_server, page, screenshot_dir, tmp_path):  # noqa: F811
    from lienthong.delivery.services import recipient_list_save
    from lienthong.drafting.models import Draft
    from lienthong.testing.builders import tiny_pdf

    p = make_province()
    recipient_list_save(actor=p.users["clerk.huyen"], agency_id=p.agencies["huyen"].pk, name="Các sở, ngành tỉnh",
                        member_ids=[p.agencies["vp"].pk, p.agencies["stttt"].pk])
    upload = tmp_path / "du-thao.pdf"
    upload.write_bytes(tiny_pdf("Du thao"))

    sign_in(page, live_server, "specialist.huyen.noivu")
    page.goto(live_server.url + "/du-thao/tao/")
    page.get_by_label("Loại văn bản").select_option(label="Báo cáo")
    page.get_by_label("Trích yếu").fill("Báo cáo tình hình thực hiện nhiệm vụ tháng 3")
    # Typing without diacritics finds the commune; ticking it moves it into the chosen list.
    page.get_by_label("Tìm cơ quan theo tên").fill("vi thang")
    result = page.locator("#results-recipients .found input")
    expect(result).to_have_count(1)
    result.check()
    expect(page.locator("#chosen-recipients li")).to_have_text([re.compile(r"^\s*Ủy ban nhân dân xã Vị Thắng\s*$")])
    # Searching again keeps the choice and leaves the chosen agency out of the results.
    page.get_by_label("Tìm cơ quan theo tên").fill("uy ban")
    expect(page.locator("#results-recipients .found li")).to_have_count(2)
    page.get_by_label("Các sở, ngành tỉnh (2)").check()
    page.get_by_label("Tệp dự thảo (DOCX, ODT, PDF)").set_input_files(str(upload))
    page.screenshot(path=str(screenshot_dir / "draft-form.png"), full_page=True)
    page.get_by_role("button", name="Lưu và trình").click()

    expect(page.locator(".messages")).to_contain_text(
        drafting_views.SAVED_AND_SUBMITTED % {"s": str(DraftState.CONTENT_REVIEW.label).lower()})
    expect(page.locator(".flow .step.current")).to_contain_text("Kiểm tra nội dung")
    draft = Draft.objects.get()
    assert [r.agency_id for r in draft.recipients.order_by("order")] == [
        p.agencies["vp"].pk, p.agencies["stttt"].pk, p.agencies["xa"].pk]
    assert draft.recipients_text.splitlines()[1:] == ["- Các sở, ngành tỉnh;", "- Ủy ban nhân dân xã Vị Thắng."]
    page.goto(live_server.url + "/du-thao/?tab=mine")
    expect(page.locator("table.drafts tbody tr")).to_have_count(1)
    page.screenshot(path=str(screenshot_dir / "draft-list.png"), full_page=True)
