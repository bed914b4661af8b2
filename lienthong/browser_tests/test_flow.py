"""The document flow across the three levels, in a real browser, each person in a browser of their own.

A commune specialist drafts a report to the district People's Committee; the commune clerk checks the
format, the chairman approves, the clerk attaches the scan of the paper signature, numbers, seals and
issues it. The district clerk receives it from the inbox, registers it and submits it to the chairman,
who gives the lead to the Home Affairs department with a deadline; the department head hands it to a
specialist, who notes the progress, drafts the reply (to the commune, copied to the province), sees it
through the district's own outgoing flow and closes the incoming document with it. The province clerk
and the commune clerk register the reply, and the commune sees, on its report's page, every status the
district reported with times, the district (never its people's names) and only the reply it chose to send
back: the specialist's progress note stays inside the district.

Only pages are used, the way people use them; the data set-up is the province and the people's names.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from lienthong.browser_tests.conftest import CHROMIUM, CHROMIUM_ARGS
from lienthong.delivery.views import inbox as delivery_inbox
from lienthong.drafting import views as drafting_views
from lienthong.drafting.models import DraftState
from lienthong.processing import views as processing_views
from lienthong.testing.builders import PASSWORD, make_province, tiny_pdf

REPORT = "Báo cáo tình hình thiệt hại do mưa lớn kéo dài trên địa bàn xã Vị Thắng"
REPLY = "Về việc hỗ trợ khắc phục thiệt hại do mưa lớn trên địa bàn xã Vị Thắng"
NOTE = "Đã phối hợp Phòng Tài chính - Kế hoạch rà soát số liệu thiệt hại, đang dự thảo văn bản trả lời"
REPLY = "Huyện đang tổng hợp, sẽ có văn bản trả lời trong tuần."  # what the district sends back with 05
INSTRUCTION = "Chủ trì kiểm tra số liệu, tham mưu văn bản trả lời xã"
# The people of the test province, with the names and titles they would have.
PEOPLE = {
    "specialist.xa": ("Lê Thị Mai", None),
    "clerk.xa": ("Nguyễn Văn Bình", None),
    "leader.xa": ("Trần Quốc Toàn", "Chủ tịch"),
    "clerk.huyen": ("Nguyễn Thị Lan", None),
    "leader.huyen": ("Trần Văn Hùng", "Chủ tịch"),
    "leader.huyen.noivu": ("Lê Minh Tâm", None),
    "specialist.huyen.noivu": ("Phạm Thu Hà", None),
    "clerk.ubnd": ("Võ Thị Hồng", None),
}
PREVIEW = re.compile(r"/tep/\d+/\?inline=1$")
WHEN = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}")


@pytest.fixture
def browser(live_server, transactional_db):
    """The conftest's Chromium, shared by several people, each in a context (cookies) of their own."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-packages` (apt install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            connections.close_all()


class Desks:
    """Opens each person's browser once, signed in through the login page."""

    def __init__(self, browser: Browser, base_url: str):
        self.browser, self.base_url, self.pages = browser, base_url, {}

    def __call__(self, username: str, path: str | None = None) -> Page:
        """The person's page, at ``path`` if given (else where they left it; home after signing in)."""
        page = self.pages.get(username)
        if page is None:
            context = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                               timezone_id="Asia/Ho_Chi_Minh")
            context.set_default_timeout(15_000)
            # The PDF previews (iframes) would each start Chromium's PDF viewer, hundreds of requests
            # per page; nothing here looks at them, so they get a stand-in.
            context.route(PREVIEW, lambda route: route.fulfill(content_type="text/plain", body="PDF"))
            page = self.pages[username] = context.new_page()
            page.goto(self.base_url + "/tai-khoan/dang-nhap/")
            page.get_by_label("Tên đăng nhập").fill(username)
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            expect(page.locator("h1")).to_have_text(f"Xin chào, {PEOPLE[username][0]}")
        if path is not None:
            page.goto(path if path.startswith("http") else self.base_url + path)
        return page


def name_the_people(province) -> None:
    from lienthong.accounts.models import Position, User

    for username, (full_name, title) in PEOPLE.items():
        user = province.users[username]
        User.objects.filter(pk=user.pk).update(full_name=full_name)
        if title:
            Position.objects.filter(user=user).update(title=title)


def expect_message(page: Page, text) -> None:
    """The page's message is ``text`` (a constant of the view that says it, formatted like the view does)."""
    expect(page.locator(".messages")).to_have_text(str(text))


def submitted_to(state: DraftState) -> str:
    """The confirmation of a draft saved and submitted, naming its next step."""
    return drafting_views.SAVED_AND_SUBMITTED % {"s": str(state.label).lower()}


def pick_recipient(page: Page, typed: str, name: str) -> None:
    """Type in the recipient picker without diacritics and tick the agency found."""
    page.get_by_role("searchbox", name="Tìm cơ quan theo tên").fill(typed)
    page.locator("#results-recipients").get_by_role("checkbox", name=re.compile("^" + re.escape(name))).check()
    expect(page.locator("#chosen-recipients")).to_contain_text(name)


def open_draft(page: Page, subject: str) -> None:
    """From the list of drafts waiting for this person (the first tab of the draft list)."""
    expect(page.get_by_role("link", name=re.compile("^Chờ tôi xử lý"))).to_have_attribute("aria-current", "page")
    page.locator("table.drafts").get_by_role("link", name=subject).click()
    expect(page.locator("h1")).to_have_text(subject)


def act(page: Page, action: str, button: str) -> None:
    if action == "approve":  # where the signer may also sign in the same step, approving alone is folded
        alone = page.locator("#thao-tac summary", has_text="Chỉ duyệt, ký sau")
        if alone.count():
            alone.first.click()
    page.locator(f"#thao-tac form.action-{action}").get_by_role("button", name=button, exact=True).click()


def draft_state(page: Page):
    return page.locator(".page-head .dstate")


def sign_number_seal_issue(page: Page, scan: Path, number: str) -> None:
    """The clerk's part after approval: the scan of the paper signature, the number, seal and issue."""
    expect(draft_state(page)).to_have_text("Chờ ký")
    page.locator("form.action-sign").get_by_label("Bản quét văn bản đã ký").set_input_files(scan)
    act(page, "sign", "Ký")
    expect_message(page, drafting_views.SIGNED)
    act(page, "number", "Cấp số")
    expect_message(page, drafting_views.NUMBERED % {"s": number})
    page.locator("form.action-seal").get_by_label("Phát hành ngay sau khi đóng dấu").check()
    act(page, "seal", "Đóng dấu")
    expect_message(page, drafting_views.SEALED_AND_ISSUED)
    expect(draft_state(page)).to_have_text("Đã phát hành")


def panel(page: Page):
    return page.locator("#xu-ly")


def tile(page: Page, label: str):
    return page.locator(".tiles a.tile").filter(has_text=label)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_commune_report_to_district_and_reply_back(live_server, browser, tmp_path, screenshot_dir):
    p = make_province()
    name_the_people(p)
    desk = Desks(browser, live_server.url)
    today = timezone.localdate()
    deadline = today + dt.timedelta(days=10)
    draft_pdf, scan_pdf = tmp_path / "bao-cao-thiet-hai.pdf", tmp_path / "bao-cao-da-ky.pdf"
    draft_pdf.write_bytes(tiny_pdf("Bao cao thiet hai do mua lon"))
    scan_pdf.write_bytes(tiny_pdf("Bao cao thiet hai - ban quet da ky"))
    reply_pdf, reply_scan = tmp_path / "cong-van-tra-loi.pdf", tmp_path / "cong-van-da-ky.pdf"
    reply_pdf.write_bytes(tiny_pdf("Cong van tra loi xa Vi Thang"))
    reply_scan.write_bytes(tiny_pdf("Cong van tra loi - ban quet da ky"))

    # --- Commune: the specialist drafts the report and submits it -----------------------------------
    page = desk("specialist.xa", "/du-thao/")
    page.get_by_role("link", name="Soạn dự thảo mới").click()
    expect(page.locator("h1")).to_have_text("Soạn dự thảo văn bản")
    page.get_by_label("Loại văn bản").select_option(label="Báo cáo")
    page.get_by_label("Trích yếu").fill(REPORT)
    expect(page.get_by_label("Chức vụ người ký")).to_have_value("Chủ tịch")  # the chairman, proposed
    pick_recipient(page, "huyen vi thuy", "Ủy ban nhân dân huyện Vị Thủy")
    page.get_by_label("Nơi nhận khác").fill("Lưu: VT.")
    page.get_by_label("Tệp dự thảo").set_input_files(draft_pdf)
    page.get_by_role("button", name="Lưu và trình").click()
    expect_message(page, submitted_to(DraftState.FORMAT_CHECK))
    expect(page.locator("h1")).to_have_text(REPORT)
    expect(page.locator("ul.recipients")).to_have_text("Ủy ban nhân dân huyện Vị Thủy")

    # The clerk checks the format, the chairman approves, the clerk signs for him on paper and issues.
    page = desk("clerk.xa", "/du-thao/")
    open_draft(page, REPORT)
    act(page, "format_ok", "Đạt thể thức, trình ký")
    expect_message(page, drafting_views.FORMAT_CHECKED)
    page = desk("leader.xa", "/du-thao/")
    open_draft(page, REPORT)
    act(page, "approve", "Duyệt")
    expect_message(page, drafting_views.APPROVED)
    # No list shows a văn thư the drafts waiting for a signature (drafting.selectors.CLERK_QUEUE_STATES):
    # the clerk comes back to the tab still open on the draft.
    page = desk("clerk.xa")
    page.reload()
    sign_number_seal_issue(page, scan_pdf, "01/BC-UBND")
    expect(page.locator("#theo-doi .track-row").filter(has_text="huyện Vị Thủy")).to_contain_text("Đã đến")

    # --- District: the clerk finds it in the inbox, receives, registers and submits it ---------------
    page = desk("clerk.huyen")
    expect(tile(page, "Văn bản chờ tiếp nhận").locator("b")).to_have_text("1")
    tile(page, "Văn bản chờ tiếp nhận").click()
    row = page.locator("table.inbox tbody tr").filter(has_text="01/BC-UBND")
    expect(row).to_contain_text("UBND xã Vị Thắng")
    expect(row).to_contain_text(REPORT)
    row.get_by_role("link", name="01/BC-UBND").click()
    expect(page.locator("h1")).to_have_text("Báo cáo 01/BC-UBND")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect_message(page, delivery_inbox.RECEIVED)
    expect(page.locator(".doc-head .badge").first).to_have_text("Đã tiếp nhận")
    expect(page.get_by_label("Ngày đến")).to_have_value(today.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Vào sổ", exact=True).click()
    expect_message(page, delivery_inbox.REGISTERED % {"n": 1})
    incoming_url = page.url.split("#")[0]
    incoming_id = int(re.search(r"/van-ban/(\d+)/", incoming_url).group(1))
    expect(panel(page).locator(".hstate")).to_have_text("Chờ trình lãnh đạo")
    expect(panel(page).locator(".origin")).to_contain_text(
        "Nhận qua hệ thống liên thông từ Ủy ban nhân dân xã Vị Thắng, văn bản số 01/BC-UBND")
    panel(page).get_by_label("Trình lãnh đạo").select_option(label="Trần Văn Hùng – Chủ tịch")
    panel(page).get_by_label("Ý kiến văn thư").fill("Kính trình Chủ tịch cho ý kiến chỉ đạo")
    panel(page).get_by_role("button", name="Trình", exact=True).click()
    expect_message(page, processing_views.SUBMITTED % {"l": "Trần Văn Hùng – Chủ tịch"})
    expect(panel(page).locator(".hstate")).to_have_text("Chờ phân công")

    # --- The chairman gives the lead to Home Affairs with a deadline, Finance supports ---------------
    page = desk("leader.huyen")
    expect(tile(page, "Văn bản đến chờ phân công").locator("b")).to_have_text("1")
    tile(page, "Văn bản đến chờ phân công").click()
    page.locator("table.queue").get_by_role("link", name="01/BC-UBND").click()
    form = panel(page).locator("form.assign-form")
    form.locator("select[name='a-row-0-target']").select_option(label="Phòng Nội vụ")
    form.locator("input[name='a-row-0-deadline']").fill(deadline.strftime("%d/%m/%Y"))
    form.locator("input[name='a-row-0-instruction']").fill(INSTRUCTION)
    form.locator("select[name='a-row-1-target']").select_option(label="Phòng Tài chính - Kế hoạch")
    form.locator("input[name='a-row-1-instruction']").fill("Cung cấp số liệu hỗ trợ")
    form.get_by_role("button", name="Phân công").click()
    expect_message(page, processing_views.ASSIGNED % {"n": 2})
    expect(panel(page).locator(".hstate")).to_have_text("Đã phân công")
    lead_row = panel(page).locator("tr.tree-row.role-lead")
    expect(lead_row).to_contain_text("Phòng Nội vụ")
    expect(lead_row).to_contain_text(deadline.strftime("%d/%m/%Y"))

    # The head of Home Affairs hands the department's part to a specialist.
    page = desk("leader.huyen.noivu", "/xu-ly/hang-doi/to_assign/")
    page.locator("table.queue").get_by_role("link", name="01/BC-UBND").click()
    hand_on = panel(page).locator("details.panel-more").filter(has_text="Giao cho người của Phòng Nội vụ")
    hand_on.locator("summary").click()
    hand_on.locator("select[name$='-row-0-target']").select_option(label="Phạm Thu Hà (Chuyên viên – Phòng Nội vụ)")
    hand_on.get_by_role("button", name="Giao việc").click()
    expect_message(page, processing_views.HANDED_ON % {"u": "Phòng Nội vụ"})
    expect(panel(page).locator("tr.tree-row.depth-1")).to_contain_text("Phạm Thu Hà")

    # --- The specialist notes the progress, then drafts the reply from the incoming document --------
    page = desk("specialist.huyen.noivu")
    expect(tile(page, "Văn bản đến tôi cần xử lý").locator("b")).to_have_text("1")
    tile(page, "Văn bản đến tôi cần xử lý").click()
    page.locator("table.queue").get_by_role("link", name="01/BC-UBND").click()
    progress = panel(page).locator("details.panel-more").filter(has_text="Cập nhật tiến độ")
    progress.locator("summary").click()
    progress.get_by_label("Ý kiến, tiến độ xử lý").fill(NOTE)
    progress.get_by_label("Tiến độ (%)").fill("60")
    progress.get_by_label("Nội dung phản hồi cho nơi gửi").fill(REPLY)
    progress.get_by_role("button", name="Ghi nhận").click()
    expect_message(page, processing_views.PROGRESS_NOTED)
    expect(panel(page).locator(".hstate")).to_have_text("Đang xử lý")
    expect(panel(page).locator("ul.notes")).to_contain_text(NOTE)

    page.goto(f"{live_server.url}/du-thao/tao/?lien-quan={incoming_id}&quan-he=replies_to")
    expect(page.get_by_label("Văn bản liên quan", exact=True)).to_have_value(str(incoming_id))
    expect(page.get_by_label("Quan hệ với văn bản khác")).to_have_value("replies_to")
    expect(page.get_by_label("Lãnh đạo đơn vị kiểm tra nội dung")).to_contain_text("Lê Minh Tâm")
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    page.get_by_label("Trích yếu").fill(REPLY)
    # The reply starts addressed to the sender of the document it answers.
    expect(page.locator("#chosen-recipients")).to_contain_text("Ủy ban nhân dân xã Vị Thắng")
    pick_recipient(page, "uy ban nhan dan tinh", "Ủy ban nhân dân tỉnh Hậu Giang")
    page.get_by_label("Nơi nhận khác").fill("Lưu: VT, NV.")
    page.get_by_label("Tệp dự thảo").set_input_files(reply_pdf)
    page.get_by_role("button", name="Lưu và trình").click()
    expect_message(page, submitted_to(DraftState.CONTENT_REVIEW))
    expect(page.locator("dl.meta-grid")).to_contain_text("Trả lời")

    # The reply goes through the district's own outgoing flow.
    page = desk("leader.huyen.noivu", "/du-thao/")
    open_draft(page, REPLY)
    act(page, "content_ok", "Đồng ý nội dung")
    expect_message(page, drafting_views.CONTENT_AGREED)
    page = desk("clerk.huyen", "/du-thao/")
    open_draft(page, REPLY)
    act(page, "format_ok", "Đạt thể thức, trình ký")
    expect_message(page, drafting_views.FORMAT_CHECKED)
    page = desk("leader.huyen", "/du-thao/")
    open_draft(page, REPLY)
    act(page, "approve", "Duyệt")
    expect_message(page, drafting_views.APPROVED)
    page = desk("clerk.huyen")
    page.reload()
    sign_number_seal_issue(page, reply_scan, "01/UBND-NV")

    # The specialist closes the incoming document with the reply.
    page = desk("specialist.huyen.noivu", incoming_url)
    done = panel(page).locator("details.panel-more").filter(has=page.locator("summary", has_text="Hoàn thành"))
    done.locator("summary").click()
    done.get_by_label("Kết quả xử lý").fill("Đã tham mưu Chủ tịch ký văn bản trả lời xã")
    reply_choice = done.get_by_label("Văn bản trả lời", exact=True)
    reply_choice.select_option(reply_choice.locator("option", has_text="01/UBND-NV").get_attribute("value"))
    done.get_by_role("button", name="Hoàn thành").click()
    expect_message(page, processing_views.PART_COMPLETED)
    expect(panel(page).locator(".hstate")).to_have_text("Hoàn thành")
    expect(panel(page).locator("dl")).to_contain_text(re.compile(r"Văn bản trả lời\s*01/UBND-NV"))
    expect(page.locator("ul.relations")).to_contain_text("01/UBND-NV")
    page.wait_for_load_state("networkidle")
    panel(page).screenshot(path=str(screenshot_dir / "flow-processing.png"))

    # --- Province and commune: the reply arrives, and is registered ---------------------------------
    for clerk in ("clerk.ubnd", "clerk.xa"):
        page = desk(clerk, "/")
        expect(tile(page, "Văn bản chờ tiếp nhận").locator("b")).to_have_text("1")
        tile(page, "Văn bản chờ tiếp nhận").click()
        row = page.locator("table.inbox tbody tr").filter(has_text="01/UBND-NV")
        expect(row).to_contain_text("UBND huyện Vị Thủy")
        row.get_by_role("link", name="01/UBND-NV").click()
        page.get_by_role("button", name="Vào sổ", exact=True).click()
        expect_message(page, delivery_inbox.REGISTERED % {"n": 1})
        expect(page.locator("h1")).to_have_text("Công văn 01/UBND-NV")
    # The district sees both copies of its reply registered, on the reply's draft page.
    page = desk("clerk.huyen")
    page.reload()
    expect(page.locator("#theo-doi .chips .chip")).to_have_text("2 đã vào sổ")

    # --- The commune follows its report: every status the district reported, its time, the district ---
    page = desk("clerk.xa", "/lien-thong/da-gui/")
    sent = page.locator("table.sent tbody tr").filter(has_text="01/BC-UBND")
    expect(sent.locator(".chip")).to_have_text("1 hoàn thành")
    sent.get_by_role("link", name="01/BC-UBND").click()
    tracking = page.locator("#theo-doi")
    district = tracking.locator("details.track-item").filter(has_text="Ủy ban nhân dân huyện Vị Thủy")
    expect(district.locator("summary")).to_contain_text("số đến 1")
    expect(district.locator(".state-pill")).to_have_text("Hoàn thành")
    district.locator("summary").click()
    events = district.locator("table.events tbody tr")
    expected = [
        ("–", "Đã gửi", "Nguyễn Văn Bình"),
        ("01", "Đã đến", "Hệ thống"),
        ("03", "Đã tiếp nhận", "Ủy ban nhân dân huyện Vị Thủy"),
        ("03", "Đã vào sổ văn bản đến", "Ủy ban nhân dân huyện Vị Thủy"),
        ("04", "Đã phân công xử lý", "Ủy ban nhân dân huyện Vị Thủy"),
        ("05", "Đang xử lý", "Ủy ban nhân dân huyện Vị Thủy"),
        ("06", "Hoàn thành", "Ủy ban nhân dân huyện Vị Thủy"),
    ]
    expect(events).to_have_count(len(expected))
    for i, (code, kind, who) in enumerate(expected):
        cells = events.nth(i).locator("td")
        expect(cells.nth(0)).to_have_text(code)
        expect(cells.nth(1)).to_have_text(kind)
        expect(cells.nth(2)).to_have_text(WHEN)
        expect(cells.nth(3)).to_have_text(who)
    expect(events.nth(4)).to_contain_text("Chủ trì: Phòng Nội vụ")
    expect(events.nth(4)).not_to_contain_text(f"{deadline:%d/%m/%Y}")  # the district's own deadline
    expect(events.nth(5)).to_contain_text(REPLY)
    expect(tracking).not_to_contain_text(NOTE)  # the progress note stays inside the district
    expect(events.nth(6)).to_contain_text("văn bản trả lời số 01/UBND-NV")
    page.wait_for_load_state("networkidle")
    tracking.screenshot(path=str(screenshot_dir / "flow-tracking.png"))
